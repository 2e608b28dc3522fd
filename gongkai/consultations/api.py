"""Public JSON API of 互动交流 (mounted at /api/v1/consultations/ by gongkai/api.py).

Only what the public pages show: published exchanges (masked copies, through
``selectors.public_messages``), public FAQ entries and per-agency figures. Nothing about
统计违法举报 is served here.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from gongkai.consultations import selectors
from gongkai.consultations.models import FaqEntry, Message
from gongkai.core.models import Agency

router = Router(tags=["互动交流"])
MAX_ROWS = 200


class ExchangeOut(Schema):
    number: str
    agency: str
    kind: str
    title: str
    body: str
    reply: str
    submitted_on: dt.date
    replied_on: dt.date | None
    rating: str


def _exchange(message: Message) -> ExchangeOut:
    return ExchangeOut(number=message.number, agency=message.agency.slug, kind=message.kind,
                       title=message.public_title, body=message.public_body,
                       reply=message.public_reply,
                       submitted_on=timezone.localdate(message.submitted_at),
                       replied_on=message.replied_on, rating=message.rating)


@router.get("/{agency_slug}/exchanges", response=list[ExchangeOut], summary="公开的留言及答复")
def exchanges(request: HttpRequest, agency_slug: str, offset: int = 0) -> list[ExchangeOut]:
    agency = get_object_or_404(Agency, slug=agency_slug)
    rows = selectors.public_messages().filter(agency=agency)[max(0, offset):
                                                             max(0, offset) + MAX_ROWS]
    return [_exchange(m) for m in rows]


class FaqOut(Schema):
    id: int
    question: str
    answer: str


@router.get("/{agency_slug}/faq", response=list[FaqOut], summary="常见问题")
def faq(request: HttpRequest, agency_slug: str) -> list[FaqEntry]:
    agency = get_object_or_404(Agency, slug=agency_slug)
    return list(selectors.public_faq().filter(agency=agency))


class FiguresOut(Schema):
    agency: str
    year: int
    received: int
    answered: int
    answered_on_time: int
    answered_late: int
    open: int
    open_overdue: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int


@router.get("/{agency_slug}/figures/{year}", response=FiguresOut, summary="留言办理情况统计")
def figures(request: HttpRequest, agency_slug: str, year: int) -> FiguresOut:
    agency = get_object_or_404(Agency, slug=agency_slug)
    f = selectors.consultation_figures(agency, year)
    return FiguresOut(agency=agency.slug, year=year, received=f.received, answered=f.answered,
                      answered_on_time=f.answered_on_time, answered_late=f.answered_late,
                      open=f.open, open_overdue=f.open_overdue, satisfied=f.satisfied,
                      basically_satisfied=f.basically_satisfied, unsatisfied=f.unsatisfied)
