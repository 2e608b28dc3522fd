"""Fuzzing the statistics data-file loader (issue 9 §3): CSV and XLSX bytes of any shape are
either accepted or rejected with a row-by-row list of errors (UploadError), never a crash."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.core.models import Agency
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
from gongkai.official_stats import services
from gongkai.official_stats.loading import (
    TEMPLATE_HEADER,
    RawRow,
    UploadError,
    read_upload,
    validate_rows,
)
from gongkai.official_stats.models import Release
from gongkai.official_stats.tests.core_data import AT, NOW, make_codes

# Rows that are valid against make_codes(), mixed into the random ones.
HEADER = [*TEMPLATE_HEADER, "T01.RETAIL", "210300", "2026M03", "77.7", "初步", "2026Q1"]


def files() -> st.SearchStrategy[tuple[str, bytes]]:
    return st.one_of(
        st.tuples(st.sampled_from(("data.csv", "data.txt")), damaged(csv_files(HEADER))),
        st.tuples(st.just("data.xlsx"), xlsx_files(HEADER)),
        st.tuples(st.sampled_from(("data.xls", "")), st.binary(max_size=64)),
    )


def read_or_reject(filename: str, data: bytes) -> list[RawRow] | None:
    try:
        return read_upload(filename, data)
    except UploadError as exc:
        assert exc.errors and all(str(e) for e in exc.errors)
        return None


@FUZZ
@given(files())
def test_any_file_is_read_into_rows_or_rejected_with_errors(file: tuple[str, bytes]) -> None:
    rows = read_or_reject(*file)
    assert rows is None or all(r.number >= 2 for r in rows)


@pytest.fixture
def release(anshan: Agency, db: Any) -> Release:
    make_codes()
    with time_machine.travel(NOW, tick=False):
        return services.create_release(None, anshan, title="2026年3月主要统计数据",
                                       scheduled_at=AT)


@settings(FUZZ, max_examples=25)
@given(st.tuples(st.just("data.csv"), csv_files(HEADER)))
def test_rows_read_are_validated_into_rows_or_row_numbered_errors(release: Release,
                                                                  file: tuple[str, bytes]
                                                                  ) -> None:
    rows = read_or_reject(*file)
    if rows is None:
        return
    valid, errors = validate_rows(release, rows)
    assert len(valid) + len({e.row for e in errors}) >= len(rows) or errors
    assert all(e.row >= 2 for e in errors)


@pytest.mark.parametrize("data", [
    "指标代码,地区代码,时期,数值\rT01.RETAIL,210300,2026M03,1\r".encode(),   # old Mac line ends
])
def test_a_csv_with_bare_carriage_returns_is_read(data: bytes) -> None:
    assert [r.fields["value"] for r in read_upload("data.csv", data)] == ["1"]


def test_a_cell_over_the_csv_field_limit_is_an_error_not_a_crash() -> None:
    data = f"指标代码,地区代码,时期,数值\nT01.RETAIL,210300,2026M03,{HUGE}\n".encode()
    with pytest.raises(UploadError):
        read_upload("data.csv", data)


def test_an_xlsx_whose_sheet_is_cut_short_is_rejected_not_a_crash() -> None:
    # openpyxl's read-only mode opens it fine and fails only while iterating the rows.
    data = xlsx_bytes([TEMPLATE_HEADER[:4], ["T01.RETAIL", "210300", "2026M03", "1"]])
    with pytest.raises(UploadError):
        read_upload("data.xlsx", damage_zip_member(data, SHEET_MEMBER, 300))
