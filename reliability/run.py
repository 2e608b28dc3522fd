"""``make reliability``: every fault drill of issue 9 §2, one after another, on one private
PostgreSQL cluster (migrated once), each printing a verdict and its figures as JSON.

    .venv/bin/python reliability/run.py [--soak-minutes 30] [--submissions 1000]
                                        [--only pg_restart,redis,worker,disk,soak,scale]

Exit status 0 when every drill passed. Nothing here touches the shared PostgreSQL or Redis.
Record the figures in docs/reliability.md with the command that produced them.
"""

from __future__ import annotations

import argparse
import sys
import time

import disk_full
import pg_restart
import redis_outage
import scale_out
import soak
import worker_kill
from common import drill_database, log

DRILLS = ("pg_restart", "redis", "worker", "disk", "soak", "scale")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soak-minutes", type=float, default=30)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--only", default=",".join(DRILLS))
    args = parser.parse_args()
    chosen = [name for name in args.only.split(",") if name]
    unknown = set(chosen) - set(DRILLS)
    if unknown:
        parser.error(f"unknown drill(s): {', '.join(sorted(unknown))}")
    results: dict[str, bool] = {}
    started = time.monotonic()
    with drill_database() as (pg, env, logdir):
        for name in chosen:
            log(f"--- drill: {name}")
            if name == "pg_restart":
                if pg is None:
                    log("pg_restart needs the private cluster (unset DRILL_DATABASE_URL)")
                    results[name] = False
                    continue
                results[name] = pg_restart.drill(pg, env, logdir, args.submissions,
                                                 args.concurrency)
            elif name == "redis":
                results[name] = redis_outage.drill(env)
            elif name == "worker":
                results[name] = worker_kill.drill(env, logdir)
            elif name == "disk":
                results[name] = disk_full.drill(env, logdir)
            elif name == "soak":
                results[name] = soak.drill(env, args.soak_minutes)
            elif name == "scale":  # its own primary, replica, Redis and nginx
                results[name] = scale_out.drill(args.load_seconds)
    minutes = (time.monotonic() - started) / 60
    print(f"\nmake reliability: {sum(results.values())}/{len(results)} drills passed "
          f"in {minutes:.0f} min")
    for name, ok in results.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
