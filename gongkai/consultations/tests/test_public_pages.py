"""The public pages: writing, tracking, rating, the FAQ and hotline pages — and bad input
and abuse: text shown as text, honeypot, rate limits, forms that keep what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongkai.consultations import ratelimit, services
from gongkai.consultations.models import ConsultationSettings, FaqEntry, Message
from gongkai.consultations.tests.helpers import NOW, form_post, replied, submit

pytestmark = pytest.mark.django_db


def write_url(agency):
    return reverse("consultations:write", args=[agency.slug])


def test_the_form_is_accessible_and_has_a_honeypot_labelled_for_screen_readers(client, anshan):
    page = client.get(write_url(anshan)).content.decode()
    assert '<label for="id_website">请勿填写' in page
    assert 'class="visually-hidden"' in page
    assert "captcha" not in page.lower()
    assert "no-store" in client.get(write_url(anshan))["Cache-Control"]


def test_a_valid_message_shows_its_number_and_code_once(client, anshan):
    response = client.post(write_url(anshan), form_post())
    message = Message.objects.get()
    page = response.content.decode()
    assert message.number in page and "查询码" in page
    assert message.kind == "complaint" and message.publish_consent is True


def test_an_empty_form_reports_every_missing_field_with_alert(client, anshan):
    page = client.post(write_url(anshan), {"website": ""}).content.decode()
    assert 'role="alert"' in page
    for text in ("请选择留言类型。", "请填写标题。", "请填写留言内容。", "请填写姓名。",
                 "请选择是否同意公开。"):
        assert text in page
    assert 'aria-invalid="true"' in page
    assert Message.objects.count() == 0


def test_an_oversized_message_is_refused_and_what_was_typed_is_kept(client, anshan):
    page = client.post(write_url(anshan), form_post(body="很长" * 1200, name="王芳"))
    text = page.content.decode()
    assert "留言内容不能超过2000字" in text
    assert 'value="王芳"' in text and 'value="统计调查员上门时间不合适"' in text
    assert Message.objects.count() == 0


def test_script_and_html_in_a_message_are_shown_as_text(client, anshan):
    evil = '<script>alert(1)</script><a href="http://evil.example">点我</a>'
    client.post(write_url(anshan), form_post(title="<b>粗体</b>标题", body=evil + "请处理。"))
    message = Message.objects.get()
    assert message.body.startswith("<script>")  # stored as typed
    # The writer's own tracking page shows the text escaped.
    submission = submit(anshan, "x", body=evil)
    page = client.post(reverse("consultations:track"),
                       {"number": submission.message.number, "code": submission.code})
    html = page.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="http://evil.example">' not in html


def test_a_filled_honeypot_creates_nothing_and_keeps_the_text(client, anshan):
    response = client.post(write_url(anshan), form_post(website="http://spam.example"))
    assert response.status_code == 400
    assert Message.objects.count() == 0
    assert "统计调查员上门时间不合适" in response.content.decode()


def test_the_per_address_limit_stops_a_flood_and_keeps_the_text(client, anshan):
    for n in range(ratelimit.MESSAGE_PER_ADDRESS.limit):
        client.post(write_url(anshan), form_post(phone=f"1391234{n:04d}"))
    response = client.post(write_url(anshan), form_post(phone="13700000000", name="赵强"))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert 'value="赵强"' in response.content.decode()
    assert Message.objects.count() == ratelimit.MESSAGE_PER_ADDRESS.limit


def test_the_per_contact_limit_applies_across_addresses(client, anshan):
    for n in range(ratelimit.MESSAGE_PER_CONTACT.limit):
        client.post(write_url(anshan), form_post(), REMOTE_ADDR=f"10.0.0.{n + 1}")
    response = client.post(write_url(anshan), form_post(), REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429
    assert Message.objects.count() == ratelimit.MESSAGE_PER_CONTACT.limit


def test_rate_limit_windows_end_with_time():
    now = NOW
    limit = ratelimit.Limit("test", 2, 3600)
    ratelimit.count(limit, "1.2.3.4", now)
    ratelimit.count(limit, "1.2.3.4", now)
    assert ratelimit.exceeded(limit, "1.2.3.4", now)
    assert not ratelimit.exceeded(limit, "5.6.7.8", now)
    assert not ratelimit.exceeded(limit, "1.2.3.4", now + dt.timedelta(hours=1))


def test_tracking_with_a_wrong_code_says_nothing_about_the_number(client, anshan):
    submission = submit(anshan)
    wrong = client.post(reverse("consultations:track"),
                        {"number": submission.message.number, "code": "WRONG123"})
    missing = client.post(reverse("consultations:track"),
                          {"number": "LY-ANSHAN-2026-09999", "code": "WRONG123"})
    assert "编号或查询码不正确" in wrong.content.decode()
    assert "编号或查询码不正确" in missing.content.decode()
    assert submission.message.title not in wrong.content.decode()


def test_repeated_failed_tracking_is_limited(client, anshan):
    for _ in range(ratelimit.TRACK_FAILURES_PER_ADDRESS.limit):
        client.post(reverse("consultations:track"), {"number": "LY-X-1", "code": "BAD"})
    response = client.post(reverse("consultations:track"), {"number": "LY-X-1", "code": "BAD"})
    assert response.status_code == 429


def test_the_writer_sees_the_reply_and_rates_it_once(client, anshan, editor, reviewer):
    message = replied(anshan, editor, reviewer)
    code = services.derive_code("LY", "k1")
    page = client.post(reverse("consultations:track"),
                       {"number": message.number, "code": code}).content.decode()
    assert "请携带单位介绍信" in page and "对答复的评价" in page
    rated = client.post(reverse("consultations:rate"),
                        {"number": message.number, "code": code, "rating": "satisfied"})
    assert "感谢您的评价" in rated.content.decode()
    again = client.post(reverse("consultations:rate"),
                        {"number": message.number, "code": code, "rating": "unsatisfied"})
    assert "只能评价一次" in again.content.decode()
    message.refresh_from_db()
    assert message.rating == "satisfied"


def test_rating_with_a_wrong_code_changes_nothing(client, anshan, editor, reviewer):
    message = replied(anshan, editor, reviewer)
    client.post(reverse("consultations:rate"),
                {"number": message.number, "code": "WRONG123", "rating": "unsatisfied"})
    message.refresh_from_db()
    assert message.rating == ""


def test_ratings_are_shown_per_agency(client, anshan, editor, reviewer):
    services.rate(replied(anshan, editor, reviewer, key="a"), "satisfied")
    services.rate(replied(anshan, editor, reviewer, key="b"), "unsatisfied")
    page = client.get(reverse("consultations:agency", args=[anshan.slug])).content.decode()
    assert "<td>1</td><td>0</td><td>1</td><td>2</td>" in page


def test_the_faq_lists_public_entries_and_finds_by_word(client, anshan, editor):
    services.save_faq(anshan, question="统计数据在哪里查询？", answer="请访问数据发布栏目。",
                      by=editor)
    services.save_faq(anshan, question="内部草稿问题", answer="不公开", is_public=False,
                      by=editor)
    url = reverse("consultations:faq", args=[anshan.slug])
    page = client.get(url).content.decode()
    assert "统计数据在哪里查询" in page and "内部草稿问题" not in page
    assert "统计数据在哪里查询" not in client.get(url, {"q": "名录库"}).content.decode()
    assert FaqEntry.objects.count() == 2


def test_the_phone_page_is_built_from_the_agencies_own_numbers(client, anshan, haicheng):
    anshan.consultation_phone, anshan.supervision_phone = "0412-2221203", "0412-2221209"
    anshan.save()
    ConsultationSettings.objects.create(agency=haicheng, report_phone="0412-3221210",
                                        other_phones="统计执法监督电话：0412-3221209")
    page = client.get(reverse("consultations:phones")).content.decode()
    assert "0412-2221203" in page and "0412-2221209" in page
    assert "0412-3221210" in page and "统计执法监督电话：0412-3221209" in page
    assert '<th scope="row">海城市统计局</th>' in page


def test_the_index_links_every_agencys_form_faq_and_report_channel(client, anshan, haicheng):
    page = client.get(reverse("consultations:index")).content.decode()
    for agency in (anshan, haicheng):
        assert reverse("consultations:write", args=[agency.slug]) in page
        assert reverse("consultations:report", args=[agency.slug]) in page
    assert client.get(reverse("consultations:write", args=["no-such-agency"])).status_code == 404
