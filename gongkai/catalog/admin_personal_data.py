"""个人信息处理: the admin screen where a reviewer sees the personal data found in an item's
latest revision and resolves it, by masking the text or by a written override.

Thin: the findings come from ``personal_data.report_for``, the changes from the services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.models import Page

from gongkai.catalog import personal_data, services
from gongkai.catalog.models import DisclosureItemPage, PersonalDataOverride
from gongkai.core.text.pii import mask_personal_data


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("确需公开的理由"), widget=forms.Textarea(attrs={"rows": 3}),
        min_length=services.MIN_OVERRIDE_REASON,
        help_text=gettext_lazy("例如：依法需公开的行政处罚当事人信息（《条例》第二十条）。"
                               "理由将记入审计日志。"),
    )


def personal_data_url(page_id: int) -> str:
    return reverse("catalog_personal_data", args=[page_id])


def review_context(page: Page) -> dict[str, Any]:
    """What the 保密审查 step and this screen show about the latest revision."""
    report = personal_data.report_for(personal_data.latest_object(page))
    return {
        "report": report,
        "overrides": PersonalDataOverride.objects.filter(page_id=page.pk)[:5],
        "personal_data_url": personal_data_url(page.pk),
    }


class PersonalDataView(View):
    template_name = "catalog/admin/personal_data.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        page = get_object_or_404(Page, pk=kwargs["page_id"]).specific
        if not isinstance(page, DisclosureItemPage):
            raise Http404
        permissions = page.permissions_for_user(request.user)
        if not (permissions.can_edit()
                or services.can_resolve_personal_data(request.user, page)):
            raise PermissionDenied
        self.page = page
        return super().dispatch(request, *args, **kwargs)

    def render(self, form: OverrideForm | None = None, status: int = 200) -> HttpResponse:
        context = {
            **review_context(self.page),
            "page": self.page,
            "page_title": _("个人信息检查"),
            "header_title": _("个人信息检查：%(title)s")
            % {"title": mask_personal_data(self.page.get_admin_display_title())},
            "header_icon": "warning",
            "form": form or OverrideForm(),
            "can_resolve": services.can_resolve_personal_data(self.request.user, self.page),
            "edit_url": reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") == "mask":
            _revision, count = services.mask_page_personal_data(self.page, by=request.user)
            if count:
                messages.success(request, _("已遮蔽%(n)d处个人信息，并保存为新的版本。")
                                 % {"n": count})
            else:
                messages.warning(request, _("正文中没有可以自动遮蔽的个人信息。"))
            return redirect(personal_data_url(self.page.pk))
        form = OverrideForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            services.record_personal_data_override(self.page, by=request.user,
                                                   reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render(form, status=400)
        messages.success(request, _("已记录确需公开的理由。"))
        return redirect(personal_data_url(self.page.pk))
