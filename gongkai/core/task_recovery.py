"""Requeue tasks abandoned by a dead worker.

django-tasks-db marks a task ``RUNNING`` when a worker claims it and never looks at it
again: a worker killed mid-task (SIGKILL, OOM, power loss) leaves it ``RUNNING`` for ever,
neither finished nor retried. ``requeue_abandoned_tasks`` puts ``RUNNING`` tasks whose
``started_at`` is older than a bound back to ``READY`` (the same row: same id, same
arguments), so a worker runs them again. It runs from ``gongkai periodic`` (cron, every
minute, as ``recover_tasks``) and when a worker starts (``gongkai db_worker``).

The bound (``GONGKAI_TASK_STALE_SECONDS``, 15 minutes) must exceed the longest task: a task
still running past it would be run a second time. Every gongkai task is idempotent in
effect (the search outbox by its claims and upserts, e-mails by the mail outbox, whose
claim bound is shorter so the requeued task finds an abandoned mail claim expired).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from gongkai.core import audit

logger = logging.getLogger(__name__)


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "GONGKAI_TASK_STALE_SECONDS", 900)))


def requeue_abandoned_tasks(
    *, now: dt.datetime | None = None, bound: dt.timedelta | None = None
) -> list[str]:
    """Put ``RUNNING`` tasks started before ``now - bound`` back to ``READY``; returns the
    task paths requeued (one entry per task)."""
    now = now or timezone.now()
    cutoff = now - (bound if bound is not None else stale_after())
    with transaction.atomic():
        rows = list(
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
            .values_list("id", "task_path")
        )
        if not rows:
            return []
        DBTaskResult.objects.filter(
            id__in=[pk for pk, _path in rows],
            status=TaskResultStatus.RUNNING,
        ).update(status=TaskResultStatus.READY, started_at=None)
        paths = sorted(path for _pk, path in rows)
        audit.record(
            action="tasks.requeued",
            data={"count": len(rows), "tasks": paths, "cutoff": cutoff.isoformat()},
        )
    logger.warning(
        "requeued abandoned tasks", extra={"event": "tasks_requeued", "count": len(rows)}
    )
    return paths
