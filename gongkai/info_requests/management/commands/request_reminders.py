"""`gongkai request_reminders [--dry-run]`: e-mail handlers about cases due soon or overdue.

Run daily from cron (deploy/cron/gongkai). Idempotent: each case is reminded at most once a
day (``reminders.send_reminders``). ``--dry-run`` lists what would be sent (numbers only)
and sends and records nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from gongkai.info_requests import reminders


class Command(BaseCommand):
    help = "向承办人发送依申请公开答复期限提醒（每件申请每天最多一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="只列出将要提醒的申请，不发送、不记录。")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        summary = reminders.send_reminders(today, dry_run=options["dry_run"])
        for reminder in summary.planned:
            due = reminder.deadlines.due.isoformat() if reminder.deadlines.due else "-"
            self.stdout.write(f"{reminder.application.number}\t{reminder.kind.value}\t{due}\t"
                              f"{len(reminder.recipients)}")
        verb, count = (("将发送", len(summary.planned)) if options["dry_run"]
                       else ("已发送", summary.sent))
        self.stdout.write(f"{verb} {count} 件；"
                          f"今日已提醒 {summary.already_sent} 件；"
                          f"无收件人 {summary.no_recipient} 件。")
