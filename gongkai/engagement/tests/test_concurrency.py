"""Concurrent sign-ups never exceed capacity, concurrent cancellations promote each waiting
person once, and concurrent survey submissions with one invitation code or one e-mail
address count once: real threads, each with its own connection, released together by a
barrier (no sleeps). PostgreSQL only — the in-memory SQLite test database is a single
connection; on an SQLite file the IMMEDIATE transactions serialise writers anyway."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections

from gongkai.engagement import services
from gongkai.engagement.tests.helpers import make_campaign, make_event

# SQLite serialises writers itself: the row lock this tests only exists on PostgreSQL. The
# skip is decided at collection, before the transactional database set-up would run.
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"]
                                 != "django.db.backends.postgresql",
                                 reason="row locks under concurrent sign-ups: PostgreSQL only"),
              pytest.mark.django_db(transaction=True)]


THREADS = 12
CAPACITY = 5


def all_at_once(work: Callable[[Any], object], args: list[Any]) -> list[BaseException]:
    barrier = threading.Barrier(len(args))
    errors: list[BaseException] = []

    def run(arg: Any) -> None:
        try:
            barrier.wait()
            work(arg)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(arg,)) for arg in args]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def statuses(event):
    return dict(event.registrations.values_list("name", "status"))


def test_concurrent_sign_ups_and_cancellations_never_exceed_capacity(anshan):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    event = make_event(make_campaign(anshan), capacity=CAPACITY)

    errors = all_at_once(lambda n: services.register(
        event_id=event.pk, name=f"人{n:02d}", phone=f"1390000{n:04d}"), list(range(THREADS)))
    assert errors == []
    after_sign_up = statuses(event)
    assert list(after_sign_up.values()).count("confirmed") == CAPACITY
    assert list(after_sign_up.values()).count("waitlisted") == THREADS - CAPACITY

    confirmed = list(event.registrations.filter(status="confirmed")[:3])
    waiting = list(event.registrations.filter(status="waitlisted").order_by(
        "created_at", "id").values_list("name", flat=True))
    errors = all_at_once(lambda r: services.cancel_registration(
        registration_id=r.pk, token=services.cancellation_token(r)), confirmed)
    assert errors == []
    after_cancel = statuses(event)
    assert list(after_cancel.values()).count("confirmed") == CAPACITY
    assert [after_cancel[name] for name in waiting[:3]] == ["confirmed"] * 3
    assert all(after_cancel[name] == "waitlisted" for name in waiting[3:])


def _answers_at_once(submit: Callable[[int], tuple[Any, bool]]) -> list[bool]:
    """THREADS submissions released together; whether each stored a new sheet."""
    created: list[bool] = []
    errors = all_at_once(lambda n: created.append(submit(n)[1]), list(range(THREADS)))
    assert errors == []
    return created


def test_concurrent_submissions_with_one_invitation_code_count_once(anshan):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    from gongkai.engagement import responses, selectors
    from gongkai.engagement.tests.helpers import invited_survey, survey_answers

    survey, codes = invited_survey(anshan, count=2)
    created = _answers_at_once(lambda n: responses.submit_invited_response(
        survey=survey, data=survey_answers(survey), code=codes[0]))
    assert created.count(True) == 1
    assert selectors.valid_responses(survey).count() == 1
    assert survey.invitation_batches.get().invitations.filter(used_at__isnull=False).count() == 1


def test_concurrent_submissions_with_one_email_link_count_once(anshan):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    from gongkai.engagement import invitations, responses, selectors
    from gongkai.engagement.enums import ResponseRule
    from gongkai.engagement.tests.helpers import make_campaign, make_survey, survey_answers

    survey = make_survey(make_campaign(anshan), response_rule=ResponseRule.EMAIL)
    # Two links for one address (asked for twice, typed in two cases): the same person.
    links = [invitations.email_link_token(survey.pk, "Li.Na@Example.com"),
             invitations.email_link_token(survey.pk, " li.na@example.com")]
    created = _answers_at_once(lambda n: responses.submit_verified_response(
        survey=survey, data=survey_answers(survey), token=links[n % 2]))
    assert created.count(True) == 1
    assert selectors.valid_responses(survey).count() == 1
