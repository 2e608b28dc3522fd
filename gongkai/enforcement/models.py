"""统计执法公开: “双随机” inspection plans, their lists, verifiable draws, 行政处罚 decisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Agency
from gongkai.enforcement.enums import (
    CatalogKind,
    InspectionOutcome,
    PartyKind,
    PenaltyEventKind,
    PenaltyStatus,
)

# --- “双随机、一公开” -----------------------------------------------------------------------


class InspectionPlan(models.Model):
    """抽查计划: one per agency and year."""

    agency = models.ForeignKey(Agency, verbose_name=_("机关"), on_delete=models.PROTECT,
                               related_name="inspection_plans")
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    items = models.TextField(_("抽查事项"), help_text=_("随机抽查事项清单，每行一项。"))
    scope = models.TextField(_("抽查范围与比例"), blank=True)
    schedule = models.CharField(_("抽查时间安排"), max_length=200, blank=True)
    sample_size = models.PositiveIntegerField(_("抽取企业数"), default=10)
    team_size = models.PositiveIntegerField(_("每组执法检查人员数"), default=2)
    is_demo = models.BooleanField(_("示例内容"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        ordering = ["-year", "agency__sort_order"]
        constraints = [models.UniqueConstraint(fields=["agency", "year"],
                                               name="enforcement_one_plan_per_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> str:
        """The plan's identifier inside draw records: stable and readable."""
        return f"{self.agency.code}/{self.year}"

    @property
    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class Enterprise(models.Model):
    """检查对象名录库: one candidate enterprise of a plan."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="enterprises")
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("名称"), max_length=200)
    region = models.CharField(_("所在地区"), max_length=60, blank=True)
    industry = models.CharField(_("行业"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象名录")
        ordering = ["uscc"]
        constraints = [models.UniqueConstraint(fields=["plan", "uscc"],
                                               name="enforcement_unique_enterprise")]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"


class Inspector(models.Model):
    """执法检查人员名录库: one inspector of a plan's pool."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="inspectors")
    cert_no = models.CharField(_("执法证号"), max_length=40)
    name = models.CharField(_("姓名"), max_length=40)
    agency_name = models.CharField(_("所在单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录")
        ordering = ["cert_no"]
        constraints = [models.UniqueConstraint(fields=["plan", "cert_no"],
                                               name="enforcement_unique_inspector")]

    def __str__(self) -> str:
        return f"{self.name}（{self.cert_no}）"


class Exclusion(models.Model):
    """回避: an inspector who must not inspect an enterprise. The reason stays internal;
    the pair itself is published with the frozen lists."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="exclusions")
    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("回避理由（内部）"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [models.UniqueConstraint(fields=["inspector", "enterprise"],
                                               name="enforcement_unique_exclusion")]

    def __str__(self) -> str:
        return f"{self.inspector_id}↛{self.enterprise_id}"


class ListFreeze(models.Model):
    """The frozen lists of a plan and the declared seed source, published before the draw.

    The canonical CSV texts are kept as frozen, so later edits of the lists cannot change
    what the draw uses."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="freezes")
    frozen_at = models.DateTimeField(_("冻结时间"))
    candidates_csv = models.TextField(editable=False)
    inspectors_csv = models.TextField(editable=False)
    exclusions_csv = models.TextField(editable=False)
    candidates_sha256 = models.CharField(_("检查对象名录哈希值"), max_length=64)
    inspectors_sha256 = models.CharField(_("执法检查人员名录哈希值"), max_length=64)
    exclusions_sha256 = models.CharField(_("回避关系哈希值"), max_length=64)
    candidate_count = models.PositiveIntegerField()
    inspector_count = models.PositiveIntegerField()
    seed_source = models.CharField(
        _("随机数来源"), max_length=300,
        help_text=_("事先公布、届时才产生的公开数值，例如：福利彩票双色球第2026138期开奖号码。"))
    seed_source_url = models.URLField(_("来源网址"), blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("名录冻结")
        verbose_name_plural = _("名录冻结")
        ordering = ["-frozen_at"]

    def __str__(self) -> str:
        return f"{self.plan} @ {self.frozen_at:%Y-%m-%d %H:%M}"


class Draw(models.Model):
    """One run of the draw. ``record`` is the DRAW_FILE exactly as published; rows are
    never edited or deleted (the chain shows it if they are)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="draws")
    freeze = models.ForeignKey(ListFreeze, on_delete=models.PROTECT, related_name="draws")
    sequence = models.PositiveIntegerField(_("摇号序号"))
    seed_value = models.CharField(_("随机数"), max_length=300)
    record = models.JSONField()
    record_hash = models.CharField(_("记录哈希值"), max_length=64, unique=True)
    prev_hash = models.CharField(_("前一记录哈希值"), max_length=64)
    redraw_reason = models.TextField(_("重新摇号理由"), blank=True)
    drawn_at = models.DateTimeField(_("摇号时间"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("抽查摇号")
        verbose_name_plural = _("抽查摇号")
        ordering = ["agency", "sequence"]
        constraints = [models.UniqueConstraint(fields=["agency", "sequence"],
                                               name="enforcement_draw_sequence")]

    def __str__(self) -> str:
        return f"{self.agency_id} #{self.sequence}"

    @property
    def assignments(self) -> list[dict[str, Any]]:
        enterprises: list[dict[str, Any]] = self.record["result"]["enterprises"]
        return enterprises


class InspectionResult(models.Model):
    """抽查结果 of one drawn enterprise (the latest row per enterprise counts)."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="results")
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("名称"), max_length=200)
    outcome = models.CharField(_("检查结果"), max_length=20, choices=InspectionOutcome.choices)
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("抽查结果")
        verbose_name_plural = _("抽查结果")
        ordering = ["draw", "uscc", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.name}: {self.outcome}"


class CatalogPublication(models.Model):
    """Which catalog item (DisclosureItemPage) carries a plan's 抽查计划 or 抽查结果."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE,
                             related_name="publications")
    kind = models.CharField(max_length=10, choices=CatalogKind.choices)
    page = models.ForeignKey("wagtailcore.Page", null=True, on_delete=models.SET_NULL,
                             related_name="+")
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "kind"],
                                               name="enforcement_one_item_per_kind")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.kind}"


# --- 行政处罚 --------------------------------------------------------------------------------


class PenaltyDecision(models.Model):
    """A 行政处罚决定 as recorded. The public sees only the ``published_*`` copy, masked
    when it was published; the history of changes is in :class:`PenaltyEvent`."""

    agency = models.ForeignKey(Agency, verbose_name=_("处罚机关"), on_delete=models.PROTECT,
                               related_name="penalty_decisions")
    case_number = models.CharField(_("案号（决定书文号）"), max_length=60)
    party_kind = models.CharField(_("当事人类型"), max_length=20, choices=PartyKind.choices)
    party_name = models.CharField(_("当事人名称或姓名"), max_length=200)
    party_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True,
        help_text=_("当事人为法人或者其他组织时填写；自然人的身份证件号码不在本系统登记。"))
    facts = models.TextField(_("主要违法事实"))
    legal_basis = models.TextField(_("处罚依据"))
    penalty = models.TextField(_("处罚内容"))
    fine_amount = models.DecimalField(_("罚款金额（元）"), max_digits=14, decimal_places=2,
                                      null=True, blank=True)
    decided_on = models.DateField(_("处罚决定日期"))
    status = models.CharField(_("状态"), max_length=12, choices=PenaltyStatus.choices,
                              default=PenaltyStatus.RECORDED)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    # The public copy (masked at publication, replaced on a change, emptied on revocation).
    published_party = models.CharField(max_length=200, blank=True)
    published_facts = models.TextField(blank=True)
    published_basis = models.TextField(blank=True)
    published_penalty = models.TextField(blank=True)
    notice = models.TextField(_("变更或撤销说明"), blank=True)
    is_demo = models.BooleanField(_("示例内容"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("行政处罚决定")
        verbose_name_plural = _("行政处罚决定")
        ordering = ["-decided_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "case_number"],
                                               name="enforcement_unique_case_number")]
        indexes = [models.Index(fields=["agency", "decided_on"])]

    def __str__(self) -> str:
        return self.case_number

    @property
    def is_revoked(self) -> bool:
        return self.status == PenaltyStatus.REVOKED


class PenaltyEvent(models.Model):
    """Append-only history of a decision: recorded, published, changed, revoked."""

    decision = models.ForeignKey(PenaltyDecision, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=PenaltyEventKind.choices)
    on = models.DateField(_("日期"))
    notice = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.kind}"
