"""Issue 9 §1: the shipped stack (nginx with the micro-cache → gunicorn) against its goals.

    .venv/bin/python bench/web_stack.py [--duration 15] [--connections 32] [--clients 200]

On the benchmark database of bench/run.py (PostgreSQL ``gongkai_bench``, 10,000 published
items; built by bench/run.py's seed when missing) it

1. adds what the run needs: a public statistics release with data (once), and, right before
   the spike, a release under embargo at the next full minute at least 60 s ahead;
2. starts gunicorn as shipped (deploy/gunicorn.conf.py: 2 sync workers here) and nginx with
   deploy/nginx/*.conf (micro-cache included; paths and ports substituted, as bench/run.py
   does), with ``GONGKAI_EDGE_PURGE_URL`` pointing at that nginx;
3. proves the cache's guarantees with real requests: a cached page is served from the
   cache; publishing an item shows it on its column at once and unpublishing removes it at
   once; sessions, POSTs, the admin and the 查询码 tracking form never come from the cache;
   reading modes are cached apart;
4. measures with wrk, per page (home, a column, an item, the catalog list, a statistics
   release page): nginx serving the page saved as a file, and the full stack with the
   micro-cache, and their ratio (goal ≥ 50 %); gunicorn alone (no edge cache) on the item
   page (goal ≥ 1,000 requests/s); the workers' RSS after the warm-up and after the runs
   (goal ≤ 200 MB); the median uncached render of the five pages in-process
   (bench/measure.py, cache cleared before each request; goal ≤ 10 ms);
5. the release spike: ``--clients`` connections (three wrk processes, one per URL: the
   release page, its data API, the home page) from 5 s before to 5 s after the embargoed
   release's second, through nginx. Counted: errors, p50/p99 latency, responses with the
   data *received* before the second (must be 0) and responses without the data
   *received* 1 s or more after it (must be 0; stricter than "sent", which wrk's scripting
   cannot see). The wrk processes run under ``nice -n 10``: on this single machine they
   would otherwise take the CPU gunicorn needs for the renders the release second causes.

Writes bench/results/web-stack-<time>.json and prints Markdown tables with the load
average next to every figure (the machine is shared). Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the helpers of bench/run.py

ROOT = bench.ROOT
RESULTS = bench.RESULTS
HOST = bench.HOST
PYTHON = bench.PYTHON
INDICATOR = "H1.EDGE"
PAGES = ("home", "column", "item", "list", "release")
PAGE_LABELS = {
    "home": "Home page",
    "column": "Column (list of items)",
    "item": "Item page",
    "list": "Catalog list (10,000 items)",
    "release": "Statistics release page",
}
# The services take the acting user; None is the system (no permission check).
SYSTEM: Any = None
GOALS = {"ratio": 0.5, "app_rps": 1000, "render_ms": 10, "rss_mb": 200, "p99_ms": 300}
# Production settings with the data API's per-address limit lifted (all clients are 127.0.0.1).
SETTINGS_OVERRIDES = {
    "DJANGO_SETTINGS_MODULE": "release_minute_settings",
    "PYTHONPATH": f"{ROOT / 'bench'}{os.pathsep}{ROOT}",
    "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
}


def log(message: str) -> None:
    print(f"[web-stack {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def uptime() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- worker steps (run inside Django, with the bench database's environment) ----------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def worker_setup(window: float, with_spike: bool) -> dict[str, Any]:
    """A public release with data (once); with *with_spike*, a new embargoed release at the next
    full minute at least *window* seconds ahead."""
    _django()
    from django.utils import timezone

    from gongkai.core.models import Agency
    from gongkai.official_stats import services
    from gongkai.official_stats.enums import TextKind
    from gongkai.official_stats.loading import RawRow
    from gongkai.official_stats.models import Indicator, Region, Release

    agency = Agency.objects.get(slug="bench")
    indicator, _ = Indicator.objects.get_or_create(
        code=INDICATOR,
        defaults={"name": "社会消费品零售总额（边缘缓存基准）", "unit": "亿元", "decimals": 1},
    )
    regions = [
        Region.objects.get_or_create(
            code=f"2199{i:02d}", defaults={"name": f"基准地区{i}", "sort_order": i}
        )[0]
        for i in range(1, 11)
    ]
    now = timezone.now()
    public = Release.objects.filter(agency=agency, title="边缘缓存基准：上月数据").first()
    if public is None:
        earlier = now - dt.timedelta(days=30)
        public = services.create_release(
            SYSTEM,
            agency,
            title="边缘缓存基准：上月数据",
            now=earlier,
            allow_past=True,
            scheduled_at=earlier.replace(second=0, microsecond=0) + dt.timedelta(minutes=1),
        )
        services.load_rows(
            SYSTEM,
            public,
            [
                RawRow(
                    i + 2,
                    {
                        "indicator": indicator.code,
                        "region": region.code,
                        "period": "2016M12",
                        "value": "99.0",
                    },
                )
                for i, region in enumerate(regions)
            ],
            now=earlier,
        )
    if not with_spike:
        return {"public_release": public.pk}
    # The spike's release: its value must be new (no earlier release carries MARKER for the
    # cell), so every run uses a period of its own.
    at = (now + dt.timedelta(seconds=window)).replace(second=0, microsecond=0) + dt.timedelta(
        minutes=1
    )
    period_index = Release.objects.filter(agency=agency).count()
    year, month = 2030 + period_index // 12, 1 + period_index % 12
    period = f"{year}M{month:02d}"
    spike = services.create_release(
        SYSTEM, agency, title=f"边缘缓存基准：{period}数据", scheduled_at=at, now=now
    )
    region = regions[0]
    # The embargoed value as published: unique to this run, as earlier runs' are public.
    marker = f"{8000 + period_index}.7"
    services.load_rows(
        SYSTEM,
        spike,
        [
            RawRow(
                2,
                {
                    "indicator": indicator.code,
                    "region": region.code,
                    "period": period,
                    "value": marker,
                },
            )
        ],
        now=now,
    )
    services.save_text(
        SYSTEM,
        spike,
        kind=TextKind.INTERPRETATION,
        title="数据解读",
        body=[("data_text", f"零售总额{{{indicator.code}|{region.code}|{period}}}。")],
        now=now,
    )
    return {
        "public_release": public.pk,
        "spike_release": spike.pk,
        "at": at.timestamp(),
        "marker": marker,
        "api": f"/api/v1/stats/tables/{indicator.code}/data?valueCodes%5Bregion%5D="
        f"{region.code}&valueCodes%5Bperiod%5D=*",
    }


def worker_publish(column_path: str, title: str, expire_at: float | None = None) -> dict[str, Any]:
    """Publish an item on a column through Wagtail (the purge is sent after the commit),
    leaving the site at the Unix time *expire_at* if given."""
    _django()
    from gongkai.catalog.models import ColumnPage
    from gongkai.testing import make_item

    column = ColumnPage.objects.get(url_path__endswith=column_path)
    expiry = None if expire_at is None else dt.datetime.fromtimestamp(expire_at, tz=dt.UTC)
    item = make_item(column, title=title, expire_at=expiry)
    return {"id": item.pk, "url": item.url}


def worker_unpublish(page_id: int) -> dict[str, Any]:
    """Unpublish the test item, then delete it: the benchmark database keeps exactly its
    seeded items (bench/seed.py reuses it only then)."""
    _django()
    from wagtail.models import Page

    page = Page.objects.get(pk=page_id).specific
    page.unpublish()
    page.delete()
    return {"id": page_id}


def in_worker(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, __file__, "--worker", *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"worker step {args[0]} failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- HTTP helpers ---------------------------------------------------------------------------------


def fetch(
    url: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        url, headers=headers or {}, method=method, data=b"" if method == "POST" else None
    )
    return bench.http_get(url, headers) if method == "GET" else _send(request)


def _send(request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def cache_checks(
    app: str, urls: dict[str, str], env: dict[str, str], prefix: Path
) -> list[dict[str, Any]]:
    """The micro-cache's guarantees, with real requests through nginx."""
    checks: list[dict[str, Any]] = []

    def check(name: str, ok: bool, detail: str) -> None:
        checks.append({"check": name, "ok": ok, "detail": detail})
        log(f"check {'ok ' if ok else 'FAILED'} {name}: {detail}")

    statuses = []
    for _ in range(3):
        status, headers, _ = fetch(app + urls["item"])
        statuses.append(headers.get("x-cache", "-"))
    check("a public page comes from the cache", statuses[-1] == "HIT", ", ".join(statuses))
    _, headers, _ = fetch(app + urls["item"])
    check(
        "X-Accel-Expires is not shown to visitors",
        "x-accel-expires" not in headers,
        str(headers.get("x-accel-expires")),
    )

    # Publishing: the column lists the new item at once (its cached copy is gone).
    fetch(app + urls["column"])
    _, headers, before = fetch(app + urls["column"])
    title = f"边缘缓存发布测试{int(time.time())}"
    published_at = time.time()
    item = in_worker(env, "publish", urls["column"], title)
    status, headers_after, after = fetch(app + urls["column"])
    delay = time.time() - published_at
    check(
        "a publish is visible at once on its column",
        headers.get("x-cache") == "HIT"
        and title.encode() in after
        and title.encode() not in before,
        f"column was {headers.get('x-cache')} before; after the publish "
        f"{headers_after.get('x-cache')}, new title listed: {title.encode() in after} "
        f"({delay:.1f} s after starting the publish command)",
    )
    status, _, _ = fetch(app + item["url"])
    fetch(app + item["url"])
    status_hit, headers_hit, _ = fetch(app + item["url"])
    in_worker(env, "unpublish", str(item["id"]))
    status_gone, headers_gone, _ = fetch(app + item["url"])
    check(
        "an unpublish removes the page at once",
        status == 200 and headers_hit.get("x-cache") == "HIT" and status_gone == 404,
        f"{status} → {status_hit} {headers_hit.get('x-cache')} → after unpublish "
        f"{status_gone} {headers_gone.get('x-cache')}",
    )

    # Never from the cache.
    seen = [
        fetch(app + urls["item"], {"Cookie": "sessionid=bench"})[1].get("x-cache") for _ in range(2)
    ]
    check("a session bypasses the cache", seen == ["BYPASS", "BYPASS"], ", ".join(map(str, seen)))
    seen = [fetch(app + "/ysqgk/track/")[1].get("x-cache") for _ in range(3)]
    check("the 查询码 tracking form is never stored", "HIT" not in seen, ", ".join(map(str, seen)))
    status, headers, _ = fetch(app + "/ysqgk/track/", method="POST")
    check(
        "a POST is not cached",
        headers.get("x-cache") in (None, "MISS", "BYPASS"),
        f"{status} {headers.get('x-cache')}",
    )
    seen = [fetch(app + "/admin/login/")[1].get("x-cache") for _ in range(2)]
    check("the admin is never stored", "HIT" not in seen, ", ".join(map(str, seen)))
    # Reading modes: cached apart.
    _, _, plain = fetch(app + urls["item"])
    traditional = b""
    modes = []
    for _ in range(2):
        _, headers, traditional = fetch(app + urls["item"], {"Cookie": "gk_script=traditional"})
        modes.append(headers.get("x-cache"))
    check(
        "reading modes are cached apart",
        traditional != plain and modes[-1] == "HIT",
        f"繁體 body differs from 简体: {traditional != plain}; 繁體 {', '.join(map(str, modes))}",
    )
    _, headers, odd = fetch(
        app + urls["item"], {"Cookie": "gk_script=traditional; gk_script=simplified"}
    )
    _, headers2, _ = fetch(
        app + urls["item"], {"Cookie": "gk_script=traditional; gk_script=simplified"}
    )
    check(
        "a cookie nginx reads otherwise than Django is not stored under the wrong mode",
        headers2.get("x-cache") != "HIT" or odd == traditional,
        f"{headers.get('x-cache')}, {headers2.get('x-cache')}",
    )
    expiry_check(app, urls, env, check)
    log_check(app, urls, prefix, check)
    return checks


def log_check(
    app: str, urls: dict[str, str], prefix: Path, check: Callable[[str, bool, str], None]
) -> None:
    """Neither nginx's nor gunicorn's access log keeps a survey code or link token, in the
    request line or in the referer (gongkai/core/access_log.py)."""
    secret = f"SECRET{int(time.time())}"
    fetch(f"{app}{urls['item']}?code={secret}A&x=1", {"Referer": f"{app}/s/?t={secret}B"})
    fetch(f"{app}{urls['item']}?x=1;t={secret}C", {"Referer": f"{app}/s/?x=1&code={secret}D"})
    logs = {
        "nginx": prefix / "gongkai-access.log",
        "gunicorn": prefix / "gunicorn.log",
    }
    leaks, redacted = [], []
    for name, path in logs.items():
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        if secret in text:
            leaks.append(name)
        if text.count("[redacted]") >= 4:
            redacted.append(name)
    check(
        "the access logs keep no survey code or link token",
        not leaks and len(redacted) == len(logs),
        f"leaked in: {', '.join(leaks) or 'none'}; redacted in: {', '.join(redacted) or 'none'}",
    )


def expiry_check(
    app: str, urls: dict[str, str], env: dict[str, str], check: Callable[[str, bool, str], None]
) -> None:
    """A page past its expire_at is never served, not even for the second nginx may show a
    stale copy in (docs/edge-cache.md): eight clients ask for a cached page across its
    expiry; no request sent at or after the expiry may get a 200."""
    expire_at = math.floor(time.time()) + 6.5
    title = f"边缘缓存到期测试{int(time.time())}"
    item = in_worker(env, "publish", urls["column"], title, str(expire_at))
    url = app + item["url"]
    fetch(url)
    cached = fetch(url)[1].get("x-cache")
    late: list[float] = []
    statuses: list[str] = []
    lock = threading.Lock()

    def ask() -> None:
        while (sent := time.time()) < expire_at + 2:
            status, headers, _ = fetch(url)
            with lock:
                statuses.append(f"{status} {headers.get('x-cache')}")
                if status == 200 and sent >= expire_at:
                    late.append(sent - expire_at)

    workers = [threading.Thread(target=ask) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    in_worker(env, "unpublish", str(item["id"]))
    counts = collections.Counter(statuses)
    check(
        "a page past its expire_at is never served (no stale second)",
        cached == "HIT" and not late and counts.get("404 MISS", 0) + counts.get("404 HIT", 0) > 0,
        f"cached: {cached}; 200s to requests sent after the expiry: {len(late)}"
        + (f" (up to +{max(late):.3f} s)" if late else "")
        + f"; responses: {dict(counts)}",
    )


# --- wrk ------------------------------------------------------------------------------------------

SPIKE_LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } gk_timeval;
int gettimeofday(gk_timeval *tv, void *tz);
]]
local tv = ffi.new("gk_timeval")
local function now()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end
local AT = __AT__
local MARKER = "__MARKER__"
local CHECK = __CHECK__
local threads = {}
early, stale, with_data, non200, first_data, total = 0, 0, 0, 0, 1e18, 0

function setup(thread) table.insert(threads, thread) end

function response(status, headers, body)
  local t = now()
  total = total + 1
  if status ~= 200 then non200 = non200 + 1 return end
  if not CHECK then return end
  local has = body ~= nil and string.find(body, MARKER, 1, true) ~= nil
  if has then
    with_data = with_data + 1
    if t < AT then early = early + 1 end
    if t < first_data then first_data = t end
  elseif t >= AT + 1 then
    stale = stale + 1
  end
end

function done(summary, latency, requests)
  local r = {early = 0, stale = 0, with_data = 0, non200 = 0, total = 0, first_data = 1e18}
  for _, th in ipairs(threads) do
    r.early = r.early + th:get("early")
    r.stale = r.stale + th:get("stale")
    r.with_data = r.with_data + th:get("with_data")
    r.non200 = r.non200 + th:get("non200")
    r.total = r.total + th:get("total")
    local f = th:get("first_data")
    if f < r.first_data then r.first_data = f end
  end
  local e = summary.errors
  io.write(string.format(
    'SPIKE {"requests": %d, "early": %d, "stale": %d, "with_data": %d, "non200": %d, ' ..
    '"first_data": %.3f, "socket_errors": %d, "p50_ms": %.1f, "p99_ms": %.1f, ' ..
    '"max_ms": %.1f, "counted": %d}\n',
    summary.requests, r.early, r.stale, r.with_data, r.non200,
    r.first_data < 1e17 and (r.first_data - AT) or -1,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    r.total))
end
"""


def spike(
    app: str, paths: dict[str, str], at: float, marker: str, clients: int, prefix: Path
) -> dict[str, Any]:
    """Three wrk processes (one per URL) over the release second; counts per URL."""
    per_url = max(1, clients // len(paths))
    window = 5.0
    processes: dict[str, subprocess.Popen[str]] = {}
    for name in paths:
        script = prefix / f"spike-{name}.lua"
        script.write_text(
            SPIKE_LUA.replace("__AT__", repr(at))
            .replace("__MARKER__", marker)
            .replace("__CHECK__", "false" if name == "home" else "true")
        )
    # Visitors before the window: the pages are in the cache when it opens.
    while time.time() < at - window - 3:
        time.sleep(0.05)
    for path in paths.values():
        fetch(app + path)
    while time.time() < at - window:
        time.sleep(0.01)
    load_before = uptime()
    late = time.time() - (at - window)
    for name, path in paths.items():
        # The clients run at a lower priority: on this one machine they would otherwise take
        # the CPU the application needs to render the pages the release changes (real
        # visitors' CPUs are elsewhere).
        processes[name] = subprocess.Popen(
            [
                "nice",
                "-n",
                "10",
                "wrk",
                "-t1",
                f"-c{per_url}",
                f"-d{int(2 * window)}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                str(prefix / f"spike-{name}.lua"),
                app + path,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    result: dict[str, Any] = {
        "clients": per_url * len(paths),
        "window_s": 2 * window,
        "loadavg_before": load_before,
        "urls": {},
    }
    for name, process in processes.items():
        out, _ = process.communicate(timeout=120)
        found = re.search(r"^SPIKE (\{.*\})$", out, re.MULTILINE)
        result["urls"][name] = json.loads(found[1]) if found else {"error": out[-2000:]}
    result["loadavg_after"] = uptime()
    if late > 0.5:  # the window must contain the release second, with time on both sides
        result["invalid"] = f"the clients started {late:.1f} s late"
    runs = [r for r in result["urls"].values() if "error" not in r]
    result["totals"] = {
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(r["non200"] + r["socket_errors"] for r in runs)
        + 1000 * (len(paths) - len(runs)),
        "early": sum(r["early"] for r in runs),
        "stale": sum(r["stale"] for r in runs),
        "p50_ms_max": max((r["p50_ms"] for r in runs), default=0),
        "p99_ms_max": max((r["p99_ms"] for r in runs), default=0),
        "first_data_s": min((r["first_data"] for r in runs if r["first_data"] >= 0), default=None),
    }
    return result


# --- the run --------------------------------------------------------------------------------------


def measure_renders(url: str, urls: dict[str, str], requests: int) -> dict[str, Any]:
    done = bench.run_checked(
        [PYTHON, str(ROOT / "bench" / "measure.py"), json.dumps(urls), "--requests", str(requests)],
        bench.db_env(url),
        "in-process measurement",
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", bench.DEFAULT_POSTGRES_URL)
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clients", type=int, default=200, help="release spike connections")
    parser.add_argument("--render-requests", type=int, default=100)
    parser.add_argument("--skip-spike", action="store_true")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        step, *rest = args.worker
        if step == "setup":
            print(json.dumps(worker_setup(float(rest[0]), rest[1] == "spike")))
        elif step == "publish":
            expire_at = float(rest[2]) if len(rest) > 2 else None
            print(json.dumps(worker_publish(rest[0], rest[1], expire_at)))
        elif step == "unpublish":
            print(json.dumps(worker_unpublish(int(rest[0]))))
        return
    if (missing := bench.ensure_tools(True)) is not None:
        raise SystemExit(missing)
    if not bench.postgres_reachable(args.postgres_url):
        raise SystemExit(f"PostgreSQL not reachable at {args.postgres_url}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "uptime_at_start": uptime(),
        "environment": bench.environment(args.postgres_url),
        "wrk": {
            "duration_s": args.duration,
            "connections": args.connections,
            "threads": args.threads,
        },
    }
    log(f"load average {uptime()}; gongkai collectstatic")
    bench.run_checked(
        [PYTHON, "-m", "gongkai", "collectstatic", "--noinput", "-v", "0"],
        bench.base_env(),
        "collectstatic",
    )
    seeded = bench.prepare_database("postgresql", args.postgres_url, args.items)
    ports = {
        "gunicorn": bench.free_port(18101),
        "app": bench.free_port(18180),
        "static": bench.free_port(18181),
    }
    app = f"http://{HOST}:{ports['app']}"
    direct = f"http://{HOST}:{ports['gunicorn']}"
    env = {
        **bench.db_env(args.postgres_url),
        **SETTINGS_OVERRIDES,
        "GONGKAI_EDGE_PURGE_URL": f"{app}/_edge/purge",
    }
    public = in_worker(env, "setup", "0", "public")
    item = seeded["urls"]["item"]
    urls = {
        "home": "/",
        "column": item.rsplit("/", 2)[0] + "/",
        "item": item,
        "list": seeded["urls"]["list"],
        "release": f"/sjfb/release/{public['public_release']}/",
    }
    results["urls"] = urls

    prefix = Path(tempfile.mkdtemp(prefix="gongkai-web-stack-"))
    prefix.chmod(0o755)
    (prefix / "html").mkdir()
    config = bench.nginx_config(prefix, ports["gunicorn"], ports["app"], ports["static"], None)
    overrides = {**SETTINGS_OVERRIDES, "GONGKAI_EDGE_PURGE_URL": f"{app}/_edge/purge"}
    with (
        bench.nginx(config, prefix) as nginx_process,
        bench.gunicorn(args.postgres_url, ports["gunicorn"], prefix, overrides) as master,
    ):
        bench.wait_for(direct + urls["item"], master)
        bench.wait_for(app + urls["item"], nginx_process)
        for page, path in urls.items():  # every worker has rendered every page
            status, _, body = fetch(direct + path)
            if status != 200:
                raise SystemExit(f"{page} {path}: {status}")
            (prefix / "html" / f"{page}.html").write_bytes(body)
            bench.wrk(direct + path, 2, 4, 2)
        results["rss_after_warmup"] = bench.worker_rss(master)
        results["checks"] = cache_checks(app, urls, env, prefix)
        if not args.skip_spike:
            # Created now, after the checks, so that the release second cannot pass before
            # the clients start (the next full minute at least 60 s ahead).
            data = in_worker(env, "setup", "60", "spike")
            at = float(data["at"])
            results["spike_release"] = {
                "id": data["spike_release"],
                "at": at,
                "api": data["api"],
                "marker": data["marker"],
            }
            wait = at - 5 - time.time()
            log(f"release spike in {wait:.0f} s ({args.clients} clients)")
            results["spike"] = spike(
                app,
                {
                    "release": f"/sjfb/release/{data['spike_release']}/",
                    "api": data["api"],
                    "home": "/",
                },
                at,
                data["marker"],
                args.clients,
                prefix,
            )
            after_at = fetch(app + f"/sjfb/release/{data['spike_release']}/")[2]
            results["spike"]["page_has_data_after"] = data["marker"].encode() in after_at
        runs: dict[str, Any] = {}
        for page, path in urls.items():
            log(f"wrk {page} (load {uptime()})")
            runs[page] = {
                "static": bench.wrk(
                    f"http://{HOST}:{ports['static']}/{page}.html",
                    args.duration,
                    args.connections,
                    args.threads,
                ),
                "stack": bench.wrk(app + path, args.duration, args.connections, args.threads),
            }
        log(f"wrk gunicorn alone: /robots.txt, item (load {uptime()})")
        runs["floor"] = {
            "gunicorn": bench.wrk(
                direct + bench.FLOOR_URL, args.duration, args.connections, args.threads
            )
        }
        fetch(direct + bench.FLOOR_URL)  # the queue of the previous run has drained
        runs["item"]["gunicorn"] = bench.wrk(
            direct + urls["item"], args.duration, args.connections, args.threads
        )
        fetch(direct + bench.FLOOR_URL)
        results["runs"] = runs
        results["rss_after_runs"] = bench.worker_rss(master)
    log(f"median uncached render, in-process (load {uptime()})")
    results["render"] = measure_renders(args.postgres_url, urls, args.render_requests)
    results["render"]["loadavg_after"] = uptime()
    results["uptime_at_end"] = uptime()
    results["seconds"] = round(time.perf_counter() - started, 1)
    shutil.rmtree(prefix, ignore_errors=True)
    output = RESULTS / f"web-stack-{time.strftime('%Y%m%d-%H%M%S')}.json"
    output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(markdown(results))
    print(f"\nResults: {output.relative_to(ROOT)} ({results['seconds']} s)")


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def markdown(r: dict[str, Any]) -> str:
    w = r["wrk"]
    lines = [
        f"web stack {r['started']}, load average (1/5/15 min) at start {r['uptime_at_start']}, "
        f"at end {r['uptime_at_end']}; wrk -t{w['threads']} -c{w['connections']} "
        f"-d{w['duration_s']}s",
        "",
        "| Page | nginx static req/s | full stack (micro-cache) req/s | ratio | goal ≥ 50 % "
        "| p99 ms (stack) | load before |",
        "|---|---:|---:|---:|---|---:|---|",
    ]
    for page in PAGES:
        run = r["runs"][page]
        ratio = run["stack"]["rps"] / (run["static"]["rps"] or float("nan"))
        lines.append(
            f"| {PAGE_LABELS[page]} | {run['static']['rps']:,.0f} | "
            f"{run['stack']['rps']:,.0f} | {ratio:.0%} | {_verdict(ratio >= 0.5)} | "
            f"{run['stack']['latency_ms'].get('p99', 0):.1f} | "
            f"{run['stack']['loadavg_before']} |"
        )
    gun = r["runs"]["item"]["gunicorn"]
    floor = r["runs"]["floor"]["gunicorn"]
    renders = r["render"]["pages"]
    warm_rss = max(r["rss_after_warmup"]["workers_mb"])
    median = sorted(p["median_ms"] for p in renders.values())
    lines += [
        "",
        "| Goal | Measured | Goal | Verdict |",
        "|---|---|---|---|",
        f"| gunicorn alone (2 sync workers, no edge cache), item page | "
        f"{gun['rps']:,.0f} req/s (load {gun['loadavg_before']}; floor `/robots.txt` "
        f"{floor['rps']:,.0f}) | ≥ 1,000 | {_verdict(gun['rps'] >= 1000)} |",
        "| median uncached render (in-process, cache cleared) | "
        + ", ".join(
            f"{name} {p['median_ms']:.1f} ms (CPU {p['cpu_median_ms']:.1f}, {p['queries']} q)"
            for name, p in renders.items()
        )
        + f" | ≤ 10 ms | {_verdict(max(median) <= 10)} |",
        f"| worker RSS after warm-up / after the runs | "
        f"{', '.join(map(str, r['rss_after_warmup']['workers_mb']))} / "
        f"{', '.join(map(str, r['rss_after_runs']['workers_mb']))} MB | ≤ 200 MB | "
        f"{_verdict(warm_rss <= GOALS['rss_mb'])} (after warm-up) |",
    ]
    spike_result = r.get("spike")
    if spike_result and spike_result.get("invalid"):
        lines += ["", f"Release spike: **not measured** ({spike_result['invalid']})."]
    elif spike_result:
        t = spike_result["totals"]
        lines += [
            "",
            f"Release spike: {spike_result['clients']} clients over "
            f"{spike_result['window_s']:.0f} s around the release second "
            f"(load {spike_result['loadavg_before']} → {spike_result['loadavg_after']})",
            "",
            "| URL | requests | errors | p50 ms | p99 ms | data received before the second "
            "| no data received ≥ 1 s after | first data at |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, u in spike_result["urls"].items():
            if "error" in u:
                lines.append(f"| {name} | failed: {u['error'][:200]} |||||||")
                continue
            first = f"+{u['first_data']:.2f} s" if u["first_data"] >= 0 else "—"
            lines.append(
                f"| {name} | {u['requests']:,} | {u['non200'] + u['socket_errors']} | "
                f"{u['p50_ms']:.1f} | {u['p99_ms']:.1f} | "
                f"{u['early'] if name != 'home' else '—'} | "
                f"{u['stale'] if name != 'home' else '—'} | {first} |"
            )
        ok = (
            t["errors"] == 0
            and t["early"] == 0
            and t["stale"] == 0
            and t["p99_ms_max"] <= GOALS["p99_ms"]
        )
        lines.append(
            f"| **all** | {t['requests']:,} | {t['errors']} | {t['p50_ms_max']:.1f} | "
            f"{t['p99_ms_max']:.1f} | {t['early']} | {t['stale']} | "
            f"{_verdict(ok)} |"
        )
    failed = [c for c in r["checks"] if not c["ok"]]
    lines += [
        "",
        f"Cache checks: {len(r['checks']) - len(failed)} of {len(r['checks'])} passed"
        + (
            ": FAILED " + "; ".join(f"{c['check']} ({c['detail']})" for c in failed)
            if failed
            else ""
        ),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
