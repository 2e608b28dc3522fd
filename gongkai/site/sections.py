"""What an agency's section pages lead to beyond the catalog's own columns.

The catalog knows only its columns and items; the other apps serve their public pages on
their own URLs (/hdjl/, /zfgk/, /ndbg/, /zt/). The site is the public theme, so it is the
one place that ties them together: each standard column (by its ``ColumnKind``) gets the
links that belong to it, built here from URL names and the apps' public selectors. Nothing
here decides visibility itself: campaigns go through ``visible_pages``, annual reports
through ``annual_reports.selectors.public_reports``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse

from gongkai.catalog.enums import ColumnKind
from gongkai.core.models import Agency
from gongkai.core.visibility import visible_pages


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class LinkGroup:
    slug: str          # for the heading's id
    heading: str
    links: tuple[Link, ...]


def subscribe_url(kind: str, key: str) -> str:
    """The e-mail subscription form for (kind, key) — see docs/engagement.md."""
    return f"{reverse('engagement:subscribe')}?{urlencode({'kind': kind, 'key': key})}"


def interaction_groups(agency: Agency) -> list[LinkGroup]:
    """互动交流: writing and tracking a message, the published exchanges, 常见问题, the
    phone directory, and the separate confidential 统计违法举报 channel."""
    slug = agency.slug
    return [
        LinkGroup("hdjl-liuyan", "咨询、投诉、建议", (
            Link("我要写留言（咨询、投诉、建议）", reverse("consultations:write", args=[slug]),
                 "向本机关提出咨询、投诉或建议"),
            Link("留言办理查询", reverse("consultations:track"), "凭留言编号和查询码查看办理进度"),
            Link("留言选登（已公开的留言及答复）", reverse("consultations:agency", args=[slug])),
            Link("常见问题", reverse("consultations:faq", args=[slug])),
            Link("咨询、监督电话", reverse("consultations:phones")),
        )),
        LinkGroup("hdjl-jubao", "统计违法举报", (
            Link("我要举报统计违法行为", reverse("consultations:report", args=[slug]),
                 "举报人信息严格保密，可匿名举报"),
            Link("举报办理查询", reverse("consultations:report_track")),
        )),
    ]


def enforcement_group(agency: Agency) -> LinkGroup:
    """统计执法公开: the “双随机” plans, draws and results, and 行政处罚 decisions."""
    slug = agency.slug
    return LinkGroup("zfgk", "统计执法公开", (
        Link("“双随机、一公开”抽查计划、抽取过程与结果", reverse("enforcement:index", args=[slug])),
        Link("行政处罚决定", reverse("enforcement:penalties", args=[slug])),
        Link("抽查结果验证", reverse("enforcement:verify"), "任何人均可复核抽取结果"),
    ))


def annual_report_group(agency: Agency) -> LinkGroup | None:
    """政府信息公开工作年度报告: the published reports' full pages, newest first; None when
    the agency has published none (or the app is not installed)."""
    try:
        from gongkai.annual_reports.selectors import public_reports
    except ImportError:  # pragma: no cover - the app is optional in principle
        return None
    years = list(public_reports().filter(agency=agency).order_by("-year")
                 .values_list("year", flat=True)[:10])
    if not years:
        return None
    return LinkGroup("ndbg", "政府信息公开工作年度报告", tuple(
        Link(f"{agency.name}{year}年政府信息公开工作年度报告",
             reverse("annual_reports:report", args=[agency.slug, year]))
        for year in years))


def open_gov_groups(agency: Agency) -> list[LinkGroup]:
    groups = [enforcement_group(agency)]
    reports = annual_report_group(agency)
    if reports is not None:
        groups.append(reports)
    return groups


def topic_pages(column: Any) -> tuple[list[Any], list[Any]]:
    """专题专栏: the column's campaigns, newest first, and its other public engagement pages
    (events, surveys, material columns placed directly in the column)."""
    from gongkai.engagement.models import (
        CampaignPage,
        EventPage,
        SurveyPage,
        TrainingMaterialsPage,
    )

    # NULLs sort differently on SQLite and PostgreSQL: an undated campaign goes last in its
    # year on both.
    campaigns = list(visible_pages(CampaignPage.objects.child_of(column)).order_by(
        "-year", F("starts_on").desc(nulls_last=True), "-first_published_at", "-pk"))
    others: list[Any] = []
    for model in (TrainingMaterialsPage, EventPage, SurveyPage):
        others.extend(visible_pages(model.objects.child_of(column)).order_by("path"))
    return campaigns, others


def column_extras(page: Any) -> dict[str, Any]:
    """The extra links of a column page (empty for ordinary columns)."""
    agency = getattr(page, "agency", None)
    kind = getattr(page, "kind", None)
    extras: dict[str, Any] = {"groups": [], "campaigns": [], "topic_pages": []}
    if agency is None:
        return extras
    if kind == ColumnKind.INTERACTION:
        extras["groups"] = interaction_groups(agency)
    elif kind == ColumnKind.STATUTORY:
        extras["groups"] = [enforcement_group(agency)]
    elif kind == ColumnKind.ANNUAL_REPORTS:
        reports = annual_report_group(agency)
        extras["groups"] = [reports] if reports is not None else []
    elif kind == ColumnKind.TOPICS:
        extras["campaigns"], extras["topic_pages"] = topic_pages(page)
    return extras


def home_links(agency: Agency) -> list[Link]:
    """The agency home page's short “数据发布 / 互动交流 / 专题” area."""
    links = [
        Link("数据发布日程表", f"{reverse('official_stats:calendar')}?"
                               f"{urlencode({'agency': agency.slug})}"),
        Link("统计数据查询", reverse("official_stats:data_index")),
        Link("我要写留言", reverse("consultations:write", args=[agency.slug])),
        Link("统计违法举报", reverse("consultations:report", args=[agency.slug])),
        Link("统计执法公开", reverse("enforcement:index", args=[agency.slug])),
    ]
    topics = topics_column(agency)
    if topics is not None:
        campaigns, _others = topic_pages(topics)
        if campaigns:
            links.append(Link(f"专题：{campaigns[0].title}", campaigns[0].url))
    return links


def topics_column(agency: Agency) -> Any:
    from gongkai.catalog.models import ColumnPage

    if agency.home_page is None:
        return None
    return visible_pages(ColumnPage.objects.descendant_of(agency.home_page).filter(
        kind=ColumnKind.TOPICS)).order_by("path").first()


def platform_links() -> list[Link]:
    """The platform home's short area: the platform-wide services."""
    return [
        Link("数据发布日程表", reverse("official_stats:calendar")),
        Link("统计数据查询", reverse("official_stats:data_index")),
        Link("互动交流", reverse("consultations:index")),
        Link("咨询、监督电话", reverse("consultations:phones")),
        Link("邮件订阅统计数据发布日程", subscribe_url("release_calendar", "")),
    ]
