"""`gongkai audit verify`: check the hash chain of the audit log end to end."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gongkai.core import audit
from gongkai.core.models import AuditLogEntry


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链是否完整（删除、修改、插入的记录都会被发现）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="逐条校验审计日志的哈希链")

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditLogEntry.objects.count()
        with tqdm(total=total, desc="校验审计日志", unit="条",
                  disable=not self.stdout.isatty()) as bar:
            broken = audit.verify_chain(progress=bar.update)
        if broken is not None:
            raise CommandError(
                f"审计日志哈希链在第{broken}条处断裂：该条或其前一条记录被删除或篡改。")
        head = AuditLogEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        last = f"，最后一条 #{head[0]} 哈希 {head[1][:16]}…" if head else ""
        self.stdout.write(f"审计日志完整：共{total}条，哈希链校验通过{last}。")
