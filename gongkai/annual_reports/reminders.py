"""Reminders for the annual report due on 31 January (《条例》第四十九条).

``stage(today, year, status)`` is pure: which reminder an unpublished report needs today —
in January at 20, 10, 5 and 1 day(s) before the due date (as days pass, the nearest stage
not yet sent), and once when it becomes late. Mails go to the agency's 审核发布 and 单位管理员
staff, at most once per agency, year and stage (the mail outbox's key, then
``ReportReminder``), so running the command many times a day — or a run killed mid-send —
repeats nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from gongkai.annual_reports import selectors
from gongkai.annual_reports.enums import ReportStatus
from gongkai.annual_reports.models import AnnualReport, ReportReminder, due_date
from gongkai.core import mail
from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency

STAGES_BEFORE = (20, 10, 5, 1)  # days before the due date
LATE = "late"


def stage(today: dt.date, year: int, status: ReportStatus) -> str | None:
    if status == ReportStatus.PUBLISHED:
        return None
    due = due_date(year)
    if today > due:
        return LATE
    left = (due - today).days
    passed = [d for d in STAGES_BEFORE if left <= d]
    return f"d{min(passed)}" if passed else None


@dataclass(frozen=True)
class Planned:
    agency: Agency
    stage: str
    status: ReportStatus
    recipients: tuple[str, ...]


@dataclass
class Summary:
    planned: list[Planned] = field(default_factory=list)
    sent: int = 0
    already_sent: int = 0


def recipients(agency: Agency) -> tuple[str, ...]:
    users = get_user_model().objects.filter(
        agency_memberships__agency=agency, is_active=True,
        agency_memberships__role__in=[StaffRole.APPROVER, StaffRole.ADMIN],
    ).exclude(email="").distinct()
    return tuple(sorted(u.email for u in users))


def _message(agency: Agency, year: int, stage_: str, status: ReportStatus) -> tuple[str, str]:
    due = due_date(year)
    if stage_ == LATE:
        subject = f"【逾期】{agency.name}{year}年政府信息公开工作年度报告尚未发布"
    else:
        subject = (f"【提醒】{agency.name}{year}年政府信息公开工作年度报告"
                   f"应于{due.year}年{due.month}月{due.day}日前发布")
    body = (f"{subject}。\n当前状态：{status.label}。\n"
            "依据《中华人民共和国政府信息公开条例》第四十九条，县级以上人民政府部门应当在每年"
            "1月31日前公布本机关上一年度政府信息公开工作年度报告。\n"
            "请登录管理后台“年度报告”生成、校验并发布。")
    return subject, body


def send_reminders(today: dt.date | None = None, *, dry_run: bool = False) -> Summary:
    today = today or timezone.localdate()
    year = today.year - 1
    summary = Summary()
    reports = {r.agency_id: r for r in AnnualReport.objects.filter(year=year)}
    for agency in Agency.objects.order_by("sort_order", "pk"):
        status = selectors.board_status(reports.get(agency.pk), year, today)
        found = stage(today, year, status)
        if found is None:
            continue
        if ReportReminder.objects.filter(agency=agency, year=year, stage=found).exists():
            summary.already_sent += 1
            continue
        planned = Planned(agency, found, status, recipients(agency))
        summary.planned.append(planned)
        if dry_run:
            continue
        outcome = mail.MailOutcome.SENT
        if planned.recipients:
            subject, body = _message(agency, year, found, status)
            outcome = mail.send_once(
                f"nb-reminder:{agency.pk}:{year}:{found}",
                mail.prepared(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL,
                                           list(planned.recipients)))).outcome
        if outcome == mail.MailOutcome.IN_PROGRESS:  # another run is sending it
            summary.already_sent += 1
            continue
        with transaction.atomic():
            _record, created = ReportReminder.objects.get_or_create(
                agency=agency, year=year, stage=found,
                defaults={"sent_at": timezone.now(), "recipients": len(planned.recipients)})
        if created and outcome == mail.MailOutcome.SENT:
            summary.sent += 1
        else:
            summary.already_sent += 1
    return summary
