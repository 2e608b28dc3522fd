"""Tables of the data API and browser: an indicator (or a folder of indicators) as a cube
指标 × 地区 × 时间, read only through the visibility selectors.

A *table* is what PxWebApi calls a table: ``id`` is the indicator's code. A leaf indicator
gives a cube with one indicator; a folder (``is_group``) gives its descendant indicators.
Its regions and periods are the ones that have public data at ``now``; periods are ordered
in time (by end date, then by kind), so ``top(12)`` means the latest twelve.

Every read takes the one ``now`` of its request and goes through
``selectors.visible_observations`` / ``selectors.observations_as_of``; nothing here looks at
a release's status or time itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, Max, OuterRef, QuerySet

from gongkai.official_stats import selectors
from gongkai.official_stats.enums import ObservationStatus, PeriodKind, ReleaseStatus
from gongkai.official_stats.formats import Category, Cell, Cube, Dimension, FlatRow
from gongkai.official_stats.models import Indicator, Region
from gongkai.official_stats.periods import PeriodError, period_from_code
from gongkai.official_stats.selection import Variable

# OBS_STATUS codes (SDMX CL_OBS_STATUS: A normal, P provisional, E estimated). CL_OBS_STATUS
# has no code for a planned revision; "R" is gongkai's own, labelled in every answer.
STATUS_CODES: dict[str, str] = {
    ObservationStatus.FINAL: "A",
    ObservationStatus.PRELIMINARY: "P",
    ObservationStatus.ESTIMATED: "E",
    ObservationStatus.REVISED: "R",
}
STATUS_LABELS: dict[str, str] = {STATUS_CODES[s.value]: str(s.label) for s in ObservationStatus}

DIM_INDICATOR, DIM_REGION, DIM_PERIOD = "indicator", "region", "period"
DEFAULT_PERIODS = "top(12)"
SDMX_AGENCY = "GONGKAI"
META_CACHE_SECONDS = 300
_KIND_ORDER = {kind.value: i for i, kind in enumerate(PeriodKind)}


class TableNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Table:
    id: str
    label: str
    root: Indicator
    indicators: tuple[Indicator, ...]  # the leaves, in tree order

    @property
    def is_group(self) -> bool:
        return self.root.is_group


@dataclass(frozen=True)
class TableShape:
    """The codelists of a table at one moment (what /metadata describes)."""

    table: Table
    regions: tuple[Region, ...]
    periods: tuple[str, ...]  # chronological

    def variables(self) -> list[Variable]:
        return [
            Variable(DIM_INDICATOR, "指标", [i.code for i in self.table.indicators]),
            Variable(DIM_REGION, "地区", [r.code for r in self.regions]),
            Variable(DIM_PERIOD, "时间", list(self.periods), is_time=True,
                     default=DEFAULT_PERIODS),
        ]


@lru_cache(maxsize=4096)
def period_label(code: str) -> str:
    try:
        return period_from_code(code).label
    except PeriodError:
        return code


@lru_cache(maxsize=4096)
def period_sort_key(code: str) -> tuple[dt.date, int, str]:
    try:
        period = period_from_code(code)
    except PeriodError:
        return (dt.date.max, 99, code)
    return (period.end, _KIND_ORDER.get(period.kind, 99), code)


def period_kind(code: str) -> str:
    try:
        return str(period_from_code(code).kind)
    except PeriodError:
        return ""


# --- Per-request memo of the release epoch -----------------------------------------------------

_EPOCH = threading.local()


def release_epoch(now: dt.datetime) -> str:
    """``selectors.release_epoch`` computed once per request: several cache keys of one
    request need it, and every request takes its own ``now`` object (hence ``is``)."""
    memo: tuple[dt.datetime, str] | None = getattr(_EPOCH, "memo", None)
    if memo is not None and memo[0] is now:
        return memo[1]
    epoch = selectors.release_epoch(now)
    _EPOCH.memo = (now, epoch)
    return epoch


def cache_max_age(now: dt.datetime, default: int) -> int:
    """``selectors.cache_max_age``, with the next release looked up once per request."""
    memo: tuple[dt.datetime, int | None] | None = getattr(_EPOCH, "next", None)
    if memo is None or memo[0] is not now:
        memo = (now, selectors.seconds_until_next_release(now))
        _EPOCH.next = memo
    return default if memo[1] is None else min(default, memo[1])


# --- Tables ---------------------------------------------------------------------------------

def _tree() -> tuple[list[Indicator], dict[int | None, list[Indicator]]]:
    indicators = selectors.indicator_tree()
    children: dict[int | None, list[Indicator]] = {}
    for indicator in indicators:
        children.setdefault(indicator.parent_id, []).append(indicator)
    return indicators, children


def _leaves(root: Indicator, children: dict[int | None, list[Indicator]]) -> list[Indicator]:
    if not root.is_group:
        return [root]
    found: list[Indicator] = []
    for child in children.get(root.pk, []):
        found.extend(_leaves(child, children))
    return found


def public_indicator_ids(now: dt.datetime) -> set[int]:
    """Indicators with at least one public observation: one index probe per indicator
    (EXISTS on the (indicator, …, release_at) index) instead of a DISTINCT over every row."""
    public = selectors.visible_observations(now).filter(indicator_id=OuterRef("pk"))
    return set(Indicator.objects.filter(Exists(public)).values_list("pk", flat=True))


def list_tables(now: dt.datetime) -> list[Table]:
    """Every table with public data at ``now``, in tree order (folders before their leaves).
    Cached per release epoch: a release changes the key at its second."""
    key = f"stats:tables:{release_epoch(now)}"
    cached: list[Table] | None = cache.get(key)
    if cached is not None:
        return cached
    public = public_indicator_ids(now)
    indicators, children = _tree()
    tables = []
    for indicator in indicators:
        leaves = [leaf for leaf in _leaves(indicator, children) if leaf.pk in public]
        if leaves:
            tables.append(Table(indicator.code, indicator.name, indicator, tuple(leaves)))
    cache.set(key, tables, cache_max_age(now, META_CACHE_SECONDS) or 1)
    return tables


def get_table(table_id: str, now: dt.datetime) -> Table:
    """One table, cached on its own: unpickling the whole list costs more than a request's
    data query once there are a few hundred indicators."""
    # Hashed: the id comes from the URL and may hold characters a cache key must not.
    digest = hashlib.sha256(table_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    key = f"stats:table:{release_epoch(now)}:{digest}"
    found: Table | None = cache.get(key)
    if found is None:
        found = next((t for t in list_tables(now) if t.id == table_id), None)
        if found is None:
            raise TableNotFound(table_id)
        cache.set(key, found, cache_max_age(now, META_CACHE_SECONDS) or 1)
    return found


def table_shape(table: Table, now: dt.datetime) -> TableShape:
    """Regions and periods with public data at ``now`` (cached per release epoch)."""
    key = f"stats:shape:{table.id}:{release_epoch(now)}"
    cached: tuple[list[int], list[str]] | None = cache.get(key)
    if cached is None:
        rows = selectors.visible_observations(now).filter(
            indicator_id__in=[i.pk for i in table.indicators])
        region_ids = list(rows.values_list("region_id", flat=True).distinct().order_by())
        periods = list(rows.values_list("period", flat=True).distinct().order_by())
        cached = (region_ids, sorted(periods, key=period_sort_key))
        cache.set(key, cached, cache_max_age(now, META_CACHE_SECONDS) or 1)
    region_ids, periods = cached
    wanted = set(region_ids)
    regions = tuple(r for r in selectors.regions() if r.pk in wanted)
    return TableShape(table, regions, tuple(periods))


def last_update(table: Table, now: dt.datetime) -> dt.datetime | None:
    """The time of the latest public release with data of this table."""
    return (selectors.visible_releases(now)
            .filter(observations__indicator__in=table.indicators)
            .order_by("-scheduled_at").values_list("scheduled_at", flat=True).first())


def next_update(table: Table, now: dt.datetime) -> dt.datetime | None:
    """The next release on the calendar that covers this table (announcements are public
    before their data are)."""
    return (selectors.calendar_releases().filter(
        status=ReleaseStatus.SCHEDULED, scheduled_at__gt=now, indicators__in=table.indicators)
        .order_by("scheduled_at").values_list("scheduled_at", flat=True).first())


# --- Cubes ---------------------------------------------------------------------------------

def _dimensions(shape: TableShape, selection: dict[str, list[str]]) -> tuple[Dimension, ...]:
    indicators = {i.code: i for i in shape.table.indicators}
    regions = {r.code: r for r in shape.regions}
    return (
        Dimension(DIM_INDICATOR, "指标", tuple(
            Category(code, indicators[code].name, indicators[code].unit,
                     indicators[code].decimals) for code in selection[DIM_INDICATOR]),
            role="metric"),
        Dimension(DIM_REGION, "地区", tuple(
            Category(code, regions[code].name) for code in selection[DIM_REGION]), role="geo"),
        Dimension(DIM_PERIOD, "时间", tuple(
            Category(code, period_label(code)) for code in selection[DIM_PERIOD]),
            role="time"),
    )


def table_notes(table: Table) -> tuple[str, ...]:
    notes = []
    for indicator in table.indicators:
        for label, text in (("统计口径", indicator.caliber), ("附注", indicator.notes)):
            if text.strip():
                prefix = f"{indicator.name}：" if len(table.indicators) > 1 else ""
                notes.append(f"{prefix}{label}：{text.strip()}")
    return tuple(notes)


_CUBE_FIELDS = ("indicator_id", "region_id", "period", "value", "decimals", "status",
                "footnote", "release_id")


def latest_values(moment: dt.datetime, indicator_ids: Sequence[int], region_ids: Sequence[int],
                  periods: Sequence[str]) -> dict[tuple[int, int, str], tuple[Any, ...]]:
    """Each selected cell's row as published at ``moment`` — the same answer as
    ``selectors.observations_as_of``, read through the same ``visible_observations`` rule,
    but as plain tuples: the query the ORM builds is run on a plain cursor, skipping the
    per-row conversions (``release_at``, the 6-place Decimal) that cost more than the query
    itself for a 1,000-cell answer. The value comes back as a float rounded to its
    published decimals (``formats.Cell.published`` restores the Decimal for text)."""
    rows = selectors.visible_observations(moment).filter(
        indicator_id__in=list(indicator_ids), region_id__in=list(region_ids),
        period__in=list(periods)).order_by("release_at", "id").values_list(*_CUBE_FIELDS)
    sql, params = rows.query.sql_with_params()
    latest: dict[tuple[int, int, str], tuple[Any, ...]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # Ascending release time: a later vintage overwrites an earlier one.
        for row in cursor.fetchall():
            latest[(row[0], row[1], row[2])] = row
    # SQLite hands back a float, PostgreSQL a 6-place Decimal: a float rounded to the
    # published decimals is exact enough for JSON and is formatted back for text formats.
    return {key: (*row[:3], round(float(row[3]), row[4]), *row[4:])
            for key, row in latest.items()}


def build_cube(shape: TableShape, selection: dict[str, list[str]], now: dt.datetime,
               as_of: dt.datetime | None = None) -> Cube:
    """The selected cells as published at ``as_of`` (default: now; never later than now)."""
    moment = now if as_of is None else min(as_of, now)
    indicators = {i.code: i for i in shape.table.indicators}
    regions = {r.code: r for r in shape.regions}
    ind_codes = {indicators[c].pk: c for c in selection[DIM_INDICATOR]}
    reg_codes = {regions[c].pk: c for c in selection[DIM_REGION]}
    found = latest_values(moment, list(ind_codes), list(reg_codes), selection[DIM_PERIOD])
    cells: dict[tuple[str, ...], Cell] = {}
    release_ids = set()
    for ind_id, reg_id, period, value, decimals, status, footnote, release_id in found.values():
        cells[(ind_codes[ind_id], reg_codes[reg_id], period)] = Cell(
            value, STATUS_CODES.get(status, ""), footnote, decimals)
        release_ids.add(release_id)
    updated = (selectors.releases_by_ids(list(release_ids)).aggregate(m=Max("scheduled_at"))["m"]
               if release_ids else None)
    chosen = [indicators[c] for c in selection[DIM_INDICATOR]]
    sources = sorted({i.source for i in chosen if i.source})
    return Cube(
        id=shape.table.id, label=shape.table.label, dimensions=_dimensions(shape, selection),
        cells=cells, source="；".join(sources), updated=updated, notes=table_notes(shape.table),
        status_labels=STATUS_LABELS,
        extension={"asOf": moment.isoformat()} if as_of is not None else {},
    )


@lru_cache(maxsize=16)
def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


# --- Streamed rows (bulk downloads) ------------------------------------------------------------

_STREAM_FIELDS = ("indicator_id", "region_id", "period", "release_at", "id", "value",
                  "decimals", "status", "footnote")


def stream_rows(now: dt.datetime, *, indicator_ids: Sequence[int] | None = None,
                region_ids: Sequence[int] | None = None, periods: Sequence[str] | None = None,
                chunk_size: int = 5000) -> Iterator[FlatRow]:
    """The latest public vintage of every selected cell, one row at a time, in flat memory.

    Rows come from the database ordered like the (indicator, region, period, release_at)
    index through a server-side cursor (``iterator``); for each cell the last row of its
    group — the latest release at or before ``now`` — is the one written. This is the
    streaming twin of ``selectors.observations_as_of``, which holds its answer in memory."""
    rows: QuerySet = selectors.visible_observations(now)  # type: ignore[type-arg]
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=list(indicator_ids))
    if region_ids is not None:
        rows = rows.filter(region_id__in=list(region_ids))
    if periods is not None:
        rows = rows.filter(period__in=list(periods))
    indicators = {i.pk: i for i in Indicator.objects.all()}
    regions = {r.pk: r for r in Region.objects.all()}
    ordered = rows.order_by(*_STREAM_FIELDS[:5]).values_list(*_STREAM_FIELDS)
    for _key, group in itertools.groupby(ordered.iterator(chunk_size=chunk_size),
                                         key=lambda row: row[:3]):
        *_, row = group  # the latest vintage of this cell
        ind, reg = indicators[row[0]], regions[row[1]]
        code = STATUS_CODES.get(row[7], "")
        yield FlatRow(
            indicator_code=ind.code, indicator_name=ind.name, unit=ind.unit,
            region_code=reg.code, region_name=reg.name, period_code=row[2],
            period_label=period_label(row[2]), value=row[5].quantize(_quantum(row[6])),
            status=code, status_label=STATUS_LABELS.get(code, ""), note=row[8],
        )
