"""Demo content of 统计数据发布 (issue 5 §4), called at the end of ``loader.load``.

* Codelists: the regions of 鞍山市 with their 行政区划代码 (GB/T 2260, 2103xx) and the
  functional zones 高新区 and 经济开发区 (non-administrative, own codes), plus the composite
  units the sources publish (铁东区(含风景区), 市区).
* Real figures: every numeric row of gongkai/demo/data/anshan-figures.csv (copied from
  /work/shared/anshan-data; sources and grades in its README), one release per source
  document at the document's date. Estimates keep the published text in the footnote
  (">2000" is loaded as 2000 with “公布值：>2000”) and carry status 预计; the 2022 GDP
  growth estimate (2 %, 2023-01-07) and the later figure (0.3 %) are one cell with two
  vintages.
* 示例数据 (clearly labelled, invented): monthly/cumulative series of 规模以上工业增加值,
  社会消费品零售总额, 固定资产投资, CPI and 居民人均可支配收入 for the city and its counties,
  released on a calendar for the current year at 10:00 on the 18th of the following month,
  with one postponement and one cancellation, and ONE release a few minutes after the
  load (now + 5 min, rounded up to the minute) so a visitor can watch the embargo lift.

Idempotent: codelists by code, releases by (agency, title); a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from gongkai.core.models import Agency
from gongkai.demo import figures as fg
from gongkai.official_stats import services
from gongkai.official_stats.enums import Frequency, LoadChannel, TextKind
from gongkai.official_stats.loading import RawRow
from gongkai.official_stats.models import Indicator, Region, Release
from gongkai.official_stats.periods import PeriodError, months_cumulative, parse_period

SHANGHAI = ZoneInfo("Asia/Shanghai")
SAMPLE = "示例数据"
LIVE_TITLE_SUFFIX = "（演示：定时发布）"

# (code, name, administrative?, parent code, sort)
REGIONS: tuple[tuple[str, str, bool, str | None], ...] = (
    ("210300", "鞍山市", True, None),
    ("210301", "市辖区", True, "210300"),
    ("210300-SQ", "市区", False, "210300"),
    ("210302", "铁东区", True, "210300"),
    ("210302-FJ", "铁东区(含风景区)", False, "210300"),
    ("210303", "铁西区", True, "210300"),
    ("210304", "立山区", True, "210300"),
    ("210311", "千山区", True, "210300"),
    ("210321", "台安县", True, "210300"),
    ("210323", "岫岩满族自治县", True, "210300"),
    ("210381", "海城市", True, "210300"),
    ("210300-GX", "高新区", False, "210300"),
    ("210300-KF", "经济开发区", False, "210300"),
)
REGION_NOTES = {
    "210300-GX": "鞍山高新技术产业开发区，功能区，不是行政区划，无行政区划代码。",
    "210300-KF": "鞍山经济开发区（数据来源中称“开发区”），功能区，不是行政区划。",
    "210302-FJ": "七普公报中的合并单位：铁东区与千山风景区合计。",
    "210300-SQ": "来源网页所称“市区”，口径未说明。",
}
# Names used in anshan-figures.csv → region codes.
CSV_REGIONS = {name: code for code, name, _a, _p in REGIONS} | {"开发区": "210300-KF"}

# The real documents: release time per source (document date at 10:00; assumptions noted).
SOURCE_DATES: dict[str, dt.date] = {
    fg.CENSUS_BULLETIN_URL: dt.date(2021, 6, 18),
    fg.CITY_PORTAL_URL: dt.date(2023, 3, 20),  # undated page; as in demo/statistics.py
    fg.WORK_REPORT_2023_URL: dt.date(2023, 1, 7),
    "鞍山市政府工作报告 2024-01-07 (no page address available)": dt.date(2024, 1, 7),
    "https://www.anshannews.cn/2026/01/22/99332142.html": dt.date(2026, 1, 22),
}

SAMPLE_REGIONS = ("210300", "210381", "210321", "210323", "210302", "210303", "210304",
                  "210311", "210300-GX", "210300-KF")
# Shares of the city total used to invent county levels (示例数据, not real).
SHARE = {"210300": 1.0, "210381": 0.26, "210321": 0.08, "210323": 0.06, "210302": 0.17,
         "210303": 0.1, "210304": 0.1, "210311": 0.07, "210300-GX": 0.06, "210300-KF": 0.04}


@dataclass(frozen=True)
class SampleIndicator:
    code: str
    name: str
    unit: str
    frequency: Frequency
    decimals: int
    definition: str


SAMPLES = (
    SampleIndicator("S01.IND", "规模以上工业增加值增速（示例数据）", "%",
                    Frequency.MONTHLY_CUMULATIVE, 1,
                    "年主营业务收入2000万元及以上工业法人单位工业增加值按可比价格计算的增长速度。"),
    SampleIndicator("S02.RETAIL", "社会消费品零售总额（示例数据）", "亿元",
                    Frequency.MONTHLY_CUMULATIVE, 1,
                    "企业（单位）通过交易售给个人、社会集团非生产、非经营用的实物商品金额，"
                    "以及提供餐饮服务所取得的收入金额。"),
    SampleIndicator("S03.FAI", "固定资产投资（不含农户）增速（示例数据）", "%",
                    Frequency.MONTHLY_CUMULATIVE, 1,
                    "计划总投资500万元及以上的建设项目投资和房地产开发投资，按现价计算的增长速度。"),
    SampleIndicator("S04.CPI", "居民消费价格指数（上年同月=100）（示例数据）", "上年同月=100",
                    Frequency.MONTHLY, 1, "反映居民家庭购买的消费品和服务项目价格变动的相对数。"),
    SampleIndicator("S05.INCOME", "全体居民人均可支配收入（示例数据）", "元",
                    Frequency.QUARTERLY_CUMULATIVE, 0,
                    "居民可用于最终消费支出和储蓄的总和，按季度累计发布。"),
)


def _noise(*key: object) -> float:
    """A deterministic number in [-1, 1) for a key (the demo must load the same data twice)."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**31 - 1


def ensure_regions() -> dict[str, Region]:
    out: dict[str, Region] = {}
    for sort, (code, name, administrative, parent) in enumerate(REGIONS, start=1):
        region, _created = Region.objects.get_or_create(code=code, defaults={
            "name": name, "is_administrative": administrative, "sort_order": sort,
            "parent": out.get(parent) if parent else None, "notes": REGION_NOTES.get(code, "")})
        out[code] = region
    return out


# --- Real figures -------------------------------------------------------------------------

_QUALIFIERS = re.compile(r"\((预计|可比价)\)")


def _indicator_name(raw: str) -> tuple[str, bool]:
    """The series name (estimate and comparable-price qualifiers removed: growth rates are at
    comparable prices anyway, and 预计 is an observation status) and whether it is 预计."""
    return _QUALIFIERS.sub("", raw).strip(), "(预计)" in raw


def _leading_number(text: str) -> tuple[str, bool] | None:
    match = re.search(r"-?\d+(\.\d+)?", text)
    if match is None:
        return None
    return match.group(0), match.group(0) != text.strip()


def ensure_real_indicators() -> dict[str, Indicator]:
    groups = {
        "人口": Indicator.objects.get_or_create(code="A01", defaults={
            "name": "人口（鞍山市实际公布数据）", "is_group": True, "sort_order": 1})[0],
        "经济": Indicator.objects.get_or_create(code="A02", defaults={
            "name": "国民经济（鞍山市实际公布数据）", "is_group": True, "sort_order": 2})[0],
    }
    names: dict[str, str] = {}
    for figure in fg.all_figures():
        name, _estimate = _indicator_name(figure.indicator)
        names.setdefault(name, figure.unit)
    out: dict[str, Indicator] = {}
    for n, (name, unit) in enumerate(sorted(names.items()), start=1):
        population = any(w in name for w in ("人口", "户", "出生", "死亡", "城镇化"))
        group = groups["人口" if population else "经济"]
        code = f"{group.code}.{n:03d}"
        indicator = Indicator.objects.filter(parent=group, name=name).first()
        if indicator is None:
            indicator = Indicator.objects.create(
                code=code, name=name, parent=group, unit=unit,
                decimals=0 if unit in {"人", "户"} else 2, sort_order=n,
                frequency=Frequency.IRREGULAR,
                source="见各观测值注释（来源网页与可信等级）",
                notes="来自公开网页整理的鞍山市实际公布数据；预计数为政府工作报告预计数。")
        out[name] = indicator
    return out


SOURCE_TITLES: dict[str, str] = {
    fg.CENSUS_BULLETIN_URL: "鞍山市第七次全国人口普查公报（第二号）主要数据",
    fg.CITY_PORTAL_URL: "鞍山市2022年末户籍人口及人口变动情况",
    fg.WORK_REPORT_2023_URL: "2023年鞍山市政府工作报告中的2022年预计数",
    "鞍山市政府工作报告 2024-01-07 (no page address available)":
        "2024年鞍山市政府工作报告中的2023年预计数",
    "https://www.anshannews.cn/2026/01/22/99332142.html":
        "2026年鞍山市政府工作报告中的2025年预计数",
}


def _release_time(source: str, periods: Iterable[str]) -> dt.datetime:
    date = SOURCE_DATES.get(source)
    if date is None:
        # Third-party pages carry no publication date: assume the 20th of the second month
        # after the data (an assumption of the demo, stated on the release page).
        end = max(parse_period(p).end for p in periods)
        date = (end.replace(day=1) + dt.timedelta(days=40)).replace(day=20)
    return dt.datetime.combine(date, dt.time(10, 0), tzinfo=SHANGHAI)


def _real_rows(source: str, rows: list[fg.Figure], indicators: dict[str, Indicator],
               earlier: set[tuple[str, str, str]]) -> list[dict[str, str]]:
    grade = fg.GRADE_BY_SOURCE.get(source, "D")
    out: list[dict[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for figure in rows:
        number = _leading_number(figure.value)
        try:
            period = parse_period(figure.period)
        except PeriodError:
            continue
        if number is None or figure.region not in CSV_REGIONS:
            continue
        name, estimate = _indicator_name(figure.indicator)
        key = (indicators[name].code, CSV_REGIONS[figure.region], period.code)
        if key in seen:  # one source may state a cell twice: keep the first
            continue
        seen.add(key)
        status = "预计" if estimate else "修订" if key in earlier else ""
        published = f"公布值：{figure.value}；" if number[1] else ""
        out.append({"indicator": key[0], "region": key[1], "period": key[2],
                    "value": number[0], "status": status,
                    "footnote": f"{published}{fg.GRADE_LABELS[grade]}；来源：{source}"[:500]})
    return out


def ensure_real_figures(agency: Agency) -> int:
    indicators = ensure_real_indicators()
    by_source: dict[str, list[fg.Figure]] = {}
    for figure in fg.all_figures():
        by_source.setdefault(figure.source, []).append(figure)
    timed = sorted(((_release_time(src, [parse_period(f.period).code for f in rows
                                         if _parses(f.period)]), src, rows)
                    for src, rows in by_source.items()), key=lambda t: (t[0], t[1]))
    created = 0
    earlier: set[tuple[str, str, str]] = set()
    for at, source, rows in timed:
        loadable = _real_rows(source, rows, indicators, earlier)
        earlier |= {(r["indicator"], r["region"], r["period"]) for r in loadable}
        if not loadable:
            continue
        grade = fg.GRADE_BY_SOURCE.get(source, "D")
        title = SOURCE_TITLES.get(source) or f"鞍山市公开数据摘录（{grade}级来源）"
        title = f"{title}（{at:%Y年%-m月%-d日}）"
        if Release.objects.filter(agency=agency, title=title).exists():
            continue
        release = services.create_release(
            None, agency, title=title, scheduled_at=at, allow_past=True,
            now=at - dt.timedelta(days=7),
            description=(f"鞍山市实际公布的数据，整理自公开网页。数据来源：{source}。"
                         f"{fg.GRADE_LABELS[grade]}。第三方网页无发布日期的，发布时间为演示假定。"))
        services.load_rows(None, release, _raw(loadable), channel=LoadChannel.CONSOLE,
                           filename="anshan-figures.csv", now=at - dt.timedelta(days=1))
        created += 1
    return created


def _parses(text: str) -> bool:
    try:
        parse_period(text)
    except PeriodError:
        return False
    return True


# --- 示例数据 -----------------------------------------------------------------------------

def ensure_sample_indicators() -> dict[str, Indicator]:
    group, _ = Indicator.objects.get_or_create(code="S00", defaults={
        "name": "主要经济指标（示例数据）", "is_group": True, "sort_order": 0,
        "notes": "示例数据：为演示虚构，不是鞍山市统计局公布的数据。"})
    out = {}
    for n, spec in enumerate(SAMPLES, start=1):
        out[spec.code], _ = Indicator.objects.get_or_create(code=spec.code, defaults={
            "name": spec.name, "parent": group, "unit": spec.unit, "frequency": spec.frequency,
            "decimals": spec.decimals, "definition": spec.definition, "sort_order": n,
            "caliber": "鞍山市全市及所辖县（市）区、功能区口径。", "source": "示例数据（虚构）",
            "notes": "示例数据：为演示虚构，不是鞍山市统计局公布的数据。"})
    return out


def sample_rows(year: int, month: int) -> list[dict[str, str]]:
    """The 示例数据 first published with month ``month`` of ``year``."""
    rows: list[dict[str, str]] = []
    foot = "示例数据（虚构）"
    cumulative = months_cumulative(year, month).code if month > 1 else f"{year}M01"
    for region in SAMPLE_REGIONS:
        share = SHARE[region]
        ind = 4.8 + 2.5 * _noise("ind", region, year) + 0.6 * _noise("ind", region, year, month)
        fai = 3.0 + 6 * _noise("fai", region, year) + 1.5 * _noise("fai", region, year, month)
        retail = sum(95 * share * (1 + 0.08 * _noise("retail", region, year, m))
                     for m in range(1, month + 1))
        rows += [
            {"indicator": "S01.IND", "region": region, "period": cumulative,
             "value": f"{ind:.1f}", "footnote": foot},
            {"indicator": "S02.RETAIL", "region": region, "period": cumulative,
             "value": f"{retail:.1f}", "footnote": foot},
            {"indicator": "S03.FAI", "region": region, "period": cumulative,
             "value": f"{fai:.1f}", "footnote": foot},
        ]
        if month % 3 == 0:
            quarter = month // 3
            income = sum(9200 * (1 + 0.05 * (year - 2025)) * (1 + 0.12 * _noise("inc", region))
                         for _q in range(quarter))
            rows.append({"indicator": "S05.INCOME", "region": region,
                         "period": f"{year}Q1-Q{quarter}" if quarter > 1 else f"{year}Q1",
                         "value": f"{income:.0f}", "footnote": foot})
    cpi = 100.3 + 0.6 * _noise("cpi", year, month)
    rows.append({"indicator": "S04.CPI", "region": "210300", "period": f"{year}M{month:02d}",
                 "value": f"{cpi:.1f}", "footnote": foot + "；CPI仅编制全市数据"})
    return rows


def _raw(rows: list[dict[str, str]]) -> list[RawRow]:
    return [RawRow(i + 2, row) for i, row in enumerate(rows)]


def _month_title(year: int, month: int) -> str:
    span = "1月" if month == 1 else f"1—{month}月"
    return f"{year}年{span}鞍山市主要统计数据（{SAMPLE}）"


def _interpretation(release: Release, year: int, month: int, now: dt.datetime) -> None:
    cumulative = months_cumulative(year, month).code if month > 1 else f"{year}M01"
    span = "1月" if month == 1 else f"1—{month}月"
    services.save_text(
        None, release, kind=TextKind.INTERPRETATION, sort_order=1,
        title=f"{year}年{span}全市经济运行情况解读（{SAMPLE}）",
        summary="本文数据为示例数据，仅用于演示，文中数字均由系统从本次发布的数据中引用。",
        body=[
            ("heading", "一、工业生产"),
            ("data_text", f"{span}，全市规模以上工业增加值同比增长"
                          f"{{S01.IND|210300|{cumulative}}}，其中海城市增长"
                          f"{{S01.IND|210381|{cumulative}}}。"),
            ("heading", "二、消费市场"),
            ("data_text", f"{span}，全市社会消费品零售总额{{S02.RETAIL|210300|{cumulative}}}；"
                          f"固定资产投资（不含农户）同比增长{{S03.FAI|210300|{cumulative}}}。"),
            ("data_text", f"{month}月份，全市居民消费价格指数为"
                          f"{{S04.CPI|210300|{year}M{month:02d}}}。"),
            ("data_table", {"caption": "分县（市）区主要指标",
                            "indicators": "S01.IND,S02.RETAIL,S03.FAI",
                            "regions": "210300,210381,210321,210323,210300-GX,210300-KF",
                            "period": cumulative}),
        ], now=now)


def _month_release_at(year: int, month: int) -> dt.datetime:
    """Data of a month are released at 10:00 on the 18th of the next month (January with
    February, as the NBS does for 1—2月)."""
    y, m = (year, month + 1) if month < 12 else (year + 1, 1)
    return dt.datetime(y, m, 18, 10, 0, tzinfo=SHANGHAI)


def ensure_sample_calendar(agency: Agency, now: dt.datetime) -> int:
    """Last year's data in one January release, then one release per month of this year:
    past ones with data and a 数据解读, the first upcoming one replaced by the live release,
    later ones announced without data."""
    year = timezone.localtime(now).year
    created = 0
    title = f"{year - 1}年月度主要统计数据汇总（{SAMPLE}）"
    if not Release.objects.filter(agency=agency, title=title).exists():
        at = dt.datetime(year, 1, 20, 10, 0, tzinfo=SHANGHAI)
        release = services.create_release(None, agency, title=title, scheduled_at=at,
                                          allow_past=at <= now, now=min(at, now)
                                          - dt.timedelta(days=30))
        rows = [r for m in range(1, 13) for r in sample_rows(year - 1, m)]
        services.load_rows(None, release, _raw(rows), channel=LoadChannel.CONSOLE,
                           now=min(at, now) - dt.timedelta(days=1))
        created += 1
    live_month: int | None = None
    for month in range(2, 12):  # 1—2月 … 1—11月: released within this year
        planned = _month_release_at(year, month)
        # 1—6月: announced, then postponed two days (with its reason) before its time.
        at = planned + dt.timedelta(days=2) if month == 6 else planned
        if at > now and live_month is None:
            live_month = month  # its data go to the live release
            continue
        title = _month_title(year, month)
        if Release.objects.filter(agency=agency, title=title).exists():
            continue
        announced = min(planned, now) - dt.timedelta(days=60)
        release = services.create_release(
            None, agency, title=title, scheduled_at=planned, allow_past=planned <= now,
            now=announced, description=f"本次发布的全部数据均为{SAMPLE}，仅用于演示。")
        if month == 6:
            release = services.postpone_release(None, release, at,
                                                "上半年数据需与省统计局联合审核，审核时间顺延",
                                                now=announced + dt.timedelta(days=1))
        if at <= now:
            months = [1, 2] if month == 2 else [month]
            services.load_rows(None, release,
                               _raw([r for m in months for r in sample_rows(year, m)]),
                               channel=LoadChannel.CONSOLE, now=announced + dt.timedelta(days=2))
            _interpretation(release, year, month, at - dt.timedelta(hours=2))
        created += 1
    created += _cancelled(agency, year, now)
    created += _live(agency, year, live_month or 11, now)
    return created


def _cancelled(agency: Agency, year: int, now: dt.datetime) -> int:
    title = f"{year}年三季度分县（市）区居民收支数据（{SAMPLE}）"
    if Release.objects.filter(agency=agency, title=title).exists():
        return 0
    at = dt.datetime(year, 10, 28, 10, 0, tzinfo=SHANGHAI)
    announced = min(at, now) - dt.timedelta(days=40)
    release = services.create_release(None, agency, title=title, scheduled_at=at,
                                      allow_past=at <= now, now=announced)
    services.cancel_release(None, release,
                            "住户调查样本轮换，县区数据代表性不足，本期并入全市数据发布",
                            now=announced + dt.timedelta(days=10))
    return 1


def _live(agency: Agency, year: int, month: int, now: dt.datetime) -> int:
    """The release a visitor watches: a few minutes after the load."""
    if Release.objects.filter(agency=agency, title__endswith=LIVE_TITLE_SUFFIX).exists():
        return 0
    at = (now + dt.timedelta(minutes=5, seconds=59)).replace(second=0, microsecond=0)
    title = _month_title(year, month) + LIVE_TITLE_SUFFIX
    release = services.create_release(
        None, agency, title=title, scheduled_at=at, now=now,
        description=f"演示用：数据已载入并审核，在发布时间到达前任何页面和接口都看不到；"
                    f"发布时间一到即全部可见。本次数据为{SAMPLE}。")
    months = [1, 2] if month == 2 else [month]
    services.load_rows(None, release, _raw([r for m in months for r in sample_rows(year, m)]),
                       channel=LoadChannel.CONSOLE, now=now)
    _interpretation(release, year, month, now)
    services.save_text(None, release, kind=TextKind.PRESS_RELEASE, sort_order=2,
                       title=f"鞍山市统计局发布{year}年{month}月主要统计数据（{SAMPLE}）",
                       summary="新闻稿（示例）：本次数据按发布日程表准时发布。", now=now)
    services.review_release(None, release, now=now)
    return 1


def ensure_county_release(agency: Agency, now: dt.datetime) -> int:
    """A county bureau publishes its own figures (海城市, real 2020 bulletin figures are in
    the city's real-data releases; this is a 示例数据 monthly release of its own)."""
    year = timezone.localtime(now).year
    title = f"海城市{year}年1—3月主要经济指标（{SAMPLE}）"
    if Release.objects.filter(agency=agency, title=title).exists():
        return 0
    at = dt.datetime(year, 4, 16, 10, 0, tzinfo=SHANGHAI)
    release = services.create_release(None, agency, title=title, scheduled_at=at,
                                      allow_past=at <= now,
                                      now=min(at, now) - dt.timedelta(days=30))
    rows = [{"indicator": "S01.IND", "region": "210381", "period": f"{year}M01-M03",
             "value": f"{5.1 + _noise('hc', year):.1f}", "status": "初步",
             "footnote": "示例数据（虚构）；海城市统计局初步数，以全市发布为准"}]
    services.load_rows(None, release, _raw(rows), channel=LoadChannel.CONSOLE,
                       now=min(at, now) - dt.timedelta(days=1))
    return 1


def ensure_official_stats(agencies: dict[str, Agency], admin: AbstractBaseUser | None,
                          now: dt.datetime | None = None) -> int:
    """Create what does not exist yet; returns the number of releases created."""
    moment = now or timezone.now()
    city = agencies["anshan"]
    ensure_regions()
    ensure_sample_indicators()
    created = ensure_real_figures(city)
    created += ensure_sample_calendar(city, moment)
    if "haicheng" in agencies:
        created += ensure_county_release(agencies["haicheng"], moment)
    return created




def ensure_statistics_columns(agencies: dict[str, Agency], admin: AbstractBaseUser | None) -> int:
    """The 统计公报 / 统计年鉴 columns for agencies created before they existed (run before the
    items are built). A demo loaded earlier kept its bulletins directly under 统计数据; they
    move into 统计公报 once, so a re-run finds them there and creates nothing twice."""
    from gongkai.catalog.enums import Genre
    from gongkai.catalog.models import ColumnPage, DisclosureItemPage
    from gongkai.official_stats import columns

    created = 0
    for agency in agencies.values():
        created += len(columns.ensure_statistics_columns(agency, by=admin))
        section = columns.statistics_column(agency)
        if section is None:
            continue
        bulletins = ColumnPage.objects.child_of(section).filter(
            slug=columns.BULLETIN_SLUG).first()
        stray = DisclosureItemPage.objects.child_of(section).filter(
            genre=Genre.STATISTICAL_BULLETIN)
        for page in stray:
            if bulletins is not None:
                page.move(bulletins, pos="last-child")
    return created
