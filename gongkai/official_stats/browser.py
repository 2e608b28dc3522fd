"""The public data browser at /sjfb/data/: the indicator tree, and per table a plain GET
form (regions, periods, indicators of a folder) with the result as an accessible table, an
ECharts chart drawn from the same numbers, and download links.

Everything works without JavaScript: the form is an ordinary GET form, so a selection is a
URL that can be shared; the chart is an extra drawn by a static script when ECharts is
there. The data come from ``tables`` (hence through the one visibility selector), with the
same selection expressions as the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control

from gongkai.official_stats import tables
from gongkai.official_stats.formats import Category, Cube, OutputFormat, json_number
from gongkai.official_stats.selection import SelectionError, cell_count, resolve

PAGE_MAX_AGE = 300
MAX_BROWSER_CELLS = 3000  # a page beyond this is unreadable; downloads take more
DEFAULT_PERIOD_COUNT = 12


@dataclass
class TreeNode:
    table: tables.Table
    children: list[TreeNode]


def _tree(found: list[tables.Table]) -> list[TreeNode]:
    nodes = {t.root.pk: TreeNode(t, []) for t in found}
    roots: list[TreeNode] = []
    for table in found:
        parent = nodes.get(table.root.parent_id) if table.root.parent_id else None
        (parent.children if parent else roots).append(nodes[table.root.pk])
    return roots


@lru_cache(maxsize=1)
def echarts_available() -> bool:
    """ECharts is served from node_modules when `make node` installed it (settings adds the
    directory to STATICFILES_DIRS); without it the page shows the table only."""
    return finders.find("vendor/echarts/echarts.min.js") is not None


def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    response = render(request, "official_stats/browser/index.html", {
        "tree": _tree(tables.list_tables(now)),
    })
    patch_cache_control(response, public=True,
                        max_age=tables.cache_max_age(now, PAGE_MAX_AGE))
    return response


def _bracket(code: str) -> str:
    return f"[{code}]" if "," in code else code


def _expressions(request: HttpRequest, shape: tables.TableShape) -> dict[str, str]:
    """The form's fields as selection expressions (what the API's valueCodes take)."""
    wanted: dict[str, str] = {}
    for dim in (tables.DIM_INDICATOR, tables.DIM_REGION):
        codes = [c for c in request.GET.getlist(dim) if c]
        if codes:
            wanted[dim] = ",".join(_bracket(c) for c in codes)
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    if start or end:
        first, last = (shape.periods[0], shape.periods[-1]) if shape.periods else ("", "")
        wanted[tables.DIM_PERIOD] = f"range({_bracket(start or first)},{_bracket(end or last)})"
    return wanted


def _download_links(table_id: str, expressions: dict[str, str]) -> list[dict[str, str]]:
    base = f"/api/v1/stats/tables/{table_id}/data"
    params = {f"valueCodes[{dim}]": expr for dim, expr in expressions.items()}
    labels = {OutputFormat.CSV: "CSV（Excel 可直接打开）", OutputFormat.XLSX: "Excel（XLSX）",
              OutputFormat.JSON_STAT2: "JSON-stat 2.0", OutputFormat.SDMX_CSV: "SDMX-CSV 2.0"}
    return [{"label": label, "url": f"{base}?{urlencode({**params, 'outputFormat': fmt.value})}"}
            for fmt, label in labels.items()]


def _chart(cube: Cube) -> dict[str, Any]:
    """What the chart script draws: a line per (indicator, region) over time, or — for a
    single period — bars comparing the regions."""
    ind_dim, reg_dim, per_dim = cube.dimensions
    many_indicators = len(ind_dim.categories) > 1
    units = sorted({c.unit for c in ind_dim.categories if c.unit})
    if len(per_dim.categories) == 1:
        period = per_dim.categories[0]
        series = [{"name": ind.label, "data": [
            json_number(_value(cube, ind.code, reg.code, period.code))
            for reg in reg_dim.categories]} for ind in ind_dim.categories]
        return {"type": "bar", "title": f"{cube.label}（{period.label}）", "units": units,
                "categories": [r.label for r in reg_dim.categories], "series": series}
    series = []
    for ind in ind_dim.categories:
        for reg in reg_dim.categories:
            name = f"{reg.label}·{ind.label}" if many_indicators else reg.label
            series.append({"name": name, "data": [
                json_number(_value(cube, ind.code, reg.code, per.code))
                for per in per_dim.categories]})
    return {"type": "line", "title": cube.label, "units": units,
            "categories": [p.label for p in per_dim.categories], "series": series}


def _value(cube: Cube, *key: str) -> Any:
    cell = cube.cells.get(key)
    return cell.value if cell else None


@dataclass
class Column:
    indicator: Category
    region: Category


def _table_rows(cube: Cube) -> tuple[list[Column], list[dict[str, Any]], list[str]]:
    """Rows = periods, columns = (indicator ×) region; footnotes numbered in reading order."""
    ind_dim, reg_dim, per_dim = cube.dimensions
    columns = [Column(ind, reg) for ind in ind_dim.categories for reg in reg_dim.categories]
    footnotes: list[str] = []
    rows = []
    for per in per_dim.categories:
        cells = []
        for col in columns:
            cell = cube.cells.get((col.indicator.code, col.region.code, per.code))
            mark = None
            if cell is not None and cell.note:
                if cell.note not in footnotes:
                    footnotes.append(cell.note)
                mark = footnotes.index(cell.note) + 1
            cells.append({
                "value": None if cell is None else cell.published,
                "status": "" if cell is None or cell.status == "A"
                else cube.status_labels.get(cell.status, ""),
                "mark": mark,
            })
        rows.append({"period": per, "cells": cells})
    return columns, rows, footnotes


def _within_page_limit(selection: dict[str, list[str]]) -> dict[str, list[str]]:
    """Shrink an oversized selection: the latest periods first, then fewer regions."""
    trimmed = dict(selection)
    per_period = len(trimmed[tables.DIM_INDICATOR]) * len(trimmed[tables.DIM_REGION])
    keep = max(1, min(DEFAULT_PERIOD_COUNT, MAX_BROWSER_CELLS // per_period))
    trimmed[tables.DIM_PERIOD] = trimmed[tables.DIM_PERIOD][-keep:]
    regions = max(1, MAX_BROWSER_CELLS // (len(trimmed[tables.DIM_INDICATOR]) * keep))
    trimmed[tables.DIM_REGION] = trimmed[tables.DIM_REGION][:regions]
    return trimmed


def table_view(request: HttpRequest, table_id: str) -> HttpResponse:
    now = timezone.now()
    try:
        table = tables.get_table(table_id, now)
    except tables.TableNotFound:
        raise Http404("没有这个已发布的数据表。") from None
    shape = tables.table_shape(table, now)
    expressions = _expressions(request, shape)
    error = ""
    try:
        selection = resolve(shape.variables(), expressions)
    except SelectionError as problem:
        error = str(problem)
        expressions = {}
        selection = resolve(shape.variables(), {})
    cells = cell_count(selection)
    if cells > MAX_BROWSER_CELLS:
        error = (f"所选数据共{cells}个单元格，网页最多显示{MAX_BROWSER_CELLS}个，"
                 "下表只显示其中一部分。请缩小选择，或下载数据。")
        selection = _within_page_limit(selection)
    cube = tables.build_cube(shape, selection, now)
    columns, rows, footnotes = _table_rows(cube)
    response = render(request, "official_stats/browser/table.html", {
        "table": table, "shape": shape, "cube": cube, "selection": selection,
        "selected_regions": set(selection[tables.DIM_REGION]),
        "selected_indicators": set(selection[tables.DIM_INDICATOR]),
        "period_options": [(code, tables.period_label(code)) for code in shape.periods],
        "period_from": selection[tables.DIM_PERIOD][0],
        "period_to": selection[tables.DIM_PERIOD][-1],
        "columns": columns, "rows": rows, "footnotes": footnotes, "error": error,
        "chart": _chart(cube), "chart_script": echarts_available(),
        "downloads": _download_links(table.id, expressions),
        "updated": cube.updated, "next_update": tables.next_update(table, now),
        "api_url": f"/api/v1/stats/tables/{table.id}/metadata",
    })
    patch_cache_control(response, public=True,
                        max_age=tables.cache_max_age(now, PAGE_MAX_AGE))
    return response
