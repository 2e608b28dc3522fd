"""Computing the queue: the due dates of 100,000 open information requests.

Builds 100,000 synthetic applications (fixed random seed) received across 2024–2026, with a
mix of event logs — plain, 补正 (pending or received), one or two (overlapping) consultations,
extensions in and out of time, fee notices (paid or not), 第三十五条 delays, replies — and
times ``compute_deadlines`` over all of them with one calendar (the seeded 2020–2026
schedules, built once, as ``load_calendar()`` would return it). No database.

    .venv/bin/python bench/deadlines.py [--cases 100000] [--runs 5] [--explain]

Prints the median of the runs in seconds and µs per case, and one JSON line.
``--explain`` also builds the Chinese explanation (the tracking page's case); the queue
does not need it (``explain=False``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings_test")

import django  # noqa: E402

django.setup()

from gongkai.core.workdays import WorkdayCalendar, YearSchedule  # noqa: E402
from gongkai.info_requests.clock import CaseFacts, Event, compute_deadlines  # noqa: E402
from gongkai.info_requests.enums import EventKind as K  # noqa: E402

D = dt.date
DAY = dt.timedelta(days=1)
NOW = D(2026, 11, 29)


def seeded_calendar() -> WorkdayCalendar:
    data = json.loads((ROOT / "gongkai/core/data/holidays_2020_2026.json").read_text("utf-8"))
    schedules = []
    for s in data["schedules"]:
        off = frozenset(D.fromisoformat(d["date"]) for d in s["days"] if d["kind"] == "off")
        work = frozenset(D.fromisoformat(d["date"]) for d in s["days"] if d["kind"] == "work")
        schedules.append(YearSchedule(s["year"], off, work))
    return WorkdayCalendar.from_schedules(schedules)


def synthetic_case(rng: random.Random) -> CaseFacts:
    received = D(2024, 1, 2) + rng.randrange(0, 1060) * DAY
    events: list[Event] = []

    def at(days: int) -> dt.date:
        return received + days * DAY

    kind = rng.random()
    if kind < 0.15:      # 补正, received or still pending
        events.append(Event(K.CORRECTION_REQUESTED, at(rng.randint(1, 9)), {"period_days": 10}))
        if rng.random() < 0.7:
            events.append(Event(K.CORRECTION_RECEIVED, at(rng.randint(10, 20))))
    elif kind < 0.35:    # one or two consultations, sometimes overlapping, sometimes open
        for _ in range(rng.randint(1, 2)):
            start = rng.randint(3, 15)
            started = (K.THIRD_PARTY_CONSULTATION_STARTED if rng.random() < 0.7
                       else K.AGENCY_CONSULTATION_STARTED)
            ended = (K.THIRD_PARTY_CONSULTATION_ENDED
                     if started == K.THIRD_PARTY_CONSULTATION_STARTED
                     else K.AGENCY_CONSULTATION_ENDED)
            events.append(Event(started, at(start)))
            if rng.random() < 0.8:
                events.append(Event(ended, at(start + rng.randint(2, 25))))
    elif kind < 0.45:    # extension, mostly in time
        approved = at(rng.randint(15, 32))
        events.append(Event(K.EXTENSION_APPROVED, approved, {"days": rng.randint(5, 20)}))
        events.append(Event(K.EXTENSION_NOTIFIED, approved + rng.randint(0, 2) * DAY))
    elif kind < 0.52:    # fee notice, paid or not
        notice = at(rng.randint(5, 20))
        events.append(Event(K.FEE_NOTICE_SENT, notice))
        if rng.random() < 0.6:
            events.append(Event(K.FEE_PAID, notice + rng.randint(1, 20) * DAY))
    elif kind < 0.55:    # 第三十五条
        events.append(Event(K.DELAYED_REPLY, at(20), {"until": at(rng.randint(40, 90))}))
    elif kind < 0.60:    # already replied (stays in the queue until archived)
        events.append(Event(K.REPLIED, at(rng.randint(1, 40))))
    return CaseFacts(received, events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    rng = random.Random(20261129)
    cases = [synthetic_case(rng) for _ in range(args.cases)]
    calendar = seeded_calendar()
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        dues = [compute_deadlines(case, calendar, now=NOW, explain=args.explain).due
                for case in cases]
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    with_due = sum(1 for due in dues if due is not None)
    print(f"{args.cases} cases ({with_due} with a due date), explain={args.explain}: "
          f"median {median:.2f} s over {args.runs} runs = {median / args.cases * 1e6:.1f} µs/case "
          f"(runs: {', '.join(f'{t:.2f}' for t in timings)})")
    print(json.dumps({"cases": args.cases, "runs": args.runs, "explain": args.explain,
                      "median_s": round(median, 3),
                      "us_per_case": round(median / args.cases * 1e6, 1),
                      "timings_s": [round(t, 3) for t in timings]}))


if __name__ == "__main__":
    main()
