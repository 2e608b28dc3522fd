"""互动交流's vocabularies, defined once: what a message is, where it stands, what happened
to it, how the writer rated the reply; and the same for the confidential 统计违法举报."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")


class Status(models.TextChoices):
    """Where a message stands. Overdue is computed (``clock.reply_deadline``), not a state."""

    PENDING = "pending", _("办理中")
    DRAFTED = "drafted", _("答复待审核")
    REVIEWED = "reviewed", _("答复已审核")
    REPLIED = "replied", _("已答复")
    REJECTED = "rejected", _("不予受理")

    @property
    def is_closed(self) -> bool:
        return self in (Status.REPLIED, Status.REJECTED)


CLOSED_STATUSES = frozenset({Status.REPLIED, Status.REJECTED})


class EventKind(models.TextChoices):
    """The append-only log of a message. ``public`` events are shown to the writer."""

    RECEIVED = "received", _("收到留言")
    FORWARDED = "forwarded", _("转交其他机关办理")
    REPLY_DRAFTED = "reply_drafted", _("拟写答复")
    REPLY_RETURNED = "reply_returned", _("答复退回修改")
    REPLY_REVIEWED = "reply_reviewed", _("答复审核通过")
    REPLIED = "replied", _("答复")
    REJECTED = "rejected", _("不予受理")
    PUBLISHED = "published", _("公开留言及答复")
    UNPUBLISHED = "unpublished", _("撤下公开")
    RATED = "rated", _("留言人评价")


PUBLIC_EVENTS = frozenset({EventKind.RECEIVED, EventKind.FORWARDED, EventKind.REPLIED,
                           EventKind.REJECTED, EventKind.RATED})


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ReportStatus(models.TextChoices):
    """统计违法举报: 登记 → 初审 (受理 / 转有关处室 / 告知向有关机关反映 / 不予受理) → 核实 → 办结."""

    REGISTERED = "registered", _("已登记")
    ACCEPTED = "accepted", _("已受理")
    REFERRED = "referred", _("已转有关部门办理")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    CONCLUDED = "concluded", _("已办结")


CLOSED_REPORT_STATUSES = frozenset({ReportStatus.NOT_ACCEPTED, ReportStatus.CONCLUDED})


class ViolationKind(models.TextChoices):
    FABRICATION = "fabrication", _("统计造假、弄虚作假")
    REFUSAL = "refusal", _("拒报、迟报统计资料")
    INTERFERENCE = "interference", _("干预统计工作")
    CONFIDENTIALITY = "confidentiality", _("泄露统计调查对象信息")
    OTHER = "other", _("其他统计违法行为")
