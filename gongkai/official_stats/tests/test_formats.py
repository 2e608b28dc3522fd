"""The output formats, checked on plain data: JSON-stat 2.0 structure and value order,
SDMX-CSV 2.0 columns, CSV with a byte-order mark, XLSX with numbers as numbers."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from openpyxl import load_workbook

from gongkai.official_stats.formats import (
    Category,
    Cell,
    Cube,
    Dimension,
    FlatRow,
    csv_stream,
    cube_rows,
    sdmx_csv_stream,
    to_json_stat,
    xlsx_file,
)


def sample_cube() -> Cube:
    retail = Category("RETAIL", "社会消费品零售总额", "亿元", 1)
    indicator = Dimension("indicator", "指标", (retail,), role="metric")
    region = Dimension("region", "地区", (Category("210300", "鞍山市"),
                                          Category("210381", "海城市")), role="geo")
    period = Dimension("period", "时间", (Category("2026M01", "2026年1月"),
                                          Category("2026M02", "2026年2月"),
                                          Category("2026M03", "2026年3月")), role="time")
    cells: dict[tuple[str, ...], Cell] = {
        ("RETAIL", "210300", "2026M01"): Cell(Decimal("51.2"), "A"),
        ("RETAIL", "210300", "2026M02"): Cell(Decimal("48.0"), "A"),
        ("RETAIL", "210300", "2026M03"): Cell(Decimal("55.9"), "P", "初步数"),
        ("RETAIL", "210381", "2026M01"): Cell(Decimal("12"), "A"),
        # 210381 / 2026M02 is missing on purpose
        ("RETAIL", "210381", "2026M03"): Cell(Decimal("13.10"), "R"),
    }
    return Cube(id="RETAIL", label="社会消费品零售总额", dimensions=(indicator, region, period),
                cells=cells, source="鞍山市统计局", notes=("示例数据",),
                status_labels={"A": "最终", "P": "初步", "R": "修订"})


def test_json_stat_has_the_required_dataset_members_with_consistent_sizes() -> None:
    data = to_json_stat(sample_cube())
    assert data["version"] == "2.0" and data["class"] == "dataset"
    assert data["id"] == ["indicator", "region", "period"]
    assert data["size"] == [1, 2, 3]
    assert list(data["dimension"]) == data["id"]
    assert data["role"] == {"metric": ["indicator"], "geo": ["region"], "time": ["period"]}
    for dim_id, size in zip(data["id"], data["size"], strict=True):
        category = data["dimension"][dim_id]["category"]
        assert len(category["index"]) == size == len(category["label"])
    # A metric dimension must carry its unit (jsonstat/validator rules).
    assert data["dimension"]["indicator"]["category"]["unit"] == {
        "RETAIL": {"label": "亿元", "decimals": 1}}
    json.dumps(data)  # plain JSON: no Decimal left


def test_json_stat_values_are_row_major_with_the_last_dimension_fastest() -> None:
    data = to_json_stat(sample_cube())
    assert data["value"] == [51.2, 48.0, 55.9, 12, None, 13.1]
    assert data["status"] == {"0": "A", "1": "A", "2": "P", "3": "A", "5": "R"}
    assert data["extension"]["statusLabels"] == {"A": "最终", "P": "初步", "R": "修订"}
    assert data["extension"]["cellNotes"] == {"2": "初步数"}
    assert data["note"] == ["示例数据"]


def test_json_stat_of_an_empty_selection_has_no_status() -> None:
    cube = sample_cube()
    cube.cells = {}
    data = to_json_stat(cube)
    assert data["value"] == [None] * 6 and "status" not in data


def test_csv_starts_with_a_bom_and_writes_numbers_as_published() -> None:
    body = b"".join(csv_stream(cube_rows(sample_cube())))
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["指标代码", "指标名称", "计量单位"]
    assert len(rows) == 1 + 5  # the missing cell is not written
    assert rows[1] == ["RETAIL", "社会消费品零售总额", "亿元", "210300", "鞍山市", "2026M01",
                       "2026年1月", "51.2", "最终", ""]
    assert rows[5][7] == "13.10"  # trailing zero kept: published values are verbatim


def test_sdmx_csv_has_the_2_0_columns_and_codes_only() -> None:
    body = b"".join(sdmx_csv_stream(cube_rows(sample_cube()), "ASTJ:DF_RETAIL(1.0.0)"))
    assert not body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0] == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "INDICATOR", "REF_AREA",
                       "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS", "COMMENT"]
    assert rows[3] == ["dataflow", "ASTJ:DF_RETAIL(1.0.0)", "I", "RETAIL", "210300", "2026M03",
                       "55.9", "亿元", "P", "初步数"]


def test_sdmx_csv_writes_a_missing_value_as_nan() -> None:
    row = FlatRow("X", "x", "", "210300", "鞍山市", "2026", "2026年", None)
    body = b"".join(sdmx_csv_stream([row], "S")).decode()
    assert ",NaN," in body.splitlines()[1]


def test_csv_stream_comes_in_bounded_chunks() -> None:
    rows = (FlatRow("X", "指标", "亿元", "210300", "鞍山市", f"{2000 + i % 20}", "年", i)
            for i in range(20_000))
    chunks = list(csv_stream(rows))
    assert len(chunks) > 5
    assert max(len(c) for c in chunks) < 200 * 1024


def test_xlsx_has_a_title_a_header_and_numeric_values() -> None:
    target = xlsx_file(cube_rows(sample_cube()), "社会消费品零售总额", notes=["示例数据"])
    book = load_workbook(target, read_only=True)
    sheet = book["数据"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "社会消费品零售总额"
    assert rows[1][0] == "指标代码"
    assert rows[2][7] == 51.2 and isinstance(rows[2][7], float)
    assert list(book["说明"].iter_rows(values_only=True)) == [("示例数据",)]
