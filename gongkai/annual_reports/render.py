"""The report's outputs: the tables as a grid of cells with the format's merged headers
(used by the HTML page, DOCX and XLSX alike), and JSON.

A ``Grid`` is rows of ``Cell``s, HTML-style: a cell spans ``rowspan`` × ``colspan`` and a
header cell has a ``scope``. ``placed`` turns it into absolute (row, column) positions for
the DOCX and XLSX writers, which merge the same ranges.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gongkai.annual_reports import cells
from gongkai.annual_reports.format import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    APPLICANT_HEADER,
    APPLICATION_COLUMNS,
    APPLICATION_GROUPS,
    APPLICATION_ROWS,
    CARRIED_FORWARD,
    CARRIED_OVER,
    FEE_CELL,
    NEW,
    ORGANIZATION_HEADER,
    OUTCOMES_HEADING,
    R1_NOTE,
    REVIEW_COLUMNS,
    SECTIONS,
    active_cell,
    app_cell,
    review_cell,
)


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    scope: str = ""  # col, colgroup, row, rowgroup
    key: str = ""  # the cell key of a data cell (drill-down, adjustments)


@dataclass
class Grid:
    caption: str
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)
    width: int = 0

    def placed(self) -> Iterator[tuple[int, int, Cell]]:
        """(row, column, cell) with absolute positions, skipping spanned slots."""
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate([*self.head, *self.body]):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                yield r, c, cell
                c += cell.colspan

    @property
    def height(self) -> int:
        return len(self.head) + len(self.body)


def fmt(value: cells.Number) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _data(figures: Mapping[str, cells.Number], key: str) -> Cell:
    return Cell(fmt(figures.get(key, 0)), key=key)


def active_grids(figures: Mapping[str, cells.Number]) -> list[Grid]:
    grids = []
    for block in ACTIVE_BLOCKS:
        grid = Grid(block.item, width=1 + len(block.columns))
        grid.head.append([Cell("信息内容", header=True, scope="col"),
                          *(Cell(c.label, header=True, scope="col") for c in block.columns)])
        for row in block.rows:
            keys = [FEE_CELL.key if row.key == "fees" else active_cell(row.key, c.key).key
                    for c in block.columns]
            grid.body.append([Cell(row.label, header=True, scope="row"),
                              *(_data(figures, k) for k in keys)])
        grids.append(grid)
    return grids


def applications_grid(figures: Mapping[str, cells.Number]) -> Grid:
    grid = Grid("收到和处理政府信息公开申请情况", width=3 + len(APPLICATION_COLUMNS))
    organizations = len(APPLICANT_COLUMNS) - 1
    grid.head = [
        [Cell(R1_NOTE, rowspan=3, colspan=3, header=True, scope="col"),
         Cell(APPLICANT_HEADER, colspan=len(APPLICATION_COLUMNS), header=True, scope="colgroup")],
        [Cell(APPLICANT_COLUMNS[0].label, rowspan=2, header=True, scope="col"),
         Cell(ORGANIZATION_HEADER, colspan=organizations, header=True, scope="colgroup"),
         Cell(APPLICATION_COLUMNS[-1].label, rowspan=2, header=True, scope="col")],
        [Cell(c.label, header=True, scope="col") for c in APPLICANT_COLUMNS[1:]],
    ]
    outcome_rows = [r for r in APPLICATION_ROWS if r.key not in (NEW, CARRIED_OVER,
                                                                  CARRIED_FORWARD)]
    group_sizes = {g: sum(1 for r in outcome_rows if r.group == g) for g in APPLICATION_GROUPS}
    seen: set[str] = set()
    for row in APPLICATION_ROWS:
        labels: list[Cell] = []
        if row.key in (NEW, CARRIED_OVER, CARRIED_FORWARD):
            labels.append(Cell(row.label, colspan=3, header=True, scope="row"))
        else:
            if row is outcome_rows[0]:
                labels.append(Cell(OUTCOMES_HEADING, rowspan=len(outcome_rows), header=True,
                                   scope="rowgroup"))
            if row.group:
                if row.group not in seen:
                    seen.add(row.group)
                    labels.append(Cell(APPLICATION_GROUPS[row.group],
                                       rowspan=group_sizes[row.group], header=True,
                                       scope="rowgroup"))
                labels.append(Cell(row.label, header=True, scope="row"))
            else:
                labels.append(Cell(row.label, colspan=2, header=True, scope="row"))
        grid.body.append([*labels, *(_data(figures, app_cell(row.key, c.key).key)
                                     for c in APPLICATION_COLUMNS)])
    return grid


def reviews_grid(figures: Mapping[str, cells.Number]) -> Grid:
    grid = Grid("政府信息公开行政复议、行政诉讼情况", width=15)
    n = len(REVIEW_COLUMNS)
    grid.head = [
        [Cell("行政复议", colspan=n, header=True, scope="colgroup"),
         Cell("行政诉讼", colspan=2 * n, header=True, scope="colgroup")],
        [*(Cell(c.label, rowspan=2, header=True, scope="col") for c in REVIEW_COLUMNS),
         Cell("未经复议直接起诉", colspan=n, header=True, scope="colgroup"),
         Cell("复议后起诉", colspan=n, header=True, scope="colgroup")],
        [Cell(c.label, header=True, scope="col") for _ in range(2) for c in REVIEW_COLUMNS],
    ]
    grid.body = [[_data(figures, review_cell(g, c.key).key)
                  for g in ("review", "litigation_direct", "litigation_after_review")
                  for c in REVIEW_COLUMNS]]
    return grid


@dataclass
class Document:
    """Everything an output prints: title, the six sections in order (text or grids)."""

    title: str
    agency: str
    year: int
    sections: list[tuple[str, str, list[Grid]]]  # (heading, text, grids)


def document(report: Any) -> Document:
    figures = report.effective_figures()
    texts = {"overview": report.overview, "problems": report.problems,
             "other": report.other_matters}
    grids = {"active": active_grids(figures), "applications": [applications_grid(figures)],
             "reviews": [reviews_grid(figures)]}
    return Document(report.title, report.agency.name, report.year, [
        (heading, texts.get(key, ""), grids.get(key, [])) for key, heading in SECTIONS])


def as_json(report: Any) -> dict[str, Any]:
    tables = cells.to_tables(report.effective_figures(), year=report.year,
                             agency=report.agency.name)
    return {
        "title": report.title,
        "agency": report.agency.name,
        "year": report.year,
        "status": report.status,
        "published_at": report.published_at.isoformat() if report.published_at else None,
        "format": "国办公开办函〔2021〕30号",
        "sections": {"overview": report.overview, "problems": report.problems,
                     "other": report.other_matters},
        "tables": tables.as_json(),
    }


# --- DOCX -------------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def docx_bytes(report: Any) -> bytes:
    """The usual layout: centred title, 仿宋 body, 黑体 section headings, tables with the
    merged headers, 小五 in table 三 and 四."""
    from docx import Document as new_docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = document(report)
    out = new_docx()
    style = out.styles["Normal"]
    style.font.name = "仿宋_GB2312"
    style.font.size = Pt(14)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    section = out.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    title = out.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(doc.title)
    run.bold = True
    run.font.size = Pt(20)
    for heading, text, grids in doc.sections:
        para = out.add_paragraph()
        head_run = para.add_run(heading)
        head_run.bold = True
        head_run.font.name = "黑体"
        head_run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
        for line in _paragraphs(text):
            out.add_paragraph(line).paragraph_format.first_line_indent = Pt(28)
        for grid in grids:
            if len(grids) > 1:
                out.add_paragraph(grid.caption)
            table = out.add_table(rows=grid.height, cols=grid.width)
            table.style = "Table Grid"
            for r, c, cell in grid.placed():
                target = table.cell(r, c)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
                target.text = cell.text
                for p in target.paragraphs:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if not cell.header or \
                        cell.scope in ("col", "colgroup") else WD_ALIGN_PARAGRAPH.LEFT
                    for r_ in p.runs:
                        r_.font.size = Pt(9)
                        r_.bold = cell.header and cell.scope in ("col", "colgroup")
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


# --- XLSX -------------------------------------------------------------------------------


def xlsx_bytes(report: Any) -> bytes:
    """One sheet per table (二, 三, 四) with the merged headers, numbers as numbers, and a
    sheet with the text of 一、五、六."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    doc = document(report)
    book = Workbook()
    text_sheet = book.worksheets[0]
    text_sheet.title = "报告正文"
    text_sheet.append([doc.title])
    for heading, text, _grids in doc.sections:
        text_sheet.append([heading])
        for line in _paragraphs(text):
            text_sheet.append([line])
    for heading, _text, grids in doc.sections:
        if not grids:
            continue
        sheet = book.create_sheet(f"表{heading[0]}")
        sheet.append([heading])
        top = 2
        for grid in grids:
            sheet.cell(row=top, column=1, value=grid.caption).font = Font(bold=True)
            top += 1
            for r, c, cell in grid.placed():
                row, col = top + r, 1 + c
                value: Any = cell.text
                if cell.key:
                    number = report_value(report, cell.key)
                    value = float(number) if isinstance(number, Decimal) else number
                target = sheet.cell(row=row, column=col, value=value)
                target.alignment = Alignment(wrap_text=True, vertical="center")
                if cell.header and cell.scope in ("col", "colgroup"):
                    target.font = Font(bold=True)
                if cell.rowspan > 1 or cell.colspan > 1:
                    sheet.merge_cells(start_row=row, start_column=col,
                                      end_row=row + cell.rowspan - 1,
                                      end_column=col + cell.colspan - 1)
            top += grid.height + 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_value(report: Any, key: str) -> cells.Number:
    cache = getattr(report, "_effective_cache", None)
    if cache is None:
        cache = report.effective_figures()
        report._effective_cache = cache
    value: cells.Number = cache.get(key, 0)
    return value
