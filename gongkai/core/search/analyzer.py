"""The one text analyzer every search backend is built on (docs/search.md).

Chinese has no spaces, and no segmenter's dictionary can promise that a two-character
query finds every document containing it. So documents are indexed as *CJK bigrams*:
inside a run of Han characters, position ``i`` holds the token ``run[i:i+2]`` (the last
character of a run stands alone). A query of k characters becomes the phrase of its
k-1 bigrams, and a phrase of consecutive bigrams matches exactly where the text contains
the query: no dictionary, no segmentation errors, the same on every backend.

Before tokenizing, text and query go through the same normalisation: NFKC (full-width
letters and digits become half-width), lower case, and OpenCC t2s, so that 統計 finds 统计
and ＡＢＣ finds abc. Whitespace between two Han characters is ignored (old pages break
lines inside sentences); punctuation ends a run. Latin words and numbers are single tokens.

``ANALYZER_VERSION`` is stored with the index: change the rules, bump it, and
``gongkai search check`` reports the index as stale until it is rebuilt.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from gongkai.core.text.convert import to_simplified

ANALYZER_VERSION = 1

# Han ideographs incl. extension A, compatibility ideographs and the supplementary planes
# (OpenCC emits Tongyong Guifan characters such as 𫫇 outside the BMP).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN_RE = re.compile(rf"[{_HAN}]+(?:\s+[{_HAN}]+)*|[a-z0-9]+")
_SPACE_RE = re.compile(r"\s+")
_HAN_RE = re.compile(rf"[{_HAN}]")


@dataclass(frozen=True)
class Token:
    """One index token. ``prefix`` is used by queries only (see :mod:`.query`)."""

    text: str
    prefix: bool = False


@functools.lru_cache(maxsize=4096)
def _normalize_short(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text).lower())


def normalize(text: str) -> str:
    """NFKC, lower case, traditional → simplified. Used for text and queries alike."""
    if len(text) <= 64:
        return _normalize_short(text)
    return to_simplified(unicodedata.normalize("NFKC", text).lower())


def is_han(ch: str) -> bool:
    return bool(_HAN_RE.match(ch))


def runs(normalized: str) -> Iterator[str]:
    """Han runs (whitespace inside them removed) and Latin/number words, in order."""
    for match in _TOKEN_RE.finditer(normalized):
        chunk = match.group(0)
        yield _SPACE_RE.sub("", chunk) if is_han(chunk[0]) else chunk


def run_tokens(run: str) -> list[str]:
    """Tokens of one run: bigrams by position for Han runs, the word itself otherwise."""
    if not is_han(run[0]):
        return [run]
    return [run[i : i + 2] for i in range(len(run))]


def tokens(text: str) -> list[str]:
    """The token stream of a document field, after normalisation."""
    out: list[str] = []
    for run in runs(normalize(text)):
        out.extend(run_tokens(run))
    return out


def token_string(text: str) -> str:
    """Tokens joined by spaces: what the backends store (FTS5 column, ``tsvector``)."""
    return " ".join(tokens(text))


def comparable(text: str) -> str:
    """The text as the exactness contract sees it: normalised, whitespace between Han
    characters removed. A query "contains" match is a substring match on this form."""
    normalized = normalize(text)
    return re.sub(rf"(?<=[{_HAN}])\s+(?=[{_HAN}])", "", normalized)
