"""Campaign pages, training materials with counted downloads, and the annual figures."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog.models import ColumnPage
from gongkai.engagement import services
from gongkai.engagement.models import CampaignPage, MaterialDownloadDay, SurveyPage
from gongkai.engagement.selectors import engagement_figures
from gongkai.engagement.tests.helpers import (
    make_campaign,
    make_event,
    make_materials,
    make_survey,
    survey_answers,
)
from gongkai.testing import column, make_item

pytestmark = pytest.mark.django_db


def test_a_campaign_links_its_final_report_and_lists_its_events(client, anshan):
    report = make_item(column(anshan, "ztzl"), title="2022年“5·15政务公开日”活动开展情况报告")
    campaign = make_campaign(anshan, title="2022年5·15政务公开日", year=2022,
                             final_report=report, plan="<p>活动方案正文</p>")
    event = make_event(campaign, title="统计开放日活动")
    html = client.get(campaign.url).content.decode()
    assert report.url in html and event.url in html and "活动方案正文" in html
    report.unpublish()
    assert report.url not in client.get(campaign.url).content.decode()


def test_campaigns_can_be_created_in_a_column_but_not_at_the_top():
    assert CampaignPage.can_create_at(ColumnPage())
    assert SurveyPage.can_create_at(CampaignPage())
    assert not CampaignPage.can_create_at(CampaignPage())


def test_downloads_are_counted_per_day_without_personal_data(client, anshan):
    page = make_materials(anshan)
    material = page.items.first()
    url = reverse("engagement:material_download", args=[material.pk])
    html = client.get(page.url).content.decode()
    assert url in html and "面向三上企业统计人员" in html
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == material.document.url
    row = MaterialDownloadDay.objects.get()
    assert (row.material_id, row.day, row.count) == (material.pk, timezone.localdate(), 3)
    assert [f.name for f in MaterialDownloadDay._meta.get_fields()] == [
        "id", "material", "day", "count"]


def test_materials_of_an_unpublished_column_are_not_served(client, anshan):
    page = make_materials(anshan)
    page.unpublish()
    url = reverse("engagement:material_download", args=[page.items.first().pk])
    assert client.get(url).status_code == 404


def test_engagement_figures_count_the_year(client, anshan, haicheng):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        campaign = make_campaign(anshan, year=2026)
        held = make_event(campaign, capacity=3,
                          starts_at=dt.datetime(2026, 5, 15, 1, tzinfo=dt.UTC))
        make_event(campaign, kind="training",
                   starts_at=dt.datetime(2026, 12, 30, 1, tzinfo=dt.UTC))  # not yet held
        registrations = [services.register(event_id=held.pk, name=f"人{n}",
                                           phone=f"1380000000{n}") for n in range(4)]
        survey = make_survey(campaign)
        client.post(survey.url, survey_answers(survey))
        materials = make_materials(anshan)
        client.get(reverse("engagement:material_download", args=[materials.items.first().pk]))
        make_event(make_campaign(haicheng),
                   starts_at=dt.datetime(2026, 5, 15, 1, tzinfo=dt.UTC))
    services.set_attendance(registration_id=registrations[0].pk, attended=True,
                            by=_root())
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), tick=False):
        figures = engagement_figures(anshan, 2026)
    assert (figures.campaigns, figures.events_held, figures.registrations,
            figures.participants, figures.materials_downloaded) == (1, 1, 3, 1, 1)
    assert figures.surveys[0].responses == 1 and figures.surveys[0].mean_scale == 4.0


def _root():
    from gongkai.testing import make_user

    return make_user("root-figures", superuser=True)
