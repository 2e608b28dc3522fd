"""Plain text out of an attachment, for the personal-data check and for search.

Never raises on a bad file: the answer says whether it worked and, if not, why (in
Chinese, for the admin). Bounded: at most ``MAX_TEXT_CHARS`` of text, and archives
(docx, xlsx) are read member by member with a cap on the bytes decompressed, so a zip
bomb costs at most ``MAX_UNZIPPED_BYTES``.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from gongkai.core.text.decode import UndecodableError, decode_bytes

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2_000_000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_INPUT_BYTES = 100 * 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass(frozen=True)
class Extracted:
    text: str
    ok: bool
    reason: str = ""
    truncated: bool = False


class _TooLarge(Exception):
    pass


def _fail(reason: str) -> Extracted:
    return Extracted(text="", ok=False, reason=reason)


def _done(text: str) -> Extracted:
    if len(text) > MAX_TEXT_CHARS:
        return Extracted(text=text[:MAX_TEXT_CHARS], ok=True, truncated=True)
    return Extracted(text=text, ok=True)


def _read_all(file: IO[bytes] | bytes) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    data = file.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise _TooLarge
    return data


def _suffix(filename: str) -> str:
    name = filename.lower().rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1] if "." in name else ""


UNSUPPORTED = frozenset({"doc", "xls", "ofd", "zip", "rar", "7z", "wps", "et", "ppt", "pptx"})


def extract_text(file: IO[bytes] | bytes, filename: str) -> Extracted:
    """The text of an attachment, chosen by the file name's extension."""
    suffix = _suffix(filename)
    readers = {"txt": _plain, "csv": _plain, "docx": _docx, "xlsx": _xlsx, "pdf": _pdf}
    reader = readers.get(suffix)
    if reader is None:
        return _fail(_("暂不支持从该格式提取文本"))
    try:
        data = _read_all(file)
    except _TooLarge:
        return _fail(_("文件过大，未提取文本"))
    except OSError:
        return _fail(_("无法读取文件"))
    try:
        return reader(data)
    except _TooLarge:
        return _fail(_("文件解压后过大，未提取文本"))
    except Exception:  # a malformed file must never break publishing or indexing
        logger.warning("Text extraction failed", exc_info=True,
                       extra={"event": "extract_failed", "suffix": suffix})
        return _fail(_("文件已损坏或格式不正确，无法提取文本"))


def _plain(data: bytes) -> Extracted:
    try:
        return _done(decode_bytes(data).text)
    except UndecodableError as exc:
        return _fail(str(exc))


class _BoundedZip:
    """Reads members of an archive, counting what is decompressed across all of them."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.budget = MAX_UNZIPPED_BYTES

    def names(self) -> list[str]:
        return self.zip.namelist()

    def read(self, name: str) -> bytes:
        chunks: list[bytes] = []
        with self.zip.open(name) as member:
            while chunk := member.read(min(65536, self.budget + 1)):
                self.budget -= len(chunk)
                if self.budget < 0:
                    raise _TooLarge
                chunks.append(chunk)
        return b"".join(chunks)


def _parse(xml: bytes) -> ElementTree.Element:
    # OOXML parts carry no DTD; refuse one rather than expand entities from it.
    if b"<!DOCTYPE" in xml[:2048] or b"<!ENTITY" in xml[:65536]:
        raise ValueError("DTD in an OOXML part")
    return ElementTree.fromstring(xml)  # noqa: S314 - DTDs refused above


def _not_a_zip(data: bytes) -> bool:
    return not zipfile.is_zipfile(io.BytesIO(data))


def _docx(data: bytes) -> Extracted:
    if _not_a_zip(data):
        return _fail(_("文件不是有效的 Word（.docx）文档"))
    archive = _BoundedZip(data)
    parts = [n for n in archive.names()
             if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", n)]
    if "word/document.xml" not in parts:
        return _fail(_("文件不是有效的 Word（.docx）文档"))
    parts.sort(key=lambda n: n != "word/document.xml")
    out: list[str] = []
    size = 0
    for part in parts:
        for paragraph in _parse(archive.read(part)).iter(f"{_W}p"):
            line = "".join(_run_text(node) for node in paragraph.iter())
            out.append(line)
            size += len(line) + 1
            if size > MAX_TEXT_CHARS:
                return _done("\n".join(out))
    return _done("\n".join(out))


def _run_text(node: ElementTree.Element) -> str:
    if node.tag == f"{_W}t":
        return node.text or ""
    if node.tag == f"{_W}tab":
        return "\t"
    if node.tag in (f"{_W}br", f"{_W}cr"):
        return "\n"
    return ""


def _xlsx(data: bytes) -> Extracted:
    if _not_a_zip(data):
        return _fail(_("文件不是有效的 Excel（.xlsx）表格"))
    archive = _BoundedZip(data)
    names = archive.names()
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        for item in _parse(archive.read("xl/sharedStrings.xml")).iter(f"{_S}si"):
            shared.append("".join(t.text or "" for t in item.iter(f"{_S}t")))
    sheets = sorted((n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                    key=lambda n: int(re.sub(r"\D", "", n)))
    if not sheets:
        return _fail(_("文件不是有效的 Excel（.xlsx）表格"))
    rows: list[str] = []
    size = 0
    for sheet in sheets:
        for row in _parse(archive.read(sheet)).iter(f"{_S}row"):
            line = "\t".join(_cell_text(cell, shared) for cell in row.iter(f"{_S}c"))
            rows.append(line)
            size += len(line) + 1
            if size > MAX_TEXT_CHARS:
                return _done("\n".join(rows))
    return _done("\n".join(rows))


def _cell_text(cell: ElementTree.Element, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_S}t"))
    value = cell.find(f"{_S}v")
    raw = value.text or "" if value is not None else ""
    if kind == "s":
        index = int(raw) if raw.isdigit() else -1
        return shared[index] if 0 <= index < len(shared) else ""
    if kind == "b":
        return "TRUE" if raw == "1" else "FALSE"
    return raw


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:
            return _fail(_("PDF 文件已加密，无法提取文本"))
    pages: list[str] = []
    size = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        pages.append(text)
        size += len(text)
        if size > MAX_TEXT_CHARS:
            break
    text = "\n".join(pages)
    if not text.strip():
        return _fail(_("PDF 文件没有文字层（可能是扫描件），无法提取文本"))
    return _done(text)
