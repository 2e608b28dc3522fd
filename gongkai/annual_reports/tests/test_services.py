"""Generating, adjusting, checking and publishing a report; who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from gongkai.annual_reports import services
from gongkai.annual_reports.enums import ReportStatus
from gongkai.annual_reports.format import app_cell
from gongkai.annual_reports.models import AnnualReport, CellAdjustment
from gongkai.annual_reports.tests.factories import application
from gongkai.catalog.models import DisclosureItemPage
from gongkai.core.enums import StaffRole
from gongkai.core.models import AuditLogEntry
from gongkai.info_requests.enums import Outcome
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db

D = dt.date
NEW_TOTAL = app_cell("new", "total").key
NEW_PERSON = app_cell("new", "natural_person").key


@pytest.fixture(autouse=True)
def _january_2026():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def editor(anshan):  # type: ignore[no-untyped-def]
    return make_user("ar-editor", agency=anshan, role=StaffRole.EDITOR)


@pytest.fixture
def approver(anshan):  # type: ignore[no-untyped-def]
    return make_user("ar-approver", agency=anshan, role=StaffRole.APPROVER)


@pytest.fixture
def report(anshan, editor):  # type: ignore[no-untyped-def]
    application(anshan, D(2025, 3, 1), closed=D(2025, 3, 20), outcome=Outcome.GRANTED)
    application(anshan, D(2025, 12, 30))
    return services.generate(anshan, 2025, by=editor)


def test_generation_fills_the_figures_and_suggests_the_text(report):
    assert report.status == ReportStatus.DRAFT
    assert report.figures[NEW_TOTAL] == 2
    assert "新收政府信息公开申请2件" in report.overview
    assert "未收取信息处理费" in report.other_matters


def test_a_year_not_yet_over_cannot_be_generated(anshan, editor):
    with pytest.raises(services.ServiceError):
        services.generate(anshan, 2026, by=editor)


def test_an_adjustment_needs_a_reason(report, editor):
    with pytest.raises(services.ServiceError, match="理由"):
        services.adjust_cell(report, NEW_PERSON, "3", "  ", by=editor)
    assert not CellAdjustment.objects.exists()


def test_an_adjustment_changes_the_shown_figure_and_is_recorded(report, editor):
    services.adjust_cell(report, NEW_PERSON, "3", "补录一件纸质来信申请", by=editor)
    assert report.effective_figures()[NEW_PERSON] == 3
    assert report.computed_figures()[NEW_PERSON] == 2
    adjustment = CellAdjustment.objects.get()
    assert (adjustment.computed_value, adjustment.value, adjustment.user_name) == (
        "2", "3", "ar-editor")
    assert AuditLogEntry.objects.filter(action="annual_reports.cell_adjusted").exists()


def test_a_non_number_is_refused(report, editor):
    with pytest.raises(services.ServiceError, match="非负整数"):
        services.adjust_cell(report, NEW_PERSON, "-1", "某个理由说明", by=editor)


def test_regeneration_keeps_text_and_adjustments(report, editor, anshan):
    services.update_text(report, overview="自写的总体情况", problems="问题", other_matters="其他",
                         by=editor)
    services.adjust_cell(report, NEW_PERSON, "5", "补录纸质来信申请", by=editor)
    again = services.generate(anshan, 2025, by=editor)
    assert again.pk == report.pk and again.overview == "自写的总体情况"
    assert again.effective_figures()[NEW_PERSON] == 5


def test_a_clean_report_is_checked_and_published_into_the_annual_report_column(
        report, editor, approver):
    findings = services.check(report, by=editor)
    assert not [f for f in findings if f.severity.value == "error"]
    assert report.status == ReportStatus.CHECKED
    services.publish(report, by=approver)
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    page = DisclosureItemPage.objects.get(pk=report.page_id)
    assert page.live and page.get_parent().specific.kind == "annual_reports"
    assert page.title == "鞍山市统计局2025年政府信息公开工作年度报告"


def test_publication_is_refused_while_a_rule_is_broken(report, editor, approver):
    services.adjust_cell(report, NEW_PERSON, "7", "按纸质登记簿更正", by=editor)  # R1, R2 break
    with pytest.raises(services.ServiceError, match="不能发布"):
        services.publish(report, by=approver)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.page_id is None


def test_a_reviewers_reason_lets_a_broken_rule_through(report, editor, approver):
    services.adjust_cell(report, NEW_PERSON, "7", "按纸质登记簿更正", by=editor)
    for finding in services.findings_of(report):
        if finding.severity.value == "error":
            services.record_override(report, rule=finding.rule.value, cell=finding.cell.key,
                                     reason="纸质登记簿与系统不一致，已说明", by=approver)
    services.publish(report, by=approver)
    assert report.status == ReportStatus.PUBLISHED


def test_an_editor_cannot_explain_a_broken_rule_nor_publish(report, editor):
    services.adjust_cell(report, NEW_PERSON, "7", "按纸质登记簿更正", by=editor)
    finding = next(f for f in services.findings_of(report) if f.severity.value == "error")
    with pytest.raises(PermissionDenied):
        services.record_override(report, rule=finding.rule.value, cell=finding.cell.key,
                                 reason="我觉得没问题的理由", by=editor)
    with pytest.raises(PermissionDenied):
        services.publish(report, by=editor)


def test_staff_of_another_agency_cannot_generate_or_adjust(report, haicheng, anshan):
    other = make_user("ar-other", agency=haicheng, role=StaffRole.ADMIN)
    with pytest.raises(PermissionDenied):
        services.generate(anshan, 2025, by=other)
    with pytest.raises(PermissionDenied):
        services.adjust_cell(report, NEW_PERSON, "1", "别的单位来改", by=other)


def test_a_published_report_cannot_change(report, editor, approver, anshan):
    services.publish(report, by=approver)
    with pytest.raises(services.ServiceError, match="已发布"):
        services.adjust_cell(report, NEW_PERSON, "1", "发布后再改一下", by=editor)
    with pytest.raises(services.ServiceError, match="已发布"):
        services.generate(anshan, 2025, by=editor)
    assert AnnualReport.objects.count() == 1
