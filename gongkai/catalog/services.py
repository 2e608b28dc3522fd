"""State changes of the catalog: index numbers and the confidentiality review."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page, TaskState

from gongkai.catalog.models import (
    ConfidentialityConfirmForm,
    ConfidentialityReview,
    IndexNumber,
    IndexNumberCounter,
)
from gongkai.core import audit
from gongkai.core.agencies import agency_for_page

logger = logging.getLogger(__name__)


class PublishRefused(Exception):
    """A check refused to let a revision go live; the message says why, in Chinese."""


def format_index_number(prefix: str, year: int, serial: int) -> str:
    """索引号 in the form of the 目录系统实施指引: 前段码/YYYY-NNNNN."""
    return f"{prefix}/{year:04d}-{serial:05d}"


@transaction.atomic
def issue_index_number(*, page: Page, actor: AbstractBaseUser | AnonymousUser | None = None
                       ) -> IndexNumber | None:
    """Give a published item its 索引号, once. Idempotent: an issued number is returned as is.

    The year is the year of first publication; the serial is per agency and year, taken
    under a row lock so two publishers never get the same number.
    """
    existing = IndexNumber.objects.filter(page=page).first()
    if existing is not None:
        return existing
    if not page.live:
        # Wagtail sends page_published when a publication is only scheduled, too; the
        # number belongs to the actual publication (publish_scheduled sends it again).
        return None
    agency = agency_for_page(page)
    if agency is None:
        logger.warning("No agency above page; no index number issued",
                       extra={"event": "index_number_skipped", "page_id": page.pk})
        return None
    published = page.first_published_at or timezone.now()
    year = timezone.localtime(published).year
    IndexNumberCounter.objects.get_or_create(agency=agency, year=year)
    counter = IndexNumberCounter.objects.select_for_update().get(agency=agency, year=year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    number = IndexNumber.objects.create(
        value=format_index_number(agency.index_prefix, year, counter.last_serial),
        agency=agency, year=year, serial=counter.last_serial, page=page,
        page_title=page.title[:255],
    )
    audit.record(action="catalog.index_number_issued", actor=actor, agency=agency, target=page,
                 data={"index_number": number.value, "title": page.title})
    logger.info("Index number issued", extra={"event": "index_number_issued",
                                              "page_id": page.pk, "index_number": number.value})
    return number


@transaction.atomic
def confirm_confidentiality_review(*, task_state: TaskState, user: Any,
                                   comment: str = "") -> ConfidentialityReview:
    """Record the 第十七条 confirmation: who, when, which revision, what they confirmed."""
    page = task_state.workflow_state.content_object
    statement = str(ConfidentialityConfirmForm.base_fields["confirm"].label)
    review = ConfidentialityReview.objects.create(
        page=page, revision=task_state.revision, reviewer=user,
        reviewer_name=(user.get_full_name() or user.get_username()),
        confirmed_at=timezone.now(), statement=statement, comment=comment or "",
    )
    log(instance=page, action="gongkai.confidentiality_confirmed", user=user,
        data={"statement": statement, "comment": comment or "",
              "revision_id": task_state.revision_id},
        revision=task_state.revision)
    audit.record(action="catalog.confidentiality_confirmed", actor=user,
                 agency=agency_for_page(page), target=page,
                 data={"revision_id": task_state.revision_id, "comment": comment or ""})
    return review


def confidentiality_label() -> str:
    return _("保密审查")


# --- Personal data before publication (docs/personal-data.md) -------------------------------

MIN_OVERRIDE_REASON = 10


def can_resolve_personal_data(user: Any, page: Page) -> bool:
    """Reviewers and approvers of the item's agency, and platform administrators."""
    from gongkai.core.agencies import has_role
    from gongkai.core.enums import StaffRole

    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    agency = agency_for_page(page)
    return agency is not None and has_role(user, agency, StaffRole.REVIEWER,
                                           StaffRole.APPROVER)


def _require_resolver(user: Any, page: Page) -> None:
    from django.core.exceptions import PermissionDenied

    if not can_resolve_personal_data(user, page):
        raise PermissionDenied(
            _("只有本单位保密审查人员、审核发布人员或平台管理员可以处理个人信息。"))


def _kind_counts(findings: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.kind.value] = counts.get(finding.kind.value, 0) + 1
    return counts


@transaction.atomic
def mask_page_personal_data(page: Page, by: Any) -> tuple[Any, int]:
    """Save a new revision of ``page`` with the personal data in its text masked.

    Returns (new revision or None if nothing was masked, how many values were masked).
    Attachments are files: they are not changed here (replace them, or override).
    """
    from gongkai.catalog import personal_data

    _require_resolver(by, page)
    obj = personal_data.latest_object(page)
    before = personal_data.report_for(obj)
    count = personal_data.mask_page_text(obj)
    if not count:
        return None, 0
    revision = obj.save_revision(user=by, log_action=True)
    # A reviewer who masks during the review goes on reviewing the masked version.
    state = page.specific.current_workflow_task_state
    if state is not None and state.status == TaskState.STATUS_IN_PROGRESS:
        TaskState.objects.filter(pk=state.pk).update(revision=revision)
    after = personal_data.report_for(obj)
    data = {"revision_id": revision.pk, "masked": count,
            "kinds": _kind_counts([f for f in before.findings if f.maskable]),
            "remaining": len(after.unresolved)}
    log(instance=obj, action="gongkai.personal_data_masked", user=by, data=data,
        revision=revision)
    audit.record(action="catalog.personal_data_masked", actor=by, agency=agency_for_page(page),
                 target=page, data=data)
    return revision, count


@transaction.atomic
def record_personal_data_override(page: Page, by: Any, reason: str) -> Any:
    """Record that the personal data in the latest revision may be published, and why."""
    from django.core.exceptions import ValidationError

    from gongkai.catalog import personal_data
    from gongkai.catalog.models import PersonalDataOverride

    _require_resolver(by, page)
    reason = (reason or "").strip()
    if len(reason) < MIN_OVERRIDE_REASON:
        raise ValidationError(_("请写明确需公开这些个人信息的理由（至少%(n)d个字）。")
                              % {"n": MIN_OVERRIDE_REASON})
    revision = page.get_latest_revision()
    obj = revision.as_object() if revision is not None else page.specific
    report = personal_data.report_for(obj)
    if not report.findings:
        raise ValidationError(_("该信息中没有发现个人信息，无需说明。"))
    findings = [f.as_dict() for f in report.findings]
    override = PersonalDataOverride.objects.create(
        page=page, revision=revision, reason=reason, user=by,
        user_name=by.get_full_name() or by.get_username(),
        fingerprints=sorted({f.fingerprint for f in report.findings}), findings=findings,
    )
    data = {"revision_id": getattr(revision, "pk", None), "reason": reason,
            "kinds": _kind_counts(report.findings), "findings": findings}
    log(instance=page.specific, action="gongkai.personal_data_override", user=by, data=data,
        revision=revision)
    audit.record(action="catalog.personal_data_override", actor=by,
                 agency=agency_for_page(page), target=page, data=data)
    return override


@transaction.atomic
def withhold_scheduled_publication(*, revision: Any, findings: list[Any]) -> None:
    """A scheduled revision that fails the personal-data check is not published: its
    schedule is withdrawn (so it is not retried every run) and the refusal recorded."""
    from wagtail.models import Revision

    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
    page = revision.content_object
    data = {"revision_id": revision.pk, "kinds": _kind_counts(findings),
            "findings": [f.as_dict() for f in findings]}
    audit.record(action="catalog.scheduled_publication_withheld", actor=None,
                 agency=agency_for_page(page), target=page, data=data)
    log(instance=page, action="gongkai.personal_data_withheld", data=data, revision=revision)
    logger.warning("Scheduled publication withheld: unresolved personal data",
                   extra={"event": "publication_withheld", "page_id": page.pk,
                          "revision_id": revision.pk, "count": len(findings)})
