"""政府信息公开目录: disclosure items, 政策解读, columns, the 指南, index numbers, review."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page as PaginatorPage
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, Task, TaskState
from wagtail.search import index

from gongkai.catalog.blocks import BodyBlock
from gongkai.catalog.enums import Article20Item, ColumnKind, DisclosureMethod, Genre, Validity
from gongkai.catalog.forms import DisclosureItemForm
from gongkai.catalog.panels import LegacyFieldPanel
from gongkai.core import page_cache
from gongkai.core.models import Agency
from gongkai.core.validators import validate_doc_number
from gongkai.core.visibility import PublicPageMixin, visible_pages

if TYPE_CHECKING:
    from gongkai.catalog.selectors import CatalogFilters

ITEMS_PER_PAGE = 20


class ThemeCategory(models.Model):
    """主题分类: a tree, seeded with the national theme classification, editable."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey("self", verbose_name=_("上级分类"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("parent"),
              FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("主题分类")
        verbose_name_plural = _("主题分类")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        # Two levels at most in the national scheme: "综合政务\政务公开".
        if self.parent_id is not None and self.parent is not None:
            return f"{self.parent.name}\\{self.name}"
        return self.name


class IndexNumberCounter(models.Model):
    """The last serial issued per agency and year; locked while issuing."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="unique_index_counter")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last_serial}"


class IndexNumber(models.Model):
    """The register of issued 索引号. A number is assigned once and never changed or reused:
    the row stays even if its page is deleted."""

    value = models.CharField(_("索引号"), max_length=40, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="index_numbers")
    year = models.PositiveIntegerField()
    serial = models.PositiveIntegerField()
    page = models.OneToOneField(Page, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="index_number_record")
    page_title = models.CharField(max_length=255)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("索引号")
        verbose_name_plural = _("索引号")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "serial"], name="unique_serial")
        ]

    def __str__(self) -> str:
        return self.value


class ColumnBase(PublicPageMixin, Page):  # type: ignore[misc]
    """Shared behaviour of the section's listing pages."""

    intro = RichTextField(_("栏目说明"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        abstract = True

    def item_queryset(self) -> models.QuerySet[DisclosureItemPage]:
        return visible_pages(
            DisclosureItemPage.objects.descendant_of(self)
        ).order_by("-first_published_at")

    def search_index_fields(self) -> Any:
        from gongkai.catalog.search import column_fields

        return column_fields(self)

    def paginate(self, request: HttpRequest, queryset: Any,
                 count_key: str | None = None) -> PaginatorPage:  # type: ignore[type-arg]
        from gongkai.catalog.selectors import CachedCountPaginator

        paginator = CachedCountPaginator(queryset, ITEMS_PER_PAGE, count_key)
        return paginator.get_page(request.GET.get("page"))


class OpenGovIndexPage(ColumnBase):
    """政务公开: the landing page of an agency's 政府信息公开 column."""

    template = "catalog/open_gov_index_page.html"
    parent_page_types = ["site.AgencyHomePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("政务公开栏目首页")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["columns"] = visible_pages(self.get_children()).specific()
        context["latest"] = self.item_queryset().select_related("index_number_record")[:10]
        return context


class ColumnPage(ColumnBase):
    """A column of the section (法定主动公开内容 and its sub-columns, 年报, 制度 …)."""

    kind = models.CharField(_("栏目类型"), max_length=20, choices=ColumnKind.choices,
                            default=ColumnKind.GENERIC)
    show_in_navigation = models.BooleanField(_("显示在主导航"), default=False)

    template = "catalog/column_page.html"
    # The engagement page types (专题专栏 above all) are named, not imported: Wagtail resolves
    # the strings lazily, so the catalog still imports nothing of that app.
    subpage_types = ["catalog.ColumnPage", "catalog.DisclosureItemPage",
                     "catalog.InterpretationPage", "catalog.GuidePage",
                     "catalog.ApplyEntryPage", "catalog.CatalogPage",
                     "engagement.CampaignPage", "engagement.EventPage", "engagement.SurveyPage",
                     "engagement.TrainingMaterialsPage"]

    content_panels = [*ColumnBase.content_panels, FieldPanel("kind")]
    promote_panels = [*Page.promote_panels, FieldPanel("show_in_navigation")]

    class Meta:
        verbose_name = _("栏目")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["subcolumns"] = visible_pages(self.get_children().type(ColumnPage)).specific()
        context["items"] = self.paginate(
            request, self.item_queryset().select_related("index_number_record"),
            count_key=page_cache.key("column-count", self.path),
        )
        return context


class GuidePage(ColumnBase):
    """政府信息公开指南: generated from the agency's data (第十二条) plus editable text."""

    body = RichTextField(_("补充说明"), blank=True,
                         help_text=_("机构信息由系统根据本单位资料自动生成；此处填写补充内容。"))

    template = "catalog/guide_page.html"
    content_panels = [*ColumnBase.content_panels, FieldPanel("body")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("政府信息公开指南")


class ApplyEntryPage(ColumnBase):
    """依申请公开: the entry page (the online application arrives in a later release)."""

    body = RichTextField(_("正文"), blank=True)
    template = "catalog/apply_entry_page.html"
    content_panels = [*ColumnBase.content_panels, FieldPanel("body")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("依申请公开")


class CatalogPage(ColumnBase):
    """政府信息公开目录: every item of the agency, browsable and filterable."""

    template = "catalog/catalog_page.html"
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("政府信息公开目录")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from gongkai.catalog import selectors

        context = super().get_context(request, *args, **kwargs)
        agency = self.agency
        filters: CatalogFilters = selectors.CatalogFilters.from_query(request.GET)
        queryset = selectors.public_items(agency=agency, filters=filters)
        context["filters"] = filters
        context["filter_choices"] = selectors.filter_choices(agency)
        context["items"] = self.paginate(request, queryset,
                                         count_key=selectors.catalog_count_key(agency, filters))
        return context


class DisclosureItemPage(PublicPageMixin, Page):  # type: ignore[misc]
    """A disclosure item with the core catalog metadata (政府信息公开目录核心元数据)."""

    summary = models.TextField(_("内容概述"), max_length=500, blank=True)
    formed_on = models.DateField(_("生成日期（成文日期）"))
    changed_on = models.DateField(
        _("变更日期"), null=True, blank=True,
        help_text=_("信息内容发生变更的日期（第二十六条：自形成或者变更之日起20个工作日内公开）。"),
    )
    publisher = models.CharField(_("发布机构"), max_length=100, blank=True,
                                 help_text=_("留空则为本单位全称。"))
    source = models.CharField(_("信息来源"), max_length=100, blank=True,
                              help_text=_("留空则为本单位全称。"))
    doc_number = models.CharField(_("文号"), max_length=60, blank=True,
                                  validators=[validate_doc_number],
                                  help_text=_("例如：鞍统发〔2022〕3号"))
    theme = models.ForeignKey(ThemeCategory, verbose_name=_("主题分类"),
                              on_delete=models.PROTECT, related_name="+")
    genre = models.CharField(_("体裁分类"), max_length=20, choices=Genre.choices,
                             default=Genre.NOTICE)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True,
                                help_text=_("多个关键词用空格或顿号分隔。"))
    validity = models.CharField(_("有效性"), max_length=10, choices=Validity.choices,
                                default=Validity.VALID)
    validity_changed_on = models.DateField(_("失效或废止日期"), null=True, blank=True)
    disclosure_method = models.CharField(_("公开方式"), max_length=12,
                                         choices=DisclosureMethod.choices,
                                         default=DisclosureMethod.PROACTIVE)
    article20_item = models.CharField(_("《条例》第二十条公开事项"), max_length=8,
                                      choices=Article20Item.choices, default=Article20Item.NONE)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)
    is_demo = models.BooleanField(_("示例内容"), default=False,
                                  help_text=_("演示用的虚构内容，页面上标注“示例”。"))
    demo_note = models.CharField(_("示例说明"), max_length=300, blank=True)
    # Legacy import (docs/legacy-import.md): the text as it came from the old site, the
    # restorer's report, and a stable key so that a re-run finds the page it created.
    original_text = models.TextField(_("导入原文"), blank=True, editable=False)
    restoration_report = models.JSONField(_("文本修复报告"), null=True, blank=True,
                                          editable=False)
    legacy_key = models.CharField(_("导入来源标识"), max_length=64, blank=True,
                                  db_index=True, editable=False)

    template = "catalog/disclosure_item_page.html"
    parent_page_types = ["catalog.ColumnPage"]
    subpage_types: list[str] = []
    base_form_class = DisclosureItemForm
    # Loaded with the page when it is routed to (site/routing.py): the 目录信息 table
    # shows the 索引号 and the theme with its parent on every item page.
    route_select_related = ("index_number_record", "theme", "theme__parent")

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("doc_number"),
        index.SearchField("keywords"),
        index.FilterField("validity"),
        index.FilterField("genre"),
        index.FilterField("formed_on"),
    ]

    content_panels = [
        FieldPanel("title", heading=_("名称")),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", heading=_("附件"), label=_("附件")),
        MultiFieldPanel([LegacyFieldPanel("restoration_report"), LegacyFieldPanel("original_text")],
                        heading=_("历史导入：文本修复报告与原文（仅工作人员可见）"),
                        classname="collapsed"),
    ]
    metadata_panels = [
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("formed_on"), FieldPanel("changed_on")]),
            FieldRowPanel([FieldPanel("doc_number"), FieldPanel("publisher")]),
            FieldPanel("source"),
        ], heading=_("基本信息")),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("theme"), FieldPanel("genre")]),
            FieldPanel("keywords"),
            FieldPanel("article20_item"),
            FieldPanel("disclosure_method"),
        ], heading=_("分类")),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("validity"), FieldPanel("validity_changed_on")]),
        ], heading=_("有效性")),
        MultiFieldPanel([FieldPanel("is_demo"), FieldPanel("demo_note")], heading=_("示例")),
    ]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("内容")),
        ObjectList(metadata_panels, heading=_("目录元数据")),
        ObjectList(Page.promote_panels, heading=_("推广")),
        ObjectList(Page.settings_panels, heading=_("发布设置")),
    ])

    class Meta:
        verbose_name = _("公开信息")
        verbose_name_plural = _("公开信息")
        indexes = [models.Index(fields=["formed_on"]), models.Index(fields=["validity"])]

    # --- metadata shown to the public -------------------------------------------------
    @property
    def index_number(self) -> str:
        record = getattr(self, "index_number_record", None)
        return record.value if record is not None else ""

    @property
    def publisher_name(self) -> str:
        return self.publisher or (self.agency.name if self.agency else "")

    @property
    def source_name(self) -> str:
        return self.source or self.publisher_name

    @property
    def keyword_list(self) -> list[str]:
        import re

        return [k for k in re.split(r"[\s、，,;；]+", self.keywords) if k]

    @property
    def information_date(self) -> dt.date:
        """When the information was formed or last changed (the Art. 26 clock starts here)."""
        return max(self.formed_on, self.changed_on) if self.changed_on else self.formed_on

    def interpretations(self) -> models.QuerySet[InterpretationPage]:
        return visible_pages(
            InterpretationPage.objects.filter(interpreted_documents__document=self)
        ).order_by("-first_published_at")

    def search_index_fields(self) -> Any:
        from gongkai.catalog.search import item_fields

        return item_fields(self)

    # --- validation -------------------------------------------------------------------
    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[Any]] = {}
        today = timezone.localdate()
        if self.formed_on and self.formed_on > today:
            errors.setdefault("formed_on", []).append(_("生成日期不能晚于今天。"))
        if self.changed_on and self.formed_on and self.changed_on < self.formed_on:
            errors.setdefault("changed_on", []).append(_("变更日期不能早于生成日期（成文日期）。"))
        if self.validity != Validity.VALID and not self.validity_changed_on:
            errors.setdefault("validity_changed_on", []).append(
                _("有效性为“失效”或“废止”时，请填写失效或废止日期。")
            )
        if (self.validity_changed_on and self.formed_on
                and self.validity_changed_on < self.formed_on):
            errors.setdefault("validity_changed_on", []).append(
                _("失效或废止日期不能早于生成日期（成文日期）。")
            )
        if self.doc_number:
            self.doc_number = self.doc_number.strip()
        if errors:
            raise ValidationError(errors)


class InterpretationPage(DisclosureItemPage):
    """政策解读: an item that interprets one or more policy documents."""

    template = "catalog/disclosure_item_page.html"
    parent_page_types = ["catalog.ColumnPage"]
    subpage_types: list[str] = []

    content_panels = [
        *DisclosureItemPage.content_panels,
        InlinePanel("interpreted_documents", heading=_("所解读的文件"), label=_("文件"),
                    min_num=1),
    ]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("内容")),
        ObjectList(DisclosureItemPage.metadata_panels, heading=_("目录元数据")),
        ObjectList(Page.promote_panels, heading=_("推广")),
        ObjectList(Page.settings_panels, heading=_("发布设置")),
    ])

    class Meta:
        verbose_name = _("政策解读")
        verbose_name_plural = _("政策解读")

    def interpreted(self) -> models.QuerySet[DisclosureItemPage]:
        return visible_pages(
            DisclosureItemPage.objects.filter(interpreting_links__page=self)
        )


class InterpretationLink(Orderable):
    page = ParentalKey(InterpretationPage, on_delete=models.CASCADE,
                       related_name="interpreted_documents")
    document = models.ForeignKey(DisclosureItemPage, verbose_name=_("政策文件"),
                                 on_delete=models.CASCADE, related_name="interpreting_links")

    panels = [PageChooserPanel("document", "catalog.DisclosureItemPage")]

    class Meta(Orderable.Meta):
        verbose_name = _("解读关联")


class DisclosureAttachment(Orderable):
    page = ParentalKey(DisclosureItemPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(get_document_model_string(),
                                 verbose_name=_("文件"), on_delete=models.PROTECT,
                                 related_name="+")
    title = models.CharField(_("附件名称"), max_length=200, blank=True,
                             help_text=_("留空则使用文件标题。"))

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("附件")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


# --- Review before publication (第十七条) --------------------------------------------------


class ConfidentialityConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("已依照《中华人民共和国保守国家秘密法》及有关规定完成保密审查，"
                "确认拟公开内容不涉及国家秘密、工作秘密、商业秘密和个人隐私"),
        required=True,
        error_messages={"required": _("请勾选保密审查确认后再通过。")},
    )
    comment = forms.CharField(label=_("审查意见"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)


class ConfidentialityReviewTask(Task):
    """保密审查: a reviewer confirms the 第十七条 review before the item can go on."""

    groups = models.ManyToManyField("auth.Group", verbose_name=_("保密审查人员组"),
                                    related_name="+")
    admin_form_fields = [*Task.admin_form_fields, "groups"]
    admin_form_widgets = {"groups": forms.CheckboxSelectMultiple}

    class Meta:
        verbose_name = _("保密审查")
        verbose_name_plural = _("保密审查")

    def _user_in_groups(self, user: Any) -> bool:
        return bool(user.is_superuser or self.groups.filter(id__in=user.groups.all()).exists())

    def user_can_access_editor(self, obj: Any, user: Any) -> bool:
        return self._user_in_groups(user)

    def locked_for_user(self, obj: Any, user: Any) -> bool:
        return not self._user_in_groups(user)

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, Any, bool]]:
        if self._user_in_groups(user):
            return [("reject", _("退回修改"), True), ("approve", _("保密审查通过"), True)]
        return []

    def get_form_for_action(self, action: str) -> type[forms.Form]:
        if action == "approve":
            return ConfidentialityConfirmForm
        return super().get_form_for_action(action)  # type: ignore[no-any-return]

    def get_template_for_action(self, action: str) -> str:
        # The confirmation shows the personal data found in the item (docs/personal-data.md).
        if action == "approve":
            return "catalog/admin/confidentiality_review_modal.html"
        return super().get_template_for_action(action)  # type: ignore[no-any-return]

    def on_action(self, task_state: TaskState, user: Any, action_name: str,
                  **kwargs: Any) -> None:
        if action_name != "approve":
            super().on_action(task_state, user, action_name, **kwargs)
            return
        from gongkai.catalog.services import confirm_confidentiality_review

        # Every approval path meets here, including the editor's "approve with edits",
        # which passes the modal's data as unvalidated JSON: check the confirmation again.
        if not self._user_in_groups(user):
            raise PermissionDenied(_("只有本单位保密审查人员可以通过保密审查。"))
        from gongkai.catalog.personal_data import PersonalDataRefused, check_page

        try:
            check_page(task_state.workflow_state.content_object)
        except PersonalDataRefused as refused:
            raise PermissionDenied(str(refused)) from refused
        form = ConfidentialityConfirmForm(data={
            "confirm": "on" if kwargs.pop("confirm", False) is True else "",
            "comment": kwargs.get("comment") or "",
        })
        if not form.is_valid():
            raise PermissionDenied(form.errors["confirm"][0])
        kwargs["comment"] = form.cleaned_data["comment"]
        # TaskState.approve() takes no "confirm"; record and approve together or not at all.
        with transaction.atomic():
            confirm_confidentiality_review(task_state=task_state, user=user,
                                           comment=kwargs["comment"])
            super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user: Any, **kwargs: Any) -> Any:
        if self._user_in_groups(user):
            return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return TaskState.objects.none()

    @classmethod
    def get_description(cls) -> str:
        return str(_("审查人员确认已完成保密审查（《条例》第十七条）后，信息方可进入下一步审核。"))


class ConfidentialityReview(models.Model):
    """Who confirmed the confidentiality review of which revision, and when."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="confidentiality_reviews")
    revision = models.ForeignKey("wagtailcore.Revision", null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    reviewer_name = models.CharField(max_length=150)
    confirmed_at = models.DateTimeField()
    statement = models.TextField()
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("保密审查记录")
        verbose_name_plural = _("保密审查记录")
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"{self.reviewer_name} {self.confirmed_at:%Y-%m-%d %H:%M}"


class PersonalDataOverride(models.Model):
    """A reviewer's written decision that the personal data found in an item may be published.

    Recorded against the revision it was made on; ``fingerprints`` (keyed hashes, see
    ``gongkai.catalog.personal_data``) let later revisions containing the same data pass,
    while new personal data is caught again. ``findings`` holds masked values only.
    """

    page = models.ForeignKey(Page, on_delete=models.CASCADE,
                             related_name="personal_data_overrides")
    revision = models.ForeignKey("wagtailcore.Revision", null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    reason = models.TextField(_("理由"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+")
    user_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    fingerprints = models.JSONField(default=list)
    findings = models.JSONField(default=list)

    class Meta:
        verbose_name = _("个人信息公开说明")
        verbose_name_plural = _("个人信息公开说明")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_name} {self.created_at:%Y-%m-%d %H:%M}"


# Every publication of an item passes the personal-data check (docs/personal-data.md).
from gongkai.catalog.personal_data import install_publication_gate  # noqa: E402

install_publication_gate()
