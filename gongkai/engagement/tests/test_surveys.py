"""Surveys: one response per browser, tallies, published results, the XLSX export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.core.enums import StaffRole
from gongkai.engagement import services
from gongkai.engagement.models import SurveyResponse
from gongkai.engagement.surveys import Question, tally
from gongkai.engagement.tests.helpers import make_campaign, make_survey, survey_answers
from gongkai.engagement.views import SURVEY_COOKIE
from gongkai.testing import make_user, refused

pytestmark = pytest.mark.django_db


def test_a_survey_submitted_twice_from_one_browser_counts_once(client, anshan):
    survey = make_survey(make_campaign(anshan))
    form = client.get(survey.url)
    assert SURVEY_COOKIE in form.cookies
    first = client.post(survey.url, survey_answers(survey))
    assert first.status_code == 200 and "问卷已提交" in first.content.decode()
    second = client.post(survey.url, survey_answers(survey, **{
        survey.form_fields.first().clean_name: "不了解"}))
    assert "您已提交过" in second.content.decode()
    assert SurveyResponse.objects.filter(page=survey).count() == 1
    assert SurveyResponse.objects.get(page=survey).form_data[
        survey.form_fields.first().clean_name] == "了解"


def test_two_browsers_give_two_responses(client, anshan):
    from django.test import Client

    survey = make_survey(make_campaign(anshan))
    client.post(survey.url, survey_answers(survey))
    Client().post(survey.url, survey_answers(survey))
    assert SurveyResponse.objects.filter(page=survey).count() == 2


def test_a_tampered_cookie_is_not_someone_elses_token(client, anshan):
    survey = make_survey(make_campaign(anshan))
    client.post(survey.url, survey_answers(survey))
    client.cookies[SURVEY_COOKIE] = "forged-token:abc"
    client.post(survey.url, survey_answers(survey))
    assert SurveyResponse.objects.filter(page=survey).count() == 2  # a new token, not a reuse


def test_the_service_stores_one_sheet_per_nullifier(anshan):
    survey = make_survey(make_campaign(anshan))
    _r, created = services.submit_survey_response(survey=survey, data={"a": 1}, nullifier="n1")
    again, created_again = services.submit_survey_response(survey=survey, data={"a": 2},
                                                           nullifier="n1")
    assert (created, created_again) == (True, False)
    assert again.form_data == {"a": 1}


def test_missing_answers_are_reported_at_their_question(client, anshan):
    survey = make_survey(make_campaign(anshan))
    response = client.post(survey.url, {})
    html = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in html and "aria-invalid" in html
    assert not SurveyResponse.objects.exists()


def test_tally_counts_choices_scales_and_texts():
    questions = [Question("a", "单选", "radio", ("是", "否")),
                 Question("b", "多选", "checkboxes", ("甲", "乙")),
                 Question("c", "量表", "scale", ("1", "2", "3", "4", "5")),
                 Question("d", "建议", "multiline")]
    sheets = [{"a": "是", "b": ["甲", "乙"], "c": "5", "d": "好"},
              {"a": "否", "b": ["甲"], "c": "2", "d": ""},
              {"a": "是", "b": [], "c": "5"}]
    a, b, c, d = tally(questions, sheets)
    assert a.counts == [("是", 2), ("否", 1)] and a.answered == 3
    assert b.counts == [("甲", 2), ("乙", 1)] and b.answered == 2
    assert c.mean == 4.0 and dict(c.counts)["5"] == 2
    assert d.answered == 1 and d.texts == ["好"]


def test_results_are_public_only_once_published_and_never_show_free_text(client, anshan):
    survey = make_survey(make_campaign(anshan))
    client.post(survey.url, survey_answers(survey))
    url = reverse("engagement:survey_results", args=[survey.pk])
    api = f"/api/v1/engagement/surveys/{survey.pk}/results"
    assert client.get(url).status_code == 404
    assert client.get(api).status_code == 404
    services.set_results_published(survey=survey, published=True,
                                   by=make_user("root", superuser=True))
    html = client.get(url).content.decode()
    assert "门户网站" in html and "<th scope=\"col\">选项</th>" in html
    assert "希望多发布县区数据" not in html
    data = client.get(api).json()
    assert data["responses"] == 1 and len(data["questions"]) == 3


def test_publishing_or_withdrawing_results_empties_the_edge_cache(
    anshan, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from gongkai.core import edge_cache

    settings.GONGKAI_EDGE_PURGE_URLS = ["http://127.0.0.1:9/_edge/purge"]
    purges = []
    monkeypatch.setattr(edge_cache.HttpPurger, "purge_all", lambda self: purges.append(1))
    from django.db import connection

    survey = make_survey(make_campaign(anshan))
    root = make_user("root", superuser=True)
    for published in (True, False):
        connection.run_on_commit.clear()  # as a real commit leaves it (the setup's publish)
        with django_capture_on_commit_callbacks(execute=True):
            services.set_results_published(survey=survey, published=published, by=root)
    assert len(purges) == 2


def test_staff_see_charts_and_export_xlsx_and_other_agencies_cannot(client, anshan, haicheng):
    survey = make_survey(make_campaign(anshan))
    client.post(survey.url, survey_answers(survey))
    results = reverse("engagement_admin:survey_results", args=[survey.pk])
    export = reverse("engagement_admin:survey_export", args=[survey.pk])
    client.force_login(make_user("hc", agency=haicheng, role=StaffRole.EDITOR))
    assert refused(client.get(results)) and refused(client.get(export))
    client.force_login(make_user("as", agency=anshan, role=StaffRole.EDITOR))
    html = client.get(results).content.decode()
    assert "survey-chart-data" in html and "希望多发布县区数据" in html
    book = load_workbook(io.BytesIO(client.get(export).content))
    rows = list(book["答卷"].values)
    assert rows[1][1:] == ("了解", "门户网站；报纸", "4", "希望多发布县区数据")
    assert ("有效问卷", None, 1, None) in list(book["统计"].values)
