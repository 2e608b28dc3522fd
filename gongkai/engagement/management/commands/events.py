"""`gongkai events send-reminders`: reminder e-mails for events starting within 24 hours.

Run from cron through ``gongkai periodic``; each registration is claimed once, so overlapping
runs never send two reminders.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.engagement import services


class Command(BaseCommand):
    help = "活动：send-reminders 为24小时内开始的活动发送提醒邮件。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("send-reminders", help="为24小时内开始的活动发送提醒邮件")

    def handle(self, *args: Any, **options: Any) -> None:
        claimed = services.claim_due_reminders()
        if claimed or options["verbosity"] > 1:
            self.stdout.write(f"已安排提醒邮件 {claimed} 封。")
