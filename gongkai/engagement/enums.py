"""Vocabularies of 专题与公众参与, defined once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    OPEN_GOV_DAY = "open_gov_day", _("5·15政务公开日")
    STATS_OPEN_DAY = "stats_open_day", _("统计开放日")
    CENSUS = "census", _("普查宣传")
    OTHER = "other", _("其他专题")


class EventKind(models.TextChoices):
    GOV_OPEN_DAY = "gov_open_day", _("政府开放日")
    PUBLIC_OPEN_DAY = "public_open_day", _("公众开放日")
    TRAINING = "training", _("培训")


class Audience(models.TextChoices):
    PUBLIC = "public", _("社会公众")
    ENTERPRISE = "enterprise", _("三上企业统计人员")
    COUNTY = "county", _("县区统计局")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已确认")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


class RegistrationMail(models.TextChoices):
    """The e-mails a registrant receives (one task per message)."""

    CONFIRMED = "confirmed", _("报名确认")
    WAITLISTED = "waitlisted", _("候补通知")
    PROMOTED = "promoted", _("候补转正")
    CANCELLED = "cancelled", _("取消确认")
    REMINDER = "reminder", _("活动提醒")


class SubscriptionKind(models.TextChoices):
    COLUMN = "column", _("栏目")
    THEME = "theme", _("主题")
    AGENCY = "agency", _("机构")
    RELEASE_CALENDAR = "release_calendar", _("统计数据发布日程")


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已订阅")
    UNSUBSCRIBED = "unsubscribed", _("已退订")


class SurveyKind(models.TextChoices):
    AWARENESS = "awareness", _("认知度调查")
    SATISFACTION = "satisfaction", _("满意度调查")


class ResponseRule(models.TextChoices):
    """How a survey makes sure each person's answer counts once (chosen per survey)."""

    BROWSER = "browser", _("每个浏览器一份（适用于公开的满意度调查）")
    INVITATION = "invitation", _("邀请码（每个邀请码一份）")
    EMAIL = "email", _("邮箱验证（每个邮箱一份）")


# The form builder's field types a questionnaire offers (Wagtail's names, plus a scale).
SURVEY_FIELD_CHOICES = (
    ("radio", _("单选")),
    ("checkboxes", _("多选")),
    ("scale", _("量表（1—5分）")),
    ("multiline", _("文字回答")),
    ("singleline", _("单行文字")),
)
CHOICE_FIELD_TYPES = frozenset({"radio", "checkboxes", "dropdown", "multiselect", "scale"})
SCALE_POINTS = 5
