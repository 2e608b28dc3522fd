"""信息处理费 under 国办函〔2020〕109号: every band boundary, both standards, never both."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.info_requests.enums import FeeMethod
from gongkai.info_requests.fees import (
    application_rate,
    month_total,
    per_application,
    per_volume,
    quote,
    to_wan_yuan,
    total_wan_yuan,
)


@pytest.mark.parametrize(
    ("ordinal", "rate"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300),
     (51, 400), (60, 400), (61, 500), (101, 900)],
)
def test_the_nth_application_of_the_month_costs_its_bands_rate(ordinal, rate):
    assert application_rate(ordinal) == Decimal(rate)


@pytest.mark.parametrize(
    ("applications", "total"),
    [(0, 0), (1, 0), (10, 0), (11, 100), (30, 2000), (31, 2200), (40, 4000), (41, 4300),
     (50, 7000), (51, 7400)],
)
def test_a_months_applications_are_charged_marginally(applications, total):
    assert month_total(applications) == Decimal(total)


def test_a_split_application_is_quoted_band_by_band():
    # “一事一申请”: 5 items that are the 28th…32nd applications of the month.
    result = per_application(28, 5)
    assert result.amount == Decimal(3 * 100 + 2 * 200)
    assert [(b.first, b.last, b.rate, b.units) for b in result.bands] == [
        (28, 30, Decimal(100), 3), (31, 32, Decimal(200), 2)]


@pytest.mark.parametrize(
    ("pages", "fee"),
    [(0, 0), (1, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740),
     (250, 4700), (300, 6700)],
)
def test_pages_are_charged_marginally(pages, fee):
    assert per_volume(pages).amount == Decimal(fee)


def test_the_page_breakdown_lists_each_band():
    assert [(b.first, b.last, b.units, b.amount) for b in per_volume(250).bands] == [
        (1, 30, 30, Decimal(0)), (31, 100, 70, Decimal(700)), (101, 200, 100, Decimal(2000)),
        (201, 250, 50, Decimal(2000))]


def test_one_standard_per_application_never_both():
    assert quote(FeeMethod.PER_VOLUME, pages=31).amount == Decimal(10)
    assert quote(FeeMethod.PER_APPLICATION, ordinal=11).amount == Decimal(100)
    with pytest.raises(ValueError, match="never combined"):
        quote(FeeMethod.PER_VOLUME, pages=31, ordinal=11)
    with pytest.raises(ValueError, match="never combined"):
        quote(FeeMethod.PER_APPLICATION, pages=31, ordinal=11)
    with pytest.raises(ValueError, match="needs"):
        quote(FeeMethod.PER_VOLUME)


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_counts_must_be_whole_and_not_negative(bad):
    with pytest.raises((ValueError, TypeError)):
        per_volume(bad)
    with pytest.raises((ValueError, TypeError)):
        application_rate(0 if bad == -1 else bad)


def test_the_annual_report_gets_wan_yuan():
    assert to_wan_yuan(Decimal(3940)) == Decimal("0.3940")   # 淮安市人民政府 2024: 3,940 元
    assert to_wan_yuan(Decimal("12345.67"), places=2) == Decimal("1.23")
    assert total_wan_yuan([Decimal(100), Decimal(4700), Decimal(50)]) == Decimal("0.4850")
    assert total_wan_yuan([]) == Decimal("0.0000")
