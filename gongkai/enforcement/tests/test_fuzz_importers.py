"""Fuzzing the 名录库 importer (issue 9 §3): CSV and XLSX bytes of any shape give rows and
row-numbered errors, or a TableError for the file as a whole, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.enforcement.importers import (
    ENTERPRISE_HEADINGS,
    INSPECTOR_HEADINGS,
    TableError,
    parse_enterprises,
    parse_inspectors,
    read_rows,
)
from gongkai.fuzzing import (
    FUZZ,
    HUGE,
    SHEET_MEMBER,
    csv_files,
    damage_zip_member,
    damaged,
    xlsx_bytes,
    xlsx_files,
)
from gongkai.testing import valid_uscc

ENTERPRISES = [names[0] for names in ENTERPRISE_HEADINGS.values()]
INSPECTORS = [names[0] for names in INSPECTOR_HEADINGS.values()]
SAMPLES = [valid_uscc("91210300MA0Y12345"), "鞍山钢铁集团有限公司", "铁东区", "制造业",
           "21030012345", "张三"]


def files(header: list[str]) -> st.SearchStrategy[tuple[str, bytes]]:
    return st.one_of(st.tuples(st.just("list.csv"), damaged(csv_files(header + SAMPLES))),
                     st.tuples(st.just("list.xlsx"), xlsx_files(header + SAMPLES)),
                     st.tuples(st.just("list.xls"), st.binary(max_size=64)))


@FUZZ
@given(st.sampled_from(((ENTERPRISES, parse_enterprises), (INSPECTORS, parse_inspectors)))
       .flatmap(lambda kind: st.tuples(st.just(kind[1]), files(kind[0]))))
def test_any_file_gives_rows_and_errors_or_a_table_error(case: tuple[object, tuple[str, bytes]]
                                                         ) -> None:
    parse, (filename, data) = case
    try:
        items, errors = parse(read_rows(filename, data))  # type: ignore[operator]
    except TableError as exc:
        assert str(exc)
    else:
        assert all(e.row == 0 or e.row >= 2 for e in errors)
        assert items or errors


def test_a_csv_with_bare_carriage_returns_is_read() -> None:
    data = f"统一社会信用代码,企业名称\r{SAMPLES[0]},鞍山钢铁集团有限公司\r".encode()
    items, errors = parse_enterprises(read_rows("list.csv", data))
    assert [c.name for c in items] == ["鞍山钢铁集团有限公司"] and not errors


def test_a_cell_over_the_csv_field_limit_is_a_table_error() -> None:
    data = f"统一社会信用代码,企业名称\n{SAMPLES[0]},{HUGE}\n".encode()
    with pytest.raises(TableError):
        read_rows("list.csv", data)


def test_an_xlsx_whose_sheet_is_cut_short_is_a_table_error() -> None:
    # openpyxl's read-only mode opens it fine and fails only while iterating the rows.
    data = xlsx_bytes([ENTERPRISES[:2], SAMPLES[:2]])
    with pytest.raises(TableError):
        read_rows("list.xlsx", damage_zip_member(data, SHEET_MEMBER, 300))
