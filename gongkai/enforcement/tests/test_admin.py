"""The admin screens: agency scoping, the deadline flag, forms that keep what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.enums import StaffRole
from gongkai.enforcement import services
from gongkai.enforcement.enums import PartyKind
from gongkai.enforcement.tests.conftest import SEED
from gongkai.enforcement.tests.factories import enterprises_csv
from gongkai.testing import make_user, refused

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 30, 9, 0, tzinfo=dt.UTC)


def test_staff_of_another_agency_cannot_open_the_plan_or_the_decision(client, plan, haicheng,
                                                                      approver, anshan):
    decision = services.record_penalty(agency=anshan, by=approver, data=services.PenaltyData(
        case_number="鞍统罚〔2026〕1号", party_kind=PartyKind.ORGANISATION, party_name="某公司",
        facts="虚报", legal_basis="统计法", penalty="警告", decided_on=dt.date(2026, 1, 5)))
    client.force_login(make_user("zf-other", agency=haicheng, role=StaffRole.ADMIN))
    assert refused(client.get(reverse("enforcement_admin:plan", args=[plan.pk])))
    assert refused(client.get(reverse("enforcement_admin:penalty", args=[decision.pk])))
    assert "某公司" not in client.get(reverse("enforcement_admin:home")).content.decode()


def test_an_overdue_decision_is_flagged_in_the_list(client, anshan, approver):
    with time_machine.travel(NOW, tick=False):
        services.record_penalty(agency=anshan, by=approver, data=services.PenaltyData(
            case_number="鞍统罚〔2026〕2号", party_kind=PartyKind.ORGANISATION,
            party_name="某公司", facts="虚报", legal_basis="统计法", penalty="警告",
            decided_on=dt.date(2026, 10, 9)))
        client.force_login(approver)
        page = client.get(reverse("enforcement_admin:home")).content.decode()
    assert "逾期未公开" in page and "⚠" in page


def test_a_bad_list_file_is_reported_row_by_row_on_the_plan_page(client, plan, approver):
    client.force_login(approver)
    bad = enterprises_csv(2, extra="91210300MA0000001X,坏代码公司,,\n")
    response = client.post(reverse("enforcement_admin:plan", args=[plan.pk]), {
        "action": "enterprises", "file": SimpleUploadedFile("e.csv", bad)})
    assert response.status_code == 200
    assert "第4行：统一社会信用代码校验位不正确" in response.content.decode()


def test_a_refused_redraw_keeps_the_typed_seed(client, freeze, approver):
    client.force_login(approver)
    url = reverse("enforcement_admin:plan", args=[freeze.plan.pk])
    with time_machine.travel(NOW, tick=False):
        client.post(url, {"action": "draw", "freeze": freeze.pk, "seed_value": SEED})
        response = client.post(url, {"action": "draw", "freeze": freeze.pk,
                                     "seed_value": "再次录入的开奖号码"})
    body = response.content.decode()
    assert "重新摇号的理由" in body and "再次录入的开奖号码" in body
    assert freeze.draws.count() == 1
