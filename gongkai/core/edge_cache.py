"""The edge cache: nginx's micro-cache of anonymous public pages (docs/edge-cache.md).

Django decides, in one place, which responses nginx may keep and until when; nginx keeps
nothing else (``deploy/nginx/gongkai-app.conf``: it ignores ``Expires`` and ``Vary``, has
no ``proxy_cache_valid``, and ``X-Accel-Expires`` — on every response — overrides any
lifetime in ``Cache-Control``, so only ``X-Accel-Expires: @T`` makes a response cacheable;
a response that sets a cookie is never stored).

* :class:`EdgeCacheMiddleware` sends ``X-Accel-Expires: @<unix time>`` on a response that
  anyone may be shown — a GET or HEAD without a session, a message or an ``Authorization``
  header, that sets no cookie, is not marked private/no-store/no-cache and is not under
  the admin, documents or reading-mode switches — and ``X-Accel-Expires: 0`` on every other
  one. The time is the earlier of :data:`settings.GONGKAI_EDGE_CACHE_SECONDS` from now and
  the next *scheduled* change of what the public may see (:func:`next_scheduled_change`:
  a statistics release, a page's expiry), so a cached page never outlives an embargo.
  Where a page may be shown for one more second while nginx renders its successor (the
  release second, the end of the micro-TTL, never a page's expiry: :func:`stale_allowed`),
  ``Cache-Control`` also gets ``stale-while-revalidate=1``.
  ``/api/`` responses are cached only when the API itself marked them ``public``.
* Unscheduled changes (publishing, unpublishing, moving or deleting a page, a view
  restriction, a release edited, cancelled or postponed, …) call :func:`request_purge`,
  which empties the edge cache once the transaction commits. The nginx side is a new cache
  *generation* in the cache key (Lua, ``deploy/nginx/gongkai.conf``): every stored page stops
  being found at once, whatever its URL, query string or reading mode.

nginx also hides ``X-Accel-Expires`` from visitors; browsers get the views' own
``Cache-Control`` (with the stale-while-revalidate directive where it was added).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Protocol

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

logger = logging.getLogger(__name__)

HEADER = "X-Accel-Expires"
CACHEABLE_METHODS = frozenset({"GET", "HEAD"})
# A redirect and a "not found" are public answers too (and cheap to keep under a flood).
CACHEABLE_STATUSES = frozenset({200, 301, 404, 410})
# Never stored, whatever the response says: the admin (and its previews), documents (their
# collection's privacy and the download counter) and the reading-mode switches (cookies).
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/mode/")
# The data API opts in per response (``Cache-Control: public``); writes are never cached.
OPT_IN_PREFIXES = ("/api/",)
PRIVATE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})
# How long past its expiry nginx may show an entry while one request renders the new one
# (Cache-Control stale-while-revalidate, read by nginx; see stale_allowed()).
STALE_SECONDS = 1
# Vary headers the edge key covers (the reading-mode cookies are in the nginx key) or that
# do not change the body (one language; nginx compresses after the cache).
HARMLESS_VARY = frozenset({"cookie", "accept-encoding", "accept-language"})
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage
# Set by nginx on every proxied request (never the client's: proxy_set_header replaces it).
VARIANT_META = "HTTP_X_GONGKAI_EDGE_VARIANT"

ScheduleSource = Callable[[dt.datetime], dt.datetime | None]


@dataclasses.dataclass(frozen=True)
class _Source:
    fetch: ScheduleSource
    # A strict change (a page's expiry) must not be followed by even the one second in
    # which nginx may serve a stale copy; a release may (see stale_allowed()).
    strict: bool


@dataclasses.dataclass(frozen=True)
class Schedule:
    """The next scheduled changes after a moment: the first of any kind, and the first
    strict one (None: nothing scheduled)."""

    after: dt.datetime
    next_change: dt.datetime | None
    next_strict: dt.datetime | None

    def holds_for(self, after: dt.datetime) -> bool:
        """Whether the same answer is right for a later *after*: nothing scheduled falls in
        between (the schedule itself is unchanged while the generation is)."""
        return self.after <= after and (self.next_change is None or after < self.next_change)


_SCHEDULE_SOURCES: dict[str, _Source] = {}
# The last answer per process: the page-cache generation it was read under, when it was
# read (clock()), the answer.
_memo: dict[str, tuple[int, float, Schedule]] = {}
clock = time.monotonic  # replaced in tests


# --- When does what the public sees change next? -------------------------------------------


def register_schedule(name: str, source: ScheduleSource, *, strict: bool = True) -> None:
    """Add a source of scheduled visibility changes: ``source(after)`` returns the first
    moment after *after* at which something public appears or disappears without anyone
    saving anything (or None). Apps register theirs in ``AppConfig.ready``. *strict* (the
    default): what changes at that moment must never be served stale, not even for the
    second :func:`stale_allowed` grants otherwise; a source opts out only where the rule
    for its change allows that second (a statistics release).

    A source must read only rows whose every change is a public change
    (``core.public_changes``): the answer is kept per process until the next one."""
    _SCHEDULE_SOURCES[name] = _Source(source, strict)
    _memo.clear()


def _read_schedule(after: dt.datetime) -> Schedule:
    moments = [
        (moment, source.strict)
        for source in _SCHEDULE_SOURCES.values()
        if (moment := source.fetch(after)) is not None
    ]
    return Schedule(
        after,
        min((m for m, _ in moments), default=None),
        min((m for m, strict in moments if strict), default=None),
    )


def scheduled_changes(after: dt.datetime) -> Schedule:
    """The next scheduled changes after *after*, from the database or from this process's
    last answer.

    Every public page asks, so the answer is kept while it holds: the schedule only changes
    through a public change, which starts a new page-cache generation (core/page_cache.py),
    and a later *after* gets the same answer until it passes the next change. That takes a
    generation every process sees at once, i.e. a shared cache (Redis); with the per-process
    cache another worker's new release would go unseen, so every request asks the database.
    """
    from gongkai.core import page_cache

    if not page_cache.generation_is_shared():
        return _read_schedule(after)
    generation = page_cache.generation()
    kept = _memo.get("schedule")
    # Also read again after page_cache.TIMEOUT: a generation bump lost to a Redis outage
    # (the cache ignores its errors) must not leave a worker on an old schedule for good.
    if (
        kept is not None
        and kept[0] == generation
        and clock() - kept[1] < page_cache.TIMEOUT
        and kept[2].holds_for(after)
    ):
        return kept[2]
    schedule = _read_schedule(after)
    _memo["schedule"] = (generation, clock(), schedule)
    return schedule


def next_scheduled_change(after: dt.datetime) -> dt.datetime | None:
    return scheduled_changes(after).next_change


def next_page_expiry(after: dt.datetime) -> dt.datetime | None:
    """A live page leaves the site at its ``expire_at`` by the visibility rule alone
    (core/visibility.py compares it with *now*), before any job unpublishes it.

    Scheduled *go-live* needs no entry here: a page becomes visible only when
    ``publish_scheduled`` publishes it, and publishing purges."""
    from wagtail.models import Page

    moment: dt.datetime | None = (
        Page.objects.filter(live=True, expire_at__gt=after)
        .order_by("expire_at")
        .values_list("expire_at", flat=True)
        .first()
    )
    return moment


# --- The rule: which response, until when ------------------------------------------------------


def edge_expiry(now: dt.datetime, seconds: int, next_change: dt.datetime | None) -> int | None:
    """The last whole Unix second during which nginx may serve the response, or None.

    nginx keeps a response for ``X-Accel-Expires: @T`` while its clock (whole seconds)
    reads T or less, i.e. until T + 1. So T is one second before the earlier of *now* +
    *seconds* and the next scheduled change: never a moment past that change. None when
    that leaves less than the current second (too close to the change to cache at all).
    """
    current = math.floor(now.timestamp())
    end = current + seconds
    if next_change is not None:
        end = min(end, math.floor(next_change.timestamp()))
    last = end - 1
    return last if last >= current and seconds > 0 else None


def stale_allowed(expiry: int, next_strict: dt.datetime | None) -> bool:
    """Whether nginx may serve the entry stale for the one second after *expiry* (the
    second it takes to render its successor), instead of making every visitor of that
    second wait for the render (``proxy_cache_lock`` looks every 0.5 s).

    The issue's rule for a release: no response with the data before its second, and every
    response from one second after it has them; a copy rendered before the second and shown
    during it keeps both. A page past its ``expire_at`` is never shown again, so not when a
    strict change falls in or before that second."""
    return next_strict is None or math.floor(next_strict.timestamp()) > expiry + STALE_SECONDS


def _cache_directives(response: HttpResponseBase) -> set[str]:
    return {
        part.split("=", 1)[0].strip().lower()
        for part in response.get("Cache-Control", "").split(",")
        if part.strip()
    }


def is_shareable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether *response* is the same for every anonymous visitor and may be stored."""
    path = request.path
    if (
        request.method not in CACHEABLE_METHODS
        or response.status_code not in CACHEABLE_STATUSES
        or response.streaming
        or path.startswith(EXCLUDED_PREFIXES)
    ):
        return False
    if (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or request.COOKIES.get(MESSAGES_COOKIE)
        or "HTTP_AUTHORIZATION" in request.META
    ):
        return False
    if response.cookies:  # a CSRF token, a session, a reading-mode switch: personal
        return False
    if not _variant_agrees(request):
        return False
    directives = _cache_directives(response)
    if directives & PRIVATE_DIRECTIVES or "max-age=0" in response.get("Cache-Control", ""):
        return False
    if path.startswith(OPT_IN_PREFIXES) and "public" not in directives:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    harmless = HARMLESS_VARY
    if len(settings.LANGUAGES) > 1:  # several languages: the body depends on the header
        harmless = harmless - {"accept-language"}
    return vary <= harmless


def rendered_variant(request: HttpRequest) -> str:
    """The reading modes the page was rendered in, as nginx's key spells them
    (``$gongkai_edge_elder|$gongkai_edge_script`` in deploy/nginx/gongkai.conf)."""
    elder = "elder" if getattr(request, "elder_mode", False) else ""
    script = str(getattr(request, "script_mode", "") or "")
    return f"{elder}|{'' if script == 'simplified' else script}"


def _variant_agrees(request: HttpRequest) -> bool:
    """nginx sends the reading modes it put in the cache key (VARIANT_HEADER). If its
    reading of the cookies differs from Django's (a repeated or oddly spaced cookie), the
    page must not be stored under that key, or it would be shown to the wrong mode."""
    keyed = request.META.get(VARIANT_META)
    return keyed is None or keyed == rendered_variant(request)


class EdgeCacheMiddleware:
    """Marks every response for nginx: ``X-Accel-Expires: @T`` (may be kept until T) or
    ``0`` (never). First in MIDDLEWARE, so it sees the cookies and headers every other
    middleware added, and its start time precedes everything the page was built from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = timezone.now()
        response = self.get_response(request)
        seconds = settings.GONGKAI_EDGE_CACHE_SECONDS
        expiry = None
        if seconds > 0 and is_shareable(request, response):
            # Changes are looked up after the request's *start*: a change that happened
            # while the page was being built ends its life at once (expiry None).
            schedule = scheduled_changes(started)
            expiry = edge_expiry(timezone.now(), seconds, schedule.next_change)
            if expiry is not None and stale_allowed(expiry, schedule.next_strict):
                allow_stale(response)
        # Last, after Cache-Control: nginx 1.22 reads stale-while-revalidate only when the
        # Cache-Control line comes before X-Accel-Expires (a header set again keeps its
        # place, hence the del).
        del response[HEADER]
        response[HEADER] = "0" if expiry is None else f"@{expiry}"
        return response


def allow_stale(response: HttpResponseBase) -> None:
    """Let nginx serve the entry for :data:`STALE_SECONDS` past its expiry while it
    fetches the successor (browsers read the same directive, with the same meaning)."""
    directive = f"stale-while-revalidate={STALE_SECONDS}"
    current = response.get("Cache-Control", "")
    response["Cache-Control"] = f"{current}, {directive}" if current else directive


# --- Purging ------------------------------------------------------------------------------------


class EdgePurger(Protocol):
    def purge_all(self) -> None: ...


class NoEdgeCache:
    """No edge cache configured (development, the embedded setup): nothing to do."""

    def purge_all(self) -> None:
        return None


class HttpPurger:
    """POSTs to the purge location of each nginx (``deploy/nginx/gongkai-app.conf``,
    ``/_edge/purge``, reachable from 127.0.0.1 only), which starts a new generation."""

    def __init__(self, urls: Sequence[str], timeout: float = 2.0) -> None:
        self.urls = tuple(urls)
        self.timeout = timeout

    def purge_all(self) -> None:
        for url in self.urls:
            request = urllib.request.Request(url, data=b"", method="POST")  # noqa: S310
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                    status = answer.status
            except (OSError, urllib.error.URLError) as error:
                # The change is committed; the pages it touched stay at most
                # GONGKAI_EDGE_CACHE_SECONDS in the cache. Say so loudly.
                logger.error("edge cache purge failed", extra={"url": url, "error": str(error)})
                continue
            logger.info(
                "edge cache purged",
                extra={
                    "url": url,
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


def purger() -> EdgePurger:
    urls = settings.GONGKAI_EDGE_PURGE_URLS
    return HttpPurger(urls) if urls else NoEdgeCache()


def purge_now() -> None:
    purger().purge_all()


def request_purge(using: str = DEFAULT_DB_ALIAS) -> None:
    """Empty the edge cache once the current transaction commits (at once outside one).

    After the commit, not before: a request between the purge and the commit would store
    the old page again. One purge per transaction, however many objects changed in it
    (deleting a section sends a signal per page)."""
    connection = connections[using]
    # Each entry is (savepoint ids, callback, robust).
    pending = (entry[1] for entry in connection.run_on_commit)
    if connection.in_atomic_block and any(callback is purge_now for callback in pending):
        return
    transaction.on_commit(purge_now, using=using, robust=True)


# --- What triggers a purge ------------------------------------------------------------------


def connect() -> None:
    """Purge on every unscheduled change (``core.public_changes``); bound lifetimes by the
    scheduled ones."""
    from gongkai.core import public_changes

    public_changes.subscribe("edge", request_purge)
    register_schedule("page-expiry", next_page_expiry)
