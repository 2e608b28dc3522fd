"""The working-day calendar: pure rules, checked on a calendar built here from the
official lists and on the one built from the seeded database."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.selectors import build_calendar
from gongkai.core.tests.test_holiday_seed import OFFICIAL, official_off, official_work
from gongkai.core.workdays import (
    MAX_WORKING_DAYS,
    WorkdayCalendar,
    YearSchedule,
    add_working_days,
    is_working_day,
    working_days_between,
)

D = dt.date


def table_calendar() -> WorkdayCalendar:
    return WorkdayCalendar.from_schedules(
        YearSchedule(year=year, days_off=official_off(year),
                     working_weekend_days=official_work(year))
        for year in OFFICIAL
    )


@pytest.fixture(params=["table", pytest.param("database", marks=pytest.mark.django_db)])
def calendar(request) -> WorkdayCalendar:
    if request.param == "table":
        return table_calendar()
    return build_calendar()


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # The statutory example: 20 working days from 2024-09-27 (国庆 + two 调休 days).
        (D(2024, 9, 27), 20, D(2024, 10, 30)),
        (D(2024, 9, 27), 0, D(2024, 9, 27)),          # the start day is not counted
        (D(2024, 10, 12), 0, D(2024, 10, 12)),        # … even on a working Saturday
        (D(2024, 9, 27), 1, D(2024, 9, 29)),          # Sunday 9-29 is a working day
        (D(2024, 9, 30), 1, D(2024, 10, 8)),          # over 国庆 10-01…10-07
        (D(2024, 10, 11), 1, D(2024, 10, 12)),        # working Saturday
        (D(2024, 2, 2), 1, D(2024, 2, 4)),            # working Sunday before 春节
        (D(2024, 2, 8), 1, D(2024, 2, 9)),            # 2024's 除夕 was a working day
        (D(2020, 1, 23), 1, D(2020, 2, 3)),           # COVID extension: off to 2-02
        (D(2020, 1, 30), 1, D(2020, 2, 3)),           # 1-31 off, 2-01 no longer worked
        (D(2022, 12, 30), 1, D(2023, 1, 3)),          # 2023 元旦 began on 2022-12-31
        (D(2025, 1, 24), 1, D(2025, 1, 26)),          # working Sunday before 春节 2025
        (D(2025, 1, 27), 1, D(2025, 2, 5)),           # 2025: 除夕 1-28 is a holiday
        (D(2025, 4, 30), 1, D(2025, 5, 6)),           # 劳动节 5-01…5-05
        (D(2026, 2, 13), 1, D(2026, 2, 14)),          # 2026 春节: working Saturday 2-14
        (D(2026, 2, 13), 2, D(2026, 2, 24)),          # … then 2-15…2-23 off
    ],
)
def test_it_adds_working_days(calendar, start, days, expected):
    answer = add_working_days(calendar, start, days)
    assert answer.value == expected
    assert not answer.schedule_missing


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 9, 27), D(2024, 10, 31), 21),
        (D(2024, 9, 27), D(2024, 10, 30), 20),
        (D(2024, 9, 27), D(2024, 9, 27), 0),
        (D(2024, 10, 31), D(2024, 9, 27), -21),       # reversed dates count negative
        (D(2024, 9, 30), D(2024, 10, 7), 0),          # the 国庆 week holds no working day
        (D(2020, 1, 30), D(2020, 2, 3), 1),
        (D(2022, 12, 30), D(2023, 1, 3), 1),
        (D(2023, 12, 31), D(2024, 12, 31), 251),      # all of 2024's working days
        (D(2024, 1, 2), D(2024, 12, 31), 250),        # … less 1-02, the start day
    ],
)
def test_it_counts_working_days_between(calendar, start, end, expected):
    answer = working_days_between(calendar, start, end)
    assert answer.value == expected
    assert answer.missing_years == ()


@pytest.mark.parametrize(
    ("day", "working", "kind"),
    [
        (D(2024, 10, 12), True, "adjusted_workday"),   # Saturday 调休上班
        (D(2024, 2, 4), True, "adjusted_workday"),     # Sunday 调休上班
        (D(2024, 10, 13), False, "weekend"),
        (D(2024, 10, 14), True, "workday"),
        (D(2024, 10, 1), False, "holiday"),
        (D(2024, 2, 9), True, "workday"),              # 2024 除夕: leave encouraged only
        (D(2020, 1, 31), False, "holiday"),            # COVID extension
        (D(2022, 12, 31), False, "holiday"),           # governed by the 2023 notice
        (D(2023, 1, 2), False, "holiday"),
        (D(2023, 4, 5), False, "holiday"),             # one-day 清明 on a Wednesday
        (D(2025, 1, 28), False, "holiday"),            # the new 除夕 holiday
        (D(2025, 5, 2), False, "holiday"),
    ],
)
def test_it_knows_each_days_status(calendar, day, working, kind):
    status = is_working_day(calendar, day)
    assert (status.is_working_day, status.kind, status.schedule_missing) == (working, kind, False)
    assert calendar.is_working_day(day) is working


def test_it_no_longer_works_on_the_cancelled_2020_02_01(calendar):
    assert not calendar.is_working_day(D(2020, 2, 1))
    assert calendar.status(D(2020, 2, 1)).kind != "adjusted_workday"


@pytest.mark.parametrize("n", [1, 5, 20])
def test_it_is_the_inverse_of_counting_on_every_day_of_2024(calendar, n):
    day = D(2024, 1, 1)
    while day.year == 2024:
        end = add_working_days(calendar, day, n).value
        assert working_days_between(calendar, day, end).value == n, day
        # `end` is the first date that reaches n: a working day, one short the day before.
        assert calendar.is_working_day(end), day
        assert working_days_between(calendar, day, end - dt.timedelta(days=1)).value == n - 1
        day += dt.timedelta(days=1)


def test_it_falls_back_to_monday_to_friday_for_2027(calendar):
    answer = add_working_days(calendar, D(2026, 12, 25), 10)
    # 12-28…12-31, then 2027's Mon–Fri (1-01 counted: no notice says otherwise yet).
    assert answer.value == D(2027, 1, 8)
    assert answer.schedule_missing
    assert answer.missing_years == (2027,)
    count = working_days_between(calendar, D(2026, 12, 31), D(2027, 1, 8))
    assert (count.value, count.missing_years) == (6, (2027,))
    status = calendar.status(D(2027, 1, 1))
    assert (status.is_working_day, status.kind, status.schedule_missing) == (True, "workday", True)
    assert not calendar.is_working_day(D(2027, 1, 2))


def test_it_does_not_warn_inside_loaded_years(calendar):
    assert add_working_days(calendar, D(2026, 12, 1), 10).missing_years == ()
    assert not calendar.has_schedule(2027)
    assert calendar.loaded_years == tuple(sorted(OFFICIAL))


def test_it_names_every_missing_year_and_never_raises():
    empty = WorkdayCalendar()
    answer = add_working_days(empty, D(2030, 12, 20), 30)
    assert answer.missing_years == (2030, 2031)
    assert working_days_between(empty, D(2030, 1, 1), D(2030, 1, 8)).value == 5
    assert empty.loaded_years == ()


@pytest.mark.parametrize("days", [-1, -20, MAX_WORKING_DAYS + 1])
def test_it_refuses_negative_or_huge_day_counts(days):
    with pytest.raises(ValueError, match="days must be"):
        add_working_days(table_calendar(), D(2024, 9, 27), days)


def test_it_accepts_the_largest_day_count():
    answer = add_working_days(table_calendar(), D(2024, 1, 1), MAX_WORKING_DAYS)
    assert answer.value > D(2031, 1, 1)
    assert 2027 in answer.missing_years


def test_it_refuses_a_span_that_is_too_long():
    with pytest.raises(ValueError, match="too long"):
        working_days_between(table_calendar(), D(2000, 1, 1), D(2030, 1, 1))
