"""Public reads on a PostgreSQL read replica (docs/scaling.md).

Only what an anonymous visitor reads may come from the replica: ``ReplicaRequestMiddleware``
marks anonymous GET and HEAD requests, and the router sends their reads to "replica". Staff
requests, every write, every read inside a transaction and everything outside a request
(workers, commands) use the primary, so a staff member always sees what they just saved.

Replication lag is seconds at most. Visibility is decided by comparing release and publish
times with *now* (gongkai/core/visibility.py), not by a job writing a flag, so a lagging
replica can only show a page a few seconds late, never an embargoed one early.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_public_read: ContextVar[bool] = ContextVar("gongkai_public_read", default=False)


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if (_public_read.get() and REPLICA in settings.DATABASES
                and not connections["default"].in_atomic_block):
            return REPLICA
        return None  # the default database

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"


class ReplicaRequestMiddleware:
    """Marks anonymous safe requests as public reads for the router."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        public = request.method in {"GET", "HEAD"} and not request.user.is_authenticated
        token = _public_read.set(public)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)


def public_reads() -> Any:
    """Context manager for code outside a request that serves the public (tests, feeds)."""
    from contextlib import contextmanager

    @contextmanager
    def scope() -> Any:
        token = _public_read.set(True)
        try:
            yield
        finally:
            _public_read.reset(token)

    return scope()
