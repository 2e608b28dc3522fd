"""Call limits of the statistics data API, published at GET /api/config (as PxWebApi does).

A fixed window per client address, counted in the cache: the first call of a window
creates the counter with the window's lifetime, later calls increment it. Over the limit
the API answers HTTP 429 with ``Retry-After`` = the seconds until the window ends. A
fixed window lets a client make up to twice the limit across a window boundary; that is
accepted for its simplicity (one cache key, one increment per call).

The counter lives in the default cache: Redis in production (shared by all app servers),
local memory in the embedded setup (per process). When the cache is down the call is let
through — a cache outage must slow nothing down and block no one.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse

KEY_PREFIX = "stats-api-calls"


@dataclass(frozen=True, slots=True)
class Limits:
    max_calls: int  # per window and client address
    window_seconds: int
    max_data_cells: int  # per call, for the formats built in memory

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_calls=int(getattr(settings, "STATS_API_MAX_CALLS", 30)),
            window_seconds=int(getattr(settings, "STATS_API_TIME_WINDOW", 10)),
            max_data_cells=int(getattr(settings, "STATS_API_MAX_DATA_CELLS", 100_000)),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    calls: int
    retry_after: int  # seconds until the window ends


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR: behind the reverse proxy the deployment sets it from X-Forwarded-For
    (see docs/deployment.md); a client-supplied header is never trusted here."""
    return str(request.META.get("REMOTE_ADDR", "")) or "unknown"


def count_call(client: str, limits: Limits, now: float | None = None) -> Decision:
    moment = time.time() if now is None else now
    window = int(moment // limits.window_seconds)
    retry_after = max(1, math.ceil((window + 1) * limits.window_seconds - moment))
    key = f"{KEY_PREFIX}:{client}:{window}"
    try:
        # add() is a no-op when the key exists; incr() is atomic in Redis and locmem.
        cache.add(key, 0, timeout=limits.window_seconds + 1)
        calls = cache.incr(key)
    except ValueError:  # expired between add() and incr(): this call opens a new counter
        cache.set(key, 1, timeout=limits.window_seconds + 1)
        calls = 1
    except Exception:  # a cache outage must not block the API
        return Decision(allowed=True, calls=0, retry_after=0)
    return Decision(allowed=calls <= limits.max_calls, calls=calls, retry_after=retry_after)


def too_many_calls(decision: Decision, limits: Limits) -> JsonResponse:
    response = JsonResponse(
        {"detail": f"调用过于频繁：每个地址每{limits.window_seconds}秒最多调用"
                   f"{limits.max_calls}次，请{decision.retry_after}秒后再试。",
         "maxCallsPerTimeWindow": limits.max_calls, "timeWindow": limits.window_seconds},
        status=429, json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


def check_rate_limit(request: HttpRequest) -> JsonResponse | None:
    """None when the call may proceed, else the 429 response to return."""
    limits = Limits.from_settings()
    decision = count_call(client_address(request), limits)
    return None if decision.allowed else too_many_calls(decision, limits)
