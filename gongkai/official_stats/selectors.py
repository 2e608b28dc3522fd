"""Reads of 统计数据发布, and the ONE public-visibility rule for its data and texts.

Every public channel (pages, browser, API, downloads, search, feeds, sitemap, caches)
goes through these functions with ``now`` taken once per request:

* a release's *announcement* (title, time, indicators, postponements, cancellation) is
  public once the release is on the calendar (SCHEDULED or CANCELLED);
* its *data and texts* are public iff the release is SCHEDULED and ``scheduled_at <= now``
  (:func:`visible_releases`, :func:`visible_observations`, :func:`visible_texts`).

For observations the rule is the single indexed comparison ``release_at <= now`` (see the
models module for why ``release_at`` is on the row).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, QuerySet

from gongkai.official_stats.enums import ReleaseStatus
from gongkai.official_stats.models import (
    Indicator,
    Observation,
    Region,
    Release,
    ReleaseText,
)

CALENDAR_STATUSES = (ReleaseStatus.SCHEDULED, ReleaseStatus.CANCELLED)


# --- The visibility rule --------------------------------------------------------------------

def release_visibility(now: dt.datetime, prefix: str = "") -> Q:
    """Q for "the release's data are public at ``now``"; ``prefix`` like ``"release__"``."""
    return Q(**{f"{prefix}status": ReleaseStatus.SCHEDULED, f"{prefix}scheduled_at__lte": now})


def is_release_public(release: Release, now: dt.datetime) -> bool:
    return release.status == ReleaseStatus.SCHEDULED and release.scheduled_at <= now


def visible_releases(now: dt.datetime) -> QuerySet[Release]:
    """Releases whose data and texts are public at ``now``."""
    return Release.objects.filter(release_visibility(now))


def calendar_releases() -> QuerySet[Release]:
    """Releases announced on the 数据发布日程表 (their data may still be under embargo)."""
    return Release.objects.filter(status__in=CALENDAR_STATUSES)


def visible_observations(now: dt.datetime) -> QuerySet[Observation]:
    """Every public observation row at ``now``, all vintages."""
    return Observation.objects.filter(release_at__isnull=False, release_at__lte=now)


def visible_texts(now: dt.datetime) -> QuerySet[ReleaseText]:
    return ReleaseText.objects.filter(release_visibility(now, "release__"))


# --- Vintages -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    indicator_id: int
    region_id: int
    period: str
    value: Decimal
    decimals: int
    status: str
    footnote: str
    release_id: int
    release_at: dt.datetime

    @property
    def display(self) -> str:
        return f"{self.value:.{self.decimals}f}"


_CELL_FIELDS = ("indicator_id", "region_id", "period", "value", "decimals", "status",
                "footnote", "release_id", "release_at")


def observations_as_of(
    moment: dt.datetime,
    *,
    indicator_ids: Iterable[int] | None = None,
    region_ids: Iterable[int] | None = None,
    periods: Iterable[str] | None = None,
    period_kind: str | None = None,
) -> dict[tuple[int, int, str], Cell]:
    """The data "as published at ``moment``": for each (indicator, region, period) the row
    of the latest release at or before ``moment``. For the public, pass ``now``; never pass
    a moment later than ``now`` on a public channel."""
    rows = visible_observations(moment)
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=list(indicator_ids))
    if region_ids is not None:
        rows = rows.filter(region_id__in=list(region_ids))
    if periods is not None:
        rows = rows.filter(period__in=list(periods))
    if period_kind is not None:
        rows = rows.filter(period_kind=period_kind)
    out: dict[tuple[int, int, str], Cell] = {}
    # Ascending release_at: later vintages overwrite earlier ones in the dict.
    for values in rows.order_by("release_at", "id").values_list(*_CELL_FIELDS):
        cell = Cell(*values)
        out[(cell.indicator_id, cell.region_id, cell.period)] = cell
    return out


def observation_history(now: dt.datetime, indicator_id: int, region_id: int,
                        period: str) -> list[Cell]:
    """Every published vintage of one cell, oldest first."""
    rows = visible_observations(now).filter(indicator_id=indicator_id, region_id=region_id,
                                            period=period)
    return [Cell(*v) for v in rows.order_by("release_at", "id").values_list(*_CELL_FIELDS)]


def release_cells(release: Release) -> list[Cell]:
    """A release's own rows (staff review, or the public once ``is_release_public``)."""
    rows = Observation.objects.filter(release=release).order_by(
        "indicator__sort_order", "indicator__code", "region__sort_order", "region__code",
        "period")
    return [Cell(i, r, p, v, d, s, f, rel, release.scheduled_at)
            for i, r, p, v, d, s, f, rel in rows.values_list(*_CELL_FIELDS[:8])]


# --- Caching ------------------------------------------------------------------------------

def next_release_at(now: dt.datetime) -> dt.datetime | None:
    """The next moment at which public data change (the next scheduled release after now)."""
    return (Release.objects.filter(status=ReleaseStatus.SCHEDULED, scheduled_at__gt=now)
            .order_by("scheduled_at").values_list("scheduled_at", flat=True).first())


def seconds_until_next_release(now: dt.datetime) -> int | None:
    nxt = next_release_at(now)
    if nxt is None:
        return None
    return max(0, math.floor((nxt - now).total_seconds()))


def cache_max_age(now: dt.datetime, default: int) -> int:
    """Cache-Control max-age for a public response: never past the next release."""
    remaining = seconds_until_next_release(now)
    return default if remaining is None else min(default, remaining)


def release_epoch(now: dt.datetime) -> str:
    """A cache-key part that changes whenever public data change: the time of the latest
    release that is public at ``now`` (data of a public release are frozen; a revision
    is a new release)."""
    latest = visible_releases(now).aggregate(m=Max("scheduled_at"))["m"]
    return "0" if latest is None else str(int(latest.timestamp()))


# --- Codelists ----------------------------------------------------------------------------

def indicator_tree() -> list[Indicator]:
    return list(Indicator.objects.order_by("sort_order", "code"))


def regions() -> list[Region]:
    return list(Region.objects.order_by("sort_order", "code"))


def indicators_with_public_data(now: dt.datetime) -> QuerySet[Indicator]:
    ids = visible_observations(now).values("indicator_id").distinct()
    return Indicator.objects.filter(pk__in=ids)


def public_periods(now: dt.datetime, indicator_id: int) -> list[str]:
    return list(visible_observations(now).filter(indicator_id=indicator_id)
                .values_list("period", flat=True).distinct().order_by("period"))


def releases_by_ids(ids: Sequence[int]) -> QuerySet[Release]:
    return Release.objects.filter(pk__in=list(ids))
