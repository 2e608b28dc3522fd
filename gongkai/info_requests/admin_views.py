"""The 依申请公开 workbench in the Wagtail admin: the queue, the case page, its actions and
letters.

Thin views: every case is looked up through ``selectors.application_for_staff`` (the
user's agencies; superusers all), a case outside them is refused with ``PermissionDenied``
(Wagtail answers with a redirect to the dashboard, as for any other refusal), and every
change is a service call (``services``, ``publication``). A ``ServiceError`` becomes a
Chinese error message on the case page; nothing typed is lost in the meaning that the
form is shown again with the message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from gongkai.catalog.models import ColumnPage
from gongkai.core.agencies import agencies_for, has_role, scope_to_user
from gongkai.core.models import Agency
from gongkai.core.widgets import DateInput
from gongkai.info_requests import fees, letters, publication, selectors, services
from gongkai.info_requests.enums import (
    OUTCOME_RULES,
    EventKind,
    FeeMethod,
    LetterKind,
    Outcome,
    OutcomeGroup,
    Status,
)
from gongkai.info_requests.models import Application, Letter
from gongkai.info_requests.models_publication import ProactiveDisclosureLink, PublishedReply

User = AbstractBaseUser | AnonymousUser
NS = "info_requests_admin"


# --- Lookups (scoped) --------------------------------------------------------------------------


def case_or_refuse(user: User, pk: int) -> Application:
    application = selectors.application_for_staff(user, pk)
    if application is None:  # another agency's case and a missing one look the same
        raise PermissionDenied
    return application


def letter_or_refuse(user: User, pk: int) -> Letter:
    letter = (scope_to_user(Letter.objects.select_related("application", "agency"), user)
              .filter(pk=pk).first())
    if letter is None:
        raise PermissionDenied
    return letter


def case_url(application: Application) -> str:
    return reverse(f"{NS}:case", args=[application.pk])


# --- Forms (Chinese labels; the services check the law) ----------------------------------


def outcome_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every outcome, grouped as in table 三 of the annual report."""
    groups: dict[OutcomeGroup, list[tuple[str, str]]] = {g: [] for g in OutcomeGroup}
    for outcome, rule in OUTCOME_RULES.items():
        groups[rule.group].append((outcome.value, f"{rule.report_row} {outcome.label}"))
    return [(str(group.label), items) for group, items in groups.items() if items]


class DateForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("日期"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("备注（内部）"), required=False, max_length=500)


class CorrectionForm(DateForm):
    items = forms.CharField(label=gettext_lazy("需要补正的事项（每行一项）"), widget=forms.Textarea(
        attrs={"rows": 3}))
    period_days = forms.IntegerField(label=gettext_lazy("补正期限（工作日）"), required=False,
                                     min_value=1, max_value=60)


PARTY_KINDS = [("third_party", gettext_lazy("第三方（第三十二条）")),
               ("agency", gettext_lazy("其他机关（第三十四条）"))]


class ConsultationForm(DateForm):
    party_kind = forms.ChoiceField(label=gettext_lazy("征求对象"), choices=PARTY_KINDS)
    party = forms.CharField(label=gettext_lazy("名称"), max_length=100, required=False)
    delivered_on = forms.DateField(label=gettext_lazy("征求意见书送达日期"), required=False,
                                   widget=DateInput())


class ExtensionForm(DateForm):
    days = forms.IntegerField(label=gettext_lazy("延长工作日数"), min_value=1, max_value=20,
                              initial=20)


class DelayForm(DateForm):
    until = forms.DateField(label=gettext_lazy("答复期限"),
                            widget=DateInput())


class FeeForm(DateForm):
    method = forms.ChoiceField(label=gettext_lazy("收费方式"), choices=FeeMethod.choices)
    units = forms.IntegerField(
        label=gettext_lazy("页数（按量）或本月第几件申请（按件）"), min_value=1)
    pay_by = forms.DateField(label=gettext_lazy("缴费期限（留空按20个工作日）"), required=False,
                             widget=DateInput())


class ReplyForm(DateForm):
    outcome = forms.ChoiceField(label=gettext_lazy("办理结果"), choices=outcome_choices)
    on_the_spot = forms.BooleanField(label=gettext_lazy("当场答复"), required=False)


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=gettext_lazy("承办人"), queryset=None,  # type: ignore[arg-type]
                                     required=False, empty_label=gettext_lazy("（不指定）"))

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handler"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = get_user_model().objects.filter(
                is_active=True, agency_memberships__agency=agency).distinct().order_by("username")


class NoteForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("内部备注"), widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    reply_text = forms.CharField(
        label=gettext_lazy("公开的答复内容（留空则用答复告知书；公开前自动去除申请人姓名并遮盖个人信息）"),
        required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ProactiveForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("拟主动公开信息的名称"), max_length=255)
    column = forms.ModelChoiceField(label=gettext_lazy("栏目（留空为通知公告）"),
                                    queryset=None, required=False)  # type: ignore[arg-type]
    others = forms.CharField(label=gettext_lazy("同类申请的申请编号（可多个，以空格或逗号分隔）"),
                             required=False, max_length=1000)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["column"]
        home = agency.home_page
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = (ColumnPage.objects.descendant_of(home) if home is not None
                              else ColumnPage.objects.none())


class LetterKindForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("告知书类型"), choices=[
        (gettext_lazy("程序性告知书"), [(k.value, k.label) for k in LetterKind]),
        (gettext_lazy("答复告知书"), [(o.value, o.label) for o in Outcome]),
    ])
    fee_units = forms.IntegerField(label=gettext_lazy("收费通知书：页数或件次"), required=False,
                                   min_value=1)


class LetterBodyForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("正文"), widget=forms.Textarea(attrs={"rows": 24}))


# --- Actions: form + service call --------------------------------------------------------


Handler = Callable[[Application, dict[str, Any], User], str]


def _party(data: dict[str, Any]) -> tuple[EventKind, EventKind]:
    if data["party_kind"] == "agency":
        return EventKind.AGENCY_CONSULTATION_STARTED, EventKind.AGENCY_CONSULTATION_ENDED
    return EventKind.THIRD_PARTY_CONSULTATION_STARTED, EventKind.THIRD_PARTY_CONSULTATION_ENDED


def _event(kind: EventKind, data: dict[str, Any] | None = None
           ) -> Handler:
    def handle(app: Application, cleaned: dict[str, Any], by: User) -> str:
        services.record_event(app, kind, cleaned["on"], data or {}, by=by, note=cleaned["note"])
        return _("已记录：%(kind)s。") % {"kind": kind.label}
    return handle


def _confirm(app: Application, cleaned: dict[str, Any], by: User) -> str:
    services.confirm_receipt(app, cleaned["on"], by=by, note=cleaned["note"])
    return _("已确认收到申请，答复期限开始计算。")


def _correction(app: Application, cleaned: dict[str, Any], by: User) -> str:
    items = [line.strip() for line in cleaned["items"].splitlines() if line.strip()]
    data: dict[str, Any] = {"items": items}
    if cleaned.get("period_days"):
        data["period_days"] = cleaned["period_days"]
    services.record_event(app, EventKind.CORRECTION_REQUESTED, cleaned["on"], data, by=by,
                          note=cleaned["note"])
    return _("已记录补正告知。")


def _consult_start(app: Application, cleaned: dict[str, Any], by: User) -> str:
    start, _end = _party(cleaned)
    data: dict[str, Any] = {"party": cleaned["party"]}
    if cleaned.get("delivered_on"):
        data["delivered_on"] = cleaned["delivered_on"]
    services.record_event(app, start, cleaned["on"], data, by=by, note=cleaned["note"])
    return _("已记录征求意见，征求意见期间不计入答复期限。")


def _consult_end(app: Application, cleaned: dict[str, Any], by: User) -> str:
    _start, end = _party(cleaned)
    services.record_event(app, end, cleaned["on"], {"party": cleaned["party"]}, by=by,
                          note=cleaned["note"])
    return _("已记录征求意见结束。")


def _extension(app: Application, cleaned: dict[str, Any], by: User) -> str:
    services.record_event(app, EventKind.EXTENSION_APPROVED, cleaned["on"],
                          {"days": cleaned["days"]}, by=by, note=cleaned["note"])
    return _("已记录负责人同意延期；请告知申请人。")


def _delay(app: Application, cleaned: dict[str, Any], by: User) -> str:
    services.record_event(app, EventKind.DELAYED_REPLY, cleaned["on"],
                          {"until": cleaned["until"]}, by=by, note=cleaned["note"])
    return _("已记录延迟答复。")


def fee_quote(method: str, units: int) -> fees.FeeQuote:
    if method == FeeMethod.PER_APPLICATION:
        return fees.quote(FeeMethod.PER_APPLICATION, ordinal=units)
    return fees.quote(FeeMethod.PER_VOLUME, pages=units)


def _fee(app: Application, cleaned: dict[str, Any], by: User) -> str:
    quote = fee_quote(cleaned["method"], cleaned["units"])
    if quote.amount <= 0:
        raise services.ServiceError(_("按该标准不收取费用（免费额度内），无需发出收费通知。"))
    data: dict[str, Any] = {"method": quote.method.value, "units": cleaned["units"],
                            "amount": str(quote.amount)}
    if cleaned.get("pay_by"):
        data["pay_by"] = cleaned["pay_by"]
    services.record_event(app, EventKind.FEE_NOTICE_SENT, cleaned["on"], data, by=by,
                          note=cleaned["note"])
    return _("已记录收费通知，金额%(amount)s元；缴费前答复期限中止计算。") % {
        "amount": quote.amount}


def _reply(app: Application, cleaned: dict[str, Any], by: User) -> str:
    outcome = Outcome(cleaned["outcome"])
    letter = (app.letters.filter(kind=outcome.value, sent_at__isnull=True)
              .order_by("-id").first())
    if letter is not None and publication.blanks(letter):
        raise services.ServiceError(
            _("答复告知书 %(number)s 还有未填写的内容，请先完成告知书。")
            % {"number": letter.number})
    services.reply(app, outcome, cleaned["on"], by=by, letter=letter,
                   on_the_spot=cleaned["on_the_spot"], note=cleaned["note"])
    return _("已作出答复：%(outcome)s。") % {"outcome": outcome.label}


def _withdraw(app: Application, cleaned: dict[str, Any], by: User) -> str:
    services.withdraw(app, cleaned["on"], by=by, note=cleaned["note"])
    return _("已记录申请人撤回申请。")


def _assign(app: Application, cleaned: dict[str, Any], by: User) -> str:
    services.assign(app, cleaned["handler"], by=by)
    return _("已指定承办人。")


def _note(app: Application, cleaned: dict[str, Any], by: User) -> str:
    services.add_note(app, cleaned["text"], by=by)
    return _("已添加备注。")


def _publish(app: Application, cleaned: dict[str, Any], by: User) -> str:
    publication.publish_reply(app, by=by, reply_text=cleaned["reply_text"])
    return _("答复已在依申请公开结果中公开（已去除申请人姓名并遮盖个人信息）。")


def _unpublish(app: Application, cleaned: dict[str, Any], by: User) -> str:
    publication.unpublish_reply(app, by=by)
    return _("已撤下公开的答复。")


NUMBER_SPLIT = re.compile(r"[\s,，、;；]+")


def _proactive(app: Application, cleaned: dict[str, Any], by: User) -> str:
    numbers = [n for n in NUMBER_SPLIT.split(cleaned.get("others") or "") if n]
    cases = [app]
    for number in numbers:
        other = (selectors.staff_applications(by)
                 .filter(number=selectors.normalise_number(number)).first())
        if other is None:
            raise services.ServiceError(_("找不到申请编号 %(n)s。") % {"n": number})
        if other.pk != app.pk:
            cases.append(other)
    page = publication.convert_to_proactive(cases, by=by, title=cleaned["title"],
                                            column=cleaned.get("column"))
    return _("已在栏目中创建主动公开信息草稿“%(title)s”，请按保密审查、审核发布流程发布。") % {
        "title": page.title}


@dataclass(frozen=True)
class Action:
    label: Any  # a lazy translation
    form: type[forms.Form]
    handle: Handler
    needs_agency: bool = False


ACTIONS: dict[str, Action] = {
    "confirm": Action(gettext_lazy("确认收到申请"), DateForm, _confirm),
    "correction": Action(gettext_lazy("告知补正"), CorrectionForm, _correction),
    "correction-received": Action(gettext_lazy("收到补正材料"), DateForm,
                                  _event(EventKind.CORRECTION_RECEIVED)),
    "correction-lapsed": Action(gettext_lazy("逾期未补正"), DateForm,
                                _event(EventKind.CORRECTION_LAPSED)),
    "consult-start": Action(gettext_lazy("开始征求意见"), ConsultationForm, _consult_start),
    "consult-end": Action(gettext_lazy("征求意见结束"), ConsultationForm, _consult_end),
    "extension": Action(gettext_lazy("负责人同意延期"), ExtensionForm, _extension),
    "extension-notified": Action(gettext_lazy("告知申请人延期"), DateForm,
                                 _event(EventKind.EXTENSION_NOTIFIED)),
    "reasons": Action(gettext_lazy("要求说明理由"), DateForm, _event(EventKind.REASONS_REQUESTED)),
    "delay": Action(gettext_lazy("延迟答复"), DelayForm, _delay),
    "fee": Action(gettext_lazy("发出收费通知"), FeeForm, _fee),
    "fee-paid": Action(gettext_lazy("已缴费"), DateForm, _event(EventKind.FEE_PAID)),
    "fee-lapsed": Action(gettext_lazy("逾期未缴费"), DateForm,
                         _event(EventKind.FEE_DEADLINE_LAPSED)),
    "reply": Action(gettext_lazy("作出答复"), ReplyForm, _reply),
    "withdraw": Action(gettext_lazy("申请人撤回"), DateForm, _withdraw),
    "assign": Action(gettext_lazy("指定承办人"), AssignForm, _assign, needs_agency=True),
    "note": Action(gettext_lazy("添加备注"), NoteForm, _note),
    "publish": Action(gettext_lazy("公开答复结果"), PublishForm, _publish),
    "unpublish": Action(gettext_lazy("撤下公开的答复"), forms.Form, _unpublish),
    "proactive": Action(gettext_lazy("转为主动公开（第四十四条）"), ProactiveForm, _proactive,
                        needs_agency=True),
}


ROLE_REFUSALS = {
    "extension": gettext_lazy("延期答复须经政府信息公开工作机构负责人同意：请由“审核发布”或"
                              "“单位管理员”角色的工作人员记录。"),
}


def make_form(name: str, application: Application, data: Any = None) -> forms.Form:
    action = ACTIONS[name]
    kwargs: dict[str, Any] = {"prefix": name}
    if action.needs_agency:
        kwargs["agency"] = application.agency
    if issubclass(action.form, DateForm):
        kwargs["initial"] = {"on": timezone.localdate()}
    if data is not None:
        return action.form(data, **kwargs)
    return action.form(**kwargs)


def run_action(request: HttpRequest, application: Application, name: str) -> str | None:
    """Validate and run one action; the success message, or None after an error message."""
    form = make_form(name, application, request.POST)
    if not form.is_valid():
        errors = "；".join(
            f"{form.fields[f].label if f in form.fields else ''}：{' '.join(str(m) for m in e)}"
            for f, e in form.errors.items())
        messages.error(request, _("未能办理：%(errors)s") % {"errors": errors})
        return None
    try:
        return ACTIONS[name].handle(application, form.cleaned_data, request.user)
    except services.ServiceError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except ValueError as error:
        messages.error(request, _("输入有误：%(e)s") % {"e": error})
    except PermissionDenied:
        # The case is the user's (checked before); what is missing is a role.
        messages.error(request, ROLE_REFUSALS.get(name, _("您没有办理该事项的权限。")))
    return None


# --- Views -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    application: Application
    deadlines: Any
    flag: str  # “已超期…”/“即将到期…” in words, not only colour


def flag_text(deadlines: Any) -> str:
    if deadlines.overdue:
        return _("已超期%(n)d个工作日") % {"n": deadlines.working_days_overdue}
    if deadlines.at_risk:
        return _("即将到期（剩余%(n)d个工作日）") % {"n": deadlines.working_days_left or 0}
    return ""


STATUS_FILTERS = [("", gettext_lazy("办理中的申请")), ("all", gettext_lazy("全部")),
                  *((s.value, s.label) for s in Status)]


class AgencyStaffOnly:
    """Refuses anyone who is not staff of at least one agency (superusers are)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not agencies_for(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class QueueView(AgencyStaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    """依申请公开: the user's cases ordered by due date."""

    template_name = "info_requests/admin/queue.html"
    page_title = gettext_lazy("依申请公开")
    header_icon = "mail"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        today = timezone.localdate()
        status = self.request.GET.get("status", "")
        handler = self.request.GET.get("handler", "")
        entries = selectors.queue_for(self.request.user, today, include_closed=bool(status))
        if status and status != "all":
            entries = [e for e in entries if e.application.status == status]
        if handler == "me":
            entries = [e for e in entries if e.application.handler_id == self.request.user.pk]
        elif handler == "none":
            entries = [e for e in entries if e.application.handler_id is None]
        elif handler.isdigit():
            entries = [e for e in entries if e.application.handler_id == int(handler)]
        rows = [QueueRow(e.application, e.deadlines, flag_text(e.deadlines)) for e in entries]
        agencies = agencies_for(self.request.user)
        context.update({
            "rows": rows, "today": today, "status": status, "handler": handler,
            "status_choices": STATUS_FILTERS,
            "handlers": get_user_model().objects.filter(
                agency_memberships__agency__in=agencies).distinct().order_by("username"),
            "overdue_count": sum(1 for r in rows if r.deadlines.overdue),
            "at_risk_count": sum(1 for r in rows if r.deadlines.at_risk),
        })
        return context


@dataclass(frozen=True)
class HistoryRow:
    on: dt.date
    label: str
    basis: str
    actor: str
    recorded_at: dt.datetime
    data: dict[str, Any]
    note: str


class CaseView(WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "info_requests/admin/case.html"
    header_icon = "mail"

    def get_page_title(self) -> str:
        return _("申请 %(number)s") % {"number": self.application.number}

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*super().get_breadcrumbs_items(),
                {"url": reverse(f"{NS}:queue"), "label": _("依申请公开")},
                {"url": "", "label": self.application.number}]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.application = case_or_refuse(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        app = self.application
        today = timezone.localdate()
        events = list(app.events.select_related("actor").order_by("on", "id"))
        history = [HistoryRow(e.on, str(EventKind(e.kind).label),
                              selectors.EVENT_BASIS.get(e.kind, ""),
                              e.actor_label or _("系统"), e.created_at, e.data, e.note)
                   for e in events]
        deadlines = selectors.deadlines(app, today, events=events)
        letter_rows = [(letter, publication.blanks(letter))
                       for letter in app.letters.order_by("created_at", "id")]
        context.update({
            "application": app,
            "deadlines": deadlines,
            "today": today,
            # ID number and address: only for staff of the handling agency.
            "show_personal": has_role(self.request.user, app.agency),
            "history": history,
            "notes": app.notes.all(),
            "letters": letter_rows,
            "fees": app.fees.all(),
            "published": PublishedReply.objects.filter(application=app).first(),
            "proactive_links": ProactiveDisclosureLink.objects.filter(application=app)
            .select_related("page"),
            "actions": [(name, action.label, make_form(name, app))
                        for name, action in ACTIONS.items()],
            "letter_form": LetterKindForm(),
            "flag": flag_text(deadlines),
        })
        return context


class ActionView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        application = case_or_refuse(request.user, pk)
        if action not in ACTIONS:
            raise PermissionDenied
        done = run_action(request, application, action)
        if done:
            messages.success(request, done)
        return redirect(case_url(application))


class NewLetterView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = case_or_refuse(request.user, pk)
        form = LetterKindForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择告知书类型。"))
            return redirect(case_url(application))
        kind = form.cleaned_data["kind"]
        quote = None
        units = form.cleaned_data.get("fee_units")
        if kind == LetterKind.FEE_NOTICE and units:
            method = application.fees.order_by("-id").values_list("method", flat=True).first()
            quote = fee_quote(method or FeeMethod.PER_VOLUME, units)
        try:
            letter = publication.draft_letter(application, kind, by=request.user, fee=quote)
        except services.ServiceError as error:
            messages.error(request, str(error))
            return redirect(case_url(application))
        messages.success(request, _("已生成告知书 %(number)s，请核对并填写【请填写】处。")
                         % {"number": letter.number})
        return redirect(reverse(f"{NS}:letter", args=[letter.pk]))


class LetterView(WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "info_requests/admin/letter.html"
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.letter = letter_or_refuse(request.user, kwargs["letter_pk"])
        self.form = LetterBodyForm(initial={"body": self.letter.body})
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return _("告知书 %(number)s") % {"number": self.letter.number}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.form = LetterBodyForm(request.POST)
        if self.form.is_valid():
            try:
                services.update_letter(self.letter, self.form.cleaned_data["body"].replace(
                    "\r\n", "\n"), by=request.user)
            except services.ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("告知书已保存。"))
                return redirect(reverse(f"{NS}:letter", args=[self.letter.pk]))
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update({"letter": self.letter, "form": self.form,
                        "blanks": publication.blanks(self.letter),
                        "title": letters.title_of(letters.resolve_kind(self.letter.kind)),
                        "case_url": case_url(self.letter.application)})
        return context


class SendLetterView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, letter_pk: int) -> HttpResponse:
        letter = letter_or_refuse(request.user, letter_pk)
        try:
            publication.send_letter(letter, by=request.user)
        except services.ServiceError as error:
            messages.error(request, str(error))
            return redirect(reverse(f"{NS}:letter", args=[letter.pk]))
        messages.success(request, _("告知书 %(number)s 已标记为送达。") % {"number": letter.number})
        return redirect(case_url(letter.application))


class LetterFileView(View):
    http_method_names = ["get"]
    TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "pdf": "application/pdf"}

    def get(self, request: HttpRequest, letter_pk: int, fmt: str) -> HttpResponse:
        letter = letter_or_refuse(request.user, letter_pk)
        if fmt not in self.TYPES:
            raise PermissionDenied
        title = letters.title_of(letters.resolve_kind(letter.kind))
        render = letters.to_docx if fmt == "docx" else letters.to_pdf
        content = render(letter.body, title=title, number=letter.number)
        response = HttpResponse(content, content_type=self.TYPES[fmt])
        # An ASCII file name: the number's Chinese prefix is in the document itself.
        response["Content-Disposition"] = (
            f'attachment; filename="letter-{letter.year}-{letter.serial}.{fmt}"')
        response["Cache-Control"] = "private, no-store"
        return response
