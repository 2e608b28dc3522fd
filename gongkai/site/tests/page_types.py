"""Every public page type of the site, as (name, path builder) — one line per page type.

Used by the axe audit of test_browser.py (each page type in four reading modes) and by
bench/screenshots.py. A builder receives the city bureau and returns a path on the site; it
raises ``LookupError`` (``DoesNotExist``, ``StopIteration`` wrapped) when the data it needs is
missing. To add a page type, add one ``PageType`` line to ``PAGE_TYPES``; the data comes from
the apps' own demo builders (``seed_every_app``), so a new app adds one line there too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from gongkai.core.models import Agency


@dataclass(frozen=True)
class PageType:
    name: str
    path: Callable[[Agency], str]
    screenshot: bool = False  # shown in README.md (bench/screenshots.py)


def _first(queryset: Any) -> Any:
    found = queryset.first()
    if found is None:
        raise LookupError(f"no {queryset.model.__name__} for this page type")
    return found


def _column(agency: Agency, slug: str) -> str:
    from gongkai.testing import column

    return str(column(agency, slug).url)


def _item(agency: Agency) -> str:
    from gongkai.catalog.models import DisclosureItemPage

    assert agency.home_page is not None
    return str(_first(DisclosureItemPage.objects.live().descendant_of(agency.home_page)
                      .order_by("-first_published_at")).url)


def _release(agency: Agency) -> str:
    from gongkai.official_stats.selectors import visible_releases

    return f"/sjfb/release/{_first(visible_releases(timezone.now()).filter(agency=agency)).pk}/"


def _data_table(group: bool) -> Callable[[Agency], str]:
    def build(agency: Agency) -> str:
        from gongkai.official_stats import tables

        found = [t for t in tables.list_tables(timezone.now())
                 if t.indicators and t.is_group == group]
        if not found:
            raise LookupError("no public statistics table")
        return f"/sjfb/data/{found[0].id}/"
    return build


def _exchange(agency: Agency) -> str:
    from gongkai.consultations.selectors import public_messages

    return f"/hdjl/{agency.slug}/{_first(public_messages().filter(agency=agency)).number}/"


def _draw(agency: Agency) -> str:
    from gongkai.enforcement.models import Draw

    return f"/zfgk/{agency.slug}/draws/{_first(Draw.objects.filter(agency=agency)).sequence}/"


def _penalty(agency: Agency) -> str:
    from gongkai.enforcement.selectors import public_decisions

    return f"/zfgk/{agency.slug}/xzcf/{_first(public_decisions(agency=agency)).pk}/"


def _annual_report(agency: Agency) -> str:
    from gongkai.annual_reports.selectors import public_reports

    return f"/ndbg/{agency.slug}/{_first(public_reports().filter(agency=agency)).year}/"


def _wagtail_page(model_name: str) -> Callable[[Agency], str]:
    def build(agency: Agency) -> str:
        from django.apps import apps

        model = apps.get_model("engagement", model_name)
        assert agency.home_page is not None
        return str(_first(model.objects.live().descendant_of(agency.home_page)
                          .order_by("path")).url)
    return build


def _open_survey(agency: Agency) -> str:
    """A survey still taking answers (a closed one shows a notice instead of its form)."""
    from django.db.models import Q
    from django.utils import timezone

    from gongkai.engagement.models import SurveyPage

    assert agency.home_page is not None
    surveys = SurveyPage.objects.live().descendant_of(agency.home_page).order_by("path")
    survey = surveys.filter(Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now())).first()
    if survey is None:
        # The demo's survey closed on its own date; the audit needs one taking answers.
        survey = _first(surveys)
        SurveyPage.objects.filter(pk=survey.pk).update(closes_at=None)
    return str(survey.url)


def _open_event(agency: Agency) -> str:
    """An event still taking registrations (the form is what the page type is about)."""
    from gongkai.engagement.models import EventPage

    assert agency.home_page is not None
    return str(_first(EventPage.objects.live().descendant_of(agency.home_page)
                      .filter(starts_at__gt=timezone.now()).order_by("starts_at")).url)


def _survey_results(agency: Agency) -> str:
    from gongkai.engagement.models import SurveyPage

    survey = _first(SurveyPage.objects.live().filter(results_published=True))
    return f"/zt/surveys/{survey.pk}/results/"


PAGE_TYPES: list[PageType] = [
    # 门户与政务公开 (site, catalog)
    PageType("home", lambda a: "/", screenshot=True),
    PageType("agency home", lambda a: f"/{a.slug}/"),
    PageType("open government", lambda a: f"/{a.slug}/zwgk/"),
    PageType("guide", lambda a: f"/{a.slug}/zwgk/zfxxgkzn/"),
    PageType("catalog list", lambda a: f"/{a.slug}/zwgk/xxgkml/", screenshot=True),
    PageType("column", lambda a: _column(a, "zcwj")),
    PageType("item", _item, screenshot=True),
    PageType("search", lambda a: "/search/?q=统计", screenshot=True),
    PageType("search without results", lambda a: "/search/?q=不存在的词语甲乙"),
    PageType("sitemap", lambda a: "/sitemap/"),
    PageType("workday calculator", lambda a: "/tools/workdays/?mode=add&start=2024-09-27&days=20"),
    # 依申请公开 (info_requests)
    PageType("application form", lambda a: f"/ysqgk/{a.slug}/apply/", screenshot=True),
    PageType("application tracking", lambda a: "/ysqgk/track/"),
    PageType("reading room", lambda a: f"/ysqgk/results/{a.slug}/"),
    # 统计数据发布 (official_stats)
    PageType("release calendar", lambda a: "/sjfb/rc/", screenshot=True),
    PageType("release", _release),
    PageType("data browser", lambda a: "/sjfb/data/"),
    PageType("data table", _data_table(group=False), screenshot=True),
    PageType("data table of a group", _data_table(group=True)),
    # 互动交流 (consultations)
    PageType("consultations", lambda a: "/hdjl/"),
    PageType("consultation list", lambda a: f"/hdjl/{a.slug}/", screenshot=True),
    PageType("consultation form", lambda a: f"/hdjl/{a.slug}/write/"),
    PageType("consultation tracking", lambda a: "/hdjl/track/"),
    PageType("published exchange", _exchange),
    PageType("faq", lambda a: f"/hdjl/{a.slug}/faq/"),
    PageType("hotlines", lambda a: "/hdjl/phones/"),
    PageType("violation report form", lambda a: f"/hdjl/{a.slug}/jubao/"),
    PageType("violation report tracking", lambda a: "/hdjl/jubao/track/"),
    # 统计执法公开 (enforcement)
    PageType("enforcement", lambda a: f"/zfgk/{a.slug}/"),
    PageType("draw", _draw, screenshot=True),
    PageType("draw verification", lambda a: "/zfgk/verify/"),
    PageType("penalty list", lambda a: f"/zfgk/{a.slug}/xzcf/"),
    PageType("penalty decision", _penalty),
    # 年度报告 (annual_reports)
    PageType("annual report", _annual_report, screenshot=True),
    # 专题与公众参与 (engagement)
    PageType("campaign", _wagtail_page("CampaignPage"), screenshot=True),
    PageType("event registration", _open_event),
    PageType("survey", _open_survey),
    PageType("survey results", _survey_results),
    PageType("training materials", _wagtail_page("TrainingMaterialsPage")),
    PageType("subscription form", lambda a: f"/zt/subscribe/?kind=agency&key={a.slug}"),
]


def seed_every_app(agencies: dict[str, Agency], admin: Any) -> dict[str, float]:
    """The apps' own demo builders on the given agencies (realistic 鞍山 data, idempotent);
    the seconds each took. Adding an app's data is one line here."""
    import time

    from gongkai.demo.annual_reports import ensure_annual_reports
    from gongkai.demo.consultations import ensure_consultations
    from gongkai.demo.enforcement import ensure_enforcement
    from gongkai.demo.engagement import ensure_engagement
    from gongkai.demo.official_stats import ensure_official_stats
    from gongkai.demo.requests import ensure_requests

    spent = {}
    for ensure in (ensure_requests, ensure_enforcement, ensure_consultations,
                   ensure_official_stats, ensure_annual_reports, ensure_engagement):
        started = time.perf_counter()
        ensure(agencies, admin)
        spent[ensure.__name__] = round(time.perf_counter() - started, 2)
    return spent


def build_paths(agency: Agency) -> tuple[dict[str, str], dict[str, str]]:
    """(name → path) for every page type, and (name → why) for those without data."""
    paths, missing = {}, {}
    for page_type in PAGE_TYPES:
        try:
            paths[page_type.name] = page_type.path(agency)
        except (LookupError, AssertionError, ObjectDoesNotExist) as error:
            missing[page_type.name] = f"{type(error).__name__}: {error}"
    return paths, missing
