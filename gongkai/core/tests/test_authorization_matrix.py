"""The authorization matrix (issue 9 §3): every staff URL gongkai registers under /admin/,
requested by every kind of account.

The routes are discovered from the URL resolver (a view defined in gongkai, or a Wagtail
viewset over a gongkai model), so a new admin screen is checked without editing this file —
except that its URL parameters need a filler in ``PK_BY_ROUTE`` or ``OTHER_PARAMS`` (a test
fails until it has one).
Parameters are filled with real objects of agency A (鞍山), whose texts carry ``SECRET``.

Expected outcomes:
- anonymous: the login page;
- staff of agency B (海城) in every role, and the three platform roles outside their duty:
  refused (403/404/405/redirect) for a URL naming one of A's objects, and never a page with
  A's secret on it;
- A's own staff: every viewing page a superuser can open is open to at least one A role;
- nobody: a server error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from gongkai.core.enums import PlatformRole, StaffRole
from gongkai.core.models import Agency, AuditLogEntry, HolidaySchedule
from gongkai.core.security.services import platform_group
from gongkai.core.services import agency_collection
from gongkai.testing import column, make_item, make_user, theme

SECRET = "鞍山机密"  # in the title, name or text of every object of agency A
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)

# Namespaces of platform-wide screens (not one agency's data) and who runs them.
PLATFORM_DUTIES: dict[str, set[PlatformRole]] = {
    "agencies": {PlatformRole.SYSTEM_ADMIN},
    "holiday_schedules": {PlatformRole.SYSTEM_ADMIN},
    "audit_log": {PlatformRole.AUDITOR},
}
# Codelists and categories shared by every agency: no agency's secret, any staff may read.
SHARED_DATA = ("stat_indicators", "stat_regions", "wagtailsnippets_catalog_themecategory",
               "wagtailsnippetchoosers_catalog_themecategory")


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str  # namespaced, for reverse()
    params: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str,
                                                                                  URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}".strip(":") if p.namespace else ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        else:
            yield prefix + str(p.pattern), ns, p


def _is_gongkai(pattern: URLPattern) -> bool:
    view = getattr(pattern.callback, "view_class", pattern.callback)
    if getattr(view, "__module__", "").startswith("gongkai."):
        return True
    model = (getattr(pattern.callback, "view_initkwargs", None) or {}).get("model") or getattr(
        view, "model", None)
    return bool(getattr(model, "__module__", "").startswith("gongkai."))


def staff_routes() -> list[Route]:
    routes = []
    for path, ns, pattern in _walk(get_resolver().url_patterns):
        if path.startswith("admin/") and pattern.name and _is_gongkai(pattern):
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", path))
            routes.append(Route(path, f"{ns}:{pattern.name}".strip(":"), params))
    return routes


# --- Agency A's objects -------------------------------------------------------------------

@dataclass
class World:
    a: Agency
    b: Agency
    objects: dict[str, Any]
    users: dict[str, Any]


def _info_request(a: Agency, admin: Any) -> dict[str, Any]:
    from gongkai.annual_reports.tests.factories import application
    from gongkai.info_requests.services import create_letter

    app = application(a, dt.date(2026, 10, 9))
    app.name, app.description = f"{SECRET}申请人", f"{SECRET}所申请的信息"
    app.save()
    letter = create_letter(app, "receipt", f"{SECRET}受理回执正文", by=admin)
    return {"application": app, "letter": letter}


def _statistics(a: Agency, admin: Any) -> dict[str, Any]:
    from gongkai.official_stats import services
    from gongkai.official_stats.tests.core_data import AT, make_codes
    from gongkai.official_stats.tests.core_data import NOW as STATS_NOW

    codes = make_codes()
    with time_machine.travel(STATS_NOW, tick=False):
        release = services.create_release(None, a, title=f"{SECRET}2026年3月数据",
                                          scheduled_at=AT)
    return {"release": release, "indicator": codes.retail, "region": codes.city}


def _consultations(a: Agency, admin: Any) -> dict[str, Any]:
    from gongkai.consultations import services
    from gongkai.consultations.enums import ViolationKind
    from gongkai.consultations.tests.helpers import data

    message = services.submit_message(data(title=f"{SECRET}咨询", body=f"{SECRET}咨询内容"),
                                      agency=a, idempotency_key="matrix-m", now=NOW).message
    report = services.submit_report(services.ReportData(
        violation_kind=next(iter(ViolationKind)).value, subject=f"{SECRET}被举报单位",
        description=f"{SECRET}举报内容"), agency=a, idempotency_key="matrix-r", now=NOW)
    faq = services.save_faq(a, question=f"{SECRET}问题", answer="解答", is_public=False,
                            by=admin)
    return {"message": message, "violation_report": report.report, "faq": faq}


def _enforcement(a: Agency, admin: Any) -> dict[str, Any]:
    from gongkai.enforcement import services
    from gongkai.enforcement.enums import PartyKind

    plan = services.create_plan(agency=a, year=2026, title=f"{SECRET}抽查计划", items="检查事项",
                                by=admin, sample_size=2)
    penalty = services.record_penalty(agency=a, by=admin, data=services.PenaltyData(
        case_number="鞍统罚〔2026〕1号", party_kind=PartyKind.ORGANISATION,
        party_name=f"{SECRET}企业", facts="虚报统计资料", legal_basis="《统计法》第四十一条",
        penalty="警告", decided_on=dt.date(2026, 10, 1), fine_amount=Decimal("0")))
    return {"plan": plan, "penalty": penalty}


def _annual_report(a: Agency, admin: Any) -> dict[str, Any]:
    from gongkai.annual_reports import services

    with time_machine.travel(dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        report = services.generate(a, 2025, by=admin)
    return {"annual_report": report}


def _engagement(a: Agency, admin: Any) -> dict[str, Any]:
    from gongkai.engagement.responses import generate_invitations
    from gongkai.engagement.tests.helpers import make_campaign, make_event, make_survey

    campaign = make_campaign(a, title=f"{SECRET}专题")
    survey = make_survey(campaign, title=f"{SECRET}调查")
    batch = generate_invitations(survey=survey, count=2, label=f"{SECRET}邀请码", by=admin)
    return {"event": make_event(campaign, title=f"{SECRET}开放日"), "survey": survey,
            "invitation_batch": batch}


def build_world(a: Agency, b: Agency) -> World:
    users: dict[str, Any] = {"superuser": make_user("m-root", superuser=True)}
    for role in StaffRole:
        users[f"a-{role.value}"] = make_user(f"m-a-{role.value}", agency=a, role=role)
        users[f"b-{role.value}"] = make_user(f"m-b-{role.value}", agency=b, role=role)
    for duty in PlatformRole:
        user = make_user(f"m-{duty.value}")
        user.groups.add(platform_group(duty))
        users[duty.value] = user
    admin = users[f"a-{StaffRole.ADMIN.value}"]
    draft = make_item(column(a), publish=False, title=f"{SECRET}草稿")
    objects: dict[str, Any] = {
        "draft": draft,
        "document": get_document_model().objects.create(
            title=f"{SECRET}附件", file=ContentFile(PDF, name="secret.pdf"),
            collection=agency_collection(a)),
        "image": get_image_model().objects.create(
            title=f"{SECRET}图片", file=get_test_image_file(), collection=agency_collection(a)),
        "holiday_schedule": HolidaySchedule.objects.create(year=2031,
                                                           notice_title="2031年放假安排"),
        "theme": theme(),
    }
    objects.update(_info_request(a, admin))
    objects.update(_statistics(a, admin))
    objects.update(_consultations(a, admin))
    objects.update(_enforcement(a, admin))
    objects.update(_annual_report(a, admin))
    objects.update(_engagement(a, admin))
    objects["audit_entry"] = AuditLogEntry.objects.filter(agency=a).order_by("-pk").first()
    return World(a, b, objects, users)


# --- Filling URL parameters ---------------------------------------------------------------

Filler = Callable[[World], Any]
PK_BY_NAMESPACE: dict[str, str] = {
    "info_requests_admin": "application", "official_stats_admin": "release",
    "enforcement_admin": "plan", "annual_reports_admin": "annual_report",
    "agencies": "a", "holiday_schedules": "holiday_schedule", "audit_log": "audit_entry",
    "stat_indicators": "indicator", "stat_regions": "region",
    "wagtailsnippets_catalog_themecategory": "theme",
    "wagtailsnippetchoosers_catalog_themecategory": "theme",
}
PK_BY_ROUTE: dict[str, str] = {
    "consultations_admin:message": "message", "consultations_admin:action": "message",
    "consultations_admin:report": "violation_report", "consultations_admin:faq_edit": "faq",
    "enforcement_admin:penalty": "penalty", "engagement_admin:checkin": "event",
    "engagement_admin:survey_results": "survey", "engagement_admin:survey_export": "survey",
    "engagement_admin:survey_invitations": "survey", "engagement_admin:invitation_export": "survey",
    "wagtailadmin_api:pages:detail": "draft", "wagtailadmin_api:pages:action": "draft",
    "wagtailadmin_api:documents:detail": "document",
    "wagtailadmin_api:images:detail": "image",
}
OTHER_PARAMS: dict[str, Filler] = {
    "letter_pk": lambda w: w.objects["letter"].pk,
    "page_id": lambda w: w.objects["draft"].pk,
    "agency_pk": lambda w: w.a.pk,
    "agency_slug": lambda w: w.a.slug,
    "year": lambda w: 2025,
    "fmt": lambda w: "pdf",
    "action": lambda w: "view",
    "action_name": lambda w: "copy",
    "batch": lambda w: w.objects["invitation_batch"].pk,
}


def _object(world: World, key: str) -> Any:
    return world.a if key == "a" else world.objects[key]


def url_for(route: Route, world: World) -> str | None:
    """The route's URL with A's objects, or None when a parameter has no filler."""
    kwargs: dict[str, Any] = {}
    for param in route.params:
        if param == "pk":
            key = PK_BY_ROUTE.get(route.name) or PK_BY_NAMESPACE.get(route.namespace)
            if key is None:
                return None
            kwargs[param] = _object(world, key).pk
        elif param in OTHER_PARAMS:
            kwargs[param] = OTHER_PARAMS[param](world)
        else:
            return None
    if route.name.endswith(":file"):
        kwargs["fmt"] = "docx"
    if route.name.endswith(":invitation_export"):
        kwargs["fmt"] = "csv"
    return reverse(route.name, kwargs=kwargs)


# --- The matrix ---------------------------------------------------------------------------

LOGIN = "/admin/login/"


def _get(client: Client, url: str) -> Any:
    return client.get(url)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return str(response.content.decode("utf-8", "replace"))


def _refused(response: Any) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    return bool(response.status_code in (301, 302) and response["Location"].split("?")[0] in (
        reverse("wagtailadmin_home"), LOGIN))


def _names_an_agency_object(route: Route) -> bool:
    return (bool(route.params) and route.namespace not in SHARED_DATA
            and route.namespace != "holiday_schedules")


@pytest.fixture
def world(anshan: Agency, haicheng: Agency, settings: Any) -> World:
    settings.GONGKAI_STAFF_2FA = "optional"
    return build_world(anshan, haicheng)


def test_every_staff_route_has_its_parameters_filled(world: World) -> None:
    routes = staff_routes()
    assert len(routes) > 50  # discovery works: every app's screens are there
    unfilled = [r.pattern for r in routes if url_for(r, world) is None]
    assert unfilled == [], "add a filler to PK_BY_ROUTE / OTHER_PARAMS for these routes"


def _outcomes(world: World, who: str | None, *, post: bool = False,
              only: set[Route] | None = None) -> dict[Route, Any]:
    """Each route's answer to a GET (or, with ``post``, an empty POST) by ``who``."""
    client = Client()
    if who is not None:
        client.force_login(world.users[who])
    answers = {}
    for route in staff_routes() if only is None else sorted(only, key=str):
        url = url_for(route, world)
        if url is not None and (not post or _names_an_agency_object(route)):
            answers[route] = client.post(url, {}) if post else _get(client, url)
    return answers


def test_anonymous_visitors_are_sent_to_the_login_page(world: World) -> None:
    wrong = {r.pattern: resp.status_code for r, resp in _outcomes(world, None).items()
             if not (resp.status_code == 302 and resp["Location"].startswith(LOGIN))
             and resp.status_code not in (401, 403)}
    assert wrong == {}


OUTSIDERS = [f"b-{role.value}" for role in StaffRole] + [duty.value for duty in PlatformRole]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_never_see_agency_a_data(world: World, who: str) -> None:
    duty = next((d for d in PlatformRole if d.value == who), None)
    leaks: dict[str, str] = {}
    for route, response in _outcomes(world, who).items():
        assert response.status_code < 500, route.pattern
        if duty is not None and duty in PLATFORM_DUTIES.get(route.namespace, set()):
            continue  # the platform duty's own screens
        if _names_an_agency_object(route) and not _refused(response):
            leaks[route.pattern] = f"{response.status_code} for an object of agency A"
        elif response.status_code == 200 and SECRET in _body(response):
            leaks[route.pattern] = "agency A's secret on the page"
    for route, response in _outcomes(world, who, post=True).items():
        # A change to one of A's objects is refused before any form is looked at.
        if (duty is None or duty not in PLATFORM_DUTIES.get(route.namespace, set())) and not (
                _refused(response) or response.status_code == 400):
            leaks[f"POST {route.pattern}"] = f"{response.status_code}"
    assert leaks == {}


def test_agency_a_staff_and_the_superuser_reach_the_viewing_pages(world: World) -> None:
    root = _outcomes(world, "superuser")
    errors = {r.pattern: resp.status_code for r, resp in root.items()
              if resp.status_code >= 500}
    assert errors == {}
    viewing = {r for r, resp in root.items() if resp.status_code == 200}
    assert len(viewing) > 30
    agency_pages = {r for r in viewing if r.namespace not in PLATFORM_DUTIES
                    and r.namespace not in SHARED_DATA}
    reached: set[Route] = set()
    shown: set[str] = set()
    for role in StaffRole:
        # Each role is asked only for the pages no role before it could open (fast).
        for route, response in _outcomes(world, f"a-{role.value}",
                                         only=agency_pages - reached).items():
            assert response.status_code < 500, route.pattern
            if response.status_code == 200:
                reached.add(route)
                if SECRET in _body(response):
                    shown.add(route.namespace)
    assert sorted(r.pattern for r in agency_pages - reached) == []
    # The outsiders' check looks for SECRET: it is on A's own pages in every app.
    # (The annual report's own texts are generated, so its pages carry no SECRET.)
    assert shown >= {"info_requests_admin", "official_stats_admin", "consultations_admin",
                     "enforcement_admin", "engagement_admin"}
