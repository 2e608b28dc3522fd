"""The release minute: 200 concurrent clients on a release page and its data across the
release second (docs/performance.md, "Statistics release minute").

It creates a scratch PostgreSQL database, migrates it, builds the platform and one agency,
a published release and an embargoed one (1,000 observations of an indicator that has no
other data, and a 数据解读) scheduled at the next full minute at least 40 s ahead, starts
gunicorn (gthread, ``--workers`` × ``--threads``, local-memory cache, the data API's call
limit lifted: every client comes from 127.0.0.1) and, from 5 s before the release second to
5 s after it, runs ``--clients`` threads that request in turn the release page
``/sjfb/release/<id>/`` and the data ``/api/v1/stats/tables/<code>/data`` with keep-alive.

Each response is recorded with its send and receive times and whether it contains the
embargoed value. Reported: requests, errors (non-200 or exceptions), *early* responses
(received before the release second and containing the value: must be 0), *stale*
responses (sent at least 1 s after the release second and missing the value: must be 0),
latency percentiles before and after the release second.

    .venv/bin/python bench/release_minute.py [--clients 200] [--workers 2] [--threads 16]

Writes bench/results/release-minute-<time>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "gongkai_bench_release_minute"
PORT = 8799
MARKER = "8642.7"  # the embargoed value's published form
WINDOW = 5.0       # seconds on each side of the release second


def log(message: str) -> None:
    print(f"[release-minute {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --- the worker step: data in the scratch database ------------------------------------------

def setup_data() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    from gongkai.official_stats import services
    from gongkai.official_stats.enums import TextKind
    from gongkai.official_stats.loading import RawRow
    from gongkai.official_stats.models import Indicator, Region
    from gongkai.testing import make_agency

    agency = make_agency("anshan", name="鞍山市统计局", short_name="鞍山市局")
    indicator = Indicator.objects.create(code="B01.RETAIL", name="社会消费品零售总额",
                                         unit="亿元", decimals=1)
    regions = [Region.objects.create(code=f"2103{i:02d}", name=f"地区{i}", sort_order=i)
               for i in range(1, 11)]
    now = timezone.now()
    # Earlier data of the same indicator, public since last month, so that its table exists
    # before the release (as in real life) and the data API answers 200 throughout.
    earlier = now - dt.timedelta(days=30)
    past = services.create_release(None, agency, title="上月主要统计数据", now=earlier,
                                   scheduled_at=earlier.replace(second=0, microsecond=0)
                                   + dt.timedelta(minutes=1), allow_past=True)
    services.load_rows(None, past, [RawRow(i + 2, {"indicator": indicator.code,
                                                   "region": region.code, "period": "2016M12",
                                                   "value": "99.0"})
                                    for i, region in enumerate(regions)], now=earlier)
    at = (now + dt.timedelta(seconds=100)).replace(second=0, microsecond=0)
    release = services.create_release(None, agency, title="本月主要统计数据", scheduled_at=at,
                                      now=now)
    rows = []
    for n in range(1000):
        region = regions[n % 10]
        year, month = 2017 + (n // 10) // 12, 1 + (n // 10) % 12
        value = MARKER if n == 999 else f"{100 + n * 0.1:.1f}"
        rows.append(RawRow(n + 2, {"indicator": indicator.code, "region": region.code,
                                   "period": f"{year}M{month:02d}", "value": value}))
    services.load_rows(None, release, rows, now=now)
    last = rows[-1].fields
    services.save_text(None, release, kind=TextKind.INTERPRETATION, title="本月数据解读",
                       body=[("data_text", f"零售总额{{B01.RETAIL|{last['region']}|"
                                           f"{last['period']}}}。")], now=now)
    return {"release": release.pk, "at": at.timestamp(), "indicator": indicator.code,
            "region": last["region"], "period": last["period"]}


# --- the clients ---------------------------------------------------------------------------

def client_loop(paths: list[str], start: float, stop: float, out: list[dict[str, Any]]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    n = 0
    while time.time() < start:
        time.sleep(0.005)
    while time.time() < stop:
        path = paths[n % len(paths)]
        n += 1
        sent = time.time()
        record: dict[str, Any] = {"path": path[:20], "sent": sent}
        try:
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            body = response.read()
            record.update(status=response.status, secret=MARKER.encode() in body)
        except Exception as exc:  # counted as an error, then a fresh connection
            record.update(status=0, error=type(exc).__name__, secret=False)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        record["received"] = time.time()
        out.append(record)
    conn.close()


def wait_until_up(deadline: float) -> None:
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/sjfb/rc/", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


def run(clients: int, workers: int, threads: int) -> dict[str, Any]:
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(["psql", f"{POSTGRES}/postgres", "-q", "-c", sql], check=True)
    env = {**os.environ, "DATABASE_URL": f"{POSTGRES}/{DB_NAME}",
           "DJANGO_SETTINGS_MODULE": "release_minute_settings",
           "PYTHONPATH": f"{ROOT / 'bench'}{os.pathsep}{ROOT}",
           "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
           "DEBUG": "0", "LOG_LEVEL": "ERROR", "STATIC_MANIFEST": "0",
           "ALLOWED_HOSTS": "127.0.0.1", "GONGKAI_VAR_DIR": str(RESULTS / "var"),
           "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    env.pop("REDIS_URL", None)
    log("migrate")
    subprocess.run([PYTHON, "-m", "gongkai", "migrate", "--no-input", "-v", "0"], env=env,
                   check=True, cwd=ROOT)
    log("data")
    done = subprocess.run([PYTHON, __file__, "--worker"], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True)
    info: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    at = float(info["at"])
    log(f"release {info['release']} at {dt.datetime.fromtimestamp(at, dt.UTC):%H:%M:%S} UTC;"
        " gunicorn")
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "gongkai.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(workers), "--threads", str(threads), "-k", "gthread",
         "--backlog", "2048", "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        wait_until_up(time.time() + 60)
        if time.time() > at - WINDOW - 2:
            raise SystemExit("setup took too long; the release second has passed")
        paths = [f"/sjfb/release/{info['release']}/",
                 f"/api/v1/stats/tables/{info['indicator']}/data?valueCodes[region]="
                 f"{info['region']}&valueCodes[period]=*"]
        records: list[dict[str, Any]] = []
        pool = [threading.Thread(target=client_loop,
                                 args=(paths[i % 2:] + paths[:i % 2], at - WINDOW, at + WINDOW,
                                       records)) for i in range(clients)]
        log(f"{clients} clients from -{WINDOW:.0f} s to +{WINDOW:.0f} s")
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return summarise(records, at, clients, workers, threads)


def summarise(records: list[dict[str, Any]], at: float, clients: int, workers: int,
              threads: int) -> dict[str, Any]:
    errors = [r for r in records if r["status"] != 200]
    early = [r for r in records if r["secret"] and r["received"] < at]
    stale = [r for r in records if not r["secret"] and r["sent"] >= at + 1.0
             and r["status"] == 200]
    before = [1000 * (r["received"] - r["sent"]) for r in records if r["received"] < at]
    after = [1000 * (r["received"] - r["sent"]) for r in records if r["sent"] >= at]
    first_with = min((r["received"] - at for r in records if r["secret"]), default=None)
    return {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "clients": clients, "gunicorn": f"{workers} workers × {threads} threads (gthread)",
        "requests": len(records), "errors": len(errors),
        "error_kinds": sorted({str(r.get("error") or r["status"]) for r in errors}),
        "early_responses_with_data": len(early),
        "stale_responses_1s_after": len(stale),
        "first_response_with_data_after_s": None if first_with is None else round(first_with, 3),
        "requests_per_second": round(len(records) / (2 * WINDOW), 1),
        "before_ms": {"median": round(statistics.median(before), 1) if before else None,
                      "p95": round(percentile(before, 0.95), 1)},
        "after_ms": {"median": round(statistics.median(after), 1) if after else None,
                     "p95": round(percentile(after, 0.95), 1)},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(setup_data()))
        return
    result = run(args.clients, args.workers, args.threads)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"release-minute-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\n| clients | requests | errors | early (data before the second) "
          f"| stale (no data ≥1 s after) | median before / after |\n|---|---|---|---|---|---|\n"
          f"| {result['clients']} | {result['requests']} | {result['errors']} "
          f"| {result['early_responses_with_data']} | {result['stale_responses_1s_after']} "
          f"| {result['before_ms']['median']} / {result['after_ms']['median']} ms |")


if __name__ == "__main__":
    main()
