"""Statuses and kinds shared across gongkai, defined once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


class StaffRole(models.TextChoices):
    """What a staff member may do inside their agency's section."""

    EDITOR = "editor", _("信息编辑")
    REVIEWER = "reviewer", _("保密审查员")
    APPROVER = "approver", _("审核发布")
    ADMIN = "admin", _("单位管理员")


class HolidayKind(models.TextChoices):
    DAY_OFF = "off", _("放假")
    WORKING_WEEKEND = "work", _("调休上班")
