"""Reading 依申请公开 cases: the clock's facts from the event log, deadlines, the staff
queue (scoped to the user's agencies) and the applicant's tracking lookup."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from gongkai.core import tracking_codes
from gongkai.core.agencies import scope_to_user
from gongkai.core.models import Agency
from gongkai.core.selectors import load_calendar
from gongkai.core.workdays import WorkdayCalendar
from gongkai.info_requests.clock import CaseFacts, Deadlines, Event, compute_deadlines
from gongkai.info_requests.enums import CLOSED_STATUSES, EventKind
from gongkai.info_requests.models import (
    Application,
    ApplicationEvent,
    FeeRecord,
    Letter,
    OgiLitigationCase,
    OgiReviewCase,
    RequestSettings,
)

# Events that fix the receipt date; the clock takes that date as ``received_on`` and does not
# need the events themselves.
RECEIPT_KINDS = frozenset({EventKind.RECEIVED, EventKind.RECEIPT_CONFIRMED})

# The legal basis of each kind of event, as the tracking page prints it.
EVENT_BASIS: dict[str, str] = {
    EventKind.RECEIVED: "《条例》第二十九条、第三十一条",
    EventKind.RECEIPT_CONFIRMED: "《条例》第三十一条",
    EventKind.CORRECTION_REQUESTED: "《条例》第三十条",
    EventKind.CORRECTION_RECEIVED: "《条例》第三十条",
    EventKind.CORRECTION_LAPSED: "《条例》第三十条",
    EventKind.THIRD_PARTY_CONSULTATION_STARTED: "《条例》第三十二条",
    EventKind.THIRD_PARTY_CONSULTATION_ENDED: "《条例》第三十二条、第三十三条第三款",
    EventKind.AGENCY_CONSULTATION_STARTED: "《条例》第三十四条",
    EventKind.AGENCY_CONSULTATION_ENDED: "《条例》第三十四条、第三十三条第三款",
    EventKind.EXTENSION_APPROVED: "《条例》第三十三条第二款",
    EventKind.EXTENSION_NOTIFIED: "《条例》第三十三条第二款",
    EventKind.REASONS_REQUESTED: "《条例》第三十五条",
    EventKind.DELAYED_REPLY: "《条例》第三十五条",
    EventKind.FEE_NOTICE_SENT: "《条例》第四十二条、《政府信息公开信息处理费管理办法》",
    EventKind.FEE_PAID: "《政府信息公开信息处理费管理办法》",
    EventKind.FEE_DEADLINE_LAPSED: "《政府信息公开信息处理费管理办法》",
    EventKind.REPLIED: "《条例》第三十六条",
    EventKind.REPLIED_ON_THE_SPOT: "《条例》第三十三条第一款",
    EventKind.WITHDRAWN: "",
}


# --- The clock's input, in one place ---------------------------------------------------------


def receipt_from_events(events: Iterable[ApplicationEvent]) -> dt.date | None:
    """收到申请之日 from the log: the confirmation (第三十一条: signed for, or confirmed with
    the applicant), else the submission when it counts as receipt (``data["counts_as_receipt"]``
    on the ``received`` event: in person, 代为填写)."""
    received: dt.date | None = None
    for event in events:
        if event.kind == EventKind.RECEIPT_CONFIRMED:
            return event.on
        if event.kind == EventKind.RECEIVED and event.data.get("counts_as_receipt"):
            received = event.on
    return received


def case_facts(application: Application,
               events: Sequence[ApplicationEvent] | None = None) -> CaseFacts:
    """The clock's ``CaseFacts`` built from the application's event log (the only place
    that does this). ``events`` may be passed when already loaded (in log order)."""
    log = list(events) if events is not None else list(application.events.order_by("on", "id"))
    return CaseFacts(
        received_on=receipt_from_events(log),
        events=tuple(
            Event(EventKind(e.kind), e.on, e.data) for e in log if e.kind not in RECEIPT_KINDS
        ),
    )


def settings_for(application: Application) -> RequestSettings:
    return RequestSettings.for_agency(application.agency)


def deadlines(application: Application, now: dt.date, *, explain: bool = True,
              calendar: WorkdayCalendar | None = None,
              events: Sequence[ApplicationEvent] | None = None,
              agency_settings: RequestSettings | None = None) -> Deadlines:
    """``compute_deadlines`` for one application with its agency's settings."""
    config = agency_settings or settings_for(application)
    return compute_deadlines(
        case_facts(application, events),
        calendar or load_calendar(),
        now=now,
        convention=config.day_counting,  # type: ignore[arg-type]
        internal_target_days=config.internal_target_days,
        correction_period_days=config.correction_period_days,
        explain=explain,
    )


# --- Staff ---------------------------------------------------------------------------------------


def staff_applications(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Application]:
    """Every application of the user's agencies (none for anyone else)."""
    return scope_to_user(Application.objects.all(), user)


def application_for_staff(user: AbstractBaseUser | AnonymousUser, pk: int) -> Application | None:
    return staff_applications(user).filter(pk=pk).first()


@dataclass(frozen=True)
class QueueEntry:
    application: Application
    deadlines: Deadlines


def queue_for(user: AbstractBaseUser | AnonymousUser, now: dt.date, *,
              include_closed: bool = False) -> list[QueueEntry]:
    """The user's cases ordered by due date (earliest first; cases without a running period —
    awaiting confirmation or correction — last, oldest first), each with fresh deadlines."""
    applications = staff_applications(user).select_related("agency", "handler")
    if not include_closed:
        applications = applications.exclude(status__in=CLOSED_STATUSES)
    applications = applications.prefetch_related("events")
    calendar = load_calendar()
    config: dict[int, RequestSettings] = {}
    entries = []
    for application in applications:
        if application.agency_id not in config:
            config[application.agency_id] = settings_for(application)
        events = sorted(application.events.all(), key=lambda e: (e.on, e.pk))
        entries.append(QueueEntry(application, deadlines(
            application, now, explain=False, calendar=calendar, events=events,
            agency_settings=config[application.agency_id])))
    entries.sort(key=lambda e: (e.deadlines.due is None, e.deadlines.due or dt.date.max,
                                e.application.submitted_at))
    return entries


# --- The applicant ----------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8


def derive_code(idempotency_key: str) -> str:
    """The 查询码 of the application submitted with ``idempotency_key``: an HMAC of the key
    under SECRET_KEY, so a double-clicked submit shows the same code twice without the code
    ever being stored (only its keyed hash is, ``core.tracking_codes``)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"ysqgk-code:{idempotency_key}".encode(),
                      hashlib.sha256).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise_code(typed: str) -> str:
    return "".join(c for c in typed.upper() if c.isalnum())


def normalise_number(typed: str) -> str:
    return typed.strip().upper().replace("—", "-").replace("－", "-")


def track(number: str, code: str) -> Application | None:
    """The application with this number, if the code is its 查询码; None otherwise — the
    same None, after the same hashing work, whether or not the number exists."""
    application = (Application.objects.select_related("agency")
                   .filter(number=normalise_number(number)).first())
    ok = tracking_codes.code_matches(normalise_code(code),
                                     application.code_hash if application else None)
    return application if application is not None and ok else None


@dataclass(frozen=True)
class PublicEvent:
    on: dt.date
    label: str
    basis: str


def public_events(application: Application) -> list[PublicEvent]:
    """The log as the applicant sees it: what happened, when, on which basis (no notes,
    no staff names, no data)."""
    return [
        PublicEvent(e.on, str(EventKind(e.kind).label), EVENT_BASIS.get(e.kind, ""))
        for e in application.events.order_by("on", "id")
    ]


def sent_letters(application: Application) -> list[Letter]:
    """The 告知书 the applicant has been sent (the reply letter among them), in order — what
    the tracking page shows under the 查询码. Drafts stay with staff."""
    return list(application.letters.filter(sent_at__isnull=False).order_by("sent_at", "id"))


# --- The annual report's table 三 and 四 (gongkai.annual_reports reads these) ----------------
#
# An application counts from its 收到申请之日 (``received_on``; one not yet received is not
# counted) to its 办结日期 (``closed_on``). For a year Y: new = received in Y; carried in =
# received before Y and not closed before Y; an outcome row = closed in Y; carried out =
# received by 31 December Y and not closed by then. So R1 (一+二 = 三（七）+四) and X1 (this
# year's 二 = last year's 四) hold by construction.


def report_applications(agency: Agency) -> QuerySet[Application]:
    return Application.objects.filter(agency=agency, received_on__isnull=False)


def received_in(queryset: QuerySet[Application], year: int) -> QuerySet[Application]:
    return queryset.filter(received_on__year=year)


def carried_into(queryset: QuerySet[Application], year: int) -> QuerySet[Application]:
    start = dt.date(year, 1, 1)
    return queryset.filter(received_on__lt=start).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start))


def closed_in(queryset: QuerySet[Application], year: int) -> QuerySet[Application]:
    """Applications that ended in the year (with their outcome; a case closed without one —
    withdrawn — counts as （六）3.其他)."""
    return queryset.filter(closed_on__year=year)


def carried_out_of(queryset: QuerySet[Application], year: int) -> QuerySet[Application]:
    end = dt.date(year, 12, 31)
    return queryset.filter(received_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=end))


def fees_paid_in(agency: Agency, year: int) -> QuerySet[FeeRecord]:
    """信息处理费 actually collected in the year (a notice not paid is not income)."""
    return FeeRecord.objects.filter(application__agency=agency, paid_on__year=year)


def remedy_cases_in(model: type[OgiReviewCase] | type[OgiLitigationCase], agency: Agency,
                    year: int) -> QuerySet[Any]:
    """Cases counted in year Y's table 四: filed in Y, plus earlier cases concluded in Y (so
    every result is counted once). A case without a result by 31 December is 尚未审结."""
    return model.objects.filter(agency=agency).filter(
        Q(filed_on__year=year) | Q(filed_on__year__lt=year, concluded_on__year=year))


def year_counts(agency: Agency, year: int) -> list[dict[str, Any]]:
    """The four counts above in one pass over the year's applications, per applicant type
    and outcome: rows of ``applicant_type``, ``outcome``, ``new``, ``carried_in``,
    ``closed``, ``carried_out`` (the same definitions as ``received_in`` … ``carried_out_of``;
    a test checks that they agree)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    open_at_end = Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    return list(
        report_applications(agency)
        .filter(received_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .order_by().values("applicant_type", "outcome")
        .annotate(new=Count("id", filter=Q(received_on__gte=start)),
                  carried_in=Count("id", filter=Q(received_on__lt=start)),
                  closed=Count("id", filter=Q(closed_on__lte=end)),
                  carried_out=Count("id", filter=open_at_end))
    )
