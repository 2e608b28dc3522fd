"""sitemap.xml of every publicly visible page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from wagtail.models import Page

from gongkai.core.visibility import visible_pages


class PageSitemap(Sitemap):  # type: ignore[type-arg]
    limit = 5000

    def items(self) -> QuerySet[Page]:
        return visible_pages(Page.objects.filter(depth__gt=1)).order_by("path")

    def location(self, item: Page) -> str:
        return item.get_url() or "/"

    def lastmod(self, item: Page) -> dt.datetime | None:
        return item.last_published_at

    def get_urls(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        return super().get_urls(*args, **kwargs)  # type: ignore[no-any-return]
