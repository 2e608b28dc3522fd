"""Server time of a few pages, measured in-process through Django's WSGI handler.

Run by bench/run.py with the environment of one database (DEBUG off). Each request goes
through the full middleware stack exactly as gunicorn calls it, including the end of request
signal (which closes the SQLite connection, as under gunicorn); there is no network and no
HTTP parsing. The cache is cleared before every timed request (unless --warm-cache), and
nothing of a page is cached by the application, so every request renders the page from the
database.

    python bench/measure.py '{"item": "/bench/…/item-10000/", "list": "/bench/zwgk/xxgkml/"}'

Prints one JSON object: per page the median, p95, mean, minimum and maximum in
milliseconds (wall clock), the median CPU time of the Python process, the number of SQL
queries and the most repeated query shapes (for profiling).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()


def wsgi_caller() -> Callable[[str], tuple[int, bytes]]:
    """A function that GETs a URL from the WSGI application, as a WSGI server would."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def get(url: str) -> tuple[int, bytes]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path.encode("utf-8").decode("latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": HOST,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": HOST,
            "HTTP_USER_AGENT": "gongkai-bench",
            "REMOTE_ADDR": HOST,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        statuses: list[str] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> None:
            statuses.append(status)

        result = handler(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()  # type: ignore[attr-defined]  # request_finished, as in gunicorn
        return int(statuses[0].split()[0]), body

    return get


_NUMBERS = re.compile(r"\b\d+\b|'[^']*'|%s")


def query_profile(get: Callable[[str], tuple[int, bytes]], url: str) -> dict[str, Any]:
    """How many queries one request makes, and which query shapes repeat."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get(url)
    shapes = Counter(_NUMBERS.sub("?", q["sql"])[:160] for q in captured.captured_queries)
    slowest = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    return {
        "queries": len(captured.captured_queries),
        "query_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 2),
        "repeated": [{"count": n, "sql": sql} for sql, n in shapes.most_common(5) if n > 1],
        "slowest": [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"][:300]}
                    for q in slowest[:3]],
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_page(get: Callable[[str], tuple[int, bytes]], url: str, requests: int,
              warmup: int, clear_cache: bool = True) -> dict[str, Any]:
    from django.core.cache import cache

    status, body = get(url)
    if status != 200:
        raise SystemExit(f"GET {url} answered {status}")
    for _ in range(warmup):
        get(url)
    samples = []
    cpu_samples = []
    for _ in range(requests):
        if clear_cache:
            cache.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        status, _body = get(url)
        samples.append((time.perf_counter() - started) * 1000)
        cpu_samples.append((time.process_time() - cpu_started) * 1000)
        if status != 200:
            raise SystemExit(f"GET {url} answered {status}")
    return {
        "url": url,
        "requests": requests,
        "bytes": len(body),
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
        "min_ms": round(min(samples), 2),
        "max_ms": round(max(samples), 2),
        # CPU time of this process only (not the database server's): less sensitive to
        # other load on the machine than the wall-clock figures above.
        "cpu_median_ms": round(statistics.median(cpu_samples), 2),
        **query_profile(get, url),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", help='JSON object {"name": "/url/", …}')
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--secondary", default="",
                        help="comma-separated names timed with --secondary-requests instead")
    parser.add_argument("--secondary-requests", type=int, default=100)
    parser.add_argument("--warm-cache", action="store_true",
                        help="keep Django's cache between requests (default: clear it)")
    parser.add_argument("--profile-only", default="",
                        help="comma-separated names to report queries for, without timing")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection

    assert not settings.DEBUG, "measure with DEBUG off"
    get = wsgi_caller()
    urls: dict[str, str] = json.loads(args.urls)
    profile_only = {name for name in args.profile_only.split(",") if name}
    secondary = {name for name in args.secondary.split(",") if name}
    pages: dict[str, Any] = {}
    for name, url in urls.items():
        if name in profile_only:
            status, body = get(url)
            pages[name] = {"url": url, "status": status, "bytes": len(body),
                           **query_profile(get, url)}
        else:
            requests = args.secondary_requests if name in secondary else args.requests
            pages[name] = time_page(get, url, requests, args.warmup,
                                    clear_cache=not args.warm_cache)
    print(json.dumps({"database": connection.vendor, "pages": pages}, ensure_ascii=False))


if __name__ == "__main__":
    main()
