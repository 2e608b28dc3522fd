"""登记申请: staff register applications received on paper, by fax or by telephone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from gongkai.core.enums import StaffRole
from gongkai.info_requests.enums import Channel, Status
from gongkai.info_requests.models import Application
from gongkai.info_requests.tests.helpers import BAD_CHECK_ID, VALID_ID
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 10, 10, 10, 0, tzinfo=dt.UTC)
URL = "/admin/info-requests/register/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(anshan):
    return make_user("intake-editor", agency=anshan, role=StaffRole.EDITOR)


def form(agency, **changes):
    data = {
        "agency": agency.pk, "channel": Channel.IN_PERSON, "submitted_on": "2024-10-08",
        "applicant_category": "natural_person", "name": "王五", "id_type": "resident_id",
        "id_number": VALID_ID, "phone": "13912345678", "address": "鞍山市铁东区某路1号",
        "description": "2023年鞍山市统计年鉴的人口部分", "provision_form": "paper",
        "delivery_method": "post", "idempotency_key": "intake-key-1",
    }
    data.update(changes)
    return data


def test_an_application_handed_in_is_received_the_same_day_and_its_code_shown_once(
        client, anshan, staff):
    client.force_login(staff)
    assert "登记" in client.get(URL).content.decode()
    assert URL in client.get("/admin/info-requests/").content.decode()
    response = client.post(URL, form(anshan))
    assert response.status_code == 200
    app = Application.objects.get()
    body = response.content.decode()
    assert app.number in body and "查询码" in body
    assert app.received_on == dt.date(2024, 10, 8) and app.channel == Channel.IN_PERSON
    assert reverse("info_requests_admin:case", args=[app.pk]) in body
    # A second click of the same form registers nothing new.
    client.post(URL, form(anshan))
    assert Application.objects.count() == 1


def test_registered_post_counts_from_the_day_it_was_signed_for(client, anshan, staff):
    client.force_login(staff)
    client.post(URL, form(anshan, channel=Channel.REGISTERED_POST,
                          submitted_on="2024-10-07", signed_on="2024-10-09"))
    assert Application.objects.get().received_on == dt.date(2024, 10, 9)


def test_a_fax_waits_for_confirmation_with_the_applicant(client, anshan, staff):
    client.force_login(staff)
    client.post(URL, form(anshan, channel=Channel.FAX))
    app = Application.objects.get()
    assert app.received_on is None and app.status == Status.AWAITING_CONFIRMATION


def test_bad_input_is_refused_at_the_field_and_kept(client, anshan, staff):
    client.force_login(staff)
    response = client.post(URL, form(anshan, id_number=BAD_CHECK_ID, signed_on="2024-10-09",
                                      submitted_on="2024-12-01"))
    body = response.content.decode()
    assert not Application.objects.exists()
    assert "校验" in body or "身份证" in body  # the checksum message at the field
    assert "只有挂号信或邮政快递填写签收日期" in body and "提交日期不能晚于今天" in body
    assert "2023年鞍山市统计年鉴的人口部分" in body  # what was typed is kept


def test_staff_cannot_register_for_another_agency(client, anshan, haicheng, staff):
    client.force_login(staff)
    response = client.post(URL, form(haicheng))
    assert response.status_code == 200 and not Application.objects.exists()
    outsider = make_user("intake-nobody")
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    assert client.get(URL).status_code in (302, 403)
