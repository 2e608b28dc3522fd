"""互动交流: messages (咨询/投诉/建议), their append-only event log, notes, the FAQ, agency
settings; and the confidential 统计违法举报 with its encrypted reporter identity.

``Message.status``, ``agency`` and ``due_on`` are caches of the event log, rewritten by the
services after every event. Writers' names and contacts are personal data: never in
``__str__``, log records, audit entries, URLs or e-mails; published copies are masked
when published (``public_*`` fields) so a later change of the message cannot leak.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.consultations.enums import (
    EventKind,
    Kind,
    Rating,
    ReportStatus,
    Status,
    ViolationKind,
)
from gongkai.core.models import Agency

DEFAULT_REPLY_DAYS = 5


class ConsultationSettings(models.Model):
    """An agency's 互动交流 settings. Absent → ``for_agency`` gives the defaults (unsaved)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE,
                                  related_name="consultation_settings", verbose_name=_("机构"))
    consultation_days = models.PositiveSmallIntegerField(
        _("咨询答复期限（工作日）"), default=DEFAULT_REPLY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    complaint_days = models.PositiveSmallIntegerField(
        _("投诉答复期限（工作日）"), default=DEFAULT_REPLY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    suggestion_days = models.PositiveSmallIntegerField(
        _("建议答复期限（工作日）"), default=DEFAULT_REPLY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    independent_review = models.BooleanField(
        _("答复须由拟稿人以外的人员审核"), default=True)
    other_phones = models.TextField(
        _("其他咨询、监督电话"), blank=True,
        help_text=_("每行一项，格式“名称：号码”，例如“统计执法监督电话：0412-2221209”。"))
    report_phone = models.CharField(_("统计违法举报电话"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("互动交流设置")
        verbose_name_plural = _("互动交流设置")

    def __str__(self) -> str:
        return f"{self.agency_id} 互动交流设置"

    @classmethod
    def for_agency(cls, agency: Agency) -> ConsultationSettings:
        found = cls.objects.filter(agency=agency).first()
        return found if found is not None else cls(agency=agency)

    def reply_days(self, kind: str) -> int:
        days: dict[str, int] = {Kind.CONSULTATION: self.consultation_days,
                                Kind.COMPLAINT: self.complaint_days,
                                Kind.SUGGESTION: self.suggestion_days}
        return days.get(kind, DEFAULT_REPLY_DAYS)

    def other_phone_rows(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.other_phones.splitlines():
            label, sep, number = line.replace(":", "：").partition("：")
            if sep and label.strip() and number.strip():
                rows.append((label.strip(), number.strip()))
        return rows


class Counter(models.Model):
    """The last serial per agency, year and series (LY: 留言, JB: 举报); locked while issuing."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    series = models.CharField(max_length=4)
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year", "series"],
                                               name="unique_consultation_counter")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}/{self.series}: {self.last_serial}"


class Message(models.Model):
    """One 留言 (咨询、投诉或建议)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="consultations",
                               verbose_name=_("办理机关"))
    received_by = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("收到留言的机关"))
    number = models.CharField(_("留言编号"), max_length=40, unique=True)
    year = models.PositiveIntegerField()
    serial = models.PositiveIntegerField()
    code_hash = models.CharField(max_length=128)  # keyed hash of the 查询码 (core.tracking_codes)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=60)
    body = models.TextField(_("留言内容"))
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=40)
    email = models.EmailField(_("电子邮箱"), blank=True)
    publish_consent = models.BooleanField(_("同意公开"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"))
    # Caches of the event log.
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    # The reply as drafted/reviewed/sent (shown to the writer once sent).
    reply_text = models.TextField(_("答复内容"), blank=True)
    reply_drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    reply_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    # The published copy, masked when published.
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    public_title = models.CharField(max_length=60, blank=True)
    public_body = models.TextField(blank=True)
    public_reply = models.TextField(blank=True)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    is_demo = models.BooleanField(_("示例内容"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("留言")
        verbose_name_plural = _("留言")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "due_on"], name="hdjl_queue"),
            models.Index(fields=["agency", "published_at"], name="hdjl_published"),
        ]

    def __str__(self) -> str:
        # Never personal data here: __str__ ends up in logs, admin titles and errors.
        return self.number

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise ValidationError("this log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError("this log is append-only")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("this log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError("this log is append-only")


class MessageEvent(AppendOnly):
    """One entry of a message's log. ``public_text`` is shown to the writer (e.g. why it was
    forwarded); ``data`` is internal."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.choices)
    on = models.DateField(_("日期"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    public_text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


class MessageNote(models.Model):
    """A staff note on a message (never shown to the writer)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    author_label = models.CharField(max_length=150, blank=True)
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.message_id}"


class ReminderSent(models.Model):
    """One reminder e-mail per message per day (``consultation_reminders`` is idempotent)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()
    kind = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "on"],
                                               name="unique_hdjl_reminder_per_day")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.on}"


class FaqEntry(models.Model):
    """常见问题: a question and its answer, kept by the agency."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="faq_entries",
                               verbose_name=_("机构"))
    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("解答"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_public = models.BooleanField(_("公开"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.question


class ViolationReport(models.Model):
    """One 统计违法举报. The reporter's identity and contacts are a Fernet token
    (``crypto``), readable only through ``services.reveal_identity`` (permission + audit)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("受理机关"))
    number = models.CharField(_("举报编号"), max_length=40, unique=True)
    year = models.PositiveIntegerField()
    serial = models.PositiveIntegerField()
    code_hash = models.CharField(max_length=128)
    violation_kind = models.CharField(_("举报事项类型"), max_length=20,
                                      choices=ViolationKind.choices)
    subject = models.CharField(_("被举报单位或个人"), max_length=200)
    region = models.CharField(_("涉及地区"), max_length=100, blank=True)
    description = models.TextField(_("举报内容"))
    anonymous = models.BooleanField(_("匿名举报"), default=False)
    identity_token = models.TextField(blank=True)  # Fernet token of the identity JSON
    status = models.CharField(_("状态"), max_length=20, choices=ReportStatus.choices,
                              default=ReportStatus.REGISTERED)
    submitted_at = models.DateTimeField(_("登记时间"))
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("统计违法举报")
        verbose_name_plural = _("统计违法举报")
        ordering = ["-submitted_at", "-id"]
        permissions = [("view_reporter_identity", "可以查看统计违法举报人的身份和联系方式")]

    def __str__(self) -> str:
        return self.number


class ReportEntry(AppendOnly):
    """The handling record of a report: a status change and/or a text. Only entries with
    ``to_reporter`` are shown to the reporter."""

    report = models.ForeignKey(ViolationReport, on_delete=models.PROTECT, related_name="entries")
    status = models.CharField(max_length=20, choices=ReportStatus.choices, blank=True)
    text = models.TextField(blank=True)
    to_reporter = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.status}"
