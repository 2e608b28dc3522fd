"""Engagement benchmark: concurrent event sign-ups and a subscription digest run
(docs/performance.md, “Engagement”).

For each engine (SQLite file, PostgreSQL) it creates a scratch database, migrates it,
creates the platform and one agency, then in a fresh process:

* ``sign-ups``: ``--threads`` threads released together register ``--people`` people for an
  event of ``--capacity`` seats (``services.register``: event row locked); reports the wall
  time, sign-ups per second and checks that exactly ``capacity`` are confirmed;
* ``digests``: ``--subscribers`` confirmed subscribers of the agency and ``--items`` queued
  publications; times one ``services.send_digests`` run (locmem e-mail backend, so the
  figure is the database and message-building work, not SMTP) and checks that a second run
  sends nothing.

    .venv/bin/python bench/engagement.py [--engines sqlite,postgresql]

Writes bench/results/engagement-<time>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"


def log(message: str) -> None:
    print(f"[engagement-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr,
          flush=True)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def work(args: argparse.Namespace) -> dict[str, Any]:
    setup_django()
    import datetime as dt

    from django.core import mail
    from django.db import connections
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from gongkai.engagement import services
    from gongkai.engagement.models import (
        CampaignPage,
        DigestItem,
        EventPage,
        Subscriber,
        Subscription,
    )
    from gongkai.testing import column, make_agency, make_platform

    setup_test_environment()  # locmem e-mail backend
    make_platform()
    agency = make_agency("bench", name="基准测试统计局")
    campaign = CampaignPage(title="基准专题", slug="bench-campaign", year=2026)
    column(agency, "ztzl").add_child(instance=campaign)
    campaign.save_revision().publish()
    start = timezone.now() + dt.timedelta(days=7)
    event = EventPage(title="基准活动", slug="bench-event", starts_at=start,
                      ends_at=start + dt.timedelta(hours=2), place="会议室",
                      capacity=args.capacity)
    campaign.add_child(instance=event)
    event.save_revision().publish()

    people = list(range(args.people))
    lock = threading.Lock()
    barrier = threading.Barrier(args.threads)
    errors: list[str] = []

    def worker() -> None:
        barrier.wait()
        while True:
            with lock:
                if not people:
                    break
                n = people.pop()
            try:
                services.register(event_id=event.pk, name=f"人{n}", phone=f"1390000{n:04d}")
            except Exception as exc:  # reported below
                errors.append(type(exc).__name__)
        connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sign_up_s = time.perf_counter() - began
    confirmed = event.registrations.filter(status="confirmed").count()

    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.com") for n in range(args.subscribers))
    confirmed_at = timezone.now() - dt.timedelta(minutes=1)
    Subscription.objects.bulk_create(
        Subscription(subscriber=s, kind="agency", key=agency.slug, label=agency.name,
                     status="confirmed", confirmed_at=confirmed_at) for s in subscribers)
    DigestItem.objects.bulk_create(
        DigestItem(kind="agency", key=agency.slug, source=f"page:{n}", title=f"统计信息{n}",
                   url=f"/bench/{n}/", published_at=timezone.now()) for n in range(args.items))
    began = time.perf_counter()
    run = services.send_digests()
    digest_s = time.perf_counter() - began
    again = services.send_digests()
    return {
        "sign_ups": args.people, "threads": args.threads, "capacity": args.capacity,
        "confirmed": confirmed, "errors": errors, "sign_up_s": round(sign_up_s, 2),
        "sign_ups_per_s": round(args.people / sign_up_s, 1),
        "subscribers": args.subscribers, "items": args.items,
        "digests_sent": run.subscribers_sent, "digest_s": round(digest_s, 2),
        "digests_per_s": round(run.subscribers_sent / digest_s, 1),
        "second_run_sent": again.subscribers_sent, "mails": len(mail.outbox),
    }


def database_url(engine: str, postgres: str, name: str) -> str:
    if engine == "sqlite":
        for leftover in RESULTS.glob("engagement.sqlite3*"):
            leftover.unlink()
        return f"sqlite:///{RESULTS / 'engagement.sqlite3'}"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", f"{postgres}/postgres", "-q", "-c", sql], check=True)
    return f"{postgres}/{name}"


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": database_url(engine, args.postgres, args.db_name),
           "DJANGO_SETTINGS_MODULE": "gongkai.settings",
           "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
           "DEBUG": "0", "LOG_LEVEL": "WARNING", "GONGKAI_VAR_DIR": str(RESULTS / "var"),
           "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    env.pop("REDIS_URL", None)
    log(f"{engine}: migrate")
    subprocess.run([PYTHON, "-m", "gongkai", "migrate", "--no-input", "-v", "0"], env=env,
                   check=True, cwd=ROOT)
    log(f"{engine}: measure")
    done = subprocess.run(
        [PYTHON, __file__, "--worker", "--people", str(args.people), "--threads",
         str(args.threads), "--capacity", str(args.capacity), "--subscribers",
         str(args.subscribers), "--items", str(args.items)],
        env=env, check=False, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{engine}: the worker failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["engine"] = engine
    return result


def markdown(results: list[dict[str, Any]]) -> str:
    lines = ["| engine | sign-ups (threads) | wall | per s | confirmed / capacity | "
             "digests | wall | per s | second run |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['engine']} | {r['sign_ups']} ({r['threads']}) | {r['sign_up_s']} s | "
            f"{r['sign_ups_per_s']} | {r['confirmed']} / {r['capacity']} | "
            f"{r['digests_sent']} × {r['items']} items | {r['digest_s']} s | "
            f"{r['digests_per_s']} | {r['second_run_sent']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--capacity", type=int, default=150)
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL, no database")
    parser.add_argument("--db-name", default="gongkai_bench_engagement")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(work(args), ensure_ascii=False))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = [run_engine(engine, args) for engine in args.engines.split(",")]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"engagement-{stamp}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2))
    print(markdown(results))


if __name__ == "__main__":
    main()
