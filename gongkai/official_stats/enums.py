"""统计数据发布's vocabularies, defined once.

Observation statuses follow the Chinese chain 预计 → 初步 → 最终 (→ 修订); period kinds are
the shapes local statistics publish (月度、季度、年度 and the 1–N月 / 1–N季度 cumulative
periods). See docs/official-statistics.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("月度")
    QUARTERLY = "quarterly", _("季度")
    YEARLY = "yearly", _("年度")
    MONTHLY_CUMULATIVE = "monthly_cum", _("月度累计（1—N月）")
    QUARTERLY_CUMULATIVE = "quarterly_cum", _("季度累计（1—N季度）")
    IRREGULAR = "irregular", _("不定期（普查等）")


class PeriodKind(models.TextChoices):
    """The shape of a period code (gongkai.official_stats.periods parses and formats them)."""

    YEAR = "Y", _("年")
    QUARTER = "Q", _("季度")
    MONTH = "M", _("月")
    MONTHS_CUMULATIVE = "MC", _("1—N月累计")
    QUARTERS_CUMULATIVE = "QC", _("1—N季度累计")
    DAY = "D", _("时点")


class ObservationStatus(models.TextChoices):
    ESTIMATED = "estimated", _("预计")
    PRELIMINARY = "preliminary", _("初步")
    FINAL = "final", _("最终")
    REVISED = "revised", _("修订")


# Labels an upload may use for a status, besides the codes themselves.
STATUS_ALIASES: dict[str, str] = {
    **{str(s.label): s.value for s in ObservationStatus},
    **{s.value: s.value for s in ObservationStatus},
    "预计数": ObservationStatus.ESTIMATED.value,
    "初步核算": ObservationStatus.PRELIMINARY.value,
    "最终核实": ObservationStatus.FINAL.value,
}


class ReleaseStatus(models.TextChoices):
    """Only SCHEDULED releases ever become public; a release is "published" when its
    scheduled time has passed — derived at request time, never stored."""

    DRAFT = "draft", _("草稿（未列入日程）")
    SCHEDULED = "scheduled", _("已列入日程")
    CANCELLED = "cancelled", _("已取消")


class ReleaseChangeKind(models.TextChoices):
    ANNOUNCED = "announced", _("列入日程")
    POSTPONED = "postponed", _("推迟发布")
    BROUGHT_FORWARD = "brought_forward", _("提前发布")
    CANCELLED = "cancelled", _("取消发布")


class TextKind(models.TextChoices):
    BULLETIN = "bulletin", _("统计公报")
    INTERPRETATION = "interpretation", _("数据解读")
    PRESS_RELEASE = "press_release", _("新闻稿")
    REVISION_NOTICE = "revision_notice", _("修订说明")


class LoadChannel(models.TextChoices):
    WEB = "web", _("网页上传")
    CONSOLE = "console", _("命令行")
    API = "api", _("接口")
