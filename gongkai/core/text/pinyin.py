"""Pinyin readings and ruby markup for the 拼音 reading mode.

Readings come from pypinyin, run over whole runs of Han characters so that its phrase
dictionary picks the reading in context (银行 yín háng, 行走 xíng zǒu). pypinyin gets a few
place names and words wrong; the project phrase dictionary below corrects them. Each
entry was checked against pypinyin 0.55.0 (wrong without the entry) and against the
official romanisation of the place (民政部 administrative-division names).
"""

from __future__ import annotations

import functools
import re

from pypinyin import Style, load_phrases_dict, pinyin

# Phrase -> one reading per character (tone marks). Source of the first three:
# ../shared/reference/chinese-text.md §3; the others were found wrong by the same check.
PHRASE_READINGS: dict[str, str] = {
    # place names
    "长治": "cháng zhì",  # 山西长治市 (pypinyin: zhǎng zhì)
    "单县": "shàn xiàn",  # 山东单县 (pypinyin: dān xiàn)
    "长垣": "cháng yuán",  # 河南长垣市
    "长清": "cháng qīng",  # 济南长清区
    "长葛": "cháng gě",  # 河南长葛市
    "繁峙": "fán shì",  # 山西繁峙县
    "阆中": "làng zhōng",  # 四川阆中市
    "华县": "huà xiàn",  # 陕西华县 (now 华州区)
    "华阴": "huà yīn",  # 陕西华阴市
    "洪洞": "hóng tóng",  # 山西洪洞县
    "浚县": "xùn xiàn",  # 河南浚县
    "珲春": "hún chūn",  # 吉林珲春市
    "涡阳": "guō yáng",  # 安徽涡阳县
    "筠连": "jūn lián",  # 四川筠连县
    "会稽": "kuài jī",  # 绍兴会稽山
    # 还 as a verb (to repay, to return) in words that government texts use
    "还款": "huán kuǎn",
    "还贷": "huán dài",
}

# pypinyin is already right on these; tests keep them right after the dictionary loads.
KNOWN_GOOD: dict[str, str] = {
    "六安": "lù ān",
    "蚌埠": "bèng bù",
    "番禺": "pān yú",
    "银行": "yín háng",
    "行走": "xíng zǒu",
    "长治久安": "cháng zhì jiǔ ān",
    "长子县": "zhǎng zǐ xiàn",
}


@functools.cache
def _load_project_phrases() -> None:
    # load_phrases_dict updates pypinyin's process-wide table; done once, on first use.
    load_phrases_dict({phrase: [[syllable] for syllable in readings.split()]
                       for phrase, readings in PHRASE_READINGS.items()})


# Han characters, including the extension blocks outside the BMP and 〇.
HAN = re.compile(
    "[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002ebef\U00030000-\U0003134f]+"
)


def readings(text: str) -> list[tuple[str, str | None]]:
    """Each character of ``text`` with its reading in context (None where it has none)."""
    _load_project_phrases()
    result: list[tuple[str, str | None]] = []
    position = 0
    for match in HAN.finditer(text):
        result.extend((ch, None) for ch in text[position:match.start()])
        result.extend(_run_readings(match.group()))
        position = match.end()
    result.extend((ch, None) for ch in text[position:])
    return result


def _run_readings(run: str) -> list[tuple[str, str | None]]:
    syllables = pinyin(run, style=Style.TONE, errors="ignore")
    if len(syllables) != len(run):
        # A character pypinyin does not know is dropped and shifts the alignment: read
        # this run one character at a time.
        return [(ch, _single(ch)) for ch in run]
    return [(ch, item[0] or None) for ch, item in zip(run, syllables, strict=True)]


def _single(ch: str) -> str | None:
    found = pinyin(ch, style=Style.TONE, errors="ignore")
    return found[0][0] or None if found else None


def reading_string(text: str) -> str:
    """Space-separated readings of the Han characters in ``text`` (for tests and tools)."""
    return " ".join(reading for _, reading in readings(text) if reading)


# The annotations are for sighted readers: screen readers read the base characters once.
_RUBY = ('<ruby>{ch}<rp aria-hidden="true">(</rp><rt aria-hidden="true">{reading}</rt>'
         '<rp aria-hidden="true">)</rp></ruby>')


@functools.lru_cache(maxsize=8192)
def ruby_html(source: str) -> str:
    """Wrap every Han character of an HTML text node in ruby with its reading.

    ``source`` is raw HTML text (already escaped); only Han characters are wrapped, and
    they never need escaping, so everything else is passed through byte for byte.
    """
    if not HAN.search(source):
        return source
    parts = []
    for ch, reading in readings(source):
        parts.append(_RUBY.format(ch=ch, reading=reading) if reading else ch)
    return "".join(parts)
