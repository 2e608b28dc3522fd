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
