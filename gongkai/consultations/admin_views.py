"""The 互动交流 workbench in the Wagtail admin: the message queue and case page with its
actions, the confidential report register, the FAQ, the agency settings, the dashboard panel.

Thin views: every object is looked up through the user's agencies (``selectors.staff_*``;
another agency's object is refused like a missing one) and every change is a service call.
A reporter's identity appears only in the response to an explicit, reasoned, audited
request by a user with ``consultations.view_reporter_identity`` — never in a listing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from gongkai.consultations import selectors, services
from gongkai.consultations.enums import CLOSED_STATUSES, EventKind, ReportStatus, Status
from gongkai.consultations.models import ConsultationSettings, FaqEntry, Message, ViolationReport
from gongkai.core.agencies import agencies_for, has_role
from gongkai.core.models import Agency
from gongkai.core.selectors import load_calendar

User = AbstractBaseUser | AnonymousUser
NS = "consultations_admin"


def message_or_refuse(user: User, pk: int) -> Message:
    found = selectors.staff_messages(user).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied
    return found


def report_or_refuse(user: User, pk: int) -> ViolationReport:
    found = selectors.staff_reports(user).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied
    return found


class AgencyStaffOnly:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not agencies_for(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


# --- Forms --------------------------------------------------------------------------------------


class ForwardForm(forms.Form):
    to = forms.ModelChoiceField(label="转交机关", queryset=Agency.objects.all())
    reason = forms.CharField(label="转交理由（将告知留言人）", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DraftForm(forms.Form):
    text = forms.CharField(label="答复内容", max_length=services.REPLY_MAX,
                           widget=forms.Textarea(attrs={"rows": 8}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核意见", choices=[("approve", "审核通过"),
                                                        ("return", "退回修改")])
    comment = forms.CharField(label="审核说明（内部）", required=False, max_length=500)


class RejectForm(forms.Form):
    reason = forms.CharField(label="不予受理的理由（将告知留言人）", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label="内部备注", widget=forms.Textarea(attrs={"rows": 3}))


Handler = Callable[[Message, Mapping[str, Any], User], str]


def _forward(m: Message, d: Mapping[str, Any], by: User) -> str:
    services.forward(m, d["to"], d["reason"], by=by)
    return f"已转交{d['to'].name}办理。"


def _draft(m: Message, d: Mapping[str, Any], by: User) -> str:
    services.draft_reply(m, d["text"], by=by)
    return "答复已保存，待审核。"


def _review(m: Message, d: Mapping[str, Any], by: User) -> str:
    approve = d["decision"] == "approve"
    services.review_reply(m, by=by, approve=approve, comment=d["comment"])
    return "答复已审核通过，可以发出。" if approve else "答复已退回修改。"


def _send(m: Message, d: Mapping[str, Any], by: User) -> str:
    services.send_reply(m, by=by)
    return "答复已发出，留言人可凭查询码查看。"


def _reject(m: Message, d: Mapping[str, Any], by: User) -> str:
    services.reject(m, d["reason"], by=by)
    return "已作不予受理处理。"


def _note(m: Message, d: Mapping[str, Any], by: User) -> str:
    services.add_note(m, d["text"], by=by)
    return "已添加备注。"


def _publish(m: Message, d: Mapping[str, Any], by: User) -> str:
    services.publish(m, by=by)
    return "留言及答复已公开（已隐去姓名并遮盖个人信息）。"


def _unpublish(m: Message, d: Mapping[str, Any], by: User) -> str:
    services.unpublish(m, by=by)
    return "已撤下公开的留言。"


@dataclass(frozen=True)
class Action:
    label: str
    form: type[forms.Form]
    handle: Handler


ACTIONS: dict[str, Action] = {
    "draft": Action("拟写答复", DraftForm, _draft),
    "review": Action("审核答复", ReviewForm, _review),
    "send": Action("发出答复", forms.Form, _send),
    "forward": Action("转交其他机关", ForwardForm, _forward),
    "reject": Action("不予受理", RejectForm, _reject),
    "note": Action("添加内部备注", NoteForm, _note),
    "publish": Action("公开留言及答复", forms.Form, _publish),
    "unpublish": Action("撤下公开", forms.Form, _unpublish),
}


def available_actions(message: Message) -> list[str]:
    status = Status(message.status)
    if status == Status.PENDING:
        names = ["draft", "forward", "reject"]
    elif status == Status.DRAFTED:
        names = ["review", "draft"]
    elif status == Status.REVIEWED:
        names = ["send", "draft"]
    elif status == Status.REPLIED:
        names = ["unpublish"] if message.is_published else (
            ["publish"] if message.publish_consent else [])
    else:
        names = []
    return [*names, "note"]


# --- Messages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    message: Message
    due: dt.date | None
    flag: str


class QueueView(AgencyStaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "consultations/admin/queue.html"
    page_title = "互动交流"
    header_icon = "mail"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        today = timezone.localdate()
        show_all = self.request.GET.get("status") == "all"
        rows = []
        qs = selectors.staff_messages(self.request.user).prefetch_related("events")
        if not show_all:
            qs = qs.exclude(status__in=CLOSED_STATUSES)
        # One settings row per agency and one calendar for the whole queue, not per row.
        configs: dict[int, ConsultationSettings] = {}
        calendar = load_calendar()
        for message in qs.order_by("due_on", "id")[:500]:
            events = sorted(message.events.all(), key=lambda e: (e.on, e.pk))
            if message.agency_id not in configs:
                configs[message.agency_id] = ConsultationSettings.for_agency(message.agency)
            result = selectors.deadline(message, today, events=events, calendar=calendar,
                                        config=configs[message.agency_id])
            flag = ("已超期" if result.overdue else "即将到期" if result.at_risk else "")
            rows.append(QueueRow(message, result.due, flag))
        context.update(rows=rows, show_all=show_all, today=today,
                       overdue_count=sum(1 for r in rows if r.flag == "已超期"))
        return context


class MessageView(WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    """The case page. Actions post to ``…/action/<name>/``; a refused action shows the page
    again with the form as typed (nothing is lost), a done one redirects back here."""

    template_name = "consultations/admin/message.html"
    header_icon = "mail"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.message = message_or_refuse(request.user, kwargs["pk"])
        self.bound: dict[str, forms.Form] = {}
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"留言 {self.message.number}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        m = self.message
        events = list(m.events.order_by("on", "id"))
        context.update(
            message=m, deadline=selectors.deadline(m, timezone.localdate(), events=events),
            history=[(e, EventKind(e.kind).label) for e in events], notes=m.notes.all(),
            config=ConsultationSettings.for_agency(m.agency),
            actions=[(name, ACTIONS[name].label,
                      self.bound.get(name) or ACTIONS[name].form(prefix=name),
                      name in self.bound)
                     for name in available_actions(m)])
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _no_store(super().get(request, *args, **kwargs))

    def post(self, request: HttpRequest, pk: int, action: str = "") -> HttpResponse:
        if action not in ACTIONS:
            raise PermissionDenied
        form = ACTIONS[action].form(request.POST, prefix=action)
        if form.is_valid():
            try:
                done = ACTIONS[action].handle(self.message, form.cleaned_data, request.user)
            except services.ServiceError as error:
                messages.error(request, str(error))
            except PermissionDenied:
                messages.error(request, "您没有办理该事项的权限（审核须由审核角色办理）。")
            else:
                messages.success(request, done)
                return redirect(reverse(f"{NS}:message", args=[self.message.pk]))
        else:
            messages.error(request, "未能办理，请按提示修改。")
        self.bound[action] = form
        return self.get(request, pk=pk)


# --- Reports (统计违法举报) -----------------------------------------------------------------


class ReportUpdateForm(forms.Form):
    status = forms.ChoiceField(label="新的状态", required=False,
                               choices=[("", "（不改变）"), *ReportStatus.choices])
    text = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    to_reporter = forms.BooleanField(label="告知举报人（举报人凭查询码可见）", required=False)


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看事由（记入审计日志）", max_length=200)


class ReportListView(AgencyStaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "consultations/admin/reports.html"
    page_title = "统计违法举报"
    header_icon = "warning"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["reports"] = selectors.staff_reports(self.request.user)[:500]
        return context


class ReportView(WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "consultations/admin/report.html"
    header_icon = "warning"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.report = report_or_refuse(request.user, kwargs["pk"])
        self.identity: dict[str, str] | None = None
        self.reveal_form = RevealForm()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"举报 {self.report.number}"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "reveal" in request.POST:
            self.reveal_form = RevealForm(request.POST)
            if self.reveal_form.is_valid():
                try:
                    self.identity = services.reveal_identity(
                        self.report, by=request.user,
                        reason=self.reveal_form.cleaned_data["reason"])
                except services.ServiceError as error:
                    messages.error(request, str(error))
                except PermissionDenied as error:
                    messages.error(request, str(error))
            return _no_store(self.get(request, *args, **kwargs))
        form = ReportUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.update_report(self.report, by=request.user, **form.cleaned_data)
                messages.success(request, "已记录。")
            except services.ServiceError as error:
                messages.error(request, str(error))
        return redirect(reverse(f"{NS}:report", args=[self.report.pk]))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(report=self.report, entries=self.report.entries.all(),
                       update_form=ReportUpdateForm(), reveal_form=self.reveal_form,
                       identity=self.identity,
                       can_view_identity=services.can_view_identity(self.request.user,
                                                                     self.report))
        return context


# --- FAQ and settings -------------------------------------------------------------------------


class FaqForm(forms.Form):
    agency = forms.ModelChoiceField(label="机构", queryset=Agency.objects.none())
    question = forms.CharField(label="问题", max_length=200)
    answer = forms.CharField(label="解答", widget=forms.Textarea(attrs={"rows": 6}))
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0)
    is_public = forms.BooleanField(label="公开", required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for(user)  # type: ignore[attr-defined]


class FaqListView(AgencyStaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "consultations/admin/faq.html"
    page_title = "常见问题"
    header_icon = "help"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["entries"] = FaqEntry.objects.filter(
            agency__in=agencies_for(self.request.user)).select_related("agency")
        return context


class FaqEditView(AgencyStaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "consultations/admin/faq_edit.html"
    page_title = "编辑常见问题"
    header_icon = "help"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        pk = kwargs.get("pk")
        self.entry: FaqEntry | None = None
        if pk is not None:
            self.entry = FaqEntry.objects.filter(
                pk=pk, agency__in=agencies_for(request.user)).first()
            if self.entry is None:
                raise PermissionDenied
        initial = ({"agency": self.entry.agency, "question": self.entry.question,
                    "answer": self.entry.answer, "sort_order": self.entry.sort_order,
                    "is_public": self.entry.is_public} if self.entry else {})
        self.form = FaqForm(initial=initial, user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "delete" in request.POST and self.entry is not None:
            services.delete_faq(self.entry, by=request.user)
            messages.success(request, "已删除。")
            return redirect(reverse(f"{NS}:faq"))
        self.form = FaqForm(request.POST, user=request.user)
        if self.form.is_valid():
            d = self.form.cleaned_data
            try:
                services.save_faq(d["agency"], question=d["question"], answer=d["answer"],
                                  sort_order=d["sort_order"], is_public=d["is_public"],
                                  by=request.user, entry=self.entry)
            except services.ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "已保存。")
                return redirect(reverse(f"{NS}:faq"))
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(form=self.form, entry=self.entry)
        return context


class SettingsForm(forms.ModelForm[ConsultationSettings]):
    class Meta:
        model = ConsultationSettings
        fields = ["consultation_days", "complaint_days", "suggestion_days",
                  "independent_review", "report_phone", "other_phones"]


class SettingsView(AgencyStaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "consultations/admin/settings.html"
    header_icon = "cog"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        agency = agencies_for(request.user).filter(slug=kwargs["agency_slug"]).first()
        if agency is None:
            raise PermissionDenied
        self.agency = agency
        self.form = SettingsForm(instance=ConsultationSettings.for_agency(agency))
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"互动交流设置：{self.agency.name}"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.form = SettingsForm(request.POST,
                                 instance=ConsultationSettings.for_agency(self.agency))
        if self.form.is_valid():
            try:
                services.save_settings(self.form.save(commit=False), by=request.user)
            except PermissionDenied:
                messages.error(request, "设置须由单位管理员或审核发布角色修改。")
            else:
                messages.success(request, "设置已保存。")
                return redirect(reverse(f"{NS}:queue"))
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(form=self.form, agency=self.agency,
                       can_edit=has_role(self.request.user, self.agency))
        return context


# --- Dashboard ---------------------------------------------------------------------------------


class FiguresPanel(Component):  # type: ignore[misc]
    """互动交流 this year per agency: received, on time, late, open overdue, satisfaction."""

    name = "gongkai_consultations"
    template_name = "consultations/admin/panel.html"
    order = 120

    def __init__(self, agencies: list[Agency]) -> None:
        self.agencies = agencies

    def get_context_data(self, parent_context: Mapping[str, Any] | None) -> dict[str, Any]:
        year = timezone.localdate().year
        return {"year": year, "queue_url": reverse(f"{NS}:queue"),
                "rows": [(a, selectors.consultation_figures(a, year)) for a in self.agencies]}
