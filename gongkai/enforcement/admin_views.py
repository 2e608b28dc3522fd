"""统计执法公开 in the Wagtail admin: plans with their lists and draws, penalty decisions
with their publication deadline.

Thin views: every object is looked up through the user's agencies (another agency's
object and a missing one are refused alike), every change is a service call, and a
refused form is shown again with what was typed and the reason.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from gongkai.core.admin_actions import ActionFormView
from gongkai.core.agencies import agencies_for
from gongkai.core.selectors import load_calendar
from gongkai.core.widgets import DateInput
from gongkai.enforcement import rules, selectors, services
from gongkai.enforcement.enums import InspectionOutcome, PartyKind, PenaltyStatus
from gongkai.enforcement.models import InspectionPlan, PenaltyDecision

User = AbstractBaseUser | AnonymousUser
NS = "enforcement_admin"
DATE = DateInput()


# --- Forms --------------------------------------------------------------------------------


class AgencyChoiceForm(forms.Form):
    agency = forms.ModelChoiceField(label="机关", queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = agencies_for(user).order_by("sort_order", "pk")


class PlanForm(AgencyChoiceForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", max_length=200)
    items = forms.CharField(label="抽查事项（每行一项）", widget=forms.Textarea(attrs={"rows": 4}))
    scope = forms.CharField(label="抽查范围与比例", required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    schedule = forms.CharField(label="时间安排", required=False, max_length=200)
    sample_size = forms.IntegerField(label="抽取企业数", min_value=1, max_value=10000, initial=10)
    team_size = forms.IntegerField(label="每组执法检查人员数", min_value=2, max_value=10, initial=2)


class UploadForm(forms.Form):
    file = forms.FileField(label="名录文件（CSV或XLSX，第一行为列名）")


class ExclusionForm(forms.Form):
    cert_no = forms.CharField(label="执法证号", max_length=40)
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    reason = forms.CharField(label="回避理由（内部）", max_length=200)


class FreezeForm(forms.Form):
    seed_source = forms.CharField(
        label="随机数来源（事先公布、届时才产生的公开数值）", max_length=300,
        help_text="例如：中国福利彩票双色球第2026138期开奖号码（按开奖公告原文录入）。")
    seed_source_url = forms.URLField(label="来源网址", required=False, assume_scheme="https")


class DrawForm(forms.Form):
    freeze = forms.IntegerField(widget=forms.HiddenInput)
    seed_value = forms.CharField(label="随机数（公布的数值原文）", max_length=300)
    reason = forms.CharField(label="重新摇号的理由（同一冻结名录再次摇号时必填）", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ResultForm(forms.Form):
    draw = forms.IntegerField(widget=forms.HiddenInput)
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    outcome = forms.ChoiceField(label="检查结果", choices=InspectionOutcome.choices)
    inspected_on = forms.DateField(label="检查日期", required=False, widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=300)


class CatalogForm(forms.Form):
    draw = forms.IntegerField(widget=forms.HiddenInput, required=False)
    publish = forms.BooleanField(label="直接发布（审核发布人员；否则生成草稿进入保密审查）",
                                 required=False)


class PenaltyForm(AgencyChoiceForm):
    case_number = forms.CharField(label="案号（决定书文号）", max_length=60)
    party_kind = forms.ChoiceField(label="当事人类型", choices=PartyKind.choices)
    party_name = forms.CharField(label="当事人名称或姓名", max_length=200)
    party_code = forms.CharField(label="统一社会信用代码（组织）", max_length=18, required=False)
    facts = forms.CharField(label="主要违法事实", widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.CharField(label="处罚依据", widget=forms.Textarea(attrs={"rows": 2}))
    penalty = forms.CharField(label="处罚内容", widget=forms.Textarea(attrs={"rows": 2}))
    fine_amount = forms.DecimalField(label="罚款金额（元）", required=False, min_value=0,
                                     max_digits=14, decimal_places=2)
    decided_on = forms.DateField(label="处罚决定日期", widget=DATE)


class NoticeForm(forms.Form):
    on = forms.DateField(label="日期", widget=DATE)
    notice = forms.CharField(label="公开说明", widget=forms.Textarea(attrs={"rows": 2}))
    penalty = forms.CharField(label="变更后的处罚内容（仅变更时填写）", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    fine_amount = forms.DecimalField(label="变更后的罚款金额（元）", required=False, min_value=0,
                                     max_digits=14, decimal_places=2)


# --- Views --------------------------------------------------------------------------------


class StaffView(ActionFormView):
    """The enforcement pages: a refused list import shows its first 50 errors."""

    header_icon = "law"
    refusals = (services.ServiceError,)

    def make_form(self, name: str, data: Any, files: Any = None) -> forms.Form:
        form_class = self.actions[name][0]
        if issubclass(form_class, AgencyChoiceForm):
            return form_class(data, files, user=self.request.user)
        return form_class(data, files)

    def refuse(self, form: forms.Form, error: Exception) -> None:
        if isinstance(error, services.ImportRefused):
            for each in error.errors[:50]:
                form.add_error(None, str(each))
            messages.error(self.request, str(error))
        else:
            super().refuse(form, error)

    def per_object(self, name: str, field: str, pks: list[int]) -> dict[int, forms.Form]:
        """One form of action ``name`` per object, the refused one bound (keeps its input)."""
        made: dict[int, forms.Form] = {}
        for pk in pks:
            form_class = self.actions[name][0]
            made[pk] = form_class(initial={field: pk})
        if self.bound is not None and self.bound[0] == name:
            try:
                pk = int(self.bound[1].data.get(field) or 0)
            except ValueError:
                pk = 0
            if pk in made:
                made[pk] = self.bound[1]
        return made


class HomeView(StaffView):
    template_name = "enforcement/admin/home.html"
    page_title = "统计执法公开"
    actions = {"plan": (PlanForm, "create_plan"), "penalty": (PenaltyForm, "record_penalty")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = selectors.staff_decisions(self.request.user, today=today, calendar=load_calendar())
        context.update({
            "plans": InspectionPlan.objects.filter(
                agency__in=agencies_for(self.request.user)).select_related("agency"),
            "penalty_rows": rows, "today": today,
            "overdue_count": sum(1 for r in rows if r.deadline.state == "overdue"),
        })
        return context

    def create_plan(self, data: dict[str, Any]) -> HttpResponse:
        plan = services.create_plan(
            agency=data["agency"], year=data["year"], title=data["title"], items=data["items"],
            scope=data["scope"], schedule=data["schedule"], sample_size=data["sample_size"],
            team_size=data["team_size"], by=self.request.user)
        messages.success(self.request, "已建立抽查计划。")
        return redirect(reverse(f"{NS}:plan", args=[plan.pk]))

    def record_penalty(self, data: dict[str, Any]) -> HttpResponse:
        decision = services.record_penalty(agency=data["agency"], by=self.request.user,
                                           data=services.PenaltyData(
            case_number=data["case_number"], party_kind=PartyKind(data["party_kind"]),
            party_name=data["party_name"], party_code=data["party_code"],
            facts=data["facts"], legal_basis=data["legal_basis"], penalty=data["penalty"],
            fine_amount=data["fine_amount"], decided_on=data["decided_on"]))
        messages.success(self.request, "已登记行政处罚决定，请在7个工作日内公开。")
        return redirect(reverse(f"{NS}:penalty", args=[decision.pk]))


class PlanView(StaffView):
    template_name = "enforcement/admin/plan.html"
    actions = {
        "enterprises": (UploadForm, "load_enterprises"),
        "inspectors": (UploadForm, "load_inspectors"),
        "exclusion": (ExclusionForm, "add_exclusion"),
        "freeze": (FreezeForm, "freeze"),
        "draw": (DrawForm, "run_draw"),
        "result": (ResultForm, "record_result"),
        "publish_plan": (CatalogForm, "publish_plan"),
        "publish_results": (CatalogForm, "publish_results"),
    }

    @property
    def plan(self) -> InspectionPlan:
        if not hasattr(self, "_plan"):
            found = selectors.plan_for_staff(self.request.user, int(self.kwargs["pk"]))
            if found is None:
                raise PermissionDenied
            self._plan = found
        return self._plan

    def get_page_title(self) -> str:
        return self.plan.title

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plan = self.plan
        draws = list(selectors.agency_draws(plan.agency).filter(freeze__plan=plan))
        freezes = list(plan.freezes.order_by("-frozen_at"))
        draw_forms = self.per_object("draw", "freeze", [f.pk for f in freezes])
        result_forms = self.per_object("result", "draw", [d.pk for d in draws])
        if draws and not (self.bound and self.bound[0] == "publish_results"):
            context["forms"]["publish_results"] = CatalogForm(initial={"draw": draws[-1].pk})
        context.update({
            "plan": plan, "freezes": [(f, draw_forms[f.pk]) for f in freezes],
            "draws": [(d, result_forms[d.pk]) for d in draws],
            "enterprise_count": plan.enterprises.count(),
            "inspector_count": plan.inspectors.count(),
            "exclusions": plan.exclusions.select_related("inspector", "enterprise"),
            "publications": plan.publications.select_related("page"),
        })
        return context

    def load_enterprises(self, data: dict[str, Any]) -> str:
        upload = data["file"]
        count = services.load_enterprises(self.plan, filename=upload.name, data=upload.read(),
                                          by=self.request.user)
        return f"已导入检查对象名录{count}家。"

    def load_inspectors(self, data: dict[str, Any]) -> str:
        upload = data["file"]
        count = services.load_inspectors(self.plan, filename=upload.name, data=upload.read(),
                                         by=self.request.user)
        return f"已导入执法检查人员名录{count}人。"

    def add_exclusion(self, data: dict[str, Any]) -> str:
        services.add_exclusion(self.plan, cert_no=data["cert_no"], uscc=data["uscc"],
                               reason=data["reason"], by=self.request.user)
        return "已记录回避关系。"

    def freeze(self, data: dict[str, Any]) -> str:
        services.freeze_lists(self.plan, seed_source=data["seed_source"],
                              seed_source_url=data["seed_source_url"], by=self.request.user)
        return "名录已冻结，哈希值和随机数来源已公布。"

    def run_draw(self, data: dict[str, Any]) -> str:
        freeze = self.plan.freezes.filter(pk=data["freeze"]).first()
        if freeze is None:
            raise PermissionDenied
        made = services.run_draw(freeze, seed_value=data["seed_value"], reason=data["reason"],
                                 by=self.request.user)
        return f"第{made.sequence}次摇号完成，记录已公开。"

    def record_result(self, data: dict[str, Any]) -> str:
        made = selectors.agency_draws(self.plan.agency).filter(
            pk=data["draw"], freeze__plan=self.plan).first()
        if made is None:
            raise PermissionDenied
        services.record_result(made, uscc=data["uscc"], outcome=InspectionOutcome(data["outcome"]),
                               inspected_on=data["inspected_on"], note=data["note"],
                               by=self.request.user)
        return "已记录检查结果。"

    def publish_plan(self, data: dict[str, Any]) -> str:
        services.publish_plan(self.plan, by=self.request.user, publish=data["publish"])
        return "抽查计划已列入政府信息公开目录。"

    def publish_results(self, data: dict[str, Any]) -> str:
        made = selectors.agency_draws(self.plan.agency).filter(
            pk=data.get("draw") or 0, freeze__plan=self.plan).first()
        if made is None:
            raise services.ServiceError("请先完成摇号。")
        url = reverse("enforcement:draw", args=[self.plan.agency.slug, made.sequence])
        services.publish_results(made, by=self.request.user, publish=data["publish"],
                                 public_url=url)
        return "抽查结果已列入政府信息公开目录。"


class PenaltyView(StaffView):
    template_name = "enforcement/admin/penalty.html"
    actions = {"publish": (forms.Form, "publish"), "change": (NoticeForm, "change"),
               "revoke": (NoticeForm, "revoke")}

    @property
    def decision(self) -> PenaltyDecision:
        if not hasattr(self, "_decision"):
            found = selectors.decision_for_staff(self.request.user, int(self.kwargs["pk"]))
            if found is None:
                raise PermissionDenied
            self._decision = found
        return self._decision

    def get_page_title(self) -> str:
        return f"行政处罚决定 {self.decision.case_number}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        decision = self.decision
        published_on = (timezone.localdate(decision.published_at)
                        if decision.published_at else None)
        context.update({
            "decision": decision, "events": decision.events.order_by("at", "id"),
            "deadline": rules.publication_deadline(
                decided_on=decision.decided_on, published_on=published_on,
                today=timezone.localdate(), calendar=load_calendar()),
            "can_publish": decision.status == PenaltyStatus.RECORDED,
            "is_revoked": decision.status == PenaltyStatus.REVOKED,
        })
        return context

    def publish(self, data: dict[str, Any]) -> str:
        services.publish_penalty(self.decision, by=self.request.user)
        return "已公开（自然人姓名和个人信息已遮盖）。"

    def change(self, data: dict[str, Any]) -> str:
        changes: dict[str, Any] = {}
        if data["penalty"].strip():
            changes["penalty"] = data["penalty"]
        if data["fine_amount"] is not None:
            changes["fine_amount"] = data["fine_amount"]
        services.change_penalty(self.decision, changes=changes, notice=data["notice"],
                                on=data["on"], by=self.request.user)
        return "已记录变更并更新公开信息。"

    def revoke(self, data: dict[str, Any]) -> str:
        services.revoke_penalty(self.decision, notice=data["notice"], on=data["on"],
                                by=self.request.user)
        return "已撤销，公开信息已撤回并公布说明。"
