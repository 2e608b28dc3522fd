"""统计数据发布: indicators, regions, releases on a calendar, observations with vintages.

Visibility (docs/official-statistics.md, "Embargo"): an observation or a release text is
public iff its release is SCHEDULED and the scheduled time has passed *at request time*.
To make that one indexed comparison on the 1,000,000-row observation table, each
observation carries ``release_at``: a copy of its release's scheduled time while the
release is SCHEDULED, NULL otherwise (draft or cancelled). Only the release services write
it, in the same transaction that changes the release, so the copy can never disagree with
the release; nothing periodic decides visibility. ``selectors`` holds the one filter.

Vintages: a published value is never overwritten. A revision is a new observation row in
a later release (status 修订); "as published at T" is, for each (indicator, region,
period), the row with the greatest ``release_at`` <= T.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField

from gongkai.core.models import Agency
from gongkai.official_stats.blocks import BodyBlock
from gongkai.official_stats.enums import (
    Frequency,
    LoadChannel,
    ObservationStatus,
    PeriodKind,
    ReleaseChangeKind,
    ReleaseStatus,
    TextKind,
)


class Indicator(models.Model):
    """A statistical indicator (or a folder of them: ``is_group``) in the browsable tree."""

    code = models.CharField(_("指标代码"), max_length=40, unique=True,
                            help_text=_("字母、数字、点、下划线或连字符，例如 A01.GDP。"))
    name = models.CharField(_("指标名称"), max_length=100)
    parent = models.ForeignKey("self", verbose_name=_("上级指标"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    is_group = models.BooleanField(_("仅为分类"), default=False,
                                   help_text=_("分类节点只用于组织指标树，不能载入数据。"))
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=1)
    frequency = models.CharField(_("频度"), max_length=16, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    definition = models.TextField(_("指标解释"), blank=True)
    caliber = models.TextField(_("统计口径"), blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    notes = models.TextField(_("附注"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("统计指标")
        verbose_name_plural = _("统计指标")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Region(models.Model):
    """An area data are published for: an administrative division (行政区划代码, GB/T 2260) or
    a functional zone (高新区, 经济开发区) that has no division code of its own."""

    code = models.CharField(
        _("地区代码"), max_length=20, unique=True,
        help_text=_("行政区划填6位行政区划代码；非行政区划单位填自定代码，例如 210300-GX。"),
    )
    name = models.CharField(_("地区名称"), max_length=50)
    is_administrative = models.BooleanField(
        _("行政区划"), default=True,
        help_text=_("高新区、经济开发区等功能区不是行政区划，取消勾选。"),
    )
    parent = models.ForeignKey("self", verbose_name=_("上级地区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_until = models.DateField(_("停用日期"), null=True, blank=True)
    notes = models.TextField(_("附注"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Release(models.Model):
    """One entry of the 数据发布日程表: a title, the indicators, a time to the minute."""

    agency = models.ForeignKey(Agency, verbose_name=_("发布机关"), on_delete=models.PROTECT,
                               related_name="stat_releases")
    title = models.CharField(_("发布名称"), max_length=200)
    scheduled_at = models.DateTimeField(_("发布时间"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=ReleaseStatus.choices,
                              default=ReleaseStatus.DRAFT)
    indicators = models.ManyToManyField(Indicator, verbose_name=_("涉及指标"), blank=True,
                                        related_name="releases")
    description = models.TextField(_("说明"), blank=True)
    revises = models.ForeignKey("self", verbose_name=_("修订的发布"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="revisions")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("数据发布")
        verbose_name_plural = _("数据发布")
        ordering = ["scheduled_at", "id"]
        indexes = [models.Index(fields=["status", "scheduled_at"],
                                name="official_st_rel_status_at")]

    def __str__(self) -> str:
        return self.title


class ReleaseChange(models.Model):
    """An announced change to a release (列入日程, 推迟, 提前, 取消) with its reason; public
    forever on the calendar."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="changes",
                                verbose_name=_("数据发布"))
    kind = models.CharField(_("变更类型"), max_length=20, choices=ReleaseChangeKind.choices)
    old_scheduled_at = models.DateTimeField(_("原发布时间"), null=True, blank=True)
    new_scheduled_at = models.DateTimeField(_("新发布时间"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    announced_at = models.DateTimeField(_("公告时间"))
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("发布日程变更")
        verbose_name_plural = _("发布日程变更")
        ordering = ["announced_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.release_id}"


class Observation(models.Model):
    """One published (or embargoed) value. Never updated after its release time: a
    revision is a new row in a later release."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="observations")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("时期"), max_length=16)
    period_kind = models.CharField(_("时期类型"), max_length=2, choices=PeriodKind.choices)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=6)
    decimals = models.PositiveSmallIntegerField(_("公布的小数位数"), default=0)
    status = models.CharField(_("数据状态"), max_length=12, choices=ObservationStatus.choices,
                              default=ObservationStatus.FINAL)
    footnote = models.CharField(_("注释"), max_length=500, blank=True)
    # Copy of release.scheduled_at while the release is SCHEDULED, else NULL (module doc).
    release_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("观测值")
        verbose_name_plural = _("观测值")
        constraints = [models.UniqueConstraint(
            fields=["release", "indicator", "region", "period"],
            name="official_st_obs_unique_in_release")]
        # Covering on PostgreSQL (ignored elsewhere): a series' rows were written by one
        # release a month, so each sits on a different heap page; with the cell's columns in
        # the index a 1,000-cell answer is one index-only scan instead of 1,000 page reads.
        indexes = [models.Index(fields=["indicator", "region", "period", "release_at"],
                                include=["id", "value", "decimals", "status", "footnote",
                                         "release"],
                                name="official_st_obs_series")]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.region_id}/{self.period}={self.value}"


class ReleaseText(models.Model):
    """统计公报, 数据解读, 新闻稿 or 修订说明 of a release: public exactly when its data are."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="texts",
                                verbose_name=_("数据发布"))
    kind = models.CharField(_("类型"), max_length=20, choices=TextKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("摘要"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("发布文稿")
        verbose_name_plural = _("发布文稿")
        ordering = ["release", "sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class LoadBatch(models.Model):
    """A record of one accepted file/API load into a release (who, how, how many rows)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="batches")
    channel = models.CharField(_("方式"), max_length=10, choices=LoadChannel.choices)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("行数"))
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"))

    class Meta:
        verbose_name = _("数据载入记录")
        verbose_name_plural = _("数据载入记录")
        ordering = ["-loaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename or self.channel}（{self.rows}行）"


class LoadingToken(models.Model):
    """A per-agency key for the machine-loading API. Only its SHA-256 is stored."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="stat_tokens",
                               verbose_name=_("机构"))
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据接口令牌")
        verbose_name_plural = _("数据接口令牌")

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"
