"""Drill 5: a soak — mixed load for a set time: zero errors, memory flat.

gunicorn (deploy/gunicorn.conf.py, 2 workers, DEBUG off) with worker recycling turned off
(GUNICORN_MAX_REQUESTS=0), so a leak would show instead of being reset every ~2,000
requests. Visitors loop over: reading (home, 互动交流 list and pages, phone list, the
application form), searching (/search/ with several terms) and submitting (a message on
/hdjl/<agency>/write/, each from its own address, with CSRF). Every 15 s the resident memory
of the gunicorn master and workers is sampled.

Verdict PASS when no request failed (no 5xx, no connection error, every submission got its
number) and the memory at the end is within 10 % of the memory after warm-up (the first
fifth of the run).

    .venv/bin/python reliability/soak.py --minutes 30 [--visitors 6]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import statistics
import sys
import threading
import time
from typing import Any
from urllib.parse import quote

from common import (
    Client,
    drill_database,
    free_port,
    gunicorn,
    hidden_value,
    log,
    process_tree_rss_mb,
    source_address,
    verdict,
)

READS = ("/", "/hdjl/", "/hdjl/tjj/", "/hdjl/hctjj/", "/hdjl/phones/", "/ysqgk/tjj/apply/",
         "/hdjl/tjj/faq/")
TERMS = ("统计", "统计公报", "工业增加值", "人口", "鞍山", "政府信息公开", "价格指数")
NUMBER = re.compile(r'<strong class="result-value">([^<]+)</strong>')
SAMPLE_SECONDS = 15
ALLOWED_GROWTH = 0.10


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {"read": 0, "search": 0, "submit": 0}
        self.errors: list[str] = []
        self.latency: dict[str, list[float]] = {"read": [], "search": [], "submit": []}
        self.addresses = itertools.count(20000)

    def add(self, kind: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.counts[kind] += 1
            self.latency[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


def submit(port: int, tally: Tally, run: str) -> str:
    n = next(tally.addresses)
    client = Client(port, source_address(n))
    path = f"/hdjl/{('tjj', 'hctjj')[n % 2]}/write/"
    status, html = client.get(path)
    if status != 200:
        return f"GET {path} {status}"
    status, html = client.post(path, {
        "kind": "suggestion", "title": f"建议增加分县区数据 {run}-{n}",
        "body": "建议在统计数据发布页增加各县（市）区的分项数据下载。", "name": f"赵{n}",
        "phone": f"137{n:08d}", "email": "", "publish_consent": "yes", "website": "",
        "idempotency_key": hidden_value(html, "idempotency_key")})
    if status != 200 or not NUMBER.search(html):
        return f"POST {path} {status}"
    return ""


def visitor(port: int, n: int, stop: threading.Event, tally: Tally, run: str) -> None:
    client = Client(port, source_address(10000 + n), timeout=60)
    while not stop.is_set():
        roll = random.random()
        kind = "read" if roll < 0.7 else "search" if roll < 0.9 else "submit"
        started = time.monotonic()
        error = ""
        try:
            if kind == "submit":
                error = submit(port, tally, run)
            else:
                path = random.choice(READS) if kind == "read" else \
                    f"/search/?q={quote(random.choice(TERMS))}"
                status, _ = client.get(path)
                if status >= 500:
                    error = f"GET {path} {status}"
        except OSError as exc:
            error = f"connection: {exc}"
        tally.add(kind, time.monotonic() - started, error)


def drill(env: dict[str, str], minutes: float, visitors: int = 6, workers: int = 2) -> bool:
    port = free_port()
    log_path = os.path.join(os.path.dirname(env["GONGKAI_VAR_DIR"]), "soak.gunicorn.log")
    from pathlib import Path

    app = {**env, "GUNICORN_MAX_REQUESTS": "0"}
    tally = Tally()
    samples: list[tuple[float, float]] = []
    loads: list[float] = []
    run = f"SOAK{int(time.time())}"
    with gunicorn(app, port, workers, Path(log_path)) as master:
        stop = threading.Event()
        threads = [threading.Thread(target=visitor, args=(port, n, stop, tally, run))
                   for n in range(visitors)]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        end = started + minutes * 60
        try:
            while time.monotonic() < end:
                time.sleep(min(SAMPLE_SECONDS, max(0.0, end - time.monotonic())))
                samples.append((time.monotonic() - started, process_tree_rss_mb(master.pid)))
                loads.append(os.getloadavg()[0])
                if len(samples) % 8 == 0:
                    log(f"soak {samples[-1][0] / 60:.1f} min: {sum(tally.counts.values())} "
                        f"requests, {len(tally.errors)} errors, RSS {samples[-1][1]} MB")
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    warm = [rss for t, rss in samples if t >= minutes * 60 / 5] or [s[1] for s in samples]
    after_warmup, at_end = warm[0], samples[-1][1] if samples else 0.0
    growth = (at_end - after_warmup) / after_warmup if after_warmup else 0.0
    figures: dict[str, Any] = {
        "minutes": minutes, "visitors": visitors, "gunicorn_workers": workers,
        "requests": dict(tally.counts), "errors": len(tally.errors),
        "examples_errors": tally.errors[:5],
        "requests_per_second": round(sum(tally.counts.values()) / (minutes * 60), 1),
        "median_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in tally.latency.items()
                      if v},
        "rss_mb_after_warmup": after_warmup, "rss_mb_at_end": at_end,
        "rss_mb_max": max((s[1] for s in samples), default=0.0),
        "rss_growth_percent": round(growth * 100, 1),
        "machine_load_avg_1min": {"min": round(min(loads, default=0), 1),
                                  "max": round(max(loads, default=0), 1)},
        "cpu_cores": os.cpu_count(),
    }
    ok = not tally.errors and growth <= ALLOWED_GROWTH and tally.counts["submit"] > 0
    return verdict("soak", ok, figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--visitors", type=int, default=6)
    args = parser.parse_args()
    with drill_database() as (_pg, env, _logdir):
        ok = drill(env, args.minutes, args.visitors)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
