"""The demo of 统计数据发布 (gongkai/demo/official_stats.py), loaded on its own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from gongkai.core.models import Agency
from gongkai.demo.official_stats import LIVE_TITLE_SUFFIX, SHANGHAI, ensure_official_stats
from gongkai.official_stats import selectors
from gongkai.official_stats.enums import ReleaseChangeKind, ReleaseStatus
from gongkai.official_stats.models import Indicator, Observation, Region, Release

NOW = dt.datetime(2026, 12, 3, 22, 7, 31, tzinfo=SHANGHAI)


@pytest.fixture
def loaded(anshan: Agency, haicheng: Agency) -> int:
    with time_machine.travel(NOW, tick=False):
        return ensure_official_stats({"anshan": anshan, "haicheng": haicheng}, None, now=NOW)


def test_a_second_load_creates_nothing(loaded: int, anshan: Agency, haicheng: Agency) -> None:
    counts = (Release.objects.count(), Observation.objects.count(), Indicator.objects.count())
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        again = ensure_official_stats({"anshan": anshan, "haicheng": haicheng}, None,
                                      now=NOW + dt.timedelta(minutes=1))
    assert again == 0
    assert counts == (Release.objects.count(), Observation.objects.count(),
                      Indicator.objects.count())


def check_one_release_lifts_its_embargo_a_few_minutes_after_the_load() -> None:
    live = Release.objects.get(title__endswith=LIVE_TITLE_SUFFIX)
    # now + 5 min, rounded up to the minute
    assert live.scheduled_at == dt.datetime(2026, 12, 3, 22, 13, tzinfo=SHANGHAI)
    assert live.reviewed_at is not None
    assert Observation.objects.filter(release=live).count() > 20
    assert not selectors.visible_observations(NOW).filter(release=live).exists()
    assert selectors.visible_observations(live.scheduled_at).filter(release=live).exists()
    assert selectors.seconds_until_next_release(NOW) == 329


def check_the_calendar_of_the_year_has_past_postponed_and_cancelled_releases() -> None:
    this_year = Release.objects.filter(scheduled_at__year=2026)
    assert this_year.filter(scheduled_at__lte=NOW, status=ReleaseStatus.SCHEDULED).count() >= 10
    assert this_year.filter(status=ReleaseStatus.CANCELLED).count() == 1
    postponed = this_year.get(changes__kind=ReleaseChangeKind.POSTPONED)
    assert "1—6月" in postponed.title
    assert all("示例数据" in r.title for r in this_year.exclude(title__contains="政府工作报告"))


def check_real_figures_keep_sources_estimates_and_the_gdp_vintage() -> None:
    city = Region.objects.get(code="210300")
    assert not Region.objects.get(code="210300-GX").is_administrative
    growth = Indicator.objects.get(name="地区生产总值增长率")
    history = selectors.observation_history(NOW, growth.pk, city.pk, "2022")
    assert [(c.value, c.status) for c in history] == [(Decimal("2"), "estimated"),
                                                      (Decimal("0.3"), "revised")]
    census = Observation.objects.get(indicator__name="常住人口(第七次全国人口普查)",
                                     region=city, period="2020-11-01")
    assert census.value == Decimal("3325372")
    assert "tjj.anshan.gov.cn" in census.footnote
    share = Observation.objects.get(indicator__name="常住人口占全市比重(第七次全国人口普查)",
                                    region__code="210321")
    assert f"{share.value:.{share.decimals}f}" == "9.05"  # published, never recomputed
    bounded = Observation.objects.filter(footnote__startswith="公布值：").first()
    assert bounded is not None and bounded.status == "estimated"


def check_sample_series_cover_the_city_counties_and_zones() -> None:
    for code in ("S01.IND", "S02.RETAIL", "S03.FAI", "S05.INCOME"):
        regions = set(Observation.objects.filter(indicator__code=code)
                      .values_list("region__code", flat=True))
        assert {"210300", "210381", "210321", "210323", "210300-GX", "210300-KF"} <= regions
    assert Observation.objects.filter(indicator__code="S04.CPI", period="2026M10").exists()
    assert all("示例数据" in i.name for i in Indicator.objects.filter(code__startswith="S0"))


def check_every_interpretation_cites_data_that_resolve() -> None:
    from gongkai.official_stats.models import ReleaseText
    from gongkai.official_stats.rendering import render_text

    texts = list(ReleaseText.objects.filter(kind="interpretation")[:3])
    assert texts
    for text in texts:
        assert "数据缺失" not in render_text(text)



def test_the_demo_has_a_live_release_a_calendar_real_figures_and_sample_series(
        loaded: int) -> None:
    check_one_release_lifts_its_embargo_a_few_minutes_after_the_load()
    check_the_calendar_of_the_year_has_past_postponed_and_cancelled_releases()
    check_real_figures_keep_sources_estimates_and_the_gdp_vintage()
    check_sample_series_cover_the_city_counties_and_zones()
    check_every_interpretation_cites_data_that_resolve()
