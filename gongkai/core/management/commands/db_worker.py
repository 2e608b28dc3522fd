"""`gongkai db_worker`: django-tasks-db's worker, first requeuing abandoned tasks.

A worker that starts after a crash finds the tasks its predecessor was running left
``RUNNING``; those older than ``GONGKAI_TASK_STALE_SECONDS`` are requeued before it begins
(``gongkai.core.task_recovery``). Younger ones are left to ``gongkai periodic``: another
worker may still be running them.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from gongkai.core.task_recovery import requeue_abandoned_tasks


class Command(DatabaseWorkerCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        requeue_abandoned_tasks()
        super().handle(*args, **options)
