"""Run the periodic management commands once (cron), or every N seconds (--loop, for the demo).

Production runs `gongkai periodic` from cron every minute; what it runs is the setting
GONGKAI_PERIODIC_COMMANDS.
"""

from __future__ import annotations

import logging
import shlex
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "运行定时任务（定时发布等）一次；--loop N 则每N秒运行一次。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for name in settings.GONGKAI_PERIODIC_COMMANDS:
                try:
                    call_command(*shlex.split(name))
                except Exception:  # one failing command must not stop the others
                    logger.exception("Periodic command failed",
                                     extra={"event": "periodic_failed", "command": name})
            if not options["loop"]:
                return
            time.sleep(options["loop"])
