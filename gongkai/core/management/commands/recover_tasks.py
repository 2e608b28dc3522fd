"""`gongkai recover_tasks`: requeue tasks left RUNNING by a dead worker (run by periodic)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.core.task_recovery import requeue_abandoned_tasks


class Command(BaseCommand):
    help = "把因任务进程中断而长期处于 RUNNING 的后台任务重新排队（默认超过15分钟）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stale-after",
            type=float,
            default=None,
            metavar="SECONDS",
            help="RUNNING 超过此秒数即视为中断（默认 GONGKAI_TASK_STALE_SECONDS）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options["stale_after"]
        bound = dt.timedelta(seconds=seconds) if seconds is not None else None
        paths = requeue_abandoned_tasks(bound=bound)
        if paths and options["verbosity"] > 0:
            self.stdout.write(f"已重新排队 {len(paths)} 个任务：{', '.join(sorted(set(paths)))}")
