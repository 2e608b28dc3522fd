"""The annual report in the Wagtail admin: the status board, one report (tables with
drill-down, adjustments, text, check, reasons for broken rules, publish), the records behind
a cell, the aggregate of a parent agency's agencies, and the downloads.

Thin views: every report is looked up through ``selectors.report_for_staff`` (own agency and
the agencies below it); every change is a service call, which checks the role in the
report's own agency (so a parent agency sees its agencies' reports but cannot change them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from gongkai.annual_reports import cells, compute, render, selectors, services
from gongkai.annual_reports.models import AnnualReport
from gongkai.annual_reports.views import file_response
from gongkai.core.agencies import has_role
from gongkai.core.models import Agency

NS = "annual_reports_admin"


def default_year(today: dt.date) -> int:
    """The year whose report is being prepared (the one that ended last)."""
    return today.year - 1


def report_or_refuse(request: HttpRequest, pk: int) -> AnnualReport:
    report = selectors.report_for_staff(request.user, pk)
    if report is None:
        raise PermissionDenied
    return report


class StaffOnly:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not selectors.staff_agencies(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class BoardView(StaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "annual_reports/admin/board.html"
    page_title = gettext_lazy("政府信息公开工作年度报告")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = _int(self.request.GET.get("year"), default_year(today))
        agencies = selectors.staff_agencies(self.request.user)
        rows = selectors.board(agencies, year, today)
        context.update({
            "year": year, "years": range(today.year - 1, today.year - 6, -1), "today": today,
            "due": AnnualReport(year=year).due_on, "rows": [
                {"row": r, "can_edit": has_role(self.request.user, r.agency),
                 "has_children": any(a.parent_id == r.agency.pk for a in agencies)}
                for r in rows],
        })
        return context


def _int(text: str | None, default: int) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default


class GenerateView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, agency_pk: int, year: int) -> HttpResponse:
        agency = Agency.objects.filter(pk=agency_pk).first()
        if agency is None or not selectors.can_view(request.user, agency):
            raise PermissionDenied
        try:
            report = services.generate(agency, year, by=request.user)
        except services.ServiceError as error:
            messages.error(request, str(error))
            return redirect(f"{reverse(f'{NS}:board')}?year={year}")
        messages.success(request, "已根据办理记录生成报告数据。")
        return redirect(reverse(f"{NS}:report", args=[report.pk]))


class ReportView(StaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "annual_reports/admin/report.html"
    header_icon = "doc-full"

    def get_page_title(self) -> str:
        return str(self.report.title)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.report = report_or_refuse(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Only reached from ActionView, to show the page again with the refused input.
        return self.get(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        report = self.report
        user = self.request.user
        findings = services.findings_of(report)
        explained = {(o.rule, o.cell): o for o in report.overrides.all()}
        context.update({
            "report": report, "doc": render.document(report),
            "drill_base": reverse(f"{NS}:cell", args=[report.pk]),
            "adjusted": set(report.latest_adjustments()),
            "adjustments": report.adjustments.order_by("-created_at", "-id"),
            "findings": [{"finding": f, "override": explained.get((f.rule.value, f.cell.key))}
                         for f in findings],
            "open_errors": len(services.unresolved(report, findings)),
            "sources": {k: v for k, v in report.sources.items() if k != "facts"},
            "cell_choices": [(k, cells.cell_label(k)) for k in cells.ALL_CELLS],
            "can_edit": has_role(user, report.agency) and not report.is_published,
            "can_override": has_role(user, report.agency, *services.OVERRIDE_ROLES)
            and not report.is_published,
            "can_publish": has_role(user, report.agency, *services.PUBLISH_ROLES)
            and not report.is_published,
            "form": self.kwargs.get("form", {}),
            "error": self.kwargs.get("error", ""),
        })
        return context


class CellView(StaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    """The records behind one cell (drill-down)."""

    template_name = "annual_reports/admin/cell.html"
    header_icon = "doc-full"
    page_title = gettext_lazy("构成该数字的记录")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        report = report_or_refuse(self.request, kwargs["pk"])
        key = self.request.GET.get("cell", "")
        if key not in cells.CELL_SET:
            raise PermissionDenied
        records = compute.records_for(report.agency, report.year, key)
        adjustment = report.latest_adjustments().get(key)
        context.update({
            "report": report, "label": cells.cell_label(key), "records": records,
            "computed": report.computed_figures().get(key, 0),
            "shown": report.effective_figures().get(key, 0), "adjustment": adjustment,
            "sources": {k: v for k, v in report.sources.items() if k != "facts"},
        })
        return context


ACTIONS = ("regenerate", "adjust", "text", "check", "override", "publish")


class ActionView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        report = report_or_refuse(request, pk)
        if action not in ACTIONS:
            raise PermissionDenied
        data = request.POST
        try:
            done = self.run(request, report, action, data)
        except services.ServiceError as error:
            # Shown again with what was typed and the error announced (role=alert).
            view = ReportView.as_view()
            return view(request, pk=pk, form=data, error=str(error))  # type: ignore[return-value]
        messages.success(request, done)
        return redirect(reverse(f"{NS}:report", args=[report.pk]))

    def run(self, request: HttpRequest, report: AnnualReport, action: str,
            data: Any) -> str:
        user = request.user
        if action == "regenerate":
            services.generate(report.agency, report.year, by=user)
            return "已重新计算；文字和已有的调整保留。"
        if action == "adjust":
            services.adjust_cell(report, data.get("cell", ""), data.get("value", ""),
                                 data.get("reason", ""), by=user)
            return "已调整，理由已记录。"
        if action == "text":
            services.update_text(report, overview=data.get("overview", ""),
                                 problems=data.get("problems", ""),
                                 other_matters=data.get("other_matters", ""), by=user)
            return "已保存正文。"
        if action == "check":
            findings = services.check(report, by=user)
            errors = sum(f.severity.value == "error" for f in findings)
            return f"校验完成：错误{errors}处，提示{len(findings) - errors}处。"
        if action == "override":
            services.record_override(report, rule=data.get("rule", ""), cell=data.get("cell", ""),
                                     reason=data.get("reason", ""), by=user)
            return "已记录理由。"
        services.publish(report, by=user)
        return "已发布到本单位“政府信息公开年报”栏目。"


class FileView(View):
    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        return file_response(report_or_refuse(request, pk), fmt)


class AggregateView(StaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    """A parent agency's agencies summed cell by cell (only their existing reports)."""

    template_name = "annual_reports/admin/aggregate.html"
    header_icon = "doc-full"
    page_title = gettext_lazy("下级单位年度报告汇总")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        agency = Agency.objects.filter(pk=kwargs["agency_pk"]).first()
        if agency is None or not selectors.can_view(self.request.user, agency):
            raise PermissionDenied
        year = kwargs["year"]
        agencies = selectors.with_descendants([agency])
        reports = list(AnnualReport.objects.filter(agency__in=agencies, year=year)
                       .select_related("agency"))
        figures = selectors.aggregate(reports)
        context.update({
            "agency": agency, "year": year, "reports": reports,
            "missing": [a for a in agencies if a.pk not in {r.agency_id for r in reports}],
            "grids": [*render.active_grids(figures), render.applications_grid(figures),
                      render.reviews_grid(figures)],
            "adjusted": set(),
        })
        return context
