"""Review before publication (《条例》第十七条): 保密审查 → 审核发布, through the admin.

An editor submits, a reviewer confirms the confidentiality review (the tick is required
on every path), an approver publishes, and the item gets its 索引号. Nobody below a
platform administrator can publish past the workflow.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Page, TaskState

from gongkai.catalog.models import (
    ConfidentialityReview,
    ConfidentialityReviewTask,
    DisclosureItemPage,
    IndexNumber,
)
from gongkai.catalog.tests.test_bad_input import SUMMARY, TITLE, item_form_data
from gongkai.catalog.wagtail_hooks import PUBLISH_REFUSED
from gongkai.core.enums import StaffRole
from gongkai.testing import column, make_item, make_user

pytestmark = pytest.mark.django_db

CONFIRMATION_REQUIRED = "请勾选保密审查确认后再通过。"


@pytest.fixture
def staff(anshan: Any) -> dict[str, Any]:
    return {
        "editor": make_user("wf_editor", agency=anshan, role=StaffRole.EDITOR),
        "reviewer": make_user("wf_reviewer", agency=anshan, role=StaffRole.REVIEWER),
        "approver": make_user("wf_approver", agency=anshan, role=StaffRole.APPROVER),
        "admin": make_user("wf_admin", agency=anshan, role=StaffRole.ADMIN),
        "root": make_user("wf_root", superuser=True),
    }


@pytest.fixture
def item(anshan: Any) -> DisclosureItemPage:
    return make_item(column(anshan), publish=False, title=TITLE, summary=SUMMARY,
                     doc_number="鞍统发〔2024〕3号")


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    content = response.content.decode("utf-8")
    # Modal answers are JSON with non-ASCII characters escaped.
    return str(content.encode().decode("unicode_escape") if content.startswith("{")
               else content)


def is_refusal(response: Any) -> bool:
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"))


def edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def form_of(page: Page, **fields: Any) -> dict[str, Any]:
    return item_form_data(slug=page.slug, **fields)


def submit(editor: Any, page: Page, **fields: Any) -> None:
    response = as_user(editor).post(edit_url(page), {**form_of(page, **fields),
                                                     "action-submit": "1"})
    assert response.status_code == 302, text(response)[:2000]
    page.refresh_from_db()
    assert page.workflow_in_progress


def current_task_state(page: Page) -> TaskState:
    page.refresh_from_db()
    state = page.current_workflow_task_state
    assert state is not None
    return state


def act(user: Any, page: Page, action: str, data: dict[str, Any] | None = None,
        *, modal: bool = False) -> Any:
    state = current_task_state(page)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
    headers = {"x-requested-with": "XMLHttpRequest"} if modal else {}
    return as_user(user).post(url, data or {}, headers=headers)


def confirm_review(reviewer: Any, page: Page) -> None:
    assert isinstance(current_task_state(page).task.specific, ConfidentialityReviewTask)
    response = act(reviewer, page, "approve", {"confirm": "on", "comment": "无涉密内容"})
    assert response.status_code == 302, text(response)[:2000]


def test_an_item_is_reviewed_approved_and_published_with_an_index_number(staff, item, anshan):
    submit(staff["editor"], item)
    review_state = current_task_state(item)
    assert isinstance(review_state.task.specific, ConfidentialityReviewTask)

    # Without the tick the modal comes back with the error, and nothing moves on.
    response = act(staff["reviewer"], item, "approve", {"comment": "看过了"}, modal=True)
    assert CONFIRMATION_REQUIRED in text(response)
    assert current_task_state(item).pk == review_state.pk
    assert not ConfidentialityReview.objects.exists()

    before = timezone.now()
    confirm_review(staff["reviewer"], item)
    review = ConfidentialityReview.objects.get(page=item)
    assert review.reviewer == staff["reviewer"]
    assert review.reviewer_name == "wf_reviewer"
    assert before <= review.confirmed_at <= timezone.now()
    assert review.revision_id == review_state.revision_id
    assert review.comment == "无涉密内容"
    assert "不涉及国家秘密" in review.statement

    approval_state = current_task_state(item)
    assert isinstance(approval_state.task.specific, GroupApprovalTask)
    item.refresh_from_db()
    assert not item.live and item.index_number == ""

    response = act(staff["approver"], item, "approve", {"comment": "同意发布"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.live
    number = IndexNumber.objects.get(page=item)
    assert number.value.startswith(f"{anshan.code}/")
    assert item.index_number == number.value

    history = as_user(staff["approver"]).get(
        reverse("wagtailadmin_pages:history", args=[item.pk]))
    assert history.status_code == 200
    assert "保密审查确认" in text(history)
    assert "无涉密内容" in text(history)


def test_only_the_reviewers_confirm_and_only_the_approvers_publish(staff, item):
    submit(staff["editor"], item)
    for outsider in (staff["editor"], staff["approver"]):
        assert is_refusal(act(outsider, item, "approve", {"confirm": "on"}))
    assert not ConfidentialityReview.objects.exists()

    confirm_review(staff["reviewer"], item)
    for outsider in (staff["editor"], staff["reviewer"]):
        assert is_refusal(act(outsider, item, "approve", {"comment": ""}))
    item.refresh_from_db()
    assert not item.live
    assert isinstance(current_task_state(item).task.specific, GroupApprovalTask)


def test_approving_with_edits_needs_the_confirmation_too(staff, item):
    """The editor's "approve with edits" button posts the modal's data as JSON."""
    submit(staff["editor"], item)
    reviewer = as_user(staff["reviewer"])
    post = {**form_of(item), "action-workflow-action": "1",
            "workflow-action-name": "approve"}

    for extra in ("{}", json.dumps({"confirm": False, "comment": ""}), "not json"):
        response = reviewer.post(edit_url(item), {**post, "workflow-action-extra-data": extra})
        assert response.status_code == 403
        assert CONFIRMATION_REQUIRED in text(response)
        assert isinstance(current_task_state(item).task.specific, ConfidentialityReviewTask)
    assert not ConfidentialityReview.objects.exists()

    submitted = current_task_state(item).revision_id
    response = reviewer.post(edit_url(item), {
        **post, "summary": "删去内部信息后的概述",
        "workflow-action-extra-data": json.dumps({"confirm": True, "comment": "可以"}),
    })
    assert response.status_code == 302
    review = ConfidentialityReview.objects.get(page=item)
    assert review.reviewer == staff["reviewer"]
    assert review.revision_id == submitted
    # The confirmation covers the submitted revision. The reviewer's own edit is a new
    # revision (WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT), so it is reviewed again
    # before it can reach the approvers.
    item.refresh_from_db()
    state = current_task_state(item)
    assert isinstance(state.task.specific, ConfidentialityReviewTask)
    assert state.revision_id == item.latest_revision_id != submitted


def test_content_changed_after_the_review_is_reviewed_again(staff, item):
    submit(staff["editor"], item)
    confirm_review(staff["reviewer"], item)
    response = as_user(staff["approver"]).post(edit_url(item), {
        **form_of(item, summary="审核时改写的概述"), "action-workflow-action": "1",
        "workflow-action-name": "approve", "workflow-action-extra-data": '{"comment": ""}',
    })
    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.live and item.index_number == ""
    state = current_task_state(item)
    assert isinstance(state.task.specific, ConfidentialityReviewTask)
    assert state.revision_id == item.latest_revision_id


def test_the_task_itself_refuses_an_approval_without_the_tick(staff, item):
    submit(staff["editor"], item)
    state = current_task_state(item)
    task = state.task.specific
    with pytest.raises(PermissionDenied, match=CONFIRMATION_REQUIRED):
        task.on_action(state, staff["reviewer"], "approve", comment="")
    with pytest.raises(PermissionDenied):
        task.on_action(state, staff["editor"], "approve", confirm=True, comment="")
    assert not ConfidentialityReview.objects.exists()
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS


def test_a_rejected_item_goes_back_to_the_editor(staff, item):
    submit(staff["editor"], item)
    response = act(staff["reviewer"], item, "reject", {"comment": "含内部信息，请删除"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_workflow_state.status == "needs_changes"
    assert not item.live
    assert not ConfidentialityReview.objects.exists()


@pytest.mark.parametrize("role", ["admin", "approver", "editor"])
def test_agency_staff_cannot_publish_directly(staff, item, role, anshan):
    client = as_user(staff[role])
    page = client.get(edit_url(item))
    assert page.status_code == 200
    assert 'name="action-publish"' not in text(page)

    response = client.post(edit_url(item), {**form_of(item), "action-publish": "1"})
    assert response.status_code == 403
    assert str(PUBLISH_REFUSED) in text(response)
    item.refresh_from_db()
    assert not item.live and item.index_number == ""

    created = client.post(
        reverse("wagtailadmin_pages:add",
                args=["catalog", "disclosureitempage", column(anshan, "tzgg").pk]),
        {**item_form_data(title="直接发布的通知", slug="zhijie", doc_number=""),
         "action-publish": "1"},
    )
    assert created.status_code in (403, 302)
    assert not DisclosureItemPage.objects.filter(title="直接发布的通知", live=True).exists()


def test_agency_admins_cannot_publish_by_other_routes(staff, anshan):
    published = make_item(column(anshan), title="已发布的信息")
    draft = make_item(column(anshan), publish=False, title="草稿信息")
    client = as_user(staff["admin"])

    bulk = client.post(
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
        + f"?id={draft.pk}", {"include_descendants": ""})
    assert bulk.status_code == 403

    api = client.post(reverse("wagtailadmin_api:pages:action", args=[draft.pk, "publish"]),
                      {}, content_type="application/json")
    assert api.status_code == 403

    copy = client.post(reverse("wagtailadmin_pages:copy", args=[published.pk]), {
        "new_title": "复制的信息", "new_slug": "fuzhi",
        "new_parent_page": column(anshan, "tzgg").pk, "publish_copies": "on",
    })
    assert copy.status_code == 403

    revert = client.post(
        reverse("wagtailadmin_pages:revisions_revert",
                args=[draft.pk, draft.latest_revision_id]),
        {**form_of(draft, title="草稿信息", doc_number=""), "action-publish": "1"})
    assert revert.status_code == 403

    # Nor can they take the workflow off their section to publish without it.
    remove = client.post(reverse("wagtailadmin_workflows:remove", args=[anshan.home_page.pk]))
    assert remove.status_code == 302 and remove["Location"] == reverse("wagtailadmin_home")
    assert anshan.home_page.get_workflow() is not None

    draft.refresh_from_db()
    assert not draft.live
    assert not Page.objects.filter(title="复制的信息").exists()


def test_a_platform_admin_can_publish_directly(staff, item, anshan):
    client = as_user(staff["root"])
    page = client.get(edit_url(item))
    assert 'name="action-publish"' in text(page)
    response = client.post(edit_url(item), {**form_of(item), "action-publish": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.live
    assert item.index_number.startswith(f"{anshan.code}/")


def test_scheduled_publication_waits_for_its_time_then_gets_its_number(staff, item, anshan):
    go_live = (timezone.localtime() + dt.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0)
    submit(staff["editor"], item, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    confirm_review(staff["reviewer"], item)
    assert act(staff["approver"], item, "approve", {"comment": ""}).status_code == 302

    item.refresh_from_db()
    assert not item.live
    assert item.get_latest_revision().approved_go_live_at == go_live
    assert not IndexNumber.objects.filter(page=item).exists()

    call_command("publish_scheduled")
    item.refresh_from_db()
    assert not item.live

    with time_machine.travel(go_live + dt.timedelta(minutes=1), tick=False):
        call_command("publish_scheduled")
    item.refresh_from_db()
    assert item.live
    assert timezone.localtime(item.first_published_at) == go_live + dt.timedelta(minutes=1)
    number = IndexNumber.objects.get(page=item)
    assert number.value.startswith(f"{anshan.code}/{go_live.year}-")
