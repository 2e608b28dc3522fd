"""The demo's reports: one per agency for the previous year, the city's published; a second
run creates nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.annual_reports.models import AnnualReport
from gongkai.demo.annual_reports import ensure_annual_reports
from gongkai.info_requests.models import OgiReviewCase
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_generates_every_report_and_publishes_the_citys(anshan, haicheng):
    admin = make_user("ar-demo-admin", superuser=True)
    agencies = {"anshan": anshan, "haicheng": haicheng}
    first = ensure_annual_reports(agencies, admin, today=dt.date(2026, 1, 15))
    second = ensure_annual_reports(agencies, admin, today=dt.date(2026, 1, 15))
    assert (first.created, first.published, second.created, second.kept) == (2, 1, 0, 2)
    assert AnnualReport.objects.get(agency=anshan, year=2025).status == "published"
    assert AnnualReport.objects.get(agency=haicheng, year=2025).status == "draft"
    assert OgiReviewCase.objects.filter(agency=anshan).count() == 1
    city = AnnualReport.objects.get(agency=anshan, year=2025)
    assert city.effective_figures()["四:review:upheld"] == 1
