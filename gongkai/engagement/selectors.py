"""Reads of 专题与公众参与, including the figures for the annual report's narrative."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from gongkai.core.agencies import agencies_for, agency_for_page, pages_of_agency
from gongkai.core.models import Agency
from gongkai.core.visibility import visible_pages
from gongkai.engagement import invitations
from gongkai.engagement.enums import RegistrationStatus, SubscriptionKind
from gongkai.engagement.models import (
    CampaignPage,
    EventPage,
    MaterialDownloadDay,
    Registration,
    SurveyInvitation,
    SurveyInvitationBatch,
    SurveyPage,
    SurveyResponse,
)
from gongkai.engagement.surveys import QuestionResult, questions_of, tally

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Availability:
    capacity: int
    confirmed: int
    waitlisted: int
    is_open: bool

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)

    @property
    def full(self) -> bool:
        return self.seats_left == 0


def event_availability(event: EventPage, now: dt.datetime) -> Availability:
    counts = event.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return Availability(event.capacity, counts["confirmed"], counts["waitlisted"],
                        event.registration_open(now))


def public_events(*, agency: Agency | None = None, now: dt.datetime | None = None,
                  upcoming: bool = True) -> QuerySet[EventPage]:
    now = now or timezone.now()
    events = visible_pages(EventPage.objects.all(), now)
    if agency is not None:
        events = events.filter(pk__in=pages_of_agency(agency).values("pk"))
    if upcoming:
        events = events.filter(ends_at__gte=now)
    return events.order_by("starts_at")


# --- Staff -------------------------------------------------------------------------------------


def _staff_pages(model: Any, user: User) -> QuerySet[Any]:
    agencies = agencies_for(user)
    roots = [a.home_page for a in agencies.select_related("home_page") if a.home_page]
    if not roots:
        return model.objects.none()  # type: ignore[no-any-return]
    query = Q()
    for root in roots:
        query |= Q(path__startswith=root.path)
    return model.objects.filter(query)  # type: ignore[no-any-return]


def events_for_staff(user: User) -> QuerySet[EventPage]:
    return _staff_pages(EventPage, user).order_by("-starts_at")


def surveys_for_staff(user: User) -> QuerySet[SurveyPage]:
    return _staff_pages(SurveyPage, user).order_by("-first_published_at", "-pk")


def event_for_staff(user: User, pk: int) -> EventPage | None:
    return events_for_staff(user).filter(pk=pk).first()  # type: ignore[no-any-return]


def survey_for_staff(user: User, pk: int) -> SurveyPage | None:
    return surveys_for_staff(user).filter(pk=pk).first()  # type: ignore[no-any-return]


def check_in_list(event: EventPage) -> list[Registration]:
    return list(event.registrations.exclude(status=RegistrationStatus.CANCELLED)
                .order_by("status", "created_at", "pk"))


# --- Surveys -----------------------------------------------------------------------------------


def valid_responses(survey: SurveyPage) -> QuerySet[SurveyResponse]:
    """The sheets that count: stored under the survey's current rule. Each person has at most
    one (the unique nullifier keeps a second submission out of the table); sheets stored
    under an earlier rule (staff switched it) are kept but no longer prove one per person."""
    return SurveyResponse.objects.filter(page=survey, rule=survey.response_rule)


def not_counted_responses(survey: SurveyPage) -> int:
    return SurveyResponse.objects.filter(page=survey).exclude(rule=survey.response_rule).count()


def survey_results(survey: SurveyPage) -> tuple[int, list[QuestionResult]]:
    """(valid responses, per-question results over them)."""
    sheets = list(valid_responses(survey).values_list("form_data", flat=True))
    return len(sheets), tally(questions_of(survey.form_fields.all()), sheets)


@dataclass(frozen=True)
class BatchRow:
    batch: SurveyInvitationBatch
    total: int
    used: int


def invitation_batches(survey: SurveyPage) -> list[BatchRow]:
    batches = survey.invitation_batches.select_related("created_by").annotate(
        total=Count("invitations"),
        used=Count("invitations", filter=Q(invitations__used_at__isnull=False)))
    return [BatchRow(b, b.total, b.used) for b in batches]


def invitation_for_code(survey: SurveyPage, raw_code: str) -> SurveyInvitation | None:
    """The survey's invitation with this code (typed in any case, with or without hyphens)."""
    if not invitations.normalise_code(raw_code):
        return None
    found: SurveyInvitation | None = SurveyInvitation.objects.filter(
        survey=survey, code_hash=invitations.code_hash(raw_code)).first()
    return found


def invitation_codes(batch: SurveyInvitationBatch) -> list[tuple[SurveyInvitation, str]]:
    """Each invitation of the batch with its code, recomputed from its nonce."""
    return [(i, invitations.invitation_code(i.nonce))
            for i in batch.invitations.order_by("pk")]


def public_survey_results(survey: SurveyPage) -> tuple[int, list[QuestionResult]]:
    """What a published results page shows: choice and scale questions only — free-text
    answers may identify their writers and are for staff."""
    total, results = survey_results(survey)
    return total, [r for r in results if not r.is_text]


# --- Subscriptions -----------------------------------------------------------------------------


def subscription_target_label(kind: SubscriptionKind | str, key: str) -> str | None:
    """The name of what a subscription follows, or None when it does not exist (or is not
    public). Keys: a column's page id, a theme's code, an agency's slug; the release
    calendar takes an agency slug or "" for the whole platform."""
    from gongkai.catalog.models import ColumnPage, ThemeCategory

    kind = SubscriptionKind(kind)
    if kind == SubscriptionKind.COLUMN:
        if not key.isdigit():
            return None
        column = visible_pages(ColumnPage.objects.filter(pk=int(key))).first()
        if column is None:
            return None
        agency = agency_for_page(column)
        return f"{agency.short_name if agency else ''}{column.title}"
    if kind == SubscriptionKind.THEME:
        theme = ThemeCategory.objects.filter(code=key).first()
        return theme.name if theme else None
    if kind == SubscriptionKind.RELEASE_CALENDAR and key == "":
        return "统计数据发布日程"
    agency = Agency.objects.filter(slug=key).first()
    if agency is None:
        return None
    if kind == SubscriptionKind.RELEASE_CALENDAR:
        return f"{agency.name}统计数据发布日程"
    return agency.name


# --- Figures for the annual report -------------------------------------------------------------


@dataclass(frozen=True)
class SurveyFigure:
    title: str
    kind: str
    responses: int
    mean_scale: float | None      # mean of all scale answers, 1–5
    results_published: bool


@dataclass(frozen=True)
class EngagementFigures:
    year: int
    campaigns: int
    events_held: int
    trainings_held: int
    registrations: int            # confirmed at the end (cancellations excluded)
    participants: int             # checked in
    materials_downloaded: int
    surveys: tuple[SurveyFigure, ...]


def engagement_figures(agency: Agency, year: int) -> EngagementFigures:
    """Campaigns of the year, events held (ended within the year), their confirmed
    registrations and checked-in participants, material downloads counted in the year, and
    the surveys published in the year with their response counts and mean scale score."""
    section = pages_of_agency(agency).values("pk")
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    now = timezone.now()
    events = EventPage.objects.live().filter(pk__in=section, starts_at__gte=start,
                                             starts_at__lt=end, ends_at__lte=now)
    registrations = Registration.objects.filter(event__in=events,
                                                status=RegistrationStatus.CONFIRMED)
    downloads = MaterialDownloadDay.objects.filter(
        material__page__in=section, day__year=year).aggregate(total=Sum("count"))["total"]
    surveys = []
    for survey in SurveyPage.objects.live().filter(
            pk__in=section, first_published_at__gte=start, first_published_at__lt=end,
    ).order_by("first_published_at"):
        total, results = survey_results(survey)
        scale = [r for r in results if r.question.field_type == "scale" and r.answered]
        answered = sum(r.answered for r in scale)
        mean = (round(sum((r.mean or 0) * r.answered for r in scale) / answered, 2)
                if answered else None)
        surveys.append(SurveyFigure(survey.title, survey.kind, total, mean,
                                    survey.results_published))
    return EngagementFigures(
        year=year,
        campaigns=CampaignPage.objects.live().filter(pk__in=section, year=year).count(),
        events_held=events.count(),
        trainings_held=events.filter(kind="training").count(),
        registrations=registrations.count(),
        participants=registrations.filter(checked_in_at__isnull=False).count(),
        materials_downloaded=int(downloads or 0),
        surveys=tuple(surveys),
    )
