"""What 1,000 agencies cost (docs/scaling.md, "A provincial platform").

Creates a scratch PostgreSQL database, migrates it, then in one Django process creates
``--agencies`` agencies with ``gongkai.site.services.create_agency`` (each with its public
section of ~20 pages, staff groups and workflow), timing every creation. Before the second
agency and after the last it measures, with the local-memory cache cleared before every
request (cold) and not cleared (warm), the time and number of queries of: agency #1's home
and column pages, the newest agency's home and column pages, and the pages that list every
agency (platform home, 互动交流, 依申请公开, the sitemap). Also the database size and rows.

    .venv/bin/python bench/agencies.py [--agencies 1000] [--minutes 600] [--keep]
                                       [--search-index update|no-search-index]

Writes bench/results/agencies-<time>.json and prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"

CHILD = r"""
import json, os, statistics, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
django.setup()
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from gongkai.core.models import Agency
from gongkai.testing import make_agency, make_platform

N = int(sys.argv[1])


def progress(message):
    print(f"[agencies-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr,
          flush=True)


def measure(path, cold):
    client = Client()
    times, queries, status = [], [], 0
    for _ in range(5):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
        status = response.status_code
        queries.append(len(captured.captured_queries))
    return {"status": status, "median_ms": round(statistics.median(times) * 1000, 1),
            "queries": max(queries)}


def column_url(agency):
    from gongkai.catalog.models import ColumnPage

    column = ColumnPage.objects.live().descendant_of(agency.home_page).order_by("path").first()
    return column.url if column is not None else f"/{agency.slug}/"


def pages(first, last):
    paths = {"agency_1_home": f"/{first.slug}/", "agency_1_column": column_url(first),
             "agency_last_home": f"/{last.slug}/", "agency_last_column": column_url(last),
             "platform_home": "/", "hdjl_index": "/hdjl/", "sitemap": "/sitemap.xml"}
    return {name: {"cold": measure(path, True), "warm": measure(path, False)}
            for name, path in paths.items()}


def size():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        db_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT sum(n_live_tup) FROM pg_stat_user_tables")
        rows = cursor.fetchone()[0]
    return {"database_mb": round(db_bytes / 2**20, 1), "rows": int(rows or 0),
            "pages": Page.objects.count(), "agencies": Agency.objects.count()}


from django.conf import settings
from gongkai.testing import valid_uscc

MINUTES = float(sys.argv[2])
if sys.argv[3] == "no-search-index":
    # Wagtail's admin search index (not the public search) is updated on every page save:
    # ~60 % of an agency's creation here. A bulk creation rebuilds it once afterwards
    # (`gongkai update_index`).
    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False
make_platform()


def create(n):
    return make_agency(slug=f"bench{n:04d}", name=f"第{n}测试局",
                       code=valid_uscc(f"1121039999{n:07d}"))


first = Agency.objects.filter(slug="bench0001").first() or create(1)
start_count = Agency.objects.count()
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
result = {"agencies_at_start": start_count, "search_index": sys.argv[3],
          "at_start": {"size": size(), "pages": pages(first, first)}}
durations = []
last = first
deadline = time.monotonic() + MINUTES * 60
n = start_count
while n < N and time.monotonic() < deadline:
    n += 1
    started = time.perf_counter()
    last = create(n)
    durations.append(time.perf_counter() - started)
    if n % 10 == 0:
        progress(f"{n} agencies, last {durations[-1] * 1000:.0f} ms")
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
result["created"] = len(durations)
result["create_seconds"] = {
    "total": round(sum(durations), 1),
    "first_10_median_ms": round(statistics.median(durations[:10]) * 1000),
    "last_10_median_ms": round(statistics.median(durations[-10:]) * 1000)}
last = Agency.objects.order_by("-pk").first()
result["at_end"] = {"size": size(), "pages": pages(first, last), "last_slug": last.slug}
print(json.dumps(result, ensure_ascii=False))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--database", default="gongkai_bench_agencies")
    parser.add_argument("--minutes", type=float, default=600,
                        help="stop creating after this long, then measure")
    parser.add_argument("--keep", action="store_true",
                        help="continue in an existing database (no drop, no migrate)")
    parser.add_argument("--search-index", choices=("update", "no-search-index"),
                        default="update")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES",
                                                             DEFAULT_POSTGRES))
    args = parser.parse_args()
    import psycopg

    if not args.keep:
        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
            conn.execute(f'CREATE DATABASE "{args.database}"')
    env = {**os.environ, "DATABASE_URL": f"{args.postgres}/{args.database}",
           "SECRET_KEY": "bench-only", "DEBUG": "0", "ALLOWED_HOSTS": "testserver",
           "STATIC_MANIFEST": "0", "LOG_LEVEL": "WARNING",
           "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    env.pop("REDIS_URL", None)
    if not args.keep:
        subprocess.run([PYTHON, "-m", "gongkai", "migrate", "--no-input", "-v", "0"],
                       cwd=ROOT, env=env, check=True)
    done = subprocess.run([PYTHON, "-c", CHILD, str(args.agencies), str(args.minutes),
                           args.search_index], cwd=ROOT, env=env,
                          capture_output=False, stdout=subprocess.PIPE, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["uptime"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"agencies-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
