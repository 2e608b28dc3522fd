"""Admin screens of the catalog: the 第二十六条 timeliness report, its dashboard panel and
the page shown when the review gate refuses a request.

The report is built by plain functions that take the agencies, the working-day calendar
and "today" as arguments (``build_report``); the view only reads the request, the clock
and the settings and hands them over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Revision, WorkflowState, get_default_page_content_type

from gongkai.catalog.selectors import items_of_agency
from gongkai.catalog.timeliness import ARTICLE_26_WORKING_DAYS, Timeliness, assess
from gongkai.core.agencies import agencies_for
from gongkai.core.api import missing_warning
from gongkai.core.models import Agency
from gongkai.core.selectors import load_calendar
from gongkai.core.workdays import WorkdayCalendar, add_working_days

User = AbstractBaseUser | AnonymousUser

# --- The report, built from explicit inputs ------------------------------------------------


@dataclass(frozen=True)
class LateItem:
    """A published item whose first publication came after its Art. 26 deadline."""

    page_id: int
    title: str
    information_date: dt.date
    deadline: dt.date
    published_on: dt.date
    # None when the span is too long to count day by day (see ``Outcome``).
    working_days_late: int | None


@dataclass(frozen=True)
class PendingItem:
    """An item never published whose deadline is near (DUE_SOON) or passed (OVERDUE)."""

    page_id: int
    title: str
    information_date: dt.date
    deadline: dt.date
    status: Timeliness
    # Working days left before the deadline (DUE_SOON) or past it (OVERDUE); None when
    # the span is too long to count day by day (see ``Outcome``).
    working_days: int | None
    state: str

    @property
    def is_overdue(self) -> bool:
        return self.status == Timeliness.OVERDUE


@dataclass(frozen=True)
class AgencyTimeliness:
    agency: Agency
    late: list[LateItem]
    pending: list[PendingItem]

    @property
    def overdue_count(self) -> int:
        return sum(item.is_overdue for item in self.pending)

    @property
    def due_soon_count(self) -> int:
        return sum(not item.is_overdue for item in self.pending)

    @property
    def has_findings(self) -> bool:
        return bool(self.late or self.pending)


@dataclass(frozen=True)
class TimelinessReport:
    today: dt.date
    warning_days: int
    agencies: list[AgencyTimeliness]
    missing_years: tuple[int, ...] = ()
    limit: int = ARTICLE_26_WORKING_DAYS

    @property
    def warning(self) -> str:
        return missing_warning(self.missing_years)

    @property
    def late_count(self) -> int:
        return sum(len(a.late) for a in self.agencies)

    @property
    def overdue_count(self) -> int:
        return sum(a.overdue_count for a in self.agencies)

    @property
    def due_soon_count(self) -> int:
        return sum(a.due_soon_count for a in self.agencies)


def information_date(formed_on: dt.date, changed_on: dt.date | None) -> dt.date:
    """Same rule as ``DisclosureItemPage.information_date``, for rows read as values."""
    return max(formed_on, changed_on) if changed_on else formed_on


@dataclass(frozen=True)
class Outcome:
    status: Timeliness
    deadline: dt.date
    working_days: int | None
    missing_years: tuple[int, ...]


def assess_item(calendar: WorkdayCalendar, *, info_date: dt.date, published_on: dt.date | None,
                today: dt.date, warning_days: int) -> Outcome:
    try:
        result = assess(calendar, information_date=info_date, published_on=published_on,
                        today=today, warning_days=warning_days)
    except ValueError:
        # The working-day counter refuses spans of more than about ten years (an old
        # document published only now). Such an item is certainly past its deadline;
        # only the exact count is not given.
        deadline = add_working_days(calendar, info_date, ARTICLE_26_WORKING_DAYS)
        status = Timeliness.LATE if published_on is not None else Timeliness.OVERDUE
        return Outcome(status, deadline.value, None, deadline.missing_years)
    return Outcome(result.status, result.deadline, result.working_days, result.missing_years)


def _late_items(agency: Agency, calendar: WorkdayCalendar, today: dt.date,
                missing: set[int]) -> list[LateItem]:
    rows = items_of_agency(agency).filter(first_published_at__isnull=False).values_list(
        "pk", "title", "formed_on", "changed_on", "first_published_at"
    )
    late: list[LateItem] = []
    for pk, title, formed_on, changed_on, first_published_at in rows:
        info_date = information_date(formed_on, changed_on)
        published_on = timezone.localtime(first_published_at).date()
        # 20 working days always span at least 20 calendar days, so anything published
        # within 20 calendar days is on time whatever the holiday schedule says.
        if (published_on - info_date).days <= ARTICLE_26_WORKING_DAYS:
            continue
        result = assess_item(calendar, info_date=info_date, published_on=published_on,
                             today=today, warning_days=0)
        missing.update(result.missing_years)
        if result.status == Timeliness.LATE:
            late.append(LateItem(pk, title, info_date, result.deadline, published_on,
                                 result.working_days))
    return sorted(late, key=lambda item: (item.published_on, item.page_id), reverse=True)


def _workflow_states(page_ids: list[int]) -> dict[int, str]:
    """The review status of each page still in (or sent back by) its workflow."""
    statuses = dict(
        WorkflowState.objects.active()
        .filter(base_content_type=get_default_page_content_type(),
                object_id__in=[str(pk) for pk in page_ids])
        .values_list("object_id", "status")
    )
    labels = {WorkflowState.STATUS_IN_PROGRESS: str(_("审核中")),
              WorkflowState.STATUS_NEEDS_CHANGES: str(_("退回修改"))}
    return {int(pk): labels.get(status, str(_("审核中"))) for pk, status in statuses.items()}


def _scheduled(page_ids: list[int]) -> dict[int, dt.datetime]:
    """Approved revisions waiting for their go-live time."""
    return {
        int(pk): go_live
        for pk, go_live in Revision.objects.filter(
            base_content_type=get_default_page_content_type(),
            object_id__in=[str(pk) for pk in page_ids],
            approved_go_live_at__isnull=False,
        ).values_list("object_id", "approved_go_live_at")
    }


def _state_labels(page_ids: list[int]) -> dict[int, str]:
    labels = {pk: str(_("草稿")) for pk in page_ids}
    labels.update(_workflow_states(page_ids))
    for pk, go_live in _scheduled(page_ids).items():
        labels[pk] = str(_("已定时发布（%(time)s）")) % {
            "time": timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M")
        }
    return labels


def _pending_items(agency: Agency, calendar: WorkdayCalendar, today: dt.date,
                   warning_days: int, missing: set[int]) -> list[PendingItem]:
    rows = items_of_agency(agency).filter(
        live=False, first_published_at__isnull=True
    ).values_list("pk", "draft_title", "formed_on", "changed_on")
    found: list[tuple[int, str, dt.date, Outcome]] = []
    for pk, title, formed_on, changed_on in rows:
        info_date = information_date(formed_on, changed_on)
        result = assess_item(calendar, info_date=info_date, published_on=None, today=today,
                             warning_days=warning_days)
        missing.update(result.missing_years)
        if result.status in (Timeliness.DUE_SOON, Timeliness.OVERDUE):
            found.append((pk, title, info_date, result))
    labels = _state_labels([pk for pk, *_rest in found])
    pending = [
        PendingItem(pk, title, info_date, result.deadline, result.status,
                    result.working_days, labels[pk])
        for pk, title, info_date, result in found
    ]
    return sorted(pending, key=lambda item: (item.deadline, item.page_id))


def assess_agency(agency: Agency, *, calendar: WorkdayCalendar, today: dt.date,
                  warning_days: int, missing: set[int]) -> AgencyTimeliness:
    if agency.home_page_id is None:
        return AgencyTimeliness(agency, [], [])
    return AgencyTimeliness(
        agency,
        late=_late_items(agency, calendar, today, missing),
        pending=_pending_items(agency, calendar, today, warning_days, missing),
    )


def build_report(agencies: Iterable[Agency], *, calendar: WorkdayCalendar, today: dt.date,
                 warning_days: int) -> TimelinessReport:
    missing: set[int] = set()
    results = [assess_agency(agency, calendar=calendar, today=today,
                             warning_days=warning_days, missing=missing)
               for agency in agencies]
    return TimelinessReport(today=today, warning_days=warning_days, agencies=results,
                            missing_years=tuple(sorted(missing)))


def report_for(agencies: Iterable[Agency]) -> TimelinessReport:
    """The report as of now, with the loaded holiday calendar and the configured window."""
    return build_report(agencies, calendar=load_calendar(), today=timezone.localdate(),
                        warning_days=settings.GONGKAI_TIMELINESS_WARNING_WORKDAYS)


def visible_agencies(user: User) -> QuerySet[Agency]:
    return agencies_for(user).select_related("home_page").order_by("sort_order", "id")


# --- Views -----------------------------------------------------------------------------------


class TimelinessReportView(WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    """公开时效（第二十六条）: late publications and drafts close to or past the limit."""

    template_name = "catalog/admin/timeliness_report.html"
    page_title = _("公开时效（第二十六条）")
    header_icon = "time"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def selected_agencies(self, agencies: QuerySet[Agency]) -> tuple[QuerySet[Agency],
                                                                      Agency | None]:
        raw = self.request.GET.get("agency", "")
        if not raw:
            return agencies, None
        # Only one of the user's own agencies can be chosen; anything else does not exist
        # as far as this user is concerned.
        selected = agencies.filter(pk=raw).first() if raw.isdigit() else None
        if selected is None:
            raise Http404
        return agencies.filter(pk=selected.pk), selected

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        agencies = visible_agencies(self.request.user)
        shown, selected = self.selected_agencies(agencies)
        context.update({
            "report": report_for(shown),
            "agency_choices": list(agencies) if agencies.count() > 1 else [],
            "selected_agency": selected,
        })
        return context


class TimelinessPanel(Component):  # type: ignore[misc]
    """Dashboard summary of the report for the user's agencies."""

    name = "gongkai_timeliness"
    template_name = "catalog/admin/timeliness_panel.html"
    order = 90  # above Wagtail's own panels: these are statutory deadlines

    def __init__(self, agencies: Iterable[Agency]) -> None:
        self.agencies = list(agencies)

    def get_context_data(self, parent_context: Mapping[str, Any] | None) -> dict[str, Any]:
        report = report_for(self.agencies)
        return {
            "report": report,
            "rows": [a for a in report.agencies if a.has_findings],
            "report_url": reverse("catalog_timeliness_report"),
        }


def refusal(request: HttpRequest, message: str, *, back_url: str = "") -> HttpResponse:
    """A 403 page in the admin's look explaining why the request was not carried out."""
    return TemplateResponse(
        request,
        "catalog/admin/refused.html",
        {"page_title": _("无法执行该操作"), "header_title": _("无法执行该操作"),
         "message": message, "back_url": back_url, "header_icon": "warning"},
        status=403,
    )
