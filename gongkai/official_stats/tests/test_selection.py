"""Selection expressions (PxWebApi 2.0 style): table-driven, including bad input."""

from __future__ import annotations

import pytest

from gongkai.official_stats.selection import (
    SelectionError,
    Variable,
    resolve,
    select,
    split_terms,
    value_codes_from_query,
)

PERIODS = Variable("period", "时间", ["2025M10", "2025M11", "2025M12", "2026M01", "2026M02"],
                   is_time=True, default="top(3)")
REGIONS = Variable("region", "地区", ["210300", "210302", "210303", "210381", "210300-GX",
                                      "a,b"])


@pytest.mark.parametrize(("variable", "expression", "expected"), [
    (REGIONS, "210300", ["210300"]),
    (REGIONS, "210381,210300", ["210300", "210381"]),  # dimension order, not query order
    (REGIONS, "210300,210300", ["210300"]),
    (REGIONS, "*", ["210300", "210302", "210303", "210381", "210300-GX", "a,b"]),
    (REGIONS, "2103*", ["210300", "210302", "210303", "210381", "210300-GX"]),
    (REGIONS, "*-GX", ["210300-GX"]),
    (REGIONS, "21030?", ["210300", "210302", "210303"]),
    (REGIONS, "*38*", ["210381"]),
    (REGIONS, "[a,b]", ["a,b"]),
    (REGIONS, "top(2)", ["210300", "210302"]),
    (REGIONS, "TOP(2,1)", ["210302", "210303"]),
    (REGIONS, "bottom(1)", ["a,b"]),
    (REGIONS, "from(210381)", ["210381", "210300-GX", "a,b"]),
    (REGIONS, "to(210302)", ["210300", "210302"]),
    (REGIONS, "range(210302,210381)", ["210302", "210303", "210381"]),
    (REGIONS, "range(210302,210302)", ["210302"]),
    (REGIONS, "top(99)", ["210300", "210302", "210303", "210381", "210300-GX", "a,b"]),
    # On time, TOP means the latest periods (returned oldest first) and BOTTOM the earliest.
    (PERIODS, "top(2)", ["2026M01", "2026M02"]),
    (PERIODS, "Top(2,1)", ["2025M12", "2026M01"]),
    (PERIODS, "bottom(2)", ["2025M10", "2025M11"]),
    (PERIODS, "from(2025M12)", ["2025M12", "2026M01", "2026M02"]),
    (PERIODS, "to(2025M11)", ["2025M10", "2025M11"]),
    (PERIODS, "range(2025M11,2026M01)", ["2025M11", "2025M12", "2026M01"]),
    (PERIODS, "2026*", ["2026M01", "2026M02"]),
    (PERIODS, "2025M10, top(1)", ["2025M10", "2026M02"]),
    (PERIODS, None, ["2025M12", "2026M01", "2026M02"]),  # the default selection
])
def test_it_selects_the_codes_an_expression_names(
        variable: Variable, expression: str | None, expected: list[str]) -> None:
    assert select(variable, expression) == expected


@pytest.mark.parametrize(("variable", "expression", "message"), [
    (REGIONS, "999999", "没有代码“999999”"),
    (REGIONS, "", "选择为空"),
    (REGIONS, "210300,,210381", "空项"),
    (REGIONS, "top(0)", "至少为1"),
    (REGIONS, "top(x)", "正整数"),
    (REGIONS, "top()", "正整数"),
    (REGIONS, "top(1,2,3)", "正整数"),
    (REGIONS, "top(-1)", "正整数"),
    (REGIONS, "range(210302)", "参数个数不对"),
    (REGIONS, "from(210300,210302)", "参数个数不对"),
    (REGIONS, "range(210381,210300)", "在终点"),
    (REGIONS, "from(999)", "没有代码“999”"),
    (REGIONS, "top(2", "括号不匹配"),
    (REGIONS, "top2)", "括号不匹配"),
    (REGIONS, "last(3)", "无法识别"),
    (REGIONS, "*1*2*3", "最多使用2次"),
    (REGIONS, "9*", "没有选中任何值"),
    (REGIONS, ",".join(["210300"] * 201), "最多可写200项"),
    (PERIODS, "range(2026M02,2025M10)", "在终点"),
])
def test_it_rejects_a_bad_expression_with_a_chinese_message(
        variable: Variable, expression: str, message: str) -> None:
    with pytest.raises(SelectionError, match=message):
        select(variable, expression)


def test_it_rejects_an_unknown_dimension_and_names_the_known_ones() -> None:
    with pytest.raises(SelectionError, match="没有名为“Tid”的维度；可用的维度：period、region"):
        resolve([PERIODS, REGIONS], {"Tid": "*"})


def test_it_resolves_every_dimension_with_defaults_for_the_ones_left_out() -> None:
    assert resolve([PERIODS, REGIONS], {"REGION": "210381"}) == {
        "period": ["2025M12", "2026M01", "2026M02"], "region": ["210381"]}


def test_it_splits_only_on_top_level_commas() -> None:
    assert split_terms("a, range(b,c), [d,e]") == ["a", "range(b,c)", "[d,e]"]


def test_it_reads_value_codes_from_a_query_string() -> None:
    query = {"valueCodes[region]": "210300", "valuecodes[period]": "top(12)",
             "outputFormat": "csv", "valueCodes[]": "x"}
    assert value_codes_from_query(query) == {"region": "210300", "period": "top(12)"}
