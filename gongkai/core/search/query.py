"""From what a visitor typed to backend-neutral phrases (docs/search.md).

A query is split on whitespace into *terms*; a document matches when it contains every
term. Each term becomes one phrase of index tokens built by the same analyzer as the
documents, with one subtlety at the term's right end: the document may continue the last
Han run, so a run that reaches the end of the term contributes only its bigrams (for a
one-character run, a prefix token), while a run closed by a Latin word, a number or
punctuation also contributes its final unigram, exactly as the document does.

Nothing the visitor types is passed to a backend as syntax: tokens contain only Han
characters, ``a-z`` and ``0-9``; quotes, ``*``, ``NEAR``, ``AND`` and brackets are either
dropped as punctuation or become plain lower-case words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.core.search.analyzer import Token, comparable, is_han, normalize, run_tokens, runs

MAX_QUERY_CHARS = 200
MAX_TERMS = 10


@dataclass(frozen=True)
class Term:
    """One whitespace-separated part of the query, as a phrase of tokens."""

    text: str  # normalised, comparable form: what "contains" means for this term
    tokens: tuple[Token, ...]

    @property
    def han_length(self) -> int:
        return sum(1 for ch in self.text if is_han(ch))


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def normalized(self) -> str:
        return " ".join(term.text for term in self.terms)


def _term_tokens(part: str) -> tuple[Token, ...]:
    found = list(runs(part))
    out: list[Token] = []
    for index, run in enumerate(found):
        words = run_tokens(run)
        is_last = index == len(found) - 1
        if is_last and is_han(run[0]):
            if len(run) == 1:
                out.append(Token(run, prefix=True))
            else:
                out.extend(Token(word) for word in words[:-1])
        else:
            out.extend(Token(word) for word in words)
    return tuple(out)


def parse(raw: str) -> ParsedQuery:
    """Parse a visitor's query. Never raises; an unusable query parses to no terms."""
    text = (raw or "")[:MAX_QUERY_CHARS]
    terms: list[Term] = []
    seen: set[str] = set()
    for part in normalize(text).split():
        term_tokens = _term_tokens(part)
        if not term_tokens:
            continue  # punctuation only
        key = " ".join(f"{t.text}{'*' if t.prefix else ''}" for t in term_tokens)
        if key in seen:
            continue
        seen.add(key)
        terms.append(Term(text=comparable(part), tokens=term_tokens))
        if len(terms) == MAX_TERMS:
            break
    return ParsedQuery(raw=text, terms=tuple(terms))
