"""政府信息公开工作年度报告: one report per agency and year.

``figures`` is the snapshot the last generation computed from the records (cell key →
value, keys in ``cells``). Staff never edit it: a change is a ``CellAdjustment`` with a
reason, and the figures the report shows are the snapshot with the latest adjustment of
each cell applied (``AnnualReport.effective_figures``). A rule that still fails at
publication needs a ``RuleOverride`` (the reviewer's written reason).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.annual_reports import cells
from gongkai.annual_reports.enums import STORED_STATUSES, ReportStatus
from gongkai.core.models import Agency


def due_date(year: int) -> dt.date:
    """《条例》第四十九条第一款: 县级以上人民政府部门 publish by 31 January of the next year."""
    return dt.date(year + 1, 1, 31)


class AnnualReport(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="annual_reports",
                               verbose_name=_("机构"))
    year = models.PositiveIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=20, default=ReportStatus.DRAFT,
                              choices=[(s.value, s.label) for s in STORED_STATUSES])
    figures = models.JSONField(_("计算结果"), default=dict)
    # Where each figure came from: notes such as “行政处罚：执法模块未启用” (key → text).
    sources = models.JSONField(_("数据来源说明"), default=dict)
    computed_at = models.DateTimeField(_("生成时间"), null=True)
    overview = models.TextField(_("一、总体情况"), blank=True)
    problems = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    other_matters = models.TextField(_("六、其他需要报告的事项"), blank=True)
    findings = models.JSONField(_("校验结果"), default=list)
    checked_at = models.DateTimeField(_("校验时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("发布页面"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")
        ordering = ["-year", "agency__sort_order", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="one_annual_report_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}"

    @property
    def title(self) -> str:
        return f"{self.agency.name}{self.year}年政府信息公开工作年度报告"

    @property
    def due_on(self) -> dt.date:
        return due_date(self.year)

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED

    def computed_figures(self) -> dict[str, cells.Number]:
        return {k: cells.from_json(k, v) for k, v in self.figures.items() if k in cells.CELL_SET}

    def latest_adjustments(self) -> dict[str, CellAdjustment]:
        latest: dict[str, CellAdjustment] = {}
        for adjustment in self.adjustments.order_by("created_at", "id"):
            latest[adjustment.cell] = adjustment
        return latest

    def effective_figures(self) -> dict[str, cells.Number]:
        figures = self.computed_figures()
        for key, adjustment in self.latest_adjustments().items():
            figures[key] = adjustment.typed_value
        return figures


class CellAdjustment(models.Model):
    """A staff change to one cell, with the reason. Append-only: a later adjustment of the
    same cell replaces the earlier one in the report; both stay on record."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE,
                               related_name="adjustments")
    cell = models.CharField(_("单元格"), max_length=40)
    computed_value = models.CharField(_("系统计算值"), max_length=40)
    value = models.CharField(_("调整后数值"), max_length=40)
    reason = models.TextField(_("调整理由"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+")
    user_name = models.CharField(max_length=150)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("数据调整")
        verbose_name_plural = _("数据调整")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.cell}={self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("cell adjustments are append-only")
        super().save(*args, **kwargs)

    @property
    def typed_value(self) -> cells.Number:
        return cells.from_json(self.cell, self.value)

    @property
    def label(self) -> str:
        return cells.cell_label(self.cell)



class RuleOverride(models.Model):
    """A reviewer's written reason to publish although a rule is broken."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="overrides")
    rule = models.CharField(_("规则"), max_length=10)
    cell = models.CharField(_("单元格"), max_length=60, blank=True)
    message = models.TextField(_("校验意见"))
    reason = models.TextField(_("理由"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+")
    user_name = models.CharField(max_length=150)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("规则豁免说明")
        verbose_name_plural = _("规则豁免说明")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.rule} {self.cell}"


class ReportReminder(models.Model):
    """A reminder mail sent for an agency's report (one per agency, year and stage)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    stage = models.CharField(max_length=20)
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year", "stage"],
                                               name="one_annual_report_reminder_a_stage")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}/{self.stage}"
