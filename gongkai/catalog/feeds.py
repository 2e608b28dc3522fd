"""RSS and Atom feeds per agency and per column, through the public-visibility rule."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from wagtail.models import Page

from gongkai.catalog.models import DisclosureItemPage
from gongkai.catalog.selectors import public_items
from gongkai.core.models import Agency
from gongkai.core.visibility import visible_pages

FEED_SIZE = 30


class _ItemFeedMixin:
    def item_title(self, item: DisclosureItemPage) -> str:
        return item.title

    def item_description(self, item: DisclosureItemPage) -> str:
        parts = [item.summary or ""]
        if item.index_number:
            parts.append(f"索引号：{item.index_number}")
        return "\n".join(p for p in parts if p)

    def item_link(self, item: DisclosureItemPage) -> str:
        return item.get_url() or "/"

    def item_pubdate(self, item: DisclosureItemPage) -> dt.datetime | None:
        return item.first_published_at

    def item_updateddate(self, item: DisclosureItemPage) -> dt.datetime | None:
        return item.last_published_at

    def item_guid(self, item: DisclosureItemPage) -> str:
        return item.index_number or f"page-{item.pk}"

    item_guid_is_permalink = False


class AgencyRssFeed(_ItemFeedMixin, Feed):  # type: ignore[type-arg]
    def get_object(self, request: HttpRequest, agency_slug: str) -> Agency:  # type: ignore[override]
        return get_object_or_404(Agency, slug=agency_slug, home_page__live=True)

    def title(self, obj: Agency) -> str:
        return f"{obj.name} · 政府信息公开"

    def link(self, obj: Agency) -> str:
        return obj.home_page.get_url() if obj.home_page else "/"

    def description(self, obj: Agency) -> str:
        return f"{obj.name}最新主动公开的政府信息"

    def items(self, obj: Agency) -> QuerySet[DisclosureItemPage]:
        return public_items(agency=obj)[:FEED_SIZE]


class AgencyAtomFeed(AgencyRssFeed):
    feed_type = Atom1Feed
    subtitle = AgencyRssFeed.description


class ColumnRssFeed(_ItemFeedMixin, Feed):  # type: ignore[type-arg]
    def get_object(self, request: HttpRequest, page_id: int) -> Page:  # type: ignore[override]
        from gongkai.catalog.models import ColumnPage

        return get_object_or_404(visible_pages(ColumnPage.objects.all()), pk=page_id)

    def title(self, obj: Page) -> str:
        agency = getattr(obj, "agency", None)
        return f"{agency.short_name if agency else ''} · {obj.title}"

    def link(self, obj: Page) -> str:
        return obj.get_url() or "/"

    def description(self, obj: Page) -> str:
        return f"“{obj.title}”栏目最新信息"

    def items(self, obj: Page) -> QuerySet[DisclosureItemPage]:
        return (
            visible_pages(DisclosureItemPage.objects.descendant_of(obj))
            .select_related("index_number_record")
            .order_by("-first_published_at")[:FEED_SIZE]
        )


class ColumnAtomFeed(ColumnRssFeed):
    feed_type = Atom1Feed
    subtitle = ColumnRssFeed.description
