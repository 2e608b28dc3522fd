"""Reads of 统计执法公开, for its own pages and for the other apps (annual reports).

:func:`public_decisions` is the one visibility rule for 行政处罚决定: every channel (pages,
API, search) goes through it. Draws and frozen lists are public from the moment they
exist — that is the point of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet, Sum
from django.utils import timezone

from gongkai.core.agencies import scope_to_user
from gongkai.core.models import Agency
from gongkai.core.workdays import WorkdayCalendar
from gongkai.enforcement import draw as drawing
from gongkai.enforcement import rules
from gongkai.enforcement.enums import PenaltyStatus
from gongkai.enforcement.models import Draw, InspectionPlan, ListFreeze, PenaltyDecision

# --- 行政处罚: visibility -------------------------------------------------------------------


def public_decisions(*, agency: Agency | None = None,
                     now: dt.datetime | None = None) -> QuerySet[PenaltyDecision]:
    """Decisions the public may see: published (at or before *now*). Revoked decisions stay
    listed with their withdrawal notice, their content emptied by the service."""
    queryset = PenaltyDecision.objects.filter(published_at__isnull=False,
                                              published_at__lte=now or timezone.now())
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    return queryset.select_related("agency").order_by("-decided_on", "-id")


def searchable_decisions(now: dt.datetime | None = None) -> QuerySet[PenaltyDecision]:
    """What search indexes: public and not withdrawn."""
    return public_decisions(now=now).exclude(status=PenaltyStatus.REVOKED)


def public_decision(agency: Agency, pk: int) -> PenaltyDecision | None:
    return public_decisions(agency=agency).filter(pk=pk).first()


# --- 行政处罚: for the annual report --------------------------------------------------------


@dataclass(frozen=True)
class PenaltyFigures:
    """第二十条第（六）项 rows of the annual report's table 二, for one agency and year.

    ``penalty_decisions`` counts the decisions *made* in the year (by decision date),
    including any later revoked (``revoked`` says how many, should the report want to
    subtract them). 行政强制 is not modelled: ``compulsory_measures`` is always 0.
    """

    agency_id: int
    year: int
    penalty_decisions: int
    revoked: int
    fines_total: Decimal
    compulsory_measures: int = 0


def decisions_in_year(agency: Agency, year: int) -> QuerySet[PenaltyDecision]:
    """The decisions made by ``agency`` in ``year`` (drill-down of :func:`penalty_figures`)."""
    return PenaltyDecision.objects.filter(
        agency=agency, decided_on__gte=dt.date(year, 1, 1), decided_on__lte=dt.date(year, 12, 31)
    ).order_by("decided_on", "id")


def penalty_figures(agency: Agency, year: int) -> PenaltyFigures:
    decisions = decisions_in_year(agency, year)
    total = decisions.exclude(status=PenaltyStatus.REVOKED).aggregate(
        total=Sum("fine_amount"))["total"]
    return PenaltyFigures(
        agency_id=agency.pk, year=year, penalty_decisions=decisions.count(),
        revoked=decisions.filter(status=PenaltyStatus.REVOKED).count(),
        fines_total=total if total is not None else Decimal("0"),
    )


# --- 行政处罚: staff -----------------------------------------------------------------------


@dataclass(frozen=True)
class StaffPenaltyRow:
    decision: PenaltyDecision
    deadline: rules.PublicationDeadline


def staff_decisions(user: AbstractBaseUser | AnonymousUser, *, today: dt.date,
                    calendar: WorkdayCalendar) -> list[StaffPenaltyRow]:
    queryset = scope_to_user(PenaltyDecision.objects.select_related("agency"), user)
    rows = []
    for decision in queryset.order_by("-decided_on", "-id"):
        published_on = (timezone.localdate(decision.published_at)
                        if decision.published_at else None)
        rows.append(StaffPenaltyRow(decision, rules.publication_deadline(
            decided_on=decision.decided_on, published_on=published_on, today=today,
            calendar=calendar)))
    return rows


def decision_for_staff(user: AbstractBaseUser | AnonymousUser, pk: int) -> PenaltyDecision | None:
    found: PenaltyDecision | None = scope_to_user(PenaltyDecision.objects.all(), user).filter(
        pk=pk).first()
    return found


def plan_for_staff(user: AbstractBaseUser | AnonymousUser, pk: int) -> InspectionPlan | None:
    found: InspectionPlan | None = scope_to_user(
        InspectionPlan.objects.select_related("agency"), user).filter(pk=pk).first()
    return found


# --- Draws --------------------------------------------------------------------------------


def agency_draws(agency: Agency) -> QuerySet[Draw]:
    return Draw.objects.filter(agency=agency).select_related("freeze__plan").order_by("sequence")


def pending_freezes(agency: Agency) -> QuerySet[ListFreeze]:
    """Frozen lists announced but not drawn yet (their hashes and seed source are public)."""
    return ListFreeze.objects.filter(plan__agency=agency, draws__isnull=True).select_related(
        "plan").order_by("-frozen_at")


def chain_document(agency: Agency) -> dict[str, Any]:
    """Every draw record of the agency, in order: the file ``verify`` checks as a chain."""
    return {"format": drawing.CHAIN_FORMAT,
            "agency": {"name": agency.name, "code": agency.code},
            "draws": [d.record for d in agency_draws(agency)]}


def verify_stored_chain(agency: Agency) -> drawing.Verification:
    """Recompute the agency's stored chain (the records as they are in the database)."""
    return drawing.verify_chain([d.record for d in agency_draws(agency)])
