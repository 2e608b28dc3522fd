"""检查年度报告 in the admin: staff upload a report and see its tables and findings."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.annual_reports.admin_checker import URL_NAME
from gongkai.annual_reports.tests.test_checker_real import HONGZE, HUAIAN, fixture
from gongkai.core.enums import StaffRole
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(anshan: Any) -> Any:
    return make_user("checker", agency=anshan, role=StaffRole.EDITOR)


def upload(client: Any, text: str, name: str = "report.txt", **extra: Any) -> str:
    data = {"report": SimpleUploadedFile(name, text.encode()), **extra}
    response = client.post(reverse(URL_NAME), data)
    assert response.status_code == 200
    return str(response.content.decode())


def test_staff_see_the_tables_of_a_consistent_report(client: Any, staff: Any) -> None:
    client.force_login(staff)
    page = client.get(reverse(URL_NAME)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert reverse(URL_NAME) in client.get("/admin/").content.decode()
    body = upload(client, fixture(HUAIAN))
    assert "各项勾稽关系均成立" in body
    assert re.search(r'id="cell-三-new-total">3119<', body)
    assert re.search(r'id="cell-四-review-total">351<', body)
    assert re.search(r'id="cell-二-fees-amount">96171.6<', body)
    assert '<th scope="colgroup" colspan="5">法人或其他组织</th>' in body


def test_a_broken_rule_is_shown_at_its_cell_and_in_the_findings(client: Any, staff: Any) -> None:
    client.force_login(staff)
    text = re.sub(r"(8\.属于行政查询事项.*)105$", r"\g<1>150", fixture(HUAIAN), flags=re.M)
    body = upload(client, text)
    assert "2处不符合勾稽关系" in body
    assert re.search(r'id="cell-三-3\.8-total">150 <strong>✗', body)
    assert "表三「（三）不予公开8.属于行政查询事项」×「总计」" in body


def test_warnings_and_reading_notes_are_listed(client: Any, staff: Any) -> None:
    client.force_login(staff)
    body = upload(client, fixture(HONGZE))
    assert "（六）其他处理按一行填报" in body
    assert "受理政府信息公开申请17件" in body


def test_a_file_that_is_not_a_report_is_refused_with_an_alert(client: Any, staff: Any) -> None:
    client.force_login(staff)
    body = upload(client, "会议纪要")
    assert 'role="alert"' in body and "无法作为年度报告读取" in body


def test_the_form_reports_a_missing_file_at_the_field(client: Any, staff: Any) -> None:
    client.force_login(staff)
    response = client.post(reverse(URL_NAME), {})
    body = response.content.decode()
    assert 'aria-invalid="true"' in body and "id_report-errors" in body


def test_people_who_are_not_agency_staff_are_refused(client: Any) -> None:
    client.force_login(make_user("outsider"))
    assert client.get(reverse(URL_NAME)).status_code in (302, 403)
