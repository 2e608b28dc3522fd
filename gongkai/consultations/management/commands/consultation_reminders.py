"""`gongkai consultation_reminders [--dry-run]`: e-mail agencies about 留言 due soon or overdue.

Listed in GONGKAI_PERIODIC_COMMANDS; each message is reminded at most once a day.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from gongkai.consultations import reminders


class Command(BaseCommand):
    help = "提醒各机关即将到期或已超期的留言（每条留言每天最多一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出，不发送、不记录。")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = reminders.send_reminders(timezone.localdate(), dry_run=options["dry_run"])
        for r in summary.planned:
            state = "overdue" if r.overdue else "due_soon"
            self.stdout.write(f"{r.message.number}\t{state}\t{r.deadline.due.isoformat()}\t"
                              f"{len(r.recipients)}")
        verb, count = (("将发送", len(summary.planned)) if options["dry_run"]
                       else ("已发送", summary.sent))
        self.stdout.write(f"{verb} {count} 条；今日已提醒 {summary.already_sent} 条；"
                          f"无收件人 {summary.no_recipient} 条。")
