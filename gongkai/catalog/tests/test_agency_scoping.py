"""Staff of one agency never see or change another agency's unpublished work in the admin.

Every staff URL that takes a page, a document or an image of 鞍山 — or that lists such
things — is requested by 海城's editor and 海城's administrator. A route either refuses
(403, 404, or Wagtail's redirect to the dashboard or the login page), or answers
without any of 鞍山's unpublished titles in it. Adding a route is one line in ROUTES.

The rows marked ``owner_sees`` are also requested by 鞍山's own administrator, who must
see the same secret there: it shows the check is looking at a page that would list it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.search.backends import get_search_backend

from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency
from gongkai.core.services import agency_collection
from gongkai.testing import column, make_agency, make_item, make_platform, make_user

DRAFT = "鞍山草稿甲（未公开）"
IN_REVIEW = "鞍山审核中乙（未公开）"
PUBLISHED = "鞍山已发布丙"
PENDING_EDIT = "鞍山丙修改稿（未公开）"
DOCUMENT = "鞍山内部附件丁"
IMAGE = "鞍山内部图片戊"
SECRETS = (DRAFT, IN_REVIEW, PENDING_EDIT, DOCUMENT, IMAGE)

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    anshan: Any
    haicheng: Any
    column: Any
    draft: Any
    published: Any
    in_review: Any
    document: Any
    image: Any
    users: dict[str, Any]

    @property
    def task_state_id(self) -> int:
        return int(self.in_review.current_workflow_task_state.pk)


def shared_agency(slug: str, name: str, short_name: str) -> Agency:
    """The session's shared agency (see gongkai/conftest.py), or a new one if it was flushed."""
    make_platform()
    found = Agency.objects.filter(slug=slug).select_related("home_page").first()
    return found or make_agency(slug, name, short_name=short_name)


def build_world() -> World:
    anshan = shared_agency("anshan", "鞍山市统计局", "鞍山市局")
    haicheng = shared_agency("haicheng", "海城市统计局", "海城市局")
    users = {
        "anshan_editor": make_user("as_editor", agency=anshan, role=StaffRole.EDITOR),
        "anshan_admin": make_user("as_admin", agency=anshan, role=StaffRole.ADMIN),
        "anshan_reviewer": make_user("as_reviewer", agency=anshan, role=StaffRole.REVIEWER),
        "haicheng_editor": make_user("hc_editor", agency=haicheng, role=StaffRole.EDITOR),
        "haicheng_admin": make_user("hc_admin", agency=haicheng, role=StaffRole.ADMIN),
    }
    zcwj = column(anshan)
    # Formed long ago, so the draft is overdue and appears on 鞍山's timeliness report.
    draft = make_item(zcwj, publish=False, title=DRAFT, formed_on=dt.date(2024, 1, 2))
    published = make_item(zcwj, title=PUBLISHED)
    published.title = PENDING_EDIT
    published.save_revision(user=users["anshan_editor"])
    published.refresh_from_db()  # the live title again; the draft title is on the revision
    in_review = make_item(zcwj, publish=False, title=IN_REVIEW)
    in_review.get_workflow().start(in_review, users["anshan_editor"])
    in_review.refresh_from_db()
    # The test settings turn automatic indexing off; the search routes need these indexed.
    for page in (draft, published, in_review):
        get_search_backend().add(page)
    collection = agency_collection(anshan)
    document = get_document_model().objects.create(
        title=DOCUMENT, collection=collection,
        file=ContentFile(MINIMAL_PDF, name="neibu.pdf"),
    )
    image = get_image_model().objects.create(
        title=IMAGE, collection=collection, file=get_test_image_file("neibu.png"),
    )
    return World(anshan, haicheng, zcwj, draft, published, in_review, document, image, users)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One set of pages, users and files for the whole module, rolled back at its end.

    Every test below runs inside the savepoint pytest-django opens for it, so what a
    test changes (nothing, if scoping holds) does not reach the next one.
    """
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    media.enable()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)
    finally:
        media.disable()


Url = Callable[[World], str]


@dataclass(frozen=True)
class Route:
    name: str
    url: Url
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    # Must the other agency be refused outright (not just shown a list without 鞍山's)?
    refused: bool = True
    # Does someone of 鞍山 see a secret on this route (a control for `refused=False`)?
    owner_sees: str = ""
    owner: str = "anshan_admin"


# Search backends split words differently; a whole title word matches on all of them.
SEARCH = "?q=鞍山草稿甲"


def page_url(name: str, page: str, *extra: Any) -> Url:
    return lambda w: reverse(f"wagtailadmin_pages:{name}", args=[getattr(w, page).pk, *extra])


def revision_url(name: str) -> Url:
    return lambda w: reverse(f"wagtailadmin_pages:{name}",
                             args=[w.draft.pk, w.draft.latest_revision_id])


def workflow_url(name: str, *extra: str) -> Url:
    return lambda w: reverse(f"wagtailadmin_pages:{name}",
                             args=[w.in_review.pk, *extra, w.task_state_id])


def plain(name: str, query: str = "", *args: Any) -> Url:
    return lambda w: reverse(name, args=args) + query


def bulk(action: str) -> Url:
    return lambda w: (reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
                      + f"?id={w.draft.pk}&id={w.published.pk}")


ROUTES = [
    # Page views
    Route("edit draft", page_url("edit", "draft")),
    Route("edit published", page_url("edit", "published")),
    Route("edit: publish POST", page_url("edit", "published"), "post",
          lambda w: {"action-publish": "1", "title": "海城改写"}),
    Route("view draft", page_url("view_draft", "draft")),
    Route("preview on edit", page_url("preview_on_edit", "draft")),
    Route("history", page_url("history", "draft")),
    Route("history results", page_url("history_results", "draft")),
    Route("revisions index", page_url("revisions_index", "draft")),
    Route("revision view", revision_url("revisions_view")),
    Route("revision revert", revision_url("revisions_revert")),
    Route("revisions compare", lambda w: reverse(
        "wagtailadmin_pages:revisions_compare", args=[w.published.pk, "live", "latest"])),
    Route("workflow history", page_url("workflow_history", "in_review")),
    Route("usage", page_url("usage", "draft")),
    Route("delete", page_url("delete", "draft")),
    Route("delete POST", page_url("delete", "draft"), "post", lambda w: {}),
    Route("copy", page_url("copy", "draft")),
    Route("move", page_url("move", "draft")),
    Route("unpublish", page_url("unpublish", "published")),
    Route("unpublish POST", page_url("unpublish", "published"), "post", lambda w: {}),
    Route("lock POST", page_url("lock", "published"), "post", lambda w: {}),
    Route("set privacy", page_url("set_privacy", "published")),
    Route("add subpage", page_url("add_subpage", "column")),
    Route("create item", lambda w: reverse(
        "wagtailadmin_pages:add", args=["catalog", "disclosureitempage", w.column.pk])),
    Route("editing session ping", lambda w: reverse(
        "wagtailadmin_editing_sessions:ping",
        args=["catalog", "disclosureitempage", w.draft.pk, 1]), "post", lambda w: {}),
    # Workflow
    Route("workflow approve POST", workflow_url("workflow_action", "approve"), "post",
          lambda w: {"confirm": "on"}),
    Route("workflow collect data", workflow_url("collect_workflow_action_data", "approve")),
    Route("workflow preview", lambda w: reverse(
        "wagtailadmin_pages:workflow_preview",
        args=[w.in_review.pk, w.in_review.current_workflow_task.pk])),
    Route("workflow cancel", page_url("confirm_workflow_cancellation", "in_review")),
    # Bulk actions list the titles of the pages they are given
    Route("bulk delete", bulk("delete")),
    Route("bulk publish", bulk("publish")),
    Route("bulk unpublish", bulk("unpublish")),
    Route("bulk move", bulk("move")),
    Route("bulk delete of a search", lambda w: reverse(
        "wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
        + f"?id=all&childOf={w.haicheng.home_page.get_parent().pk}&q=鞍山草稿甲"),
    # Listings: allowed, but without 鞍山's unpublished work
    Route("explore column", lambda w: reverse("wagtailadmin_explore", args=[w.column.pk]),
          refused=False, owner_sees=DRAFT),
    Route("explore results", lambda w: reverse(
        "wagtailadmin_explore_results", args=[w.column.pk]), refused=False, owner_sees=DRAFT),
    Route("explore root", plain("wagtailadmin_explore_root"), refused=False),
    Route("page search", plain("wagtailadmin_pages:search", SEARCH), refused=False,
          owner_sees=DRAFT),
    Route("page search results", plain("wagtailadmin_pages:search_results", SEARCH),
          refused=False, owner_sees=DRAFT),
    Route("explorer search all", lambda w: reverse(
        "wagtailadmin_explore", args=[w.haicheng.home_page.pk]) + SEARCH + "&search_all=1",
        refused=False),
    Route("pages of a type", plain("wagtailadmin_pages:type_use", "", "catalog",
                                   "disclosureitempage"), refused=False, owner_sees=DRAFT),
    Route("choose parent", plain("wagtailadmin_pages:choose_parent", "", "catalog",
                                 "disclosureitempage"), refused=False),
    Route("dashboard", plain("wagtailadmin_home"), refused=False, owner_sees=IN_REVIEW,
          owner="anshan_reviewer"),
    # Page chooser
    Route("chooser browse column", lambda w: reverse(
        "wagtailadmin_choose_page_child", args=[w.column.pk]), refused=False,
        owner_sees=DRAFT),
    Route("chooser browse a draft", lambda w: reverse(
        "wagtailadmin_choose_page_child", args=[w.draft.pk])),
    Route("chooser browse an edited item", lambda w: reverse(
        "wagtailadmin_choose_page_child", args=[w.published.pk])),
    Route("chooser search", plain("wagtailadmin_choose_page_search", SEARCH),
          refused=False, owner_sees=DRAFT),
    Route("chooser search an edited item", plain("wagtailadmin_choose_page_search",
                                                 "?q=鞍山已发布丙"), refused=False),
    Route("chooser chosen", lambda w: reverse("wagtailadmin_choose_page_chosen_multiple")
          + f"?id={w.draft.pk}"),
    # Admin API
    Route("api page detail", lambda w: reverse(
        "wagtailadmin_api:pages:detail", args=[w.draft.pk])),
    Route("api page listing", lambda w: reverse("wagtailadmin_api:pages:listing")
          + f"?child_of={w.column.pk}&for_explorer=1", refused=False),
    Route("api page publish", lambda w: reverse(
        "wagtailadmin_api:pages:action", args=[w.draft.pk, "publish"]), "post",
        lambda w: {}),
    Route("api documents", plain("wagtailadmin_api:documents:listing"), refused=False,
          owner_sees=DOCUMENT),
    Route("api document detail", lambda w: reverse(
        "wagtailadmin_api:documents:detail", args=[w.document.pk])),
    Route("api images", plain("wagtailadmin_api:images:listing"), refused=False,
          owner_sees=IMAGE),
    # Reports
    Route("locked pages", plain("wagtailadmin_reports:locked_pages"), refused=False),
    Route("site history", plain("wagtailadmin_reports:site_history"), refused=False,
          owner_sees=DRAFT),
    Route("site history results", plain("wagtailadmin_reports:site_history_results"),
          refused=False, owner_sees=DRAFT),
    Route("aging pages", plain("wagtailadmin_reports:aging_pages"), refused=False),
    Route("page types usage", plain("wagtailadmin_reports:page_types_usage")),
    Route("page types usage results", plain("wagtailadmin_reports:page_types_usage_results")),
    Route("workflow report", plain("wagtailadmin_reports:workflow"), refused=False,
          owner_sees=IN_REVIEW),
    Route("workflow tasks report", plain("wagtailadmin_reports:workflow_tasks"),
          refused=False, owner_sees=IN_REVIEW),
    Route("timeliness report", plain("catalog_timeliness_report"), refused=False,
          owner_sees=DRAFT),
    Route("timeliness report for 鞍山", lambda w: reverse("catalog_timeliness_report")
          + f"?agency={w.anshan.pk}"),
    # Documents and images of 鞍山's collection
    Route("documents", plain("wagtaildocs:index"), refused=False, owner_sees=DOCUMENT),
    Route("document edit", lambda w: reverse("wagtaildocs:edit", args=[w.document.pk])),
    Route("document edit POST", lambda w: reverse("wagtaildocs:edit", args=[w.document.pk]),
          "post", lambda w: {"title": "海城改写"}),
    Route("document delete", lambda w: reverse("wagtaildocs:delete", args=[w.document.pk])),
    Route("document usage", lambda w: reverse(
        "wagtaildocs:document_usage", args=[w.document.pk])),
    Route("document chooser", plain("wagtaildocs_chooser:choose"), refused=False,
          owner_sees=DOCUMENT),
    Route("images", plain("wagtailimages:index"), refused=False, owner_sees=IMAGE),
    Route("image edit", lambda w: reverse("wagtailimages:edit", args=[w.image.pk])),
    Route("image delete", lambda w: reverse("wagtailimages:delete", args=[w.image.pk])),
    Route("image chooser", plain("wagtailimages_chooser:choose"), refused=False,
          owner_sees=IMAGE),
    # 主题分类 is the platform's, not an agency's
    Route("theme snippets", plain("wagtailsnippets_catalog_themecategory:list")),
    Route("theme snippet add", plain("wagtailsnippets_catalog_themecategory:add")),
]
OUTSIDERS = ["haicheng_editor", "haicheng_admin"]


def request(client: Client, route: Route, world: World) -> Any:
    """The route's answer, following redirects that are not refusals (as a browser would)."""
    url = route.url(world)
    if route.method == "post":
        response = client.post(url, route.data(world) if route.data else {})
    else:
        response = client.get(url)
    for _hop in range(3):
        if response.status_code != 302 or is_refusal(response):
            break
        response = client.get(response["Location"])
    return response


def is_refusal(response: Any) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    if response.status_code == 302:
        target = response["Location"]
        return target in (reverse("wagtailadmin_home"), "/admin/") or target.startswith(
            reverse("wagtailadmin_login"))
    return False


def body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return str(response.content.decode("utf-8", "replace"))


def contains(response: Any, text: str) -> bool:
    # JSON answers (modals) may escape non-ASCII characters as \uXXXX.
    content = body(response)
    return text in content or text.encode("unicode_escape").decode() in content


def leaked(response: Any) -> list[str]:
    return [secret for secret in SECRETS if contains(response, secret)]


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_another_agency_cannot_reach_anshan_work(world, client, who, route):
    client.force_login(world.users[who])
    response = request(client, route, world)
    if route.refused:
        assert is_refusal(response), (route.name, response.status_code, response.get("Location"))
    else:
        # 400: the admin API's answer to a parent page the user cannot see.
        assert response.status_code in (200, 302, 400, 403, 404), response.status_code
    assert leaked(response) == []
    # A refusal must not have changed anything either.
    world.draft.refresh_from_db()
    world.published.refresh_from_db()
    assert world.draft.title == DRAFT and not world.draft.live
    assert world.published.live
    world.document.refresh_from_db()
    assert world.document.title == DOCUMENT


CONTROLS = [r for r in ROUTES if r.owner_sees]


@pytest.mark.django_db
@pytest.mark.parametrize("route", CONTROLS, ids=[r.name for r in CONTROLS])
def test_the_owning_agency_sees_what_the_other_does_not(world, client, route):
    client.force_login(world.users[route.owner])
    response = request(client, route, world)
    assert response.status_code == 200
    assert route.owner_sees in leaked(response)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["draft", "published", "in_review"])
def test_an_anshan_editor_can_open_the_edit_view(world, client, page):
    client.force_login(world.users["anshan_editor"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[getattr(world, page).pk]))
    assert response.status_code == 200
    assert getattr(world, page).draft_title in body(response)


@pytest.mark.django_db
def test_the_page_chooser_offers_other_agencies_published_pages(world, client):
    client.force_login(world.users["haicheng_editor"])
    response = client.get(reverse("wagtailadmin_choose_page_child", args=[world.column.pk]))
    assert response.status_code == 200
    # The column and the published item may be linked; nothing unpublished is shown, and
    # the item being edited is left out rather than shown with its draft title.
    assert contains(response, world.column.title)
    assert leaked(response) == []


@pytest.mark.django_db
def test_a_platform_admin_sees_every_agency(world, client):
    root = make_user("platform_root", superuser=True)
    client.force_login(root)
    for url in (reverse("wagtailadmin_reports:page_types_usage"),
                reverse("catalog_timeliness_report") + f"?agency={world.anshan.pk}",
                reverse("wagtailadmin_choose_page_child", args=[world.draft.pk])):
        assert client.get(url).status_code == 200, url
    assert DRAFT in body(client.get(reverse("catalog_timeliness_report")))


@pytest.mark.django_db
def test_only_platform_admins_maintain_the_theme_categories(world, client):
    from django.contrib.auth.models import Permission

    # Even a group that was (wrongly) given the model permissions does not open the editor.
    editor = world.users["haicheng_admin"]
    editor.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="catalog", codename__endswith="themecategory"))
    client.force_login(editor)
    url = reverse("wagtailsnippets_catalog_themecategory:list")
    assert is_refusal(client.get(url))
    assert is_refusal(client.get(reverse("wagtailsnippets_catalog_themecategory:add")))
    # Choosing a theme for an item stays open to every editor.
    client.force_login(world.users["haicheng_editor"])
    chooser = client.get(reverse("wagtailsnippetchoosers_catalog_themecategory:choose"))
    assert chooser.status_code == 200
    assert contains(chooser, "统计")
    client.force_login(make_user("theme_root", superuser=True))
    response = client.get(url)
    assert response.status_code == 200
    assert "统计" in body(response)
