"""Messages: submission, routing, the review step, notes, publication with masking, rating,
search and the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongkai.consultations import selectors, services
from gongkai.consultations.enums import EventKind, Status
from gongkai.consultations.models import ConsultationSettings, MessageEvent
from gongkai.consultations.selectors import consultation_figures
from gongkai.consultations.tests.helpers import NOW, replied, submit
from gongkai.core import tracking_codes
from gongkai.core.models import AuditLogEntry

pytestmark = pytest.mark.django_db


def test_a_message_gets_a_number_a_code_stored_only_as_hash_and_a_due_date(anshan):
    submission = submit(anshan)
    message = submission.message
    assert message.number == "LY-ANSHAN-2026-00001"
    assert submission.code not in message.code_hash
    assert tracking_codes.code_matches(submission.code, message.code_hash)
    assert message.due_on == dt.date(2026, 11, 9)  # Monday + 5 working days
    assert message.status == Status.PENDING


def test_submitting_twice_with_the_same_key_creates_one_message_and_the_same_code(anshan):
    first, second = submit(anshan, "same"), submit(anshan, "same")
    assert first.message.pk == second.message.pk and first.code == second.code
    assert second.created is False


def test_the_reply_period_follows_the_agency_setting_for_the_kind(anshan):
    ConsultationSettings.objects.create(agency=anshan, complaint_days=10)
    assert submit(anshan, "c", kind="complaint").message.due_on == dt.date(2026, 11, 16)
    assert submit(anshan, "q", kind="consultation").message.due_on == dt.date(2026, 11, 9)


def test_forwarding_moves_the_message_and_tells_the_writer_why(anshan, haicheng, editor,
                                                                county_editor):
    message = submit(anshan).message
    services.forward(message, haicheng, "该企业属海城市统计局管辖", by=editor,
                     on=dt.date(2026, 11, 4))
    message.refresh_from_db()
    assert message.agency == haicheng
    assert message.due_on == dt.date(2026, 11, 11)
    shown = selectors.public_events(message)
    assert any("海城市统计局" in e.text and "管辖" in e.text for e in shown)
    with pytest.raises(PermissionDenied):  # no longer anshan's to handle
        services.draft_reply(message, "答复", by=editor)
    services.draft_reply(message, "答复", by=county_editor)


def test_a_forward_without_a_reason_is_refused(anshan, haicheng, editor):
    with pytest.raises(services.ServiceError):
        services.forward(submit(anshan).message, haicheng, "  ", by=editor)


def test_a_reply_goes_out_only_after_review_by_someone_else(anshan, editor, reviewer):
    message = submit(anshan).message
    services.draft_reply(message, "答复内容", by=reviewer)
    with pytest.raises(services.ServiceError):
        services.send_reply(message, by=reviewer)
    with pytest.raises(services.ServiceError, match="拟稿人以外"):
        services.review_reply(message, by=reviewer, approve=True)


def test_an_editor_cannot_review_and_the_reviewer_can(anshan, editor, reviewer):
    message = submit(anshan).message
    services.draft_reply(message, "答复内容", by=editor)
    with pytest.raises(PermissionDenied):
        services.review_reply(message, by=editor, approve=True)
    services.review_reply(message, by=reviewer, approve=True)
    message = services.send_reply(message, by=editor)
    assert message.status == Status.REPLIED and message.replied_on == dt.date(2026, 11, 2)


def test_the_drafter_may_review_when_the_agency_does_not_require_independence(anshan,
                                                                              reviewer):
    ConsultationSettings.objects.create(agency=anshan, independent_review=False)
    message = submit(anshan).message
    services.draft_reply(message, "答复", by=reviewer)
    assert services.review_reply(message, by=reviewer, approve=True).status == Status.REVIEWED


def test_a_returned_reply_goes_back_to_handling(anshan, editor, reviewer):
    message = submit(anshan).message
    services.draft_reply(message, "答复", by=editor)
    assert services.review_reply(message, by=reviewer, approve=False,
                                 comment="请补充办理地点").status == Status.PENDING


def test_staff_of_another_agency_can_do_nothing(anshan, county_editor):
    message = submit(anshan).message
    for call in (lambda: services.draft_reply(message, "x", by=county_editor),
                 lambda: services.add_note(message, "x", by=county_editor),
                 lambda: services.reject(message, "x", by=county_editor)):
        with pytest.raises(PermissionDenied):
            call()


def test_notes_and_internal_steps_are_never_shown_to_the_writer(anshan, editor, reviewer):
    message = submit(anshan).message
    services.add_note(message, "内部：该人多次来电", by=editor)
    services.draft_reply(message, "答复", by=editor)
    services.review_reply(message, by=reviewer, approve=False, comment="内部审核意见")
    labels = [e.label for e in selectors.public_events(message)]
    texts = " ".join(e.text for e in selectors.public_events(message))
    assert labels == [str(EventKind.RECEIVED.label)]
    assert "内部" not in texts


def test_the_event_log_is_append_only(anshan):
    event = submit(anshan).message.events.get()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        MessageEvent.objects.filter(pk=event.pk).delete()


def test_every_step_is_audited_without_personal_data(anshan, editor, reviewer):
    replied(anshan, editor, reviewer)
    actions = list(AuditLogEntry.objects.filter(action__startswith="consultations.")
                   .values_list("action", "data"))
    assert [a for a, _ in actions] == [
        "consultations.message_submitted", "consultations.reply_drafted",
        "consultations.reply_reviewed", "consultations.reply_sent"]
    assert not any("张伟" in str(d) or "13812345678" in str(d) for _, d in actions)


def test_publishing_needs_consent_and_masks_the_writer_and_personal_data(anshan, editor,
                                                                         reviewer):
    body = "我是张伟，身份证11010519491231002X，手机13812345678，请回电。"
    reply = f"请到市统计局执法监督科办理，电话{anshan.consultation_phone or anshan.office_phone}。"
    message = replied(anshan, editor, reviewer, body=body, text=reply)
    message = services.publish(message, by=editor)
    assert "张伟" not in message.public_body
    assert "11010519491231002X" not in message.public_body
    assert "13812345678" not in message.public_body
    assert message.public_reply == reply  # the agency's own number is not personal data
    refused = replied(anshan, editor, reviewer, key="k2", publish_consent=False)
    with pytest.raises(services.ServiceError, match="未同意公开"):
        services.publish(refused, by=editor)


def test_an_unreplied_message_cannot_be_published(anshan, editor):
    with pytest.raises(services.ServiceError):
        services.publish(submit(anshan).message, by=editor)


def test_only_published_exchanges_are_public_and_withdrawal_hides_them(client, anshan, editor,
                                                                       reviewer):
    message = services.publish(replied(anshan, editor, reviewer), by=editor)
    hidden = replied(anshan, editor, reviewer, key="k2", title="未公开的留言标题")
    page = client.get(reverse("consultations:agency", args=[anshan.slug])).content.decode()
    assert message.public_title in page and "未公开的留言标题" not in page
    detail = reverse("consultations:detail", args=[anshan.slug, message.number])
    assert client.get(detail).status_code == 200
    assert client.get(reverse("consultations:detail",
                              args=[anshan.slug, hidden.number])).status_code == 404
    services.unpublish(message, by=editor)
    assert client.get(detail).status_code == 404


def test_a_published_exchange_is_found_by_the_site_search_until_withdrawn(
        anshan, editor, reviewer, django_capture_on_commit_callbacks):
    from gongkai.core.search.service import search

    message = replied(anshan, editor, reviewer, title="独特检索词丙丁怎么办",
                      body="张伟咨询独特检索词丙丁的事项。")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(message, by=editor)
    hits = search("独特检索词丙丁", now=NOW + dt.timedelta(minutes=1)).hits
    assert [h.url for h in hits] == [reverse("consultations:detail",
                                             args=[anshan.slug, message.number])]
    assert "张伟" not in hits[0].snippet_html
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(message, by=editor)
    assert search("独特检索词丙丁", now=NOW + dt.timedelta(minutes=1)).hits == []


def test_the_writer_rates_once_and_only_after_the_reply(anshan, editor, reviewer):
    with pytest.raises(services.ServiceError):
        services.rate(submit(anshan, "open").message, "satisfied")
    message = replied(anshan, editor, reviewer)
    assert services.rate(message, "basically_satisfied").rating == "basically_satisfied"
    with pytest.raises(services.ServiceError, match="只能评价一次"):
        services.rate(message, "unsatisfied")


def test_figures_count_on_time_late_open_overdue_and_ratings(anshan, haicheng, editor,
                                                             reviewer):
    on_time = replied(anshan, editor, reviewer, key="a")
    services.rate(on_time, "satisfied")
    late = submit(anshan, "b").message
    services.draft_reply(late, "答复", by=editor)
    services.review_reply(late, by=reviewer, approve=True)
    services.send_reply(late, by=editor, on=dt.date(2026, 11, 10))
    services.rate(late, "unsatisfied")
    submit(anshan, "c")  # open
    rejected = submit(anshan, "d").message
    services.reject(rejected, "属于信访事项，请向信访部门反映", by=editor)
    submit(haicheng, "e")  # another agency
    figures = consultation_figures(anshan, 2026, as_of=dt.date(2026, 11, 20))
    assert (figures.received, figures.answered, figures.answered_on_time,
            figures.answered_late, figures.open, figures.open_overdue) == (4, 3, 2, 1, 1, 1)
    assert (figures.satisfied, figures.basically_satisfied, figures.unsatisfied) == (1, 0, 1)
    assert figures.satisfaction_rate == 0.5
    assert consultation_figures(anshan, 2025).received == 0
