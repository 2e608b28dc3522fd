"""Models, services and selectors of 依申请公开: numbers and codes, the event log, the
第三十一条 receipt rule, status transitions, deadlines from the log, agency scoping and
personal data kept out of logs, audit entries and e-mails."""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from gongkai.core.enums import StaffRole
from gongkai.core.models import AuditLogEntry
from gongkai.core.selectors import load_calendar
from gongkai.info_requests import selectors, services
from gongkai.info_requests.clock import CaseFacts, Event, compute_deadlines, receipt_date
from gongkai.info_requests.enums import (
    LETTER_KIND_CHOICES,
    Channel,
    DayCounting,
    EventKind,
    IdType,
    LetterKind,
    Outcome,
    Status,
)
from gongkai.info_requests.models import (
    Application,
    ApplicationEvent,
    FeeRecord,
    RequestSettings,
)
from gongkai.info_requests.services import ServiceError
from gongkai.info_requests.tests.helpers import ADDRESS, TODAY, VALID_ID, organisation, person
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db

K = EventKind
D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2024, 10, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def staff(anshan):
    return make_user("ysq-editor", agency=anshan, role=StaffRole.EDITOR)


@pytest.fixture
def head(anshan):
    return make_user("ysq-head", agency=anshan, role=StaffRole.APPROVER)


SEPT_27 = D(2024, 9, 27)


def in_person(agency, by, on=SEPT_27, **fields):
    return services.register_offline_application(
        person(**fields), agency=agency, channel=Channel.IN_PERSON, submitted_on=on, by=by
    ).application


# --- Submission ------------------------------------------------------------------------------


def test_an_online_submission_gets_a_number_and_a_code_stored_only_as_a_hash(
        anshan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sub = services.submit_application(person(), agency=anshan, idempotency_key="k1")
    app = sub.application
    assert sub.created
    assert re.fullmatch(r"YSQ-ANSHAN-2024-\d{5}", app.number)
    assert re.fullmatch(r"[A-Z2-9]{8}", sub.code)
    assert sub.code not in app.code_hash
    assert selectors.track(app.number, sub.code) == app
    assert selectors.track(app.number, selectors.format_code(sub.code).lower()) == app
    assert app.status == Status.AWAITING_CONFIRMATION
    assert app.received_on is None
    assert [e.kind for e in app.events.all()] == [K.RECEIVED]
    assert str(app) == app.number


def test_numbers_count_up_per_agency_and_year(anshan, haicheng):
    a1 = services.submit_application(person(), agency=anshan, idempotency_key="a1").application
    a2 = services.submit_application(person(), agency=anshan, idempotency_key="a2").application
    h1 = services.submit_application(person(), agency=haicheng, idempotency_key="h1").application
    assert a2.serial == a1.serial + 1
    assert h1.number.startswith("YSQ-HAICHENG-2024-")


def test_an_organisation_can_apply_without_an_id_number(anshan):
    app = services.submit_application(organisation(), agency=anshan,
                                      idempotency_key="org").application
    assert app.is_organization
    assert app.applicant_type == "research_institution"
    assert app.id_number == ""


def test_a_repeated_submit_returns_the_same_application_and_code(anshan):
    first = services.submit_application(person(), agency=anshan, idempotency_key="same")
    second = services.submit_application(person(name="李四"), agency=anshan,
                                         idempotency_key="same")
    assert not second.created
    assert second.application.pk == first.application.pk
    assert second.code == first.code
    assert Application.objects.filter(agency=anshan).count() == 1


@pytest.mark.parametrize("bad", [
    {"id_number": VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")},
    {"id_number": ""},
    {"description": " "},
])
def test_the_service_refuses_what_must_never_be_wrong(anshan, bad):
    with pytest.raises(ServiceError):
        services.submit_application(person(**bad), agency=anshan, idempotency_key="bad")
    assert not Application.objects.filter(idempotency_key="bad").exists()


def test_other_id_types_are_accepted_as_typed(anshan):
    app = services.submit_application(person(id_type=IdType.PASSPORT, id_number="E12345678"),
                                      agency=anshan, idempotency_key="pp").application
    assert app.id_number == "E12345678"
    assert app.masked_id_number == "E1*****78"


def test_the_id_number_and_address_are_masked_for_display(anshan):
    app = services.submit_application(person(), agency=anshan, idempotency_key="m").application
    assert app.masked_id_number == VALID_ID[:4] + "*" * 10 + VALID_ID[-4:]
    assert app.masked_address.startswith(ADDRESS[:6]) and ADDRESS[6:] not in app.masked_address


# --- Receipt (第三十一条) -------------------------------------------------------------------------


@pytest.mark.parametrize(("channel", "signed_on", "received"), [
    (Channel.IN_PERSON, None, D(2024, 9, 27)),
    (Channel.ORAL_IN_PERSON, None, D(2024, 9, 27)),
    (Channel.PHONE, None, D(2024, 9, 27)),
    (Channel.REGISTERED_POST, None, None),
    (Channel.REGISTERED_POST, D(2024, 9, 30), D(2024, 9, 30)),
    (Channel.ORDINARY_LETTER, None, None),
    (Channel.FAX, None, None),
    (Channel.EMAIL, None, None),
])
def test_the_receipt_date_follows_the_channel(anshan, staff, channel, signed_on, received):
    app = services.register_offline_application(
        person(), agency=anshan, channel=channel, submitted_on=D(2024, 9, 27), by=staff,
        signed_on=signed_on).application
    assert app.received_on == received
    assert received == receipt_date(channel, submitted_on=D(2024, 9, 27), signed_on=signed_on)
    assert app.status == (Status.AWAITING_CONFIRMATION if received is None
                          else Status.IN_PROGRESS)


def test_confirming_receipt_starts_the_clock(anshan, staff):
    app = services.submit_application(
        person(), agency=anshan, idempotency_key="c",
        now=dt.datetime(2024, 10, 7, 20, 0, tzinfo=dt.UTC)).application  # 10-08 in Beijing
    services.confirm_receipt(app, D(2024, 10, 8), by=staff)
    app.refresh_from_db()
    assert app.received_on == D(2024, 10, 8)
    assert app.status == Status.IN_PROGRESS
    assert app.due_on == selectors.deadlines(app, TODAY).due
    with pytest.raises(ServiceError):
        services.confirm_receipt(app, D(2024, 10, 9), by=staff)


def test_receipt_cannot_be_confirmed_in_the_future_or_before_submission(anshan, staff):
    app = services.submit_application(person(), agency=anshan, idempotency_key="f").application
    for day in (D(2024, 10, 11), D(2024, 10, 9)):
        with pytest.raises(ServiceError):
            services.confirm_receipt(app, day, by=staff)


def test_online_applications_cannot_be_registered_by_staff(anshan, staff):
    with pytest.raises(ServiceError):
        services.register_offline_application(person(), agency=anshan, channel=Channel.ONLINE,
                                              submitted_on=TODAY, by=staff)


# --- The event log ---------------------------------------------------------------------------


def test_events_are_append_only(anshan, staff):
    app = in_person(anshan, staff)
    event = app.events.get()
    event.note = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        ApplicationEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(ValidationError):
        ApplicationEvent.objects.filter(pk=event.pk).delete()
    assert ApplicationEvent.objects.get(pk=event.pk).note == ""


def test_a_correction_restarts_the_clock_and_the_status_follows_the_log(anshan, staff):
    app = in_person(anshan, staff)
    services.record_event(app, K.CORRECTION_REQUESTED, D(2024, 9, 30), {"period_days": 5},
                          by=staff)
    app.refresh_from_db()
    assert (app.status, app.due_on) == (Status.AWAITING_CORRECTION, None)
    services.record_event(app, K.CORRECTION_RECEIVED, D(2024, 10, 8), by=staff)
    app.refresh_from_db()
    assert app.status == Status.IN_PROGRESS
    assert app.due_on == D(2024, 11, 4)  # restarted from 10-08 (the example in the docs)


def test_deadlines_from_the_log_equal_the_clock_on_hand_built_facts(anshan, staff, head):
    app = in_person(anshan, staff)
    services.record_event(app, K.THIRD_PARTY_CONSULTATION_STARTED, D(2024, 9, 30),
                          {"party": "甲公司"}, by=staff)
    services.record_event(app, K.THIRD_PARTY_CONSULTATION_ENDED, D(2024, 10, 8),
                          {"party": "甲公司"}, by=staff)
    services.record_event(app, K.EXTENSION_APPROVED, D(2024, 10, 9), {"days": 10}, by=head)
    services.record_event(app, K.EXTENSION_NOTIFIED, D(2024, 10, 10), by=staff)
    facts = CaseFacts(received_on=D(2024, 9, 27), events=(
        Event(K.THIRD_PARTY_CONSULTATION_STARTED, D(2024, 9, 30), {"party": "甲公司"}),
        Event(K.THIRD_PARTY_CONSULTATION_ENDED, D(2024, 10, 8), {"party": "甲公司"}),
        Event(K.EXTENSION_APPROVED, D(2024, 10, 9), {"days": 10}),
        Event(K.EXTENSION_NOTIFIED, D(2024, 10, 10)),
    ))
    assert selectors.case_facts(app) == facts
    expected = compute_deadlines(facts, load_calendar(), now=TODAY)
    assert selectors.deadlines(app, TODAY) == expected
    app.refresh_from_db()
    assert (app.status, app.due_on) == (Status.EXTENDED, expected.due)
    assert expected.extension is not None and expected.extension.granted


def test_the_agency_convention_and_target_drive_the_deadlines(anshan, staff):
    app = in_person(anshan, staff)
    default = selectors.deadlines(app, TODAY)
    RequestSettings.objects.create(agency=anshan, day_counting=DayCounting.FROM_RECEIPT,
                                   internal_target_days=10)
    changed = selectors.deadlines(app, TODAY)
    assert default.due is not None and changed.due is not None
    assert changed.due == default.due - dt.timedelta(days=1)  # 09-27 is a working Friday
    assert changed.internal_target is not None and changed.internal_target < changed.due


def test_an_internal_target_longer_than_the_statute_is_refused(anshan):
    config = RequestSettings(agency=anshan, internal_target_days=21)
    with pytest.raises(ValidationError) as error:
        config.full_clean()
    assert "internal_target_days" in error.value.message_dict


@pytest.mark.parametrize(("kind", "data"), [
    (K.CORRECTION_RECEIVED, {}),  # no correction was requested
    (K.CORRECTION_LAPSED, {}),
    (K.THIRD_PARTY_CONSULTATION_ENDED, {"party": "乙"}),  # nothing started
    (K.FEE_PAID, {}),  # no fee notice
    (K.EXTENSION_NOTIFIED, {}),  # not approved
    (K.DELAYED_REPLY, {}),  # no date
    (K.FEE_NOTICE_SENT, {"amount": "0"}),
    (K.REPLIED, {"outcome": "granted"}),  # has its own service
    (K.RECEIVED, {}),
])
def test_transitions_the_log_does_not_allow_are_refused(anshan, staff, kind, data):
    app = in_person(anshan, staff)
    with pytest.raises(ServiceError):
        services.record_event(app, kind, D(2024, 10, 8), data, by=staff)
    assert app.events.count() == 1


def test_nothing_but_the_receipt_is_recorded_before_the_clock_starts(anshan, staff):
    app = services.submit_application(person(), agency=anshan, idempotency_key="n").application
    with pytest.raises(ServiceError, match="确认收到"):
        services.record_event(app, K.CORRECTION_REQUESTED, TODAY, by=staff)
    with pytest.raises(ServiceError):
        services.reply(app, Outcome.GRANTED, TODAY, by=staff)


def test_an_event_cannot_be_dated_before_the_last_one(anshan, staff):
    app = in_person(anshan, staff)
    services.record_event(app, K.REASONS_REQUESTED, D(2024, 10, 8), by=staff)
    with pytest.raises(ServiceError, match="2024-10-08"):
        services.record_event(app, K.REASONS_REQUESTED, D(2024, 10, 7), by=staff)


def test_an_extension_needs_the_office_head_and_a_running_first_deadline(anshan, staff, head):
    app = in_person(anshan, staff, on=D(2024, 9, 2))  # first due 2024-09-30
    with pytest.raises(PermissionDenied):
        services.record_event(app, K.EXTENSION_APPROVED, D(2024, 9, 20), by=staff)
    with pytest.raises(ServiceError, match="届满"):
        services.record_event(app, K.EXTENSION_APPROVED, D(2024, 10, 8), by=head)
    services.record_event(app, K.EXTENSION_APPROVED, D(2024, 9, 25), by=head)
    with pytest.raises(ServiceError, match="届满"):
        services.record_event(app, K.EXTENSION_NOTIFIED, D(2024, 10, 8), by=staff)
    with pytest.raises(ServiceError, match="一次"):
        services.record_event(app, K.EXTENSION_APPROVED, D(2024, 10, 8), by=head)


def test_the_fee_notice_pauses_the_case_and_is_recorded_for_the_report(anshan, staff):
    app = in_person(anshan, staff)
    services.record_event(app, K.FEE_NOTICE_SENT, D(2024, 9, 30),
                          {"method": "per_volume", "units": 50, "amount": "200"}, by=staff)
    app.refresh_from_db()
    assert app.status == Status.AWAITING_PAYMENT
    fee = FeeRecord.objects.get(application=app)
    assert (fee.amount, fee.units, fee.notice_on, fee.paid_on) == (
        Decimal("200.00"), 50, D(2024, 9, 30), None)
    with pytest.raises(ServiceError, match="缴费期限"):
        services.record_event(app, K.FEE_DEADLINE_LAPSED, D(2024, 10, 8), by=staff)
    services.record_event(app, K.FEE_PAID, D(2024, 10, 8), by=staff)
    fee.refresh_from_db()
    app.refresh_from_db()
    assert fee.paid_on == D(2024, 10, 8)
    assert app.status == Status.IN_PROGRESS


def test_an_unanswered_correction_lapses_only_after_its_deadline(anshan, staff):
    app = in_person(anshan, staff, on=D(2024, 9, 2))
    services.record_event(app, K.CORRECTION_REQUESTED, D(2024, 9, 3), {"deadline": "2024-09-20"},
                          by=staff)
    with pytest.raises(ServiceError, match="尚未届满"):
        services.record_event(app, K.CORRECTION_LAPSED, D(2024, 9, 20), by=staff)
    services.record_event(app, K.CORRECTION_LAPSED, D(2024, 9, 23), by=staff)
    app.refresh_from_db()
    assert (app.status, app.outcome) == (Status.ABANDONED, Outcome.CORRECTION_NOT_MADE)
    with pytest.raises(ServiceError, match="办结"):
        services.record_event(app, K.REASONS_REQUESTED, TODAY, by=staff)


def test_a_reply_closes_the_case_with_its_outcome(anshan, staff):
    app = in_person(anshan, staff)
    letter = services.create_letter(app, Outcome.PARTIALLY_GRANTED.value, "正文", by=staff)
    services.reply(app, Outcome.PARTIALLY_GRANTED, TODAY, by=staff, letter=letter)
    app.refresh_from_db()
    letter.refresh_from_db()
    assert (app.status, app.outcome, app.closed_on) == (
        Status.REPLIED, Outcome.PARTIALLY_GRANTED, TODAY)
    assert letter.sent_at is not None
    assert app.events.last().data == {"outcome": "partially_granted", "letter": letter.number}
    with pytest.raises(ServiceError):
        services.withdraw(app, TODAY, by=staff)


@pytest.mark.parametrize("outcome", [Outcome.CORRECTION_NOT_MADE, Outcome.FEE_NOT_PAID,
                                     Outcome.STILL_UNCLEAR_AFTER_CORRECTION])
def test_outcomes_that_need_their_own_history_are_refused_as_replies(anshan, staff, outcome):
    app = in_person(anshan, staff)
    with pytest.raises(ServiceError):
        services.reply(app, outcome, TODAY, by=staff)


def test_a_reply_on_the_spot_and_a_withdrawal(anshan, staff):
    spot = in_person(anshan, staff, on=TODAY)
    services.reply(spot, Outcome.GRANTED, TODAY, by=staff, on_the_spot=True)
    spot.refresh_from_db()
    assert (spot.status, spot.events.last().kind) == (Status.REPLIED, K.REPLIED_ON_THE_SPOT)
    gone = in_person(anshan, staff)
    services.withdraw(gone, TODAY, by=staff, note="申请人电话撤回")
    gone.refresh_from_db()
    assert (gone.status, gone.outcome) == (Status.WITHDRAWN, "")


# --- Letters, notes, assignment --------------------------------------------------------------


def test_letters_are_numbered_and_editable_until_sent(anshan, staff):
    app = in_person(anshan, staff)
    first = services.create_letter(app, LetterKind.CORRECTION_NOTICE, "草稿", by=staff)
    second = services.create_letter(app, LetterKind.EXTENSION_NOTICE, "草稿", by=staff)
    assert first.number == "鞍山市局依申请〔2024〕1号"
    assert second.serial == first.serial + 1
    services.update_letter(first, "定稿", by=staff)
    services.mark_letter_sent(first, by=staff)
    with pytest.raises(ServiceError):
        services.update_letter(first, "再改", by=staff)
    with pytest.raises(ServiceError):
        services.create_letter(app, "no_such_kind", "x", by=staff)


def test_letter_kinds_and_outcomes_never_share_a_value():
    values = [value for value, _label in LETTER_KIND_CHOICES]
    assert len(values) == len(set(values)) == len(LetterKind) + 2 + len(Outcome)


def test_assignment_and_notes_are_for_the_agencys_staff(anshan, haicheng, staff):
    app = in_person(anshan, staff)
    other = make_user("ysq-other", agency=haicheng, role=StaffRole.EDITOR)
    services.assign(app, staff, by=staff)
    app.refresh_from_db()
    assert app.handler == staff
    with pytest.raises(ServiceError):
        services.assign(app, other, by=staff)
    with pytest.raises(PermissionDenied):
        services.assign(app, other, by=other)
    note = services.add_note(app, "已电话联系申请人", by=staff)
    assert note.author == staff
    with pytest.raises(PermissionDenied):
        services.add_note(app, "x", by=other)


# --- Scoping ---------------------------------------------------------------------------------


def test_staff_see_only_their_agencys_cases(anshan, haicheng, staff):
    app = in_person(anshan, staff)
    other = make_user("ysq-other2", agency=haicheng, role=StaffRole.EDITOR)
    assert selectors.application_for_staff(staff, app.pk) == app
    assert selectors.application_for_staff(other, app.pk) is None
    assert list(selectors.staff_applications(other)) == []
    assert selectors.queue_for(other, TODAY) == []
    with pytest.raises(PermissionDenied):
        services.record_event(app, K.REASONS_REQUESTED, TODAY, by=other)
    with pytest.raises(PermissionDenied):
        services.confirm_receipt(app, TODAY, by=other)


def test_the_queue_is_ordered_by_due_date_with_unstarted_cases_last(anshan, staff):
    late = in_person(anshan, staff, on=D(2024, 10, 8))
    early = in_person(anshan, staff, on=D(2024, 9, 2))
    waiting = services.submit_application(person(), agency=anshan,
                                          idempotency_key="w").application
    closed = in_person(anshan, staff, on=D(2024, 9, 3))
    services.reply(closed, Outcome.GRANTED, TODAY, by=staff)
    queue = selectors.queue_for(staff, TODAY)
    assert [e.application.pk for e in queue] == [early.pk, late.pk, waiting.pk]
    assert queue[0].deadlines.overdue  # due 2024-09-30
    everything = selectors.queue_for(staff, TODAY, include_closed=True)
    assert closed.pk in {e.application.pk for e in everything}


# --- Personal data stays out of logs, audit entries and e-mails ------------------------------


def test_id_numbers_and_addresses_never_reach_logs_audit_or_mail(
        anshan, staff, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        sub = services.submit_application(person(), agency=anshan, idempotency_key="pii")
        app = in_person(anshan, staff)
        services.record_event(app, K.REASONS_REQUESTED, TODAY, by=staff)
        services.reply(app, Outcome.GRANTED, TODAY, by=staff)
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert sub.application.number in message.body
    assert selectors.format_code(sub.code) in message.body
    texts = [f"{m.subject}{m.body}" for m in mail.outbox] + [r.getMessage() + str(r.__dict__)
                                                         for r in caplog.records]
    texts += [str(e.data) for e in AuditLogEntry.objects.all()]
    for text in texts:
        assert VALID_ID not in text
        assert ADDRESS not in text


def test_no_mail_without_an_address(anshan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(person(email=""), agency=anshan, idempotency_key="nomail")
    assert mail.outbox == []


def test_tracking_with_a_wrong_code_or_number_finds_nothing(anshan):
    sub = services.submit_application(person(), agency=anshan, idempotency_key="t")
    assert selectors.track(sub.application.number, "AAAA-AAAA") is None
    assert selectors.track("YSQ-ANSHAN-2024-99999", sub.code) is None
    assert selectors.track(sub.application.number, sub.code) == sub.application
