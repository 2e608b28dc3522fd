"""API endpoints of core: agencies and the working-day calculator."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from gongkai.core.models import Agency
from gongkai.core.selectors import load_calendar
from gongkai.core.workdays import MAX_WORKING_DAYS, add_working_days, working_days_between

router = Router(tags=["机构与工作日"])


class AgencyOut(Schema):
    id: int
    name: str
    short_name: str
    slug: str
    code: str = Field(description="统一社会信用代码或组织机构代码（索引号前段码）")
    parent_id: int | None
    office_name: str
    office_address: str
    office_hours: str
    office_phone: str
    office_fax: str
    office_email: str
    consultation_phone: str
    supervision_phone: str


@router.get("/agencies", response=list[AgencyOut], summary="机构列表")
def list_agencies(request: HttpRequest) -> list[Agency]:
    return list(Agency.objects.filter(home_page__live=True))


class WorkdayAnswer(Schema):
    start: dt.date
    days: int | None = None
    end: dt.date | None = None
    result: dt.date | int
    schedule_missing: bool
    missing_years: list[int]
    warning: str = ""


def missing_warning(years: tuple[int, ...]) -> str:
    if not years:
        return ""
    listed = "、".join(str(y) for y in years)
    return (f"{listed}年的节假日安排尚未录入，按周一至周五为工作日计算，结果可能不准确；"
            "请以国务院办公厅发布的节假日安排为准。")


@router.get("/workdays/add", response=WorkdayAnswer, summary="计算N个工作日后的日期")
def workdays_add(request: HttpRequest, start: dt.date, days: int) -> WorkdayAnswer:
    if not 0 <= days <= MAX_WORKING_DAYS:
        raise HttpError(422, f"工作日数应在0到{MAX_WORKING_DAYS}之间。")
    answer = add_working_days(load_calendar(), start, days)
    return WorkdayAnswer(start=start, days=days, result=answer.value,
                         schedule_missing=answer.schedule_missing,
                         missing_years=list(answer.missing_years),
                         warning=missing_warning(answer.missing_years))


@router.get("/workdays/between", response=WorkdayAnswer, summary="计算两个日期之间的工作日数")
def workdays_between(request: HttpRequest, start: dt.date, end: dt.date) -> WorkdayAnswer:
    if abs((end - start).days) > MAX_WORKING_DAYS * 2:
        raise HttpError(422, "两个日期相距过远。")
    answer = working_days_between(load_calendar(), start, end)
    return WorkdayAnswer(start=start, end=end, result=answer.value,
                         schedule_missing=answer.schedule_missing,
                         missing_years=list(answer.missing_years),
                         warning=missing_warning(answer.missing_years))
