"""Reads of annual reports: the one public filter, the staff scope (an agency's own staff,
and the staff of its parent agencies, who see their agencies' reports but cannot change them),
the status board and the aggregate of a parent's agencies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from gongkai.annual_reports import cells
from gongkai.annual_reports.enums import ReportStatus
from gongkai.annual_reports.models import AnnualReport, due_date
from gongkai.core.agencies import agencies_for
from gongkai.core.models import Agency

User = AbstractBaseUser | AnonymousUser


def public_reports() -> QuerySet[AnnualReport]:
    """What the public may see: published reports only. Every public channel (page,
    downloads, API) goes through here."""
    return AnnualReport.objects.filter(status=ReportStatus.PUBLISHED).select_related("agency")


def public_report(agency_slug: str, year: int) -> AnnualReport | None:
    return public_reports().filter(agency__slug=agency_slug, year=year).first()


def with_descendants(agencies: Iterable[Agency]) -> list[Agency]:
    """The agencies and every agency below them (Agency.parent), each once."""
    found: dict[int, Agency] = {a.pk: a for a in agencies}
    frontier = list(found)
    while frontier:
        children = list(Agency.objects.filter(parent_id__in=frontier).exclude(pk__in=found))
        frontier = [c.pk for c in children]
        found.update({c.pk: c for c in children})
    return sorted(found.values(), key=lambda a: (a.sort_order, a.pk))


def staff_agencies(user: User) -> list[Agency]:
    """Agencies whose reports the user may see: their own and those below them."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return list(Agency.objects.order_by("sort_order", "pk"))
    return with_descendants(agencies_for(user))


def can_view(user: User, agency: Agency) -> bool:
    return any(a.pk == agency.pk for a in staff_agencies(user))


def report_for_staff(user: User, pk: int) -> AnnualReport | None:
    report = AnnualReport.objects.select_related("agency").filter(pk=pk).first()
    if report is None or not can_view(user, report.agency):
        return None
    return report


def board_status(report: AnnualReport | None, year: int, today: dt.date) -> ReportStatus:
    """未开始 / 草稿 / 已校验 / 已发布, or 逾期未发布 after 31 January of the next year."""
    if report is not None and report.is_published:
        return ReportStatus.PUBLISHED
    if today > due_date(year):
        return ReportStatus.LATE
    if report is None:
        return ReportStatus.NOT_STARTED
    return ReportStatus(report.status)


@dataclass(frozen=True)
class BoardRow:
    agency: Agency
    report: AnnualReport | None
    status: ReportStatus
    depth: int


def board(agencies: list[Agency], year: int, today: dt.date) -> list[BoardRow]:
    reports = {r.agency_id: r for r in AnnualReport.objects.filter(agency__in=agencies, year=year)}
    ids = {a.pk for a in agencies}

    def depth(agency: Agency) -> int:
        d, parent = 0, agency.parent_id
        lookup = {a.pk: a for a in agencies}
        while parent in ids:
            d += 1
            parent = lookup[parent].parent_id
        return d

    return [BoardRow(a, reports.get(a.pk), board_status(reports.get(a.pk), year, today), depth(a))
            for a in agencies]


def aggregate(reports: Iterable[AnnualReport]) -> dict[str, cells.Number]:
    """Cell-by-cell sum of the reports' figures (as shown, adjustments applied). Sums of
    sums keep R1–R4; 现行有效 is summed too (each agency's own documents)."""
    total: dict[str, cells.Number] = dict.fromkeys(cells.ALL_CELLS, 0)
    total[cells.FEE_KEY] = Decimal(0)
    for report in reports:
        for key, value in report.effective_figures().items():
            total[key] = total[key] + value  # type: ignore[operator]
    return total
