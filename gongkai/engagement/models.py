"""专题与公众参与: campaign pages, events and their registrations, training materials,
surveys (the Wagtail form builder) and e-mail subscriptions with their digest outbox.

Registrations, responses and subscriptions are plain models, never page fields: Wagtail
restores page fields from revisions, and these rows must survive any revision publish.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractFormField, AbstractFormSubmission, FormMixin
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from gongkai.core.visibility import PublicPageMixin, visible_pages
from gongkai.engagement.enums import (
    SURVEY_FIELD_CHOICES,
    Audience,
    CampaignKind,
    EventKind,
    RegistrationStatus,
    ResponseRule,
    SubscriptionKind,
    SubscriptionStatus,
    SurveyKind,
)
from gongkai.engagement.surveys import SurveyFormBuilder


def new_nonce() -> str:
    """The per-row secret the row's link tokens are derived from (see ``tokens``)."""
    return secrets.token_hex(16)


# --- 专题专栏 ----------------------------------------------------------------------------------


class CampaignPage(PublicPageMixin, Page):  # type: ignore[misc]
    """A campaign (专题): the yearly 5·15政务公开日, 统计开放日, a census. Holds the activity
    plan, news, materials, the final report and its events, surveys and material columns."""

    kind = models.CharField(_("专题类型"), max_length=20, choices=CampaignKind.choices,
                            default=CampaignKind.OPEN_GOV_DAY)
    year = models.PositiveIntegerField(_("年度"))
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    intro = models.TextField(_("简介"), max_length=500, blank=True)
    plan = RichTextField(_("活动方案"), blank=True)
    summary = RichTextField(_("活动总结"), blank=True)
    final_report = models.ForeignKey(
        "catalog.DisclosureItemPage", verbose_name=_("总结报告（公开目录信息）"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("已在政府信息公开目录发布的活动总结报告。"))

    template = "engagement/campaign_page.html"
    parent_page_types = ["catalog.ColumnPage"]
    subpage_types = ["engagement.EventPage", "engagement.SurveyPage",
                     "engagement.TrainingMaterialsPage"]

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldPanel("intro"),
        FieldPanel("plan"),
        InlinePanel("news", label=_("工作动态")),
        InlinePanel("materials", label=_("宣传材料")),
        MultiFieldPanel([FieldPanel("summary"), FieldPanel("final_report")],
                        heading=_("活动总结")),
    ]

    class Meta:
        verbose_name = _("专题")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        children = visible_pages(self.get_children()).specific()
        context["events"] = [p for p in children if isinstance(p, EventPage)]
        context["surveys"] = [p for p in children if isinstance(p, SurveyPage)]
        context["material_columns"] = [p for p in children
                                       if isinstance(p, TrainingMaterialsPage)]
        report = self.final_report
        context["final_report"] = (
            report if report is not None and visible_pages(
                type(report).objects.filter(pk=report.pk)).exists() else None)
        return context

    def search_index_fields(self) -> Any:
        from gongkai.engagement.search import campaign_fields

        return campaign_fields(self)


class CampaignNews(Orderable):  # type: ignore[misc]
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="news")
    date = models.DateField(_("日期"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)

    panels = [FieldPanel("date"), FieldPanel("title"), FieldPanel("body")]

    class Meta(Orderable.Meta):
        verbose_name = _("工作动态")


class CampaignMaterial(Orderable):  # type: ignore[misc]
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("名称"), max_length=200)
    document = models.ForeignKey(get_document_model_string(), verbose_name=_("文件"),
                                 on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("title"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("宣传材料")


# --- Events ------------------------------------------------------------------------------------


class EventPage(PublicPageMixin, Page):  # type: ignore[misc]
    """An open day or a training session, with registration and a waiting list."""

    kind = models.CharField(_("活动类型"), max_length=20, choices=EventKind.choices,
                            default=EventKind.PUBLIC_OPEN_DAY)
    audience = models.CharField(_("面向对象"), max_length=20, choices=Audience.choices,
                                default=Audience.PUBLIC)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200)
    capacity = models.PositiveIntegerField(_("名额"))
    registration_closes_at = models.DateTimeField(
        _("报名截止时间"), null=True, blank=True, help_text=_("不填则开始前均可报名。"))
    description = RichTextField(_("活动介绍"), blank=True)

    template = "engagement/event_page.html"
    parent_page_types = ["engagement.CampaignPage", "catalog.ColumnPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("audience")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("place"),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_closes_at")]),
        FieldPanel("description"),
    ]

    class Meta:
        verbose_name = _("活动")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request, "is_preview", False) and request.method == "POST":
            from django.http import Http404

            from gongkai.core.visibility import is_page_visible
            from gongkai.engagement.views import register_for_event

            if not is_page_visible(self):
                raise Http404
            return register_for_event(request, self)
        return super().serve(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from gongkai.engagement.forms import RegistrationForm
        from gongkai.engagement.selectors import event_availability

        context = super().get_context(request, *args, **kwargs)
        context.setdefault("form", RegistrationForm())
        context["availability"] = event_availability(self, timezone.now())
        return context

    def registration_open(self, now: Any) -> bool:
        closes = self.registration_closes_at or self.starts_at
        return bool(now < closes)

    def search_index_fields(self) -> Any:
        from gongkai.engagement.search import event_fields

        return event_fields(self)


class Registration(models.Model):
    """One person's registration for an event. Phone and e-mail are personal data: they are
    shown to the event's staff only and never reach audit entries or logs."""

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("姓名"), max_length=50)
    organization = models.CharField(_("工作单位"), max_length=100, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)

    class Meta:
        verbose_name = _("报名")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_status_display()}）"


# --- Training materials ------------------------------------------------------------------------


class TrainingMaterialsPage(PublicPageMixin, Page):  # type: ignore[misc]
    """A column of downloadable training materials, grouped by audience."""

    intro = models.TextField(_("栏目说明"), blank=True)

    template = "engagement/training_materials_page.html"
    parent_page_types = ["engagement.CampaignPage", "catalog.ColumnPage"]
    subpage_types: list[str] = []

    content_panels = [*Page.content_panels, FieldPanel("intro"),
                      InlinePanel("items", label=_("培训资料"))]

    class Meta:
        verbose_name = _("培训资料栏目")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        items = list(self.items.select_related("document"))
        context["groups"] = [
            (label, [item for item in items if item.audience == value])
            for value, label in Audience.choices
            if any(item.audience == value for item in items)
        ]
        return context

    def search_index_fields(self) -> Any:
        from gongkai.engagement.search import materials_fields

        return materials_fields(self)


class TrainingMaterial(Orderable):  # type: ignore[misc]
    page = ParentalKey(TrainingMaterialsPage, on_delete=models.CASCADE, related_name="items")
    audience = models.CharField(_("面向对象"), max_length=20, choices=Audience.choices,
                                default=Audience.ENTERPRISE)
    title = models.CharField(_("名称"), max_length=200)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    document = models.ForeignKey(get_document_model_string(), verbose_name=_("文件"),
                                 on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("audience"), FieldPanel("title"), FieldPanel("description"),
              FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("培训资料")


class MaterialDownloadDay(models.Model):
    """Downloads of one material on one day: a number, nothing about who downloaded."""

    material = models.ForeignKey(TrainingMaterial, on_delete=models.CASCADE,
                                 related_name="download_days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["material", "day"],
                                               name="engagement_download_day_unique")]

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"


# --- Surveys -----------------------------------------------------------------------------------


class SurveyPage(PublicPageMixin, FormMixin, Page):  # type: ignore[misc]
    """A questionnaire built with the Wagtail form builder. ``response_rule`` says how one
    answer per person is enforced: per browser, per invitation code or per e-mail address."""

    kind = models.CharField(_("调查类型"), max_length=20, choices=SurveyKind.choices,
                            default=SurveyKind.AWARENESS)
    response_rule = models.CharField(
        _("答卷规则"), max_length=20, choices=ResponseRule.choices,
        default=ResponseRule.BROWSER,
        help_text=_("邀请码：在“公众参与”中生成并导出邀请码，每个邀请码只能提交一份答卷；"
                    "邮箱验证：答卷人通过邮件中的一次性链接作答，每个邮箱只计一份。"
                    "更改规则后，按原规则提交的答卷不再计入结果。"))
    intro = RichTextField(_("说明"), blank=True)
    thank_you_text = RichTextField(_("提交后显示"), blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    results_published = models.BooleanField(
        _("公开调查结果"), default=False,
        help_text=_("公开后，公众可查看选择题和量表题的统计结果（文字回答不公开）。"))
    results_note = RichTextField(_("结果说明"), blank=True)

    template = "engagement/survey_page.html"
    landing_page_template = "engagement/survey_page_landing.html"
    parent_page_types = ["engagement.CampaignPage", "catalog.ColumnPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("closes_at")]),
        FieldPanel("response_rule"),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("题目")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel([FieldPanel("results_published"), FieldPanel("results_note")],
                        heading=_("调查结果")),
    ]

    class Meta:
        verbose_name = _("问卷调查")

    form_builder = SurveyFormBuilder

    def get_submission_class(self) -> type[SurveyResponse]:
        return SurveyResponse

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)  # type: ignore[no-any-return]
        from gongkai.core.visibility import is_page_visible
        from gongkai.engagement.views import serve_survey

        if not is_page_visible(self):
            from django.http import Http404

            raise Http404
        return serve_survey(request, self)

    def is_open(self, now: Any) -> bool:
        return self.closes_at is None or bool(now < self.closes_at)

    def search_index_fields(self) -> Any:
        from gongkai.engagement.search import survey_fields

        return survey_fields(self)


class SurveyField(AbstractFormField):  # type: ignore[misc]
    page = ParentalKey(SurveyPage, on_delete=models.CASCADE, related_name="form_fields")
    field_type = models.CharField(_("题型"), max_length=16, choices=SURVEY_FIELD_CHOICES)

    class Meta(AbstractFormField.Meta):
        verbose_name = _("题目")


class SurveyResponse(AbstractFormSubmission):  # type: ignore[misc]
    """One answer sheet. ``nullifier`` is a keyed hash of (survey, what identifies the person
    under ``rule``: the browser token, the invitation or the e-mail address): unique per
    survey, so a second submission cannot be stored, and it cannot be linked back to the
    browser, code or address, nor across surveys, without the server's key. A sheet counts
    only while ``rule`` is the survey's current rule (``selectors.valid_responses``)."""

    nullifier = models.CharField(max_length=64, editable=False)
    rule = models.CharField(max_length=20, choices=ResponseRule.choices,
                            default=ResponseRule.BROWSER, editable=False)

    class Meta:
        verbose_name = _("问卷答卷")
        constraints = [models.UniqueConstraint(fields=["page", "nullifier"],
                                               name="engagement_one_response_per_person")]


class SurveyInvitationBatch(models.Model):
    """Invitation codes generated together for one group of invitees (e.g. 县区统计局)."""

    survey = models.ForeignKey(SurveyPage, on_delete=models.CASCADE,
                               related_name="invitation_batches")
    label = models.CharField(_("发放对象"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("邀请码批次")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label


class SurveyInvitation(models.Model):
    """One invitation code. The code itself is not stored: it is derived from ``nonce`` with
    the server's key (so staff can export a batch again) and found by ``code_hash``, a keyed
    hash of the code (``invitations.py``). ``used_at`` is set once, with the response."""

    batch = models.ForeignKey(SurveyInvitationBatch, on_delete=models.CASCADE,
                              related_name="invitations")
    survey = models.ForeignKey(SurveyPage, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("邀请码")

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.pk}"


# --- Subscriptions -----------------------------------------------------------------------------


class Subscriber(models.Model):
    """An e-mail address and its digest cursor (the last outbox row it has been sent)."""

    email = models.EmailField(_("电子邮箱"), unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    digest_cursor = models.BigIntegerField(default=0, editable=False)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("订阅者")

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE,
                                   related_name="subscriptions")
    kind = models.CharField(_("订阅类型"), max_length=20, choices=SubscriptionKind.choices)
    key = models.CharField(_("订阅对象"), max_length=64, blank=True)
    label = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=14, choices=SubscriptionStatus.choices,
                              default=SubscriptionStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("订阅")
        constraints = [models.UniqueConstraint(fields=["subscriber", "kind", "key"],
                                               name="engagement_subscription_unique")]
        indexes = [models.Index(fields=["kind", "key", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.label}"


class DigestItem(models.Model):
    """The outbox: one row per (subscription target, published thing), written in the
    transaction that publishes it; ``gongkai subscriptions send-digests`` reads it."""

    kind = models.CharField(max_length=20, choices=SubscriptionKind.choices)
    key = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=80, help_text="what was published, e.g. page:42")
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    published_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key", "source"],
                                               name="engagement_digest_item_once")]
        indexes = [models.Index(fields=["kind", "key", "id"])]

    def __str__(self) -> str:
        return self.title
