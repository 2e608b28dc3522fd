"""Public reads on a PostgreSQL read replica (docs/scaling.md).

Only what an anonymous visitor reads may come from the replica: ``ReplicaRequestMiddleware``
marks anonymous GET and HEAD requests, and the router sends their reads to "replica". Staff
requests, every write, every read inside a transaction and everything outside a request
(workers, commands) use the primary, so a staff member always sees what they just saved.

Replication lag is seconds at most. Visibility is decided by comparing release and publish
times with *now* (gongkai/core/visibility.py), not by a job writing a flag, so a lagging
replica can only show a page a few seconds late, never an embargoed one early.

A replica that falls behind is not used either: a lagging replica would still show what the
primary has since withdrawn (a page unpublished, a statistics release postponed: its old
time then passes on the replica only). Once a second per process the primary's WAL
position is compared with what the replica has replayed; the public reads the replica only
while it holds everything the primary held ``MAX_LAG_SECONDS`` ago.

An unreachable replica never fails a page: the middleware checks the replica connection
before marking a request public (Django's health check, at most once per request) and,
when it cannot connect, serves the public from the primary for ``RETRY_SECONDS`` before
trying the replica again. A replica dying in the middle of a request fails that request
only (the 503 page); the next one reads the primary.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# How long the primary serves the public after the replica could not be reached.
RETRY_SECONDS = 30.0
# The replica serves the public only while it is at most this far behind the primary.
MAX_LAG_SECONDS = 5.0
LAG_CHECK_SECONDS = 1.0
_public_read: ContextVar[bool] = ContextVar("gongkai_public_read", default=False)
_replica_down_until = [0.0]  # per process: time.monotonic() before which we skip it
clock: Callable[[], float] = time.monotonic  # tests move it
logger = logging.getLogger(__name__)


class _Lag:
    """Per process: when the lag was last checked, its verdict, and the primary's recent
    WAL positions ``(time, lsn)`` to tell how old the replica's replayed position is."""

    def __init__(self) -> None:
        self.checked_at = float("-inf")
        self.fresh = False
        self.primary_positions: deque[tuple[float, int]] = deque()


_lag = _Lag()
_PRIMARY_LSN = "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"
_REPLAYED_LSN = "SELECT COALESCE(pg_last_wal_replay_lsn() - '0/0'::pg_lsn, 0)"


def _scalar(alias: str, sql: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


def replica_lag_seconds(now: float, primary: int, replayed: int,
                        history: deque[tuple[float, int]]) -> float:
    """How long ago the primary was where the replica is now (0 when caught up). Records
    ``primary`` in ``history``; ``inf`` when older than the history kept."""
    history.append((now, primary))
    while history and now - history[0][0] > MAX_LAG_SECONDS + 2 * LAG_CHECK_SECONDS:
        history.popleft()
    if replayed >= primary:
        return 0.0
    caught_up = [at for at, position in history if position <= replayed]
    return now - max(caught_up) if caught_up else float("inf")


def replica_fresh() -> bool:
    """Whether the replica is at most ``MAX_LAG_SECONDS`` behind (checked once a second)."""
    if connections[REPLICA].vendor != "postgresql":
        return True
    now = clock()
    if now - _lag.checked_at < LAG_CHECK_SECONDS:
        return _lag.fresh
    lag = replica_lag_seconds(now, _scalar("default", _PRIMARY_LSN),
                              _scalar(REPLICA, _REPLAYED_LSN), _lag.primary_positions)
    fresh = lag <= MAX_LAG_SECONDS
    if fresh != _lag.fresh and _lag.checked_at > float("-inf"):
        logger.warning("replica_lag_changed", extra={"fresh": fresh, "lag_seconds": lag})
    _lag.checked_at, _lag.fresh = now, fresh
    return fresh


def replica_available() -> bool:
    """Whether the replica is configured and answers; if not, remember it for a while."""
    if REPLICA not in settings.DATABASES:
        return False
    if clock() < _replica_down_until[0]:
        return False
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        return replica_fresh()
    except DatabaseError as error:
        _replica_down_until[0] = clock() + RETRY_SECONDS
        connection.close()
        logger.warning("replica_unreachable", extra={"error": str(error)[:200],
                                                     "retry_seconds": RETRY_SECONDS})
        return False


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
        public = (request.method in {"GET", "HEAD"} and not request.user.is_authenticated
                  and replica_available())
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
