"""Drill 1: PostgreSQL restarted in the middle of 1,000 concurrent submissions.

A private PostgreSQL cluster and gunicorn (deploy/gunicorn.conf.py, DEBUG off) on free
ports; simulated visitors, each from its own loopback address, open the public application
form (/ysqgk/<agency>/apply/) or message form (/hdjl/<agency>/write/), then post it with its
CSRF token and the form's idempotency key. Each visitor's text carries a unique marker.
While they post, the cluster is restarted twice: once with ``pg_ctl -m fast`` (a clean
restart, every connection cut) and once with ``-m immediate`` (a crash: WAL recovery).

A visitor whose POST fails must see the 503 page “暂时无法提交” with its own text in it; it then
does what a person would: waits a moment and presses “重新提交” (the same fields, the same key).

Visitors behave like browsers behind nginx (deploy/nginx/gongkai-app.conf): a request that
gets no answer within nginx's ``proxy_read_timeout`` (60 s), or finds no server at all, is
where nginx would show its static Chinese 502/504 page (“服务暂时不可用，请稍后重试”); the
visitor then does what that page says — waits, presses Back (the browser kept the form, with
the same hidden idempotency key) and submits again. These are counted
(``nginx_error_pages``); the idempotency key makes the resubmission show the original number
when the first POST had in fact been stored.
Verdict PASS when, in the database afterwards: every number a visitor was shown exists and
holds that visitor's marker, no marker is stored twice, and no POST ended in anything but a
number or the preserving 503 page.

    .venv/bin/python reliability/pg_restart.py [--submissions 1000] [--concurrency 200]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import (
    Client,
    drill_database,
    free_port,
    gunicorn,
    hidden_value,
    log,
    python,
    source_address,
    verdict,
)

AGENCIES = ("tjj", "hctjj")
NUMBER = re.compile(r'<strong class="result-value">([^<]+)</strong>')
RETRY_TEXT = "暂时无法提交"
MAX_TRIES = 40
NGINX_READ_TIMEOUT = 60  # proxy_read_timeout in deploy/nginx/gongkai-app.conf


def id18(n: int) -> str:
    """A checksum-valid 居民身份证号码 (GB 11643-1999) for visitor n (鞍山 210302)."""
    body = f"210302199001{n % 28 + 1:02d}{n % 1000:03d}"[:17]
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


@dataclass
class Outcome:
    kind: str  # "application" | "message"
    marker: str
    number: str = ""
    preserved_errors: int = 0  # 503 pages that showed the visitor's text back
    form_errors: int = 0  # GETs of the empty form that failed (nothing typed yet)
    nginx_error_pages: int = 0  # POSTs nginx would have answered 502/504 (Back, resubmit)
    bad: list[str] = field(default_factory=list)  # anything else after a POST


def fields_for(kind: str, n: int, marker: str) -> dict[str, str]:
    if kind == "application":
        return {"applicant_category": "natural_person", "name": f"王{n}", "id_type":
                "resident_id", "id_number": id18(n), "phone": f"139{n:08d}",
                "address": "辽宁省鞍山市铁东区胜利南路1号", "postcode": "114001",
                "description": f"请公开2025年鞍山市规模以上工业增加值分季度数据（{marker}）",
                "purpose": "", "provision_form": "paper", "delivery_method": "post",
                "checked": "1", "action": "submit"}
    return {"kind": "consultation", "title": f"关于统计数据发布时间的咨询 {marker}",
            "body": f"请问2025年鞍山市国民经济和社会发展统计公报何时发布？{marker}",
            "name": f"李{n}", "phone": f"138{n:08d}", "email": "", "publish_consent": "no",
            "website": ""}


def visit(port: int, n: int, run: str) -> Outcome:
    kind = "application" if n % 2 == 0 else "message"
    agency = AGENCIES[n // 2 % len(AGENCIES)]
    path = f"/ysqgk/{agency}/apply/" if kind == "application" else f"/hdjl/{agency}/write/"
    marker = f"{run}-{n:04d}"
    outcome = Outcome(kind, marker)
    client = Client(port, source_address(n), timeout=NGINX_READ_TIMEOUT)
    time.sleep(random.random() * 5)  # visitors arrive over a few seconds, not in one burst
    key = ""
    for _ in range(MAX_TRIES):
        try:
            status, html = client.get(path)
        except OSError as error:
            status, html = 0, str(error)
        if status == 200:
            key = hidden_value(html, "idempotency_key")
            break
        outcome.form_errors += 1
        time.sleep(1 + random.random())
    if not key:
        outcome.bad.append("form never loaded")
        return outcome
    body = {**fields_for(kind, n, marker), "idempotency_key": key}
    for _ in range(MAX_TRIES):
        try:
            status, html = client.post(path, body)
        except OSError:  # nginx's Chinese 502/504 page: Back, wait, submit the kept form again
            outcome.nginx_error_pages += 1
            time.sleep(5 + random.random() * 5)
            continue
        found = NUMBER.search(html)
        if status == 200 and found:
            outcome.number = found.group(1).strip()
            return outcome
        if status == 503 and RETRY_TEXT in html and marker in html and key in html:
            outcome.preserved_errors += 1
            time.sleep(1 + random.random() * 2)  # the visitor waits, then 重新提交
            continue
        outcome.bad.append(f"POST answered {status}: {html[:200]!r}")
        return outcome
    outcome.bad.append("still failing after many retries")
    return outcome


CHECK = """
from gongkai.info_requests.models import Application
from gongkai.consultations.models import Message
run = {run!r}
apps = list(Application.objects.filter(description__contains=run)
            .values_list("number", "description"))
msgs = list(Message.objects.filter(title__contains=run).values_list("number", "title"))
print(json.dumps({{"applications": apps, "messages": msgs}}))
"""


def check(env: dict[str, str], run: str, outcomes: list[Outcome]) -> dict[str, Any]:
    stored = python(env, CHECK.format(run=run))
    rows = [("application", number, text) for number, text in stored["applications"]]
    rows += [("message", number, text) for number, text in stored["messages"]]
    marker_of = re.compile(rf"{re.escape(run)}-\d{{4}}")
    per_marker: Counter[str] = Counter()
    by_number: dict[tuple[str, str], str] = {}
    for kind, number, text in rows:
        found = marker_of.search(text)
        marker = found.group(0) if found else ""
        per_marker[marker] += 1
        by_number[(kind, number)] = marker
    confirmed = [o for o in outcomes if o.number]
    missing = [o.marker for o in confirmed if by_number.get((o.kind, o.number)) != o.marker]
    duplicates = sorted(m for m, count in per_marker.items() if count > 1)
    unconfirmed_stored = [o.marker for o in outcomes if not o.number and per_marker[o.marker]]
    return {
        "stored_rows": len(rows), "confirmed": len(confirmed),
        "confirmed_but_missing": len(missing), "duplicates": len(duplicates),
        "stored_without_confirmation": len(unconfirmed_stored),
        "examples_missing": missing[:5], "examples_duplicates": duplicates[:5],
    }


def restarter(pg: Any, done_count: list[int], total: int, events: list[dict[str, Any]],
              stop: threading.Event) -> None:
    """Restart PostgreSQL when 30 % (fast) and 60 % (immediate, a crash) have been sent."""
    for share, mode in ((0.3, "fast"), (0.6, "immediate")):
        while done_count[0] < total * share and not stop.is_set():
            time.sleep(0.2)
        if stop.is_set():
            return
        log(f"restarting PostgreSQL (-m {mode}) after {done_count[0]} visitors finished")
        seconds = pg.restart(mode)
        events.append({"mode": mode, "after_finished": done_count[0],
                       "down_seconds": round(seconds, 2)})
        log(f"PostgreSQL back after {seconds:.1f} s")


def drill(pg: Any, env: dict[str, str], logdir: Path, submissions: int = 1000,
          concurrency: int = 200, workers: int = 2) -> bool:
    run = "RL" + uuid.uuid4().hex[:6].upper()
    port = free_port()
    with gunicorn(env, port, workers, logdir / "pg_restart.gunicorn.log"):
        log(f"gunicorn ({workers} workers) on port {port}; {submissions} visitors, "
            f"{concurrency} at a time")
        done_count = [0]
        events: list[dict[str, Any]] = []
        stop = threading.Event()
        thread = threading.Thread(target=restarter, args=(pg, done_count, submissions,
                                                          events, stop))
        thread.start()
        started = time.monotonic()
        outcomes: list[Outcome] = []
        try:
            with ThreadPoolExecutor(concurrency) as pool:
                futures = [pool.submit(visit, port, n, run) for n in range(submissions)]
                for future in futures:
                    outcomes.append(future.result())
                    done_count[0] += 1
        finally:
            stop.set()
            thread.join()
        seconds = time.monotonic() - started
    figures = check(env, run, outcomes)
    bad = [o for o in outcomes if o.bad]
    figures.update({
        "submissions": submissions, "concurrency": concurrency,
        "gunicorn_workers": workers, "seconds": round(seconds, 1), "restarts": events,
        "posts_answered_with_preserving_503": sum(o.preserved_errors for o in outcomes),
        "visitors_who_saw_the_503": sum(1 for o in outcomes if o.preserved_errors),
        "empty_form_loads_failed": sum(o.form_errors for o in outcomes),
        "posts_answered_by_nginx_error_page": sum(o.nginx_error_pages for o in outcomes),
        "visitors_who_saw_nginx_error_page": sum(1 for o in outcomes if o.nginx_error_pages),
        "posts_lost_or_unclear": len(bad), "examples_bad": [o.bad[-1][:200] for o in bad[:3]],
    })
    ok = (figures["confirmed_but_missing"] == 0 and figures["duplicates"] == 0 and not bad
          and figures["confirmed"] == submissions and len(events) == 2)
    return verdict("postgresql-restart", ok, figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with drill_database() as (pg, env, logdir):
        ok = drill(pg, env, logdir, args.submissions, args.concurrency, args.workers)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
