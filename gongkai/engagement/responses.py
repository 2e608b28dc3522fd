"""Survey answer sheets under the three per-person rules (``ResponseRule``), and the staff's
invitation codes. Every sheet is stored by ``_store``: one row per (survey, nullifier) — the
unique constraint ``engagement_one_response_per_person`` is what makes two concurrent
submissions by one person count once, whatever the rule.

* ``submit_browser_response`` — the nullifier over the browser's cookie token;
* ``submit_invited_response`` — the invitation is claimed (``used_at``) by a conditional
  UPDATE in the same transaction as the sheet: on PostgreSQL the second of two concurrent
  claims waits for the first's row lock, then finds ``used_at`` set and stores nothing;
* ``request_survey_link`` / ``submit_verified_response`` — the e-mail's one-time link.

Refusals are ``services.ServiceError`` (Chinese, for the visitor) or ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.agencies import agency_for_page, has_role
from gongkai.engagement import invitations
from gongkai.engagement.enums import ResponseRule, SubscriptionKind
from gongkai.engagement.models import (
    SurveyInvitation,
    SurveyInvitationBatch,
    SurveyPage,
    SurveyResponse,
)
from gongkai.engagement.services import ServiceError

User = AbstractBaseUser | AnonymousUser

CODE_INVALID = "邀请码无效，请核对后重新输入（不区分大小写）。"
LINK_INVALID = "答卷链接无效或已过期，请重新获取。"


def _check_open(survey: SurveyPage, rule: ResponseRule, now: dt.datetime) -> None:
    if survey.response_rule != rule:
        raise ServiceError("该问卷的答卷方式已调整，请刷新页面后重新作答。")
    if not survey.is_open(now):
        raise ServiceError("该问卷已截止。")


def _store(
    survey: SurveyPage, data: Mapping[str, Any], nullifier: str, rule: ResponseRule
) -> tuple[SurveyResponse, bool]:
    """Insert the sheet unless the nullifier has one; the unique constraint settles a race."""
    existing = SurveyResponse.objects.filter(page=survey, nullifier=nullifier).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                page=survey, nullifier=nullifier, rule=rule, form_data=dict(data)
            )
    except IntegrityError:  # the same person submitted twice at once
        return SurveyResponse.objects.get(page=survey, nullifier=nullifier), False
    return response, True


def submit_browser_response(
    *, survey: SurveyPage, data: Mapping[str, Any], nullifier: str, now: dt.datetime | None = None
) -> tuple[SurveyResponse, bool]:
    """One sheet per browser. A repeated submission stores nothing and returns the first
    sheet with ``False``: the survey counts it once."""
    _check_open(survey, ResponseRule.BROWSER, now or timezone.now())
    return _store(survey, data, nullifier, ResponseRule.BROWSER)


def submit_invited_response(
    *, survey: SurveyPage, data: Mapping[str, Any], code: str, now: dt.datetime | None = None
) -> tuple[SurveyResponse, bool]:
    """One sheet per invitation code. A used code stores nothing and returns the sheet given
    with it and ``False``; an unknown code (or another survey's) is refused."""
    now = now or timezone.now()
    _check_open(survey, ResponseRule.INVITATION, now)
    with transaction.atomic():
        invitation = SurveyInvitation.objects.filter(
            survey=survey, code_hash=invitations.code_hash(code)
        ).first()
        if invitation is None or not invitations.normalise_code(code):
            raise ServiceError(CODE_INVALID)
        nullifier = invitations.invitation_nullifier(survey.pk, invitation.pk)
        claimed = SurveyInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=now
        )
        if not claimed:
            return SurveyResponse.objects.get(page=survey, nullifier=nullifier), False
        return _store(survey, data, nullifier, ResponseRule.INVITATION)


def submit_verified_response(
    *, survey: SurveyPage, data: Mapping[str, Any], token: str, now: dt.datetime | None = None
) -> tuple[SurveyResponse, bool]:
    """One sheet per e-mail address, proven by the link's signed token."""
    _check_open(survey, ResponseRule.EMAIL, now or timezone.now())
    nullifier = invitations.nullifier_from_link(survey.pk, token)
    if nullifier is None:
        raise ServiceError(LINK_INVALID)
    return _store(survey, data, nullifier, ResponseRule.EMAIL)


def request_survey_link(
    *, survey: SurveyPage, email: str, subscribe: bool = False, now: dt.datetime | None = None
) -> None:
    """Mail a one-time answer link to ``email``. The address is not stored for the survey:
    it is in the mail and, hashed, in the link. Sent now rather than by a task, because a
    task's stored arguments would keep the address. With ``subscribe`` the address is also
    given to the agency's subscription (double opt-in, stored as any subscriber's is)."""
    from gongkai.core import mail
    from gongkai.engagement import services
    from gongkai.engagement.survey_mail import survey_link_message

    now = now or timezone.now()
    _check_open(survey, ResponseRule.EMAIL, now)
    token = invitations.email_link_token(survey.pk, email)
    agency = agency_for_page(survey)
    if subscribe and agency is not None:
        services.subscribe(email=email, kind=SubscriptionKind.AGENCY, key=agency.slug, now=now)
    # A new key per request: asking again sends a new mail. The builder closes over the
    # address, so the outbox row keeps only the key and the survey id.
    mail.send_once(
        f"engagement-survey-link:{survey.pk}:{secrets.token_hex(12)}",
        partial(survey_link_message, survey, email, token),
        params={"survey": survey.pk},
        now=now,
    )


def generate_invitations(
    *, survey: SurveyPage, count: int, label: str, by: User, now: dt.datetime | None = None
) -> SurveyInvitationBatch:
    """A batch of ``count`` one-time codes for the survey (staff of its agency)."""
    agency = agency_for_page(survey)
    if agency is None or not has_role(by, agency):
        raise PermissionDenied
    if not 1 <= count <= invitations.MAX_BATCH:
        raise ServiceError(f"每批可生成1至{invitations.MAX_BATCH}个邀请码。")
    now = now or timezone.now()
    with transaction.atomic():
        batch = SurveyInvitationBatch.objects.create(
            survey=survey,
            label=label.strip() or "邀请码",
            created_at=now,
            created_by=by if isinstance(by, get_user_model()) else None,
        )
        nonces = [invitations.new_nonce() for _ in range(count)]
        SurveyInvitation.objects.bulk_create(
            SurveyInvitation(
                batch=batch,
                survey=survey,
                nonce=nonce,
                code_hash=invitations.code_hash(invitations.invitation_code(nonce)),
            )
            for nonce in nonces
        )
        audit.record(
            action="engagement.survey.invitations_generated",
            actor=by,
            agency=agency,
            target=survey,
            data={"batch": batch.pk, "count": count},
        )
    return batch


def record_invitation_export(*, batch: SurveyInvitationBatch, by: User, fmt: str) -> None:
    """Exporting codes hands out ballots: who did it is audited."""
    agency = agency_for_page(batch.survey)
    if agency is None or not has_role(by, agency):
        raise PermissionDenied
    with transaction.atomic():
        audit.record(
            action="engagement.survey.invitations_exported",
            actor=by,
            agency=agency,
            target=batch.survey,
            data={"batch": batch.pk, "format": fmt},
        )
