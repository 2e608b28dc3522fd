"""Template tags of the public theme: the agency in view, navigation, breadcrumbs."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from wagtail.models import Page, Site

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
    from gongkai.catalog.models import ColumnPage, OpenGovIndexPage

    page = context.get("page")
    items: list[dict[str, Any]] = []
    if agency is not None and agency.home_page is not None:
        home = agency.home_page
        items.append({"title": "首页", "url": home.url, "page": home})
        zwgk = visible_pages(OpenGovIndexPage.objects.child_of(home)).first()
        if zwgk is not None:
            items.append({"title": "政务公开", "url": zwgk.url, "page": zwgk})
        for column in visible_pages(ColumnPage.objects.child_of(home)).filter(
                show_in_navigation=True).order_by("path"):
            items.append({"title": column.title, "url": column.url, "page": column})
    current_path = getattr(page, "path", "")
    for item in items:
        item_path = item["page"].path
        item["current"] = bool(current_path) and (
            current_path == item_path
            or (item["title"] != "首页" and current_path.startswith(item_path))
        )
    return {"items": items}


@register.inclusion_tag("site/includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context: dict[str, Any]) -> dict[str, Any]:
    page = context.get("page")
    if page is None:
        return {"crumbs": []}
    ancestors = visible_pages(Page.objects.ancestor_of(page, inclusive=False)).filter(
        depth__gt=1).order_by("depth")
    crumbs = [{"title": "首页" if p.depth == 2 else p.title, "url": p.url} for p in ancestors]
    return {"crumbs": crumbs, "current": page.title}


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
