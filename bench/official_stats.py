"""Statistics data API benchmark: 1,000,000 observations (docs/performance.md).

For each engine (SQLite, PostgreSQL) it creates a scratch database, migrates it and bulk
loads a synthetic but realistically shaped data set: 210 indicators × 40 regions × 121
months (2016-12 … 2026-12), one release per month, 2 % of the cells revised by the next
month's release (a second vintage), and the last month's release still under embargo —
1,016,400 + about 20,000 revision rows in all. Then, in fresh processes so that the loading
does not pollute the memory figures, it measures through the whole Django stack (test
client, all middleware):

* the JSON-stat 2.0 answer of GET /api/v1/stats/tables/{id}/data for a 10-year monthly
  series of 8 regions (960 cells), three ways: *first after a release* (the whole cache
  cleared before each call: table list, codelists and data are read from the database),
  *new selection* (a random indicator and a random 8 of the 40 regions, so the answer is
  not cached but the table's codelists are), and *repeated* (the answer cached under the
  release epoch). Goal: median <= 20 ms.
* GET /api/v1/stats/bulk: the CSV export of every public observation (latest vintage),
  streamed; rows, MB, seconds, and the peak RSS growth of the process while streaming
  (flat memory = growth independent of the number of rows).

    .venv/bin/python bench/official_stats.py [--engines sqlite,postgresql] [--repeats 50]

Writes bench/results/official-stats-<time>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"

INDICATORS = 210
REGIONS = 40
REVISED_SHARE = 0.02
SERIES_REGIONS = 8


def log(message: str) -> None:
    print(f"[stats-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1048576


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- Loading ------------------------------------------------------------------------------

def region_rows() -> list[tuple[str, str, bool]]:
    names = [("210300", "鞍山市", True), ("210302", "铁东区", True), ("210303", "铁西区", True),
             ("210304", "立山区", True), ("210311", "千山区", True), ("210321", "台安县", True),
             ("210323", "岫岩满族自治县", True), ("210381", "海城市", True),
             ("210300-GX", "鞍山高新技术产业开发区", False),
             ("210300-KF", "鞍山经济开发区", False)]
    for i in range(REGIONS - len(names)):
        names.append((f"210381{100 + i:03d}", f"海城市第{i + 1}镇（示例）", True))
    return names


def load() -> dict[str, Any]:
    """Bulk load with executemany/COPY straight into the tables (the loading services
    validate row by row, which is not what this benchmark measures)."""
    setup_django()
    from django.db import connection, transaction
    from django.utils import timezone

    from gongkai.core.models import Agency
    from gongkai.official_stats.models import Indicator, Region, Release

    rng = random.Random(20260415)
    started = time.perf_counter()
    agency = Agency.objects.create(name="鞍山市统计局（测试）", short_name="鞍山市局", slug="bench",
                                   code="11210300MB0000000X", office_name="办公室",
                                   office_address="鞍山市", office_hours="工作日",
                                   office_phone="0412-2220000")
    groups = [Indicator.objects.create(code=f"G{g:02d}", name=f"指标分类{g}", is_group=True,
                                       sort_order=g) for g in range(INDICATORS // 10)]
    indicators = Indicator.objects.bulk_create(
        Indicator(code=f"G{i // 10:02d}.I{i:03d}", name=f"示例指标{i}", parent=groups[i // 10],
                  unit="亿元", decimals=1, sort_order=i) for i in range(INDICATORS))
    regions = Region.objects.bulk_create(
        Region(code=code, name=name, is_administrative=admin, sort_order=i)
        for i, (code, name, admin) in enumerate(region_rows()))
    months = [(2016, 12)] + [(y, m) for y in range(2017, 2027) for m in range(1, 13)]
    shanghai = dt.timezone(dt.timedelta(hours=8))
    now = timezone.now()
    releases = []
    for n, (y, m) in enumerate(months):
        # Month m is released on the 15th of the next month at 09:30, except that the last
        # month's release lies 30 days ahead (the embargoed one) and every other release
        # lies in the past, whatever the day the benchmark runs.
        ry, rm = (y + 1, 1) if m == 12 else (y, m + 1)
        at = min(dt.datetime(ry, rm, 15, 9, 30, tzinfo=shanghai),
                 now - dt.timedelta(days=30 * (len(months) - 1 - n)))
        if n == len(months) - 1:
            at = now + dt.timedelta(days=30)
        releases.append(Release.objects.create(agency=agency, title=f"{y}年{m}月数据",
                                               scheduled_at=at.replace(second=0, microsecond=0),
                                               status="scheduled"))
    # SQLite keeps datetimes as UTC text: write them as the ORM would.
    stamps = [connection.ops.adapt_datetimefield_value(r.scheduled_at)
              if connection.vendor == "sqlite" else r.scheduled_at for r in releases]
    rows: list[tuple[Any, ...]] = []
    for n, (y, m) in enumerate(months):
        period = f"{y}M{m:02d}"
        for ind in indicators:
            for reg in regions:
                rows.append((releases[n].pk, ind.pk, reg.pk, period, "M",
                             f"{rng.uniform(1, 999):.1f}", 1, "final", "", stamps[n], n))
    # A revision of month n comes with month n+1's release, which must itself be public.
    revisable = [row for row in rows if row[-1] <= len(months) - 3]
    revisions = [(releases[row[-1] + 1].pk, *row[1:5], f"{float(row[5]) * 1.01:.1f}", 1,
                  "revised", "", stamps[row[-1] + 1])
                 for row in rng.sample(revisable, int(len(rows) * REVISED_SHARE))]
    all_rows = [row[:-1] for row in rows] + revisions
    del rows, revisable
    columns = ("release_id", "indicator_id", "region_id", "period", "period_kind", "value",
               "decimals", "status", "footnote", "release_at")
    log(f"inserting {len(all_rows):,} observations ({connection.vendor})")
    insert_started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                    f"COPY official_stats_observation ({', '.join(columns)}) FROM STDIN") as copy:
                for row in all_rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = (f"INSERT INTO official_stats_observation ({', '.join(columns)}) "  # noqa: S608
                   f"VALUES ({placeholders})")
            for i in range(0, len(all_rows), 50_000):
                cursor.executemany(sql, all_rows[i:i + 50_000])
    insert_seconds = time.perf_counter() - insert_started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"observations": len(all_rows), "revisions": len(revisions),
            "embargoed": INDICATORS * REGIONS, "insert_seconds": round(insert_seconds, 1),
            "load_seconds": round(time.perf_counter() - started, 1)}


# --- Measuring ------------------------------------------------------------------------------

def client() -> Any:
    from django.test import Client

    return Client()


def measure_series(repeats: int) -> dict[str, Any]:
    setup_django()
    from django.core.cache import cache
    from django.test import override_settings

    from gongkai.official_stats.models import Indicator, Region

    codes = list(Indicator.objects.filter(is_group=False).values_list("code", flat=True))
    regions = list(Region.objects.order_by("sort_order").values_list("code", flat=True))
    rng = random.Random(7)
    with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False,
                           STATS_API_MAX_CALLS=10**9):
        browser = client()

        cpu: dict[str, list[float]] = {"first": [], "fresh": [], "repeated": []}

        def call(code: str, chosen: list[str], kind: str = "") -> tuple[float, dict[str, Any]]:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = browser.get(f"/api/v1/stats/tables/{code}/data",
                                   {"valueCodes[region]": ",".join(chosen),
                                    "valueCodes[period]": "top(120)"})
            elapsed = (time.perf_counter() - started) * 1000
            if kind:
                cpu[kind].append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.content[:300]
            return elapsed, json.loads(response.content)

        _, sample = call(codes[0], regions[:SERIES_REGIONS])
        first, fresh, repeated = [], [], []
        load_before = os.getloadavg()[0]
        for _ in range(repeats):
            cache.clear()
            first.append(call(rng.choice(codes), regions[:SERIES_REGIONS], "first")[0])
        for code in codes:  # the codelists of every table cached, as after some traffic
            call(code, regions[:1])
        for _ in range(repeats):
            code, chosen = rng.choice(codes), rng.sample(regions, SERIES_REGIONS)
            fresh.append(call(code, chosen, "fresh")[0])
            repeated.append(call(code, chosen, "repeated")[0])
        load_after = os.getloadavg()[0]

    def summary(samples: list[float], cpu_samples: list[float]) -> dict[str, float]:
        # Wall time is what a client sees; CPU time is this process's own work, which
        # other processes on a busy machine do not inflate as much.
        return {"median_ms": round(statistics.median(samples), 2),
                "p95_ms": round(percentile(samples, 0.95), 2),
                "cpu_median_ms": round(statistics.median(cpu_samples), 2)}

    return {
        "cells": len(sample["value"]), "filled": sum(v is not None for v in sample["value"]),
        "size": sample["size"], "samples": repeats,
        "response_kb": round(len(json.dumps(sample, ensure_ascii=False).encode()) / 1024, 1),
        "first_after_release": summary(first, cpu["first"]),
        "new_selection": summary(fresh, cpu["fresh"]),
        "repeated": summary(repeated, cpu["repeated"]),
        "load_average": [round(load_before, 1), round(load_after, 1)], "cpus": os.cpu_count(),
    }


def measure_export() -> dict[str, Any]:
    setup_django()
    from django.test import override_settings

    from gongkai.official_stats.models import Indicator

    samples: list[float] = []
    rows = 0
    size = 0
    with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False,
                           STATS_API_MAX_CALLS=10**9):
        # Load the URLconf, the API and a database connection before the baseline.
        Indicator.objects.first()
        client().get("/api/v1/stats/tables/G00.I000/data")
        baseline_rss, baseline_peak = rss_mb(), peak_rss_mb()
        started = time.perf_counter()
        response = client().get("/api/v1/stats/bulk")
        assert response.status_code == 200 and response.streaming
        for chunk in response.streaming_content:
            size += len(chunk)
            rows += chunk.count(b"\n")
            if len(samples) < 100_000:
                samples.append(rss_mb())
        seconds = time.perf_counter() - started
    quarter = max(1, len(samples) // 4)
    return {
        "rows": rows - 1, "mb": round(size / 1048576, 1), "seconds": round(seconds, 1),
        "rows_per_second": round((rows - 1) / seconds),
        "baseline_rss_mb": round(baseline_rss, 1),
        "peak_rss_growth_mb": round(peak_rss_mb() - baseline_peak, 1),
        "rss_after_first_quarter_mb": round(statistics.median(samples[:quarter]), 1),
        "rss_in_last_quarter_mb": round(statistics.median(samples[-quarter:]), 1),
    }


# --- Driver ---------------------------------------------------------------------------------

def database_url(engine: str, postgres: str, name: str) -> str:
    if engine == "sqlite":
        path = RESULTS / "official-stats.sqlite3"
        for leftover in RESULTS.glob("official-stats.sqlite3*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", f"{postgres}/postgres", "-q", "-c", sql], check=True)
    return f"{postgres}/{name}"


def run_step(env: dict[str, str], step: str, repeats: int) -> dict[str, Any]:
    done = subprocess.run([PYTHON, __file__, "--worker", step, "--repeats", str(repeats)],
                          env=env, check=False, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{step}: the worker failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_engine(engine: str, repeats: int, postgres: str, name: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": database_url(engine, postgres, name),
           "DJANGO_SETTINGS_MODULE": "gongkai.settings",
           "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
           "DEBUG": "0", "LOG_LEVEL": "WARNING", "GONGKAI_VAR_DIR": str(RESULTS / "var"),
           "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    env.pop("REDIS_URL", None)  # local-memory cache: the embedded setup
    log(f"{engine}: migrate")
    subprocess.run([PYTHON, "-m", "gongkai", "migrate", "--no-input", "-v", "0"], env=env,
                   check=True, cwd=ROOT)
    log(f"{engine}: load")
    result = {"engine": engine, "load": run_step(env, "load", repeats)}
    log(f"{engine}: loaded {result['load']['observations']:,} rows in "
        f"{result['load']['insert_seconds']} s; JSON-stat series")
    result["series"] = run_step(env, "series", repeats)
    log(f"{engine}: new-selection median "
        f"{result['series']['new_selection']['median_ms']} ms; CSV export")
    result["export"] = run_step(env, "export", repeats)
    log(f"{engine}: export {result['export']['rows']:,} rows in {result['export']['seconds']} s,"
        f" peak RSS growth {result['export']['peak_rss_growth_mb']} MB")
    return result


def markdown(results: list[dict[str, Any]]) -> str:
    lines = ["| engine | rows in db | JSON-stat 8×120: first after a release | new selection | "
             "repeated | CSV export rows | MB | s | peak RSS growth MB | "
             "RSS 1st → last quarter MB |", "|" + "---|" * 10]

    def ms(part: dict[str, float]) -> str:
        return f"{part['median_ms']} / {part['p95_ms']} ms (CPU {part['cpu_median_ms']})"

    for r in results:
        s, e = r["series"], r["export"]
        lines.append(
            f"| {r['engine']} | {r['load']['observations']:,} | {ms(s['first_after_release'])} | "
            f"{ms(s['new_selection'])} | {ms(s['repeated'])} | "
            f"{e['rows']:,} | {e['mb']} | {e['seconds']} | {e['peak_rss_growth_mb']} | "
            f"{e['rss_after_first_quarter_mb']} → {e['rss_in_last_quarter_mb']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL, no database")
    parser.add_argument("--db-name", default="gongkai_bench_stats")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        step = {"load": load, "series": lambda: measure_series(args.repeats),
                "export": measure_export}[args.worker]
        print(json.dumps(step(), ensure_ascii=False))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = [run_engine(engine, args.repeats, args.postgres, args.db_name)
               for engine in args.engines.split(",")]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"official-stats-{stamp}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2))
    print(markdown(results))


if __name__ == "__main__":
    main()
