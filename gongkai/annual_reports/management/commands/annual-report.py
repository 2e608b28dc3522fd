"""`gongkai annual-report check FILE [--previous FILE] [--json]`: check a published report.

Reads a 政府信息公开工作年度报告 as plain text (e.g. ``pdftotext -layout`` output), HTML, DOCX
or XLSX, in the 2021 format or the 2019 trial format, extracts tables 二, 三 and 四 and
applies the rules R1–R5 (and X1–X2 with ``--previous``, last year's report of the same
agency), plus warnings for figures in 一、总体情况 that disagree with the tables.

Exit status: 0 every rule holds (warnings allowed), 1 a rule is broken, 2 the file cannot
be read as a report. No database is needed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.annual_reports.checker import (
    RULE_BROKEN,
    UNREADABLE,
    CheckResult,
    UnreadableReport,
    check_file,
)
from gongkai.annual_reports.format import (
    APPLICATION_COLUMNS,
    APPLICATION_ROW_LABELS,
    APPLICATION_ROWS,
    REVIEW_CELLS,
    ReportTables,
)
from gongkai.annual_reports.rules import Severity


class Command(BaseCommand):
    help = "政府信息公开工作年度报告：检查已发布报告的表格是否符合勾稽关系。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="检查一份年度报告文件（文本、HTML、DOCX、XLSX）")
        check.add_argument("file")
        check.add_argument("--previous", default="",
                           help="同一机关上一年度的报告，用于跨年度检查（X1、X2）")
        check.add_argument("--json", action="store_true", help="以JSON输出表格和检查结果")

    def handle(self, *args: Any, **options: Any) -> None:
        result = self.check_report(options["file"], options["previous"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            self.print_result(options["file"], result)
        if result.status == RULE_BROKEN:
            raise CommandError(f"{len(result.errors)}处不符合勾稽关系。", returncode=RULE_BROKEN)

    def check_report(self, file: str, previous: str) -> CheckResult:
        try:
            data = Path(file).read_bytes()
            last = Path(previous).read_bytes() if previous else None
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}", returncode=UNREADABLE) from exc
        try:
            return check_file(data, Path(file).name, last, Path(previous).name)
        except UnreadableReport as exc:
            raise CommandError(f"{file}：{exc}", returncode=UNREADABLE) from exc

    def print_result(self, file: str, result: CheckResult) -> None:
        tables = result.tables
        write = self.stdout.write
        write(f"{file}：{tables.agency or '（未识别机关）'} {tables.year or '（未识别年度）'}年度，"
              f"{tables.format.label}格式")
        write(format_applications(tables))
        write("表四：" + " ".join(_cell(tables.reviews[key]) for key in REVIEW_CELLS))
        for note in result.notes:
            write(f"  说明：{note}")
        if not result.findings:
            write(self.style.SUCCESS("各项勾稽关系均成立。"))
        for finding in result.findings:
            line = (f"  [{finding.severity.label}] {finding.rule.value} {finding.cell.label}："
                    f"{finding.message}")
            error = finding.severity is Severity.ERROR
            write(self.style.ERROR(line) if error else self.style.WARNING(line))
        write(f"共{len(result.errors)}处错误，{len(result.warnings)}处提示。")


def _cell(value: int | None) -> str:
    return "空" if value is None else str(value)


def format_applications(tables: ReportTables) -> str:
    """Table 三 as aligned text (row label, then the 7 columns)."""
    header = "表三：" + " / ".join(c.label for c in APPLICATION_COLUMNS)
    lines = [header]
    keys = [r.key for r in APPLICATION_ROWS]
    if tables.other_single_row:
        at = keys.index("6.1")
        keys = [*keys[:at], "6", *keys[at + 3:]]
    for key in keys:
        values = [_cell(tables.applications.get((key, c.key))) for c in APPLICATION_COLUMNS]
        label = APPLICATION_ROW_LABELS[key][:12]
        lines.append(f"  {label}{'　' * (12 - len(label))}" + " ".join(f"{v:>6}" for v in values))
    return "\n".join(lines)
