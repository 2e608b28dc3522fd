"""Reminders before 31 January, once per stage; none for a published report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from gongkai.annual_reports.enums import ReportStatus
from gongkai.annual_reports.reminders import send_reminders, stage
from gongkai.core.enums import StaffRole
from gongkai.testing import CommandRunner, make_user

D = dt.date


@pytest.mark.parametrize(("today", "expected"), [
    (D(2026, 1, 5), None), (D(2026, 1, 11), "d20"), (D(2026, 1, 20), "d20"),
    (D(2026, 1, 21), "d10"), (D(2026, 1, 30), "d1"), (D(2026, 1, 31), "d1"),
    (D(2026, 2, 1), "late"),
])
def test_the_stage_follows_the_days_left(today, expected):
    assert stage(today, 2025, ReportStatus.DRAFT) == expected


def test_a_published_report_needs_no_reminder():
    assert stage(D(2026, 2, 5), 2025, ReportStatus.PUBLISHED) is None


@pytest.mark.django_db
def test_each_agency_is_reminded_once_per_stage(anshan):
    make_user("ar-boss", agency=anshan, role=StaffRole.ADMIN)
    first = send_reminders(D(2026, 1, 22))
    again = send_reminders(D(2026, 1, 23))
    assert first.sent >= 1 and again.sent == 0
    assert sum("鞍山市统计局" in m.subject for m in mail.outbox) == 1
    out, _err = CommandRunner("annual_report_reminders").run("--dry-run")
    assert "个单位" in out
