"""Codelists and releases for the core tests (calendar, loading, embargo), built through
the services where the services are what is tested."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from gongkai.official_stats.enums import Frequency
from gongkai.official_stats.models import Indicator, Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 4, 10, 9, 0, tzinfo=SHANGHAI)
AT = dt.datetime(2026, 4, 15, 9, 30, tzinfo=SHANGHAI)


@dataclass
class Codes:
    group: Indicator
    retail: Indicator
    ind: Indicator
    city: Region
    haicheng: Region
    zone: Region


def make_codes() -> Codes:
    group = Indicator.objects.create(code="T01", name="主要指标", is_group=True)
    retail = Indicator.objects.create(code="T01.RETAIL", name="社会消费品零售总额", parent=group,
                                      unit="亿元", decimals=1, frequency=Frequency.MONTHLY)
    ind = Indicator.objects.create(code="T01.IND", name="规模以上工业增加值增速", parent=group,
                                   unit="%", decimals=1,
                                   frequency=Frequency.MONTHLY_CUMULATIVE)
    city = Region.objects.create(code="210300", name="鞍山市", sort_order=1)
    haicheng = Region.objects.create(code="210381", name="海城市", parent=city, sort_order=2)
    zone = Region.objects.create(code="210300-GX", name="高新区", parent=city,
                                 is_administrative=False, sort_order=3)
    return Codes(group, retail, ind, city, haicheng, zone)


def csv_bytes(*lines: str, header: str = "指标代码,地区代码,时期,数值,状态,注释") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()
