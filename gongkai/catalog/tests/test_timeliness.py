"""《条例》第二十六条 timeliness rules (gongkai.catalog.timeliness.assess), as tables.

The calendar is the official 2024 schedule typed in below (国办发明电〔2023〕7号), so the
expected dates can be checked by hand against a wall calendar; one test checks that the
calendar seeded into the database agrees.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalog.timeliness import Timeliness, assess, publication_deadline
from gongkai.core.selectors import build_calendar
from gongkai.core.workdays import WorkdayCalendar, YearSchedule


def days(*isodates: str) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(d) for d in isodates)


SCHEDULE_2024 = YearSchedule(
    year=2024,
    days_off=days(
        "2023-12-30", "2023-12-31", "2024-01-01",                          # 元旦
        *(f"2024-02-{d:02d}" for d in range(10, 18)),                     # 春节
        "2024-04-04", "2024-04-05", "2024-04-06",                          # 清明节
        *(f"2024-05-{d:02d}" for d in range(1, 6)),                       # 劳动节
        "2024-06-10",                                                      # 端午节
        "2024-09-15", "2024-09-16", "2024-09-17",                          # 中秋节
        *(f"2024-10-{d:02d}" for d in range(1, 8)),                       # 国庆节
    ),
    working_weekend_days=days("2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28",
                              "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12"),
    notice="国务院办公厅关于2024年部分节假日安排的通知",
)
CALENDAR = WorkdayCalendar.from_schedules([SCHEDULE_2024])


def d(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


# information date, published on, today, expected status, deadline, working days
CASES = [
    # Formed Fri 2024-03-01; day 1 is Mon 03-04, day 20 is Fri 03-29.
    ("published on the deadline", "2024-03-01", "2024-03-29", "2024-06-01",
     Timeliness.ON_TIME, "2024-03-29", 0),
    ("published early", "2024-03-01", "2024-03-01", "2024-06-01",
     Timeliness.ON_TIME, "2024-03-29", 0),
    ("published one working day late", "2024-03-01", "2024-04-01", "2024-06-01",
     Timeliness.LATE, "2024-03-29", 1),
    ("late across 清明 and its Sunday 调休", "2024-03-01", "2024-04-08", "2024-06-01",
     Timeliness.LATE, "2024-03-29", 5),
    ("not published, ample time", "2024-03-01", None, "2024-03-15",
     Timeliness.PENDING, "2024-03-29", 10),
    ("not published, one day outside the window", "2024-03-01", None, "2024-03-21",
     Timeliness.PENDING, "2024-03-29", 6),
    ("not published, at the edge of the window", "2024-03-01", None, "2024-03-22",
     Timeliness.DUE_SOON, "2024-03-29", 5),
    ("not published, due soon", "2024-03-01", None, "2024-03-25",
     Timeliness.DUE_SOON, "2024-03-29", 4),
    ("not published, deadline is today", "2024-03-01", None, "2024-03-29",
     Timeliness.DUE_SOON, "2024-03-29", 0),
    ("not published, overdue", "2024-03-01", None, "2024-04-02",
     Timeliness.OVERDUE, "2024-03-29", 2),
    # Formed Fri 2024-09-20: 国庆 (10-01..10-07) does not count, the 调休 Sundays 09-29 and
    # Saturday 10-12 do; a plain Monday–Friday count would give 10-18.
    ("across 国庆, on time", "2024-09-20", "2024-10-22", "2024-12-01",
     Timeliness.ON_TIME, "2024-10-23", 0),
    ("across 国庆, late", "2024-09-20", "2024-10-24", "2024-12-01",
     Timeliness.LATE, "2024-10-23", 1),
    ("across 国庆, overdue draft", "2024-09-20", None, "2024-10-25",
     Timeliness.OVERDUE, "2024-10-23", 2),
    ("changed during 国庆: the clock starts on the change", "2024-10-05", None, "2024-10-08",
     Timeliness.PENDING, "2024-11-01", 19),
]


@pytest.mark.parametrize(
    ("information_date", "published_on", "today", "status", "deadline", "working_days"),
    [case[1:] for case in CASES], ids=[case[0] for case in CASES],
)
def test_assess(information_date, published_on, today, status, deadline, working_days):
    result = assess(CALENDAR, information_date=d(information_date),
                    published_on=d(published_on) if published_on else None,
                    today=d(today), warning_days=5)
    assert (result.status, result.deadline, result.working_days) == (
        status, d(deadline), working_days)
    assert result.missing_years == ()


@pytest.mark.parametrize(("information_date", "published_on", "today", "missing"), [
    ("2027-03-01", None, "2027-03-02", (2027,)),
    ("2027-03-01", "2027-05-01", "2027-06-01", (2027,)),
    # Deadline in January 2025, a year this calendar does not have.
    ("2024-12-20", None, "2024-12-23", (2025,)),
    ("2024-03-01", None, "2025-01-06", (2025,)),
    ("2024-03-01", "2024-03-29", "2027-01-01", ()),
], ids=["2027 draft", "2027 published late", "deadline in 2025", "overdue into 2025",
        "on time, today irrelevant"])
def test_assess_names_the_years_without_a_schedule(information_date, published_on, today,
                                                    missing):
    result = assess(CALENDAR, information_date=d(information_date),
                    published_on=d(published_on) if published_on else None, today=d(today))
    assert result.missing_years == missing


def test_the_warning_window_is_a_parameter():
    result = assess(CALENDAR, information_date=d("2024-03-01"), published_on=None,
                    today=d("2024-03-15"), warning_days=10)
    assert result.status == Timeliness.DUE_SOON


@pytest.mark.django_db
def test_the_seeded_calendar_gives_the_same_answers():
    seeded = build_calendar()
    for _name, information_date, published_on, today, status, deadline, days_ in CASES:
        result = assess(seeded, information_date=d(information_date),
                        published_on=d(published_on) if published_on else None,
                        today=d(today))
        assert (result.status, result.deadline, result.working_days) == (
            status, d(deadline), days_), _name
        assert result.missing_years == ()
    assert publication_deadline(seeded, d("2024-12-20")) == d("2025-01-20")
    late_2026 = assess(seeded, information_date=d("2026-12-20"), published_on=None,
                       today=d("2026-12-21"))
    assert late_2026.missing_years == (2027,)
