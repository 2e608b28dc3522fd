"""Read functions of 互动交流: the one public-visibility filter, deadlines, tracking and the
figures the annual report and the dashboard use."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from gongkai.consultations.clock import ClockEvent, ReplyDeadline, reply_deadline
from gongkai.consultations.enums import PUBLIC_EVENTS, EventKind, Rating, Status
from gongkai.consultations.models import (
    ConsultationSettings,
    FaqEntry,
    Message,
    MessageEvent,
    ReportEntry,
    ViolationReport,
)
from gongkai.core import tracking_codes
from gongkai.core.agencies import scope_to_user
from gongkai.core.models import Agency
from gongkai.core.selectors import load_calendar
from gongkai.core.workdays import WorkdayCalendar

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8


# --- What the public may see (every channel filters through these) ------------------------------


def public_messages(now: dt.datetime | None = None) -> QuerySet[Message]:
    """Published exchanges: replied, the writer consented, published (not withdrawn) by now."""
    return (Message.objects.filter(status=Status.REPLIED, publish_consent=True,
                                   published_at__isnull=False,
                                   published_at__lte=now or timezone.now())
            .select_related("agency").order_by("-replied_on", "-id"))


def public_faq() -> QuerySet[FaqEntry]:
    return FaqEntry.objects.filter(is_public=True).select_related("agency")


# --- Deadlines ----------------------------------------------------------------------------------


def clock_events(events: list[MessageEvent]) -> list[ClockEvent]:
    return [ClockEvent(e.kind, e.on) for e in events]


def deadline(message: Message, today: dt.date, *, calendar: WorkdayCalendar | None = None,
             events: list[MessageEvent] | None = None,
             config: ConsultationSettings | None = None) -> ReplyDeadline:
    log = events if events is not None else list(message.events.order_by("on", "id"))
    days = (config or ConsultationSettings.for_agency(message.agency)).reply_days(message.kind)
    return reply_deadline(clock_events(log), days, calendar or load_calendar(), today)


# --- Staff ---------------------------------------------------------------------------------------


def staff_messages(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Message]:
    return scope_to_user(Message.objects.select_related("agency"), user)


def staff_reports(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ViolationReport]:
    return scope_to_user(ViolationReport.objects.select_related("agency"), user)


# --- The writer / the reporter -------------------------------------------------------------------


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise_code(typed: str) -> str:
    return "".join(c for c in typed.upper() if c.isalnum())


def normalise_number(typed: str) -> str:
    return typed.strip().upper().replace("—", "-").replace("－", "-")


def track_message(number: str, code: str) -> Message | None:
    message = (Message.objects.select_related("agency")
               .filter(number=normalise_number(number)).first())
    ok = tracking_codes.code_matches(normalise_code(code),
                                     message.code_hash if message else None)
    return message if message is not None and ok else None


def track_report(number: str, code: str) -> ViolationReport | None:
    report = (ViolationReport.objects.select_related("agency")
              .filter(number=normalise_number(number)).first())
    ok = tracking_codes.code_matches(normalise_code(code),
                                     report.code_hash if report else None)
    return report if report is not None and ok else None


@dataclass(frozen=True)
class PublicEvent:
    on: dt.date
    label: str
    text: str


def public_events(message: Message) -> list[PublicEvent]:
    """The log as the writer sees it: no notes, no staff names, no internal steps."""
    return [PublicEvent(e.on, str(EventKind(e.kind).label), e.public_text)
            for e in message.events.order_by("on", "id") if e.kind in PUBLIC_EVENTS]


def reporter_entries(report: ViolationReport) -> list[ReportEntry]:
    """Only what is meant for the reporter."""
    return list(report.entries.filter(to_reporter=True).order_by("created_at", "id"))


# --- Figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationFigures:
    """One agency's 互动交流 in one year (for the annual report's narrative and the dashboard).

    ``received``: messages the agency received that year (forwarded-in ones included, counted
    by the agency now handling them); ``answered_on_time`` / ``answered_late``: of those,
    closed (replied or 不予受理) within / after the reply period; ``open_overdue``: still open
    and past the period at ``as_of``; ratings as counted."""

    agency_id: int
    year: int
    received: int
    answered: int
    answered_on_time: int
    answered_late: int
    open: int
    open_overdue: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied

    @property
    def satisfaction_rate(self) -> float | None:
        """(满意 + 基本满意) / 评价数, or None with no rating."""
        if not self.rated:
            return None
        return (self.satisfied + self.basically_satisfied) / self.rated

    @property
    def on_time_rate(self) -> float | None:
        return self.answered_on_time / self.answered if self.answered else None


def consultation_figures(agency: Agency, year: int, *, as_of: dt.date | None = None,
                         calendar: WorkdayCalendar | None = None) -> ConsultationFigures:
    today = as_of or timezone.localdate()
    calendar = calendar or load_calendar()
    config = ConsultationSettings.for_agency(agency)
    messages = list(Message.objects.filter(agency=agency, year=year)
                    .prefetch_related("events"))
    counts: Counter[str] = Counter()
    for message in messages:
        events = sorted(message.events.all(), key=lambda e: (e.on, e.pk))
        result = deadline(message, today, calendar=calendar, events=events, config=config)
        if result.closed_on is not None:
            counts["answered"] += 1
            counts["on_time" if result.on_time else "late"] += 1
        else:
            counts["open"] += 1
            counts["open_overdue"] += int(result.overdue)
        if message.rating:
            counts[message.rating] += 1
    return ConsultationFigures(
        agency_id=agency.pk, year=year, received=len(messages), answered=counts["answered"],
        answered_on_time=counts["on_time"], answered_late=counts["late"], open=counts["open"],
        open_overdue=counts["open_overdue"], satisfied=counts[Rating.SATISFIED],
        basically_satisfied=counts[Rating.BASICALLY_SATISFIED],
        unsatisfied=counts[Rating.UNSATISFIED])


@dataclass(frozen=True)
class RatingSummary:
    satisfied: int
    basically_satisfied: int
    unsatisfied: int

    @property
    def total(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied


def rating_summary(agency: Agency) -> RatingSummary:
    """The ratings of the agency's replies, all years (shown on its public page)."""
    counts = Counter(Message.objects.filter(agency=agency).exclude(rating="")
                     .values_list("rating", flat=True))
    return RatingSummary(counts[Rating.SATISFIED], counts[Rating.BASICALLY_SATISFIED],
                         counts[Rating.UNSATISFIED])
