"""What the public pages cache (core/page_cache.py) follows every change at once.

Each test renders a page first (filling the caches), changes something the way staff do,
and renders again *without* clearing the cache: the second page must show the change.
A last group checks the routing shortcut (site/routing.py) against Wagtail's walk.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from gongkai.catalog.models import ColumnPage
from gongkai.core import page_cache
from gongkai.core.visibility import restricted_paths, visible_pages
from gongkai.testing import column, make_item

pytestmark = pytest.mark.django_db


def _html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _catalog(agency: Any) -> str:
    return f"/{agency.slug}/zwgk/xxgkml/"


def _nav(html: str) -> str:
    return html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]


def _publish_nav_column(agency: Any, title: str, slug: str) -> ColumnPage:
    home = agency.home_page
    page = ColumnPage(title=title, slug=slug, show_in_navigation=True)
    home.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


# --- view restrictions -----------------------------------------------------------------------


def test_it_hides_a_section_from_lists_as_soon_as_it_is_restricted(
    client: Client, anshan: Any
) -> None:
    item = make_item(column(anshan), title="即将受限的信息")
    assert "即将受限的信息" in _html(client, _catalog(anshan))
    restriction = PageViewRestriction.objects.create(page=column(anshan), restriction_type="login")
    assert "即将受限的信息" not in _html(client, _catalog(anshan))
    assert "即将受限的信息" not in _html(client, column(anshan).get_parent().url)
    restriction.delete()
    assert "即将受限的信息" in _html(client, _catalog(anshan))
    assert item.pk in visible_pages(Page.objects.all()).values_list("pk", flat=True)


def test_it_follows_a_restricted_page_when_it_moves(anshan: Any) -> None:
    item = make_item(column(anshan), title="移动的受限信息")
    PageViewRestriction.objects.create(page=item, restriction_type="login")
    assert item.path in restricted_paths()
    target = column(anshan, "tjxx")
    item.move(target, pos="last-child")
    item.refresh_from_db()
    assert restricted_paths() == (item.path,)
    assert not visible_pages(Page.objects.filter(pk=item.pk)).exists()


def test_it_keeps_only_the_outermost_restricted_sections(anshan: Any) -> None:
    outer = column(anshan)
    inner = make_item(outer)
    PageViewRestriction.objects.create(page=inner, restriction_type="login")
    PageViewRestriction.objects.create(page=outer, restriction_type="login")
    assert restricted_paths() == (outer.path,)


def test_a_restriction_in_an_ancestor_still_guards_the_page_itself(
    client: Client, anshan: Any
) -> None:
    item = make_item(column(anshan))
    assert client.get(item.url).status_code == 200
    PageViewRestriction.objects.create(page=column(anshan), restriction_type="login")
    assert client.get(item.url).status_code == 302  # Wagtail's login redirect


# --- navigation and breadcrumbs ----------------------------------------------------------------


def test_it_shows_a_published_column_in_the_navigation_at_once(client: Client, anshan: Any) -> None:
    assert "新栏目甲" not in _nav(_html(client, f"/{anshan.slug}/"))
    _publish_nav_column(anshan, "新栏目甲", "xlma")
    assert "新栏目甲" in _nav(_html(client, f"/{anshan.slug}/"))


def test_it_drops_an_unpublished_column_from_the_navigation_at_once(
    client: Client, anshan: Any
) -> None:
    page = _publish_nav_column(anshan, "新栏目乙", "xlmb")
    assert "新栏目乙" in _nav(_html(client, f"/{anshan.slug}/"))
    page.unpublish()
    assert "新栏目乙" not in _nav(_html(client, f"/{anshan.slug}/"))


def test_it_drops_a_deleted_column_from_the_navigation_at_once(client: Client, anshan: Any) -> None:
    page = _publish_nav_column(anshan, "新栏目丙", "xlmc")
    assert "新栏目丙" in _nav(_html(client, f"/{anshan.slug}/"))
    page.delete()
    assert "新栏目丙" not in _nav(_html(client, f"/{anshan.slug}/"))


def test_it_renames_a_column_in_the_navigation_when_the_new_title_is_published(
    client: Client, anshan: Any
) -> None:
    page = _publish_nav_column(anshan, "旧的栏目名", "xlmd")
    assert "旧的栏目名" in _nav(_html(client, f"/{anshan.slug}/"))
    page.title = "新的栏目名"
    page.save_revision().publish()
    nav = _nav(_html(client, f"/{anshan.slug}/"))
    assert "新的栏目名" in nav and "旧的栏目名" not in nav


def test_a_navigation_entry_does_not_outlive_its_column_s_expiry(
    client: Client, anshan: Any
) -> None:
    page = _publish_nav_column(anshan, "限时栏目", "xlme")
    page.expire_at = timezone.now() + dt.timedelta(seconds=30)
    page.save_revision().publish()
    assert "限时栏目" in _nav(_html(client, f"/{anshan.slug}/"))
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        assert "限时栏目" not in _nav(_html(client, f"/{anshan.slug}/"))


def test_it_marks_the_current_section_per_request(client: Client, anshan: Any) -> None:
    page = _publish_nav_column(anshan, "当前栏目", "xlmf")
    home_nav = _nav(_html(client, f"/{anshan.slug}/"))
    column_nav = _nav(_html(client, page.url))
    assert f'href="{page.url}" aria-current="page"' not in home_nav
    assert f'href="{page.url}" aria-current="page"' in column_nav


def test_breadcrumbs_follow_a_renamed_column(client: Client, anshan: Any) -> None:
    zcwj = column(anshan)
    item = make_item(zcwj)
    assert zcwj.title in _html(client, item.url)
    zcwj.title = "改名后的政策文件"
    zcwj.save_revision().publish()
    assert "改名后的政策文件" in _html(client, item.url)


# --- catalog years and counts ------------------------------------------------------------------


def test_the_catalog_offers_a_new_year_as_soon_as_an_item_of_that_year_is_published(
    client: Client, anshan: Any
) -> None:
    with time_machine.travel(dt.datetime(2021, 6, 1, 12, tzinfo=dt.UTC)):
        make_item(column(anshan), formed_on=dt.date(2021, 3, 1))
    assert 'value="2021"' in _html(client, _catalog(anshan))
    assert 'value="2019"' not in _html(client, _catalog(anshan))
    with time_machine.travel(dt.datetime(2019, 6, 1, 12, tzinfo=dt.UTC)):
        old = make_item(column(anshan), formed_on=dt.date(2019, 3, 1))
    assert 'value="2019"' in _html(client, _catalog(anshan))
    old.unpublish()
    assert 'value="2019"' not in _html(client, _catalog(anshan))


def test_the_catalog_count_follows_publishing_and_unpublishing(client: Client, anshan: Any) -> None:
    make_item(column(anshan))
    first = _html(client, _catalog(anshan))
    item = make_item(column(anshan))
    second = _html(client, _catalog(anshan))
    assert _count(second) == _count(first) + 1
    item.unpublish()
    assert _count(_html(client, _catalog(anshan))) == _count(first)


def test_the_catalog_count_does_not_outlive_an_item_s_expiry(client: Client, anshan: Any) -> None:
    make_item(column(anshan))
    make_item(column(anshan), expire_at=timezone.now() + dt.timedelta(seconds=20))
    before = _count(_html(client, _catalog(anshan)))
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=21)):
        assert _count(_html(client, _catalog(anshan))) == before - 1


def _count(html: str) -> int:
    """The number of items the catalog says it has ("共 N 条")."""
    found = re.search(r"共\s*(\d+)\s*条", html)
    assert found is not None, "the catalog shows its item count"
    return int(found.group(1))


def test_a_new_generation_starts_when_the_cache_lost_the_old_one() -> None:
    first = page_cache.generation()
    page_cache.bump()
    assert page_cache.generation() != first
    assert page_cache.key("x") != f"gongkai:pages:{first}:x"


# --- routing ------------------------------------------------------------------------------------


def test_routing_by_address_finds_the_same_page_as_wagtail_s_walk(rf: Any, anshan: Any) -> None:
    item = make_item(column(anshan))
    root = anshan.home_page.get_parent().specific
    components = [c for c in item.url_path[len(root.url_path) :].split("/") if c]
    request = rf.get(item.url)
    fast = root.route(request, components)
    walked = Page.route(root, request, components)
    assert fast.page.pk == walked.page.pk == item.pk
    assert type(fast.page) is type(walked.page)


def test_routing_answers_404_for_a_draft_and_an_unknown_address(
    client: Client, anshan: Any
) -> None:
    draft = make_item(column(anshan), publish=False)
    assert client.get(f"{column(anshan).url}{draft.slug}/").status_code == 404
    assert client.get(f"{column(anshan).url}no-such-page/").status_code == 404


def test_an_item_page_routes_in_a_constant_number_of_queries(client: Client, anshan: Any) -> None:
    item = make_item(column(anshan))  # five segments below the site root
    client.get(item.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(item.url).status_code == 200
    walk = [q for q in queries.captured_queries if '"slug" =' in q["sql"]]
    assert walk == [], "no per-segment slug lookups"


# --- the site of the request ----------------------------------------------------------------


def test_the_cached_site_root_follows_a_published_change(client: Client, platform: Any) -> None:
    assert "改名后的平台" not in _html(client, "/")
    platform.title = "改名后的平台"
    platform.save_revision().publish()
    assert "改名后的平台" in _html(client, "/")


def test_a_site_without_a_match_is_404_and_a_new_site_is_found_at_once(
    client: Client, platform: Any
) -> None:
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    assert client.get("/", HTTP_HOST="testserver").status_code == 200
    site.is_default_site = False
    site.hostname = "elsewhere.example"
    site.save()
    assert client.get("/", HTTP_HOST="testserver").status_code == 404
    site.is_default_site = True
    site.hostname = "testserver"
    site.save()
    assert client.get("/", HTTP_HOST="testserver").status_code == 200
