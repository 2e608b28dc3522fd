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


class PlatformRole(models.TextChoices):
    """三员分立 (等保 2.0): the three platform duties that no account may combine."""

    SYSTEM_ADMIN = "sysadmin", _("系统管理员")
    SECURITY_ADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("安全审计员")


class LoginOutcome(models.TextChoices):
    SUCCESS = "success", _("登录成功")
    BAD_PASSWORD = "bad_password", _("密码错误")
    LOCKED = "locked", _("账户已锁定")
    BAD_TOTP = "bad_totp", _("动态口令错误")
    TOTP_OK = "totp_ok", _("动态口令通过")
    LOGOUT = "logout", _("退出登录")
    IDLE_TIMEOUT = "idle_timeout", _("空闲超时退出")


class MailState(models.TextChoices):
    """Where one outgoing e-mail stands in the mail outbox (``gongkai.core.mail``)."""

    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    DROPPED = "dropped", _("无需发送")
    FAILED = "failed", _("发送失败")
