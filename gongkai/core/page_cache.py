"""Short-lived caches of what every public page needs (navigation, restricted sections,
catalog years and counts), and the one switch that invalidates them all.

Every key made by :func:`key` contains the current *generation*; publishing, unpublishing,
moving or deleting a page, changing a view restriction, an agency or a site starts a new
generation (:func:`bump`), so the next request rebuilds what it needs from the database.
Nothing is updated in place: stale entries simply stop being read and expire.

The generation is a nanosecond timestamp, not a counter: if the cache loses the
generation key (eviction, restart), a new one can never coincide with the generation of
entries still stored under an old one.

With a shared cache (Redis, the production setting) a change is seen by every worker on
the next request. With the per-process local-memory cache (no ``REDIS_URL``) only the
worker that made the change sees it at once; the others see it when their entries time out
(:data:`TIMEOUT`). Every entry carries that bound, and entries that depend on an expiry
time (``expire_at`` is compared per request) are kept no longer than until that time
(:func:`timeout_until`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

GENERATION_KEY = "gongkai:pages:generation"
# Upper bound on how long any entry is used (seconds). Short enough that a worker of a
# deployment without a shared cache catches up with another worker's change within a
# minute; long enough that nearly every request finds what it needs.
TIMEOUT = 60

T = TypeVar("T")


def generation() -> int:
    """The current generation, starting one if the cache has none."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time_ns()
        # add(): two workers starting a generation at once agree on the first one stored.
        if not cache.add(GENERATION_KEY, value, None):
            value = cache.get(GENERATION_KEY, value)
    return int(value)


def generation_is_shared() -> bool:
    """Whether every process reads the same generation: the cache is not each process's
    own memory (or none at all). Redis or a database cache is shared by every app server;
    a file cache only by the processes of one host, which is enough for one server."""
    from django.core.cache import DEFAULT_CACHE_ALIAS, caches
    from django.core.cache.backends.dummy import DummyCache
    from django.core.cache.backends.locmem import LocMemCache

    return not isinstance(caches[DEFAULT_CACHE_ALIAS], (LocMemCache, DummyCache))


def key(*parts: object) -> str:
    return ":".join(["gongkai:pages", str(generation()), *(str(p) for p in parts)])


def bump() -> None:
    """Start a new generation now and again when the current transaction commits (a
    request that rebuilt an entry between the change and the commit would otherwise have
    stored the old state under the new generation)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), None)


def timeout_until(moment: dt.datetime | None, now: dt.datetime | None = None) -> int:
    """:data:`TIMEOUT`, shortened so that an entry does not outlive *moment* (the next
    expiry among the pages it describes)."""
    if moment is None:
        return TIMEOUT
    seconds = (moment - (now or timezone.now())).total_seconds()
    return max(1, min(TIMEOUT, int(seconds)))


def cached(cache_key: str, build: Callable[[], tuple[T, int]]) -> T:
    """The value stored under *cache_key*, or ``build()``'s value, stored for the number of
    seconds it returns with it."""
    found: Any = cache.get(cache_key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value, timeout = build()
    cache.set(cache_key, value, timeout)
    return value


def connect() -> None:
    """Start a new generation on every unscheduled change (``core.public_changes``)."""
    from gongkai.core import public_changes

    public_changes.subscribe("page_cache", bump)
