"""Public pages: the 数据发布日程表 and the release pages (thin: selectors decide).

One ``now`` per request. Rendered pages are cached server-side under keys that change
whenever what the page shows can change (the release's own row, and whether its time has
passed), and HTTP caches get a max-age that never reaches past the next release
(``selectors.cache_max_age``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control

from gongkai.core.models import Agency
from gongkai.official_stats import selectors
from gongkai.official_stats.enums import ObservationStatus, ReleaseChangeKind, ReleaseStatus
from gongkai.official_stats.models import Indicator, Region, Release
from gongkai.official_stats.periods import PeriodError, parse_period
from gongkai.official_stats.rendering import render_text

PAGE_MAX_AGE = 300


def _cached_html(request: HttpRequest, key: str, now: dt.datetime,
                 build: Callable[[], str]) -> HttpResponse:
    max_age = selectors.cache_max_age(now, PAGE_MAX_AGE)
    # The page differs by reading mode (cookies) and names its own path in links.
    variant = (f"{int(bool(getattr(request, 'elder_mode', False)))}:"
               f"{getattr(request, 'script_mode', '')}:{request.get_full_path()}")
    key = f"{key}:{hashlib.sha256(variant.encode()).hexdigest()[:24]}"
    html = cache.get(key)
    if html is None:
        html = build()
        if max_age > 0:
            cache.set(key, html, max_age)
    response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _state(release: Release, now: dt.datetime) -> str:
    if release.status == ReleaseStatus.CANCELLED:
        return "cancelled"
    return "published" if selectors.is_release_public(release, now) else "upcoming"


def calendar(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    this_year = timezone.localtime(now).year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if not 1949 <= year <= 2999:  # the date lookup fails outside the datetime range
        year = this_year
    agency_slug = request.GET.get("agency", "")
    releases = selectors.calendar_releases().filter(
        scheduled_at__year=year).select_related("agency").order_by("scheduled_at", "id")
    agency = None
    if agency_slug:
        agency = get_object_or_404(Agency, slug=agency_slug)
        releases = releases.filter(agency=agency)
    stamp = releases.aggregate(m=Max("updated_at"), n=Count("id"))
    key = (f"stats:calendar:{year}:{agency_slug}:{stamp['n']}:"
           f"{stamp['m'].timestamp() if stamp['m'] else 0}:{selectors.release_epoch(now)}")

    def build() -> str:
        rows = []
        for release in releases.prefetch_related("changes", "indicators"):
            changes = [c for c in release.changes.all()
                       if c.kind != ReleaseChangeKind.ANNOUNCED]
            rows.append({"release": release, "state": _state(release, now),
                         "changes": changes, "indicators": list(release.indicators.all())})
        years = sorted({d.year for d in selectors.calendar_releases().dates("scheduled_at",
                                                                            "year")}
                       | {this_year})
        return render_to_string("official_stats/calendar.html", {
            "rows": rows, "year": year, "years": years, "filter_agency": agency,
            "agencies": Agency.objects.filter(stat_releases__status__in=selectors
                                              .CALENDAR_STATUSES).distinct(),
        }, request=request)

    return _cached_html(request, key, now, build)


def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    release = get_object_or_404(selectors.calendar_releases().select_related("agency"), pk=pk)
    public = selectors.is_release_public(release, now)
    key = f"stats:release:{pk}:{release.updated_at.timestamp()}:{int(public)}"

    def build() -> str:
        context: dict[str, object] = {
            "release": release, "state": _state(release, now), "agency": release.agency,
            "_gk_agency": release.agency,
            "changes": list(release.changes.exclude(kind=ReleaseChangeKind.ANNOUNCED)),
            "indicators": list(release.indicators.all()),
        }
        if public:
            # Only here, after the one visibility check, are data and texts read.
            texts = list(selectors.visible_texts(now).filter(release=release))
            context["texts"] = [(t, render_text(t)) for t in texts]
            context["table"] = _release_table(release)
            if release.revises_id is not None:
                context["revises"] = release.revises
        return render_to_string("official_stats/release.html", context, request=request)

    return _cached_html(request, key, now, build)


def _release_table(release: Release) -> list[dict[str, object]]:
    cells = selectors.release_cells(release)
    indicators = {i.pk: i for i in Indicator.objects.filter(
        pk__in={c.indicator_id for c in cells})}
    regions = {r.pk: r for r in Region.objects.filter(pk__in={c.region_id for c in cells})}
    rows = []
    for cell in cells:
        try:
            label = parse_period(cell.period).label
        except PeriodError:
            label = cell.period
        rows.append({"cell": cell, "indicator": indicators[cell.indicator_id],
                     "region": regions[cell.region_id], "period": label,
                     "status_label": ObservationStatus(cell.status).label})
    return rows
