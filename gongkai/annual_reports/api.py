"""Public JSON API of 政府信息公开工作年度报告 (mounted by gongkai/api.py): published
reports only (``selectors.public_reports``)."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from gongkai.annual_reports import render, selectors

router = Router(tags=["政府信息公开工作年度报告"])


@router.get("/", summary="已发布的年度报告列表")
def list_reports(request: HttpRequest, agency: str = "", year: int | None = None
                 ) -> list[dict[str, Any]]:
    reports = selectors.public_reports()
    if agency:
        reports = reports.filter(agency__slug=agency)
    if year:
        reports = reports.filter(year=year)
    return [{"agency": r.agency.slug, "agency_name": r.agency.name, "year": r.year,
             "title": r.title,
             "published_at": r.published_at.isoformat() if r.published_at else None}
            for r in reports.order_by("-year", "agency__sort_order")[:500]]


@router.get("/{agency}/{year}/", summary="一份已发布的年度报告（表格与正文）")
def get_report(request: HttpRequest, agency: str, year: int) -> dict[str, Any]:
    report = selectors.public_report(agency, year)
    if report is None:
        raise Http404
    return render.as_json(report)
