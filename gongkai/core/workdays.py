"""The working-day calendar: pure functions over dates and an injected calendar.

Every statutory clock in gongkai (application answers, 补正 notices, Art. 26 timeliness,
reply deadlines) is computed here. Nothing in this module reads the database or the
clock: the caller builds a :class:`WorkdayCalendar` (see ``selectors.load_calendar``) and
passes it in, so the rules can be tested with plain tables of dates.

Counting convention (the one Chinese statutes use, e.g. 《条例》第三十三条 “自收到申请之日起
20个工作日内”): the starting day itself is not counted; day 1 is the first working day
after it. ``add_working_days(cal, d, 0)`` is ``d``.

A date in a year whose official holiday schedule is not loaded is never guessed silently:
it is treated as a plain Monday–Friday working week, and the result names the year in
``missing_years`` so every screen can show a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)

# A guard against runaway loops (a 2,000-working-day span is about eight years).
MAX_WORKING_DAYS = 2000


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule, as set by the State Council notice."""

    year: int
    days_off: frozenset[dt.date]
    working_weekend_days: frozenset[dt.date]
    notice: str = ""


@dataclass(frozen=True)
class DayStatus:
    day: dt.date
    is_working_day: bool
    schedule_missing: bool
    # "workday", "weekend", "holiday" (a listed day off) or "adjusted_workday" (调休上班)
    kind: str


@dataclass(frozen=True)
class DateResult:
    value: dt.date
    missing_years: tuple[int, ...] = ()

    @property
    def schedule_missing(self) -> bool:
        return bool(self.missing_years)


@dataclass(frozen=True)
class CountResult:
    value: int
    missing_years: tuple[int, ...] = ()

    @property
    def schedule_missing(self) -> bool:
        return bool(self.missing_years)


@dataclass(frozen=True)
class WorkdayCalendar:
    """The loaded schedules, keyed by year."""

    schedules: Mapping[int, YearSchedule] = field(default_factory=dict)
    _off: frozenset[dt.date] = field(init=False, repr=False, compare=False)
    _work: frozenset[dt.date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A notice may govern a date of the neighbouring year (the 2023 notice put
        # 2022-12-31 in the New Year holiday), so the day sets are merged.
        off: set[dt.date] = set()
        work: set[dt.date] = set()
        for schedule in self.schedules.values():
            off |= schedule.days_off
            work |= schedule.working_weekend_days
        object.__setattr__(self, "_off", frozenset(off))
        object.__setattr__(self, "_work", frozenset(work))

    @classmethod
    def from_schedules(cls, schedules: Iterable[YearSchedule]) -> WorkdayCalendar:
        return cls({s.year: s for s in schedules})

    @property
    def loaded_years(self) -> tuple[int, ...]:
        return tuple(sorted(self.schedules))

    def has_schedule(self, year: int) -> bool:
        return year in self.schedules

    def status(self, day: dt.date) -> DayStatus:
        missing = not self.has_schedule(day.year)
        if day in self._work:
            return DayStatus(day, True, missing, "adjusted_workday")
        if day in self._off:
            return DayStatus(day, False, missing, "holiday")
        if day.weekday() >= 5:
            return DayStatus(day, False, missing, "weekend")
        return DayStatus(day, True, missing, "workday")

    def is_working_day(self, day: dt.date) -> bool:
        return self.status(day).is_working_day


def is_working_day(calendar: WorkdayCalendar, day: dt.date) -> DayStatus:
    return calendar.status(day)


def add_working_days(calendar: WorkdayCalendar, start: dt.date, days: int) -> DateResult:
    """The date that is ``days`` working days after ``start`` (``start`` not counted)."""
    if days < 0:
        raise ValueError("days must be zero or positive")
    if days > MAX_WORKING_DAYS:
        raise ValueError(f"days must be at most {MAX_WORKING_DAYS}")
    missing: set[int] = set()
    current = start
    remaining = days
    while remaining:
        current += ONE_DAY
        status = calendar.status(current)
        if status.schedule_missing:
            missing.add(current.year)
        if status.is_working_day:
            remaining -= 1
    return DateResult(current, tuple(sorted(missing)))


def working_days_between(calendar: WorkdayCalendar, start: dt.date, end: dt.date) -> CountResult:
    """How many working days fall after ``start`` up to and including ``end``.

    It is the inverse of :func:`add_working_days`: if ``add_working_days(cal, a, n)`` is
    ``b`` then ``working_days_between(cal, a, b)`` is ``n``. When ``end`` is before
    ``start`` the count is negative.
    """
    if end < start:
        reverse = working_days_between(calendar, end, start)
        return CountResult(-reverse.value, reverse.missing_years)
    if (end - start).days > MAX_WORKING_DAYS * 2:
        raise ValueError("the span is too long")
    missing: set[int] = set()
    count = 0
    current = start
    while current < end:
        current += ONE_DAY
        status = calendar.status(current)
        if status.schedule_missing:
            missing.add(current.year)
        if status.is_working_day:
            count += 1
    return CountResult(count, tuple(sorted(missing)))
