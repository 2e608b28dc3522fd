"""Telling the 统计数据发布日程 subscribers about releases that have become public.

A release becomes public by time alone (official_stats: SCHEDULED and ``scheduled_at <= now``),
so no event fires that could write the outbox row. ``queue_released`` is the periodic step
instead: it runs at the start of every ``gongkai subscriptions send-digests`` and queues each
release that is public at *now* and not queued yet.

The marker is the outbox row itself: ``DigestItem`` is unique on (kind, key, source), and a
release's source is ``release:<id>``. A release already queued is skipped, and two
overlapping runs that both pick it cannot queue it twice (the second insert is ignored), so
each release reaches each subscriber at most once — the digest run's per-subscriber cursor
does the rest. Each release is queued twice, for the agency's calendar (key = its slug) and
the platform-wide one (key ""); the digest shows it once per subscriber.

Only releases that became public within ``LOOKBACK`` are considered: the first run after
installing (or after a long outage) must not mail years of old releases as news. Outbox rows
are never pruned; if a pruning job is ever added it must keep rows younger than LOOKBACK.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from gongkai.engagement.enums import SubscriptionKind
from gongkai.engagement.models import DigestItem
from gongkai.engagement.services import DigestEntry, notify_subscribers

LOOKBACK = dt.timedelta(days=7)


def source_of(release_pk: int) -> str:
    return f"release:{release_pk}"


def lookback() -> dt.timedelta:
    days = getattr(settings, "GONGKAI_RELEASE_NOTIFY_LOOKBACK_DAYS", None)
    return dt.timedelta(days=days) if days is not None else LOOKBACK


def queue_released(now: dt.datetime) -> int:
    """Queue every release public at ``now`` (within the lookback) that is not queued yet.
    Returns how many releases were queued by this call."""
    from gongkai.official_stats.selectors import visible_releases

    candidates = list(visible_releases(now).filter(scheduled_at__gt=now - lookback())
                      .select_related("agency").order_by("scheduled_at", "pk"))
    if not candidates:
        return 0
    done = set(DigestItem.objects.filter(
        kind=SubscriptionKind.RELEASE_CALENDAR,
        source__in=[source_of(r.pk) for r in candidates]).values_list("source", flat=True))
    queued = 0
    for release in candidates:
        source = source_of(release.pk)
        if source in done:
            continue
        entry = DigestEntry(source=source, title=f"{release.agency.short_name}：{release.title}",
                            url=reverse("official_stats:release", args=[release.pk]),
                            published_at=release.scheduled_at)
        with transaction.atomic():
            new = sum(notify_subscribers(SubscriptionKind.RELEASE_CALENDAR, key, [entry])
                      for key in (release.agency.slug, ""))
        queued += 1 if new else 0
    return queued
