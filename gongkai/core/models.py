"""Agencies, staff membership, the holiday table and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.enums import AgencyLevel, HolidayKind, LoginOutcome, MailState, StaffRole
from gongkai.core.validators import validate_agency_code, validate_phone


class Agency(models.Model):
    """A government agency hosted on the platform (集约化: many per installation)."""

    name = models.CharField(_("机构全称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40)
    slug = models.SlugField(
        _("网址标识"), max_length=40, unique=True,
        help_text=_("用于网址，例如 haicheng。只能包含小写字母、数字和连字符。"),
    )
    code = models.CharField(
        _("统一社会信用代码或组织机构代码"), max_length=18, unique=True,
        validators=[validate_agency_code],
        help_text=_("索引号的前段码。18位统一社会信用代码，或9位组织机构代码（不含“-”）。"),
    )
    level = models.CharField(_("层级"), max_length=16, choices=AgencyLevel.choices,
                             default=AgencyLevel.CITY)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机关"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    home_page = models.OneToOneField(
        "wagtailcore.Page", verbose_name=_("门户栏目根页面"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="agency_root",
    )
    # 政府信息公开工作机构 (《条例》第十二条 requires every item below in the 指南).
    office_name = models.CharField(_("政府信息公开工作机构名称"), max_length=100)
    office_address = models.CharField(_("办公地址"), max_length=200)
    office_postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    office_hours = models.CharField(
        _("办公时间"), max_length=200,
        help_text=_("精确到分，例如：周一至周五（法定节假日除外）8:30—11:30，13:30—17:00"),
    )
    office_phone = models.CharField(_("联系电话"), max_length=60, validators=[validate_phone])
    office_fax = models.CharField(_("传真号码"), max_length=60, blank=True,
                                  validators=[validate_phone])
    office_email = models.EmailField(_("电子邮箱"), blank=True)
    office_web = models.CharField(_("互联网联系方式"), max_length=200, blank=True,
                                  help_text=_("网站或在线申请入口地址"))
    consultation_phone = models.CharField(_("咨询电话"), max_length=60, blank=True,
                                          validators=[validate_phone])
    supervision_phone = models.CharField(_("监督电话"), max_length=60, blank=True,
                                         validators=[validate_phone])
    # Site settings for the footer (政府网站 norms: 底部功能区).
    sponsor = models.CharField(_("主办单位"), max_length=100, blank=True)
    organizer = models.CharField(_("承办单位"), max_length=100, blank=True)
    contact = models.CharField(_("联系方式（页脚）"), max_length=200, blank=True)
    site_code = models.CharField(_("网站标识码"), max_length=20, blank=True)
    icp_number = models.CharField(_("ICP备案编号"), max_length=40, blank=True,
                                  help_text=_("例如：辽ICP备12345678号"))
    police_number = models.CharField(_("公安机关备案号"), max_length=60, blank=True,
                                     help_text=_("例如：辽公网安备 21030202000123号"))
    conac_url = models.URLField(_("党政机关网站标识链接"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False,
                                  help_text=_("示例机构：页面上标注“示例”。"))

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def index_prefix(self) -> str:
        return self.code.strip().upper()

    def clean(self) -> None:
        self.code = self.code.strip().upper()
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("上级机关不能是本机关。")})


class AgencyMembership(models.Model):
    """A staff member's place in an agency. Permissions follow from the role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="agency_memberships", verbose_name=_("用户"))
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships",
                               verbose_name=_("机构"))
    role = models.CharField(_("角色"), max_length=16, choices=StaffRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("机构人员")
        verbose_name_plural = _("机构人员")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.agency.short_name} · {self.get_role_display()}"


class HolidaySchedule(models.Model):
    """One year's official holiday and 调休 schedule.

    Set by the State Council notice 国务院办公厅关于YYYY年部分节假日安排的通知.
    """

    year = models.PositiveIntegerField(_("年度"), unique=True)
    notice_title = models.CharField(_("通知名称"), max_length=200)
    notice_number = models.CharField(_("文号"), max_length=60, blank=True)
    notice_date = models.DateField(_("发布日期"), null=True, blank=True)
    source_url = models.URLField(_("来源网址"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class HolidayDate(models.Model):
    schedule = models.ForeignKey(HolidaySchedule, on_delete=models.CASCADE, related_name="dates")
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=HolidayKind.choices)
    name = models.CharField(_("节日"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("节假日日期")
        verbose_name_plural = _("节假日日期")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class AuditChainHead(models.Model):
    """A single row locked while appending, so the hash chain never forks."""

    last_hash = models.CharField(max_length=64, default="")
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class AuditLogEntry(models.Model):
    """An append-only, hash-chained record of every state change made through a service."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("audit log entries are append-only")
        super().save(*args, **kwargs)


# --- staff sign-in security (docs/security.md) ------------------------------------------


class LoginRecord(models.Model):
    """One sign-in attempt, second factor or sign-out: the login history staff see of their
    own account and the auditor sees of everyone's. Failed attempts keep the name that was
    typed even when no such account exists (a guessing attack shows)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="login_records")
    username = models.CharField(_("用户名"), max_length=150)
    at = models.DateTimeField(_("时间"), db_index=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=LoginOutcome.choices)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        ordering = ["-at"]
        indexes = [models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.outcome} {self.at:%Y-%m-%d %H:%M}"


class StaffAuthState(models.Model):
    """Per-account lockout and second-factor state. The TOTP secret is encrypted
    (gongkai.core.crypto); the last accepted time step stops a code being replayed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="auth_state")
    locked_until = models.DateTimeField(null=True, blank=True)
    totp_secret_encrypted = models.TextField(blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("账户安全状态")
        verbose_name_plural = _("账户安全状态")

    def __str__(self) -> str:
        return f"auth state of user {self.user_id}"

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret_encrypted and self.totp_confirmed_at)


# --- site search (docs/search.md) ------------------------------------------------------


class SearchDocument(models.Model):
    """One public thing as the search index knows it: the database stays the source of
    truth, and the backend's index (FTS5 table, tsvector chunks, OpenSearch) is derived
    from these rows. Filters and facets are plain columns, so every backend filters alike.
    """

    source = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    url = models.CharField(max_length=500)
    title = models.CharField(max_length=500)
    title_norm = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    attachments = models.TextField(blank=True)
    published_at = models.DateTimeField()
    # The visibility window: release time (embargo) and expiry, compared with *now* at
    # query time (core.visibility.visible_search_documents), never by a late job.
    visible_from = models.DateTimeField(null=True, blank=True)
    visible_until = models.DateTimeField(null=True, blank=True)
    content_type = models.CharField(max_length=40)
    content_type_label = models.CharField(max_length=40)
    column_id = models.BigIntegerField(null=True, blank=True)
    column_title = models.CharField(max_length=255, blank=True)
    theme_code = models.CharField(max_length=20, blank=True)
    theme_name = models.CharField(max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    validity = models.CharField(max_length=10, blank=True)
    validity_label = models.CharField(max_length=10, blank=True)
    content_hash = models.CharField(max_length=64)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="search_doc_unique")
        ]
        indexes = [
            models.Index(fields=["published_at"]),
            models.Index(fields=["agency", "published_at"]),
            # Few documents are outside their window; these find them fast (counts).
            models.Index(fields=["visible_from"]),
            models.Index(fields=["visible_until"]),
            models.Index(fields=["year"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.object_id} {self.title}"


class SearchOutbox(models.Model):
    """Index work written in the same transaction as the content change (architecture
    invariant 4). The worker claims rows with a conditional UPDATE, applies them (an
    idempotent upsert or removal) and deletes them; a crashed claim expires and is retried.
    """

    source = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["claimed_at", "id"])]

    def __str__(self) -> str:
        return f"{self.source}:{self.object_id}"


class OutgoingMail(models.Model):
    """One e-mail that must go out once: the mail outbox (``gongkai.core.mail``).

    The key is deterministic (``ysqgk-submission:<id>``, ``task:<task result id>``…), so a
    retried task or a repeated periodic run finds the row and does not send again. Only the
    key, ids in ``params`` and the state are stored — never the message, its recipients or
    anything else personal: the sender rebuilds the message from its own tables.
    """

    key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=MailState.choices,
                             default=MailState.SENDING)
    message_id = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.key} {self.state}"


class SearchIndexState(models.Model):
    """Which analyzer version built the index (a change forces a rebuild)."""

    backend = models.CharField(max_length=40, unique=True)
    analyzer_version = models.PositiveIntegerField()
    rebuilt_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.backend} v{self.analyzer_version}"


class SearchTermCount(models.Model):
    """热门搜索: how often a normalised query was searched on a day, nothing else.

    No address, session, user or time of day is stored; terms that look like personal
    data are never recorded, and a term is shown only once enough searches share it.
    """

    day = models.DateField()
    term = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "term"], name="search_term_day")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.term} {self.count}"
