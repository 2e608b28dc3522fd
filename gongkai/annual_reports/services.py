"""Every state change of an annual report: generate, adjust a cell, edit the text, check,
record a reviewer's reason for a broken rule, publish. Each runs in a transaction, checks the
user's role in the report's agency and writes an audit entry.

Roles: any staff role of the agency may generate, adjust, edit and check; a 保密审查员,
审核发布 or 单位管理员 may record why a broken rule is acceptable; 审核发布 or 单位管理员
publish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from gongkai.annual_reports import cells, compute, rules
from gongkai.annual_reports.enums import ReportStatus
from gongkai.annual_reports.models import AnnualReport, CellAdjustment, RuleOverride
from gongkai.core import audit
from gongkai.core.agencies import has_role
from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency

User = AbstractBaseUser | AnonymousUser
MIN_REASON = 5
EDIT_ROLES = tuple(StaffRole)
OVERRIDE_ROLES = (StaffRole.REVIEWER, StaffRole.APPROVER, StaffRole.ADMIN)
PUBLISH_ROLES = (StaffRole.APPROVER, StaffRole.ADMIN)


class ServiceError(Exception):
    """A refused change; the message says why, in Chinese."""


def _require(user: User, agency: Agency, roles: Sequence[StaffRole], what: str) -> None:
    if not has_role(user, agency, *roles):
        raise PermissionDenied(f"您没有{what}的权限。")


def _name(user: User) -> str:
    if isinstance(user, AbstractBaseUser):
        full = getattr(user, "get_full_name", lambda: "")()
        return str(full or user.get_username())
    return "system"


def _user(user: User) -> Any:
    return user if isinstance(user, AbstractBaseUser) else None


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ServiceError(f"请写明理由（至少{MIN_REASON}个字）。")
    return reason


def _not_published(report: AnnualReport) -> None:
    if report.is_published:
        raise ServiceError("年度报告已发布，不能再修改。")


# --- Generate ----------------------------------------------------------------------------


@transaction.atomic
def generate(agency: Agency, year: int, *, by: User, now: dt.datetime | None = None,
             check_permission: bool = True) -> AnnualReport:
    """Compute (or recompute) the figures from the records. A new report also gets the
    suggested text of 一 and 六; a regenerated one keeps the text and the adjustments (the
    adjustments still apply on top of the new figures) and goes back to draft."""
    if check_permission:
        _require(by, agency, EDIT_ROLES, "编制本单位年度报告")
    now = now or timezone.now()
    if year >= now.year:
        raise ServiceError("只能生成已经结束的年度的报告。")
    report = AnnualReport.objects.select_for_update().filter(agency=agency, year=year).first()
    if report is not None:
        _not_published(report)
    result = compute.compute(agency, year)
    created = report is None
    if report is None:
        report = AnnualReport(agency=agency, year=year,
                              overview=compute.overview_text(agency, year, result.facts),
                              other_matters=compute.other_matters_text(result.facts))
    report.figures = {k: cells.to_json(v) for k, v in result.figures.items()}
    report.sources = {**result.sources, "facts": result.facts}
    report.computed_at = now
    report.status = ReportStatus.DRAFT
    report.findings = []
    report.checked_at = None
    report.save()
    audit.record(action="annual_reports.generated" if created else "annual_reports.regenerated",
                 actor=by, agency=agency, target=report, data={"year": year})
    return report


# --- Adjust and edit ---------------------------------------------------------------------


@transaction.atomic
def adjust_cell(report: AnnualReport, cell: str, value: str, reason: str, *,
                by: User, now: dt.datetime | None = None) -> CellAdjustment:
    """Change one cell, with the reason on record (who, when, computed value, new value)."""
    _require(by, report.agency, EDIT_ROLES, "调整本单位年度报告")
    _not_published(report)
    if cell not in cells.CELL_SET:
        raise ServiceError("没有这个单元格。")
    try:
        typed = cells.parse_value(cell, value)
    except ValueError as exc:
        raise ServiceError(str(exc)) from exc
    reason = _reason(reason)
    computed = report.computed_figures().get(cell, 0)
    adjustment = CellAdjustment.objects.create(
        report=report, cell=cell, computed_value=str(computed), value=str(typed),
        reason=reason, user=_user(by),
        user_name=_name(by), created_at=now or timezone.now())
    _back_to_draft(report)
    audit.record(action="annual_reports.cell_adjusted", actor=by, agency=report.agency,
                 target=report, data={"cell": cell, "computed": str(computed),
                                      "value": str(typed), "reason": reason})
    return adjustment


@transaction.atomic
def update_text(report: AnnualReport, *, overview: str, problems: str, other_matters: str,
                by: User) -> AnnualReport:
    """The text of 一、五、六."""
    _require(by, report.agency, EDIT_ROLES, "编辑本单位年度报告")
    _not_published(report)
    report.overview, report.problems, report.other_matters = (
        overview.strip(), problems.strip(), other_matters.strip())
    report.save(update_fields=["overview", "problems", "other_matters", "updated_at"])
    _back_to_draft(report)
    audit.record(action="annual_reports.text_updated", actor=by, agency=report.agency,
                 target=report, data={})
    return report


def _back_to_draft(report: AnnualReport) -> None:
    # A checked report that changes must be checked again before it is published.
    if report.status == ReportStatus.CHECKED:
        report.status = ReportStatus.DRAFT
        report.save(update_fields=["status", "updated_at"])


# --- Check ------------------------------------------------------------------------------


def tables_of(report: AnnualReport) -> Any:
    return cells.to_tables(report.effective_figures(), year=report.year,
                           agency=report.agency.name,
                           sections={"overview": report.overview, "problems": report.problems,
                                     "other": report.other_matters})


def previous_tables(report: AnnualReport) -> Any:
    """Last year's report of the agency (for X1/X2), if gongkai has one."""
    previous = AnnualReport.objects.filter(agency=report.agency, year=report.year - 1).first()
    return tables_of(previous) if previous is not None else None


def findings_of(report: AnnualReport) -> list[rules.Finding]:
    return rules.check(tables_of(report), previous_tables(report), imported=False)


def unresolved(report: AnnualReport, findings: Sequence[rules.Finding]) -> list[rules.Finding]:
    """The errors no reviewer has explained."""
    explained = {(o.rule, o.cell) for o in report.overrides.all()}
    return [f for f in findings if f.severity is rules.Severity.ERROR
            and (f.rule.value, f.cell.key) not in explained]


@transaction.atomic
def check(report: AnnualReport, *, by: User, now: dt.datetime | None = None
          ) -> list[rules.Finding]:
    """Run the rules (R1–R5, X1–X2 against last year's report, the text against the
    tables). The report is 已校验 when no error is left unexplained."""
    _require(by, report.agency, EDIT_ROLES, "校验本单位年度报告")
    findings = findings_of(report)
    report.findings = [f.as_json() for f in findings]
    report.checked_at = now or timezone.now()
    if not report.is_published:
        report.status = (ReportStatus.DRAFT if unresolved(report, findings)
                         else ReportStatus.CHECKED)
    report.save(update_fields=["findings", "checked_at", "status", "updated_at"])
    audit.record(action="annual_reports.checked", actor=by, agency=report.agency, target=report,
                 data={"errors": sum(f.severity is rules.Severity.ERROR for f in findings),
                       "warnings": sum(f.severity is rules.Severity.WARNING for f in findings)})
    return findings


@transaction.atomic
def record_override(report: AnnualReport, *, rule: str, cell: str, reason: str, by: User,
                    now: dt.datetime | None = None) -> RuleOverride:
    """A reviewer's written reason to publish although ``rule`` fails at ``cell``."""
    _require(by, report.agency, OVERRIDE_ROLES, "说明规则例外")
    _not_published(report)
    reason = _reason(reason)
    finding = next((f for f in findings_of(report)
                    if f.rule.value == rule and f.cell.key == cell), None)
    if finding is None:
        raise ServiceError("该规则在这个单元格上没有被违反，无需说明。")
    override = RuleOverride.objects.create(
        report=report, rule=rule, cell=cell, message=finding.message, reason=reason,
        user=_user(by), user_name=_name(by),
        created_at=now or timezone.now())
    audit.record(action="annual_reports.rule_overridden", actor=by, agency=report.agency,
                 target=report, data={"rule": rule, "cell": cell, "reason": reason,
                                      "message": finding.message})
    return override


# --- Publish -----------------------------------------------------------------------------


@transaction.atomic
def publish(report: AnnualReport, *, by: User, now: dt.datetime | None = None) -> AnnualReport:
    """Publish into the agency's 政府信息公开年报 column. Refused while a rule is broken and
    no reviewer has recorded why."""
    from gongkai.annual_reports import publication

    _require(by, report.agency, PUBLISH_ROLES, "发布本单位年度报告")
    _not_published(report)
    now = now or timezone.now()
    findings = findings_of(report)
    open_errors = unresolved(report, findings)
    if open_errors:
        raise ServiceError("以下规则未通过，且没有审核人员说明理由，不能发布：" + "；".join(
            f.message for f in open_errors[:5]) + ("等。" if len(open_errors) > 5 else "。"))
    report.findings = [f.as_json() for f in findings]
    report.page = publication.publish_page(report, by=by, now=now)
    report.status = ReportStatus.PUBLISHED
    report.published_at = now
    report.published_by = _user(by)
    report.save()
    audit.record(action="annual_reports.published", actor=by, agency=report.agency,
                 target=report, data={"page_id": report.page.pk if report.page else None})
    return report
