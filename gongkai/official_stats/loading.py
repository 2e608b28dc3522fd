"""Reading an upload (CSV or XLSX in the documented template) into validated rows.

Template (docs/official-statistics.md): one header row, then one observation per row.

=========  ==============  ===========================================================
column     also accepted   content
=========  ==============  ===========================================================
指标代码   indicator       an indicator's code (not a group)
地区代码   region          a region's code (行政区划代码 or the zone's own code)
时期       period          ``2026M03``, ``2026-03``, ``2026年1-3月``, ``2026Q1``, ``2026``…
数值       value           a number as published (``1,234.5`` and ``−4.9`` are accepted)
状态       status          预计 / 初步 / 最终 / 修订 (optional; default 最终, 修订 for revisions)
注释       footnote        optional, ≤ 500 characters
=========  ==============  ===========================================================

Validation is all-or-nothing: :func:`validate_rows` returns every problem with the row
number a spreadsheet shows (the header is row 1) and the services load nothing unless the
list is empty. CSV may be UTF-8 (with or without BOM) or GB18030, as Excel saves it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gongkai.official_stats.enums import STATUS_ALIASES, ObservationStatus
from gongkai.official_stats.models import Indicator, Observation, Region, Release
from gongkai.official_stats.periods import PeriodError, parse_period

MAX_ROWS = 200_000
FOOTNOTE_MAX = 500

COLUMNS: dict[str, tuple[str, ...]] = {
    "indicator": ("指标代码", "indicator", "indicator_code"),
    "region": ("地区代码", "region", "region_code", "行政区划代码"),
    "period": ("时期", "period", "时间"),
    "value": ("数值", "value", "值"),
    "status": ("状态", "status", "数据状态"),
    "footnote": ("注释", "footnote", "note", "备注"),
}
REQUIRED = ("indicator", "region", "period", "value")
TEMPLATE_HEADER = ["指标代码", "地区代码", "时期", "数值", "状态", "注释"]

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


@dataclass(frozen=True)
class RawRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    fields: dict[str, str]


@dataclass(frozen=True)
class RowError:
    row: int  # 0 = the file as a whole
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行：{self.message}" if self.row else self.message


@dataclass(frozen=True)
class ValidRow:
    row: int
    indicator_id: int
    region_id: int
    period: str
    period_kind: str
    value: Decimal
    decimals: int
    status: str
    footnote: str


class UploadError(Exception):
    """The file is rejected; ``errors`` lists every problem found."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = list(errors)


# --- Reading files ----------------------------------------------------------------------

def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError([RowError(0, "文件编码无法识别，请保存为 UTF-8 或 GB18030 编码的 CSV。")])


def _map_header(header: Sequence[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        cleaned = name.strip().lower()
        for key, names in COLUMNS.items():
            if cleaned in {n.lower() for n in names}:
                positions.setdefault(key, index)
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in positions]
    if missing:
        raise UploadError([RowError(1, "缺少必需的列：" + "、".join(missing)
                                    + "（模板列为：" + "、".join(TEMPLATE_HEADER) + "）")])
    return positions


def _rows_from_table(table: Iterable[Sequence[object]]) -> list[RawRow]:
    iterator = iter(table)
    header = next(iterator, None)
    if header is None:
        raise UploadError([RowError(0, "文件为空。")])
    positions = _map_header(["" if h is None else str(h) for h in header])
    rows: list[RawRow] = []
    for number, cells in enumerate(iterator, start=2):
        values = ["" if c is None else _cell_text(c) for c in cells]
        if not any(v.strip() for v in values):
            continue  # blank lines (Excel leaves some at the end)
        fields = {key: values[pos].strip() if pos < len(values) else ""
                  for key, pos in positions.items()}
        rows.append(RawRow(number, fields))
        if len(rows) > MAX_ROWS:
            raise UploadError([RowError(0, f"一次最多载入{MAX_ROWS}行，请拆分文件。")])
    if not rows:
        raise UploadError([RowError(0, "文件中没有数据行。")])
    return rows


def _cell_text(cell: object) -> str:
    if isinstance(cell, float):
        # openpyxl gives floats for numeric cells; repr keeps the shortest exact form.
        return repr(cell).removesuffix(".0") if cell.is_integer() else repr(cell)
    return str(cell)


def read_csv(data: bytes) -> list[RawRow]:
    # newline="": a bare CR (old Mac exports) ends a row instead of failing inside csv.
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        return _rows_from_table(reader)
    except csv.Error as exc:  # a cell over csv's size limit, a NUL in a quoted field...
        raise UploadError([RowError(reader.line_num, "CSV 格式有误（单元格过长或文件已损坏）。")
                           ]) from exc


def read_xlsx(data: bytes) -> list[RawRow]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UploadError([RowError(0, "无法读取该 XLSX 文件。")]) from exc
    try:
        sheet = workbook.worksheets[0]
        return _rows_from_table(sheet.iter_rows(values_only=True))
    except UploadError:
        raise
    except Exception as exc:  # read-only mode parses the sheet only now, while iterating
        raise UploadError([RowError(0, "无法读取该 XLSX 文件。")]) from exc
    finally:
        workbook.close()


def read_upload(filename: str, data: bytes) -> list[RawRow]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return read_xlsx(data)
    if name.endswith(".csv") or name.endswith(".txt"):
        return read_csv(data)
    raise UploadError([RowError(0, "只接受 CSV 或 XLSX 文件。")])


def rows_from_records(records: Sequence[dict[str, object]]) -> list[RawRow]:
    """API payloads: a list of objects with the template's keys (Chinese or English)."""
    table: list[list[object]] = [list(COLUMNS)]
    for record in records:
        lookup = {str(k).strip().lower(): v for k, v in record.items()}
        table.append([next((lookup[n.lower()] for n in names if n.lower() in lookup), "")
                      for names in COLUMNS.values()])
    rows = _rows_from_table(table)
    # Records are numbered from 1 (there is no header line in a JSON payload).
    return [RawRow(r.number - 1, r.fields) for r in rows]


# --- Validation ---------------------------------------------------------------------------

def parse_value(text: str) -> tuple[Decimal, int] | None:
    """The number and its published decimals, or None when ``text`` is not a number."""
    cleaned = text.strip().replace(",", "").replace("，", "").replace("−", "-")
    if not _NUMBER.fullmatch(cleaned):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    decimals = len(cleaned.split(".", 1)[1]) if "." in cleaned else 0
    if decimals > 6 or abs(value) >= Decimal(10) ** 14:
        return None
    return value, decimals


@dataclass
class _Context:
    indicators: dict[str, tuple[int, bool]]
    regions: dict[str, int]
    existing: set[tuple[int, int, str]]
    default_status: str
    seen: dict[tuple[int, int, str], int]


def _check_codes(ctx: _Context, f: dict[str, str],
                 problems: list[str]) -> tuple[int | None, int | None]:
    code = f.get("indicator", "")
    indicator = ctx.indicators.get(code)
    if not code:
        problems.append("指标代码为空")
    elif indicator is None:
        problems.append(f"未知的指标代码“{code}”")
    elif indicator[1]:
        problems.append(f"“{code}”是指标分类，不能载入数据")
        indicator = None
    region_code = f.get("region", "")
    region_id = ctx.regions.get(region_code)
    if not region_code:
        problems.append("地区代码为空")
    elif region_id is None:
        problems.append(f"未知的地区代码“{region_code}”")
    return (indicator[0] if indicator else None), region_id


def _check_row(ctx: _Context, raw: RawRow) -> tuple[ValidRow | None, list[str]]:
    f = raw.fields
    problems: list[str] = []
    indicator_id, region_id = _check_codes(ctx, f, problems)
    period = None
    try:
        period = parse_period(f.get("period", ""))
    except PeriodError as exc:
        problems.append(f"时期“{f.get('period', '')}”无效（{exc}）")
    parsed = parse_value(f.get("value", ""))
    if parsed is None:
        problems.append(f"数值“{f.get('value', '')}”不是数字")
    status_text = f.get("status", "")
    status = STATUS_ALIASES.get(status_text) if status_text else ctx.default_status
    if status is None:
        problems.append(f"状态“{status_text}”无效，应为预计、初步、最终或修订")
    footnote = f.get("footnote", "")
    if len(footnote) > FOOTNOTE_MAX:
        problems.append(f"注释超过{FOOTNOTE_MAX}字")
    if indicator_id is None or region_id is None or period is None:
        return None, problems
    key = (indicator_id, region_id, period.code)
    if key in ctx.seen:
        problems.append(f"与第{ctx.seen[key]}行重复（同一指标、地区和时期）")
    elif key in ctx.existing:
        problems.append("本次发布中已有该指标、地区和时期的数据")
    else:
        ctx.seen[key] = raw.number
    if problems or parsed is None or status is None:
        return None, problems
    return ValidRow(raw.number, indicator_id, region_id, period.code, period.kind, parsed[0],
                    parsed[1], status, footnote), problems


def validate_rows(release: Release,
                  rows: Sequence[RawRow]) -> tuple[list[ValidRow], list[RowError]]:
    """Every row checked against the codelists and the release's existing rows."""
    ctx = _Context(
        indicators={code: (pk, is_group) for code, pk, is_group in
                    Indicator.objects.values_list("code", "id", "is_group")},
        regions=dict(Region.objects.values_list("code", "id")),
        existing=set(Observation.objects.filter(release=release)
                     .values_list("indicator_id", "region_id", "period")),
        default_status=(ObservationStatus.REVISED if release.revises_id is not None
                        else ObservationStatus.FINAL),
        seen={},
    )
    valid: list[ValidRow] = []
    errors: list[RowError] = []
    for raw in rows:
        row, problems = _check_row(ctx, raw)
        errors.extend(RowError(raw.number, p) for p in problems)
        if row is not None:
            valid.append(row)
    return valid, errors
