"""E-mail reminders before and after the answer deadline (``gongkai request_reminders``).

Once a day (cron), for every open case whose answer period runs: overdue → “已超期”; due
within ``AT_RISK_DAYS`` working days, or past the agency's shorter internal target →
“即将到期”. The mail goes to the case's handler, or — when nobody is assigned — to the
agency's staff with the 信息编辑 role. One mail per case per day: the mail outbox
(``gongkai.core.mail``, key ``ysqgk-reminder:<case>:<day>``) sends it once, then
``ReminderSent`` records it, so a second run the same day never repeats it, and a run killed
mid-send is retried with the same Message-ID. Mails carry the 申请编号, status and dates only:
never the applicant's name, ID number, address or request text.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from gongkai.core import mail
from gongkai.core.enums import StaffRole
from gongkai.core.selectors import load_calendar
from gongkai.core.workdays import WorkdayCalendar
from gongkai.info_requests import selectors
from gongkai.info_requests.clock import AT_RISK_DAYS, Deadlines
from gongkai.info_requests.enums import CLOSED_STATUSES
from gongkai.info_requests.models import Application, RequestSettings
from gongkai.info_requests.models_publication import ReminderSent


class ReminderKind(enum.StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"


@dataclass(frozen=True)
class Reminder:
    application: Application
    kind: ReminderKind
    deadlines: Deadlines
    recipients: tuple[str, ...]


def reminder_kind(deadlines: Deadlines, today: dt.date) -> ReminderKind | None:
    """Pure: whether a case needs a reminder today, and which."""
    if deadlines.due is None or deadlines.closed_on is not None:
        return None
    if deadlines.overdue:
        return ReminderKind.OVERDUE
    if deadlines.at_risk or (deadlines.working_days_left is not None
                             and deadlines.working_days_left <= AT_RISK_DAYS):
        return ReminderKind.DUE_SOON
    if deadlines.internal_target is not None and today >= deadlines.internal_target:
        return ReminderKind.DUE_SOON
    return None


def recipients_for(application: Application) -> tuple[str, ...]:
    """The handler's address, else those of the agency's editors (sorted, no blanks)."""
    handler = application.handler
    if handler is not None and handler.is_active and handler.email:
        return (handler.email,)
    users = get_user_model().objects.filter(
        is_active=True, agency_memberships__agency=application.agency,
        agency_memberships__role=StaffRole.EDITOR,
    ).exclude(email="").values_list("email", flat=True)
    return tuple(sorted(set(users)))


def due_reminders(today: dt.date, *, calendar: WorkdayCalendar | None = None
                  ) -> list[Reminder]:
    """Every reminder due today (before the once-a-day filter), earliest due date first."""
    calendar = calendar or load_calendar()
    config: dict[int, RequestSettings] = {}
    found: list[Reminder] = []
    open_cases = (Application.objects.exclude(status__in=CLOSED_STATUSES)
                  .select_related("agency", "handler").prefetch_related("events"))
    for application in open_cases:
        if application.agency_id not in config:
            config[application.agency_id] = RequestSettings.for_agency(application.agency)
        events = sorted(application.events.all(), key=lambda e: (e.on, e.pk))
        result = selectors.deadlines(application, today, explain=False, calendar=calendar,
                                     events=events,
                                     agency_settings=config[application.agency_id])
        kind = reminder_kind(result, today)
        if kind is not None:
            found.append(Reminder(application, kind, result, recipients_for(application)))
    found.sort(key=lambda r: (r.deadlines.due or dt.date.max, r.application.number))
    return found


def message(reminder: Reminder) -> tuple[str, str]:
    """Subject and body (Chinese). Only the number, status and dates: nothing personal."""
    application, result = reminder.application, reminder.deadlines
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    url = base + reverse("info_requests_admin:case", args=[application.pk])
    due = result.due.isoformat() if result.due else ""
    if reminder.kind == ReminderKind.OVERDUE:
        subject = f"【已超期】政府信息公开申请 {application.number}"
        state = f"已超过答复期限（{due}）{result.working_days_overdue}个工作日"
    else:
        subject = f"【即将到期】政府信息公开申请 {application.number}"
        state = f"答复期限为{due}，剩余{result.working_days_left}个工作日"
    body = (
        f"{application.agency.name}：\n\n"
        f"政府信息公开申请 {application.number}（{result.status.label}）{state}。\n"
        "请及时办理（《中华人民共和国政府信息公开条例》第三十三条）。\n\n"
        f"办理页面：{url}\n\n本邮件由系统自动发送，每件申请每天最多提醒一次。"
    )
    return subject, body


@dataclass
class RunSummary:
    sent: int = 0
    already_sent: int = 0
    no_recipient: int = 0
    planned: list[Reminder] = field(default_factory=list)


def send_reminders(today: dt.date, *, dry_run: bool = False,
                   reminders: Iterable[Reminder] | None = None) -> RunSummary:
    """Send today's reminders once. ``dry_run`` sends and records nothing."""
    summary = RunSummary()
    for reminder in (reminders if reminders is not None else due_reminders(today)):
        if ReminderSent.objects.filter(application=reminder.application, on=today).exists():
            summary.already_sent += 1
            continue
        if not reminder.recipients:
            summary.no_recipient += 1
            continue
        summary.planned.append(reminder)
        if dry_run:
            continue
        subject, body = message(reminder)
        # The mail outbox sends each (case, day) once, even when a run dies mid-send or two
        # runs overlap; ReminderSent then records it for the reports.
        result = mail.send_once(
            f"ysqgk-reminder:{reminder.application.pk}:{today.isoformat()}",
            mail.prepared(EmailMessage(subject, body, None, list(reminder.recipients))))
        if result.outcome == mail.MailOutcome.IN_PROGRESS:  # a parallel run is sending it
            summary.already_sent += 1
            continue
        with transaction.atomic():
            ReminderSent.objects.get_or_create(
                application=reminder.application, on=today,
                defaults={"kind": reminder.kind.value, "recipients": len(reminder.recipients)})
        if result.outcome == mail.MailOutcome.SENT:
            summary.sent += 1
        else:
            summary.already_sent += 1
    return summary
