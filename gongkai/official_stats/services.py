"""Every change to 统计数据发布 goes through here: one transaction, a permission check, an
audit entry, the search outbox.

* ``create_release`` / ``schedule_release`` / ``postpone_release`` / ``cancel_release``:
  the calendar. Only a release whose time has not come may change; each change is
  announced (``ReleaseChange``) with its reason and stays on the calendar.
* ``load_rows`` / ``load_file``: data into a release before its time, all or nothing.
* ``create_revision``: a later release that revises an earlier one, with its notice.
* ``save_text``: 统计公报 / 数据解读 / 新闻稿, checked against the data they cite.
* ``review_release``: the 审核 before release.
* ``create_token`` / ``revoke_token`` / ``agency_for_token``: machine loading.

Observation.release_at mirrors the release's time while it is SCHEDULED (models doc); the
services below are the only writers and update it in the same transaction.

``actor=None`` is the operator's console (or the demo loader): it has shell access to the
server and is recorded as "system" in the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.agencies import has_role
from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency
from gongkai.official_stats import blocks
from gongkai.official_stats.enums import (
    LoadChannel,
    ReleaseChangeKind,
    ReleaseStatus,
    TextKind,
)
from gongkai.official_stats.loading import (
    RawRow,
    RowError,
    UploadError,
    read_upload,
    validate_rows,
)
from gongkai.official_stats.models import (
    Indicator,
    LoadBatch,
    LoadingToken,
    Observation,
    Region,
    Release,
    ReleaseChange,
    ReleaseText,
)
from gongkai.official_stats.periods import PeriodError, parse_period

User = AbstractBaseUser | AnonymousUser | None

EDIT_ROLES = (StaffRole.EDITOR, StaffRole.APPROVER, StaffRole.ADMIN)
APPROVE_ROLES = (StaffRole.APPROVER, StaffRole.ADMIN)
BULK = 5000


class ServiceError(Exception):
    """A refusal with a message for the user (Chinese)."""


# --- helpers ------------------------------------------------------------------------------

def _require(actor: User, agency: Agency, roles: Sequence[StaffRole]) -> None:
    if actor is None:
        return
    if not has_role(actor, agency, *roles):
        raise PermissionDenied


def _label(actor: User) -> str:
    if isinstance(actor, AbstractBaseUser):
        return actor.get_username()
    return "system"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _check_minute(at: dt.datetime) -> dt.datetime:
    if timezone.is_naive(at):
        raise ServiceError("发布时间必须带时区。")
    if at.second or at.microsecond:
        raise ServiceError("发布时间精确到分钟，不能含秒。")
    return at


def _check_open(release: Release, now: dt.datetime) -> None:
    """A release may change only while its data are not yet public."""
    if release.status == ReleaseStatus.CANCELLED:
        raise ServiceError("该发布已取消，不能再修改。")
    if release.status == ReleaseStatus.SCHEDULED and release.scheduled_at <= now:
        raise ServiceError("该发布已经发布，数据不能再修改；如需更正，请发布修订。")


def _sync_observations(release: Release) -> None:
    """Mirror the release's visibility onto its observation rows (models doc)."""
    at = release.scheduled_at if release.status == ReleaseStatus.SCHEDULED else None
    Observation.objects.filter(release=release).update(release_at=at)


def _reindex(release: Release) -> None:
    from gongkai.core.search.indexing import enqueue
    from gongkai.official_stats.search import SOURCE

    enqueue(SOURCE, [release.pk])


# --- the calendar -------------------------------------------------------------------------

def create_release(
    actor: User,
    agency: Agency,
    *,
    title: str,
    scheduled_at: dt.datetime,
    indicators: Iterable[Indicator] = (),
    description: str = "",
    schedule: bool = True,
    revises: Release | None = None,
    now: dt.datetime | None = None,
    allow_past: bool = False,
) -> Release:
    """A new release, on the calendar at once unless ``schedule=False`` (draft).
    ``allow_past`` is for importing a past calendar (demo, migration), never for users."""
    moment = _now(now)
    _require(actor, agency, APPROVE_ROLES if schedule else EDIT_ROLES)
    title = title.strip()
    if not title:
        raise ServiceError("请填写发布名称。")
    _check_minute(scheduled_at)
    if scheduled_at <= moment and not allow_past:
        raise ServiceError("发布时间必须晚于当前时间。")
    with transaction.atomic():
        release = Release.objects.create(
            agency=agency, title=title, scheduled_at=scheduled_at, description=description,
            status=ReleaseStatus.SCHEDULED if schedule else ReleaseStatus.DRAFT,
            revises=revises)
        release.indicators.set(list(indicators))
        if schedule:
            ReleaseChange.objects.create(release=release, kind=ReleaseChangeKind.ANNOUNCED,
                                         new_scheduled_at=scheduled_at, announced_at=moment,
                                         actor_label=_label(actor))
        audit.record(action="official_stats.release_created", actor=actor, agency=agency,
                     target=release, data={"title": title, "scheduled_at": scheduled_at,
                                           "status": release.status})
        _reindex(release)
    return release


def schedule_release(actor: User, release: Release, *,
                     now: dt.datetime | None = None) -> Release:
    """Put a draft on the calendar (its time must still be ahead)."""
    moment = _now(now)
    _require(actor, release.agency, APPROVE_ROLES)
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.status != ReleaseStatus.DRAFT:
            raise ServiceError("只有草稿可以列入日程。")
        if release.scheduled_at <= moment:
            raise ServiceError("发布时间已过，请先修改发布时间。")
        release.status = ReleaseStatus.SCHEDULED
        release.save(update_fields=["status", "updated_at"])
        ReleaseChange.objects.create(release=release, kind=ReleaseChangeKind.ANNOUNCED,
                                     new_scheduled_at=release.scheduled_at,
                                     announced_at=moment, actor_label=_label(actor))
        _sync_observations(release)
        audit.record(action="official_stats.release_scheduled", actor=actor,
                     agency=release.agency, target=release)
        _reindex(release)
    return release


def postpone_release(actor: User, release: Release, new_at: dt.datetime, reason: str, *,
                     now: dt.datetime | None = None) -> Release:
    """Move a release that is not yet public to ``new_at`` (later: 推迟; earlier: 提前),
    announced with ``reason``."""
    moment = _now(now)
    _require(actor, release.agency, APPROVE_ROLES)
    reason = reason.strip()
    if not reason:
        raise ServiceError("调整发布时间必须说明原因。")
    _check_minute(new_at)
    if new_at <= moment:
        raise ServiceError("新的发布时间必须晚于当前时间。")
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        _check_open(release, moment)
        old = release.scheduled_at
        if new_at == old:
            raise ServiceError("新的发布时间与原时间相同。")
        release.scheduled_at = new_at
        release.save(update_fields=["scheduled_at", "updated_at"])
        if release.status == ReleaseStatus.SCHEDULED:
            ReleaseChange.objects.create(
                release=release, reason=reason, announced_at=moment, actor_label=_label(actor),
                kind=ReleaseChangeKind.POSTPONED if new_at > old
                else ReleaseChangeKind.BROUGHT_FORWARD,
                old_scheduled_at=old, new_scheduled_at=new_at)
        _sync_observations(release)
        audit.record(action="official_stats.release_rescheduled", actor=actor,
                     agency=release.agency, target=release,
                     data={"from": old, "to": new_at, "reason": reason})
        _reindex(release)
    return release


def cancel_release(actor: User, release: Release, reason: str, *,
                   now: dt.datetime | None = None) -> Release:
    """Cancel a release that is not yet public; the cancellation and its reason stay on
    the calendar, its data and texts never become public."""
    moment = _now(now)
    _require(actor, release.agency, APPROVE_ROLES)
    reason = reason.strip()
    if not reason:
        raise ServiceError("取消发布必须说明原因。")
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        _check_open(release, moment)
        was_announced = release.status == ReleaseStatus.SCHEDULED
        release.status = ReleaseStatus.CANCELLED
        release.save(update_fields=["status", "updated_at"])
        if was_announced:
            ReleaseChange.objects.create(release=release, kind=ReleaseChangeKind.CANCELLED,
                                         old_scheduled_at=release.scheduled_at, reason=reason,
                                         announced_at=moment, actor_label=_label(actor))
        _sync_observations(release)
        audit.record(action="official_stats.release_cancelled", actor=actor,
                     agency=release.agency, target=release, data={"reason": reason})
        _reindex(release)
    return release


def review_release(actor: User, release: Release, *,
                   now: dt.datetime | None = None) -> Release:
    """Record the 审核 of the loaded data and texts (an approver, before the time)."""
    moment = _now(now)
    _require(actor, release.agency, APPROVE_ROLES)
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        _check_open(release, moment)
        if not Observation.objects.filter(release=release).exists():
            raise ServiceError("该发布还没有数据，不能审核。")
        release.reviewed_at = moment
        release.reviewed_by = actor if isinstance(actor, AbstractBaseUser) else None  # type: ignore[assignment]
        release.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
        audit.record(action="official_stats.release_reviewed", actor=actor,
                     agency=release.agency, target=release)
    return release


def create_revision(actor: User, original: Release, *, title: str, scheduled_at: dt.datetime,
                    notice: str, now: dt.datetime | None = None) -> Release:
    """A release that revises ``original`` (already public), announced with a 修订说明.
    Its rows default to status 修订; the original's values stay as published."""
    moment = _now(now)
    if original.status != ReleaseStatus.SCHEDULED or original.scheduled_at > moment:
        raise ServiceError("只能修订已经发布的数据。")
    if not notice.strip():
        raise ServiceError("请填写修订说明。")
    with transaction.atomic():
        release = create_release(actor, original.agency, title=title,
                                 scheduled_at=scheduled_at, revises=original, now=moment,
                                 indicators=original.indicators.all())
        ReleaseText.objects.create(release=release, kind=TextKind.REVISION_NOTICE,
                                   title=f"关于修订《{original.title}》数据的说明",
                                   summary=notice.strip(), sort_order=0)
    return release


# --- data ---------------------------------------------------------------------------------

def load_rows(actor: User, release: Release, rows: Sequence[RawRow], *,
              channel: LoadChannel = LoadChannel.WEB, filename: str = "",
              now: dt.datetime | None = None) -> int:
    """Validate every row and load them all, or raise :class:`UploadError` with every
    problem and load nothing."""
    moment = _now(now)
    _require(actor, release.agency, EDIT_ROLES)
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        _check_open(release, moment)
        valid, errors = validate_rows(release, rows)
        if errors:
            raise UploadError(errors)
        at = release.scheduled_at if release.status == ReleaseStatus.SCHEDULED else None
        Observation.objects.bulk_create(
            (Observation(release=release, indicator_id=r.indicator_id, region_id=r.region_id,
                         period=r.period, period_kind=r.period_kind, value=r.value,
                         decimals=r.decimals, status=r.status, footnote=r.footnote,
                         release_at=at) for r in valid),
            batch_size=BULK)
        release.indicators.add(*{r.indicator_id for r in valid})
        if release.reviewed_at is not None:
            # New data need a new review.
            release.reviewed_at = None
            release.reviewed_by = None
            release.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
        LoadBatch.objects.create(release=release, channel=channel, filename=filename[:200],
                                 rows=len(valid), actor_label=_label(actor), loaded_at=moment)
        audit.record(action="official_stats.data_loaded", actor=actor, agency=release.agency,
                     target=release, data={"rows": len(valid), "channel": channel,
                                           "filename": filename})
        _reindex(release)
    return len(valid)


def load_file(actor: User, release: Release, filename: str, data: bytes, *,
              channel: LoadChannel = LoadChannel.WEB, now: dt.datetime | None = None) -> int:
    _require(actor, release.agency, EDIT_ROLES)  # before reading anything the actor sent
    return load_rows(actor, release, read_upload(filename, data), channel=channel,
                     filename=filename, now=now)


def clear_data(actor: User, release: Release, *, now: dt.datetime | None = None) -> int:
    """Remove every row of a release that is not yet public (to load a corrected file)."""
    moment = _now(now)
    _require(actor, release.agency, EDIT_ROLES)
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        _check_open(release, moment)
        count, _by_model = Observation.objects.filter(release=release).delete()
        release.reviewed_at = None
        release.reviewed_by = None
        release.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
        audit.record(action="official_stats.data_cleared", actor=actor, agency=release.agency,
                     target=release, data={"rows": count})
        _reindex(release)
    return count


# --- texts --------------------------------------------------------------------------------

def text_reference_errors(release: Release, body: Any) -> list[str]:
    """Every data reference in ``body`` that does not resolve in the data as published at
    the release's time (this release's own rows included)."""
    from gongkai.official_stats.rendering import resolve_reference

    problems: list[str] = []
    for block in body or []:
        kind = block.block_type
        if kind == "data_text":
            for match in blocks.PLACEHOLDER.finditer(str(block.value)):
                if resolve_reference(release, *match.groups()) is None:
                    problems.append(f"引用{match.group(0)}找不到对应数据")
        elif kind == "data_table":
            value = block.value
            try:
                parse_period(value["period"])
            except PeriodError:
                problems.append(f"数据表“{value['caption']}”的时期无效")
                continue
            codes = [c.strip() for c in value["indicators"].split(",") if c.strip()]
            regions = [c.strip() for c in value["regions"].split(",") if c.strip()]
            unknown = ([c for c in codes if not Indicator.objects.filter(code=c).exists()]
                       + [c for c in regions if not Region.objects.filter(code=c).exists()])
            if unknown:
                problems.append(f"数据表“{value['caption']}”引用了未知代码："
                                + "、".join(unknown))
    return problems


def save_text(actor: User, release: Release, *, kind: TextKind, title: str, body: Any = None,
              summary: str = "", text: ReleaseText | None = None, sort_order: int = 0,
              now: dt.datetime | None = None) -> ReleaseText:
    """Create or update a release text before the release; refused once it is public
    (a correction is a revision) or when a data reference does not resolve."""
    moment = _now(now)
    _require(actor, release.agency, EDIT_ROLES)
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        _check_open(release, moment)
        if not title.strip():
            raise ServiceError("请填写标题。")
        obj = text or ReleaseText(release=release)
        if obj.release_id != release.pk:
            raise ServiceError("文稿不属于该发布。")
        obj.kind = kind
        obj.title = title.strip()
        obj.summary = summary
        obj.sort_order = sort_order
        if body is not None:
            obj.body = body
        problems = text_reference_errors(release, obj.body)
        if problems:
            raise ServiceError("；".join(problems))
        obj.save()
        audit.record(action="official_stats.text_saved", actor=actor, agency=release.agency,
                     target=obj, data={"kind": kind, "title": obj.title})
        _reindex(release)
    return obj


# --- machine loading tokens -----------------------------------------------------------------

def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(actor: User, agency: Agency, name: str, *,
                 now: dt.datetime | None = None) -> tuple[LoadingToken, str]:
    """A new token for ``agency``; the plain token is returned once and never stored."""
    _require(actor, agency, (StaffRole.ADMIN,))
    raw = "gks_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = LoadingToken.objects.create(agency=agency, name=name.strip() or "数据接口",
                                            prefix=raw[4:12], digest=_digest(raw),
                                            created_at=_now(now))
        audit.record(action="official_stats.token_created", actor=actor, agency=agency,
                     target=token, data={"name": token.name, "prefix": token.prefix})
    return token, raw


def revoke_token(actor: User, token: LoadingToken, *, now: dt.datetime | None = None) -> None:
    _require(actor, token.agency, (StaffRole.ADMIN,))
    with transaction.atomic():
        token.revoked_at = _now(now)
        token.save(update_fields=["revoked_at"])
        audit.record(action="official_stats.token_revoked", actor=actor, agency=token.agency,
                     target=token)


def agency_for_token(raw: str) -> Agency | None:
    token = (LoadingToken.objects.filter(digest=_digest(raw), revoked_at__isnull=True)
             .select_related("agency").first())
    return token.agency if token is not None else None


__all__ = ["RowError", "ServiceError", "UploadError"]
