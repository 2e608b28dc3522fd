"""`gongkai annual_report_reminders [--dry-run]`: remind agencies whose report for the last
year is not yet published (due 31 January). Safe to run often: each agency gets each
reminder once (``annual_reports.reminders``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.annual_reports import reminders


class Command(BaseCommand):
    help = "提醒尚未发布上一年度政府信息公开工作年度报告的单位（1月31日前）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出，不发送、不记录。")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = reminders.send_reminders(dry_run=options["dry_run"])
        for planned in summary.planned:
            self.stdout.write(f"{planned.agency.name}\t{planned.stage}\t{planned.status.label}\t"
                              f"{len(planned.recipients)}")
        verb = "将提醒" if options["dry_run"] else "已提醒"
        count = len(summary.planned) if options["dry_run"] else summary.sent
        self.stdout.write(f"{verb} {count} 个单位；此前已提醒 {summary.already_sent} 个。")
