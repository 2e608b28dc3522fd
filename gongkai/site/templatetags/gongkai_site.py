"""Template tags of the public theme: the agency in view, navigation, breadcrumbs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import template
from django.http import HttpRequest
from wagtail.models import Page, Site

from gongkai.core import page_cache
from gongkai.core.models import Agency
from gongkai.core.visibility import visible_pages

register = template.Library()


def _agency_of(page: Page | None, request: HttpRequest | None) -> Agency | None:
    if page is not None:
        agency = getattr(page.specific_deferred if hasattr(page, "specific_deferred") else page,
                         "agency", None)
        if agency is not None:
            return agency  # type: ignore[no-any-return]
    if request is not None:
        site = Site.find_for_request(request)
        root = site.root_page.specific if site else None
        return getattr(root, "primary_agency", None) or getattr(root, "agency", None)
    return None


@register.simple_tag(takes_context=True)
def current_agency(context: dict[str, Any]) -> Agency | None:
    cached = context.get("_gk_agency")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    agency = _agency_of(context.get("page"), context.get("request"))
    return agency


@register.inclusion_tag("site/includes/main_nav.html", takes_context=True)
def main_nav(context: dict[str, Any], agency: Agency | None) -> dict[str, Any]:
    page = context.get("page")
    current_path = getattr(page, "path", "")
    items = [dict(item) for item in navigation(agency)] if agency is not None else []
    for item in items:
        item_path = item["path"]
        item["current"] = bool(current_path) and (
            current_path == item_path
            or (not item["home"] and current_path.startswith(item_path))
        )
    return {"items": items}


def navigation(agency: Agency) -> list[dict[str, Any]]:
    """The agency's menu (首页, 政务公开, the columns shown in navigation): the same on every
    page of the agency, so cached; publishing, unpublishing, moving or deleting a page
    starts a new cache generation, and an entry never outlives the next expiry among its
    pages (core/page_cache.py)."""
    return page_cache.cached(page_cache.key("nav", agency.pk), lambda: _build_navigation(agency))


def _build_navigation(agency: Agency) -> tuple[list[dict[str, Any]], int]:
    from gongkai.catalog.models import ColumnPage, OpenGovIndexPage

    home = agency.home_page
    if home is None:
        return [], page_cache.TIMEOUT
    entries: list[tuple[str, Page, bool]] = [("首页", home, True)]
    zwgk = visible_pages(OpenGovIndexPage.objects.child_of(home)).first()
    if zwgk is not None:
        entries.append(("政务公开", zwgk, False))
    for column in visible_pages(ColumnPage.objects.child_of(home)).filter(
            show_in_navigation=True).order_by("path"):
        entries.append((column.title, column, False))
    items = [{"title": title, "url": p.url, "path": p.path, "home": is_home}
             for title, p, is_home in entries]
    return items, page_cache.timeout_until(_next_expiry(p for _, p, _ in entries[1:]))


def _next_expiry(pages: Iterable[Page]) -> dt.datetime | None:
    return min((p.expire_at for p in pages if p.expire_at is not None), default=None)


@register.inclusion_tag("site/includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context: dict[str, Any]) -> dict[str, Any]:
    page = context.get("page")
    if not isinstance(page, Page):
        return {"crumbs": []}
    return {"crumbs": _crumbs_above(page.path), "current": page.title}


def _crumbs_above(path: str) -> list[dict[str, str]]:
    """The visible ancestors of the page at *path* (the same for every item of a column),
    cached like the navigation."""
    parent_path = path[: -Page.steplen]
    if not parent_path:
        return []

    def build() -> tuple[list[dict[str, str]], int]:
        steplen = Page.steplen
        ancestor_paths = [parent_path[:end] for end in range(steplen, len(parent_path) + 1,
                                                              steplen)]
        ancestors = list(visible_pages(Page.objects.filter(path__in=ancestor_paths)).filter(
            depth__gt=1).order_by("depth"))
        crumbs = [{"title": "首页" if p.depth == 2 else p.title, "url": p.url}
                  for p in ancestors]
        return crumbs, page_cache.timeout_until(_next_expiry(ancestors))

    return page_cache.cached(page_cache.key("crumbs", parent_path), build)


@register.simple_tag(takes_context=True)
def canonical_url(context: dict[str, Any]) -> str:
    """The page's one address. Reading modes live in a cookie, so the address of the 繁體
    and 拼音 views is the simplified page itself; query strings (filters, paging) are views
    of the same page and are left out."""
    request = context.get("request")
    page = context.get("page")
    if isinstance(page, Page) and request is not None:
        url = page.get_full_url(request)
        if url:
            return url
    return request.build_absolute_uri(request.path) if request is not None else ""


@register.simple_tag
def section_extras(page: Any) -> dict[str, Any] | None:
    """The links a section page gives to the other apps' public pages (site/sections.py),
    or None when it has none (an ordinary column)."""
    from gongkai.catalog.models import OpenGovIndexPage
    from gongkai.site import sections

    if isinstance(page, OpenGovIndexPage):
        agency = page.agency
        extras: dict[str, Any] = {"groups": sections.open_gov_groups(agency) if agency else [],
                                  "campaigns": [], "topic_pages": []}
    else:
        extras = sections.column_extras(page)
    return extras if any(extras.values()) else None


@register.simple_tag
def subscribe_url(kind: str, key: Any) -> str:
    from gongkai.site import sections

    return sections.subscribe_url(kind, "" if key is None else str(key))
