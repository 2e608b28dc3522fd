"""`gongkai search rebuild|check|process|stats`: operate the site search index."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gongkai.core.models import SearchDocument, SearchOutbox
from gongkai.core.search import indexing
from gongkai.core.search.backends import backend_name, get_backend


class Command(BaseCommand):
    help = "站内搜索索引：rebuild 重建，check 检查缺失或过期，process 处理待索引队列，stats 统计。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="清空并从数据库重建索引")
        check = sub.add_parser("check", help="报告索引中缺失、过期或多余的文档；有问题时退出码为 1")
        check.add_argument("--json", action="store_true", help="以 JSON 输出报告")
        sub.add_parser("process", help="处理待索引队列（outbox）")
        sub.add_parser("stats", help="索引规模与队列长度")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rebuild":
            self._rebuild()
        elif action == "check":
            self._check(as_json=options["json"])
        elif action == "process":
            done = indexing.process_outbox()
            if done or options["verbosity"] > 1:
                self.stdout.write(f"已处理 {done} 条索引任务。")
        else:
            self._stats()

    def _bar(self, total: int, desc: str) -> tqdm[Any]:
        return tqdm(total=total, desc=desc, unit="条", file=sys.stderr,
                    disable=not sys.stderr.isatty())

    def _rebuild(self) -> None:
        total = indexing.total_to_index()
        with self._bar(total, "重建索引") as bar:
            report = indexing.rebuild(progress=bar.update)
        by_source = "，".join(f"{name} {count} 条" for name, count in report.by_source.items())
        self.stdout.write(self.style.SUCCESS(
            f"索引已重建（{backend_name()}）：共 {report.documents} 条（{by_source or '无'}）。"))

    def _check(self, *, as_json: bool) -> None:
        total = indexing.total_to_index()
        with self._bar(total, "检查索引") as bar:
            report = indexing.check(progress=bar.update)
        if as_json:
            payload = report.__dict__ | {"ok": report.ok}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"应索引 {report.expected} 条，已索引 {report.indexed} 条；"
                f"缺失 {len(report.missing)}，过期 {len(report.stale)}，"
                f"多余 {len(report.orphaned)}，索引结构缺失 {len(report.not_in_backend)}；"
                f"待处理队列 {report.pending_outbox} 条。")
            problems = (("缺失", report.missing), ("过期", report.stale),
                        ("多余", report.orphaned), ("索引结构缺失", report.not_in_backend))
            for label, items in problems:
                for item in items[:20]:
                    self.stdout.write(f"  {label}: {item}")
            if report.analyzer_outdated:
                self.stdout.write("  分词规则已更新，需要运行 gongkai search rebuild。")
        if not report.ok:
            raise CommandError("索引与数据库不一致，可运行 gongkai search rebuild 修复。")

    def _stats(self) -> None:
        size = get_backend().size_bytes()
        self.stdout.write(
            f"后端 {backend_name()}：{SearchDocument.objects.count()} 条文档，"
            f"索引大小 {'未知' if size is None else f'{size / 1048576:.1f} MB'}，"
            f"待处理队列 {SearchOutbox.objects.count()} 条。")
