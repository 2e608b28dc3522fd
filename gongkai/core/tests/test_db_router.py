"""Which database a read goes to: the replica only for anonymous GET/HEAD requests."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from gongkai.core.db_router import ReplicaRequestMiddleware, ReplicaRouter
from gongkai.core.models import Agency

WITH_REPLICA = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}


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
