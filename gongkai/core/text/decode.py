"""Bytes of unknown encoding to text: decoded correctly, or refused with a reason.

Old government sites saved pages as GBK/GB18030, Big5, UTF-16 (with or without a byte
order mark) or UTF-8. Guessing wrong produces mojibake that then gets published and
indexed, so a file is decoded only when one reading is clearly right; otherwise the
caller gets :class:`UndecodableError` and reports the file instead of importing it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that never occur in text files (tab, newlines, form feed and
# escape are allowed).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# UTF-8 read as Latin-1/cp1252 and saved again: "æ”¿åŠ¡" for "政务".
_BINARY_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\ue000-\uf8ff\ufffd]")
_DOUBLE_ENCODED = re.compile("[\u00c0-\u00ef][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]{1,2}")
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")


class UndecodableError(ValueError):
    """The bytes are binary, or no encoding reads them as sensible text."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` or raise :class:`UndecodableError` saying why, in Chinese."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data[len(bom) :], encoding), encoding)
    if not _BINARY_BYTES.search(data):
        try:
            return _checked(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    candidates = ["gb18030", "big5"]
    if len(data) % 2 == 0:
        candidates += ["utf-16-le", "utf-16-be"]
    return _checked(*_best_reading(data, tuple(candidates)))


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableError(
            _("文件声明为 %(encoding)s 编码，但内容无法按该编码读取。") % {"encoding": encoding}
        ) from exc


def _common_share(text: str) -> float:
    """Share of characters that are plausible in a Chinese government text.

    Plausible = printable ASCII, CJK and full-width punctuation, or an everyday character
    in either script: GB2312 level 1 (the 3,755 most used simplified characters) or Big5
    level 1 (the 5,401 most used traditional ones). Decoding with the wrong codec yields
    mostly rare characters, Hangul or symbols, so the right reading scores far higher.
    """
    chars = [ch for ch in text[:20000] if not ch.isspace()]
    if not chars:
        return 1.0
    return sum(1 for ch in chars if _plausible(ch)) / len(chars)


def _plausible(ch: str) -> bool:
    code = ord(ch)
    if 0x20 <= code < 0x7F or 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E:
        return True
    if 0x2010 <= code <= 0x2027 or ch in "·—…※°":
        return True
    return _gb2312_level1(ch) or _big5_level1(ch)


def _gb2312_level1(ch: str) -> bool:
    try:
        raw = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(raw) == 2 and 0xB0 <= raw[0] <= 0xD7


def _big5_level1(ch: str) -> bool:
    try:
        raw = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(raw) == 2 and 0xA4 <= raw[0] <= 0xC6


def _best_reading(data: bytes, encodings: tuple[str, ...]) -> tuple[str, str]:
    """The reading with the most everyday characters among those that decode at all."""
    readings: list[tuple[float, str, str]] = []
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _BINARY_CHARS.search(text):
            continue
        readings.append((_common_share(text), text, encoding))
    if not readings:
        if _BINARY_BYTES.search(data):
            raise UndecodableError(_("文件含有二进制内容，不是文本文件。"))
        raise UndecodableError(_("无法识别文件编码（已尝试 UTF-8、UTF-16、GB18030、Big5）。"))
    score, text, encoding = max(readings)
    if score < 0.8 and b"\x00" in data:
        # NUL bytes that no UTF-16 reading makes sense of: a binary file.
        raise UndecodableError(_("文件含有二进制内容，不是文本文件。"))
    if score < 0.8:
        raise UndecodableError(
            _("文件编码无法可靠识别（按 %(encoding)s 读取后大多为生僻字，疑似乱码）。")
            % {"encoding": encoding}
        )
    return text, encoding


def _checked(text: str, encoding: str) -> Decoded:
    if looks_double_encoded(text):
        raise UndecodableError(
            _("文件内容是已损坏的乱码（UTF-8 被当作西文编码再次保存），无法可靠还原。")
        )
    if _common_share(text) < 0.8:
        raise UndecodableError(
            _("文件按 %(encoding)s 读取后大多为生僻字，疑似乱码。") % {"encoding": encoding}
        )
    return Decoded(text=text, encoding=encoding)


def looks_double_encoded(text: str) -> bool:
    """True when the text is UTF-8 that was read as Latin-1 and saved again."""
    hits = _DOUBLE_ENCODED.findall(text)
    if len(hits) < 3:
        return False
    try:
        repaired = "".join(hits).encode("cp1252", errors="strict").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        try:
            repaired = "".join(hits).encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return False
    return bool(_CJK.search(repaired))
