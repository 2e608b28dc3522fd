"""The real Anshan figures shipped with the demo (gongkai/demo/data/anshan-figures.csv).

Values stay the published text: estimates keep their bounds (">2000", "6 (左右)") and
published shares are never recomputed. Every figure carries its source, and the source
fixes its provenance grade (see gongkai/demo/data/README.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
FIGURES_CSV = DATA_DIR / "anshan-figures.csv"

# The census bulletin and the city portal page: the two official (grade A) sources.
CENSUS_BULLETIN_URL = "http://tjj.anshan.gov.cn/html/TJJ/202106/0162398367816467.html"
CITY_PORTAL_URL = "http://www.anshan.gov.cn/asszf/zjas/xzqh/glist.html"
HAICHENG_2020_MIRROR_URL = "https://tjgb.hongheiku.com/xjtjgb/xj2020/23863.html"
ECONOMY_2021_URL = "https://daluzixun.com/news/1635477274111016"
INDUSTRY_2021_URL = "https://daluzixun.com/news/1629861353329197"
WORK_REPORT_2023_URL = (
    "http://indiasphere.net/web/zwgkx/zfgzbg/shizfgzbg/ass/"
    "D9DA37E7A7A14443944BDCDA7FE99424/index.shtml"
)
GDP_2022_URL = "http://tool.huiruisoft.com/district/210300.html"

# Grades by source, as listed in the data README: A official, B government-work-report
# estimate, C third-party page quoting official data, D third party without an address
# or with an inferred year.
GRADE_BY_SOURCE: dict[str, str] = {
    CENSUS_BULLETIN_URL: "A",
    CITY_PORTAL_URL: "A",
    WORK_REPORT_2023_URL: "B",
    "鞍山市政府工作报告 2024-01-07 (no page address available)": "B/D",
    "https://www.anshannews.cn/2026/01/22/99332142.html": "B",
    ECONOMY_2021_URL: "C",
    INDUSTRY_2021_URL: "C",
    GDP_2022_URL: "C",
    "http://creditsailing.com./ShuJuXiangGuan/2793406.html": "C",
    "http://psic.org.cn/shijirenkou/1552.html": "C",
    HAICHENG_2020_MIRROR_URL: "C",
    "unattributed page (no address available)": "D",
    "http://www.baibaidi.com/a/42.html": "D",
}

GRADE_LABELS: dict[str, str] = {
    "A": "A级：统计局或政府网站官方发布",
    "B": "B级：政府工作报告中的预计数",
    "B/D": "B/D级：政府工作报告中的预计数（无网页地址）",
    "C": "C级：第三方网站转引的官方数据",
    "D": "D级：第三方网站，无地址或年份系推断",
}


@dataclass(frozen=True)
class Figure:
    indicator: str
    region: str
    period: str
    value: str
    unit: str
    source: str
    note: str

    @property
    def grade(self) -> str:
        return GRADE_BY_SOURCE[self.source]

    @property
    def is_official(self) -> bool:
        return self.grade == "A"


@cache
def all_figures() -> tuple[Figure, ...]:
    # newline="" lets the csv module handle the file's CRLF line ends (RFC 4180).
    with FIGURES_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(Figure(**row) for row in csv.DictReader(handle))


def figure(indicator: str, region: str, period: str) -> Figure:
    """The one published figure for an indicator, region and period."""
    matches = [f for f in all_figures()
               if (f.indicator, f.region, f.period) == (indicator, region, period)]
    if len(matches) != 1:
        raise LookupError(f"{indicator} / {region} / {period}: {len(matches)} rows")
    return matches[0]


def from_source(source: str) -> list[Figure]:
    """Every figure of one source, in the order of the file."""
    return [f for f in all_figures() if f.source == source]


def census_population(region: str) -> Figure:
    """常住人口 of a region in the 七普 bulletin (第二号)."""
    return figure("常住人口(第七次全国人口普查)", region, "2020-11-01")


def census_share(region: str) -> str:
    """The published share of a region in the city's population; "—" for the city."""
    if region == "鞍山市":
        return "—"
    return figure("常住人口占全市比重(第七次全国人口普查)", region, "2020-11-01").value


def html_table(caption: str, headers: list[str], rows: list[list[str]]) -> str:
    """A plain, escaped HTML table (the rich-text body keeps it as is)."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (f'<table class="data-table"><caption>{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def source_paragraph(*, document: str, url: str, grade: str, remark: str = "") -> str:
    """The citation printed under every table of real figures."""
    link = (f'<a href="{escape(url)}">{escape(url)}</a>' if url.startswith("http")
            else "无网页地址")
    extra = f"{escape(remark)}" if remark else ""
    return (f"<p>数据来源：{escape(document)}（{link}）。数据等级：{escape(GRADE_LABELS[grade])}。"
            f"{extra}</p>")
