"""Registration: capacity, waiting list, cancellation by signed link, check-in, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from gongkai.core.enums import StaffRole
from gongkai.engagement import services
from gongkai.engagement.enums import RegistrationStatus
from gongkai.engagement.mail import cancel_url
from gongkai.engagement.models import Registration
from gongkai.engagement.tests.helpers import make_campaign, make_event
from gongkai.testing import make_user, refused

pytestmark = pytest.mark.django_db


def sign_up(event, n, **fields):
    return services.register(event_id=event.pk, name=f"报名人{n}",
                             email=fields.pop("email", f"p{n}@example.com"), **fields)


def test_it_confirms_until_capacity_then_puts_people_on_the_waiting_list(anshan):
    event = make_event(make_campaign(anshan), capacity=2)
    statuses = [sign_up(event, n).status for n in range(4)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 2


def test_cancelling_a_seat_promotes_the_first_on_the_waiting_list(anshan, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    event = make_event(make_campaign(anshan), capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up(event, 1)
        second = sign_up(event, 2)
        third = sign_up(event, 3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration_id=first.pk,
                                     token=services.cancellation_token(first))
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("confirmed", "waitlisted")
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [f"候补转为正式报名：{event.title}", f"已取消报名：{event.title}"]


def test_a_waitlisted_cancellation_promotes_nobody(anshan):
    event = make_event(make_campaign(anshan), capacity=1)
    sign_up(event, 1)
    waiting = sign_up(event, 2)
    third = sign_up(event, 3)
    services.cancel_registration(registration_id=waiting.pk,
                                 token=services.cancellation_token(waiting))
    third.refresh_from_db()
    assert third.status == "waitlisted"


def test_the_confirmation_mail_carries_a_cancel_link_that_works(client, anshan, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    event = make_event(make_campaign(anshan), capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(event, 1)
    assert len(mail.outbox) == 1 and "报名成功" in mail.outbox[0].subject
    link = cancel_url(registration)
    assert link in mail.outbox[0].body
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    registration.refresh_from_db()
    assert registration.status == "confirmed"  # a GET (a mail scanner) changes nothing
    client.post("/" + path)
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_a_cancel_link_cannot_be_guessed_or_used_for_someone_else(client, anshan):
    event = make_event(make_campaign(anshan), capacity=5)
    mine, theirs = sign_up(event, 1), sign_up(event, 2)
    my_token = services.cancellation_token(mine)
    url = reverse("engagement:cancel_registration", args=[theirs.pk, my_token])
    assert client.post(url).status_code == 404
    forged = reverse("engagement:cancel_registration", args=[theirs.pk, "0" * 48])
    assert client.post(forged).status_code == 404
    with pytest.raises(services.ServiceError):
        services.cancel_registration(registration_id=theirs.pk, token=my_token)
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_it_refuses_a_second_registration_with_the_same_phone(anshan):
    event = make_event(make_campaign(anshan))
    services.register(event_id=event.pk, name="张三", phone="13800000001")
    with pytest.raises(services.ServiceError):
        services.register(event_id=event.pk, name="张三", phone="138 0000 0001")


def test_it_refuses_registration_after_the_deadline(anshan):
    event = make_event(make_campaign(anshan),
                       registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(services.ServiceError):
        sign_up(event, 1)


def test_the_event_page_registers_and_keeps_what_was_typed_on_error(client, anshan):
    event = make_event(make_campaign(anshan), capacity=1)
    bad = client.post(event.url, {"name": "李四", "phone": "12", "organization": "某企业"})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert 'value="李四"' in html and 'value="某企业"' in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    ok = client.post(event.url, {"name": "李四", "phone": "13800000002"})
    assert ok.status_code == 200 and "报名成功" in ok.content.decode()
    full = client.post(event.url, {"name": "王五", "email": "w@example.com"})
    assert "候补名单" in full.content.decode()
    assert list(event.registrations.values_list("status", flat=True)) == [
        "confirmed", "waitlisted"]


def test_staff_check_in_confirmed_people_and_another_agency_cannot(client, anshan, haicheng):
    event = make_event(make_campaign(anshan), capacity=5)
    registration = sign_up(event, 1)
    outsider = make_user("hc-editor", agency=haicheng, role=StaffRole.EDITOR)
    client.force_login(outsider)
    url = reverse("engagement_admin:checkin", args=[event.pk])
    assert refused(client.get(url))
    assert refused(client.post(url, {"registration": registration.pk, "attended": "1"}))
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    client.force_login(make_user("as-editor", agency=anshan, role=StaffRole.EDITOR))
    page = client.get(url)
    assert page.status_code == 200 and "报名人1" in page.content.decode()
    client.post(url, {"registration": registration.pk, "attended": "1"})
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_reminders_are_claimed_once_per_registration(anshan, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    start = timezone.now() + dt.timedelta(days=3)
    event = make_event(make_campaign(anshan), capacity=1, starts_at=start)
    sign_up(event, 1)
    sign_up(event, 2)  # waitlisted: no reminder
    with time_machine.travel(start - dt.timedelta(hours=30), tick=False):
        assert services.claim_due_reminders() == 0
    with time_machine.travel(start - dt.timedelta(hours=20), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert services.claim_due_reminders() == 1
        assert services.claim_due_reminders() == 0
    assert [m.subject for m in mail.outbox] == [f"活动提醒：{event.title}"]


def test_a_failing_mail_server_does_not_lose_the_registration(anshan, settings,
                                                              django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "gongkai.engagement.tests.test_registration.BrokenBackend"
    event = make_event(make_campaign(anshan))
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(event, 1)
    assert Registration.objects.filter(pk=registration.pk, status="confirmed").exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_a_busy_database_keeps_the_form_and_stores_nothing(client, anshan, monkeypatch):
    from django.db import OperationalError

    event = make_event(make_campaign(anshan))

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "register", locked)
    response = client.post(event.url, {"name": "赵六", "phone": "13800000009"})
    assert response.status_code == 503
    assert "系统繁忙" in response.content.decode() and 'value="赵六"' in response.content.decode()
    assert not Registration.objects.exists()
