"""Releases in the site search (docs/search.md): one document per release page with its
title and texts, indexed ahead of time with ``visible_from`` = the release time, so the
search filter (core.visibility.search_document_visibility) hides it until that second;
``visible_ids`` re-checks the release rule at query time (defence in depth)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.urls import reverse

from gongkai.core.search.registry import IndexEntry, register_source
from gongkai.official_stats import selectors
from gongkai.official_stats.enums import ReleaseStatus
from gongkai.official_stats.models import Release
from gongkai.official_stats.rendering import plain_text

SOURCE = "stat_release"


class ReleaseSource:
    name = SOURCE

    def entries(self, object_ids: Sequence[int]) -> dict[int, IndexEntry]:
        out: dict[int, IndexEntry] = {}
        releases = (Release.objects.filter(pk__in=list(object_ids),
                                           status=ReleaseStatus.SCHEDULED)
                    .prefetch_related("texts"))
        for release in releases:
            texts = list(release.texts.all())
            out[release.pk] = IndexEntry(
                url=reverse("official_stats:release", args=[release.pk]),
                title=release.title,
                published_at=release.scheduled_at,
                content_type=SOURCE, content_type_label="统计数据发布",
                summary=release.description or (texts[0].summary if texts else ""),
                body="\n".join(f"{t.title}\n{plain_text(t)}" for t in texts),
                agency_id=release.agency_id,
                visible_from=release.scheduled_at,
                year=release.scheduled_at.year,
            )
        return out

    def all_ids(self) -> Iterable[int]:
        return list(Release.objects.filter(status=ReleaseStatus.SCHEDULED)
                    .order_by("scheduled_at", "id").values_list("id", flat=True))

    def visible_ids(self, object_ids: Sequence[int], now: dt.datetime) -> set[int]:
        return set(selectors.visible_releases(now).filter(pk__in=list(object_ids))
                   .values_list("id", flat=True))


def connect() -> None:
    register_source(ReleaseSource())
