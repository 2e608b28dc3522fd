"""`gongkai enforcement`: check “双随机” draws from the console.

    gongkai enforcement verify DRAW_FILE [--json]    # a draw file or a chain file
    gongkai enforcement chain AGENCY_SLUG [-o FILE]  # write an agency's chain file
    gongkai enforcement check [AGENCY_SLUG ...]      # recompute the stored chains

``verify`` needs no database: it recomputes the draw from the inputs in the file (the
frozen lists, the seed, the rule version) with gongkai.enforcement.draw, and the links of
a chain file. Exit status: 0 the file verifies, 1 it does not (each failed check is
printed), 2 the file cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.enforcement import draw as drawing

MISMATCH = 1
UNREADABLE = 2
CHECK_LABELS = {
    "candidates_sha256": "检查对象名录哈希值",
    "inspectors_sha256": "执法检查人员名录哈希值",
    "exclusions_sha256": "回避关系哈希值",
    "result": "摇号结果",
    "record_hash": "记录哈希值",
    "sequence": "摇号序号",
    "prev_hash": "前一记录哈希值（链）",
}


def label(name: str) -> str:
    prefix, _sep, last = name.rpartition(" ")
    text = CHECK_LABELS.get(last, last)
    return f"{prefix} {text}".strip()


class Command(BaseCommand):
    help = "统计执法“双随机”摇号：验证摇号记录文件、导出或检查摇号记录链。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="验证摇号记录文件（或摇号记录链文件）")
        verify.add_argument("draw_file")
        verify.add_argument("--json", action="store_true", help="以JSON输出每项检查")
        chain = sub.add_parser("chain", help="导出某机关的摇号记录链文件")
        chain.add_argument("agency")
        chain.add_argument("-o", "--output", default="")
        check = sub.add_parser("check", help="重算数据库中各机关的摇号记录链")
        check.add_argument("agencies", nargs="*")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            self.verify(options["draw_file"], as_json=options["json"])
        elif action == "chain":
            self.chain(options["agency"], options["output"])
        else:
            self.check_chains(options["agencies"])

    def verify(self, path: str, *, as_json: bool) -> None:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}", returncode=UNREADABLE) from exc
        try:
            result = drawing.verify_document(drawing.load_document(raw))
        except drawing.Unreadable as exc:
            raise CommandError(f"无法识别的摇号记录：{exc}", returncode=UNREADABLE) from exc
        self.report(result, as_json=as_json)

    def report(self, result: drawing.Verification, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({
                "ok": result.ok,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail}
                           for c in result.checks]}, ensure_ascii=False, indent=2))
        else:
            for check in result.checks:
                mark = "✓" if check.ok else "✗"
                line = f"{mark} {label(check.name)}"
                self.stdout.write(line if check.ok else f"{line}：{check.detail}")
        if not result.ok:
            raise CommandError(f"验证未通过：{len(result.failures)}项不一致。",
                               returncode=MISMATCH)
        if not as_json:
            self.stdout.write(self.style.SUCCESS("验证通过：按公布的输入重算，结果一致。"))

    def chain(self, slug: str, output: str) -> None:
        from gongkai.core.models import Agency
        from gongkai.enforcement.selectors import chain_document

        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            raise CommandError(f"没有机关“{slug}”。", returncode=UNREADABLE)
        text = json.dumps(chain_document(agency), ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"已写入 {output}")
        else:
            self.stdout.write(text)

    def check_chains(self, slugs: list[str]) -> None:
        from gongkai.core.models import Agency
        from gongkai.enforcement.selectors import agency_draws, verify_stored_chain

        agencies = Agency.objects.filter(slug__in=slugs) if slugs else Agency.objects.all()
        failed = 0
        for agency in agencies.order_by("sort_order", "pk"):
            count = agency_draws(agency).count()
            if not count and not slugs:
                continue
            result = verify_stored_chain(agency)
            if result.ok:
                self.stdout.write(f"✓ {agency.name}：{count}次摇号，记录链完整。")
            else:
                failed += 1
                self.stdout.write(f"✗ {agency.name}：")
                for check in result.failures:
                    self.stdout.write(f"    {label(check.name)}：{check.detail}")
        if failed:
            raise CommandError(f"{failed}个机关的摇号记录链验证未通过。", returncode=MISMATCH)
