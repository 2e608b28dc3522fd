"""统计违法举报: a confidential channel. The identity is encrypted, shown only to staff with
the explicit permission, every view is audited, and it never reaches e-mails, exports,
search, the API or logs."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from gongkai.consultations import crypto, services
from gongkai.consultations.models import ReportEntry, ViolationReport
from gongkai.consultations.tests.helpers import NOW
from gongkai.core.models import AuditLogEntry
from gongkai.testing import CommandRunner

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "刘晓明", "13698765432", "whistle@example.com"


def report_data(**overrides):
    fields: dict[str, Any] = {"violation_kind": "fabrication", "subject": "某某制造有限公司",
              "region": "海城市", "description": "该企业2025年产值数据虚报，实际不足一半。",
              "anonymous": False, "name": NAME, "phone": PHONE, "email": EMAIL}
    fields.update(overrides)
    return services.ReportData(**fields)


def make_report(agency, key="r1", **overrides):
    return services.submit_report(report_data(**overrides), agency=agency,
                                  idempotency_key=key, now=NOW)


def grant(user):
    user.user_permissions.add(Permission.objects.get(codename="view_reporter_identity"))
    return type(user).objects.get(pk=user.pk)  # a fresh object: the permission cache


def test_the_identity_is_stored_encrypted_and_never_in_clear(anshan):
    report = make_report(anshan).report
    stored = ViolationReport.objects.filter(pk=report.pk).values()[0]
    assert all(NAME not in str(v) and PHONE not in str(v) and EMAIL not in str(v)
               for v in stored.values())
    assert crypto.decrypt_json(report.identity_token) == {"name": NAME, "phone": PHONE,
                                                          "email": EMAIL}


def test_an_anonymous_report_stores_no_identity(anshan):
    report = make_report(anshan, anonymous=True).report
    assert report.anonymous and report.identity_token == ""


def test_only_staff_with_the_permission_see_the_identity_and_each_view_is_audited(
        anshan, editor, reviewer):
    report = make_report(anshan).report
    with pytest.raises(PermissionDenied):
        services.reveal_identity(report, by=editor, reason="核实线索")
    editor = grant(editor)
    with pytest.raises(services.ServiceError):
        services.reveal_identity(report, by=editor, reason="")
    identity = services.reveal_identity(report, by=editor, reason="需要电话核实线索")
    assert identity["name"] == NAME
    views = AuditLogEntry.objects.filter(action="consultations.identity_viewed")
    assert [(v.actor_label, v.data["reason"]) for v in views] == [("hdjl-editor",
                                                                   "需要电话核实线索")]
    assert NAME not in str(views[0].data) and PHONE not in str(views[0].data)
    assert AuditLogEntry.objects.filter(action="consultations.identity_view_refused").exists()


def test_the_permission_does_not_reach_another_agencys_reports(anshan, haicheng,
                                                               county_editor):
    report = make_report(anshan).report
    with pytest.raises(PermissionDenied):
        services.reveal_identity(report, by=grant(county_editor), reason="x")


def test_the_admin_page_shows_the_identity_only_after_an_explicit_reasoned_request(
        client, anshan, editor):
    report = make_report(anshan).report
    url = reverse("consultations_admin:report", args=[report.pk])
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert NAME not in page and "没有查看举报人身份信息的权限" in page
    client.force_login(grant(editor))
    assert NAME not in client.get(url).content.decode()
    listing = client.get(reverse("consultations_admin:reports")).content.decode()
    assert report.number in listing and NAME not in listing
    shown = client.post(url, {"reveal": "1", "reason": "电话核实"})
    assert NAME in shown.content.decode() and PHONE in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]


def test_the_reporter_sees_only_the_messages_meant_for_them(client, anshan, editor):
    submission = make_report(anshan)
    report = submission.report
    services.update_report(report, by=editor, status="accepted", text="内部：转执法科核查")
    services.update_report(report, by=editor, text="您的举报已受理，正在核查。",
                           to_reporter=True)
    page = client.post(reverse("consultations:report_track"),
                       {"number": report.number, "code": submission.code}).content.decode()
    assert "您的举报已受理" in page and "已受理" in page
    assert "内部：转执法科核查" not in page and "hdjl-editor" not in page
    assert NAME not in page


def test_the_public_report_form_accepts_an_anonymous_report_and_keeps_text_on_error(
        client, anshan):
    url = reverse("consultations:report", args=[anshan.slug])
    post = {"violation_kind": "fabrication", "subject": "某某公司", "region": "",
            "description": "虚报产值数据，请查处。", "anonymous": "no", "name": "",
            "phone": "", "email": "", "address": "", "website": "", "idempotency_key": ""}
    error = client.post(url, post).content.decode()
    assert "实名举报请填写姓名" in error and "虚报产值数据，请查处。" in error
    done = client.post(url, {**post, "anonymous": "yes"})
    assert "举报已提交" in done.content.decode()
    assert ViolationReport.objects.get().anonymous is True


def test_a_filled_honeypot_on_the_report_form_creates_nothing(client, anshan):
    url = reverse("consultations:report", args=[anshan.slug])
    client.post(url, {"violation_kind": "other", "subject": "x公司", "description": "线索内容详细",
                      "anonymous": "yes", "website": "spam"})
    assert ViolationReport.objects.count() == 0


def test_the_identity_never_reaches_logs_mails_search_or_the_api(
        client, anshan, editor, caplog, django_capture_on_commit_callbacks):
    from gongkai.core.search.service import search

    caplog.set_level(logging.DEBUG)
    editor.email = "editor@example.com"
    editor.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:report", args=[anshan.slug]), {
            "violation_kind": "fabrication", "subject": "独特被举报企业戊己",
            "description": "独特被举报企业戊己虚报数据。", "anonymous": "no", "name": NAME,
            "phone": PHONE, "email": EMAIL, "address": "", "website": "",
            "idempotency_key": ""})
        assert response.status_code == 200
        report = ViolationReport.objects.get()
        services.update_report(report, by=editor, status="accepted", text="已受理",
                               to_reporter=True)
        assert services.reveal_identity(report, by=grant(editor), reason="核实")["name"] == NAME
    CommandRunner("consultation_reminders").run()
    exported = client.get("/api/v1/consultations/anshan/exchanges").content.decode()
    everything = "\n".join(r.getMessage() for r in caplog.records) + "".join(
        f"{m.subject}{m.body}" for m in mail.outbox) + exported
    for secret in (NAME, PHONE, EMAIL):
        assert secret not in everything
    assert search("独特被举报企业戊己").hits == []
    assert search(NAME).hits == []


def test_key_rotation_re_encrypts_with_the_new_key_and_old_tokens_stay_readable(anshan):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(GONGKAI_FIELD_KEYS=[old_key]):
        report = make_report(anshan).report
    with override_settings(GONGKAI_FIELD_KEYS=[new_key, old_key]):
        out, _ = CommandRunner("rotate_field_keys").run()
        assert "consultations.ViolationReport.identity_token 1条" in out
    report.refresh_from_db()
    with override_settings(GONGKAI_FIELD_KEYS=[new_key]):
        assert crypto.decrypt_json(report.identity_token)["name"] == NAME
    with override_settings(GONGKAI_FIELD_KEYS=[old_key]), pytest.raises(crypto.InvalidToken):
        crypto.decrypt_json(report.identity_token)


def test_without_keys_outside_debug_and_tests_encryption_is_refused(anshan):
    with override_settings(GONGKAI_FIELD_KEYS=[], GONGKAI_FIELD_KEYS_DERIVED=False), \
            pytest.raises(ImproperlyConfigured):
        make_report(anshan)


def test_report_entries_are_append_only(anshan):
    entry = make_report(anshan).report.entries.get()
    with pytest.raises(ValidationError):
        entry.save()
    assert ReportEntry.objects.count() == 1
