"""公众参与 in the Wagtail admin: the events and surveys of the user's agencies, an event's
check-in list (attendance recorded), a survey's results as charts and tables, and its XLSX
export. Every lookup goes through the staff selectors (the user's agencies; superusers all);
anything else is refused with PermissionDenied, as a missing object is.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from gongkai.core.agencies import agencies_for
from gongkai.engagement import responses, selectors, services
from gongkai.engagement.enums import ResponseRule
from gongkai.engagement.invitations import MAX_BATCH
from gongkai.engagement.mail import absolute
from gongkai.engagement.models import EventPage, SurveyInvitationBatch, SurveyPage
from gongkai.engagement.views import chart_data

NS = "engagement_admin"


class InvitationBatchForm(forms.Form):
    label = forms.CharField(label="发放对象", max_length=100,
                            help_text="例如：县区统计局、三上企业统计人员。")
    count = forms.IntegerField(label="数量", min_value=1, max_value=MAX_BATCH, initial=20)


class AgencyStaffOnly:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not agencies_for(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def event_or_refuse(request: HttpRequest, pk: int) -> EventPage:
    event = selectors.event_for_staff(request.user, pk)
    if event is None:
        raise PermissionDenied
    return event


def survey_or_refuse(request: HttpRequest, pk: int) -> SurveyPage:
    survey = selectors.survey_for_staff(request.user, pk)
    if survey is None:
        raise PermissionDenied
    return survey


class IndexView(AgencyStaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "engagement/admin/index.html"
    page_title = gettext_lazy("公众参与")
    header_icon = "group"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        now = timezone.now()
        events = list(selectors.events_for_staff(self.request.user)[:100])
        context["events"] = [(e, selectors.event_availability(e, now)) for e in events]
        context["surveys"] = [(s, selectors.valid_responses(s).count())
                              for s in selectors.surveys_for_staff(self.request.user)[:100]]
        return context


class CheckInView(AgencyStaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    """The check-in list: confirmed first, then the waiting list; one button per person."""

    template_name = "engagement/admin/checkin.html"
    page_title = gettext_lazy("签到")
    header_icon = "tick"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        event = event_or_refuse(self.request, self.kwargs["pk"])
        rows = selectors.check_in_list(event)
        context.update(event=event, rows=rows, page_subtitle=event.title,
                       availability=selectors.event_availability(event, timezone.now()),
                       attended=sum(1 for r in rows if r.checked_in_at))
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = event_or_refuse(request, pk)
        registration_id = request.POST.get("registration", "")
        if not registration_id.isdigit() or not event.registrations.filter(
                pk=int(registration_id)).exists():
            raise PermissionDenied
        try:
            services.set_attendance(registration_id=int(registration_id),
                                    attended=request.POST.get("attended") == "1", by=request.user)
        except services.ServiceError as error:
            messages.error(request, str(error))
        return redirect(f"{NS}:checkin", pk=event.pk)


class SurveyResultsView(AgencyStaffOnly, WagtailAdminTemplateMixin,  # type: ignore[misc]
                        TemplateView):
    template_name = "engagement/admin/survey_results.html"
    page_title = gettext_lazy("调查结果")
    header_icon = "form"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        survey = survey_or_refuse(self.request, self.kwargs["pk"])
        total, results = selectors.survey_results(survey)
        context.update(survey=survey, total=total, results=results, show_texts=True,
                       chart_data=chart_data(results), page_subtitle=survey.title,
                       not_counted=selectors.not_counted_responses(survey))
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        survey = survey_or_refuse(request, pk)
        services.set_results_published(survey=survey, by=request.user,
                                       published=request.POST.get("published") == "1")
        return redirect(f"{NS}:survey_results", pk=survey.pk)


class SurveyExportView(AgencyStaffOnly, View):
    """Every answer sheet as one XLSX row, plus a summary sheet per question."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from openpyxl import Workbook

        survey = survey_or_refuse(request, pk)
        total, results = selectors.survey_results(survey)
        book = Workbook()
        sheet = book.create_sheet("答卷", 0)
        book.remove(book.worksheets[1])  # the default empty sheet
        fields = list(survey.form_fields.all())
        sheet.append(["提交时间", *[f.label for f in fields]])
        for answers in selectors.valid_responses(survey).order_by("submit_time", "pk"):
            row = [timezone.localtime(answers.submit_time).strftime("%Y-%m-%d %H:%M")]
            for f in fields:
                value = answers.form_data.get(f.clean_name, "")
                row.append("；".join(map(str, value)) if isinstance(value, list) else str(value))
            sheet.append(row)
        summary = book.create_sheet("统计")
        summary.append(["题目", "选项", "人数", "占作答比例（%）"])
        for result in results:
            if result.is_text:
                summary.append([result.question.label, "（文字回答）", result.answered, None])
                continue
            for option, count, share in result.rows:
                summary.append([result.question.label, option, count, share])
            if result.mean is not None:
                summary.append([result.question.label, "平均分", result.mean, None])
        summary.append(["有效问卷", "", total, None])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.xlsx"'
        return response


# --- Invitation codes --------------------------------------------------------------------------


class InvitationsView(AgencyStaffOnly, WagtailAdminTemplateMixin,  # type: ignore[misc]
                      TemplateView):
    """A survey's invitation-code batches: generate a batch, export it (CSV or XLSX)."""

    template_name = "engagement/admin/invitations.html"
    page_title = gettext_lazy("邀请码")
    header_icon = "key"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        survey = survey_or_refuse(self.request, self.kwargs["pk"])
        context.update(survey=survey, page_subtitle=survey.title,
                       batches=selectors.invitation_batches(survey),
                       form=kwargs.get("form") or InvitationBatchForm(),
                       invitation_mode=survey.response_rule == ResponseRule.INVITATION)
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        survey = survey_or_refuse(request, pk)
        form = InvitationBatchForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            batch = responses.generate_invitations(
                survey=survey, count=form.cleaned_data["count"],
                label=form.cleaned_data["label"], by=request.user)
        except services.ServiceError as error:
            messages.error(request, str(error))
        else:
            count = form.cleaned_data["count"]
            messages.success(request,
                             f"已生成{count}个邀请码（{batch.label}），请导出后发给受邀人。")
        return redirect(f"{NS}:survey_invitations", pk=survey.pk)


def invitation_rows(survey: SurveyPage, batch: SurveyInvitationBatch) -> list[list[str]]:
    """One row per code: number, code, the link with the code in it, whether it was used."""
    base = absolute(survey.url)
    rows = [["序号", "邀请码", "答卷链接", "状态", "发放对象"]]
    for n, (invitation, code) in enumerate(selectors.invitation_codes(batch), start=1):
        rows.append([str(n), code, f"{base}?{urlencode({'code': code})}",
                     "已使用" if invitation.used_at else "未使用", batch.label])
    return rows


class InvitationExportView(AgencyStaffOnly, View):
    """A batch's codes and links as CSV (UTF-8 with BOM, for Excel) or XLSX."""

    def get(self, request: HttpRequest, pk: int, batch: int, fmt: str) -> HttpResponse:
        survey = survey_or_refuse(request, pk)
        found = survey.invitation_batches.filter(pk=batch).first()
        if found is None:
            raise PermissionDenied
        responses.record_invitation_export(batch=found, by=request.user, fmt=fmt)
        rows = invitation_rows(survey, found)
        name = f"survey-{survey.pk}-invitations-{found.pk}"
        if fmt == "csv":
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            response = HttpResponse("\ufeff" + text.getvalue(),  # BOM: Excel reads UTF-8
                                    content_type="text/csv; charset=utf-8")
        else:
            from openpyxl import Workbook

            book = Workbook()
            sheet = book.create_sheet("邀请码", 0)
            book.remove(book.worksheets[1])  # the default empty sheet
            for row in rows:
                sheet.append(row)
            buffer = io.BytesIO()
            book.save(buffer)
            response = HttpResponse(
                buffer.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        response["Cache-Control"] = "no-store"  # the file is a set of ballots
        return response
