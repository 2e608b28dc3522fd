"""The workbench (scoped to the user's agencies, actions through services), the dashboard
panel and the reminders command."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from gongkai.consultations.models import Message, ReminderSent
from gongkai.consultations.tests.helpers import NOW, submit
from gongkai.testing import CommandRunner, refused

pytestmark = pytest.mark.django_db


def test_the_queue_shows_only_the_users_agencies(client, anshan, haicheng, editor):
    mine, theirs = submit(anshan, "a").message, submit(haicheng, "b").message
    client.force_login(editor)
    page = client.get(reverse("consultations_admin:queue")).content.decode()
    assert mine.number in page and theirs.number not in page
    assert refused(client.get(reverse("consultations_admin:message", args=[theirs.pk])))


def test_the_case_page_drafts_reviews_and_sends_through_the_services(client, anshan, editor,
                                                                     reviewer):
    message = submit(anshan).message
    client.force_login(editor)
    page = client.get(reverse("consultations_admin:message", args=[message.pk]))
    assert "张伟" in page.content.decode()  # staff of the agency see the writer
    client.post(reverse("consultations_admin:action", args=[message.pk, "draft"]),
                {"draft-text": "请到执法监督科办理。"})
    client.force_login(reviewer)
    client.post(reverse("consultations_admin:action", args=[message.pk, "review"]),
                {"review-decision": "approve", "review-comment": ""})
    client.force_login(editor)
    client.post(reverse("consultations_admin:action", args=[message.pk, "send"]), {})
    message.refresh_from_db()
    assert message.status == "replied" and message.reply_text == "请到执法监督科办理。"


def test_the_dashboard_panel_shows_this_years_figures(client, anshan, editor):
    submit(anshan)
    client.force_login(editor)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "互动交流（2026年）" in page


def test_reminders_go_once_a_day_with_no_personal_data(anshan, editor):
    editor.email = "editor@example.com"
    editor.save()
    message = submit(anshan).message  # due 2026-11-09
    with time_machine.travel(dt.datetime(2026, 11, 6, 1, 0, tzinfo=dt.UTC), tick=False):
        out, _ = CommandRunner("consultation_reminders").run()
        CommandRunner("consultation_reminders").run()
    assert "已发送 1 条" in out
    assert len(mail.outbox) == 1 and message.number in mail.outbox[0].subject
    assert "张伟" not in mail.outbox[0].body and "13812345678" not in mail.outbox[0].body
    assert ReminderSent.objects.count() == 1


def test_no_reminder_while_the_period_is_comfortable(anshan, editor):
    editor.email = "editor@example.com"
    editor.save()
    submit(anshan)
    with time_machine.travel(NOW, tick=False):
        out, _ = CommandRunner("consultation_reminders").run()
    assert "已发送 0 条" in out and Message.objects.count() == 1


def test_faq_and_settings_are_edited_in_the_admin_for_the_users_agency_only(
        client, anshan, haicheng, editor, reviewer):
    from gongkai.consultations.models import ConsultationSettings, FaqEntry

    client.force_login(editor)
    client.post(reverse("consultations_admin:faq_new"), {
        "agency": anshan.pk, "question": "统计年鉴在哪里买？", "answer": "可到资料室查阅。",
        "sort_order": 1, "is_public": "on"})
    assert FaqEntry.objects.get().agency == anshan
    client.post(reverse("consultations_admin:faq_new"), {
        "agency": haicheng.pk, "question": "别人的", "answer": "x", "sort_order": 1})
    assert FaqEntry.objects.count() == 1  # haicheng is not a choice for this user
    url = reverse("consultations_admin:settings", args=[anshan.slug])
    fields = {"consultation_days": 3, "complaint_days": 10, "suggestion_days": 5,
              "independent_review": "on", "report_phone": "0412-2221210", "other_phones": ""}
    client.post(url, fields)
    assert not ConsultationSettings.objects.exists()  # an editor may not change settings
    client.force_login(reviewer)
    client.post(url, fields)
    assert ConsultationSettings.objects.get(agency=anshan).complaint_days == 10
    assert refused(client.get(reverse("consultations_admin:settings", args=[haicheng.slug])))


def test_a_refused_action_shows_the_form_again_with_what_was_typed(client, anshan, editor):
    message = submit(anshan).message
    client.force_login(editor)
    response = client.post(reverse("consultations_admin:action", args=[message.pk, "forward"]),
                           {"forward-to": anshan.pk, "forward-reason": "辖区内企业名录另行答复"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "不能转交给本机关" in page and "辖区内企业名录另行答复" in page
