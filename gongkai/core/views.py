"""The public 工作日计算器 page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongkai.core.api import missing_warning
from gongkai.core.selectors import load_calendar
from gongkai.core.widgets import DateInput
from gongkai.core.workdays import MAX_WORKING_DAYS, add_working_days, working_days_between


class AddForm(forms.Form):
    start = forms.DateField(label="起算日期", widget=DateInput(),
                            error_messages={"invalid": "请输入有效日期，例如 2024-09-27。",
                                            "required": "请输入起算日期。"})
    days = forms.IntegerField(label="工作日数", min_value=0, max_value=MAX_WORKING_DAYS,
                              initial=20,
                              error_messages={"required": "请输入工作日数。",
                                              "min_value": "工作日数不能为负数。",
                                              "max_value": f"工作日数不能超过{MAX_WORKING_DAYS}。",
                                              "invalid": "请输入整数。"})


class BetweenForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=DateInput(),
                            error_messages={"invalid": "请输入有效日期。",
                                            "required": "请输入开始日期。"})
    end = forms.DateField(label="结束日期", widget=DateInput(),
                          error_messages={"invalid": "请输入有效日期。",
                                          "required": "请输入结束日期。"})

    def clean(self) -> dict[str, object]:
        cleaned: dict[str, object] = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if (isinstance(start, dt.date) and isinstance(end, dt.date)
                and abs((end - start).days) > MAX_WORKING_DAYS * 2):
            raise forms.ValidationError("两个日期相距过远。")
        return cleaned


@require_GET
def workday_calculator(request: HttpRequest) -> HttpResponse:
    calendar = load_calendar()
    mode = request.GET.get("mode", "add")
    # Distinct auto ids: both forms are on one page and ids must be unique.
    add_form = AddForm(request.GET if mode == "add" and "start" in request.GET else None,
                       auto_id="add_%s")
    between_form = BetweenForm(request.GET if mode == "between" and "start" in request.GET
                               else None, auto_id="between_%s")
    result: dict[str, object] | None = None
    if add_form.is_bound and add_form.is_valid():
        answer = add_working_days(calendar, add_form.cleaned_data["start"],
                                  add_form.cleaned_data["days"])
        result = {"mode": "add", "value": answer.value, "days": add_form.cleaned_data["days"],
                  "start": add_form.cleaned_data["start"],
                  "warning": missing_warning(answer.missing_years)}
    elif between_form.is_bound and between_form.is_valid():
        answer_count = working_days_between(calendar, between_form.cleaned_data["start"],
                                            between_form.cleaned_data["end"])
        result = {"mode": "between", "value": answer_count.value,
                  "start": between_form.cleaned_data["start"],
                  "end": between_form.cleaned_data["end"],
                  "warning": missing_warning(answer_count.missing_years)}
    return render(request, "core/workday_calculator.html", {
        "add_form": add_form, "between_form": between_form, "result": result,
        "loaded_years": calendar.loaded_years,
    })
