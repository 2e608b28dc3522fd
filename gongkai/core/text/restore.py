"""Restore legacy text damaged by SEO-spam mirrors: traditional characters, pinyin in brackets
after some of them (政務(wù)公開), and ASCII punctuation from NFKC folding.

The damage, its origin and the algorithm are in docs/legacy-import.md. In short: find
``Han character + (pinyin)`` runs, keep those whose syllable is a reading of the character,
decide per document whether they are the spam pattern (family A: toned, on traditional-only
characters; family B: toneless, on any character, dense), strip them, convert to simplified
with OpenCC ``t2s``, fix what ``t2s`` leaves behind (著 → 着, rare non-BMP forms), and put the
full-width punctuation back. Text that is already clean simplified Chinese comes out
byte-identical; text that merely uses pinyin in brackets (a teaching text) keeps it.

Everything here is a pure function of the input text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from gongkai.core.text.convert import to_simplified, to_traditional

# --- Tables ------------------------------------------------------------------------------

# s2t targets that t2s keeps as they are: on these a family-A annotation still marks a
# "converted" character, and 著 needs its own post-fix.
S2T_TARGETS_KEPT_BY_T2S = frozenset("著瞭彷藉祇覆伕甯牠暱揹甦乾夥")

# Words of simplified Chinese written with 著 (zhù); every other 著 in a converted text is the
# particle 着 that the spam converter wrote as 著 (隨著) and t2s leaves alone.
ZHU_WORDS = (
    "著名", "著作", "显著", "卓著", "著称", "昭著", "名著", "原著", "专著", "编著", "论著",
    "土著", "著述", "著录", "著者", "著书", "巨著", "遗著", "合著", "译著", "拙著", "新著",
    "彰著", "著有", "大著", "著说", "著文", "所著",
)

# OpenCC t2s emits Tongyong Guifan forms outside the BMP for some characters (噁 → 𫫇);
# fonts, regexes and length checks handle them badly, so the BMP form is kept. Used when
# the conversion changed the length and the position-wise rule cannot be applied.
PREFER_BMP = {"𫫇": "噁", "𫖯": "頫", "𫔄": "鍒", "𫍯": "諴", "𬣙": "鰁"}

# Proper nouns that t2s would damage; masked during conversion.
PROTECTED_TERMS = ("乾县", "乾陵", "单县", "长治", "於梨华", "於陵", "陈乾")

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{HAN}]")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_LETTERS = f"a-zü{_TONED}"
# A Han character followed by one or more bracketed syllables: 務(wù), 公(gong)(gong).
_CANDIDATE = re.compile(
    f"([{HAN}])((?:[(（][{_LETTERS}]{{1,6}}[)）])+)"
)
_SYLLABLE = re.compile(f"[(（]([{_LETTERS}]{{1,6}})[)）]")
_TONE_MARK = re.compile(f"[{_TONED}]")

# Punctuation folded by NFKC, restored only where it touches CJK text.
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_CJK_CONTEXT = f"{HAN}\u3000-\u303f\uff00-\uffef“”‘’《》"
_ASCII_PUNCT = re.compile(
    f"(?<=[{_CJK_CONTEXT}])[,;:?!]|[,;:?!](?=[{_CJK_CONTEXT}])"
)
_ASCII_PARENS = re.compile(f"\\(([^()\\n]*[{HAN}][^()\\n]*)\\)")
_FULL_WIDTH_PUNCT = re.compile("[，；：]")

# The GBK byte-level converter sometimes split a character: '?' where a lead byte was, or
# U+FFFD. Cannot be repaired without the source page, so it is flagged for a person.
_MOJIBAKE = re.compile(f"\\?[;；。，,：:、]?[{HAN}]|\ufffd")

FAMILY_A_MIN = 2
FAMILY_A_TRADITIONAL_SHARE = 0.95
FAMILY_B_MIN = 5
FAMILY_B_MAX_INVALID_SHARE = 0.1
FOLDED_PUNCT_MIN = 3
SNIPPET_RADIUS = 12


# --- Result ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Flag:
    """A spot a person should look at: offset into the original (NFC) text and a snippet."""

    offset: int
    snippet: str
    reason: str


@dataclass
class RestorationReport:
    """What the restorer found and changed; stored with the document as JSON."""

    family: str | None = None
    damaged: bool = False
    converted_to_simplified: bool = False
    annotations_found: int = 0
    annotations_valid: int = 0
    annotations_stripped: int = 0
    annotations_kept: int = 0
    characters_converted: int = 0
    bmp_forms_kept: int = 0
    zhe_fixes: int = 0
    punctuation_restored: int = 0
    traditional_left: int = 0
    possible_mojibake: list[Flag] = field(default_factory=list)
    damage_score: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def changed(self) -> bool:
        return bool(self.annotations_stripped or self.characters_converted or self.zhe_fixes
                    or self.punctuation_restored or self.bmp_forms_kept)


@dataclass(frozen=True)
class Restoration:
    text: str
    report: RestorationReport


# --- Character facts ---------------------------------------------------------------------

@functools.lru_cache(maxsize=8192)
def _readings(ch: str) -> frozenset[str]:
    """Toned readings (NFC) of a character and of its simplified form."""
    from pypinyin import Style, pinyin

    forms = {ch, to_simplified(ch)}
    found: set[str] = set()
    for form in forms:
        for reading in pinyin(form, heteronym=True, style=Style.TONE)[0]:
            found.add(unicodedata.normalize("NFC", reading.lower()))
    return frozenset(found)


@functools.lru_cache(maxsize=8192)
def _toneless_readings(ch: str) -> frozenset[str]:
    return frozenset(_strip_tone(r) for r in _readings(ch))


def _strip_tone(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    # Keep the diaeresis of ü (U+0308), drop the tone marks.
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u0308")
    return unicodedata.normalize("NFC", kept)


@functools.lru_cache(maxsize=32768)
def _changed_by_t2s(ch: str) -> bool:
    return to_simplified(ch) != ch


def is_traditional_only(ch: str) -> bool:
    """Changed by t2s, or one of the s2t targets t2s keeps."""
    return ch in S2T_TARGETS_KEPT_BY_T2S or _changed_by_t2s(ch)


@functools.lru_cache(maxsize=32768)
def _is_simplified_only(ch: str) -> bool:
    return to_traditional(ch) != ch


# --- Annotations -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Candidate:
    start: int          # offset of the bracket run (just after the character)
    end: int
    char: str
    syllables: tuple[str, ...]

    @property
    def toned(self) -> bool:
        return any(_TONE_MARK.search(s) for s in self.syllables)

    def valid_toned(self) -> bool:
        return all(s in _readings(self.char) for s in self.syllables)

    def valid_toneless(self) -> bool:
        # ü is written u or v by some converters.
        readings = _toneless_readings(self.char)
        return all(s in readings or s.replace("v", "ü") in readings
                   or s.replace("u", "ü") in readings for s in self.syllables)


def _candidates(text: str) -> list[_Candidate]:
    found = []
    for match in _CANDIDATE.finditer(text):
        syllables = tuple(_SYLLABLE.findall(match.group(2)))
        found.append(_Candidate(match.start(2), match.end(2), match.group(1), syllables))
    return found


def _family_a(candidates: list[_Candidate]) -> list[_Candidate]:
    """Toned annotations that are the spam pattern, or [] when the document is not family A."""
    # Neutral-tone readings (們 men, 麼 me) carry no mark but are still family A.
    valid = [c for c in candidates if c.valid_toned()]
    if len(valid) < FAMILY_A_MIN or not any(c.toned for c in valid):
        return []
    on_traditional = sum(1 for c in valid if is_traditional_only(c.char))
    return valid if on_traditional / len(valid) >= FAMILY_A_TRADITIONAL_SHARE else []


def _family_b(candidates: list[_Candidate]) -> list[_Candidate]:
    """Toneless annotations on any character, stripped only when dense and nearly all valid."""
    toneless = [c for c in candidates if not c.toned]
    valid = [c for c in toneless if c.valid_toneless()]
    if len(valid) < FAMILY_B_MIN:
        return []
    if (len(toneless) - len(valid)) / len(toneless) > FAMILY_B_MAX_INVALID_SHARE:
        return []
    return valid


def _strip(text: str, runs: list[_Candidate]) -> str:
    out, pos = [], 0
    for run in sorted(runs, key=lambda c: c.start):
        out.append(text[pos:run.start])
        pos = run.end
    out.append(text[pos:])
    return "".join(out)


# --- Script ------------------------------------------------------------------------------

def _script_counts(text: str) -> tuple[int, int]:
    """(traditional-only, simplified-only) Han characters in the text."""
    traditional = simplified = 0
    for ch in _HAN_CHAR.findall(text):
        if _changed_by_t2s(ch):
            traditional += 1
        elif _is_simplified_only(ch):
            simplified += 1
    return traditional, simplified


def looks_traditional(text: str) -> bool:
    """More traditional-only than simplified-only characters: a traditional text.

    A simplified text that merely contains 於 (a surname) or 乾 (乾县) has far more
    simplified-only characters than that, so it is never converted.
    """
    traditional, simplified = _script_counts(text)
    return traditional > 0 and traditional > simplified


def _to_simplified(text: str, report: RestorationReport) -> str:
    masked = text
    for i, term in enumerate(PROTECTED_TERMS):
        masked = masked.replace(term, chr(0xE000 + i))
    converted = to_simplified(masked)
    if len(converted) == len(masked):
        chars = []
        for before, after in zip(masked, converted, strict=True):
            if before != after and ord(after) > 0xFFFF and ord(before) <= 0xFFFF:
                report.bmp_forms_kept += 1
                chars.append(before)
                continue
            if before != after:
                report.characters_converted += 1
            chars.append(after)
        converted = "".join(chars)
    else:
        report.characters_converted += sum(1 for ch in masked if _changed_by_t2s(ch))
        for rare, bmp in PREFER_BMP.items():
            report.bmp_forms_kept += converted.count(rare)
            converted = converted.replace(rare, bmp)
    for i, term in enumerate(PROTECTED_TERMS):
        converted = converted.replace(chr(0xE000 + i), term)
    return converted


def traditional_left(text: str) -> int:
    """Characters t2s would still change, not counting the BMP forms kept on purpose."""
    converted = to_simplified(text)
    if len(converted) != len(text):
        return sum(1 for ch in _HAN_CHAR.findall(text) if _changed_by_t2s(ch))
    return sum(1 for before, after in zip(text, converted, strict=True)
               if before != after and ord(after) <= 0xFFFF)


def _fix_zhe(text: str) -> tuple[str, int]:
    """著 → 着 except inside the 著-words of simplified Chinese."""
    protected: set[int] = set()
    for word in ZHU_WORDS:
        offset = word.index("著")
        for match in re.finditer(re.escape(word), text):
            protected.add(match.start() + offset)
    chars = list(text)
    fixes = 0
    for i, ch in enumerate(chars):
        if ch == "著" and i not in protected:
            chars[i] = "着"
            fixes += 1
    return "".join(chars), fixes


# --- Punctuation -------------------------------------------------------------------------

def looks_folded(text: str) -> bool:
    """ASCII , ; : next to Chinese and no full-width ones: punctuation folded by NFKC."""
    ascii_hits = sum(1 for m in _ASCII_PUNCT.finditer(text) if m.group() in ",;:")
    return ascii_hits >= FOLDED_PUNCT_MIN and not _FULL_WIDTH_PUNCT.search(text)


def restore_punctuation(text: str) -> tuple[str, int]:
    """ASCII , ; : ? ! touching CJK → full width; (…) containing CJK → （…）.

    Numbers keep their ASCII punctuation: 1,000 and 1. touch no CJK character.
    """
    count = 0

    def punct(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return _FULL_WIDTH[match.group()]

    def parens(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"（{match.group(1)}）"

    text = _ASCII_PUNCT.sub(punct, text)
    text = _ASCII_PARENS.sub(parens, text)
    return text, count


# --- Flags and score ---------------------------------------------------------------------

def _mojibake_flags(text: str) -> list[Flag]:
    flags = []
    for match in _MOJIBAKE.finditer(text):
        start = max(0, match.start() - SNIPPET_RADIUS)
        flags.append(Flag(offset=match.start(),
                          snippet=text[start:match.end() + SNIPPET_RADIUS],
                          reason="question mark or U+FFFD before Han: possible GBK mojibake"))
    return flags


def _damage_score(report: RestorationReport, han_count: int) -> float:
    """Share of the document's Han characters that needed repair (0 clean … 1 all damaged).

    Each stripped annotation, converted character, 著 fix, restored punctuation mark and
    mojibake spot counts once; mojibake counts five times, as it cannot be repaired.
    """
    if han_count == 0:
        return 0.0
    damage = (report.annotations_stripped + report.characters_converted + report.zhe_fixes
              + report.punctuation_restored + report.bmp_forms_kept
              + 5 * len(report.possible_mojibake))
    return round(min(1.0, damage / han_count), 3)


# --- Entry point -------------------------------------------------------------------------

def restore(text: str) -> Restoration:
    """Detect the spam-mirror damage and return clean simplified text with a report.

    Text without damage is returned as given (not even NFC-normalised), byte for byte.
    """
    given = text
    text = unicodedata.normalize("NFC", text)
    report = RestorationReport()
    report.possible_mojibake = _mojibake_flags(text)
    candidates = _candidates(text)
    report.annotations_found = len(candidates)
    report.annotations_valid = sum(
        1 for c in candidates if c.valid_toned() or (not c.toned and c.valid_toneless()))
    traditional = looks_traditional(text)

    runs = _family_a(candidates)
    if runs:
        report.family = "A"
    taken = {c.start for c in runs}
    rest = [c for c in candidates if c.start not in taken]
    family_b = _family_b(rest) if traditional else []
    if family_b:
        report.family = report.family or "B"
        if runs:
            report.notes.append("toneless (family B) annotations stripped as well")
        runs = [*runs, *family_b]
    report.damaged = bool(runs)
    report.annotations_stripped = len(runs)
    report.annotations_kept = report.annotations_found - len(runs)
    if report.annotations_kept and report.damaged:
        report.notes.append("some bracketed pinyin did not fit the damage pattern and was kept")

    restored = _strip(text, runs)
    if report.damaged or traditional:
        report.converted_to_simplified = True
        restored = _to_simplified(restored, report)
        restored, report.zhe_fixes = _fix_zhe(restored)
    if report.damaged or looks_folded(restored):
        restored, report.punctuation_restored = restore_punctuation(restored)

    report.traditional_left = traditional_left(restored)
    if report.possible_mojibake:
        report.notes.append("possible mojibake left as it is; compare with the source page")
    if not report.changed:
        report.notes.append("no damage found; text unchanged")
        restored = given
    report.damage_score = _damage_score(report, len(_HAN_CHAR.findall(text)))
    return Restoration(text=restored, report=report)


def describe_report(report: dict[str, Any] | None) -> str:
    """One line in Chinese for staff: what the restorer did to an imported document."""
    if not report:
        return ""
    if not report.get("damaged") and not report.get("converted_to_simplified"):
        text = "未发现受损，原文未改动"
    else:
        text = (f"受损类型 {report.get('family') or '—'}；"
                f"删除拼音 {report.get('annotations_stripped', 0)} 处"
                f"（保留 {report.get('annotations_kept', 0)} 处）；"
                f"繁体转简体 {report.get('characters_converted', 0)} 字；"
                f"“著”改“着” {report.get('zhe_fixes', 0)} 处；"
                f"恢复全角标点 {report.get('punctuation_restored', 0)} 处；"
                f"剩余繁体 {report.get('traditional_left', 0)} 字")
    mojibake = report.get("possible_mojibake") or []
    if mojibake:
        spots = "、".join(f"第{flag['offset']}字“{flag['snippet']}”" for flag in mojibake[:5])
        text += f"；疑似乱码 {len(mojibake)} 处，请人工核对：{spots}"
    return f"{text}；受损程度 {report.get('damage_score', 0)}。"
