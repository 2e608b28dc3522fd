"""Demo 政府信息公开工作年度报告: every demo agency's report for the previous year, generated
from the demo records (catalog, applications, consultations, enforcement), and the city
bureau's report checked and published into its 政府信息公开年报 column.

Two OGI 行政复议/行政诉讼 cases against 鞍山市统计局 (invented, marked in their note) give
table 四 something to show. Idempotent: an existing report or case is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from gongkai.annual_reports import services
from gongkai.annual_reports.models import AnnualReport
from gongkai.core.models import Agency
from gongkai.demo.agencies import CITY_SLUG
from gongkai.info_requests.enums import LitigationRoute, RemedyOutcome
from gongkai.info_requests.models import OgiLitigationCase, OgiReviewCase

DEMO_NOTE = "示例数据（虚构案件）"
PROBLEMS = ("一是主动公开的及时性仍需提高，个别统计信息发布后未在20个工作日内归入目录；"
            "二是依申请公开答复文书的说理还不够充分。下一步将加强培训，完善发布审核和文书模板。")


@dataclass
class AnnualReportSummary:
    created: int = 0
    kept: int = 0
    published: int = 0


def _ensure_cases(city: Agency, year: int) -> None:
    if not OgiReviewCase.objects.filter(agency=city, case_number__startswith="示例").exists():
        OgiReviewCase.objects.create(
            agency=city, case_number=f"示例鞍政复〔{year}〕17号", filed_on=dt.date(year, 5, 8),
            concluded_on=dt.date(year, 7, 2), outcome=RemedyOutcome.UPHELD,
            review_body="鞍山市人民政府", note=DEMO_NOTE)
    if not OgiLitigationCase.objects.filter(agency=city, case_number__startswith="示例").exists():
        OgiLitigationCase.objects.create(
            agency=city, case_number=f"示例（{year}）辽0302行初45号", filed_on=dt.date(year, 11, 3),
            route=LitigationRoute.DIRECT, court="鞍山市铁东区人民法院", note=DEMO_NOTE)


def ensure_annual_reports(agencies: dict[str, Agency], admin: AbstractBaseUser,
                          today: dt.date | None = None) -> AnnualReportSummary:
    summary = AnnualReportSummary()
    year = (today or timezone.localdate()).year - 1
    city = agencies.get(CITY_SLUG)
    if city is not None:
        _ensure_cases(city, year)
    for slug, agency in agencies.items():
        if AnnualReport.objects.filter(agency=agency, year=year).exists():
            summary.kept += 1
            continue
        report = services.generate(agency, year, by=admin, check_permission=False)
        services.update_text(report, overview=report.overview, problems=PROBLEMS,
                             other_matters=report.other_matters, by=admin)
        summary.created += 1
        if slug == CITY_SLUG:
            services.check(report, by=admin)
            if not services.unresolved(report, services.findings_of(report)):
                services.publish(report, by=admin)
                summary.published += 1
    return summary
