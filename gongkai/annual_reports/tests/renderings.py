"""Renderings of a report's tables as HTML, DOCX and XLSX, laid out as agencies publish them
(merged headers, the row-spanning 三、本年度办理结果 and group labels), for reading them back
with the checker. Test helpers only; the real outputs are generated elsewhere."""

from __future__ import annotations

import io
from html import escape

from gongkai.annual_reports.format import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    APPLICATION_GROUPS,
    APPLICATION_ROWS,
    OTHER_SINGLE,
    OTHER_SINGLE_LABEL,
    R1_NOTE,
    REVIEW_CELLS,
    REVIEW_COLUMNS,
    SECTIONS,
    ReportTables,
)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def active_rows(tables: ReportTables) -> list[list[str]]:
    rows: list[list[str]] = []
    for block in ACTIVE_BLOCKS:
        rows.append([block.item])
        rows.append(["信息内容", *(c.label for c in block.columns)])
        for row in block.rows:
            if row.key == "fees":
                rows.append([row.label, _text(tables.fee_amount)])
            else:
                rows.append([row.label, *(_text(tables.active.get((row.key, c.key)))
                                          for c in block.columns)])
    return rows


def application_rows(tables: ReportTables) -> list[list[str]]:
    """Label cells (3) then the 7 numbers; group labels repeated as merged cells show."""
    rows = [[R1_NOTE, "", "", "申请人情况", "", "", "", "", "", ""],
            ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "", *(c.label for c in APPLICANT_COLUMNS[1:]), ""]]
    keys = [r.key for r in APPLICATION_ROWS]
    if tables.other_single_row:
        at = keys.index("6.1")
        keys = [*keys[:at], OTHER_SINGLE, *keys[at + 3:]]
    columns = [c.key for c in APPLICANT_COLUMNS] + ["total"]
    for key in keys:
        row = next((r for r in APPLICATION_ROWS if r.key == key), None)
        label = OTHER_SINGLE_LABEL if row is None else row.label
        group = "" if row is None else row.group
        numbers = [_text(tables.applications.get((key, c))) for c in columns]
        if key in ("new", "carried_over", "carried_forward"):
            rows.append([label, "", "", *numbers])
        elif group:
            rows.append(["三、本年度办理结果", APPLICATION_GROUPS[group], label, *numbers])
        else:
            rows.append(["三、本年度办理结果", label, "", *numbers])
    return rows


def review_rows(tables: ReportTables) -> list[list[str]]:
    return [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        ["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        [c.label for c in REVIEW_COLUMNS] * 3,
        [_text(tables.reviews.get(key)) for key in REVIEW_CELLS],
    ]


def _paragraphs(tables: ReportTables, key: str) -> list[str]:
    return [p for p in tables.sections.get(key, "").splitlines() if p.strip()]


def _title(tables: ReportTables) -> str:
    return f"{tables.agency}{tables.year}年政府信息公开工作年度报告"


def _blocks(tables: ReportTables) -> list[tuple[str, object]]:
    """("p", text) and ("table", rows) in document order."""
    tables_by_section = {"active": active_rows(tables), "applications": application_rows(tables),
                         "reviews": review_rows(tables)}
    blocks: list[tuple[str, object]] = [("p", _title(tables))]
    for key, heading in SECTIONS:
        blocks.append(("p", heading))
        if key in tables_by_section:
            blocks.append(("table", tables_by_section[key]))
        blocks += [("p", p) for p in _paragraphs(tables, key)]
    return blocks


def as_html(tables: ReportTables) -> bytes:
    parts = ["<!DOCTYPE html><html lang=zh-CN><body>"]
    for kind, content in _blocks(tables):
        if kind == "p":
            parts.append(f"<p>{escape(str(content))}</p>")
            continue
        parts.append("<table>")
        for row in content:  # type: ignore[attr-defined]
            parts.append("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts).encode()


def as_docx(tables: ReportTables) -> bytes:
    import docx

    document = docx.Document()
    for kind, content in _blocks(tables):
        if kind == "p":
            document.add_paragraph(str(content))
            continue
        rows: list[list[str]] = content  # type: ignore[assignment]
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for docx_row, row in zip(table.rows, rows, strict=True):
            cells = docx_row.cells  # computed once per row: table.cell() walks the grid
            for cell, value in zip(cells, row, strict=False):
                cell.text = value
        if rows and rows[0][0] == R1_NOTE:
            # Merge the corner note across its 3 × 3 cells and 申请人情况 across 7 columns,
            # as the format prints them.
            table.cell(0, 0).merge(table.cell(2, 2))
            table.cell(0, 3).merge(table.cell(0, 9))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_xlsx(tables: ReportTables) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "年度报告"
    line = 1
    for kind, content in _blocks(tables):
        if kind == "p":
            sheet.cell(line, 1, str(content))
            line += 1
            continue
        for row in content:  # type: ignore[attr-defined]
            for c, value in enumerate(row, start=1):
                if value != "":
                    sheet.cell(line, c, int(value) if value.isdigit() else value)
            line += 1
        line += 1  # a blank row after each table
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
