"""依申请公开: applications, their append-only event log, letters, fees and settings.

The event log (``ApplicationEvent``) is the record: ``selectors.case_facts`` folds it into
the clock's ``CaseFacts`` and the clock derives every date. ``Application.status``,
``received_on``, ``outcome`` and ``due_on`` are caches of that derivation, rewritten by the
services after every event (never edited by hand).

Applicants' ID numbers and addresses are personal data: they are never part of ``__str__``,
log records, audit entries, URLs or e-mails, and outside the staff case view only the
``masked_*`` properties are shown. They are stored in plain text (``cryptography`` is not a
dependency; see docs/info-requests.md, “Personal data”).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import Agency
from gongkai.core.storage import AtomicWritesMixin
from gongkai.core.text.pii import Kind, mask_value
from gongkai.info_requests.clock import ANSWER_DAYS, DEFAULT_CORRECTION_PERIOD_DAYS
from gongkai.info_requests.enums import (
    LETTER_KIND_CHOICES,
    ApplicantType,
    Channel,
    DayCounting,
    DeliveryMethod,
    EventKind,
    FeeMethod,
    IdType,
    Outcome,
    ProvisionForm,
    Status,
)


class RequestSettings(models.Model):
    """An agency's 依申请公开 settings. Absent → ``RequestSettings.for_agency`` gives the
    defaults (unsaved)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="request_settings",
                                  verbose_name=_("机构"))
    day_counting = models.CharField(_("期限起算方式"), max_length=20, choices=DayCounting.choices,
                                    default=DayCounting.AFTER_RECEIPT)
    internal_target_days = models.PositiveSmallIntegerField(
        _("内部办理时限（工作日）"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(ANSWER_DAYS)],
        help_text=_("短于法定20个工作日的内部目标，仅用于提醒；不得超过20。"),
    )
    correction_period_days = models.PositiveSmallIntegerField(
        _("补正期限（工作日）"), default=DEFAULT_CORRECTION_PERIOD_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    review_body = models.CharField(
        _("行政复议机关"), max_length=100, blank=True,
        help_text=_("救济告知中的行政复议机关，例如：鞍山市人民政府。"),
    )
    litigation_court = models.CharField(
        _("行政诉讼法院"), max_length=200, blank=True,
        help_text=_("救济告知中的行政诉讼管辖法院，例如：鞍山市铁东区人民法院。"),
    )
    fee_method = models.CharField(_("默认收费方式"), max_length=20, choices=FeeMethod.choices,
                                  default=FeeMethod.PER_VOLUME)
    letter_prefix = models.CharField(
        _("告知书文号前缀"), max_length=40, blank=True,
        help_text=_("例如“鞍统依申请”，文号为“鞍统依申请〔2024〕12号”；留空则用机构简称。"),
    )

    class Meta:
        verbose_name = _("依申请公开设置")
        verbose_name_plural = _("依申请公开设置")

    def __str__(self) -> str:
        return f"{self.agency_id} 依申请公开设置"

    def clean(self) -> None:
        days = self.internal_target_days
        if days is not None and not 1 <= days <= ANSWER_DAYS:
            raise ValidationError(
                {"internal_target_days": _("内部办理时限应为1至20个工作日，不得长于法定期限。")}
            )

    @classmethod
    def for_agency(cls, agency: Agency) -> RequestSettings:
        found = cls.objects.filter(agency=agency).first()
        return found if found is not None else cls(agency=agency)

    @property
    def effective_letter_prefix(self) -> str:
        return self.letter_prefix or f"{self.agency.short_name}依申请"


class ApplicationCounter(models.Model):
    """The last 申请编号 serial per agency and year; locked while issuing (like catalog's
    IndexNumberCounter)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="unique_application_counter")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last_serial}"


class LetterCounter(models.Model):
    """The last 告知书 number per agency and year."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="unique_letter_counter")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last_serial}"


class Application(models.Model):
    """One 政府信息公开申请 (《条例》第二十九条)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="info_requests",
                               verbose_name=_("受理机关"))
    number = models.CharField(_("申请编号"), max_length=40, unique=True)
    year = models.PositiveIntegerField()
    serial = models.PositiveIntegerField()
    # A salted hash (Django's password hasher) of the 查询码; the code itself is never stored.
    code_hash = models.CharField(max_length=128)
    # Applicant (第二十九条第二款第（一）项).
    applicant_type = models.CharField(_("申请人类型"), max_length=40, choices=ApplicantType.choices)
    name = models.CharField(_("申请人姓名或名称"), max_length=100)
    id_type = models.CharField(_("身份证件类型"), max_length=30, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("身份证件号码"), max_length=40, blank=True)
    org_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人或负责人"), max_length=50, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    # The request (第二十九条第二款第（二）（三）项).
    description = models.TextField(_("所需政府信息的名称、文号或者其他特征性描述"))
    purpose = models.TextField(_("用途"), blank=True)
    provision_form = models.CharField(_("政府信息的提供形式"), max_length=20,
                                      choices=ProvisionForm.choices)
    delivery_method = models.CharField(_("获取信息的方式"), max_length=20,
                                       choices=DeliveryMethod.choices)
    channel = models.CharField(_("申请方式"), max_length=20, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("提交时间"))
    # Caches of the event log (see the module docstring).
    received_on = models.DateField(_("收到申请之日"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=30, choices=Status.choices)
    outcome = models.CharField(_("办理结果"), max_length=40, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("承办人"))
    idempotency_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "serial"],
                                    name="unique_application_serial")
        ]
        indexes = [
            models.Index(fields=["agency", "status", "received_on"], name="ysq_queue"),
            models.Index(fields=["agency", "due_on"], name="ysq_due"),
        ]

    def __str__(self) -> str:
        # Never personal data here: __str__ ends up in logs, admin titles and errors.
        return self.number

    @property
    def is_organization(self) -> bool:
        return self.applicant_type != ApplicantType.NATURAL_PERSON

    @property
    def masked_id_number(self) -> str:
        if not self.id_number:
            return ""
        if self.id_type == IdType.RESIDENT_ID:
            return mask_value(Kind.ID_CARD, self.id_number)
        keep = min(2, len(self.id_number) // 4)
        hidden = len(self.id_number) - 2 * keep
        return self.id_number[:keep] + "*" * hidden + (self.id_number[-keep:] if keep else "")

    @property
    def masked_address(self) -> str:
        """The first six characters (province/city), the rest hidden."""
        if not self.address:
            return ""
        return self.address[:6] + "*" * max(0, min(len(self.address) - 6, 8))


class EventQuerySet(models.QuerySet["ApplicationEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise ValidationError("application events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError("application events are append-only")


class ApplicationEvent(models.Model):
    """One entry of the append-only log. ``on`` is the legal date (the day it happened),
    ``created_at`` when it was recorded. A mistake is answered by a new event, never an edit.
    ``note`` is internal (never shown to the applicant)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=40, choices=EventKind.choices)
    on = models.DateField(_("日期"))
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["application", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("application events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError("application events are append-only")


def private_media_root() -> Path:
    """Where applicants' attachments live: outside MEDIA_ROOT, never served by the web
    server (setting ``GONGKAI_PRIVATE_MEDIA_ROOT``; default ``<VAR_DIR>/private``)."""
    configured = getattr(settings, "GONGKAI_PRIVATE_MEDIA_ROOT", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "private"


class LocalPrivateStorage(AtomicWritesMixin, FileSystemStorage):
    """File storage under ``private_media_root()``, read at use time (tests override it)
    and with no URL. The default ``STORAGES["private"]`` backend."""

    @cached_property
    def base_location(self) -> str:  # type: ignore[override]
        return str(private_media_root())

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(str(private_media_root()))

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL")


@deconstructible(path="gongkai.info_requests.models.PrivateStorage")
class PrivateStorage(Storage):
    """Applicants' attachments: whatever ``STORAGES["private"]`` is (a local directory, or a
    private S3 bucket — gongkai/core/object_storage.py), looked up at use time, and never a
    URL: staff read the files through Django only.

    The field keeps this one class in its migration whichever backend is configured."""

    @property
    def backend(self) -> Storage:
        return storages["private"]

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL")

    def open(self, name: str, mode: str = "rb") -> File:  # type: ignore[type-arg]
        return self.backend.open(name, mode)

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        return self.backend.save(name, content, max_length=max_length)

    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        return self.backend.generate_filename(filename)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.backend.get_available_name(name, max_length=max_length)

    def path(self, name: str) -> str:
        return self.backend.path(name)

    def delete(self, name: str) -> None:
        self.backend.delete(name)

    def exists(self, name: str) -> bool:
        return self.backend.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.backend.listdir(path)

    def size(self, name: str) -> int:
        return self.backend.size(name)

    def get_modified_time(self, name: str) -> Any:
        return self.backend.get_modified_time(name)


private_storage = PrivateStorage()


def attachment_path(instance: ApplicationAttachment, filename: str) -> str:
    # A random name: the applicant's file name is kept in ``original_name`` only.
    return f"info_requests/{instance.application.year}/{instance.sha256[:2]}/{instance.sha256}"


class ApplicationAttachment(models.Model):
    """A file the applicant attached (checked by ``gongkai.core.uploads.check_upload``)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                     related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申请附件")
        verbose_name_plural = _("申请附件")

    def __str__(self) -> str:
        return self.original_name


class InternalNote(models.Model):
    """A staff note on a case (never shown to the applicant)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    author_label = models.CharField(max_length=150, blank=True)
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("内部备注")
        verbose_name_plural = _("内部备注")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.application_id}"


class Letter(models.Model):
    """A 告知书 kept with the case. ``kind`` is a ``LetterKind`` or, for a reply, the
    ``Outcome`` value. The body is editable until ``sent_at`` is set (services enforce)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="letters")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=40, choices=LETTER_KIND_CHOICES)
    number = models.CharField(_("文号"), max_length=60)
    year = models.PositiveIntegerField()
    serial = models.PositiveIntegerField()
    body = models.TextField(_("正文"))
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("告知书")
        verbose_name_plural = _("告知书")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "serial"],
                                    name="unique_letter_serial"),
            models.UniqueConstraint(fields=["agency", "number"], name="unique_letter_number"),
        ]

    def __str__(self) -> str:
        return self.number


class FeeRecord(models.Model):
    """信息处理费 charged on one application (for the 收费通知书 and the annual report)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="fees")
    method = models.CharField(_("收费方式"), max_length=20, choices=FeeMethod.choices)
    units = models.PositiveIntegerField(_("页数或件次"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    notice_on = models.DateField(_("收费通知日期"))
    pay_by = models.DateField(_("缴费期限"), null=True, blank=True)
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信息处理费")
        verbose_name_plural = _("信息处理费")
        ordering = ["notice_on", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.amount}"
from gongkai.info_requests.models_publication import *  # noqa: F403,E402
from gongkai.info_requests.models_remedies import *  # noqa: F403,E402
