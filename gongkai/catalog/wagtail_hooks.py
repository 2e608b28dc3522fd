"""The catalog in the Wagtail admin: agency scoping, the review gate, the 第二十六条 report.

Page permissions granted on each agency's section root (``core.services``) already keep
editing apart, and Wagtail filters its explorer, search, reports and workflow screens by
them. This module closes what is left:

* screens that show pages or files without looking at permissions (the page chooser,
  bulk-action confirmations, the page types report, the admin API's document and image
  endpoints, the workflow cancellation modal) are narrowed to what the user may see;
* agency staff cannot publish past the review workflow (保密审查 → 审核发布) by any of
  Wagtail's direct-publishing routes; only platform administrators (superusers) can;
* the 第二十六条 timeliness report, its dashboard panel and the 主题分类 snippet.

docs/agencies-and-permissions.md lists every route and the test that pins it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.api.actions.copy import CopyPageAPIAction
from wagtail.admin.api.actions.create_alias import CreatePageAliasAPIAction
from wagtail.admin.api.actions.publish import PublishPageAPIAction
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.admin.views.chooser import BrowseView, ChosenMultipleView
from wagtail.admin.views.pages.bulk_actions.page_bulk_action import PageBulkAction
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import (
    CollectWorkflowActionDataView,
    ConfirmWorkflowCancellationView,
    WorkflowActionView,
)
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.log_actions import LogFormatter
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from gongkai.catalog.admin_personal_data import PersonalDataView, personal_data_url
from gongkai.catalog.admin_views import (
    TimelinessPanel,
    TimelinessReportView,
    refusal,
    visible_agencies,
)
from gongkai.catalog.models import (
    ConfidentialityConfirmForm,
    ConfidentialityReviewTask,
    DisclosureItemPage,
    ThemeCategory,
)
from gongkai.catalog.personal_data import PersonalDataRefused, check_page
from gongkai.core.agencies import agencies_for, agency_for_page

User = AbstractBaseUser | AnonymousUser

PUBLISH_REFUSED = _(
    "本单位栏目中的信息须经“保密审查”和“审核发布”流程后才能发布，不能直接发布。"
    "请保存草稿后点击“提交审核”。"
)
CONFIRMATION_REQUIRED = ConfidentialityConfirmForm.base_fields["confirm"].error_messages[
    "required"
]


def is_platform_admin(user: User) -> bool:
    return bool(user.is_active and getattr(user, "is_superuser", False))


# --- Scoping ---------------------------------------------------------------------------------


def own_sections_q(user: User) -> Q:
    """Pages inside the sections of the user's agencies."""
    q = Q(pk__in=[])
    for agency in agencies_for(user).select_related("home_page"):
        if agency.home_page is not None:
            q |= Q(path__startswith=agency.home_page.path)
    return q


def choosable_pages_q(user: User) -> Q:
    """What the page chooser may show: the user's own sections, and public pages elsewhere.

    Another agency's page may be linked once it is published, but nothing unpublished of
    it is shown. The chooser prints a page's latest draft title, so another agency's live
    item with pending changes is left out too (pages with children stay, or the tree
    could not be browsed). Only fields the search index can filter on are used: the same
    queryset feeds the chooser's search.
    """
    own = own_sections_q(user)
    public = Q(live=True)
    being_edited = list(
        Page.objects.filter(live=True, has_unpublished_changes=True, numchild=0)
        .exclude(own).values_list("pk", flat=True)
    )
    if being_edited:
        public &= ~Q(pk__in=being_edited)
    return own | public


def choosable_pages(pages: QuerySet[Page], user: User) -> QuerySet[Page]:
    if is_platform_admin(user):
        return pages
    return pages.filter(choosable_pages_q(user))


@hooks.register("construct_page_chooser_queryset")  # type: ignore[untyped-decorator]
def scope_page_chooser(pages: QuerySet[Page], request: HttpRequest) -> QuerySet[Page]:
    return choosable_pages(pages, request.user)


DispatchCheck = Callable[[HttpRequest, dict[str, Any]], None]


def check_before_dispatch(view_class: type[Any], check: DispatchCheck) -> None:
    """Run ``check`` before a Wagtail view that has no hook of its own.

    The view's URL pattern is Wagtail's, so the check is added to the class once, at
    start-up; ``check`` raises Http404 or PermissionDenied. Tests in
    test_agency_scoping.py fail if a Wagtail upgrade routes around it.
    """
    original = view_class.dispatch
    if getattr(original, "gongkai_checks", None) == check:
        return

    @functools.wraps(original)
    def dispatch(self: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        check(request, kwargs)
        return original(self, request, *args, **kwargs)

    dispatch.gongkai_checks = check  # type: ignore[attr-defined]
    view_class.dispatch = dispatch


def _chooser_parent_is_choosable(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    # The chooser shows the page it browses (title and status) above its children.
    parent_id = kwargs.get("parent_page_id")
    if parent_id is not None and not choosable_pages(
        Page.objects.filter(pk=parent_id), request.user
    ).exists():
        raise Http404


def _chosen_pages_are_choosable(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    # Answers with the (draft) title of every page id it is given.
    ids = {pk for pk in request.GET.getlist("id") if pk.isdigit()}
    if choosable_pages(Page.objects.filter(pk__in=ids), request.user).count() != len(ids):
        raise Http404


def _platform_admins_only(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    # The report names the most recently edited page of each type across the whole
    # installation, drafts of every agency included.
    if not is_platform_admin(request.user):
        raise PermissionDenied


def _bulk_pages_are_within_reach(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    # The confirmation screen lists the title of every page it is given, including those
    # the user may not act on ("all" of a search even covers the whole installation).
    user = request.user
    if is_platform_admin(user):
        return
    ids = request.GET.getlist("id")
    if "all" in ids:
        parent = request.GET.get("childOf") or ""
        if not (parent.isdigit()
                and Page.objects.filter(own_sections_q(user), pk=parent).exists()):
            raise Http404
        return
    wanted = {pk for pk in ids if pk.isdigit()}
    explorable = policy_registry.get_by_type(Page).explorable_instances(user)
    if explorable.filter(pk__in=wanted).count() != len(wanted):
        raise Http404


def _page_is_editable(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    # Tells which workflow and task another agency's page is in.
    page = Page.objects.filter(pk=kwargs.get("page_id")).first()
    if page is None:
        raise Http404
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied


check_before_dispatch(BrowseView, _chooser_parent_is_choosable)
check_before_dispatch(ChosenMultipleView, _chosen_pages_are_choosable)
check_before_dispatch(PageTypesUsageReportView, _platform_admins_only)
check_before_dispatch(PageBulkAction, _bulk_pages_are_within_reach)
check_before_dispatch(ConfirmWorkflowCancellationView, _page_is_editable)


@hooks.register("construct_reports_menu")  # type: ignore[untyped-decorator]
def hide_installation_wide_reports(request: HttpRequest, menu_items: list[MenuItem]) -> None:
    if not is_platform_admin(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


# --- The review gate: no publishing past the workflow ----------------------------------------


def must_go_through_review(user: User, page: Page) -> bool:
    """Agency staff publish only through their agency's workflow; platform admins may
    publish directly (for corrections and for sections without a workflow)."""
    if is_platform_admin(user):
        return False
    return agency_for_page(page) is not None and page.get_workflow() is not None


def _edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _approves_review_without_confirmation(request: HttpRequest, page: Page) -> bool:
    """"Approve with edits" posts the modal's data as JSON; make sure it has the tick."""
    if not request.POST.get("action-workflow-action"):
        return False
    if request.POST.get("workflow-action-name") != "approve":
        return False
    if not isinstance(page.current_workflow_task, ConfidentialityReviewTask):
        return False
    try:
        data = json.loads(request.POST.get("workflow-action-extra-data") or "{}")
    except ValueError:
        return True
    return not (isinstance(data, dict) and data.get("confirm") is True)


@hooks.register("before_edit_page")  # type: ignore[untyped-decorator]
def guard_edit(request: HttpRequest, page: Page) -> HttpResponse | None:
    if request.method != "POST":
        return None
    if request.POST.get("action-publish") and must_go_through_review(request.user, page):
        return refusal(request, str(PUBLISH_REFUSED), back_url=_edit_url(page))
    if _approves_review_without_confirmation(request, page):
        return refusal(request, str(CONFIRMATION_REQUIRED), back_url=_edit_url(page))
    if (request.POST.get("action-workflow-action")
            and request.POST.get("workflow-action-name") == "approve"):
        try:
            check_page(page)
        except PersonalDataRefused as refused:
            return personal_data_refusal(request, refused)
    return None


@hooks.register("before_create_page")  # type: ignore[untyped-decorator]
def guard_create(request: HttpRequest, parent_page: Page,
                 page_class: type[Page]) -> HttpResponse | None:
    if (request.method == "POST" and request.POST.get("action-publish")
            and must_go_through_review(request.user, parent_page)):
        return refusal(request, str(PUBLISH_REFUSED),
                       back_url=reverse("wagtailadmin_explore", args=[parent_page.pk]))
    return None


def _page_or(pk: Any, default: Page) -> Page:
    found = Page.objects.filter(pk=pk).first() if str(pk or "").isdigit() else None
    return found or default


@hooks.register("before_copy_page")  # type: ignore[untyped-decorator]
def guard_copy(request: HttpRequest, page: Page) -> HttpResponse | None:
    # A published copy or an alias is a new live item that no one has reviewed.
    if request.method != "POST" or not (request.POST.get("publish_copies")
                                        or request.POST.get("alias")):
        return None
    destination = _page_or(request.POST.get("new_parent_page"), page.get_parent())
    if must_go_through_review(request.user, destination):
        return refusal(request, str(PUBLISH_REFUSED), back_url=_edit_url(page))
    return None


@hooks.register("before_bulk_action")  # type: ignore[untyped-decorator]
def guard_bulk_publish(request: HttpRequest, action_type: str, objects: list[Any],
                       action_class_instance: Any) -> HttpResponse | None:
    if action_type == "publish" and any(
        isinstance(obj, Page) and must_go_through_review(request.user, obj) for obj in objects
    ):
        return refusal(request, str(PUBLISH_REFUSED))
    if action_type == "publish":
        # Refuse the whole batch before anything is published, not halfway through it.
        messages = []
        for obj in objects:
            try:
                check_page(obj)
            except PersonalDataRefused as refused:
                messages.append(str(refused))
        if messages:
            return refusal(request, " ".join(messages))
    return None


@hooks.register("construct_page_action_menu")  # type: ignore[untyped-decorator]
def hide_direct_publish(menu_items: list[Any], request: HttpRequest,
                        context: dict[str, Any]) -> None:
    page = context.get("parent_page") if context.get("view") == "create" else context.get("page")
    if page is not None and must_go_through_review(request.user, page):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


# --- Personal data: refusals the admin shows instead of an error -----------------------------


def personal_data_refusal(request: HttpRequest, refused: PersonalDataRefused) -> HttpResponse:
    back_url = personal_data_url(refused.page_id) if refused.page_id else ""
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return render_modal_workflow(  # type: ignore[no-any-return]
            request, "catalog/admin/refused_modal.html", None,
            {"message": str(refused), "back_url": back_url}, json_data={"step": "action"})
    return refusal(request, str(refused), back_url=back_url)


def show_personal_data_refusals(view_class: type[Any]) -> None:
    """Let ``view_class`` answer a personal-data refusal with an explanation, not a 500.

    The gate itself (``personal_data.install_publication_gate``) raises inside Wagtail's
    publishing; every admin view that can publish is wrapped here. Workflow approvals
    are checked before they start, so no task is approved and then left hanging.
    """
    original = view_class.dispatch
    if getattr(original, "gongkai_personal_data", False):
        return

    @functools.wraps(original)
    def dispatch(self: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("action_name") == "approve" and request.method == "POST":
            page = Page.objects.filter(pk=kwargs.get("page_id")).first()
            if page is not None and issubclass(page.specific_class or Page,
                                               DisclosureItemPage):
                try:
                    check_page(page)
                except PersonalDataRefused as refused:
                    return personal_data_refusal(request, refused)
        try:
            return original(self, request, *args, **kwargs)
        except PersonalDataRefused as refused:
            return personal_data_refusal(request, refused)

    dispatch.gongkai_personal_data = True  # type: ignore[attr-defined]
    view_class.dispatch = dispatch


for _view in (EditView, CreateView, WorkflowActionView, CollectWorkflowActionDataView):
    show_personal_data_refusals(_view)


class ReviewGateMixin:
    """For the admin API's actions: refuse those that would put unreviewed content live."""

    request: HttpRequest

    def destination(self, instance: Page, data: dict[str, Any]) -> Page | None:
        """Where the action would publish, or None if it publishes nothing."""
        raise NotImplementedError

    def execute(self, instance: Page, data: dict[str, Any]) -> Any:
        destination = self.destination(instance, data)
        if destination is not None and must_go_through_review(self.request.user, destination):
            raise PermissionDenied(str(PUBLISH_REFUSED))
        return super().execute(instance, data)  # type: ignore[misc]


class ReviewedPublishAction(ReviewGateMixin, PublishPageAPIAction):  # type: ignore[misc]
    def destination(self, instance: Page, data: dict[str, Any]) -> Page | None:
        return instance

    def execute(self, instance: Page, data: dict[str, Any]) -> Any:
        try:
            return super().execute(instance, data)
        except PersonalDataRefused as refused:
            raise PermissionDenied(str(refused)) from refused


class ReviewedCopyAction(ReviewGateMixin, CopyPageAPIAction):  # type: ignore[misc]
    def destination(self, instance: Page, data: dict[str, Any]) -> Page | None:
        copies_live_pages = instance.live or (
            data.get("recursive") and instance.get_descendants().live().exists()
        )
        if not (data.get("keep_live") and copies_live_pages):
            return None
        return _page_or(data.get("destination_page_id"), instance.get_parent())


class ReviewedAliasAction(ReviewGateMixin, CreatePageAliasAPIAction):  # type: ignore[misc]
    def destination(self, instance: Page, data: dict[str, Any]) -> Page | None:
        return _page_or(data.get("destination_page_id"), instance.get_parent())


class ReviewedPagesAdminAPIViewSet(PagesAdminAPIViewSet):  # type: ignore[misc]
    actions = {
        **PagesAdminAPIViewSet.actions,
        "publish": ReviewedPublishAction,
        "copy": ReviewedCopyAction,
        "create_alias": ReviewedAliasAction,
    }


class CollectionScopedMixin:
    """The admin API's document and image endpoints list every file of the installation;
    keep them to the collections the user may at least choose from, as the choosers do."""

    request: HttpRequest
    model: Any

    def get_queryset(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset()  # type: ignore[misc]
        allowed = policy_registry.get_by_type(self.model).instances_user_has_any_permission_for(
            self.request.user, ["choose", "add", "change", "delete"]
        )
        return queryset.filter(pk__in=allowed.values("pk"))


class ScopedDocumentsAdminAPIViewSet(CollectionScopedMixin,
                                     DocumentsAdminAPIViewSet):  # type: ignore[misc]
    pass


class ScopedImagesAdminAPIViewSet(CollectionScopedMixin,
                                  ImagesAdminAPIViewSet):  # type: ignore[misc]
    pass


# Runs after the documents and images apps have registered their own endpoints.
@hooks.register("construct_admin_api", order=100)  # type: ignore[untyped-decorator]
def guard_admin_api(router: Any) -> None:
    router.register_endpoint("pages", ReviewedPagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)


@hooks.register("register_log_actions")  # type: ignore[untyped-decorator]
def register_catalog_log_actions(actions: Any) -> None:
    @actions.register_action("gongkai.confidentiality_confirmed")  # type: ignore[untyped-decorator]
    class ConfidentialityConfirmedFormatter(LogFormatter):  # type: ignore[misc]
        label = _("保密审查确认")

        def format_message(self, log_entry: Any) -> str:
            statement = (log_entry.data or {}).get("statement", "")
            return f"{self.label}：{statement}" if statement else str(self.label)

        def format_comment(self, log_entry: Any) -> str:
            return str((log_entry.data or {}).get("comment", ""))

    actions.register_action("gongkai.personal_data_masked", _("遮蔽个人信息"),
                            _("遮蔽个人信息"))

    @actions.register_action("gongkai.personal_data_override")  # type: ignore[untyped-decorator]
    class PersonalDataOverrideFormatter(LogFormatter):  # type: ignore[misc]
        label = _("个人信息确需公开")

        def format_comment(self, log_entry: Any) -> str:
            return str((log_entry.data or {}).get("reason", ""))

    actions.register_action("gongkai.personal_data_withheld", _("因含个人信息未按计划发布"),
                            _("因含个人信息未按计划发布"))


# --- The 第二十六条 report and the dashboard -------------------------------------------------


@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def register_catalog_admin_urls() -> list[URLPattern]:
    return [
        path("catalog/timeliness/", TimelinessReportView.as_view(),
             name="catalog_timeliness_report"),
        path("catalog/personal-data/<int:page_id>/", PersonalDataView.as_view(),
             name="catalog_personal_data"),
    ]


class AgencyStaffMenuItem(MenuItem):  # type: ignore[misc]
    def is_shown(self, request: HttpRequest) -> bool:
        return agencies_for(request.user).exists()


@hooks.register("register_admin_menu_item")  # type: ignore[untyped-decorator]
def register_timeliness_menu_item() -> MenuItem:
    return AgencyStaffMenuItem(
        _("公开时效（第二十六条）"), reverse_lazy("catalog_timeliness_report"),
        name="gongkai-timeliness", icon_name="time", order=250,
    )


@hooks.register("construct_homepage_panels")  # type: ignore[untyped-decorator]
def add_timeliness_panel(request: HttpRequest, panels: list[Any]) -> None:
    agencies = visible_agencies(request.user)
    if agencies.exists():
        panels.append(TimelinessPanel(agencies))


# --- 主题分类: platform administrators maintain the national scheme ------------------------


class SuperusersOnlyPolicy(ModelPermissionPolicy):  # type: ignore[misc]
    """Only superusers may add, change or delete, whatever groups say."""

    def user_has_permission(self, user: User, action: str) -> bool:
        return is_platform_admin(user)

    def users_with_any_permission(self, actions: list[str]) -> QuerySet[Any]:
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


class ThemeCategoryViewSet(SnippetViewSet):  # type: ignore[misc]
    model = ThemeCategory
    icon = "tag"
    menu_label = _("主题分类")
    list_display = ["code", "name", "parent", "sort_order"]
    search_fields = ["code", "name"]
    # Not in the search index: plain database lookups are enough for a few hundred rows.
    search_backend_name = None
    ordering = ["sort_order", "code"]


register_permission_policy(ThemeCategory, SuperusersOnlyPolicy(ThemeCategory))
register_snippet(ThemeCategoryViewSet)


@hooks.register("before_serve_document")  # type: ignore[untyped-decorator]
def keep_draft_attachments_private(document: Any, request: HttpRequest) -> HttpResponse | None:
    """Documents are served to the public only once a visible page carries them; staff who
    may choose documents of that collection (reviewers included) can always open them."""
    from gongkai.catalog.selectors import document_is_public

    user = request.user
    if user.is_authenticated and user.is_active and policy_registry.get_by_type(
        type(document)
    ).user_has_permission_for_instance(user, "choose", document):
        return None
    if document_is_public(document):
        return None
    raise Http404


@hooks.register("before_delete_page")  # type: ignore[untyped-decorator]
def keep_agency_sections(request: HttpRequest, page: Page) -> HttpResponse | None:
    """An agency's section root (and with it the whole section) is removed only by a
    platform administrator."""
    from gongkai.site.models import AgencyHomePage, PlatformHomePage

    if is_platform_admin(request.user) or not isinstance(
        page.specific_deferred, AgencyHomePage | PlatformHomePage
    ):
        return None
    return refusal(request, str(_("机构栏目根页面只能由平台管理员删除。")),
                   back_url=reverse("wagtailadmin_explore", args=[page.pk]))
