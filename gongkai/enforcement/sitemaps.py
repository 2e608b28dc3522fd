"""sitemap.xml entries of 统计执法公开: published decisions (through the one visibility rule)
and draw pages (public by design)."""

from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from gongkai.enforcement.models import Draw, PenaltyDecision
from gongkai.enforcement.selectors import public_decisions


class PenaltySitemap(Sitemap):  # type: ignore[type-arg]
    limit = 5000

    def items(self) -> QuerySet[PenaltyDecision]:
        return public_decisions().order_by("id")

    def location(self, item: PenaltyDecision) -> str:
        return reverse("enforcement:penalty", args=[item.agency.slug, item.pk])

    def lastmod(self, item: PenaltyDecision) -> dt.datetime | None:
        return item.published_at


class DrawSitemap(Sitemap):  # type: ignore[type-arg]
    limit = 5000

    def items(self) -> QuerySet[Draw]:
        return Draw.objects.select_related("agency").order_by("id")

    def location(self, item: Draw) -> str:
        return reverse("enforcement:draw", args=[item.agency.slug, item.sequence])

    def lastmod(self, item: Draw) -> dt.datetime:
        return item.drawn_at
