"""E-mail reminders about 留言 due soon or overdue (``gongkai consultation_reminders``).

Run by ``gongkai periodic`` (every minute) and idempotent: one mail per message per day,
sent once through the mail outbox (``gongkai.core.mail``) and then recorded in
``ReminderSent``. Mails go to the
agency's staff (信息编辑 role) and carry the 留言编号, type and dates only — never the
writer's name, contacts or text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from gongkai.consultations import selectors
from gongkai.consultations.clock import ReplyDeadline
from gongkai.consultations.enums import CLOSED_STATUSES, Kind
from gongkai.consultations.models import ConsultationSettings, Message, ReminderSent
from gongkai.core import mail
from gongkai.core.enums import StaffRole
from gongkai.core.selectors import load_calendar
from gongkai.core.workdays import WorkdayCalendar


@dataclass(frozen=True)
class Reminder:
    message: Message
    overdue: bool
    deadline: ReplyDeadline
    recipients: tuple[str, ...]


def needs_reminder(deadline: ReplyDeadline) -> bool:
    """Pure: open and overdue, or at most one working day left."""
    return deadline.closed_on is None and (deadline.overdue or deadline.at_risk)


def recipients_for(message: Message) -> tuple[str, ...]:
    users = get_user_model().objects.filter(
        is_active=True, agency_memberships__agency=message.agency,
        agency_memberships__role=StaffRole.EDITOR,
    ).exclude(email="").values_list("email", flat=True)
    return tuple(sorted(set(users)))


def due_reminders(today: dt.date, *, calendar: WorkdayCalendar | None = None) -> list[Reminder]:
    calendar = calendar or load_calendar()
    config: dict[int, ConsultationSettings] = {}
    found = []
    for message in (Message.objects.exclude(status__in=CLOSED_STATUSES)
                    .select_related("agency").prefetch_related("events")):
        if message.agency_id not in config:
            config[message.agency_id] = ConsultationSettings.for_agency(message.agency)
        events = sorted(message.events.all(), key=lambda e: (e.on, e.pk))
        result = selectors.deadline(message, today, calendar=calendar, events=events,
                                    config=config[message.agency_id])
        if needs_reminder(result):
            found.append(Reminder(message, result.overdue, result, recipients_for(message)))
    found.sort(key=lambda r: (r.deadline.due, r.message.number))
    return found


def mail_text(reminder: Reminder) -> tuple[str, str]:
    message, result = reminder.message, reminder.deadline
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "consultations_admin:message", args=[message.pk])
    tag = "已超期" if reminder.overdue else "即将到期"
    subject = f"【{tag}】{Kind(message.kind).label}留言 {message.number}"
    body = (f"{message.agency.name}：\n\n{Kind(message.kind).label}留言 {message.number} "
            f"的答复期限为{result.due.isoformat()}（{result.days}个工作日），{tag}。\n"
            f"办理页面：{url}\n\n本邮件由系统自动发送，每条留言每天最多提醒一次。")
    return subject, body


@dataclass
class RunSummary:
    sent: int = 0
    already_sent: int = 0
    no_recipient: int = 0
    planned: list[Reminder] = field(default_factory=list)


def send_reminders(today: dt.date, *, dry_run: bool = False) -> RunSummary:
    summary = RunSummary()
    for reminder in due_reminders(today):
        if ReminderSent.objects.filter(message=reminder.message, on=today).exists():
            summary.already_sent += 1
            continue
        if not reminder.recipients:
            summary.no_recipient += 1
            continue
        summary.planned.append(reminder)
        if dry_run:
            continue
        subject, body = mail_text(reminder)
        # The mail outbox sends each (message, day) once, even when a run dies mid-send or
        # two runs overlap; ReminderSent then records it.
        result = mail.send_once(
            f"hdjl-reminder:{reminder.message.pk}:{today.isoformat()}",
            mail.prepared(EmailMessage(subject, body, None, list(reminder.recipients))))
        if result.outcome == mail.MailOutcome.IN_PROGRESS:  # a parallel run is sending it
            summary.already_sent += 1
            continue
        with transaction.atomic():
            ReminderSent.objects.get_or_create(
                message=reminder.message, on=today,
                defaults={"kind": "overdue" if reminder.overdue else "due_soon"})
        if result.outcome == mail.MailOutcome.SENT:
            summary.sent += 1
        else:
            summary.already_sent += 1
    return summary
