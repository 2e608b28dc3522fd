"""Cell keys of the generated report, and the bridge to ``format.ReportTables``.

The snapshot, the adjustments, the drill-down and every output address a cell by its
``format.CellRef.key`` (``"三:3.1:natural_person"``, ``"二:fees:amount"``, ``"四:review:upheld"``).
The format (labels, rows, columns) is defined once, in ``format``; this module only turns a
flat ``{key: number}`` mapping into ``ReportTables`` and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from gongkai.annual_reports.format import FEE_CELL, CellRef, ReportTables, TableId

Number = int | Decimal

ALL_CELLS: tuple[str, ...] = tuple(cell.key for cell, _ in ReportTables.zeros().cells())
CELL_SET = frozenset(ALL_CELLS)
FEE_KEY = FEE_CELL.key


def ref(key: str) -> CellRef:
    """The ``CellRef`` of a key (KeyError if it is not a cell of the 2021 form)."""
    if key not in CELL_SET:
        raise KeyError(key)
    table, row, column = key.split(":")
    return CellRef(TableId(table), row, column)


def cell_label(key: str) -> str:
    try:
        return ref(key).label
    except KeyError:
        return key


def parse_value(key: str, text: str) -> Number:
    """A typed cell value from what staff typed: 万元 may be a decimal, every other cell is a
    non-negative integer. Raises ValueError with a Chinese message."""
    text = text.strip()
    if key == FEE_KEY:
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError("请填写数字（单位：万元，可以有小数）。") from exc
        if not value.is_finite() or value < 0:
            raise ValueError("金额应为非负数。")
        return value
    if not text.isdigit():
        raise ValueError("请填写非负整数。")
    return int(text)


def to_json(value: Number) -> int | str:
    """Snapshot storage: integers as is, 万元 as a decimal string (no float rounding)."""
    return str(value) if isinstance(value, Decimal) else value


def from_json(key: str, value: int | str | float) -> Number:
    return Decimal(str(value)) if key == FEE_KEY else int(value)


def to_tables(figures: Mapping[str, Number], *, year: int | None = None,
              agency: str = "", sections: Mapping[str, str] | None = None) -> ReportTables:
    tables = ReportTables.zeros(year=year, agency=agency)
    for key, value in figures.items():
        if key == FEE_KEY:
            tables.fee_amount = Decimal(value)
        elif key in CELL_SET:
            tables.set(ref(key), int(value))
    tables.sections = dict(sections or {})
    return tables


def from_tables(tables: ReportTables) -> dict[str, Number]:
    figures: dict[str, Number] = {}
    for cell, value in tables.cells():
        figures[cell.key] = value if value is not None else (
            Decimal(0) if cell == FEE_CELL else 0)
    return figures
