"""Cache-based rate limits for the public forms (no CAPTCHA: it locks out screen-reader
users). Fixed windows keyed by ``now``, which callers pass in, so tests need no sleeps.

Identifiers (addresses, telephone numbers, e-mails) are hashed before they become cache
keys: the cache is no place for personal data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window_seconds: int


# Per client address and per contact (telephone or e-mail) for each form.
MESSAGE_PER_ADDRESS = Limit("msg-ip", 5, 60 * 60)
MESSAGE_PER_CONTACT = Limit("msg-contact", 3, 24 * 60 * 60)
REPORT_PER_ADDRESS = Limit("report-ip", 3, 60 * 60)
REPORT_PER_CONTACT = Limit("report-contact", 3, 24 * 60 * 60)
TRACK_FAILURES_PER_ADDRESS = Limit("track-ip", 20, 15 * 60)


def _key(limit: Limit, ident: str, now: dt.datetime) -> str:
    digest = hashlib.sha256(f"{limit.scope}:{ident}".encode()).hexdigest()[:32]
    bucket = int(now.timestamp()) // limit.window_seconds
    return f"hdjl:rl:{limit.scope}:{digest}:{bucket}"


def exceeded(limit: Limit, ident: str, now: dt.datetime) -> bool:
    """Whether ``ident`` has used up ``limit`` in the window containing ``now``."""
    if not ident:
        return False
    return int(cache.get(_key(limit, ident, now), 0)) >= limit.limit


def count(limit: Limit, ident: str, now: dt.datetime) -> None:
    if not ident:
        return
    key = _key(limit, ident, now)
    cache.add(key, 0, timeout=limit.window_seconds)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.window_seconds)
