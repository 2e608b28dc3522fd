"""Output formats of the statistics data API: JSON-stat 2.0, SDMX-CSV 2.0, CSV and XLSX.

Pure functions over plain data (no models), so every format can be tested on its own and
the same writers serve the API, the data browser's download links and the benchmark.

Two shapes of input:

* :class:`Cube` — a small selection (a table × selected regions × selected periods) held in
  memory; JSON-stat needs the whole cube to lay the values out row-major.
* an iterable of :class:`FlatRow` — one row per observation, consumed lazily; the CSV and
  SDMX-CSV writers turn it into a stream of byte chunks, so an export of 1,000,000
  observations runs in flat memory (the caller feeds rows from ``QuerySet.iterator``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import IO, Any

from openpyxl import Workbook


class OutputFormat(StrEnum):
    """The formats of GET /api/v1/stats/tables/{id}/data (``outputFormat``)."""

    JSON_STAT2 = "json-stat2"
    CSV = "csv"
    XLSX = "xlsx"
    SDMX_CSV = "sdmx-csv"


DEFAULT_FORMAT = OutputFormat.JSON_STAT2

CONTENT_TYPES: dict[OutputFormat, str] = {
    OutputFormat.JSON_STAT2: "application/json; charset=utf-8",
    OutputFormat.CSV: "text/csv; charset=utf-8",
    OutputFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    OutputFormat.SDMX_CSV: "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
}

FILE_EXTENSIONS: dict[OutputFormat, str] = {
    OutputFormat.JSON_STAT2: "json",
    OutputFormat.CSV: "csv",
    OutputFormat.XLSX: "xlsx",
    OutputFormat.SDMX_CSV: "csv",
}

# Formats written row by row: no cell limit applies, memory stays flat.
STREAMED_FORMATS = frozenset({OutputFormat.CSV, OutputFormat.SDMX_CSV})

Number = Decimal | float | int


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    label: str
    unit: str = ""  # metric dimension only: 计量单位
    decimals: int | None = None  # metric dimension only


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    label: str
    categories: tuple[Category, ...]
    role: str = ""  # "time", "geo", "metric" or ""

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.categories]


@dataclass(frozen=True, slots=True)
class Cell:
    value: Number | None
    status: str = ""  # a short code (see Cube.status_labels)
    note: str = ""
    decimals: int | None = None  # as published: a float value is written with this many

    @property
    def published(self) -> Number | None:
        """The value as published (a float made a Decimal with its published decimals)."""
        if isinstance(self.value, float) and self.decimals is not None:
            return Decimal(f"{self.value:.{self.decimals}f}")
        return self.value


@dataclass
class Cube:
    """A selection laid out as dimensions; ``cells`` is keyed by one code per dimension."""

    id: str
    label: str
    dimensions: tuple[Dimension, ...]
    cells: Mapping[tuple[str, ...], Cell]
    source: str = ""
    updated: dt.datetime | None = None
    notes: tuple[str, ...] = ()
    status_labels: Mapping[str, str] = field(default_factory=dict)
    extension: Mapping[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> list[int]:
        return [len(d.categories) for d in self.dimensions]

    @property
    def cell_count(self) -> int:
        count = 1
        for n in self.size:
            count *= n
        return count

    def cell_keys(self) -> Iterator[tuple[str, ...]]:
        """All cell keys in row-major order: the last dimension varies fastest."""
        return itertools.product(*(d.codes for d in self.dimensions))


def json_number(value: Number | None) -> float | int | None:
    """Decimals become JSON numbers (a Decimal would be written as a string)."""
    if value is None or isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent == 0 \
            else float(value)
    return value


def _unit(category: Category) -> dict[str, Any]:
    unit: dict[str, Any] = {"label": category.unit}
    if category.decimals is not None:
        unit["decimals"] = category.decimals
    return unit


def _dimension_json(dimension: Dimension) -> dict[str, Any]:
    category: dict[str, Any] = {
        "index": dimension.codes,
        "label": {c.code: c.label for c in dimension.categories},
    }
    if dimension.role == "metric":
        category["unit"] = {c.code: _unit(c) for c in dimension.categories}
    return {"label": dimension.label, "category": category}


def _json_stat_values(
    cube: Cube,
) -> tuple[list[float | int | None], dict[str, str], dict[str, str]]:
    values: list[float | int | None] = []
    statuses: dict[str, str] = {}
    cell_notes: dict[str, str] = {}
    for index, key in enumerate(cube.cell_keys()):
        cell = cube.cells.get(key)
        values.append(json_number(cell.value) if cell else None)
        if cell and cell.status:
            statuses[str(index)] = cell.status
        if cell and cell.note:
            cell_notes[str(index)] = cell.note
    return values, statuses, cell_notes


def to_json_stat(cube: Cube) -> dict[str, Any]:
    """The cube as a JSON-stat 2.0 dataset (https://json-stat.org/format/).

    ``value`` is dense (null for an empty cell); ``status`` is sparse (an object from the
    value index to the status code) and present only when some cell has one; cell notes
    (footnotes), which JSON-stat has no place for, go to ``extension.cellNotes`` the same way.
    """
    values, statuses, cell_notes = _json_stat_values(cube)
    roles: dict[str, list[str]] = {}
    for dimension in cube.dimensions:
        if dimension.role:
            roles.setdefault(dimension.role, []).append(dimension.id)
    data: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": cube.label,
        "id": [d.id for d in cube.dimensions],
        "size": cube.size,
    }
    if roles:
        data["role"] = roles
    data["dimension"] = {d.id: _dimension_json(d) for d in cube.dimensions}
    data["value"] = values
    if statuses:
        data["status"] = statuses
    if cube.source:
        data["source"] = cube.source
    if cube.updated is not None:
        data["updated"] = cube.updated.isoformat()
    if cube.notes:
        data["note"] = list(cube.notes)
    extension: dict[str, Any] = {"tableId": cube.id, **cube.extension}
    if statuses:
        extension["statusLabels"] = {code: cube.status_labels.get(code, code)
                                     for code in sorted(set(statuses.values()))}
    if cell_notes:
        extension["cellNotes"] = cell_notes
    data["extension"] = extension
    return data


# --- Flat, streamed formats -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FlatRow:
    """One observation with its labels, as written to CSV, SDMX-CSV and XLSX."""

    indicator_code: str
    indicator_name: str
    unit: str
    region_code: str
    region_name: str
    period_code: str
    period_label: str
    value: Number | None
    status: str = ""  # SDMX OBS_STATUS code
    status_label: str = ""
    note: str = ""


CSV_HEADER = ("指标代码", "指标名称", "计量单位", "地区代码", "地区名称", "时间代码", "时间",
              "数值", "数据状态", "注释")

SDMX_DIMENSIONS = ("INDICATOR", "REF_AREA", "TIME_PERIOD")
SDMX_HEADER = ("STRUCTURE", "STRUCTURE_ID", "ACTION", *SDMX_DIMENSIONS,
               "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS", "COMMENT")

UTF8_BOM = "\ufeff"
CHUNK_CHARS = 64 * 1024


def plain_number(value: Number | None) -> str:
    """Numbers as published, never in exponent notation (Excel and R read them as-is)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return repr(value) if isinstance(value, float) else str(value)


def _chunked(lines: Iterable[Sequence[str]], prefix: str = "") -> Iterator[bytes]:
    """RFC 4180 lines (CRLF) gathered into chunks of about 64 KB of text."""
    buffer = io.StringIO()
    buffer.write(prefix)
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in lines:
        writer.writerow(line)
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    rest = buffer.getvalue()
    if rest:
        yield rest.encode("utf-8")


def csv_stream(rows: Iterable[FlatRow]) -> Iterator[bytes]:
    """CSV for people: Chinese headers, labels next to codes, UTF-8 with a byte-order mark
    so that Excel on Windows opens it as UTF-8 instead of GBK."""
    lines = (
        (r.indicator_code, r.indicator_name, r.unit, r.region_code, r.region_name,
         r.period_code, r.period_label, plain_number(r.value), r.status_label, r.note)
        for r in rows
    )
    return _chunked(_with_header(CSV_HEADER, lines), prefix=UTF8_BOM)


def sdmx_structure_id(agency_id: str, table_id: str, version: str = "1.0.0") -> str:
    return f"{agency_id}:DF_{table_id}({version})"


def sdmx_csv_stream(rows: Iterable[FlatRow], structure_id: str) -> Iterator[bytes]:
    """SDMX-CSV 2.0 (SDMX 3.0): STRUCTURE, STRUCTURE_ID, ACTION, the dimensions, OBS_VALUE,
    then the attributes. Codes only, no BOM (a machine format); ACTION ``I`` (information)
    as a data query answer carries. An empty value is written ``NaN`` as the format asks."""
    lines = (
        ("dataflow", structure_id, "I", r.indicator_code, r.region_code, r.period_code,
         plain_number(r.value) if r.value is not None else "NaN", r.unit, r.status, r.note)
        for r in rows
    )
    return _chunked(_with_header(SDMX_HEADER, lines))


def _with_header(header: Sequence[str], lines: Iterable[Sequence[str]]) -> Iterator[Sequence[str]]:
    yield header
    yield from lines


def xlsx_file(rows: Iterable[FlatRow], title: str, notes: Sequence[str] = ()) -> IO[bytes]:
    """An XLSX workbook written with openpyxl's write-only mode (rows go straight to the
    zip stream, not into a cell tree), spooled to a temporary file returned rewound.

    Values are written as numbers, never as text, so Excel can compute with them."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="数据")
    sheet.append([title])
    sheet.append(list(CSV_HEADER))
    for r in rows:
        sheet.append([r.indicator_code, r.indicator_name, r.unit, r.region_code, r.region_name,
                      r.period_code, r.period_label,
                      float(r.value) if isinstance(r.value, Decimal) else r.value,
                      r.status_label, r.note])
    if notes:
        notes_sheet = workbook.create_sheet(title="说明")
        for note in notes:
            notes_sheet.append([note])
    target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(target)
    target.seek(0)
    return target  # type: ignore[return-value]


def cube_rows(cube: Cube, *, indicator: str = "indicator", region: str = "region",
              period: str = "period") -> Iterator[FlatRow]:
    """The filled cells of an indicator × region × period cube as flat rows, in cube order."""
    positions = [d.id for d in cube.dimensions]
    labels = {d.id: {c.code: c for c in d.categories} for d in cube.dimensions}
    for key in cube.cell_keys():
        cell = cube.cells.get(key)
        if cell is None or cell.value is None:
            continue
        by_dim = dict(zip(positions, key, strict=True))
        ind = labels[indicator][by_dim[indicator]]
        reg = labels[region][by_dim[region]]
        per = labels[period][by_dim[period]]
        yield FlatRow(
            indicator_code=ind.code, indicator_name=ind.label, unit=ind.unit,
            region_code=reg.code, region_name=reg.label,
            period_code=per.code, period_label=per.label, value=cell.published,
            status=cell.status, status_label=cube.status_labels.get(cell.status, cell.status),
            note=cell.note,
        )
