"""检查年度报告: staff upload any agency's published report and see its tables and findings.

The same checker as ``gongkai annual-report check`` (gongkai.annual_reports.checker), so an
upper-level office gets in the browser what the console gives. Nothing is stored: the file
is read in memory and the answer rendered; checking changes no state, so there is no audit
entry. Registered from wagtail_hooks.py (this module keeps the checker's hooks apart from
the report workflow's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, reverse_lazy
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from gongkai.annual_reports.checker import CheckResult, UnreadableReport, check_file
from gongkai.annual_reports.format import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    APPLICATION_GROUPS,
    APPLICATION_ROWS,
    FEE_CELL,
    OTHER_SINGLE,
    OTHER_SINGLE_LABEL,
    REVIEW_CELLS,
    REVIEW_COLUMNS,
    TOTAL,
    CellRef,
    active_cell,
    app_cell,
    review_cell,
)
from gongkai.annual_reports.rules import Severity
from gongkai.core.agencies import agencies_for

URL_NAME = "annual_reports_checker"
MAX_BYTES = 20 * 1024 * 1024  # a report with pictures is rarely above a few MB


def _checked_file(upload: Any) -> bytes | None:
    if upload is None:
        return None
    if upload.size > MAX_BYTES:
        raise forms.ValidationError("文件超过20MB。")
    data: bytes = upload.read()
    return data


class CheckForm(forms.Form):
    report = forms.FileField(
        label="年度报告文件",
        help_text=("文本（如 pdftotext -layout 的输出）、HTML、DOCX 或 XLSX；"
                   "2021年格式或2019年试行格式。"))
    previous = forms.FileField(
        label="上一年度报告（可选）", required=False,
        help_text="同一机关上一年度的报告，用于检查“上年结转”和“现行有效件数”（X1、X2）。")

    def clean_report(self) -> bytes | None:
        return _checked_file(self.cleaned_data.get("report"))

    def clean_previous(self) -> bytes | None:
        return _checked_file(self.cleaned_data.get("previous"))


@dataclass(frozen=True)
class ShownCell:
    text: str
    severity: str  # "error", "warning" or ""
    key: str


class CheckerView(WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "annual_reports/admin/checker.html"
    page_title = gettext_lazy("检查年度报告")
    header_icon = "tick-inverse"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not agencies_for(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.setdefault("form", CheckForm())
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CheckForm(request.POST, request.FILES)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            report = form.cleaned_data["report"]
            previous = form.cleaned_data["previous"]
            name = str(getattr(request.FILES.get("report"), "name", "") or "")
            try:
                result = check_file(report, name, previous)
            except UnreadableReport as error:
                context["unreadable"] = str(error)
            else:
                context.update(result_context(result))
                context["file_name"] = name
        return self.render_to_response(self.get_context_data(**context))


def result_context(result: CheckResult) -> dict[str, Any]:
    """The tables as rows of shown cells, each marked with the worst finding about it."""
    marks: dict[CellRef, str] = {}
    for finding in result.findings:
        if marks.get(finding.cell) != Severity.ERROR.value:
            marks[finding.cell] = finding.severity.value
    tables = result.tables

    def shown(cell: CellRef) -> ShownCell:
        value = tables.value(cell)
        text = tables.marks.get(cell, "") if value is None else str(value)
        return ShownCell(text, marks.get(cell, ""), cell.key.replace(":", "-"))

    keys = [r.key for r in APPLICATION_ROWS]
    if tables.other_single_row:
        at = keys.index("6.1")
        keys = [*keys[:at], OTHER_SINGLE, *keys[at + 3:]]
    columns = [c.key for c in APPLICANT_COLUMNS] + [TOTAL]
    application_rows = []
    for key in keys:
        row = next((r for r in APPLICATION_ROWS if r.key == key), None)
        label = OTHER_SINGLE_LABEL if row is None else row.label
        group = APPLICATION_GROUPS[row.group] if row is not None and row.group else ""
        application_rows.append({"label": label, "group": group,
                                 "cells": [shown(app_cell(key, c)) for c in columns]})
    active_blocks = []
    for block in ACTIVE_BLOCKS:
        rows = []
        for active_row in block.rows:
            cells = ([shown(FEE_CELL)] if active_row.key == "fees" else
                     [shown(active_cell(active_row.key, c.key)) for c in block.columns])
            rows.append({"label": active_row.label, "cells": cells})
        active_blocks.append({"item": block.item, "columns": block.columns, "rows": rows})
    return {
        "result": result,
        "tables": tables,
        "active_blocks": active_blocks,
        "applicant_columns": APPLICANT_COLUMNS[1:],
        "application_rows": application_rows,
        "review_columns": REVIEW_COLUMNS,
        "review_cells": [shown(review_cell(g, c)) for g, c in REVIEW_CELLS],
    }


@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def register_checker_urls() -> list[URLPattern | URLResolver]:
    return [path("annual-reports/check/", CheckerView.as_view(), name=URL_NAME)]


class StaffMenuItem(MenuItem):  # type: ignore[misc]
    def is_shown(self, request: HttpRequest) -> bool:
        return agencies_for(request.user).exists()


@hooks.register("register_admin_menu_item")  # type: ignore[untyped-decorator]
def register_checker_menu_item() -> MenuItem:
    return StaffMenuItem(gettext_lazy("检查年度报告"), reverse_lazy(URL_NAME),
                         name="gongkai-annual-report-check", icon_name="tick-inverse",
                         order=261)
