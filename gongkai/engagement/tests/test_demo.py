"""The demo's engagement content: realistic pieces present, and a second run creates nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.demo.engagement import (
    DEMO_INVITATIONS,
    INVITED_SURVEY_SLUG,
    REPORT_2022_SLUG,
    demo_invitation_lines,
    ensure_engagement,
)
from gongkai.engagement.enums import ResponseRule
from gongkai.engagement.models import (
    CampaignPage,
    EventPage,
    Registration,
    Subscription,
    SurveyPage,
    SurveyResponse,
)
from gongkai.engagement.selectors import engagement_figures, event_availability
from gongkai.testing import column, make_item, make_user

pytestmark = pytest.mark.django_db


def test_the_demo_builds_campaigns_events_survey_and_subscriptions_once(anshan):
    report = make_item(column(anshan, "ztzl"), slug=REPORT_2022_SLUG,
                       title="鞍山市统计局2022年“5·15政务公开日”活动开展情况报告")
    admin = make_user("demo-admin", superuser=True)
    now = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)
    first = ensure_engagement({"anshan": anshan}, admin, now=now)
    assert first.pages_created == 10 and first.responses_created == 128
    assert CampaignPage.objects.get(slug="2022-515").final_report_id == report.pk
    full = EventPage.objects.get(slug="gongzhong-kaifangri-2")
    availability = event_availability(full, now)
    assert availability.full and availability.waitlisted == 3
    survey = SurveyPage.objects.get(slug="renzhidu-diaocha")
    assert survey.results_published
    invited = SurveyPage.objects.get(slug=INVITED_SURVEY_SLUG)
    assert invited.response_rule == ResponseRule.INVITATION
    lines = demo_invitation_lines()
    assert len(lines) == 1 + DEMO_INVITATIONS and all("未使用" in line for line in lines[1:])
    assert Subscription.objects.filter(status="confirmed").count() == 5
    counts = (Registration.objects.count(), SurveyResponse.objects.count(),
              Subscription.objects.count())
    second = ensure_engagement({"anshan": anshan}, admin, now=now)
    assert (second.pages_created, second.registrations_created, second.responses_created,
            second.subscriptions_created) == (0, 0, 0, 0)
    assert counts == (Registration.objects.count(), SurveyResponse.objects.count(),
                      Subscription.objects.count())
    figures = engagement_figures(anshan, 2026)
    assert (figures.events_held, figures.registrations, figures.participants) == (1, 24, 21)
    assert {f.title: f.responses for f in figures.surveys}[survey.title] == 128
    assert demo_invitation_lines() == lines  # the same codes on every run
