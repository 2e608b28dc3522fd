"""《条例》第二十六条: proactive information is published within 20 working days of being
formed or changed. Pure functions: the calendar and today are arguments."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from gongkai.core.workdays import WorkdayCalendar, add_working_days, working_days_between

ARTICLE_26_WORKING_DAYS = 20


class Timeliness(enum.StrEnum):
    ON_TIME = "on_time"            # published within the limit
    LATE = "late"                  # published after the limit
    PENDING = "pending"            # not published, limit not near
    DUE_SOON = "due_soon"          # not published, limit within the warning window
    OVERDUE = "overdue"            # not published, limit passed


@dataclass(frozen=True)
class Assessment:
    status: Timeliness
    deadline: dt.date
    # Working days late (published or not) or remaining before the deadline.
    working_days: int
    missing_years: tuple[int, ...] = ()


def publication_deadline(calendar: WorkdayCalendar, information_date: dt.date) -> dt.date:
    return add_working_days(calendar, information_date, ARTICLE_26_WORKING_DAYS).value


def assess(calendar: WorkdayCalendar, *, information_date: dt.date,
           published_on: dt.date | None, today: dt.date, warning_days: int = 5) -> Assessment:
    deadline = add_working_days(calendar, information_date, ARTICLE_26_WORKING_DAYS)
    missing = set(deadline.missing_years)
    if published_on is not None:
        if published_on <= deadline.value:
            return Assessment(Timeliness.ON_TIME, deadline.value, 0, tuple(sorted(missing)))
        late = working_days_between(calendar, deadline.value, published_on)
        missing |= set(late.missing_years)
        return Assessment(Timeliness.LATE, deadline.value, late.value, tuple(sorted(missing)))
    if today > deadline.value:
        late = working_days_between(calendar, deadline.value, today)
        missing |= set(late.missing_years)
        return Assessment(Timeliness.OVERDUE, deadline.value, late.value, tuple(sorted(missing)))
    remaining = working_days_between(calendar, today, deadline.value)
    missing |= set(remaining.missing_years)
    status = Timeliness.DUE_SOON if remaining.value <= warning_days else Timeliness.PENDING
    return Assessment(status, deadline.value, remaining.value, tuple(sorted(missing)))
