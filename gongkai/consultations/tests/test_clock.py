"""The reply deadline is a pure function of the log, the period and the calendar (no DB)."""

from __future__ import annotations

import datetime as dt

from gongkai.consultations.clock import ClockEvent, reply_deadline
from gongkai.consultations.enums import EventKind as K
from gongkai.core.tests.test_holiday_seed import OFFICIAL, official_off, official_work
from gongkai.core.workdays import WorkdayCalendar, YearSchedule

D = dt.date
CALENDAR = WorkdayCalendar.from_schedules(
    YearSchedule(year=year, days_off=official_off(year), working_weekend_days=official_work(year))
    for year in OFFICIAL
)


def test_five_working_days_skip_the_weekend() -> None:
    # Received Mon 2026-11-02: 11-03..11-06 = 1..4, 11-09 (Mon) = 5.
    result = reply_deadline([ClockEvent(K.RECEIVED, D(2026, 11, 2))], 5, CALENDAR,
                            D(2026, 11, 4))
    assert result.due == D(2026, 11, 9)
    assert result.working_days_left == 3
    assert not result.overdue and result.on_time is None


def test_spring_festival_and_its_make_up_saturday_are_counted_correctly() -> None:
    # Fri 2026-02-13: 02-14 Sat 调休上班 = 1; 02-15..02-23 春节; 02-24..02-27 = 2..5.
    result = reply_deadline([ClockEvent(K.RECEIVED, D(2026, 2, 13))], 5, CALENDAR,
                            D(2026, 2, 13))
    assert result.due == D(2026, 2, 27)


def test_forwarding_restarts_the_period_for_the_new_agency() -> None:
    events = [ClockEvent(K.RECEIVED, D(2026, 11, 2)), ClockEvent(K.FORWARDED, D(2026, 11, 5))]
    result = reply_deadline(events, 5, CALENDAR, D(2026, 11, 5))
    assert result.started_on == D(2026, 11, 5)
    assert result.due == D(2026, 11, 12)


def test_it_is_overdue_only_the_day_after_the_due_date() -> None:
    events = [ClockEvent(K.RECEIVED, D(2026, 11, 2))]
    assert not reply_deadline(events, 5, CALENDAR, D(2026, 11, 9)).overdue
    assert reply_deadline(events, 5, CALENDAR, D(2026, 11, 10)).overdue


def test_a_reply_after_the_due_date_is_late_and_on_the_due_date_on_time() -> None:
    start = ClockEvent(K.RECEIVED, D(2026, 11, 2))
    late = reply_deadline([start, ClockEvent(K.REPLIED, D(2026, 11, 10))], 5, CALENDAR,
                          D(2026, 12, 1))
    on_time = reply_deadline([start, ClockEvent(K.REJECTED, D(2026, 11, 9))], 5, CALENDAR,
                             D(2026, 12, 1))
    assert late.on_time is False and not late.overdue
    assert on_time.on_time is True
