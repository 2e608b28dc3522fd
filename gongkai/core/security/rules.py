"""The sign-in rules as pure functions: what the records say, and ``now``, decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LockoutPolicy:
    """等保 2.0 asks for a limit on failed sign-ins and a lock; these are common values."""

    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    lock_for: dt.timedelta = dt.timedelta(minutes=30)


def lock_until(failures: Sequence[dt.datetime], now: dt.datetime,
               policy: LockoutPolicy) -> dt.datetime | None:
    """When the account must stay locked until, given the failed attempts since the last
    success (``failures``, any order), or None if it stays open."""
    recent = [at for at in failures if dt.timedelta(0) <= now - at <= policy.window]
    if len(recent) >= policy.max_failures:
        return now + policy.lock_for
    return None


def is_idle_expired(last_seen: float | None, now: float, idle_seconds: int) -> bool:
    """Idle timeout: off when ``idle_seconds`` is 0; a session never seen is not expired."""
    return bool(idle_seconds) and last_seen is not None and now - last_seen > idle_seconds


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters the password uses."""
    return sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))
