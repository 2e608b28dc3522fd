"""RSS of published releases: only what ``selectors.visible_releases`` allows at request time."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from gongkai.official_stats import selectors
from gongkai.official_stats.models import Release

FEED_SIZE = 30


class ReleaseFeed(Feed):  # type: ignore[type-arg]
    title = "统计数据发布"
    description = "已发布的统计数据、统计公报和数据解读"

    def link(self) -> str:
        return reverse("official_stats:calendar")

    def items(self) -> QuerySet[Release]:
        return (selectors.visible_releases(timezone.now()).prefetch_related("texts")
                .order_by("-scheduled_at", "-id")[:FEED_SIZE])

    def item_title(self, item: Release) -> str:
        return item.title

    def item_description(self, item: Release) -> str:
        texts = [t.title for t in item.texts.all()]
        return "；".join([item.description, *texts]).strip("；")

    def item_link(self, item: Release) -> str:
        return reverse("official_stats:release", args=[item.pk])

    def item_pubdate(self, item: Release) -> dt.datetime:
        return item.scheduled_at
