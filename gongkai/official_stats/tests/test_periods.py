from __future__ import annotations

import pytest

from gongkai.official_stats.enums import PeriodKind
from gongkai.official_stats.periods import PeriodError, parse_period, period_from_code


@pytest.mark.parametrize(("text", "code", "kind", "label"), [
    ("2026", "2026", PeriodKind.YEAR, "2026年"),
    ("2026年", "2026", PeriodKind.YEAR, "2026年"),
    ("2026Q1", "2026Q1", PeriodKind.QUARTER, "2026年一季度"),
    ("2026年第三季度", "2026Q3", PeriodKind.QUARTER, "2026年三季度"),
    ("2026M03", "2026M03", PeriodKind.MONTH, "2026年3月"),
    ("2026-3", "2026M03", PeriodKind.MONTH, "2026年3月"),
    ("2026年11月", "2026M11", PeriodKind.MONTH, "2026年11月"),
    ("2026M01-M09", "2026M01-M09", PeriodKind.MONTHS_CUMULATIVE, "2026年1—9月"),
    ("2021-01/2021-09", "2021M01-M09", PeriodKind.MONTHS_CUMULATIVE, "2021年1—9月"),
    ("2026年1-3月", "2026M01-M03", PeriodKind.MONTHS_CUMULATIVE, "2026年1—3月"),
    ("2026年1—12月累计", "2026M01-M12", PeriodKind.MONTHS_CUMULATIVE, "2026年1—12月"),
    ("2026Q1-Q3", "2026Q1-Q3", PeriodKind.QUARTERS_CUMULATIVE, "2026年1—3季度"),
    ("2026年1-3季度", "2026Q1-Q3", PeriodKind.QUARTERS_CUMULATIVE, "2026年1—3季度"),
    ("2020-11-01", "2020-11-01", PeriodKind.DAY, "2020年11月1日"),
    ("2026-01/2026-01", "2026M01", PeriodKind.MONTH, "2026年1月"),
])
def test_typed_forms_become_one_canonical_code(text: str, code: str, kind: PeriodKind,
                                               label: str) -> None:
    period = parse_period(text)
    assert (period.code, period.kind, period.label) == (code, kind, label)


@pytest.mark.parametrize("text", ["2026M13", "2026Q5", "2026-02-30", "2026M00", "三月",
                                  "2025-01/2026-03", "2026M02-M05", "", "20260"])
def test_it_refuses_what_is_not_a_period(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_codes_of_one_kind_sort_in_time_order() -> None:
    months = ["2025M12", "2026M01", "2026M02", "2026M10", "2026M11"]
    cumulative = ["2025M01-M12", "2026M01-M02", "2026M01-M03", "2026M01-M10"]
    assert sorted(reversed(months)) == months  # noqa: C414 - input order matters
    assert sorted(reversed(cumulative)) == cumulative  # noqa: C414
    for codes in (months, cumulative):
        ends = [parse_period(c).end for c in codes]
        assert ends == sorted(ends)


def test_the_strict_reader_accepts_only_canonical_codes() -> None:
    assert period_from_code("2026M03").code == "2026M03"
    with pytest.raises(PeriodError):
        period_from_code("2026-03")
