"""The demo's 依申请公开 cases (gongkai/demo/requests.py): every state and outcome, the
special cases the issue asks for, consistent dates, fictional applicants, idempotency."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from gongkai.core.text.pii import is_valid_id18
from gongkai.demo.requests import CASES, DEMO_BIRTH, DEMO_REGION
from gongkai.demo.tests.test_load_demo import _start_from_an_empty_site
from gongkai.info_requests import selectors
from gongkai.info_requests.enums import EventKind, Outcome, Status
from gongkai.info_requests.models import Application, ApplicationEvent, FeeRecord, Letter
from gongkai.info_requests.models_publication import PublishedReply

pytestmark = pytest.mark.django_db

EXPECTED_STATUSES = {
    Status.AWAITING_CONFIRMATION: 2, Status.IN_PROGRESS: 4, Status.AWAITING_CORRECTION: 1,
    Status.CONSULTING: 1, Status.EXTENDED: 1, Status.DELAYED: 1, Status.AWAITING_PAYMENT: 1,
    Status.REPLIED: 25, Status.ABANDONED: 1, Status.TERMINATED: 1, Status.WITHDRAWN: 1,
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("demo-requests-var")
    with (django_db_blocker.unblock(),
          override_settings(VAR_DIR=var_dir, MEDIA_ROOT=var_dir / "media"),
          transaction.atomic()):
        _start_from_an_empty_site()
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_there_is_one_application_per_case_in_every_state(demo):
    assert Application.objects.count() == len(CASES) == sum(EXPECTED_STATUSES.values())
    assert dict(Counter(Application.objects.values_list("status", flat=True))) == {
        s.value: n for s, n in EXPECTED_STATUSES.items()}
    assert set(Status) == set(EXPECTED_STATUSES)


def test_every_outcome_of_the_annual_report_occurs(demo):
    outcomes = set(Application.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert outcomes == {o.value for o in Outcome}


def test_the_cases_spread_over_every_demo_agency(demo):
    assert Application.objects.values("agency").distinct().count() == 8


def test_the_special_cases_are_there(demo):
    kinds = Counter(ApplicationEvent.objects.values_list("kind", flat=True))
    for kind in (EventKind.CORRECTION_REQUESTED, EventKind.CORRECTION_RECEIVED,
                 EventKind.THIRD_PARTY_CONSULTATION_STARTED,
                 EventKind.AGENCY_CONSULTATION_STARTED, EventKind.EXTENSION_NOTIFIED,
                 EventKind.FEE_NOTICE_SENT, EventKind.FEE_PAID, EventKind.DELAYED_REPLY,
                 EventKind.REPLIED_ON_THE_SPOT, EventKind.RECEIPT_CONFIRMED):
        assert kinds[kind] >= 1, kind
    assert FeeRecord.objects.filter(paid_on__isnull=False).exists()
    received = Application.objects.exclude(received_on=None).values_list("received_on", flat=True)
    assert any(d.month in (1, 2) for d in received)  # across 春节
    assert any(d.month in (9, 10) for d in received)  # across 国庆


def test_the_queue_has_overdue_and_at_risk_cases(demo):
    today = timezone.localdate()
    results = [selectors.deadlines(a, today, explain=False)
               for a in Application.objects.exclude(status__in=[s.value for s in (
                   Status.REPLIED, Status.ABANDONED, Status.TERMINATED, Status.WITHDRAWN)])]
    assert sum(r.overdue for r in results) >= 2
    assert any(r.at_risk for r in results)


def test_the_caches_agree_with_the_clock(demo):
    for application in Application.objects.all():
        last = application.events.order_by("-on", "-id").first()
        result = selectors.deadlines(application, last.on, explain=False)
        assert application.status == result.status, application.number
        assert application.due_on == result.due, application.number


def test_applicants_are_obviously_invented(demo):
    for application in Application.objects.all():
        assert application.name.startswith("示例"), application.name
        if application.id_number:
            assert is_valid_id18(application.id_number)
            assert application.id_number.startswith(DEMO_REGION + DEMO_BIRTH)


def test_some_replies_are_published_masked_with_their_letters(demo):
    published = PublishedReply.objects.all()
    assert published.count() >= 3 and all(p.is_demo for p in published)
    for reply in published:
        assert reply.application.name not in reply.reply_text
        assert "【请填写" not in reply.reply_text
    assert Letter.objects.filter(sent_at__isnull=False).count() >= 2


def test_loading_again_adds_nothing(demo):
    before = (Application.objects.count(), ApplicationEvent.objects.count(),
              Letter.objects.count(), PublishedReply.objects.count())
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    assert (Application.objects.count(), ApplicationEvent.objects.count(),
            Letter.objects.count(), PublishedReply.objects.count()) == before
