"""Putting a report into the agency's 政府信息公开年报 column of the catalog.

The report becomes a catalog item (体裁 报告, 主题 政务公开) with the text and the tables in
its body and a link to the full page with the format's merged headers and the DOCX/XLSX/JSON
downloads. Publishing it through Wagtail gives it its 索引号 (the catalog's signal) like any
other item; search, feeds and the sitemap pick it up through the catalog.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from django.urls import reverse
from django.utils import timezone

from gongkai.annual_reports import render
from gongkai.catalog.blocks import table_block, text_block
from gongkai.catalog.enums import ColumnKind, Genre
from gongkai.catalog.models import ColumnPage, DisclosureItemPage, ThemeCategory

THEME_CODE = "0101"  # 综合政务\政务公开


class NoColumn(Exception):
    pass


def annual_report_column(agency: Any) -> ColumnPage | None:
    if agency.home_page is None:
        return None
    column: ColumnPage | None = (ColumnPage.objects.descendant_of(agency.home_page)
                                 .filter(kind=ColumnKind.ANNUAL_REPORTS).order_by("path").first())
    return column


def public_url(report: Any, fmt: str = "") -> str:
    args = [report.agency.slug, report.year]
    if fmt:
        return reverse("annual_reports:download", args=[*args, fmt])
    return reverse("annual_reports:report", args=args)


def _grid_rows(grid: render.Grid) -> tuple[list[str], list[list[str]]]:
    """A flat table for the catalog's table block (which has no merged cells): the full
    page keeps the merged headers."""
    matrix: dict[tuple[int, int], str] = {}
    for r, c, cell in grid.placed():
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                matrix[(r + dr, c + dc)] = cell.text if (dr, dc) == (0, 0) else ""
    rows = [[matrix.get((r, c), "") for c in range(grid.width)] for r in range(grid.height)]
    head_height = len(grid.head)
    header = [" ".join(rows[r][c] for r in range(head_height) if rows[r][c]) or ""
              for c in range(grid.width)]
    return header, rows[head_height:]


def body(report: Any) -> list[tuple[str, Any]]:
    doc = render.document(report)
    blocks: list[tuple[str, Any]] = [text_block(
        f'<p>完整报告（含合并表头的表格）及 DOCX、XLSX、JSON 格式下载：'
        f'<a href="{escape(public_url(report))}">{escape(doc.title)}</a></p>')]
    for heading, text, grids in doc.sections:
        paragraphs = "".join(f"<p>{escape(line)}</p>" for line in render._paragraphs(text))
        blocks.append(text_block(f"<h2>{escape(heading)}</h2>{paragraphs}"))
        for grid in grids:
            header, rows = _grid_rows(grid)
            blocks.append(table_block(grid.caption, header, rows))
    return blocks


def publish_page(report: Any, *, by: Any, now: dt.datetime) -> DisclosureItemPage:
    from gongkai.annual_reports.services import ServiceError

    column = annual_report_column(report.agency)
    if column is None:
        raise ServiceError("本单位没有“政府信息公开年报”栏目，请先在目录中建立该栏目。")
    page = DisclosureItemPage(
        title=report.title, summary=f"{report.agency.name}{report.year}年政府信息公开工作年度报告"
        "（按国办公开办函〔2021〕30号格式编制）。",
        formed_on=timezone.localtime(now).date(), genre=Genre.REPORT,
        theme=ThemeCategory.objects.filter(code=THEME_CODE).first()
        or ThemeCategory.objects.order_by("sort_order").first(),
        keywords="政府信息公开 年度报告", body=body(report),
        is_demo=bool(getattr(report.agency, "is_demo", False)),
        demo_note=("示例：由演示数据自动生成的年度报告，数字来自演示记录。"
                   if getattr(report.agency, "is_demo", False) else ""),
    )
    column.add_child(instance=page)
    page.save_revision(user=by if getattr(by, "pk", None) else None).publish(
        user=by if getattr(by, "pk", None) else None)
    page.refresh_from_db()
    return page
