"""Annual report benchmark: generating an agency's report from 100,000 applications in a
year (docs/performance.md, “Annual report”).

For each engine (SQLite, PostgreSQL) it creates a scratch database, migrates it, creates
the platform and one agency, and bulk loads ``--applications`` applications received in
2025 (fixed random seed; applicant types and outcomes in a realistic mix, 3 % still open at
the year end, 2 % withdrawn), plus 2,000 received in late 2024 (some carried over into 2025),
100 fee records and 60 行政复议/行政诉讼 cases. In a fresh process it then times, ``--runs``
times each:

* ``compute``: ``gongkai.annual_reports.compute.compute(agency, 2025)`` — every count of
  tables 二, 三 and 四 and the facts of 一 and 六 (what “generate” spends its time on);
* ``generate``: ``services.generate`` — compute plus writing the snapshot and the audit entry;
* ``check``: the rules (R1–R5, narrative) on the generated report.

    .venv/bin/python bench/annual_report.py [--engines sqlite,postgresql] [--runs 7]

Writes bench/results/annual-report-<time>.json and prints a Markdown table (medians).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
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
YEAR = 2025


def log(message: str) -> None:
    print(f"[annual-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load(applications: int) -> dict[str, Any]:
    setup_django()
    from django.utils import timezone

    from gongkai.info_requests.enums import ApplicantType, Outcome, Status
    from gongkai.info_requests.models import (
        Application,
        FeeRecord,
        OgiLitigationCase,
        OgiReviewCase,
    )
    from gongkai.testing import make_agency

    started = time.perf_counter()
    agency = make_agency("bench", name="鞍山市统计局（基准测试）", short_name="基准局")
    rng = random.Random(20250131)
    types = list(ApplicantType)
    type_weights = [70, 15, 3, 2, 5, 5]
    outcomes = list(Outcome)
    outcome_weights = [40, 15, *([1] * 8), 12, 4, 2, 2, 2, 1, 1, 1, 2, 1, 2]
    rows = []
    n = 0

    def add(received: dt.date, closed: dt.date | None, outcome: str) -> None:
        nonlocal n
        n += 1
        status = (Status.IN_PROGRESS if closed is None
                  else Status.REPLIED if outcome else Status.WITHDRAWN)
        rows.append(Application(
            agency=agency, number=f"B{n:07d}", year=received.year, serial=n, code_hash="x",
            applicant_type=rng.choices(types, type_weights)[0].value, name="申请人",
            phone="13800000000", description="某信息", provision_form="paper",
            delivery_method="post", channel="online",
            submitted_at=timezone.make_aware(dt.datetime.combine(received, dt.time(9))),
            received_on=received, status=status, outcome=outcome, closed_on=closed,
            idempotency_key=f"bench-{n}"))

    def one(received: dt.date) -> None:
        roll = rng.random()
        if roll < 0.03 and received.month == 12:
            add(received, None, "")
            return
        closed = received + dt.timedelta(days=rng.randrange(1, 40))
        if roll < 0.05:
            add(received, closed, "")
        else:
            add(received, closed, rng.choices(outcomes, outcome_weights)[0].value)

    for _ in range(2000):
        one(dt.date(YEAR - 1, 11, 1) + dt.timedelta(days=rng.randrange(61)))
    for _ in range(applications):
        one(dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365)))
    Application.objects.bulk_create(rows, batch_size=2000)
    apps = list(Application.objects.filter(agency=agency).order_by("id")[:100])
    FeeRecord.objects.bulk_create([
        FeeRecord(application=a, method="per_volume", units=20, amount=100,
                  notice_on=a.received_on, paid_on=a.received_on) for a in apps])
    for i in range(40):
        OgiReviewCase.objects.create(agency=agency, case_number=f"复{i}",
                                     filed_on=dt.date(YEAR, 1 + i % 12, 5),
                                     outcome="upheld" if i % 3 else "",
                                     concluded_on=dt.date(YEAR, 12, 20) if i % 3 else None)
    for i in range(20):
        OgiLitigationCase.objects.create(agency=agency, case_number=f"诉{i}",
                                         filed_on=dt.date(YEAR, 1 + i % 12, 5),
                                         route="direct" if i % 2 else "after_review")
    return {"applications": Application.objects.filter(agency=agency).count(),
            "load_seconds": round(time.perf_counter() - started, 1)}


def measure(runs: int) -> dict[str, Any]:
    setup_django()
    from gongkai.annual_reports import compute, services
    from gongkai.core.models import Agency
    from gongkai.testing import make_user

    agency = Agency.objects.get(slug="bench")
    admin = make_user("bench-admin", superuser=True)
    samples: dict[str, list[float]] = {"compute": [], "generate": [], "check": []}
    report = None
    for _ in range(runs):
        start = time.perf_counter()
        result = compute.compute(agency, YEAR)
        samples["compute"].append(time.perf_counter() - start)
        start = time.perf_counter()
        report = services.generate(agency, YEAR, by=admin,
                                   now=dt.datetime(YEAR + 1, 1, 10, tzinfo=dt.UTC))
        samples["generate"].append(time.perf_counter() - start)
        start = time.perf_counter()
        findings = services.check(report, by=admin)
        samples["check"].append(time.perf_counter() - start)
    assert report is not None
    errors = [f.message for f in findings if f.severity.value == "error"]
    return {
        **{f"{k}_median_s": round(statistics.median(v), 3) for k, v in samples.items()},
        **{f"{k}_max_s": round(max(v), 3) for k, v in samples.items()},
        "new_total": result.figures["三:new:total"],
        "answered_total": result.figures["三:total:total"],
        "carried_forward": result.figures["三:carried_forward:total"],
        "rule_errors": errors,
    }


def database_url(engine: str, postgres: str, name: str) -> str:
    if engine == "sqlite":
        for leftover in RESULTS.glob("annual-report.sqlite3*"):
            leftover.unlink()
        return f"sqlite:///{RESULTS / 'annual-report.sqlite3'}"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", f"{postgres}/postgres", "-q", "-c", sql], check=True)
    return f"{postgres}/{name}"


def run_step(env: dict[str, str], args: list[str]) -> dict[str, Any]:
    done = subprocess.run([PYTHON, __file__, *args], env=env, check=False, cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{args}: the worker failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


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
    log(f"{engine}: load {args.applications:,} applications")
    result = {"engine": engine,
              "load": run_step(env, ["--worker", "load", "--applications",
                                     str(args.applications)])}
    log(f"{engine}: measure")
    result["measure"] = run_step(env, ["--worker", "measure", "--runs", str(args.runs)])
    log(f"{engine}: compute median {result['measure']['compute_median_s']} s")
    return result


def markdown(results: list[dict[str, Any]]) -> str:
    lines = ["| engine | applications in db | compute (median / max) | generate | check |",
             "|---|---|---|---|---|"]
    for r in results:
        m = r["measure"]
        lines.append(f"| {r['engine']} | {r['load']['applications']:,} | "
                     f"{m['compute_median_s']} / {m['compute_max_s']} s | "
                     f"{m['generate_median_s']} s | {m['check_median_s']} s |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL, no database")
    parser.add_argument("--db-name", default="gongkai_bench_annual")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        answer = load(args.applications) if args.worker == "load" else measure(args.runs)
        print(json.dumps(answer, ensure_ascii=False))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = [run_engine(engine, args) for engine in args.engines.split(",")]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"annual-report-{stamp}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2))
    print(markdown(results))


if __name__ == "__main__":
    main()
