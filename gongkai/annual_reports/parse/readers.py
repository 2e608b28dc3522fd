"""Readers: plain text, HTML, DOCX and XLSX files → lines of cells (see document.py)."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

from gongkai.annual_reports.parse.document import Cell, Line


class UnreadableReport(Exception):
    """The file cannot be read as an annual report (the checker exits with status 2)."""


def sniff(data: bytes, filename: str = "") -> str:
    """The file's kind: "docx", "xlsx", "html" or "text" (by content first, then by name)."""
    if data[:4] == b"PK\x03\x04":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise UnreadableReport(f"压缩文件已损坏：{error}") from error
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise UnreadableReport("不是 DOCX 或 XLSX 文件")
    head = data[:4096].lower()
    if b"<table" in head or b"<html" in head or b"<!doctype html" in head or (
            filename.lower().endswith((".html", ".htm")) and b"<" in head):
        return "html"
    return "text"


def decode(data: bytes) -> str:
    """Text in UTF-8 (with or without BOM), else GB18030 (older government sites)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UnreadableReport("无法识别文件的文字编码（支持 UTF-8 与 GB18030）")


def read_text(text: str) -> list[Line]:
    # Full-width spaces are layout, not words.
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    lines = []
    for raw in text.splitlines():
        cells = [Cell(m.group(0), m.start()) for m in re.finditer(r"\S+", raw)]
        lines.append(Line(cells))
    return lines


def row_line(values: list[str]) -> Line:
    return Line([Cell(v, i) for i, v in enumerate(values)], structured=True)


def paragraph_line(text: str) -> Line:
    return Line([Cell(text, 0)]) if text.strip() else Line([])


class _HTMLTables(HTMLParser):
    """Paragraph text and table rows of an HTML page, in document order."""

    BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr",
                        "table", "section", "article", "caption"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.text: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.depth = 0  # table nesting
        self.skip = 0  # inside <script>/<style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self._flush()
            self.depth += 1
        elif tag == "tr" and self.depth:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            # A merged cell (colspan) is kept once: only the trailing number cells of a row
            # matter, and data cells are not merged.
            self.cell = []
        elif tag in self.BLOCKS and not self.depth:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(self.skip - 1, 0)
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.lines.append(row_line(self.row))
            self.row = None
        elif tag == "table":
            self.depth = max(self.depth - 1, 0)
        elif tag in self.BLOCKS and not self.depth:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif not self.depth:
            self.text.append(data)

    def _flush(self) -> None:
        text = "".join(self.text)
        self.text = []
        for part in text.splitlines():
            if part.strip():
                self.lines.append(paragraph_line(part.strip()))

    def close(self) -> None:
        super().close()
        self._flush()


def read_html(text: str) -> list[Line]:
    parser = _HTMLTables()
    parser.feed(text)
    parser.close()
    return parser.lines


def read_docx(data: bytes) -> list[Line]:
    import docx  # python-docx; imported here so text checks do not load it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[Line] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(paragraph_line(block.text))
        elif isinstance(block, Table):
            lines += _docx_table(block)
    return lines


def _docx_table(table: object) -> list[Line]:
    from docx.table import Table

    assert isinstance(table, Table)  # noqa: S101 - narrows the type for mypy
    lines = []
    for row in table.rows:
        values: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # A horizontally merged cell is returned once per grid column: keep it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            values.append(" ".join(cell.text.split()))
        lines.append(row_line(values))
    return lines


def read_xlsx(data: bytes) -> list[Line]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines: list[Line] = []
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            values = [_xlsx_value(v) for v in row]
            while values and values[-1] == "":
                values.pop()
            rows.append(values)
        lines += _xlsx_blocks(rows)
    workbook.close()
    return lines


def _xlsx_blocks(rows: list[list[str]]) -> list[Line]:
    """Rows as lines; a blank total at a row's end survives by padding each block of
    consecutive non-empty rows (one table) to the width of its widest row."""
    lines: list[Line] = []
    block: list[list[str]] = []
    for values in [*rows, []]:
        if values:
            block.append(values)
            continue
        width = max((len(v) for v in block), default=0)
        for row in block:
            if len(row) <= 1 or width <= 1:
                lines.append(paragraph_line("".join(row)))
            else:
                lines.append(row_line(row + [""] * (width - len(row))))
        block = []
        lines.append(Line([]))
    return lines


def _xlsx_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def read_lines(data: bytes, filename: str = "") -> tuple[str, list[Line]]:
    """The file's kind and its lines; UnreadableReport when the file is not a document."""
    kind = sniff(data, filename)
    if kind == "docx":
        return kind, read_docx(data)
    if kind == "xlsx":
        return kind, read_xlsx(data)
    text = decode(data)
    return kind, read_html(text) if kind == "html" else read_text(text)
