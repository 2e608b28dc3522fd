"""Every change to a 留言 or a 统计违法举报 goes through here: one transaction, a
permission check, an audit entry — and, for messages, the event log as the record.

* The public: ``submit_message`` / ``submit_report`` (idempotent by key), ``rate``.
* Staff of the handling agency: ``forward``, ``draft_reply``, ``review_reply``,
  ``send_reply``, ``reject``, ``add_note``, ``publish`` / ``unpublish``, the FAQ and settings;
  ``update_report`` and — with the explicit permission — ``reveal_identity``.

Refusals are ``ServiceError`` (a Chinese message) or ``PermissionDenied``. Names, contacts
and message texts never reach audit entries, log records or e-mails; a reporter's identity
is only ever decrypted inside ``reveal_identity``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.consultations import crypto, selectors
from gongkai.consultations.enums import (
    CLOSED_REPORT_STATUSES,
    EventKind,
    Kind,
    Rating,
    ReportStatus,
    Status,
    ViolationKind,
)
from gongkai.consultations.models import (
    ConsultationSettings,
    Counter,
    FaqEntry,
    Message,
    MessageEvent,
    MessageNote,
    ReportEntry,
    ViolationReport,
)
from gongkai.core import audit, tracking_codes
from gongkai.core.agencies import has_role
from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency
from gongkai.core.search.indexing import enqueue
from gongkai.core.text.pii import allowed_for_agency, mask_personal_data

logger = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser | None  # None: the public (no account)

REVIEW_ROLES = (StaffRole.REVIEWER, StaffRole.APPROVER, StaffRole.ADMIN)
IDENTITY_PERMISSION = "consultations.view_reporter_identity"
MESSAGE_SOURCE = "consultation_message"
FAQ_SOURCE = "consultation_faq"
TITLE_MAX = 60
BODY_MAX = 2000
REPLY_MAX = 5000


class ServiceError(Exception):
    """A refusal with a message for the user (Chinese)."""


@dataclass(frozen=True)
class MessageData:
    kind: str
    title: str
    body: str
    name: str
    phone: str
    email: str = ""
    publish_consent: bool = False


@dataclass(frozen=True)
class ReportData:
    violation_kind: str
    subject: str
    description: str
    region: str = ""
    anonymous: bool = True
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class Submission:
    message: Message
    code: str  # shown once; only its hash is stored
    created: bool


@dataclass(frozen=True)
class ReportSubmission:
    report: ViolationReport
    code: str
    created: bool


# --- Helpers ------------------------------------------------------------------------------


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def derive_code(series: str, idempotency_key: str) -> str:
    """The 查询码 of what was submitted with ``idempotency_key``: an HMAC under SECRET_KEY,
    so a repeated submit shows the same code without the code being stored."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"hdjl-{series}:{idempotency_key}".encode(),
                      hashlib.sha256).digest()
    alphabet = selectors.CODE_ALPHABET
    return "".join(alphabet[b % len(alphabet)] for b in digest[:selectors.CODE_LENGTH])


def _user(by: User) -> AbstractBaseUser | None:
    return by if isinstance(by, AbstractBaseUser) else None


def _label(by: User) -> str:
    user = _user(by)
    return user.get_username() if user is not None else ""


def _require_staff(by: User, agency: Agency, *roles: StaffRole) -> None:
    if by is None or not has_role(by, agency, *roles):
        raise PermissionDenied("仅办理机关的工作人员可以办理。")


def _issue_serial(agency: Agency, year: int, series: str) -> int:
    Counter.objects.get_or_create(agency=agency, year=year, series=series)
    counter = Counter.objects.select_for_update().get(agency=agency, year=year, series=series)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial


def _number(series: str, agency: Agency, year: int, serial: int) -> str:
    return f"{series}-{agency.slug.upper().replace('-', '')}-{year}-{serial:05d}"


def _event(message: Message, kind: EventKind, on: dt.date, *, by: User = None,
           public_text: str = "", data: Mapping[str, object] | None = None) -> MessageEvent:
    return MessageEvent.objects.create(
        message=message, kind=kind, on=on, agency=message.agency, public_text=public_text,
        data=dict(data or {}), actor=_user(by), actor_label=_label(by))  # type: ignore[misc]


def _refresh(message: Message) -> None:
    """Rewrite the cached due date from the log (after every clock-relevant event)."""
    message.due_on = selectors.deadline(message, timezone.localdate()).due
    message.save(update_fields=["status", "due_on", "replied_on", "agency", "reply_text",
                                "reply_drafted_by", "reply_reviewed_by"])


def _audit(action: str, message: Message, by: User, **data: object) -> None:
    audit.record(action=f"consultations.{action}", actor=by, agency=message.agency,
                 target=message, data={"number": message.number, **data})


def _clean(value: str) -> str:
    return value.replace("\x00", "").strip()


# --- The public: messages -----------------------------------------------------------------------


def _check_message(data: MessageData) -> None:
    if data.kind not in Kind.values:
        raise ServiceError("请选择留言类型。")
    if not _clean(data.title) or not _clean(data.body) or not _clean(data.name):
        raise ServiceError("标题、留言内容和姓名不能为空。")
    if not _clean(data.phone):
        raise ServiceError("请填写联系电话。")
    if len(data.title) > TITLE_MAX or len(data.body) > BODY_MAX:
        raise ServiceError(f"标题不超过{TITLE_MAX}字，留言内容不超过{BODY_MAX}字。")


def submit_message(data: MessageData, *, agency: Agency, idempotency_key: str,
                   now: dt.datetime | None = None) -> Submission:
    """A public message. Idempotent: the same key returns the message already made."""
    existing = Message.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return Submission(existing, derive_code("LY", idempotency_key), created=False)
    _check_message(data)
    moment = now or timezone.now()
    code = derive_code("LY", idempotency_key)
    try:
        with transaction.atomic():
            year = timezone.localtime(moment).year
            serial = _issue_serial(agency, year, "LY")
            message = Message.objects.create(
                agency=agency, received_by=agency, number=_number("LY", agency, year, serial),
                year=year, serial=serial, code_hash=tracking_codes.hash_code(code), kind=data.kind,
                title=_clean(data.title), body=_clean(data.body), name=_clean(data.name),
                phone=_clean(data.phone), email=_clean(data.email),
                publish_consent=data.publish_consent, submitted_at=moment,
                idempotency_key=idempotency_key)
            _event(message, EventKind.RECEIVED, timezone.localdate(moment))
            _refresh(message)
            _audit("message_submitted", message, None, kind=data.kind)
    except IntegrityError:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return Submission(existing, code, created=False)
    return Submission(message, code, created=True)


def rate(message: Message, rating: str, *, now: dt.datetime | None = None) -> Message:
    """The writer's rating of the reply (once; the caller has checked the 查询码)."""
    if rating not in Rating.values:
        raise ServiceError("请选择评价。")
    moment = now or timezone.now()
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.status != Status.REPLIED:
            raise ServiceError("留言答复后才能评价。")
        if locked.rating:
            raise ServiceError("该留言已评价，每条留言只能评价一次。")
        locked.rating, locked.rated_at = rating, moment
        locked.save(update_fields=["rating", "rated_at"])
        _event(locked, EventKind.RATED, timezone.localdate(moment),
               public_text=str(Rating(rating).label))
        _audit("message_rated", locked, None, rating=rating)
        if locked.is_published:
            transaction.on_commit(lambda: enqueue(MESSAGE_SOURCE, [locked.pk]))
    return locked


# --- Staff: messages ---------------------------------------------------------------------------


def _open(message: Message) -> None:
    if Status(message.status).is_closed:
        raise ServiceError("该留言已办结。")


def _locked(message: Message) -> Message:
    return Message.objects.select_for_update().get(pk=message.pk)


def forward(message: Message, to: Agency, reason: str, *, by: User,
            on: dt.date | None = None) -> Message:
    """Hand the message to another agency; the reason is shown to the writer and the new
    agency's reply period starts on the day of forwarding."""
    _require_staff(by, message.agency)
    reason = _clean(reason)
    if not reason:
        raise ServiceError("请填写转交理由（将告知留言人）。")
    if to.pk == message.agency_id:
        raise ServiceError("不能转交给本机关。")
    with transaction.atomic():
        message = _locked(message)
        _open(message)
        from_agency = message.agency
        message.agency = to
        message.status = Status.PENDING
        message.reply_text, message.reply_drafted_by, message.reply_reviewed_by = "", None, None
        _event(message, EventKind.FORWARDED, on or timezone.localdate(), by=by,
               public_text=f"转交{to.name}办理。理由：{reason}",
               data={"from": from_agency.pk, "to": to.pk})
        _refresh(message)
        audit.record(action="consultations.message_forwarded", actor=by, agency=from_agency,
                     target=message, data={"number": message.number, "to": to.pk})
    return message


def draft_reply(message: Message, text: str, *, by: User,
                on: dt.date | None = None) -> Message:
    _require_staff(by, message.agency)
    text = _clean(text)
    if not text:
        raise ServiceError("答复内容不能为空。")
    if len(text) > REPLY_MAX:
        raise ServiceError(f"答复内容不超过{REPLY_MAX}字。")
    with transaction.atomic():
        message = _locked(message)
        _open(message)
        message.reply_text, message.status = text, Status.DRAFTED
        message.reply_drafted_by, message.reply_reviewed_by = _user(by), None  # type: ignore[assignment]
        _event(message, EventKind.REPLY_DRAFTED, on or timezone.localdate(), by=by)
        _refresh(message)
        _audit("reply_drafted", message, by)
    return message


def review_reply(message: Message, *, by: User, approve: bool, comment: str = "",
                 on: dt.date | None = None) -> Message:
    """审核: approve (→ reviewed) or return for changes (→ back to 办理中)."""
    _require_staff(by, message.agency, *REVIEW_ROLES)
    with transaction.atomic():
        message = _locked(message)
        if message.status != Status.DRAFTED:
            raise ServiceError("只有待审核的答复可以审核。")
        config = ConsultationSettings.for_agency(message.agency)
        user = _user(by)
        if config.independent_review and user is not None \
                and message.reply_drafted_by_id == user.pk:
            raise ServiceError("本机关要求答复由拟稿人以外的人员审核。")
        if approve:
            message.status, message.reply_reviewed_by = Status.REVIEWED, user  # type: ignore[assignment]
            _event(message, EventKind.REPLY_REVIEWED, on or timezone.localdate(), by=by,
                   data={"comment": _clean(comment)})
        else:
            message.status = Status.PENDING
            _event(message, EventKind.REPLY_RETURNED, on or timezone.localdate(), by=by,
                   data={"comment": _clean(comment)})
        _refresh(message)
        _audit("reply_reviewed" if approve else "reply_returned", message, by)
    return message


def send_reply(message: Message, *, by: User, on: dt.date | None = None) -> Message:
    """Send the reviewed reply to the writer (visible on the tracking page)."""
    _require_staff(by, message.agency)
    with transaction.atomic():
        message = _locked(message)
        if message.status != Status.REVIEWED:
            raise ServiceError("答复须经审核后才能发出。")
        day = on or timezone.localdate()
        message.status, message.replied_on = Status.REPLIED, day
        _event(message, EventKind.REPLIED, day, by=by)
        _refresh(message)
        _audit("reply_sent", message, by)
    return message


def reject(message: Message, reason: str, *, by: User, on: dt.date | None = None) -> Message:
    """不予受理, with the reason shown to the writer."""
    _require_staff(by, message.agency)
    reason = _clean(reason)
    if not reason:
        raise ServiceError("请填写不予受理的理由（将告知留言人）。")
    with transaction.atomic():
        message = _locked(message)
        _open(message)
        day = on or timezone.localdate()
        message.status, message.replied_on = Status.REJECTED, day
        _event(message, EventKind.REJECTED, day, by=by, public_text=reason)
        _refresh(message)
        _audit("message_rejected", message, by)
    return message


def add_note(message: Message, text: str, *, by: User) -> MessageNote:
    _require_staff(by, message.agency)
    if not _clean(text):
        raise ServiceError("备注内容不能为空。")
    with transaction.atomic():
        note = MessageNote.objects.create(message=message, author=_user(by),  # type: ignore[misc]
                                          author_label=_label(by), text=_clean(text))
        _audit("note_added", message, by)
    return note


def masked(message: Message, text: str) -> str:
    """``text`` for the public: the writer's name replaced, personal data masked (the
    agency's own published numbers kept)."""
    if len(message.name) >= 2:
        text = text.replace(message.name, "留言人")
    config = ConsultationSettings.for_agency(message.agency)
    allowed = allowed_for_agency(message.agency) | {
        number for number in [config.report_phone, *dict(config.other_phone_rows()).values()]
        if number}
    return mask_personal_data(text, allowed=allowed)


def publish(message: Message, *, by: User, now: dt.datetime | None = None) -> Message:
    """Publish the exchange (only with the writer's consent, after the reply)."""
    _require_staff(by, message.agency)
    with transaction.atomic():
        message = _locked(message)
        if message.status != Status.REPLIED:
            raise ServiceError("留言答复后才能公开。")
        if not message.publish_consent:
            raise ServiceError("留言人未同意公开，不能公开（《个人信息保护法》第二十五条）。")
        message.published_at = now or timezone.now()
        message.public_title = masked(message, message.title)
        message.public_body = masked(message, message.body)
        message.public_reply = masked(message, message.reply_text)
        message.save(update_fields=["published_at", "public_title", "public_body",
                                    "public_reply"])
        _event(message, EventKind.PUBLISHED, timezone.localdate(), by=by)
        _audit("message_published", message, by)
        pk = message.pk
        transaction.on_commit(lambda: enqueue(MESSAGE_SOURCE, [pk]))
    return message


def unpublish(message: Message, *, by: User) -> Message:
    _require_staff(by, message.agency)
    with transaction.atomic():
        message = _locked(message)
        if not message.is_published:
            raise ServiceError("该留言未公开。")
        message.published_at = None
        message.public_title = message.public_body = message.public_reply = ""
        message.save(update_fields=["published_at", "public_title", "public_body",
                                    "public_reply"])
        _event(message, EventKind.UNPUBLISHED, timezone.localdate(), by=by)
        _audit("message_unpublished", message, by)
        pk = message.pk
        transaction.on_commit(lambda: enqueue(MESSAGE_SOURCE, [pk]))
    return message


# --- Staff: FAQ and settings ---------------------------------------------------------------------


def save_faq(agency: Agency, *, question: str, answer: str, sort_order: int = 0,
             is_public: bool = True, by: User, entry: FaqEntry | None = None) -> FaqEntry:
    _require_staff(by, agency)
    if not _clean(question) or not _clean(answer):
        raise ServiceError("问题和解答不能为空。")
    if entry is not None and entry.agency_id != agency.pk:
        raise PermissionDenied
    with transaction.atomic():
        entry = entry or FaqEntry(agency=agency)
        entry.question, entry.answer = _clean(question), _clean(answer)
        entry.sort_order, entry.is_public = sort_order, is_public
        entry.save()
        audit.record(action="consultations.faq_saved", actor=by, agency=agency, target=entry)
        pk = entry.pk
        transaction.on_commit(lambda: enqueue(FAQ_SOURCE, [pk]))
    return entry


def delete_faq(entry: FaqEntry, *, by: User) -> None:
    _require_staff(by, entry.agency)
    with transaction.atomic():
        pk = entry.pk
        audit.record(action="consultations.faq_deleted", actor=by, agency=entry.agency,
                     target=entry)
        entry.delete()
        transaction.on_commit(lambda: enqueue(FAQ_SOURCE, [pk]))


def save_settings(config: ConsultationSettings, *, by: User) -> ConsultationSettings:
    _require_staff(by, config.agency, StaffRole.ADMIN, StaffRole.APPROVER)
    with transaction.atomic():
        config.full_clean()
        config.save()
        audit.record(action="consultations.settings_saved", actor=by, agency=config.agency,
                     target=config)
    return config


# --- 统计违法举报 ------------------------------------------------------------------------


def submit_report(data: ReportData, *, agency: Agency, idempotency_key: str,
                  now: dt.datetime | None = None) -> ReportSubmission:
    """A confidential report. The identity (if given) is encrypted before it is stored;
    the audit entry says only that a report was made."""
    existing = ViolationReport.objects.filter(idempotency_key=idempotency_key).first()
    code = derive_code("JB", idempotency_key)
    if existing is not None:
        return ReportSubmission(existing, code, created=False)
    if data.violation_kind not in ViolationKind.values:
        raise ServiceError("请选择举报事项类型。")
    if not _clean(data.subject) or not _clean(data.description):
        raise ServiceError("被举报单位或个人、举报内容不能为空。")
    if len(data.description) > BODY_MAX:
        raise ServiceError(f"举报内容不超过{BODY_MAX}字。")
    identity = {k: _clean(v) for k, v in (("name", data.name), ("phone", data.phone),
                                            ("email", data.email), ("address", data.address))
                if _clean(v)}
    anonymous = data.anonymous or not identity
    token = "" if anonymous else crypto.encrypt_json(identity)
    moment = now or timezone.now()
    try:
        with transaction.atomic():
            year = timezone.localtime(moment).year
            serial = _issue_serial(agency, year, "JB")
            report = ViolationReport.objects.create(
                agency=agency, number=_number("JB", agency, year, serial), year=year,
                serial=serial, code_hash=tracking_codes.hash_code(code),
                violation_kind=data.violation_kind, subject=_clean(data.subject),
                region=_clean(data.region), description=_clean(data.description),
                anonymous=anonymous, identity_token=token, submitted_at=moment,
                idempotency_key=idempotency_key)
            ReportEntry.objects.create(report=report, status=ReportStatus.REGISTERED,
                                       text="举报已登记。", to_reporter=True)
            audit.record(action="consultations.report_submitted", agency=agency,
                         target=report, data={"number": report.number,
                                              "anonymous": anonymous})
    except IntegrityError:
        existing = ViolationReport.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return ReportSubmission(existing, code, created=False)
    return ReportSubmission(report, code, created=True)


def update_report(report: ViolationReport, *, by: User, status: str = "", text: str = "",
                  to_reporter: bool = False) -> ReportEntry:
    """A step of the handling: a new status and/or a text (internal, or for the reporter)."""
    _require_staff(by, report.agency)
    text = _clean(text)
    if status and status not in ReportStatus.values:
        raise ServiceError("状态无效。")
    if not status and not text:
        raise ServiceError("请选择新的状态或填写内容。")
    if to_reporter and not text:
        raise ServiceError("告知举报人的内容不能为空。")
    with transaction.atomic():
        report = ViolationReport.objects.select_for_update().get(pk=report.pk)
        if report.status in CLOSED_REPORT_STATUSES and status:
            raise ServiceError("该举报已办结，不能再改变状态。")
        entry = ReportEntry.objects.create(report=report, status=status, text=text,
                                           to_reporter=to_reporter, author=_user(by),  # type: ignore[misc]
                                           author_label=_label(by))
        if status:
            report.status = status
            if status in CLOSED_REPORT_STATUSES:
                report.closed_on = timezone.localdate()
            report.save(update_fields=["status", "closed_on"])
        audit.record(action="consultations.report_updated", actor=by, agency=report.agency,
                     target=report, data={"number": report.number, "status": status,
                                          "to_reporter": to_reporter})
    return entry


def can_view_identity(by: User, report: ViolationReport) -> bool:
    user = _user(by)
    return bool(isinstance(user, PermissionsMixin) and has_role(user, report.agency)
                and user.has_perm(IDENTITY_PERMISSION))


def reveal_identity(report: ViolationReport, *, by: User, reason: str) -> dict[str, str]:
    """The reporter's identity, for staff of the agency holding the explicit permission;
    every view is an audit entry (who, when, why — never the identity itself)."""
    if not can_view_identity(by, report):
        audit.record(action="consultations.identity_view_refused", actor=by,
                     agency=report.agency, target=report, data={"number": report.number})
        raise PermissionDenied("您没有查看举报人身份信息的权限。")
    reason = _clean(reason)
    if not reason:
        raise ServiceError("请填写查看举报人身份信息的事由。")
    if report.anonymous:
        raise ServiceError("匿名举报，没有举报人身份信息。")
    with transaction.atomic():
        audit.record(action="consultations.identity_viewed", actor=by, agency=report.agency,
                     target=report, data={"number": report.number, "reason": reason})
    return crypto.decrypt_json(report.identity_token)
