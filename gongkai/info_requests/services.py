"""Every change to a 依申请公开 case goes through here: one transaction, a permission check,
an audit entry, follow-up tasks — and the event log as the record.

* The public: ``submit_application`` (idempotent by key).
* Staff of the case's agency: ``register_offline_application``, ``confirm_receipt``,
  ``record_event`` (procedural steps, checked against the log and the clock), ``reply``,
  ``withdraw``, ``assign``, ``add_note``, ``create_letter`` / ``update_letter`` /
  ``mark_letter_sent``.

Refusals are ``ServiceError`` (a Chinese message for the user) or ``PermissionDenied``.
After every event ``_refresh`` rewrites the application's cached status, receipt date,
outcome and due date from the log, so they can never disagree with it. ID numbers and
addresses never reach audit entries, log records or e-mails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.core import audit, tracking_codes
from gongkai.core.agencies import has_role
from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency
from gongkai.core.selectors import load_calendar
from gongkai.core.text.pii import is_valid_id18
from gongkai.core.uploads import check_upload
from gongkai.info_requests import letters, selectors
from gongkai.info_requests.clock import (
    MAX_EXTENSION_DAYS,
    Deadlines,
    compute_deadlines,
    receipt_date,
)
from gongkai.info_requests.enums import (
    LETTER_KIND_CHOICES,
    ApplicantType,
    Channel,
    EventKind,
    FeeMethod,
    IdType,
    Outcome,
    Status,
)
from gongkai.info_requests.models import (
    Application,
    ApplicationAttachment,
    ApplicationCounter,
    ApplicationEvent,
    FeeRecord,
    InternalNote,
    Letter,
    LetterCounter,
    RequestSettings,
)

logger = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser

OFFLINE_CHANNELS = frozenset(set(Channel) - {Channel.ONLINE})
CLOSING_KINDS = frozenset({EventKind.REPLIED, EventKind.REPLIED_ON_THE_SPOT, EventKind.WITHDRAWN,
                           EventKind.CORRECTION_LAPSED, EventKind.FEE_DEADLINE_LAPSED})
# Kinds with a service of their own (record_event refuses them).
DEDICATED_KINDS = frozenset({EventKind.RECEIVED, EventKind.RECEIPT_CONFIRMED, EventKind.REPLIED,
                             EventKind.REPLIED_ON_THE_SPOT, EventKind.WITHDRAWN})
# Outcomes recorded by their lapse event, never by ``reply``.
LAPSE_OUTCOMES = {EventKind.CORRECTION_LAPSED: Outcome.CORRECTION_NOT_MADE,
                  EventKind.FEE_DEADLINE_LAPSED: Outcome.FEE_NOT_PAID}
MAX_ATTACHMENTS = 5


class ServiceError(Exception):
    """A refusal with a message for the user (Chinese)."""


# --- Input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantData:
    """What an application says (《条例》第二十九条第二款). Validated by the public form or
    the staff form; the services re-check what must never be wrong."""

    applicant_type: ApplicantType
    name: str
    phone: str
    description: str
    provision_form: str
    delivery_method: str
    id_type: str = ""
    id_number: str = ""
    org_code: str = ""
    legal_representative: str = ""
    contact_person: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class Submission:
    application: Application
    code: str  # the 查询码 (shown once; never stored)
    created: bool  # False: a repeated submit of the same form (same idempotency key)


@dataclass
class _Log:
    """The application's event log with what the checks need, read once."""

    events: list[ApplicationEvent]
    closing: ApplicationEvent | None = None
    pending_correction: ApplicationEvent | None = None
    correction_received: bool = False
    open_consultations: list[ApplicationEvent] = field(default_factory=list)
    unpaid_fee: ApplicationEvent | None = None


# --- Helpers ------------------------------------------------------------------------------------


def _require_staff(by: User, agency: Agency, *roles: StaffRole) -> None:
    if not has_role(by, agency, *roles):
        raise PermissionDenied("仅受理机关的工作人员可以办理本申请。")


def _today() -> dt.date:
    return timezone.localdate()


def _number(agency: Agency, year: int, serial: int) -> str:
    short = agency.slug.upper().replace("-", "")
    return f"YSQ-{short}-{year}-{serial:05d}"


def _issue_serial(counter_model: type[ApplicationCounter] | type[LetterCounter],
                  agency: Agency, year: int) -> int:
    """The next serial per agency and year, under a row lock (never reused)."""
    counter_model.objects.get_or_create(agency=agency, year=year)
    counter = counter_model.objects.select_for_update().get(agency=agency, year=year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial


def _check_applicant(data: ApplicantData) -> None:
    if not data.name.strip() or not data.description.strip() or not data.phone.strip():
        raise ServiceError("申请人姓名或名称、联系电话和所需信息的描述不能为空。")
    if data.applicant_type == ApplicantType.NATURAL_PERSON:
        if not data.id_type or not data.id_number:
            raise ServiceError("自然人申请须填写身份证件类型和号码。")
        if data.id_type == IdType.RESIDENT_ID and not is_valid_id18(data.id_number):
            raise ServiceError("居民身份证号码有误，请核对。")


def _log(application: Application) -> _Log:
    events = list(ApplicationEvent.objects.filter(application=application).order_by("on", "id"))
    log = _Log(events)
    for event in events:
        kind = event.kind
        if kind in CLOSING_KINDS:
            log.closing = event
        elif kind == EventKind.CORRECTION_REQUESTED:
            log.pending_correction = event
        elif kind == EventKind.CORRECTION_RECEIVED:
            log.pending_correction, log.correction_received = None, True
        elif kind in (EventKind.THIRD_PARTY_CONSULTATION_STARTED,
                      EventKind.AGENCY_CONSULTATION_STARTED):
            log.open_consultations.append(event)
        elif kind in (EventKind.THIRD_PARTY_CONSULTATION_ENDED,
                      EventKind.AGENCY_CONSULTATION_ENDED):
            match = _matching_consultation(log.open_consultations, kind, event.data)
            if match is not None:
                log.open_consultations.remove(match)
        elif kind == EventKind.FEE_NOTICE_SENT:
            log.unpaid_fee = event
        elif kind == EventKind.FEE_PAID:
            log.unpaid_fee = None
    return log


def _matching_consultation(open_ones: Sequence[ApplicationEvent], end_kind: str,
                           data: Mapping[str, Any]) -> ApplicationEvent | None:
    start_kind = (EventKind.THIRD_PARTY_CONSULTATION_STARTED
                  if end_kind == EventKind.THIRD_PARTY_CONSULTATION_ENDED
                  else EventKind.AGENCY_CONSULTATION_STARTED)
    party = str(data.get("party", ""))
    for event in open_ones:
        if event.kind == start_kind and (not party or event.data.get("party", "") == party):
            return event
    return None


def _clock(application: Application, events: Sequence[ApplicationEvent], now: dt.date,
           *, explain: bool = False) -> Deadlines:
    return selectors.deadlines(application, now, explain=explain, events=events)


def _refresh(application: Application) -> None:
    """Rewrite the cached fields from the log. The status is the clock's as of the last
    event's date, so it is a function of the log alone (time-driven lapses become states
    only when recorded as events; the live view is ``selectors.deadlines(app, today)``)."""
    events = list(ApplicationEvent.objects.filter(application=application).order_by("on", "id"))
    as_of = max((e.on for e in events), default=_today())
    config = selectors.settings_for(application)
    facts = selectors.case_facts(application, events)
    result = compute_deadlines(
        facts, load_calendar(), now=as_of, convention=config.day_counting,  # type: ignore[arg-type]
        internal_target_days=config.internal_target_days,
        correction_period_days=config.correction_period_days, explain=False)
    application.received_on = facts.received_on
    application.status = result.status
    application.due_on = result.due
    application.closed_on = result.closed_on
    application.outcome = _outcome_of(events)
    application.save(update_fields=["received_on", "status", "due_on", "closed_on", "outcome"])


def _outcome_of(events: Iterable[ApplicationEvent]) -> str:
    outcome = ""
    for event in events:
        if event.kind in (EventKind.REPLIED, EventKind.REPLIED_ON_THE_SPOT):
            outcome = str(event.data.get("outcome", ""))
        elif event.kind in LAPSE_OUTCOMES:
            outcome = LAPSE_OUTCOMES[EventKind(event.kind)].value
    return outcome


def _append(application: Application, kind: EventKind, on: dt.date, data: Mapping[str, Any],
            by: User | None, note: str = "") -> ApplicationEvent:
    user = by if isinstance(by, AbstractBaseUser) else None
    return ApplicationEvent.objects.create(  # type: ignore[misc]
        application=application, kind=kind, on=on, data=dict(data), note=note,
        actor=user, actor_label=user.get_username() if user is not None else "",
    )


def _check_date(application: Application, on: dt.date, log: _Log) -> None:
    if on > _today():
        raise ServiceError("日期不能晚于今天。")
    if on < timezone.localdate(application.submitted_at):
        raise ServiceError("日期不能早于提交申请之日。")
    if log.events and on < log.events[-1].on:
        raise ServiceError(
            f"日期不能早于最近一条办理记录的日期（{log.events[-1].on.isoformat()}）。"
            "如需更正，请补充一条新的记录并在备注中说明。")


def _audit(action: str, application: Application, by: User | None,
           data: Mapping[str, Any] | None = None) -> None:
    audit.record(action=f"info_requests.{action}", actor=by, agency=application.agency,
                 target=application, data={"number": application.number, **(data or {})})


# --- Submission -------------------------------------------------------------------------------


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def submit_application(data: ApplicantData, *, agency: Agency, idempotency_key: str,
                       channel: Channel = Channel.ONLINE, now: dt.datetime | None = None,
                       attachments: Sequence[UploadedFile] = ()) -> Submission:
    """A public (online) application. Idempotent: the same key returns the application
    already made (and the same code) instead of a second one."""
    existing = Application.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return Submission(existing, selectors.derive_code(idempotency_key), created=False)
    _check_applicant(data)
    if len(attachments) > MAX_ATTACHMENTS:
        raise ServiceError(f"附件最多{MAX_ATTACHMENTS}个。")
    for upload in attachments:
        check_upload(upload)  # ValidationError with a Chinese message
    moment = now or timezone.now()
    try:
        with transaction.atomic():
            application = _create(data, agency=agency, channel=channel, submitted_at=moment,
                                  key=idempotency_key, by=None, signed_on=None)
            for upload in attachments:
                _store_attachment(application, upload)
    except IntegrityError:
        existing = Application.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return Submission(existing, selectors.derive_code(idempotency_key), created=False)
    return Submission(application, selectors.derive_code(idempotency_key), created=True)


def register_offline_application(data: ApplicantData, *, agency: Agency, channel: Channel,
                                 submitted_on: dt.date, by: User,
                                 signed_on: dt.date | None = None,
                                 idempotency_key: str | None = None) -> Submission:
    """An application received in person, by post, fax, e-mail or phone (代为填写), with
    the receipt date of 《条例》第三十一条: in person/代为填写 → the day submitted; registered
    post → the day signed for (``signed_on``; later via ``confirm_receipt``); 平信, fax,
    e-mail → when confirmed with the applicant (``confirm_receipt``)."""
    _require_staff(by, agency)
    if channel not in OFFLINE_CHANNELS:
        raise ServiceError("网上申请由申请人在线提交。")
    today = _today()
    if submitted_on > today or (signed_on is not None and not submitted_on <= signed_on <= today):
        raise ServiceError("提交或签收日期有误（不能晚于今天，签收不能早于提交）。")
    if signed_on is not None and channel != Channel.REGISTERED_POST:
        raise ServiceError("只有挂号信或邮政快递有签收日期。")
    key = idempotency_key or new_idempotency_key()
    existing = Application.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return Submission(existing, selectors.derive_code(key), created=False)
    _check_applicant(data)
    moment = timezone.now()
    if submitted_on != timezone.localdate(moment):
        moment = timezone.make_aware(dt.datetime.combine(submitted_on, dt.time(9, 0)))
    with transaction.atomic():
        application = _create(data, agency=agency, channel=channel, submitted_at=moment,
                              key=key, by=by, signed_on=signed_on)
    return Submission(application, selectors.derive_code(key), created=True)


def _create(data: ApplicantData, *, agency: Agency, channel: Channel, submitted_at: dt.datetime,
            key: str, by: User | None, signed_on: dt.date | None) -> Application:
    submitted_on = timezone.localdate(submitted_at)
    year = submitted_on.year
    serial = _issue_serial(ApplicationCounter, agency, year)
    application = Application.objects.create(
        agency=agency, number=_number(agency, year, serial), year=year, serial=serial,
        code_hash=tracking_codes.hash_code(selectors.derive_code(key)),
        applicant_type=data.applicant_type, name=data.name.strip(), id_type=data.id_type,
        id_number=data.id_number.strip().upper(), org_code=data.org_code.strip().upper(),
        legal_representative=data.legal_representative.strip(),
        contact_person=data.contact_person.strip(), phone=data.phone.strip(),
        email=data.email.strip(), address=data.address.strip(), postcode=data.postcode.strip(),
        description=data.description.strip(), purpose=data.purpose.strip(),
        provision_form=data.provision_form, delivery_method=data.delivery_method,
        channel=channel, submitted_at=submitted_at, status=Status.AWAITING_CONFIRMATION,
        idempotency_key=key,
    )
    # 《条例》第三十一条, from the clock's rule: does the submission day count as receipt?
    counts = receipt_date(channel, submitted_on=submitted_on) is not None
    _append(application, EventKind.RECEIVED, submitted_on,
            {"channel": channel.value, "counts_as_receipt": counts}, by)
    if signed_on is not None:
        _append(application, EventKind.RECEIPT_CONFIRMED, signed_on, {"rule": "signed_for"}, by)
    _refresh(application)
    _audit("submitted", application, by, {"channel": channel.value})
    logger.info("Information request submitted", extra={
        "event": "ysqgk_submitted", "number": application.number, "agency": agency.slug,
        "channel": channel.value})
    if application.email:
        from gongkai.info_requests.tasks import send_submission_email

        transaction.on_commit(lambda: send_submission_email.enqueue(application.pk))
    return application


def _store_attachment(application: Application, upload: UploadedFile) -> ApplicationAttachment:
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    attachment = ApplicationAttachment(
        application=application, original_name=(upload.name or "附件")[:200],
        size=upload.size or 0, sha256=digest)
    attachment.file.save(upload.name or "file", upload, save=False)
    attachment.save()
    return attachment


# --- Staff: receipt and the procedural steps ------------------------------------------------------


@transaction.atomic
def confirm_receipt(application: Application, on: dt.date, *, by: User,
                    note: str = "") -> ApplicationEvent:
    """第三十一条: the day the agency signed for a registered letter, or confirmed an online,
    fax, e-mail or ordinary-letter application with the applicant. Starts the clock."""
    _require_staff(by, application.agency)
    application = Application.objects.select_for_update().get(pk=application.pk)
    log = _log(application)
    if application.received_on is not None or log.closing is not None:
        raise ServiceError("该申请已确认收到，无需再次确认。")
    _check_date(application, on, log)
    rule = "signed_for" if application.channel == Channel.REGISTERED_POST else "confirmed"
    event = _append(application, EventKind.RECEIPT_CONFIRMED, on, {"rule": rule}, by, note)
    _refresh(application)
    _audit("receipt_confirmed", application, by, {"on": on.isoformat()})
    return event


def check_transition(kind: EventKind, on: dt.date, data: Mapping[str, Any], *, log: _Log,
                     current: Deadlines) -> dict[str, Any]:
    """Whether ``kind`` may be recorded on ``on`` given the log and the clock as of that
    day; returns the event's data (normalised). Raises ``ServiceError`` saying why not."""
    if kind in DEDICATED_KINDS:
        raise ServiceError("收到申请、确认收到、答复和撤回请使用相应的办理功能。")
    if log.closing is not None:
        raise ServiceError("该申请已办结，不能再记录办理事项。")
    if current.status == Status.AWAITING_CONFIRMATION:
        raise ServiceError("尚未确认收到申请，请先确认收到（《条例》第三十一条）。")
    clean = dict(data)
    if kind == EventKind.CORRECTION_RECEIVED:
        if log.pending_correction is None:
            raise ServiceError("尚未告知补正，不能记录收到补正材料。")
        return clean
    if kind == EventKind.CORRECTION_LAPSED:
        deadline = current.correction_deadline
        if log.pending_correction is None or deadline is None:
            raise ServiceError("没有待补正的告知，不能记录逾期未补正。")
        if on <= deadline:
            raise ServiceError(f"补正期限（{deadline.isoformat()}）尚未届满。")
        return clean
    if log.pending_correction is not None:
        raise ServiceError("申请人补正前，答复期限不计算，不能记录该事项。")
    return _check_step(kind, on, clean, log=log, current=current)


def _check_step(kind: EventKind, on: dt.date, data: dict[str, Any], *, log: _Log,
                current: Deadlines) -> dict[str, Any]:
    if kind == EventKind.CORRECTION_REQUESTED:
        return _dates_to_iso(data, "deadline")
    if kind in (EventKind.THIRD_PARTY_CONSULTATION_STARTED, EventKind.AGENCY_CONSULTATION_STARTED):
        data.setdefault("party", "")
        return _dates_to_iso(data, "delivered_on")
    if kind in (EventKind.THIRD_PARTY_CONSULTATION_ENDED, EventKind.AGENCY_CONSULTATION_ENDED):
        if _matching_consultation(log.open_consultations, kind, data) is None:
            raise ServiceError("没有对应的正在进行的征求意见。")
        return data
    if kind == EventKind.EXTENSION_APPROVED:
        return _check_extension_approval(on, data, current)
    if kind == EventKind.EXTENSION_NOTIFIED:
        return _check_extension_notice(on, data, current)
    if kind == EventKind.DELAYED_REPLY:
        return _check_delay(on, data)
    if kind in (EventKind.FEE_NOTICE_SENT, EventKind.FEE_PAID, EventKind.FEE_DEADLINE_LAPSED):
        return _check_fee(kind, on, data, log=log, current=current)
    return data  # REASONS_REQUESTED


def _check_extension_notice(on: dt.date, data: dict[str, Any],
                            current: Deadlines) -> dict[str, Any]:
    extension = current.extension
    if extension is None or extension.approved_on is None:
        raise ServiceError("延期须先经政府信息公开工作机构负责人同意。")
    if extension.notified_on is not None:
        raise ServiceError("已告知申请人延期，答复期限只能延长一次。")
    if current.first_due is not None and on > current.first_due:
        raise ServiceError(f"原答复期限（{current.first_due.isoformat()}）已届满，不能再延期。")
    return data


def _check_delay(on: dt.date, data: dict[str, Any]) -> dict[str, Any]:
    data = _dates_to_iso(data, "until")
    if not data.get("until") or dt.date.fromisoformat(data["until"]) <= on:
        raise ServiceError("延迟答复须载明晚于告知之日的答复期限。")
    return data


def _check_extension_approval(on: dt.date, data: dict[str, Any],
                              current: Deadlines) -> dict[str, Any]:
    if current.extension is not None and current.extension.approved_on is not None:
        raise ServiceError("答复期限只能延长一次。")
    if current.first_due is None or on > current.first_due:
        raise ServiceError("原答复期限已届满，不能再延期（《条例》第三十三条第二款）。")
    days = int(data.get("days", MAX_EXTENSION_DAYS))
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ServiceError(f"延长的期限应为1至{MAX_EXTENSION_DAYS}个工作日。")
    return {**data, "days": days}


def _check_fee(kind: EventKind, on: dt.date, data: dict[str, Any], *, log: _Log,
               current: Deadlines) -> dict[str, Any]:
    if kind == EventKind.FEE_NOTICE_SENT:
        if log.unpaid_fee is not None:
            raise ServiceError("已有未缴纳的收费通知。")
        try:
            amount = Decimal(str(data.get("amount", "")))
            method = FeeMethod(data.get("method", ""))
            units = int(data.get("units", 0))
        except (InvalidOperation, ValueError):
            raise ServiceError("收费通知须写明收费方式、页数或件次和金额。") from None
        if amount <= 0 or units < 1:
            raise ServiceError("收费金额和页数（件次）应大于零。")
        return _dates_to_iso({**data, "amount": str(amount), "method": method.value,
                              "units": units}, "pay_by")
    if log.unpaid_fee is None:
        raise ServiceError("没有待缴费的收费通知。")
    if kind == EventKind.FEE_DEADLINE_LAPSED and (
            current.fee_pay_by is None or on <= current.fee_pay_by):
        raise ServiceError("缴费期限尚未届满。")
    return data


def _dates_to_iso(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        value = data.get(key)
        if isinstance(value, dt.date):
            data[key] = value.isoformat()
        elif value:
            try:
                dt.date.fromisoformat(str(value))
            except ValueError:
                raise ServiceError(f"日期“{value}”无效。") from None
    return data


@transaction.atomic
def record_event(application: Application, kind: EventKind, on: dt.date,
                 data: Mapping[str, Any] | None = None, *, by: User,
                 note: str = "") -> ApplicationEvent:
    """Record one procedural step (补正, 征求意见, 延期, 延迟答复, 收费, 说明理由, the lapses),
    if the log and the clock allow it on ``on``. An extension approval needs the office
    head (role 审核发布 or 单位管理员)."""
    kind = EventKind(kind)
    roles = (StaffRole.APPROVER, StaffRole.ADMIN) if kind == EventKind.EXTENSION_APPROVED else ()
    _require_staff(by, application.agency, *roles)
    application = Application.objects.select_for_update().get(pk=application.pk)
    log = _log(application)
    _check_date(application, on, log)
    current = _clock(application, log.events, on)
    clean = check_transition(kind, on, data or {}, log=log, current=current)
    if kind == EventKind.CORRECTION_REQUESTED and "deadline" not in clean:
        clean.setdefault("period_days",
                         selectors.settings_for(application).correction_period_days)
    event = _append(application, kind, on, clean, by, note)
    _fee_record(application, kind, on, clean)
    _refresh(application)
    _audit("event_recorded", application, by, {"kind": kind.value, "on": on.isoformat()})
    logger.info("Information request event", extra={
        "event": "ysqgk_event", "number": application.number, "kind": kind.value})
    return event


def _fee_record(application: Application, kind: EventKind, on: dt.date,
                data: Mapping[str, Any]) -> None:
    if kind == EventKind.FEE_NOTICE_SENT:
        pay_by = data.get("pay_by")
        FeeRecord.objects.create(
            application=application, method=data["method"], units=data["units"],
            amount=Decimal(data["amount"]), notice_on=on,
            pay_by=dt.date.fromisoformat(pay_by) if pay_by else None)
    elif kind == EventKind.FEE_PAID:
        fee = application.fees.filter(paid_on__isnull=True).order_by("-notice_on", "-id").first()
        if fee is not None:
            fee.paid_on = on
            fee.save(update_fields=["paid_on"])


@transaction.atomic
def reply(application: Application, outcome: Outcome, on: dt.date, *, by: User,
          letter: Letter | None = None, on_the_spot: bool = False,
          note: str = "") -> ApplicationEvent:
    """作出答复 (or 当场答复, 《条例》第三十三条第一款) with one of the outcomes of table 三.
    The two lapse outcomes are recorded by their events (``record_event``)."""
    outcome = Outcome(outcome)
    _require_staff(by, application.agency)
    application = Application.objects.select_for_update().get(pk=application.pk)
    log = _log(application)
    _check_date(application, on, log)
    if log.closing is not None:
        raise ServiceError("该申请已办结。")
    if application.received_on is None:
        raise ServiceError("尚未确认收到申请，请先确认收到（《条例》第三十一条）。")
    if outcome in LAPSE_OUTCOMES.values():
        raise ServiceError("逾期未补正、逾期未缴费请记录相应的办理事项，而不是作出答复。")
    if log.pending_correction is not None:
        raise ServiceError("申请人补正期间不能作出答复。")
    if outcome == Outcome.STILL_UNCLEAR_AFTER_CORRECTION and not log.correction_received:
        raise ServiceError("“补正后申请内容仍不明确”须在收到补正材料后作出。")
    data: dict[str, Any] = {"outcome": outcome.value}
    if letter is not None:
        if letter.application_id != application.pk or letter.kind != outcome.value:
            raise ServiceError("告知书与本申请或答复结果不符。")
        data["letter"] = letter.number
        if letter.sent_at is None:
            _refuse_blanks(letter)
            letter.sent_at = timezone.now()
            letter.save(update_fields=["sent_at"])
    kind = EventKind.REPLIED_ON_THE_SPOT if on_the_spot else EventKind.REPLIED
    event = _append(application, kind, on, data, by, note)
    _refresh(application)
    _audit("replied", application, by, {"outcome": outcome.value, "on": on.isoformat()})
    return event


@transaction.atomic
def withdraw(application: Application, on: dt.date, *, by: User,
             note: str = "") -> ApplicationEvent:
    """The applicant withdrew the application (recorded by staff)."""
    _require_staff(by, application.agency)
    application = Application.objects.select_for_update().get(pk=application.pk)
    log = _log(application)
    _check_date(application, on, log)
    if log.closing is not None:
        raise ServiceError("该申请已办结。")
    event = _append(application, EventKind.WITHDRAWN, on, {}, by, note)
    _refresh(application)
    _audit("withdrawn", application, by, {"on": on.isoformat()})
    return event


@transaction.atomic
def assign(application: Application, handler: AbstractBaseUser | None, *, by: User) -> None:
    _require_staff(by, application.agency)
    if handler is not None and not has_role(handler, application.agency):
        raise ServiceError("承办人须为受理机关的工作人员。")
    application.handler = handler  # type: ignore[assignment]
    application.save(update_fields=["handler"])
    _audit("assigned", application, by,
           {"handler": handler.get_username() if handler is not None else ""})


@transaction.atomic
def add_note(application: Application, text: str, *, by: User) -> InternalNote:
    _require_staff(by, application.agency)
    if not text.strip():
        raise ServiceError("备注内容不能为空。")
    user = by if isinstance(by, AbstractBaseUser) else None
    note = InternalNote.objects.create(application=application,
                                       author=user,  # type: ignore[misc]
                                       author_label=user.get_username() if user else "",
                                       text=text.strip())
    _audit("note_added", application, by)
    return note


# --- Letters (text from letters.render_text; stored and numbered here) -------------------------


def _refuse_blanks(letter: Letter) -> None:
    """A letter still holding 【请填写：…】 placeholders cannot be sent."""
    blanks = letters.find_placeholders(letter.body)
    if blanks:
        raise ServiceError("告知书尚有未填写的内容：" + "、".join(blanks[:5]))


@transaction.atomic
def create_letter(application: Application, kind: str, body: str, *, by: User) -> Letter:
    """Keep a 告知书 with the case, numbered per agency and year (the agency's prefix)."""
    _require_staff(by, application.agency)
    if kind not in {value for value, _label in LETTER_KIND_CHOICES}:
        raise ServiceError("未知的告知书类型。")
    year = _today().year
    serial = _issue_serial(LetterCounter, application.agency, year)
    prefix = RequestSettings.for_agency(application.agency).effective_letter_prefix
    user = by if isinstance(by, AbstractBaseUser) else None
    letter = Letter.objects.create(
        application=application, agency=application.agency, kind=kind,
        number=letters.format_letter_number(prefix, year, serial), year=year, serial=serial,
        body=body, created_by=user)  # type: ignore[misc]
    _audit("letter_created", application, by, {"letter": letter.number, "kind": kind})
    return letter


@transaction.atomic
def update_letter(letter: Letter, body: str, *, by: User) -> Letter:
    _require_staff(by, letter.agency)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.sent_at is not None:
        raise ServiceError("告知书已送达，不能再修改。")
    letter.body = body
    letter.save(update_fields=["body", "updated_at"])
    _audit("letter_updated", letter.application, by, {"letter": letter.number})
    return letter


@transaction.atomic
def mark_letter_sent(letter: Letter, *, by: User, at: dt.datetime | None = None) -> Letter:
    _require_staff(by, letter.agency)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.sent_at is None:
        _refuse_blanks(letter)
        letter.sent_at = at or timezone.now()
        letter.save(update_fields=["sent_at"])
        _audit("letter_sent", letter.application, by, {"letter": letter.number})
    return letter
