"""Checking a published report file: read it, extract its tables, apply every rule.

Used by ``gongkai annual-report check`` and by the admin upload page, so both give the same
answer. Pure (no database): the file's bytes in, a :class:`CheckResult` out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.annual_reports.format import ReportTables
from gongkai.annual_reports.parse import UnreadableReport, read_report
from gongkai.annual_reports.rules import Finding, Severity, check, has_errors

# Exit statuses of the console command.
OK = 0
RULE_BROKEN = 1
UNREADABLE = 2


@dataclass
class CheckResult:
    tables: ReportTables
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)  # what the reader had to guess
    previous: ReportTables | None = None

    @property
    def status(self) -> int:
        return RULE_BROKEN if has_errors(self.findings) else OK

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "ok": self.status == OK,
            "tables": self.tables.as_json(),
            "findings": [f.as_json() for f in self.findings],
            "notes": self.notes,
            "previous": None if self.previous is None else self.previous.as_json(),
        }


def check_file(data: bytes, filename: str = "", previous: bytes | None = None,
               previous_name: str = "") -> CheckResult:
    """Check one report file (and X1–X2 against the previous year's file when given).

    Raises :class:`UnreadableReport` when either file cannot be read as a report.
    """
    extraction = read_report(data, filename)
    last = read_report(previous, previous_name) if previous is not None else None
    findings = check(extraction.tables, last.tables if last else None, imported=True)
    notes = list(extraction.notes)
    if last is not None:
        notes += [f"上年报告：{note}" for note in last.notes]
    return CheckResult(extraction.tables, findings, notes, last.tables if last else None)


__all__ = ["OK", "RULE_BROKEN", "UNREADABLE", "CheckResult", "UnreadableReport", "check_file"]
