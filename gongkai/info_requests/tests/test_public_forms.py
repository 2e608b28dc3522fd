"""The public pages: the application form (both applicant types, bad input kept and
explained in Chinese, the “已公开的相关信息” step, double submits), the confirmation and the
tracking page (a wrong code reveals nothing; repeated tries are rate-limited)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.core.enums import StaffRole
from gongkai.info_requests import selectors, services
from gongkai.info_requests.enums import Channel, EventKind, Status
from gongkai.info_requests.models import Application, ApplicationAttachment
from gongkai.info_requests.tests.helpers import (
    ADDRESS,
    BAD_CHECK_ID,
    VALID_ID,
    form_data,
    person,
)
from gongkai.testing import column, make_item, make_user

pytestmark = pytest.mark.django_db

TRACK = "/ysqgk/track/"


def apply_url(agency: Any) -> str:
    return f"/ysqgk/{agency.slug}/apply/"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.GONGKAI_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2024, 10, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def start(client, agency) -> str:
    """GET the form; return the idempotency key it carries."""
    response = client.get(apply_url(agency))
    match = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', response.content.decode())
    assert match
    return match.group(1)


def post(client, agency, **fields) -> Any:
    key = fields.pop("idempotency_key", None) or start(client, agency)
    return client.post(apply_url(agency), {**form_data(**fields), "idempotency_key": key})


def text(response) -> str:
    return response.content.decode()


# --- The form --------------------------------------------------------------------------------


def test_the_form_page_is_private_and_carries_csrf_and_a_key(client, anshan):
    response = client.get(apply_url(anshan))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = text(response)
    assert "csrfmiddlewaretoken" in body
    assert 'name="idempotency_key"' in body
    assert "自然人" in body and "法人或其他组织" in body


def test_the_entry_page_links_to_the_form(client, anshan):
    entry = client.get(f"{anshan.home_page.url}zwgk/ysqgk/")
    assert entry.status_code == 200
    assert apply_url(anshan) in text(entry)


def test_a_natural_person_applies_and_sees_the_number_and_code_once(
        client, anshan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, anshan)
    assert response.status_code == 200  # the confirmation is the POST's answer: no URL
    app = Application.objects.get(agency=anshan)
    body = text(response)
    assert app.number in body
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", body)
    assert code and selectors.track(app.number, code.group(0)) == app
    assert "no-store" in response["Cache-Control"]
    assert VALID_ID not in body and ADDRESS not in body
    assert app.channel == Channel.ONLINE and app.status == Status.AWAITING_CONFIRMATION
    assert len(mail.outbox) == 1 and VALID_ID not in mail.outbox[0].body


def test_an_organisation_applies(client, anshan):
    response = post(client, anshan, applicant_category="organization", name="", id_number="",
                    org_name="鞍山市某律师事务所", org_kind="legal_service_provider",
                    contact_person="王五", legal_representative="赵六")
    assert response.status_code == 200
    app = Application.objects.get(agency=anshan)
    assert (app.name, app.applicant_type, app.id_number) == (
        "鞍山市某律师事务所", "legal_service_provider", "")


def test_missing_fields_are_explained_at_the_field_and_summarised(client, anshan):
    response = post(client, anshan, name="", phone="", description="", id_number="",
                    purpose="保留我写的用途")
    body = text(response)
    assert not Application.objects.exists()
    for message in ("请填写姓名。", "请填写联系电话。", "请描述所需的政府信息。",
                    "请填写身份证件号码。"):
        assert message in body
    assert 'class="form-errors error-summary"' in body
    assert 'href="#id_phone"' in body
    assert re.search(r'id="id_phone"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_phone"',
                     body)
    assert 'aria-describedby="id_phone-error"' in body and 'id="id_phone-error"' in body
    assert "保留我写的用途" in body and ADDRESS in body  # everything typed is kept
    assert "matches-title" not in body  # errors first; the search step comes when valid


def test_an_organisation_must_name_itself_and_a_contact(client, anshan):
    body = text(post(client, anshan, applicant_category="organization", name="",
                     id_number=""))
    assert "请填写法人或其他组织的名称。" in body and "请填写联系人姓名。" in body
    assert "请选择组织类型。" in body


@pytest.mark.parametrize(("fields", "message"), [
    ({"id_number": BAD_CHECK_ID}, "居民身份证号码校验位不正确"),
    ({"id_number": "2103021980"}, "居民身份证号码应为18位"),
    ({"email": "zhang@"}, "电子邮箱格式不正确"),
    ({"postcode": "1140"}, "邮政编码应为6位数字"),
    ({"phone": "abc"}, "电话号码只能包含数字"),
    ({"address": "", "delivery_method": "post"}, "选择邮寄的，请填写通信地址。"),
    ({"email": "", "provision_form": "email"}, "请填写电子邮箱"),
    ({"applicant_category": "organization", "org_code": "91210300MA0000000X",
      "org_name": "某公司", "org_kind": "commercial_enterprise", "contact_person": "王"},
     "统一社会信用代码有误"),
])
def test_bad_input_gets_a_chinese_message_and_is_kept(client, anshan, fields, message):
    response = post(client, anshan, **fields)
    body = text(response)
    assert message in body
    assert not Application.objects.exists()
    for value in fields.values():
        if value:
            assert f'value="{value}"' in body or f">{value}<" in body or value in body


def test_a_full_width_id_number_is_accepted_and_normalised(client, anshan):
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in VALID_ID)
    post(client, anshan, id_number=wide)
    assert Application.objects.get().id_number == VALID_ID


def test_other_document_types_skip_the_checksum(client, anshan):
    post(client, anshan, id_type="passport", id_number="E12345678")
    assert Application.objects.get().id_number == "E12345678"


# --- Attachments -----------------------------------------------------------------------------


def test_a_valid_attachment_is_stored_privately(client, anshan, tmp_path):
    key = start(client, anshan)
    upload = SimpleUploadedFile("说明.txt", "补充说明".encode(), content_type="text/plain")
    response = client.post(apply_url(anshan), {**form_data(), "idempotency_key": key,
                                               "attachments": [upload]})
    assert response.status_code == 200
    attachment = ApplicationAttachment.objects.get()
    assert attachment.original_name == "说明.txt"
    assert str(tmp_path / "private") in attachment.file.path
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 — private files have no URL


@pytest.mark.parametrize(("name", "content", "message"), [
    ("tool.exe", b"MZ\x90\x00", "不支持的文件类型“exe”"),
    ("fake.pdf", b"<html>not a pdf</html>", "文件内容与扩展名“.pdf”不符"),
])
def test_forbidden_attachments_are_refused_with_a_chinese_message(client, anshan, name,
                                                                  content, message):
    key = start(client, anshan)
    upload = SimpleUploadedFile(name, content)
    body = text(client.post(apply_url(anshan), {**form_data(purpose="我的用途"),
                                                "idempotency_key": key,
                                                "attachments": [upload]}))
    assert message in body and name in body
    assert "我的用途" in body
    assert not Application.objects.exists()


def test_an_oversized_attachment_is_refused(client, anshan, settings):
    settings.GONGKAI_MAX_UPLOAD_MB = 1
    key = start(client, anshan)
    upload = SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 10))
    body = text(client.post(apply_url(anshan), {**form_data(), "idempotency_key": key,
                                                "attachments": [upload]}))
    assert "文件过大" in body and "不能超过 1 MB" in body
    assert not Application.objects.exists()


# --- Double submit ---------------------------------------------------------------------------


def test_a_double_clicked_submit_creates_one_application_and_shows_the_same_code(client, anshan):
    key = start(client, anshan)
    first = client.post(apply_url(anshan), {**form_data(), "idempotency_key": key})
    second = client.post(apply_url(anshan), {**form_data(), "idempotency_key": key})
    assert Application.objects.count() == 1
    code = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}")
    assert code.search(text(first)).group(0) == code.search(text(second)).group(0)
    assert "未重复登记" in text(second)


def test_a_key_this_browser_was_not_given_never_replays_a_code(client, anshan):
    sub = services.submit_application(person(), agency=anshan, idempotency_key="f" * 32)
    response = client.post(apply_url(anshan), {**form_data(), "idempotency_key": "f" * 32})
    assert selectors.format_code(sub.code) not in text(response)
    assert Application.objects.count() == 2


# --- Already public --------------------------------------------------------------------------


@pytest.fixture
def published(anshan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_item(column(anshan), title="鞍山市二〇二三年统计公报编制说明独特")


def test_matching_published_items_are_shown_before_submitting(client, anshan, published):
    response = post(client, anshan, checked=None, description="统计公报编制说明独特")
    body = text(response)
    assert not Application.objects.exists()
    assert "已公开的相关信息" in body and published.url in body
    assert 'name="checked" value="1"' in body and "继续提交申请" in body
    assert "统计公报编制说明独特" in body  # the description is kept
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', body).group(1)
    client.post(apply_url(anshan), {**form_data(description="统计公报编制说明独特"),
                                    "idempotency_key": key})
    assert Application.objects.count() == 1


def test_the_check_button_only_looks(client, anshan, published):
    key = start(client, anshan)
    response = client.post(apply_url(anshan), {"action": "check", "idempotency_key": key,
                                               "description": "统计公报编制说明独特",
                                               "name": "张三", "phone": ""})
    body = text(response)
    assert published.url in body
    assert "请填写联系电话。" not in body  # nothing judged yet
    assert 'value="张三"' in body
    assert not Application.objects.exists()


def test_without_matches_the_first_submit_goes_through(client, anshan):
    post(client, anshan, checked=None, description="一个不会匹配任何公开信息的描述甲乙丙")
    assert Application.objects.count() == 1


# --- Tracking --------------------------------------------------------------------------------


@pytest.fixture
def case(anshan):
    staff = make_user("track-staff", agency=anshan, role=StaffRole.EDITOR)
    sub = services.register_offline_application(
        person(), agency=anshan, channel=Channel.IN_PERSON, submitted_on=dt.date(2024, 9, 27),
        by=staff)
    services.record_event(sub.application, EventKind.THIRD_PARTY_CONSULTATION_STARTED,
                          dt.date(2024, 10, 8), {"party": "甲公司"}, by=staff,
                          note="内部备注不公开")
    return sub


def test_tracking_shows_status_due_date_events_and_the_explanation(client, case):
    response = client.post(TRACK, {"number": case.application.number.lower(),
                                   "code": selectors.format_code(case.code)})
    body = text(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    expected = selectors.deadlines(case.application, dt.date(2024, 10, 10))
    assert "征求意见中" in body
    assert expected.due.strftime("%Y年%-m月%-d日") in body
    assert "征求第三方意见" in body and "《条例》第三十二条" in body
    for step in expected.explanation:
        assert step.text in body
    assert "内部备注不公开" not in body and "track-staff" not in body
    assert VALID_ID not in body and ADDRESS not in body


def _error_part(response) -> str:
    body = text(response)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_a_wrong_code_reveals_nothing_about_the_number(client, case):
    wrong = client.post(TRACK, {"number": case.application.number, "code": "AAAA-AAAA"})
    missing = client.post(TRACK, {"number": "YSQ-ANSHAN-2024-99999", "code": "AAAA-AAAA"})
    assert "申请编号或查询码不正确" in text(wrong)
    assert _error_part(wrong).replace(case.application.number, "N") == \
        _error_part(missing).replace("YSQ-ANSHAN-2024-99999", "N")
    assert wrong.status_code == missing.status_code == 200


def test_repeated_wrong_codes_are_rate_limited_per_ip_and_number(client, case):
    number = case.application.number
    for _ in range(5):
        assert client.post(TRACK, {"number": number, "code": "AAAA-AAAA"}).status_code == 200
    blocked = client.post(TRACK, {"number": number, "code": selectors.format_code(case.code)})
    assert blocked.status_code == 429 and "查询次数过多" in text(blocked)
    assert "征求意见中" not in text(blocked)
    # Another address is not blocked …
    other = client.post(TRACK, {"number": number, "code": selectors.format_code(case.code)},
                        REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200 and "征求意见中" in text(other)
    # … and the window ends after 15 minutes.
    with time_machine.travel(dt.datetime(2024, 10, 10, 10, 16, tzinfo=dt.UTC), tick=False):
        again = client.post(TRACK, {"number": number, "code": selectors.format_code(case.code)})
    assert again.status_code == 200


def test_tracking_needs_both_fields(client):
    body = text(client.post(TRACK, {"number": "", "code": ""}))
    assert "请填写申请编号。" in body and "请填写查询码。" in body


def test_the_public_flow_keeps_id_numbers_out_of_logs_urls_and_mail(
        client, anshan, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, anshan)
    assert response.status_code == 200 and not response.has_header("Location")
    logged = " ".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert VALID_ID not in logged and ADDRESS not in logged
    assert all(VALID_ID not in m.body and ADDRESS not in m.body for m in mail.outbox)
