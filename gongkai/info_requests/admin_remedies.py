"""Recording 行政复议 and 行政诉讼 cases against the agency's OGI decisions (they make up
table 四 of the annual report). Scoped like the workbench: staff see and record only their
own agencies' cases; every change is audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from gongkai.core import audit
from gongkai.core.agencies import agencies_for, has_role, scope_to_user
from gongkai.core.widgets import DateInput
from gongkai.info_requests.models import OgiLitigationCase, OgiReviewCase

NS = "info_requests_admin"
FIELDS = ["agency", "case_number", "filed_on", "application", "concluded_on", "outcome", "note"]


class ReviewForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = OgiReviewCase
        fields = [*FIELDS, "review_body"]
        widgets = {"filed_on": DateInput(),
                   "concluded_on": DateInput()}


class LitigationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = OgiLitigationCase
        fields = [*FIELDS, "route", "review_case", "court"]
        widgets = {"filed_on": DateInput(),
                   "concluded_on": DateInput()}


def _scoped(form: forms.ModelForm, request: HttpRequest) -> forms.ModelForm:  # type: ignore[type-arg]
    agencies = agencies_for(request.user)
    form.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
    from gongkai.info_requests.models import Application

    form.fields["application"].queryset = scope_to_user(  # type: ignore[attr-defined]
        Application.objects.all(), request.user)
    if "review_case" in form.fields:
        form.fields["review_case"].queryset = scope_to_user(  # type: ignore[attr-defined]
            OgiReviewCase.objects.all(), request.user)
    return form


class RemediesView(WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "info_requests/admin/remedies.html"
    page_title = gettext_lazy("政府信息公开行政复议、行政诉讼案件")
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not agencies_for(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        user = self.request.user
        context.update({
            "reviews": scope_to_user(OgiReviewCase.objects.select_related("agency"), user)
            .order_by("-filed_on")[:200],
            "lawsuits": scope_to_user(OgiLitigationCase.objects.select_related("agency"), user)
            .order_by("-filed_on")[:200],
            "review_form": kwargs.get("review_form") or _scoped(ReviewForm(prefix="r"),
                                                                 self.request),
            "litigation_form": kwargs.get("litigation_form") or _scoped(
                LitigationForm(prefix="l"), self.request),
        })
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = request.POST.get("kind")
        form_class, prefix = (ReviewForm, "r") if kind == "review" else (LitigationForm, "l")
        form = _scoped(form_class(request.POST, prefix=prefix), request)
        if form.is_valid():
            case = form.save(commit=False)
            if not has_role(request.user, case.agency):
                raise PermissionDenied
            with transaction.atomic():
                case.recorded_by = request.user
                case.save()
                audit.record(action=f"info_requests.{case._meta.model_name}_recorded",
                             actor=request.user, agency=case.agency, target=case,
                             data={"case_number": case.case_number,
                                   "outcome": case.outcome})
            messages.success(request, "已登记。")
            return redirect(reverse(f"{NS}:remedies"))
        key = "review_form" if kind == "review" else "litigation_form"
        return self.render_to_response(self.get_context_data(**{key: form}))
