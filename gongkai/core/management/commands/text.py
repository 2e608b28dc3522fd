"""`gongkai text restore FILE`: restore damaged legacy text (docs/legacy-import.md).

    gongkai text restore page.txt            # restored text on stdout
    gongkai text restore page.txt --report   # the report as JSON instead
    cat page.txt | gongkai text restore -    # from stdin

The file is decoded like an import would decode it (GBK, Big5, UTF-16 …); a file that
cannot be decoded reliably is refused with the reason on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.text.decode import UndecodableError, decode_bytes
from gongkai.core.text.restore import restore

BAD_INPUT = 2


class Command(BaseCommand):
    help = "中文文本工具：restore 修复繁体夹注拼音等受损的历史文本。"

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", metavar="ACTION")
        subparsers.required = True
        restore_parser = subparsers.add_parser(
            "restore", help="修复受损文本，结果写到标准输出",
            description="修复受损文本（繁体字、夹注拼音、半角标点），结果写到标准输出。")
        restore_parser.add_argument("file", metavar="FILE", help="文本文件；“-”表示标准输入")
        restore_parser.add_argument("--report", action="store_true",
                                    help="改为输出修复报告（JSON）")

    def handle(self, *args: Any, **options: Any) -> None:
        data = self._read(options["file"])
        try:
            text = decode_bytes(data).text
        except UndecodableError as exc:
            raise CommandError(f"{options['file']}：{exc}", returncode=BAD_INPUT) from exc
        result = restore(text)
        if options["report"]:
            self.stdout.write(json.dumps(result.report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(result.text, ending="" if result.text.endswith("\n") else "\n")

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {name}：{exc.strerror}",
                               returncode=BAD_INPUT) from exc
