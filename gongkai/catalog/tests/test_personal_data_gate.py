"""No item goes live with unmasked personal data, by any publishing route.

A reviewer resolves findings by masking the text (a new revision) or by recording why
the data must be published (audited). docs/personal-data.md.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import GroupApprovalTask, Revision, TaskState, WorkflowState

from gongkai.catalog import services
from gongkai.catalog.blocks import table_block, text_block
from gongkai.catalog.models import (
    ConfidentialityReview,
    ConfidentialityReviewTask,
    DisclosureAttachment,
    DisclosureItemPage,
    IndexNumber,
    PersonalDataOverride,
)
from gongkai.catalog.personal_data import report_for
from gongkai.catalog.services import PublishRefused
from gongkai.catalog.tests.test_review_workflow import (
    act,
    as_user,
    current_task_state,
    edit_url,
    form_of,
    submit,
    text,
)
from gongkai.core.enums import StaffRole
from gongkai.core.models import AuditLogEntry
from gongkai.core.services import agency_collection
from gongkai.testing import column, make_item, make_user, refused

pytestmark = pytest.mark.django_db

MOBILE = "13800138000"
MOBILE_MASKED = "138****8000"
PII_SUMMARY = f"举报人：张三，手机{MOBILE}"
REASON = "行政处罚决定书依法须公开当事人姓名（《条例》第二十条）"


@pytest.fixture
def staff(anshan: Any) -> dict[str, Any]:
    return {
        "editor": make_user("pd_editor", agency=anshan, role=StaffRole.EDITOR),
        "reviewer": make_user("pd_reviewer", agency=anshan, role=StaffRole.REVIEWER),
        "approver": make_user("pd_approver", agency=anshan, role=StaffRole.APPROVER),
        "root": make_user("pd_root", superuser=True),
    }


def pii_item(anshan: Any, **fields: Any) -> DisclosureItemPage:
    return make_item(column(anshan), publish=False, summary=PII_SUMMARY, **fields)


def personal_data_url(page: Any) -> str:
    return reverse("catalog_personal_data", args=[page.pk])


def assert_refused_safely(message: str) -> None:
    assert "个人信息" in message
    assert MOBILE_MASKED in message and "张*" in message
    assert MOBILE not in message and "张三" not in message


def live(page: Any) -> bool:
    page.refresh_from_db()
    return bool(page.live)


def audit_text() -> str:
    return json.dumps(list(AuditLogEntry.objects.values("action", "data")), ensure_ascii=False)


# --- Every route is refused ------------------------------------------------------------------


def test_code_calling_revision_publish_is_refused_with_the_findings_masked(anshan):
    item = pii_item(anshan)
    with pytest.raises(PublishRefused) as refused:
        item.get_latest_revision().publish()
    assert_refused_safely(str(refused.value))
    assert "内容概述" in str(refused.value)
    assert not live(item)
    assert not IndexNumber.objects.filter(page=item).exists()


def test_the_confidentiality_review_cannot_be_confirmed_over_personal_data(staff, anshan):
    item = make_item(column(anshan), publish=False)
    submit(staff["editor"], item, summary=PII_SUMMARY)

    modal = as_user(staff["reviewer"]).get(
        reverse("wagtailadmin_pages:workflow_action",
                args=[item.pk, "approve", current_task_state(item).pk]),
        headers={"x-requested-with": "XMLHttpRequest"})
    shown = text(modal)
    assert modal.status_code == 200
    assert MOBILE_MASKED in shown and "张*" in shown and "内容概述" in shown
    assert MOBILE not in shown

    response = act(staff["reviewer"], item, "approve", {"confirm": "on", "comment": ""})
    assert response.status_code == 403
    assert_refused_safely(text(response))
    assert personal_data_url(item) in text(response)
    assert not ConfidentialityReview.objects.exists()
    assert isinstance(current_task_state(item).task.specific, ConfidentialityReviewTask)

    # The task refuses too when called directly.
    state = current_task_state(item)
    with pytest.raises(PermissionDenied):
        state.task.specific.on_action(state, staff["reviewer"], "approve", confirm=True)


def test_approving_with_edits_is_refused_over_personal_data(staff, anshan):
    item = make_item(column(anshan), publish=False)
    submit(staff["editor"], item, summary=PII_SUMMARY)
    response = as_user(staff["reviewer"]).post(edit_url(item), {
        **form_of(item, summary=PII_SUMMARY), "action-workflow-action": "1",
        "workflow-action-name": "approve",
        "workflow-action-extra-data": json.dumps({"confirm": True, "comment": ""}),
    })
    assert response.status_code == 403
    assert_refused_safely(text(response))
    assert not ConfidentialityReview.objects.exists()


def test_the_final_approval_is_refused_when_personal_data_came_in_after_review(staff, anshan):
    item = make_item(column(anshan), publish=False)
    submit(staff["editor"], item)
    assert act(staff["reviewer"], item, "approve",
               {"confirm": "on", "comment": ""}).status_code == 302
    assert isinstance(current_task_state(item).task.specific, GroupApprovalTask)
    obj = item.get_latest_revision_as_object()
    obj.summary = PII_SUMMARY
    obj.save_revision()

    response = act(staff["approver"], item, "approve", {"comment": ""})
    assert response.status_code == 403
    assert_refused_safely(text(response))
    assert not live(item)

    # Past the views, finishing the workflow fails inside its transaction: nothing is
    # left approved.
    workflow_state = item.current_workflow_state
    with pytest.raises(PublishRefused):
        workflow_state.finish(user=staff["approver"])
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert current_task_state(item).status == TaskState.STATUS_IN_PROGRESS
    assert not live(item)


def test_a_platform_admin_cannot_publish_it_from_the_editor(staff, anshan):
    item = make_item(column(anshan), publish=False)
    response = as_user(staff["root"]).post(
        edit_url(item), {**form_of(item, summary=PII_SUMMARY), "action-publish": "1"})
    assert response.status_code == 403
    assert_refused_safely(text(response))
    assert personal_data_url(item) in text(response)
    assert not live(item)
    # The edit is kept as a draft for the reviewer to resolve.
    assert item.get_latest_revision_as_object().summary == PII_SUMMARY


def test_a_platform_admin_cannot_create_it_published(staff, anshan):
    from gongkai.catalog.tests.test_bad_input import item_form_data

    response = as_user(staff["root"]).post(
        reverse("wagtailadmin_pages:add",
                args=["catalog", "disclosureitempage", column(anshan, "tzgg").pk]),
        {**item_form_data(title="新建的通知", slug="xinjian", summary=PII_SUMMARY),
         "action-publish": "1"})
    assert response.status_code == 403
    assert_refused_safely(text(response))
    created = DisclosureItemPage.objects.get(title="新建的通知")
    assert not created.live and created.live_revision_id is None
    assert created.has_unpublished_changes


def test_bulk_publish_refuses_the_whole_batch(staff, anshan):
    clean = make_item(column(anshan), publish=False)
    dirty = pii_item(anshan)
    response = as_user(staff["root"]).post(
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
        + f"?id={clean.pk}&id={dirty.pk}", {"include_descendants": ""})
    assert response.status_code == 403
    assert_refused_safely(text(response))
    assert not live(clean) and not live(dirty)


def test_the_admin_api_publish_action_is_refused(staff, anshan):
    item = pii_item(anshan)
    response = as_user(staff["root"]).post(
        reverse("wagtailadmin_api:pages:action", args=[item.pk, "publish"]), {},
        content_type="application/json")
    assert response.status_code == 403
    assert_refused_safely(response.json()["detail"])
    assert not live(item)


def test_scheduled_publication_is_withheld_and_the_others_go_ahead(anshan):
    go_live = timezone.now() + dt.timedelta(days=1)
    items = {"clean": make_item(column(anshan), publish=False), "dirty": pii_item(anshan)}
    for item in items.values():
        obj = item.get_latest_revision_as_object()
        obj.go_live_at = go_live
        revision = obj.save_revision()
        Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=go_live)

    with time_machine.travel(go_live + dt.timedelta(minutes=1), tick=False):
        call_command("publish_scheduled")
    assert live(items["clean"])
    assert not live(items["dirty"])
    assert not Revision.objects.filter(object_id=str(items["dirty"].pk),
                                       approved_go_live_at__isnull=False).exists()
    entry = AuditLogEntry.objects.get(action="catalog.scheduled_publication_withheld")
    assert entry.target_id == str(items["dirty"].pk)
    assert MOBILE not in audit_text()


# --- Resolving: masking ----------------------------------------------------------------------


def test_masking_then_review_and_approval_publishes_the_masked_text(staff, anshan):
    item = make_item(column(anshan), publish=False)
    submit(staff["editor"], item, summary=PII_SUMMARY)

    reviewer = as_user(staff["reviewer"])
    page = reviewer.get(personal_data_url(item))
    assert page.status_code == 200
    assert MOBILE_MASKED in text(page) and MOBILE not in text(page)
    assert reviewer.post(personal_data_url(item), {"action": "mask"}).status_code == 302

    item.refresh_from_db()
    assert item.get_latest_revision_as_object().summary == f"举报人：张*，手机{MOBILE_MASKED}"
    assert act(staff["reviewer"], item, "approve",
               {"confirm": "on", "comment": ""}).status_code == 302
    review = ConfidentialityReview.objects.get(page=item)
    item.refresh_from_db()
    assert review.revision_id == item.latest_revision_id
    assert act(staff["approver"], item, "approve", {"comment": ""}).status_code == 302
    assert live(item)
    assert item.summary == f"举报人：张*，手机{MOBILE_MASKED}"
    assert AuditLogEntry.objects.filter(action="catalog.personal_data_masked").exists()
    assert MOBILE not in audit_text()


def test_masking_reaches_rich_text_tables_and_links(staff, anshan):
    item = make_item(column(anshan), publish=False, body=[
        text_block(f'<p>申请人：<b>李四</b>，电话 <a href="tel:{MOBILE}">{MOBILE}</a></p>'),
        table_block("联系方式", ["单位", "手机"], [["某单位", MOBILE]]),
    ])
    revision, count = services.mask_page_personal_data(item, by=staff["reviewer"])
    assert revision is not None and count == 4
    obj = revision.as_object()
    html = obj.body[0].value.source
    assert "李*" in html and MOBILE not in html and f"tel:{MOBILE_MASKED}" in html
    assert obj.body[1].value["data"][1] == ["某单位", MOBILE_MASKED]
    assert report_for(obj).findings == []
    revision.publish()
    assert live(item)


def test_only_reviewers_approvers_and_platform_admins_resolve(staff, anshan, haicheng):
    item = pii_item(anshan)
    outsider = make_user("pd_other_reviewer", agency=haicheng, role=StaffRole.REVIEWER)
    for user in (staff["editor"], outsider):
        with pytest.raises(PermissionDenied):
            services.mask_page_personal_data(item, by=user)
        with pytest.raises(PermissionDenied):
            services.record_personal_data_override(item, by=user, reason=REASON)
    assert refused(as_user(staff["editor"]).post(personal_data_url(item), {"action": "mask"}))
    assert not PersonalDataOverride.objects.exists()
    for user in (staff["approver"], staff["root"]):
        assert services.can_resolve_personal_data(user, item)


# --- Resolving: override with a reason -------------------------------------------------------


def attach(agency: Any, item: Any, content: bytes, name: str = "mingdan.txt") -> Any:
    document = get_document_model().objects.create(
        title="处罚对象名单", file=ContentFile(content, name=name),
        collection=agency_collection(agency))
    DisclosureAttachment.objects.create(page=item, document=document)
    item.save_revision()
    return document


def test_an_attachment_with_personal_data_needs_an_override_with_a_reason(staff, anshan):
    item = make_item(column(anshan), publish=False)
    attach(anshan, item, f"当事人：王五\n身份证号：{'11010519491231002X'}\n".encode())
    report = report_for(item.get_latest_revision_as_object())
    assert [(f.where, f.label, f.masked) for f in report.unresolved] == [
        ("附件《处罚对象名单》", "姓名", "王*"),
        ("附件《处罚对象名单》", "居民身份证号码", "1101**********002X"),
    ]
    # Masking cannot change a file.
    assert services.mask_page_personal_data(item, by=staff["reviewer"]) == (None, 0)
    with pytest.raises(PublishRefused):
        item.get_latest_revision().publish()

    reviewer = as_user(staff["reviewer"])
    short = reviewer.post(personal_data_url(item), {"action": "override", "reason": "需要"})
    assert short.status_code == 400
    assert not PersonalDataOverride.objects.exists()
    assert reviewer.post(personal_data_url(item),
                         {"action": "override", "reason": REASON}).status_code == 302

    override = PersonalDataOverride.objects.get(page=item)
    assert override.user == staff["reviewer"] and override.reason == REASON
    assert override.revision_id == item.get_latest_revision().pk
    entry = AuditLogEntry.objects.get(action="catalog.personal_data_override")
    assert entry.data["reason"] == REASON
    assert entry.actor == staff["reviewer"]
    assert "11010519491231002X" not in audit_text() and "王五" not in audit_text()
    history = as_user(staff["root"]).get(reverse("wagtailadmin_pages:history", args=[item.pk]))
    assert history.status_code == 200
    assert "个人信息确需公开" in text(history) and REASON in text(history)

    item.get_latest_revision().publish()
    assert live(item)


def test_an_override_does_not_cover_new_personal_data(staff, anshan):
    item = pii_item(anshan)
    services.record_personal_data_override(item, by=staff["reviewer"], reason=REASON)
    obj = item.get_latest_revision_as_object()
    obj.keywords = "13900139000"
    with pytest.raises(PublishRefused) as refused:
        obj.save_revision().publish()
    assert "139****9000" in str(refused.value)
    assert MOBILE_MASKED not in str(refused.value)


def test_an_override_needs_something_to_override(staff, anshan):
    item = make_item(column(anshan), publish=False)
    with pytest.raises(ValidationError):
        services.record_personal_data_override(item, by=staff["reviewer"], reason=REASON)


# --- What is not blocked ---------------------------------------------------------------------


def test_the_agencys_own_numbers_do_not_block(anshan):
    anshan.consultation_phone = "0412-2220001"
    anshan.office_email = "tjj@anshan.gov.cn"
    anshan.save()
    item = make_item(column(anshan), publish=False, summary=(
        "咨询电话：0412-2220001，联系电话：（0412）2220000，邮箱 tjj@anshan.gov.cn"))
    item.get_latest_revision().publish()
    assert live(item)


def test_a_clean_item_publishes_as_before(anshan):
    item = make_item(column(anshan), summary="2024年全市地区生产总值1385.2亿元，增长5.1%",
                     body=[table_block("主要指标", ["指标", "数值"],
                                       [["索引号", "11210300MB1234567X/2024-00001"],
                                        ["统一社会信用代码", "11210300MB1234567X"],
                                        ["金额（元）", "13800138000.50"]])])
    assert item.live
    assert IndexNumber.objects.filter(page=item).exists()


def test_an_unreadable_attachment_is_reported_but_does_not_block(staff, anshan):
    item = make_item(column(anshan), publish=False)
    attach(anshan, item, b"\xd0\xcf\x11\xe0 old word file", name="old.doc")
    report = report_for(item.get_latest_revision_as_object())
    assert not report.blocked
    assert [u.reason for u in report.unreadable] == ["暂不支持从该格式提取文本"]
    item.get_latest_revision().publish()
    assert live(item)
