"""Outputs carry the numbers; the admin is scoped to the agency (and its parent); the public
sees published reports only."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.urls import reverse

from gongkai.annual_reports import services
from gongkai.annual_reports.format import app_cell
from gongkai.annual_reports.tests.factories import application
from gongkai.core.enums import StaffRole
from gongkai.info_requests.enums import ApplicantType, Outcome
from gongkai.testing import make_user, refused

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _january_2026():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def approver(anshan):  # type: ignore[no-untyped-def]
    return make_user("ar-approver", agency=anshan, role=StaffRole.APPROVER)


@pytest.fixture
def report(anshan, approver):  # type: ignore[no-untyped-def]
    for _ in range(17):
        application(anshan, D(2025, 3, 1), closed=D(2025, 3, 20), outcome=Outcome.GRANTED)
    for _ in range(3):
        application(anshan, D(2025, 4, 1), closed=D(2025, 4, 20), outcome=Outcome.NOT_HELD,
                    applicant=ApplicantType.RESEARCH_INSTITUTION)
    return services.generate(anshan, 2025, by=approver)


def admin_url(name, *args):  # type: ignore[no-untyped-def]
    return reverse(f"annual_reports_admin:{name}", args=args)


def test_the_admin_page_shows_the_tables_with_merged_headers(client, report, approver):
    client.force_login(approver)
    html = client.get(admin_url("report", report.pk)).content.decode()
    assert 'rowspan="22"' in html and "三、本年度办理结果" in html
    assert 'scope="colgroup"' in html and "法人或其他组织" in html
    assert '>17</a>' in html


def test_drill_down_lists_the_applications_of_a_cell(client, report, approver):
    client.force_login(approver)
    key = app_cell("4.1", "research_institution").key
    response = client.get(admin_url("cell", report.pk), {"cell": key})
    assert response.content.decode().count("T0") == 3


def test_a_refused_adjustment_keeps_what_was_typed_and_announces_the_error(
        client, report, approver):
    client.force_login(approver)
    response = client.post(admin_url("action", report.pk, "adjust"), {
        "cell": app_cell("new", "natural_person").key, "value": "18", "reason": ""})
    html = response.content.decode()
    assert 'role="alert"' in html and "理由" in html and 'value="18"' in html


def test_staff_of_another_agency_cannot_see_or_change_the_report(client, report, haicheng):
    other = make_user("ar-other", agency=haicheng, role=StaffRole.ADMIN)
    client.force_login(other)
    for url in (admin_url("report", report.pk), admin_url("file", report.pk, "json"),
                admin_url("cell", report.pk) + "?cell=" + app_cell("new", "total").key):
        assert refused(client.get(url)), url
    assert refused(client.post(admin_url("action", report.pk, "publish")))
    report.refresh_from_db()
    assert report.status == "draft"


def test_the_parent_agency_sees_its_agencies_but_cannot_change_them(
        client, report, anshan, haicheng):
    haicheng.parent = anshan
    haicheng.save()
    parent_staff = make_user("ar-parent", agency=anshan, role=StaffRole.ADMIN)
    child_staff = make_user("ar-child", agency=haicheng, role=StaffRole.ADMIN)
    child_report = services.generate(haicheng, 2025, by=child_staff)
    client.force_login(parent_staff)
    board = client.get(admin_url("board"), {"year": 2025}).content.decode()
    assert "海城市统计局" in board and "草稿" in board
    assert client.get(admin_url("report", child_report.pk)).status_code == 200
    client.post(admin_url("action", child_report.pk, "adjust"), {
        "cell": app_cell("new", "total").key, "value": "9", "reason": "上级来改一下"})
    assert not child_report.adjustments.exists()
    aggregate = client.get(admin_url("aggregate", anshan.pk, 2025)).content.decode()
    assert "下级单位" in aggregate or "汇总" in aggregate
    client.force_login(child_staff)
    assert refused(client.get(admin_url("report", report.pk)))


def test_the_board_marks_a_report_late_after_31_january(client, anshan, approver):
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=dt.UTC), tick=False):
        client.force_login(approver)
        html = client.get(admin_url("board"), {"year": 2025}).content.decode()
    assert "逾期未发布" in html


def test_docx_xlsx_and_json_contain_the_numbers(client, report, approver):
    import docx
    import openpyxl

    client.force_login(approver)
    data = json.loads(client.get(admin_url("file", report.pk, "json")).content)
    assert data["tables"]["applications"]["1"]["natural_person"] == 17
    document = docx.Document(io.BytesIO(client.get(admin_url("file", report.pk, "docx")).content))
    table_three = next(t for t in document.tables if len(t.rows) == 3 + 25)
    assert "三、本年度办理结果" in table_three.cell(3 + 2, 0).text
    texts = [c.text for c in table_three.rows[5].cells]
    assert texts[-1] == "17" and "予以公开" in texts[1]
    book = openpyxl.load_workbook(io.BytesIO(client.get(admin_url("file", report.pk, "xlsx"))
                                             .content))
    values = [cell.value for row in book["表三"].iter_rows() for cell in row]
    assert 17 in values and 3 in values
    assert book["表三"].merged_cells.ranges


def test_the_public_sees_a_report_only_once_published(client, report, approver, anshan):
    url = reverse("annual_reports:report", args=[anshan.slug, 2025])
    api = "/api/v1/annual-reports/anshan/2025/"
    assert client.get(url).status_code == 404
    assert client.get(api).status_code == 404
    services.publish(report, by=approver)
    html = client.get(url).content.decode()
    assert "鞍山市统计局2025年政府信息公开工作年度报告" in html and "<th scope=\"row\"" in html
    assert client.get(api).json()["tables"]["applications"]["total"]["total"] == 20
