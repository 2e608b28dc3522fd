"""信息处理费 (《条例》第四十二条): pure fee computation under 《政府信息公开信息处理费管理办法》
(国办函〔2020〕109号).

* 第三条 — charged 按件 or 按量, both by 超额累进 (marginal bands, like income tax); one
  standard per application, never both (``quote`` refuses to mix them).
* 第四条 按件 — per applicant per natural month, by the ordinal of the application in that
  month: 1–10 free; 11–30 100元/件; from 31, each further band of 10 costs 100元/件 more
  (31–40 200元, 41–50 300元, …) [INFERRED reading of “以10件为一档，每增加一档，收费标准提高
  100元/件”; confirm against a local implementation notice].
* 第五条 按量 — per application, by pages: 1–30 free; 31–100 10元/页; 101–200 20元/页;
  from 201 40元/页.

Amounts are ``Decimal`` yuan; ``to_wan_yuan`` gives the 万元 figure the annual report prints.
Source of the figures: /work/shared/reference/ogi-regulation.md §4 (copied, not read at run
time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from gongkai.info_requests.enums import FeeMethod

ZERO = Decimal("0")

FREE_APPLICATIONS_PER_MONTH = 10
FIRST_PAID_BAND_END = 30          # 11–30 at 100元/件
APPLICATION_BAND_SIZE = 10        # then bands of 10 …
APPLICATION_BAND_STEP = Decimal("100")  # … each 100元/件 dearer

# (first page, last page or None, 元 per page)
PAGE_BANDS: tuple[tuple[int, int | None, Decimal], ...] = (
    (1, 30, Decimal("0")),
    (31, 100, Decimal("10")),
    (101, 200, Decimal("20")),
    (201, None, Decimal("40")),
)


@dataclass(frozen=True)
class Band:
    """One line of the breakdown a 收费通知书 prints: units ``first``–``last`` at ``rate``."""

    first: int
    last: int
    rate: Decimal
    units: int
    amount: Decimal


@dataclass(frozen=True)
class FeeQuote:
    method: FeeMethod
    amount: Decimal
    bands: tuple[Band, ...]


def _check_count(value: int, what: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an integer")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum}")


def application_rate(ordinal: int) -> Decimal:
    """元/件 for the ``ordinal``-th application of one applicant in one natural month."""
    _check_count(ordinal, "ordinal", 1)
    if ordinal <= FREE_APPLICATIONS_PER_MONTH:
        return ZERO
    if ordinal <= FIRST_PAID_BAND_END:
        return APPLICATION_BAND_STEP
    band = (ordinal - FIRST_PAID_BAND_END - 1) // APPLICATION_BAND_SIZE  # 31–40 → 0
    return APPLICATION_BAND_STEP * (2 + band)


def per_application(ordinal: int, count: int = 1) -> FeeQuote:
    """按件: the fee for ``count`` applications (split “一事一申请”, 第四条) that are the
    ``ordinal``-th, (ordinal+1)-th, … of the applicant in the month."""
    _check_count(ordinal, "ordinal", 1)
    _check_count(count, "count", 1)
    bands: list[Band] = []
    for n in range(ordinal, ordinal + count):
        rate = application_rate(n)
        if bands and bands[-1].rate == rate:
            last = bands[-1]
            bands[-1] = Band(last.first, n, rate, last.units + 1, last.amount + rate)
        else:
            bands.append(Band(n, n, rate, 1, rate))
    return FeeQuote(FeeMethod.PER_APPLICATION, sum((b.amount for b in bands), ZERO), tuple(bands))


def month_total(applications: int) -> Decimal:
    """按件: what one applicant's ``applications`` in one natural month cost in total."""
    _check_count(applications, "applications", 0)
    return per_application(1, applications).amount if applications else ZERO


def per_volume(pages: int) -> FeeQuote:
    """按量: the fee for one application of ``pages`` pages (marginal bands)."""
    _check_count(pages, "pages", 0)
    bands: list[Band] = []
    for first, last, rate in PAGE_BANDS:
        if pages < first:
            break
        top = pages if last is None else min(pages, last)
        units = top - first + 1
        bands.append(Band(first, top, rate, units, rate * units))
    return FeeQuote(FeeMethod.PER_VOLUME, sum((b.amount for b in bands), ZERO), tuple(bands))


def quote(method: FeeMethod, *, ordinal: int | None = None, count: int = 1,
          pages: int | None = None) -> FeeQuote:
    """The fee of one application by the chosen standard. Giving the other standard's
    quantity too is an error: 第三条 forbids charging both."""
    if method == FeeMethod.PER_APPLICATION:
        if pages is not None:
            raise ValueError("按件计收 takes no page count: the two standards are never combined")
        if ordinal is None:
            raise ValueError("按件计收 needs the ordinal of the application in the month")
        return per_application(ordinal, count)
    if method == FeeMethod.PER_VOLUME:
        if ordinal is not None:
            raise ValueError("按量计收 takes no ordinal: the two standards are never combined")
        if pages is None:
            raise ValueError("按量计收 needs the number of pages")
        return per_volume(pages)
    raise ValueError(f"unknown fee method: {method!r}")


def to_wan_yuan(amount: Decimal, places: int = 4) -> Decimal:
    """Yuan → 万元 for the annual report (e.g. 3940 → 0.3940), rounded half up."""
    return (amount / Decimal(10000)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def total_wan_yuan(amounts: Sequence[Decimal], places: int = 4) -> Decimal:
    """The year's fees in 万元: summed in yuan first, rounded once."""
    return to_wan_yuan(sum(amounts, ZERO), places)
