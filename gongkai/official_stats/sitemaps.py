"""Release pages in sitemap.xml: published releases only, decided at request time."""

from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from gongkai.official_stats import selectors
from gongkai.official_stats.models import Release


class ReleaseSitemap(Sitemap):  # type: ignore[type-arg]
    limit = 5000

    def items(self) -> QuerySet[Release]:
        return selectors.visible_releases(timezone.now()).order_by("scheduled_at", "id")

    def location(self, item: Release) -> str:
        return reverse("official_stats:release", args=[item.pk])

    def lastmod(self, item: Release) -> dt.datetime:
        return item.scheduled_at
