"""Small data sets for the data API and browser tests, written straight to the models.

Rows keep the models' invariant that the release services maintain: ``release_at`` is the
release's scheduled time while it is SCHEDULED, else NULL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from gongkai.core.models import Agency
from gongkai.official_stats.enums import Frequency, ObservationStatus, ReleaseStatus
from gongkai.official_stats.models import Indicator, Observation, Region, Release
from gongkai.official_stats.periods import period_from_code

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The embargoed release of these tests: 2026-04-15 09:30 Beijing time.
RELEASE_AT = dt.datetime(2026, 4, 15, 9, 30, tzinfo=SHANGHAI)
BEFORE = RELEASE_AT - dt.timedelta(seconds=1)
AFTER = RELEASE_AT + dt.timedelta(seconds=1)


@dataclass
class Fixture:
    group: Indicator
    retail: Indicator
    cpi: Indicator
    secret: Indicator  # only in the embargoed release
    city: Region
    haicheng: Region
    zone: Region
    past: Release
    embargoed: Release


def make_release(agency: Agency, title: str, at: dt.datetime,
                 rows: Iterable[tuple[Indicator, Region, str, str | Decimal, str]],
                 status: str = ReleaseStatus.SCHEDULED) -> Release:
    rows = list(rows)
    release = Release.objects.create(agency=agency, title=title, scheduled_at=at, status=status)
    visible_at = at if status == ReleaseStatus.SCHEDULED else None
    Observation.objects.bulk_create(
        Observation(release=release, indicator=ind, region=reg, period=period,
                    period_kind=period_from_code(period).kind, value=Decimal(value),
                    decimals=ind.decimals, status=obs_status, release_at=visible_at)
        for ind, reg, period, value, obs_status in rows)
    release.indicators.set({row[0] for row in rows})
    return release


def months(year: int, first: int, last: int) -> list[str]:
    return [f"{year}M{m:02d}" for m in range(first, last + 1)]


def make_fixture(agency: Agency) -> Fixture:
    group = Indicator.objects.create(code="B01", name="消费", is_group=True, sort_order=1)
    retail = Indicator.objects.create(code="B01.RETAIL", name="社会消费品零售总额", parent=group,
                                      unit="亿元", decimals=1, frequency=Frequency.MONTHLY,
                                      caliber="限额以上单位", source="鞍山市统计局", sort_order=1)
    cpi = Indicator.objects.create(code="B01.CPI", name="居民消费价格指数", parent=group,
                                   unit="上年同月=100", decimals=1, sort_order=2)
    secret = Indicator.objects.create(code="C09.SECRET", name="规模以上工业增加值", unit="%",
                                      decimals=1, sort_order=3)
    city = Region.objects.create(code="210300", name="鞍山市", sort_order=1)
    haicheng = Region.objects.create(code="210381", name="海城市", parent=city, sort_order=2)
    zone = Region.objects.create(code="210300-GX", name="高新区", parent=city,
                                 is_administrative=False, sort_order=3)
    final = ObservationStatus.FINAL
    past_rows: list[tuple[Indicator, Region, str, str | Decimal, str]] = []
    for i, period in enumerate(months(2025, 1, 12) + months(2026, 1, 2)):
        past_rows.append((retail, city, period, f"{50 + i}.{i % 10}", final))
        past_rows.append((retail, haicheng, period, f"{10 + i}.0", final))
        past_rows.append((cpi, city, period, "100.4", final))
    past_rows.append((retail, zone, "2026M02", "3.3", ObservationStatus.PRELIMINARY))
    past = make_release(agency, "2026年1—2月主要统计数据", dt.datetime(2026, 3, 15, 9, 30,
                                                              tzinfo=SHANGHAI), past_rows)
    embargoed = make_release(agency, "2026年3月主要统计数据", RELEASE_AT, [
        (retail, city, "2026M03", "77.7", ObservationStatus.PRELIMINARY),
        (retail, haicheng, "2026M03", "66.6", ObservationStatus.PRELIMINARY),
        # A revision of a published value: visible only from the release time.
        (retail, city, "2026M02", "88.8", ObservationStatus.REVISED),
        (secret, city, "2026M03", "5.5", ObservationStatus.PRELIMINARY),
    ])
    return Fixture(group, retail, cpi, secret, city, haicheng, zone, past, embargoed)
