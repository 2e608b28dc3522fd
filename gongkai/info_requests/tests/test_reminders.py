"""Reminders before and after the answer deadline (``gongkai request_reminders``)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from gongkai.core.enums import StaffRole
from gongkai.info_requests import reminders, services
from gongkai.info_requests.clock import Deadlines
from gongkai.info_requests.enums import Channel, Status
from gongkai.info_requests.models import RequestSettings
from gongkai.info_requests.models_publication import ReminderSent
from gongkai.info_requests.reminders import ReminderKind, reminder_kind
from gongkai.info_requests.tests.helpers import ADDRESS, VALID_ID, person
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db

D = dt.date
NOW = dt.datetime(2024, 10, 10, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(anshan):
    return make_user("rem-editor", agency=anshan, role=StaffRole.EDITOR)


def case(agency, by, on):
    return services.register_offline_application(
        person(), agency=agency, channel=Channel.IN_PERSON, submitted_on=on, by=by).application


@pytest.mark.parametrize(("fields", "expected"), [
    ({"due": D(2024, 10, 9), "overdue": True}, ReminderKind.OVERDUE),
    ({"due": D(2024, 10, 14), "at_risk": True, "working_days_left": 2}, ReminderKind.DUE_SOON),
    ({"due": D(2024, 11, 6), "working_days_left": 18}, None),
    ({"due": D(2024, 11, 6), "working_days_left": 18, "internal_target": D(2024, 10, 10)},
     ReminderKind.DUE_SOON),
    ({"due": None}, None),
    ({"due": D(2024, 10, 9), "overdue": True, "closed_on": D(2024, 10, 1)}, None),
])
def test_which_cases_get_a_reminder(fields, expected):
    deadlines = Deadlines(status=Status.IN_PROGRESS, **fields)
    assert reminder_kind(deadlines, D(2024, 10, 10)) == expected


def test_overdue_and_due_soon_cases_are_mailed_once_a_day_without_personal_data(
        anshan, staff):
    handler = make_user("rem-handler", agency=anshan, role=StaffRole.EDITOR)
    overdue = case(anshan, staff, D(2024, 8, 1))
    soon = case(anshan, staff, D(2024, 9, 10))
    case(anshan, staff, D(2024, 10, 9))  # not yet
    services.assign(soon, handler, by=staff)
    out = io.StringIO()
    call_command("request_reminders", stdout=out)
    assert len(mail.outbox) == 2
    by_number = {m.subject.split()[-1]: m for m in mail.outbox}
    assert "【已超期】" in by_number[overdue.number].subject
    assert by_number[soon.number].to == [handler.email]
    assert sorted(by_number[overdue.number].to) == sorted([staff.email, handler.email])
    for app in (overdue, soon):
        message = by_number[app.number]
        assert "张三" not in message.body and VALID_ID not in message.body
        assert ADDRESS not in message.body and "统计公报" not in message.body
        assert f"/admin/info-requests/{app.pk}/" in message.body
    call_command("request_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 2  # idempotent for the day
    assert ReminderSent.objects.count() == 2
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        call_command("request_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 4  # the next day again


def test_a_dry_run_sends_and_records_nothing(anshan, staff):
    overdue = case(anshan, staff, D(2024, 8, 1))
    out = io.StringIO()
    call_command("request_reminders", "--dry-run", stdout=out)
    assert overdue.number in out.getvalue() and "将发送 1 件" in out.getvalue()
    assert not mail.outbox and not ReminderSent.objects.exists()


def test_the_internal_target_brings_the_reminder_forward(anshan, staff):
    RequestSettings.objects.create(agency=anshan, internal_target_days=5)
    early = case(anshan, staff, D(2024, 9, 27))  # statutory due 2024-10-30
    assert [r.application for r in reminders.due_reminders(D(2024, 10, 10))] == [early]


def test_closed_cases_and_agencies_without_recipients_get_nothing(anshan, haicheng, staff):
    closed = case(anshan, staff, D(2024, 8, 1))
    services.withdraw(closed, D(2024, 10, 9), by=staff)
    haicheng_staff = make_user("rem-haicheng", agency=haicheng, role=StaffRole.APPROVER)
    case(haicheng, haicheng_staff, D(2024, 8, 1))  # overdue, but no editor to mail
    summary = reminders.send_reminders(D(2024, 10, 10))
    assert summary.sent == 0 and summary.no_recipient == 1 and not mail.outbox
