"""Public JSON API of 专题与公众参与 (mounted by gongkai/api.py at /api/v1/engagement/).

Only what ``visible_pages`` allows is returned; registrations and answer sheets never are —
a survey's results only once staff have published them, and without free-text answers.
"""

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema

from gongkai.core.models import Agency
from gongkai.core.visibility import is_page_visible
from gongkai.engagement import selectors
from gongkai.engagement.models import SurveyPage

router = Router(tags=["专题与公众参与"])


class EventOut(Schema):
    id: int
    title: str
    kind: str = Field(description="活动类型")
    audience: str = Field(description="面向对象")
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    capacity: int = Field(description="名额")
    seats_left: int = Field(description="剩余名额")
    registration_open: bool
    url: str


class OptionOut(Schema):
    option: str
    count: int


class QuestionOut(Schema):
    label: str
    answered: int
    mean: float | None = Field(description="量表题平均分（1—5）")
    options: list[OptionOut]


class SurveyResultsOut(Schema):
    id: int
    title: str
    responses: int
    questions: list[QuestionOut]


@router.get("/events", response=list[EventOut])
def events(request: HttpRequest, agency: str = "") -> list[EventOut]:
    """Upcoming public events (open days, training sessions) with their remaining seats."""
    scope = get_object_or_404(Agency, slug=agency) if agency else None
    now = timezone.now()
    out = []
    for event in selectors.public_events(agency=scope, now=now)[:200]:
        availability = selectors.event_availability(event, now)
        out.append(EventOut(
            id=event.pk, title=event.title, kind=str(event.get_kind_display()),
            audience=str(event.get_audience_display()), starts_at=event.starts_at,
            ends_at=event.ends_at, place=event.place, capacity=event.capacity,
            seats_left=availability.seats_left, registration_open=availability.is_open,
            url=event.get_url(request) or ""))
    return out


@router.get("/surveys/{survey_id}/results", response=SurveyResultsOut)
def survey_results(request: HttpRequest, survey_id: int) -> SurveyResultsOut:
    """A survey's published results: choice and scale questions only."""
    survey = get_object_or_404(SurveyPage, pk=survey_id)
    if not survey.results_published or not is_page_visible(survey):
        raise Http404
    total, results = selectors.public_survey_results(survey)
    return SurveyResultsOut(id=survey.pk, title=survey.title, responses=total, questions=[
        QuestionOut(label=r.question.label, answered=r.answered, mean=r.mean,
                    options=[OptionOut(option=o, count=c) for o, c in r.counts])
        for r in results])
