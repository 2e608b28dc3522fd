"""统计数据发布 in the Wagtail admin: the release workbench.

* Home: the releases of the user's agencies (draft, upcoming, published, cancelled), a form
  to create one, links to the codelists (统计指标, 地区; platform administrators).
* Release: its data (preview), upload CSV/XLSX with the row-by-row error list (nothing is
  loaded when a row is bad), clear data, texts (统计公报 / 数据解读 / 新闻稿) with data
  references, review (审核), schedule / postpone / cancel with a reason.

Thin views: releases are looked up through the user's agencies (another agency's release
and a missing one are refused alike), every change is a service call, and a refused form
is shown again with what was typed and the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from gongkai.core.admin_actions import ActionFormView
from gongkai.core.agencies import agencies_for
from gongkai.core.widgets import DateInput
from gongkai.official_stats import selectors, services
from gongkai.official_stats.enums import ObservationStatus, ReleaseStatus, TextKind
from gongkai.official_stats.loading import TEMPLATE_HEADER, UploadError
from gongkai.official_stats.models import Indicator, Observation, Region, Release, ReleaseText

User = AbstractBaseUser | AnonymousUser
NS = "official_stats_admin"
PREVIEW_ROWS = 200
DATE = DateInput()
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TABLE_LINE = re.compile(r"^\[\[表格\|([^|\]]+)\|([^|\]]+)\|([^|\]]+)\|([^|\]]+)\]\]$")


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time.replace(second=0, microsecond=0),
                               tzinfo=ZoneInfo(settings.TIME_ZONE))


# --- Forms --------------------------------------------------------------------------------

class ReleaseForm(forms.Form):
    agency = forms.ModelChoiceField(label="发布机关", queryset=None)  # type: ignore[arg-type]
    title = forms.CharField(label="发布名称", max_length=200)
    day = forms.DateField(label="发布日期", widget=DATE)
    time = forms.TimeField(label="发布时间（北京时间，精确到分）", widget=TIME,
                           initial=dt.time(9, 30))
    indicators = forms.ModelMultipleChoiceField(
        label="涉及指标", required=False, queryset=Indicator.objects.filter(is_group=False),
        help_text="列入日程后公开显示；载入数据时自动补充。")
    description = forms.CharField(label="说明", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    schedule = forms.BooleanField(label="立即列入发布日程表（审核发布人员）", required=False,
                                  initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = agencies_for(user).order_by("sort_order", "pk")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="数据文件（CSV或XLSX，按模板：" + "、".join(TEMPLATE_HEADER) + "）")


class RescheduleForm(forms.Form):
    day = forms.DateField(label="新的发布日期", widget=DATE)
    time = forms.TimeField(label="新的发布时间", widget=TIME)
    reason = forms.CharField(label="调整原因（公开显示）", widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因（公开显示）", widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="我已核对", required=True)


class TextForm(forms.Form):
    text = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label="类型", choices=TextKind.choices)
    title = forms.CharField(label="标题", max_length=200)
    summary = forms.CharField(label="摘要", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(
        label="正文", required=False, widget=forms.Textarea(attrs={"rows": 12}),
        help_text="每段一行。以“## ”开头为小标题；数字用 {指标代码|地区代码|时期} 引用数据，"
                  "例如 {S02.RETAIL|210300|2026M01-M03}；"
                  "整行 [[表格|标题|指标代码,…|地区代码,…|时期]] 插入数据表。")


def body_from_text(source: str) -> list[tuple[str, Any]]:
    """The plain editing format of the text form → StreamField blocks."""
    blocks: list[tuple[str, Any]] = []
    for line in (raw.strip() for raw in source.splitlines()):
        if not line:
            continue
        table = TABLE_LINE.match(line)
        if line.startswith("## "):
            blocks.append(("heading", line[3:].strip()))
        elif table:
            caption, indicators, regions, period = (g.strip() for g in table.groups())
            blocks.append(("data_table", {"caption": caption, "indicators": indicators,
                                          "regions": regions, "period": period}))
        else:
            blocks.append(("data_text", line))
    return blocks


def text_from_body(text: ReleaseText) -> str:
    lines = []
    for block in text.body:
        if block.block_type == "heading":
            lines.append(f"## {block.value}")
        elif block.block_type == "data_table":
            v = block.value
            lines.append(f"[[表格|{v['caption']}|{v['indicators']}|{v['regions']}|{v['period']}]]")
        elif block.block_type == "data_text":
            lines.append(str(block.value))
        else:
            lines.append(str(block.value.source if hasattr(block.value, "source")
                             else block.value))
    return "\n".join(lines)


# --- Views --------------------------------------------------------------------------------

class StaffView(ActionFormView):
    """The statistics pages: a refused data file lists its errors by spreadsheet row."""

    header_icon = "table"
    refusals = (UploadError, services.ServiceError)
    upload_errors: list[str] = []

    def make_form(self, name: str, data: Any, files: Any = None) -> forms.Form:
        form_class = self.actions[name][0]
        if form_class is ReleaseForm:
            return ReleaseForm(data, files, user=self.request.user)
        return form_class(data, files, initial=self.initial(name))

    def initial(self, name: str) -> dict[str, Any]:
        return {}

    def refuse(self, form: forms.Form, error: Exception) -> None:
        if isinstance(error, UploadError):
            self.upload_errors = [str(e) for e in error.errors]
            form.add_error(None, f"文件未载入：共 {len(error.errors)} 处错误，"
                                 "没有载入任何数据。请修改后重新上传。")
        else:
            super().refuse(form, error)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["upload_errors"] = self.upload_errors
        return context


def _state(release: Release, now: dt.datetime) -> str:
    if release.status == ReleaseStatus.CANCELLED:
        return "已取消"
    if release.status == ReleaseStatus.DRAFT:
        return "草稿"
    return "已发布" if release.scheduled_at <= now else "待发布"


class HomeView(StaffView):
    template_name = "official_stats/admin/home.html"
    page_title = "统计数据发布"
    actions = {"create": (ReleaseForm, "create")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        releases = (Release.objects.filter(agency__in=agencies_for(self.request.user))
                    .select_related("agency").order_by("-scheduled_at", "-id")[:300])
        context["rows"] = [(r, _state(r, now)) for r in releases]
        context["is_platform_admin"] = bool(getattr(self.request.user, "is_superuser", False))
        return context

    def create(self, data: dict[str, Any]) -> HttpResponse:
        release = services.create_release(
            self.request.user, data["agency"], title=data["title"],
            scheduled_at=_at(data["day"], data["time"]), indicators=data["indicators"],
            description=data["description"], schedule=data["schedule"])
        messages.success(self.request, "已建立发布，请载入数据和文稿。")
        return redirect(reverse(f"{NS}:release", args=[release.pk]))


class ReleaseView(StaffView):
    template_name = "official_stats/admin/release.html"
    actions = {
        "upload": (UploadForm, "upload"),
        "clear": (ConfirmForm, "clear"),
        "review": (ConfirmForm, "review"),
        "schedule": (ConfirmForm, "schedule"),
        "reschedule": (RescheduleForm, "reschedule"),
        "cancel": (CancelForm, "cancel"),
        "text": (TextForm, "save_text"),
    }

    @property
    def release(self) -> Release:
        if not hasattr(self, "_release"):
            found = (Release.objects.filter(agency__in=agencies_for(self.request.user),
                                            pk=int(self.kwargs["pk"]))
                     .select_related("agency").first())
            if found is None:
                raise PermissionDenied
            self._release = found
        return self._release

    def get_page_title(self) -> str:
        return self.release.title

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        release = self.release
        now = timezone.now()
        rows = (Observation.objects.filter(release=release)
                .select_related("indicator", "region")
                .order_by("indicator__code", "region__sort_order", "period"))
        texts = list(release.texts.all())
        edit = self.request.GET.get("text")
        text_form = context["forms"]["text"]
        if self.bound is None and edit:
            chosen = next((t for t in texts if str(t.pk) == edit), None)
            if chosen is not None:
                text_form = TextForm(initial={"text": chosen.pk, "kind": chosen.kind,
                                              "title": chosen.title, "summary": chosen.summary,
                                              "body": text_from_body(chosen)})
        context.update({
            "release": release, "state": _state(release, now),
            "open": release.status != ReleaseStatus.CANCELLED and not (
                release.status == ReleaseStatus.SCHEDULED and release.scheduled_at <= now),
            "row_count": rows.count(), "preview": list(rows[:PREVIEW_ROWS]),
            "status_labels": dict(ObservationStatus.choices),
            "texts": texts, "text_form": text_form,
            "changes": list(release.changes.all()), "batches": list(release.batches.all()[:20]),
            "public_url": (reverse("official_stats:release", args=[release.pk])
                           if release.status != ReleaseStatus.DRAFT else ""),
            "seconds_left": max(0, int((release.scheduled_at - now).total_seconds())),
            "is_public": selectors.is_release_public(release, now),
        })
        return context

    def upload(self, data: dict[str, Any]) -> str:
        upload = data["file"]
        rows = services.load_file(self.request.user, self.release, upload.name, upload.read())
        return f"已载入 {rows} 行数据。新数据需要重新审核。"

    def clear(self, data: dict[str, Any]) -> str:
        count = services.clear_data(self.request.user, self.release)
        return f"已删除本次发布的 {count} 行数据。"

    def review(self, data: dict[str, Any]) -> str:
        services.review_release(self.request.user, self.release)
        return "已审核。发布时间到达时，数据和文稿将在所有公开渠道同时公布。"

    def schedule(self, data: dict[str, Any]) -> str:
        services.schedule_release(self.request.user, self.release)
        return "已列入发布日程表。"

    def reschedule(self, data: dict[str, Any]) -> str:
        release = services.postpone_release(self.request.user, self.release,
                                            _at(data["day"], data["time"]), data["reason"])
        return f"发布时间已调整为 {timezone.localtime(release.scheduled_at):%Y-%m-%d %H:%M}。"

    def cancel(self, data: dict[str, Any]) -> str:
        services.cancel_release(self.request.user, self.release, data["reason"])
        return "已取消本次发布，取消原因将在发布日程表中公开。"

    def save_text(self, data: dict[str, Any]) -> str:
        existing = None
        if data.get("text"):
            existing = self.release.texts.filter(pk=data["text"]).first()
        services.save_text(self.request.user, self.release, kind=TextKind(data["kind"]),
                           title=data["title"], summary=data["summary"],
                           body=body_from_text(data["body"]), text=existing)
        return "文稿已保存。"


class CodelistView(StaffView):
    """Read-only overview of the codelists for every staff member (editing: 统计指标 and 地区
    screens of platform administrators)."""

    template_name = "official_stats/admin/codelists.html"
    page_title = "统计指标与地区"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        indicators = list(Indicator.objects.order_by("sort_order", "code"))
        children: dict[int | None, list[Indicator]] = {}
        for indicator in indicators:
            children.setdefault(indicator.parent_id, []).append(indicator)
        tree: list[tuple[str, Indicator]] = []

        def walk(parent: int | None, depth: int) -> None:
            for node in children.get(parent, []):
                tree.append(("　" * depth, node))  # indentation without inline styles
                walk(node.pk, depth + 1)

        walk(None, 0)
        context.update({"tree": tree, "regions": list(Region.objects.select_related("parent")),
                        "is_platform_admin": bool(getattr(self.request.user, "is_superuser",
                                                          False))})
        return context
