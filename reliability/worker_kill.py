"""Drill 3: the task worker killed (SIGKILL) while it sends e-mails and processes the
search outbox, then started again.

Queued work: one confirmation e-mail per application (``send_submission_email``, for
applications submitted through the service) and search-outbox tasks re-indexing every
page (their index entries are deleted first). ``gongkai db_worker`` runs with an e-mail
backend that writes files and takes as long as a real SMTP server (reliability/slow_mail.py),
and is killed with SIGKILL several times at random moments, then restarted. As cron runs
``gongkai periodic`` in production, the drill runs its first step, ``gongkai recover_tasks``
(requeue tasks abandoned ``RUNNING``), every few seconds, with the bounds shortened to match
(``GONGKAI_TASK_STALE_SECONDS=5``, ``GONGKAI_MAIL_CLAIM_SECONDS=3`` instead of 15 and 10
minutes).

Counted afterwards: e-mails per application (from the mail files: distinct Message-IDs and
copies), task states, the search index against what it held before, and outbox rows left.
Verdict PASS when every application got exactly one message (one Message-ID; a second copy
with the same Message-ID — a kill between the mail server's answer and the commit — is
reported, and is one message to mail clients), no task is left READY or RUNNING, and the
index is whole.

    .venv/bin/python reliability/worker_kill.py [--applications 100] [--kills 4]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import PYTHON, ROOT, drill_database, gongkai, log, python, verdict

SETUP = """
import uuid
from gongkai.core.models import Agency, SearchDocument, SearchOutbox
from gongkai.core.search import indexing
from gongkai.core.search.pages import SOURCE
from gongkai.info_requests import services
from gongkai.info_requests.tests.helpers import person
from django.db import transaction
if not SearchDocument.objects.filter(source=SOURCE).exists():
    indexing.rebuild()
expected = SearchDocument.objects.filter(source=SOURCE).count()
ids = list(SearchDocument.objects.filter(source=SOURCE).values_list("object_id", flat=True))
agency = Agency.objects.get(slug="tjj")
numbers = []
for n in range({applications}):
    data = person(email=f"applicant{{n}}@example.com",
                  description=f"请公开2025年鞍山市统计年鉴第{{n}}章的电子版")
    with transaction.atomic():
        sub = services.submit_application(data, agency=agency,
                                          idempotency_key=uuid.uuid4().hex)
    numbers.append(sub.application.number)
SearchDocument.objects.filter(source=SOURCE).delete()
for start in range(0, len(ids), 5):
    with transaction.atomic():
        indexing.enqueue(SOURCE, ids[start:start + 5])
print(json.dumps({{"numbers": numbers, "expected_index": expected}}))
"""

CHECK = """
from django_tasks_db.models import DBTaskResult
from gongkai.core.models import SearchDocument, SearchOutbox
from gongkai.core.search.pages import SOURCE
from django.db.models import Count
states = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")))
stuck = list(DBTaskResult.objects.filter(status="RUNNING").values_list("task_path", flat=True))
print(json.dumps({"states": states, "running": stuck,
                  "index": SearchDocument.objects.filter(source=SOURCE).count(),
                  "outbox_left": SearchOutbox.objects.count(),
                  "outbox_claimed": SearchOutbox.objects.filter(claimed_at__isnull=False).count()}))
"""

PENDING = """
from django_tasks_db.models import DBTaskResult
print(json.dumps(DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()))
"""

# Cron's `gongkai periodic` every minute, compressed to the drill's time scale.
STALE_SECONDS = 5
MAIL_CLAIM_SECONDS = 3


def start_worker(env: dict[str, str], logfile: Path) -> subprocess.Popen[bytes]:
    with logfile.open("ab") as output:
        return subprocess.Popen([PYTHON, "-m", "gongkai", "db_worker", "--interval", "0.2"],
                                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def mails_per_number(directory: Path) -> Counter[str]:
    """Copies received per application number (every file, every message in it)."""
    found: Counter[str] = Counter()
    for path in directory.glob("*.log") if directory.is_dir() else []:
        found.update(re.findall(r"申请编号：(\S+)", path.read_text("utf-8", "replace")))
    return found


def message_ids_per_number(directory: Path) -> dict[str, set[str]]:
    """Distinct Message-IDs per application number: what a mail client shows as messages."""
    found: dict[str, set[str]] = {}
    for path in directory.glob("*.log") if directory.is_dir() else []:
        for text in path.read_text("utf-8", "replace").split("-" * 79):
            number = re.search(r"申请编号：(\S+)", text)
            message_id = re.search(r"^Message-ID: (\S+)", text, re.M | re.I)
            if number:
                found.setdefault(number.group(1), set()).add(
                    message_id.group(1) if message_id else f"none-{len(found)}")
    return found


def drill(env: dict[str, str], logdir: Path, applications: int = 100, kills: int = 4) -> bool:
    mail_dir = logdir / "worker-mail"
    env = {**env, "EMAIL_BACKEND": "slow_mail.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir),
           "GONGKAI_TASK_STALE_SECONDS": str(STALE_SECONDS),
           "GONGKAI_MAIL_CLAIM_SECONDS": str(MAIL_CLAIM_SECONDS),
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent),
                                          env.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    log(f"queueing {applications} confirmation e-mails and the search outbox")
    setup = python({**env, "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"},
                   SETUP.format(applications=applications), timeout=900)
    numbers: list[str] = setup["numbers"]
    logfile = logdir / "worker_kill.worker.log"
    started = time.monotonic()
    kill_log: list[dict[str, Any]] = []
    worker = start_worker(env, logfile)
    for _ in range(kills):
        # Kill while it is sending: once this worker has sent something, at a random moment.
        before = sum(mails_per_number(mail_dir).values())
        deadline = time.monotonic() + 120
        while sum(mails_per_number(mail_dir).values()) == before \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(random.uniform(0, 0.5))
        sent = sum(mails_per_number(mail_dir).values())
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kill_log.append({"after_seconds": round(time.monotonic() - started, 1),
                         "mails_so_far": sent})
        log(f"worker killed (SIGKILL) after {sent} e-mails; restarting")
        worker = start_worker(env, logfile)
    requeued = 0
    try:
        deadline = time.monotonic() + 600
        while python(env, PENDING) and time.monotonic() < deadline:
            out = gongkai(env, "recover_tasks", "-v", "1")  # what cron's periodic does
            requeued += sum(int(n) for n in re.findall(r"已重新排队 (\d+) 个任务", out))
            time.sleep(2)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    result = python(env, CHECK)
    worker_log = logfile.read_text("utf-8", "replace") if logfile.exists() else ""
    requeued_at_start = sum(int(n) for n in re.findall(
        r'"event": "tasks_requeued", "count": (\d+)', worker_log))
    reclaimed = len(re.findall(r'"event": "mail_reclaimed"', worker_log))
    mails = mails_per_number(mail_dir)
    ids = message_ids_per_number(mail_dir)
    two_messages = sorted(n for n in numbers if len(ids.get(n, ())) > 1)
    copies = sorted(n for n in numbers if mails[n] > 1 and len(ids.get(n, ())) == 1)
    never = sorted(n for n in numbers if mails[n] == 0)
    figures = {
        "applications": applications, "kills": kill_log,
        "seconds": round(time.monotonic() - started, 1),
        "emails_sent": sum(mails[n] for n in numbers),
        "emails_sent_twice": len(two_messages),
        "emails_second_copy_same_message_id": len(copies),
        "emails_never_sent": len(never),
        "tasks_requeued_by_periodic": requeued,
        "tasks_requeued_at_worker_start": requeued_at_start,
        "mail_claims_expired_and_resent": reclaimed,
        "task_states": result["states"],
        "tasks_left_running": result["running"],
        "index_expected": setup["expected_index"], "index_after": result["index"],
        "outbox_rows_left": result["outbox_left"],
        "outbox_rows_left_claimed": result["outbox_claimed"],
    }
    ok = (not two_messages and not never and not result["running"]
          and result["states"].get("READY", 0) == 0
          and result["index"] == setup["expected_index"])
    return verdict("worker-killed", ok, figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100)
    parser.add_argument("--kills", type=int, default=4)
    args = parser.parse_args()
    with drill_database() as (_pg, env, logdir):
        ok = drill(env, logdir, args.applications, args.kills)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
