"""Period codes: one compact string per period that sorts chronologically within its kind.

======================  ==============  =====================
kind                    code            label
======================  ==============  =====================
year                    ``2026``        2026年
quarter                 ``2026Q1``      2026年一季度
month                   ``2026M03``     2026年3月
1–N月累计               ``2026M01-M03`` 2026年1—3月
1–N季度累计             ``2026Q1-Q3``   2026年1—3季度
point in time (census)  ``2020-11-01``  2020年11月1日
======================  ==============  =====================

Codes of one kind sort as strings in time order (zero-padded months), so the database can
order and range-filter on the code column directly. :func:`parse_period` also accepts the
forms people type in upload files (``2026-03``, ``2026年3月``, ``2026年1-3月``,
``2026-01/2026-09``, ``2026年一季度``…) and returns the canonical code.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from gongkai.official_stats.enums import PeriodKind

_QUARTER_NAMES = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_LABELS = {1: "一", 2: "二", 3: "三", 4: "四"}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    code: str
    kind: PeriodKind
    start: dt.date
    end: dt.date

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def label(self) -> str:
        y = self.start.year
        if self.kind == PeriodKind.YEAR:
            return f"{y}年"
        if self.kind == PeriodKind.QUARTER:
            return f"{y}年{_QUARTER_LABELS[(self.start.month + 2) // 3]}季度"
        if self.kind == PeriodKind.MONTH:
            return f"{y}年{self.start.month}月"
        if self.kind == PeriodKind.MONTHS_CUMULATIVE:
            return f"{y}年1—{self.end.month}月"
        if self.kind == PeriodKind.QUARTERS_CUMULATIVE:
            return f"{y}年1—{self.end.month // 3}季度"
        return f"{y}年{self.start.month}月{self.start.day}日"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _check_year(year: int) -> int:
    if not 1900 <= year <= 2200:
        raise PeriodError(f"年份超出范围：{year}")
    return year


def _check(value: int, low: int, high: int, what: str) -> int:
    if not low <= value <= high:
        raise PeriodError(f"{what}超出范围：{value}")
    return value


def year(y: int) -> Period:
    _check_year(y)
    return Period(f"{y:04d}", PeriodKind.YEAR, dt.date(y, 1, 1), dt.date(y, 12, 31))


def quarter(y: int, q: int) -> Period:
    _check_year(y)
    _check(q, 1, 4, "季度")
    return Period(f"{y:04d}Q{q}", PeriodKind.QUARTER, dt.date(y, 3 * q - 2, 1),
                  _month_end(y, 3 * q))


def month(y: int, m: int) -> Period:
    _check_year(y)
    _check(m, 1, 12, "月份")
    return Period(f"{y:04d}M{m:02d}", PeriodKind.MONTH, dt.date(y, m, 1), _month_end(y, m))


def months_cumulative(y: int, last: int) -> Period:
    _check_year(y)
    _check(last, 2, 12, "累计截止月份")
    return Period(f"{y:04d}M01-M{last:02d}", PeriodKind.MONTHS_CUMULATIVE, dt.date(y, 1, 1),
                  _month_end(y, last))


def quarters_cumulative(y: int, last: int) -> Period:
    _check_year(y)
    _check(last, 2, 4, "累计截止季度")
    return Period(f"{y:04d}Q1-Q{last}", PeriodKind.QUARTERS_CUMULATIVE, dt.date(y, 1, 1),
                  _month_end(y, 3 * last))


def day(d: dt.date) -> Period:
    _check_year(d.year)
    return Period(d.isoformat(), PeriodKind.DAY, d, d)


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})"), "Y"),
    (re.compile(r"(\d{4})年"), "Y"),
    (re.compile(r"(\d{4})Q([1-4])"), "Q"),
    (re.compile(r"(\d{4})年第?([一二三四1-4])季度"), "Q"),
    (re.compile(r"(\d{4})M(\d{2})"), "M"),
    (re.compile(r"(\d{4})-(\d{1,2})"), "M"),
    (re.compile(r"(\d{4})年(\d{1,2})月"), "M"),
    (re.compile(r"(\d{4})M01-M(\d{2})"), "MC"),
    (re.compile(r"(\d{4})-01/(\d{4})-(\d{2})"), "MC/"),
    (re.compile(r"(\d{4})年1[-—–~至](\d{1,2})月(?:累计)?"), "MC"),
    (re.compile(r"(\d{4})Q1-Q([2-4])"), "QC"),
    (re.compile(r"(\d{4})年(?:第)?[1一][-—–~至]([2-4二三四])季度(?:累计)?"), "QC"),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "D"),
]


def parse_period(text: str) -> Period:
    """The canonical period for ``text``; raises :class:`PeriodError` when it is none."""
    raw = text.strip().replace(" ", "")
    for pattern, shape in _PATTERNS:
        match = pattern.fullmatch(raw)
        if match is None:
            continue
        groups = match.groups()
        y = int(groups[0])
        if shape == "Y":
            return year(y)
        if shape == "Q":
            return quarter(y, _QUARTER_NAMES[groups[1]])
        if shape == "M":
            return month(y, int(groups[1]))
        if shape == "MC":
            last = int(groups[1])
            return months_cumulative(y, last) if last > 1 else month(y, 1)
        if shape == "MC/":
            if int(groups[1]) != y:
                raise PeriodError(f"累计期不能跨年：{text}")
            last = int(groups[2])
            return months_cumulative(y, last) if last > 1 else month(y, 1)
        if shape == "QC":
            return quarters_cumulative(y, _QUARTER_NAMES[groups[1]])
        try:
            return day(dt.date(y, int(groups[1]), int(groups[2])))
        except ValueError as exc:
            raise PeriodError(f"日期无效：{text}") from exc
    raise PeriodError(f"无法识别的时期：{text}")


def period_from_code(code: str) -> Period:
    """Strict: only canonical codes (what the database and the API use)."""
    period = parse_period(code)
    if period.code != code:
        raise PeriodError(f"不是规范的时期代码：{code}（应为 {period.code}）")
    return period
