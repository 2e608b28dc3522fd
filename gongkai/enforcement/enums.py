"""Statuses and statutory vocabularies of 统计执法公开, defined once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionOutcome(models.TextChoices):
    """抽查结果 as agencies publish them."""

    PENDING = "pending", _("检查中")
    NO_PROBLEM = "no_problem", _("未发现问题")
    CORRECTED = "corrected", _("发现问题，已责令改正")
    CASE_OPENED = "case_opened", _("发现问题，已立案查处")
    NOT_FOUND = "not_found", _("经查无此对象或已注销")


class PartyKind(models.TextChoices):
    """行政处罚的当事人."""

    ORGANISATION = "organisation", _("法人或者其他组织")
    NATURAL_PERSON = "natural_person", _("自然人")


class PenaltyStatus(models.TextChoices):
    RECORDED = "recorded", _("已登记，待公开")
    PUBLISHED = "published", _("已公开")
    CHANGED = "changed", _("已变更")
    REVOKED = "revoked", _("已撤销，信息已撤回")


class PenaltyEventKind(models.TextChoices):
    RECORDED = "recorded", _("登记处罚决定")
    PUBLISHED = "published", _("公开")
    CHANGED = "changed", _("决定变更，公开信息已更新")
    REVOKED = "revoked", _("决定撤销，公开信息已撤回")


class PublicationState(models.TextChoices):
    """Where a decision stands against the 7-working-day publication deadline."""

    DUE = "due", _("待公开（未到期）")
    OVERDUE = "overdue", _("逾期未公开")
    ON_TIME = "on_time", _("按期公开")
    LATE = "late", _("逾期公开")


class CatalogKind(models.TextChoices):
    """What the enforcement app publishes in the catalog."""

    PLAN = "plan", _("抽查计划")
    RESULTS = "results", _("抽查结果")
