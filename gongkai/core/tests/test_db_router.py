"""Which database a read goes to: the replica only for anonymous GET/HEAD requests."""

from __future__ import annotations

from collections import deque
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connections, transaction
from django.db.utils import load_backend
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from gongkai.core import db_router
from gongkai.core.db_router import ReplicaRequestMiddleware, ReplicaRouter
from gongkai.core.models import Agency

WITH_REPLICA = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}


def _unreachable_replica() -> dict[str, Any]:
    """A replica settings entry nothing answers on (refused at once, never a hang)."""
    default = settings.DATABASES["default"]
    if "sqlite" in default["ENGINE"]:
        return {**default, "NAME": "/nonexistent-directory/replica.sqlite3"}
    return {**default, "HOST": "127.0.0.1", "PORT": "1",
            "OPTIONS": {**default.get("OPTIONS", {}), "connect_timeout": 2}}


@pytest.fixture
def replica_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_router, "replica_available", lambda: True)


@pytest.fixture
def replica_down(db: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``replica`` configured but unreachable, and a clock the test moves."""
    broken = _unreachable_replica()
    config = connections.configure_settings(
        {"default": {**settings.DATABASES["default"]}, "replica": broken})["replica"]
    # A connection of its own, outside django.db.connections: the test case only allows
    # the databases it set up, and this one must be tried for real.
    replica = load_backend(config["ENGINE"]).DatabaseWrapper(config, "replica")
    now = [1000.0]
    monkeypatch.setattr(db_router, "clock", lambda: now[0])
    monkeypatch.setattr(db_router, "_replica_down_until", [0.0])
    monkeypatch.setattr(db_router, "connections",
                        {"default": connections["default"], "replica": replica})
    with override_settings(DATABASES={**settings.DATABASES, "replica": broken}):
        yield SimpleNamespace(now=now, replica=replica)
    replica.close()


def _read_db_during(request: HttpRequest) -> str | None:
    seen: dict[str, str | None] = {}

    def view(_request: HttpRequest) -> HttpResponse:
        seen["db"] = ReplicaRouter().db_for_read(Agency)
        return HttpResponse()

    ReplicaRequestMiddleware(view)(request)
    return seen["db"]


def _request(method: str, user: Any) -> HttpRequest:
    request = getattr(RequestFactory(), method)("/")
    request.user = user
    return request


class _Staff:
    is_authenticated = True


@override_settings(DATABASES=WITH_REPLICA)
@pytest.mark.usefixtures("replica_up")
@pytest.mark.parametrize(("method", "user", "expected"), [
    ("get", AnonymousUser(), "replica"),
    ("head", AnonymousUser(), "replica"),
    ("post", AnonymousUser(), None),
    ("get", _Staff(), None),
])
def test_only_anonymous_safe_requests_read_from_the_replica(method: str, user: Any,
                                                           expected: str | None) -> None:
    assert _read_db_during(_request(method, user)) == expected


@override_settings(DATABASES=WITH_REPLICA)
@pytest.mark.usefixtures("replica_up")
@pytest.mark.django_db
def test_reads_inside_a_transaction_and_all_writes_use_the_primary() -> None:
    router = ReplicaRouter()
    seen: dict[str, str | None] = {}

    def view(_request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            seen["read"] = router.db_for_read(Agency)
        seen["write"] = router.db_for_write(Agency)
        return HttpResponse()

    ReplicaRequestMiddleware(view)(_request("get", AnonymousUser()))
    assert seen == {"read": None, "write": "default"}


def test_without_a_replica_configured_everything_reads_the_primary() -> None:
    assert "replica" not in settings.DATABASES
    assert _read_db_during(_request("get", AnonymousUser())) is None


def test_nothing_is_migrated_on_the_replica() -> None:
    assert ReplicaRouter().allow_migrate("replica", "core") is False
    assert ReplicaRouter().allow_migrate("default", "core") is True


def test_public_reads_fall_back_to_the_primary_when_the_replica_is_unreachable(
        replica_down: SimpleNamespace, client: Any, anshan: Agency) -> None:
    assert _read_db_during(_request("get", AnonymousUser())) is None
    response = client.get(f"/{anshan.slug}/")
    assert response.status_code == 200
    assert anshan.name in response.content.decode()


def test_an_unreachable_replica_is_skipped_for_a_while_then_tried_again(
        replica_down: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    assert db_router.replica_available() is False
    tries: list[str] = []
    monkeypatch.setattr(replica_down.replica, "ensure_connection",
                        lambda: tries.append("replica"))
    monkeypatch.setattr(db_router, "replica_fresh", lambda: True)
    replica_down.now[0] += db_router.RETRY_SECONDS - 1
    assert db_router.replica_available() is False and tries == []  # not even tried
    replica_down.now[0] += 2
    assert db_router.replica_available() is True and tries == ["replica"]


def test_a_replica_that_has_replayed_everything_has_no_lag() -> None:
    assert db_router.replica_lag_seconds(10.0, 500, 500, deque()) == 0.0


def test_the_lag_is_the_age_of_the_primary_position_the_replica_has_reached() -> None:
    history: deque[tuple[float, int]] = deque()
    for second, position in ((10.0, 100), (11.0, 200), (12.0, 300)):
        db_router.replica_lag_seconds(second, position, position, history)
    # Replay stopped at 200 (reached by the primary at 11 s); the primary moved on.
    assert db_router.replica_lag_seconds(13.0, 400, 200, history) == 2.0
    assert db_router.replica_lag_seconds(16.5, 400, 200, history) == 5.5


def test_a_replica_behind_everything_remembered_counts_as_infinitely_late() -> None:
    history: deque[tuple[float, int]] = deque([(1.0, 100)])
    lag = db_router.replica_lag_seconds(1.0 + db_router.MAX_LAG_SECONDS * 3, 900, 100, history)
    assert lag == float("inf")
