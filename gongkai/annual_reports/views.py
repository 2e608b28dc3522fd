"""Public pages of published annual reports: the HTML page and its downloads. Only
``selectors.public_reports`` decides what is shown."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render as render_page

from gongkai.annual_reports import render, selectors
from gongkai.annual_reports.models import AnnualReport

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def _report(agency_slug: str, year: int) -> AnnualReport:
    report = selectors.public_report(agency_slug, year)
    if report is None:
        raise Http404
    return report


def report(request: HttpRequest, agency_slug: str, year: int) -> HttpResponse:
    found = _report(agency_slug, year)
    return render_page(request, "annual_reports/report.html", {
        "report": found, "agency": found.agency, "doc": render.document(found),
        "adjusted": set(),
    })


def file_response(report: AnnualReport, fmt: str) -> HttpResponse:
    if fmt == "docx":
        content = render.docx_bytes(report)
    elif fmt == "xlsx":
        content = render.xlsx_bytes(report)
    elif fmt == "json":
        content = json.dumps(render.as_json(report), ensure_ascii=False, indent=2).encode()
    else:
        raise Http404
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    if fmt != "json":
        name = f"{report.agency.slug}-{report.year}-annual-report.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def download(request: HttpRequest, agency_slug: str, year: int, fmt: str) -> HttpResponse:
    return file_response(_report(agency_slug, year), fmt)
