"""登记申请: staff register an application received in person, by post, fax, e-mail or
telephone (代为填写), with the receipt-date rule of 《条例》第三十一条 for its channel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from gongkai.core.agencies import agencies_for
from gongkai.core.models import Agency
from gongkai.core.widgets import DateInput
from gongkai.info_requests import services
from gongkai.info_requests.admin_views import AgencyStaffOnly
from gongkai.info_requests.enums import Channel
from gongkai.info_requests.forms import ApplicationForm

OFFLINE_CHOICES = [(c.value, c.label) for c in Channel if c in services.OFFLINE_CHANNELS]


class IntakeForm(ApplicationForm):
    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        label="受理机关", queryset=Agency.objects.none(), empty_label=None)
    channel = forms.ChoiceField(label="申请方式", choices=OFFLINE_CHOICES)
    submitted_on = forms.DateField(
        label="提交日期", widget=DateInput(),
        help_text="当面提交、代为填写的，即收到申请之日；邮寄的为寄达日期。")
    signed_on = forms.DateField(
        label="签收日期", required=False, widget=DateInput(),
        help_text="挂号信、邮政快递：本机关签收之日为收到申请之日（第三十一条第二项）。"
                  "平信、传真、电子邮件：收到日期以与申请人确认之日为准，登记后在办理页面记录确认。")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        if isinstance(agency_field, forms.ModelChoiceField):  # always; narrows the type
            agency_field.queryset = agencies_for(user).order_by("sort_order", "id")
        self.fields.pop("attachments", None)  # paper originals stay with the case file

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        submitted, signed = cleaned.get("submitted_on"), cleaned.get("signed_on")
        today = timezone.localdate()
        if isinstance(submitted, dt.date) and submitted > today:
            self.add_error("submitted_on", "提交日期不能晚于今天。")
        if signed and cleaned.get("channel") != Channel.REGISTERED_POST:
            self.add_error("signed_on", "只有挂号信或邮政快递填写签收日期。")
        return cleaned


class IntakeView(AgencyStaffOnly, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    template_name = "info_requests/admin/intake.html"
    page_title = gettext_lazy("登记申请")
    header_icon = "mail"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.setdefault("form", IntakeForm(user=self.request.user, initial={
            "idempotency_key": services.new_idempotency_key(),
            "submitted_on": timezone.localdate()}))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = IntakeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                submission = services.register_offline_application(
                    form.applicant_data(), agency=form.cleaned_data["agency"],
                    channel=Channel(form.cleaned_data["channel"]),
                    submitted_on=form.cleaned_data["submitted_on"], by=request.user,
                    signed_on=form.cleaned_data["signed_on"],
                    idempotency_key=form.cleaned_data["idempotency_key"] or None)
            except services.ServiceError as error:
                form.add_error(None, str(error))
            else:
                # The 查询码 is shown once, here, for the receipt given to the applicant.
                return TemplateResponse(request, "info_requests/admin/intake_done.html", {
                    **self.get_context_data(), "submission": submission})
        return self.render_to_response(self.get_context_data(form=form))
