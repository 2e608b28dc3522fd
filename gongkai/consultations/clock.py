"""The reply deadline of a 留言: a pure function of its events, the agency's setting and the
working-day calendar.

The period (default 5 working days, ``ConsultationSettings``) runs from the day the handling
agency got the message: the receipt, or the last forwarding (the new agency starts afresh).
The day itself is not counted (``add_working_days``). A reply or a 不予受理 closes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from gongkai.consultations.enums import EventKind
from gongkai.core.workdays import WorkdayCalendar, add_working_days, working_days_between

AT_RISK_DAYS = 1
STARTS = frozenset({EventKind.RECEIVED, EventKind.FORWARDED})
ENDS = frozenset({EventKind.REPLIED, EventKind.REJECTED})


@dataclass(frozen=True)
class ClockEvent:
    kind: str
    on: dt.date


@dataclass(frozen=True)
class ReplyDeadline:
    started_on: dt.date
    days: int
    due: dt.date
    closed_on: dt.date | None
    overdue: bool  # open and past the due date
    on_time: bool | None  # closed: within the period; open: None
    working_days_left: int | None  # open only; negative when overdue

    @property
    def at_risk(self) -> bool:
        return (not self.overdue and self.working_days_left is not None
                and self.working_days_left <= AT_RISK_DAYS)


def reply_deadline(events: Sequence[ClockEvent], days: int, calendar: WorkdayCalendar,
                   today: dt.date) -> ReplyDeadline:
    """The deadline of a message whose log is ``events`` (in order) at ``today``."""
    starts = [e.on for e in events if e.kind in STARTS]
    if not starts:
        raise ValueError("a message's log starts with its receipt")
    started_on = starts[-1]
    due = add_working_days(calendar, started_on, days).value
    ends = [e.on for e in events if e.kind in ENDS]
    closed_on = ends[-1] if ends else None
    if closed_on is not None:
        return ReplyDeadline(started_on, days, due, closed_on, False, closed_on <= due, None)
    left = working_days_between(calendar, today, due).value
    return ReplyDeadline(started_on, days, due, None, today > due, None, left)
