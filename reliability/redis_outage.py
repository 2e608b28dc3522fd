"""Drill 2: Redis stopped while the site is read and written, then started again.

gunicorn runs with REDIS_URL pointing at a private redis-server (never the shared 6379).
Visitors read public pages (home, 互动交流 lists, site search, the phone list) and post
the tracking form (whose failed tries are counted in the cache). Three phases: Redis up,
Redis stopped (killed: connections refused), Redis started again, empty. Verdict PASS when
no request fails in any phase (no 5xx, no connection error) and, in the last phase, the new
Redis fills with keys again without restarting gunicorn (the cache came back by itself).

    .venv/bin/python reliability/redis_outage.py [--phase-seconds 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

from common import (
    Client,
    PrivateRedis,
    drill_database,
    free_port,
    gunicorn,
    log,
    private_redis,
    source_address,
    verdict,
)

READS = ("/", "/hdjl/", "/hdjl/tjj/", "/search/?q=统计", "/hdjl/phones/", "/ysqgk/track/")
PHASES = ("redis up", "redis stopped", "redis back")


def redis_keys(server: PrivateRedis) -> int:
    done = subprocess.run(["redis-cli", "-p", str(server.port), "dbsize"],
                          capture_output=True, text=True)
    try:
        return int(done.stdout.strip())
    except ValueError:
        return -1


def visitor(port: int, n: int, phase: list[int], stop: threading.Event,
            results: list[tuple[int, int, float]]) -> None:
    client = Client(port, source_address(5000 + n), timeout=60)
    i = 0
    while not stop.is_set():
        i += 1
        started = time.monotonic()
        current = phase[0]
        try:
            if i % 4 == 0:  # a wrong tracking number: counted in the cache
                if "csrftoken" not in client.cookies:
                    client.get("/ysqgk/track/")
                status, _ = client.post("/ysqgk/track/", {"number": f"Y2026{n:04d}{i:05d}",
                                                          "code": "ABCD-EFGH"})
            else:
                status, _ = client.get(READS[i % len(READS)].replace("统计", "%E7%BB%9F%E8%AE%A1"))
        except OSError:
            status = 0
        results.append((current, status, time.monotonic() - started))


def drill(env: dict[str, str], phase_seconds: float = 20, visitors: int = 8,
          workers: int = 2) -> bool:
    figures: dict[str, Any] = {"phase_seconds": phase_seconds, "visitors": visitors}
    with private_redis() as redis:
        port = free_port()
        app = {**env, "REDIS_URL": redis.url}
        with gunicorn(app, port, workers, _log(env, "redis_outage")):
            phase = [0]
            stop = threading.Event()
            results: list[tuple[int, int, float]] = []
            threads = [threading.Thread(target=visitor, args=(port, n, phase, stop, results))
                       for n in range(visitors)]
            for thread in threads:
                thread.start()
            keys: dict[str, int] = {}
            try:
                time.sleep(phase_seconds)
                keys["before_stop"] = redis_keys(redis)
                log("stopping Redis")
                redis.stop()
                phase[0] = 1
                time.sleep(phase_seconds)
                log("starting Redis again (empty)")
                redis.start()
                phase[0] = 2
                keys["right_after_start"] = redis_keys(redis)
                time.sleep(phase_seconds)
                keys["end"] = redis_keys(redis)
            finally:
                stop.set()
                for thread in threads:
                    thread.join()
    errors_total = 0
    for number, name in enumerate(PHASES):
        rows = [(status, seconds) for p, status, seconds in results if p == number]
        errors = sum(1 for status, _ in rows if status == 0 or status >= 500)
        errors_total += errors
        latencies = sorted(seconds for _, seconds in rows) or [0.0]
        figures[name] = {
            "requests": len(rows), "errors": errors,
            "median_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
            "statuses": sorted({status for status, _ in rows}),
        }
    figures["redis_keys"] = keys
    ok = errors_total == 0 and keys.get("end", 0) > 0 and keys.get("before_stop", 0) > 0
    return verdict("redis-stopped", ok, figures)


def _log(env: dict[str, str], name: str) -> Any:
    from pathlib import Path

    return Path(env["GONGKAI_VAR_DIR"]).parent / f"{name}.gunicorn.log"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase-seconds", type=float, default=20)
    args = parser.parse_args()
    with drill_database() as (_pg, env, _logdir):
        ok = drill(env, args.phase_seconds)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
