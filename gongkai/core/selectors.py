"""Read functions of core, for the other apps."""

from __future__ import annotations

from collections import defaultdict

from django.core.cache import cache

from gongkai.core.enums import HolidayKind
from gongkai.core.models import HolidayDate, HolidaySchedule
from gongkai.core.workdays import WorkdayCalendar, YearSchedule

CALENDAR_CACHE_KEY = "gongkai:workday-calendar:v1"


def load_calendar() -> WorkdayCalendar:
    """The working-day calendar built from the holiday table (cached until it changes)."""
    cached = cache.get(CALENDAR_CACHE_KEY)
    if isinstance(cached, WorkdayCalendar):
        return cached
    calendar = build_calendar()
    cache.set(CALENDAR_CACHE_KEY, calendar, timeout=24 * 60 * 60)
    return calendar


def build_calendar() -> WorkdayCalendar:
    off: dict[int, set] = defaultdict(set)  # type: ignore[type-arg]
    work: dict[int, set] = defaultdict(set)  # type: ignore[type-arg]
    for schedule_year, day, kind in HolidayDate.objects.values_list(
        "schedule__year", "date", "kind"
    ):
        (off if kind == HolidayKind.DAY_OFF else work)[schedule_year].add(day)
    schedules = [
        YearSchedule(
            year=s.year,
            days_off=frozenset(off[s.year]),
            working_weekend_days=frozenset(work[s.year]),
            notice=s.notice_title,
        )
        for s in HolidaySchedule.objects.all()
    ]
    return WorkdayCalendar.from_schedules(schedules)


def forget_calendar() -> None:
    cache.delete(CALENDAR_CACHE_KEY)
