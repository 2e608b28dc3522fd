"""Concurrent sign-ups never exceed capacity, and concurrent cancellations promote each
waiting person once: real threads, each with its own connection, released together by a
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


@pytest.fixture(autouse=True)
def _wagtail_root(transactional_db: Any) -> None:
    """A previous transactional test's flush may have removed what migrations seeded (the
    page tree's root, its locale, the root collection); put them back before the platform
    and agency fixtures build on them. (serialized_rollback would restore them, but its
    content types clash with those a non-serialized flush recreated on the same worker.)"""
    from wagtail.models import Collection, Locale, Page

    locale, _ = Locale.objects.get_or_create(language_code="zh-hans")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")

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
