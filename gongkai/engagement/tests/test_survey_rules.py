"""One response per person without an account: invitation codes, e-mail verification, and
which sheets count (the browser rule itself is in test_surveys.py). Concurrent submissions
with one code or one address are in test_concurrency.py (PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.core.enums import StaffRole
from gongkai.core.models import AuditLogEntry
from gongkai.engagement import invitations, responses, selectors, services
from gongkai.engagement.enums import ResponseRule, SubscriptionStatus
from gongkai.engagement.models import (
    Subscription,
    SurveyInvitation,
    SurveyPage,
    SurveyResponse,
)
from gongkai.engagement.tests.helpers import (
    invited_survey,
    make_campaign,
    make_survey,
    survey_answers,
)
from gongkai.testing import make_user, refused

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")


def post_answers(client: Client, url: str, survey: SurveyPage, **extra: str):
    return client.post(url, {**survey_answers(survey), **extra})


# --- 邀请码 ------------------------------------------------------------------------------------


def test_invitation_codes_are_distinct_readable_and_never_stored(anshan):
    survey, codes = invited_survey(anshan, count=50)
    assert len(set(codes)) == 50 and all(CODE_RE.match(c) for c in codes)
    stored = list(SurveyInvitation.objects.filter(survey=survey).values_list("nonce", "code_hash"))
    flat = {invitations.normalise_code(c) for c in codes} | set(codes)
    assert not flat & {value for row in stored for value in row}
    assert {h for _n, h in stored} == {invitations.code_hash(c) for c in codes}


def test_a_code_from_the_link_answers_once_and_a_second_browser_cannot_reuse_it(client, anshan):
    survey, codes = invited_survey(anshan)
    link = f"{survey.url}?code={codes[0]}"
    form = client.get(link).content.decode()
    assert f'value="{codes[0]}"' in form and "请填写邀请码" in form
    first = post_answers(client, link, survey, invitation_code=codes[0])
    assert "问卷已提交" in first.content.decode()

    other = Client()  # another browser (or a private window) with the same link
    assert "该邀请码已提交过答卷" in other.get(link).content.decode()
    again = post_answers(other, link, survey, invitation_code=codes[0])
    assert "问卷已提交" not in again.content.decode()
    assert SurveyResponse.objects.filter(page=survey).count() == 1
    assert SurveyInvitation.objects.filter(used_at__isnull=False).count() == 1


def test_a_code_may_be_typed_in_lower_case_without_hyphens(client, anshan):
    survey, codes = invited_survey(anshan)
    typed = codes[1].replace("-", " ").lower()
    response = post_answers(client, survey.url, survey, invitation_code=typed)
    assert "问卷已提交" in response.content.decode()
    assert selectors.valid_responses(survey).count() == 1


def test_an_unknown_code_or_another_surveys_code_is_refused_at_its_field(client, anshan):
    survey, _codes = invited_survey(anshan)
    _other_survey, other_codes = invited_survey(anshan)
    for code in ("ABCD-EFGH-JKLM", other_codes[0], ""):
        response = post_answers(client, survey.url, survey, invitation_code=code)
        html = response.content.decode()
        assert response.status_code == 400 and 'role="alert"' in html
        assert re.search(r'name="invitation_code"[^>]*aria-invalid="true"', html), html
    assert not SurveyResponse.objects.exists()
    assert not SurveyInvitation.objects.filter(used_at__isnull=False).exists()


def test_a_link_with_an_unknown_code_says_so_and_still_offers_the_form(client, anshan):
    survey, _codes = invited_survey(anshan)
    html = client.get(f"{survey.url}?code=ABCD-EFGH-JKLM").content.decode()
    assert "链接中的邀请码无效" in html and 'name="invitation_code"' in html


def test_a_used_code_returns_the_first_sheet_and_stores_nothing(anshan):
    survey, codes = invited_survey(anshan)
    first, created = responses.submit_invited_response(
        survey=survey, code=codes[0], data=survey_answers(survey)
    )
    again, created_again = responses.submit_invited_response(
        survey=survey,
        code=codes[0].lower(),
        data=survey_answers(survey, **{survey.form_fields.first().clean_name: "不了解"}),
    )
    assert (created, created_again) == (True, False) and again.pk == first.pk
    assert SurveyResponse.objects.count() == 1


def test_the_browser_rule_is_refused_on_an_invitation_survey(anshan):
    survey, _codes = invited_survey(anshan)
    with pytest.raises(services.ServiceError):
        services.submit_survey_response(
            survey=survey, data=survey_answers(survey), nullifier="a-browser"
        )


def test_staff_generate_and_export_codes_with_links_and_other_agencies_cannot(
    client, anshan, haicheng
):
    survey = make_survey(make_campaign(anshan), response_rule=ResponseRule.INVITATION)
    page = reverse("engagement_admin:survey_invitations", args=[survey.pk])
    client.force_login(make_user("hc", agency=haicheng, role=StaffRole.EDITOR))
    assert refused(client.get(page)) and refused(client.post(page, {"label": "x", "count": 3}))
    staff = make_user("as", agency=anshan, role=StaffRole.EDITOR)
    client.force_login(staff)
    assert client.post(page, {"label": "县区统计局", "count": "3"}).status_code == 302
    batch = survey.invitation_batches.get()
    assert batch.invitations.count() == 3 and batch.created_by == staff
    csv_url = reverse("engagement_admin:invitation_export", args=[survey.pk, batch.pk, "csv"])
    rows = list(csv.reader(io.StringIO(client.get(csv_url).content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "邀请码", "答卷链接"] and len(rows) == 4
    code, link = rows[1][1], rows[1][2]
    assert CODE_RE.match(code) and parse_qs(urlsplit(link).query)["code"] == [code]
    assert urlsplit(link).path == survey.url

    Client().post(link, {**survey_answers(survey), "invitation_code": code})
    xlsx = client.get(
        reverse("engagement_admin:invitation_export", args=[survey.pk, batch.pk, "xlsx"])
    )
    sheet = list(load_workbook(io.BytesIO(xlsx.content))["邀请码"].values)
    assert sheet[1][1] == code and sheet[1][3] == "已使用" and sheet[2][3] == "未使用"
    assert "<td>1</td>" in client.get(page).content.decode()  # the listing: 1 used
    actions = list(
        AuditLogEntry.objects.filter(
            action__startswith="engagement.survey.invitations"
        ).values_list("action", flat=True)
    )
    assert actions.count("engagement.survey.invitations_exported") == 2
    assert "engagement.survey.invitations_generated" in actions
    client.force_login(make_user("hc2", agency=haicheng, role=StaffRole.EDITOR))
    assert refused(client.get(csv_url))


def test_a_batch_is_limited_in_size(anshan):
    survey = make_survey(make_campaign(anshan), response_rule=ResponseRule.INVITATION)
    staff = make_user("as", agency=anshan, role=StaffRole.EDITOR)
    for count in (0, invitations.MAX_BATCH + 1):
        with pytest.raises(services.ServiceError):
            responses.generate_invitations(survey=survey, count=count, label="x", by=staff)


# --- 邮箱验证 ----------------------------------------------------------------------------------


def link_in(message) -> str:
    match = re.search(r"https?://\S+\?t=\S+", message.body)
    assert match, message.body
    return match.group(0)


def test_an_email_gets_a_one_time_link_and_counts_once_and_is_not_stored(client, anshan):
    survey = make_survey(make_campaign(anshan), response_rule=ResponseRule.EMAIL)
    first = client.get(survey.url).content.decode()
    assert "获取答卷链接" in first and "提交问卷" not in first
    sent = client.post(survey.url, {"respondent_email": "Li.Na@Example.com"})
    assert "答卷链接已发送" in sent.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["Li.Na@Example.com"]
    assert not SurveyResponse.objects.exists()
    path = urlsplit(link_in(mail.outbox[0]))
    link = f"{path.path}?{path.query}"
    assert "提交问卷" in client.get(link).content.decode()
    assert "问卷已提交" in post_answers(client, link, survey).content.decode()

    # The same address again (another case, another browser, a new link): not counted.
    other = Client()
    other.post(survey.url, {"respondent_email": "li.na@example.com "})
    second = urlsplit(link_in(mail.outbox[1]))
    second_link = f"{second.path}?{second.query}"
    assert "该邮箱已提交过本问卷" in other.get(second_link).content.decode()
    post_answers(other, second_link, survey)
    assert selectors.valid_responses(survey).count() == 1
    stored = SurveyResponse.objects.get()
    assert stored.nullifier == invitations.email_nullifier(survey.pk, "li.na@example.com")
    from gongkai.core.models import OutgoingMail

    assert "example.com" not in repr(list(OutgoingMail.objects.values()))
    assert "example.com" not in repr(list(AuditLogEntry.objects.values("data")))


def test_a_forged_expired_or_other_surveys_link_is_refused(client, anshan):
    survey = make_survey(make_campaign(anshan), response_rule=ResponseRule.EMAIL)
    other = make_survey(make_campaign(anshan), response_rule=ResponseRule.EMAIL)
    with time_machine.travel(dt.datetime(2026, 5, 1, tzinfo=dt.UTC), tick=False):
        old = invitations.email_link_token(survey.pk, "a@example.com")
    tokens = [
        old,
        invitations.email_link_token(other.pk, "a@example.com"),
        invitations.email_link_token(survey.pk, "a@example.com")[:-2] + "xx",
    ]
    with time_machine.travel(dt.datetime(2026, 5, 9, tzinfo=dt.UTC), tick=False):
        for token in tokens:
            html = post_answers(client, f"{survey.url}?t={token}", survey).content.decode()
            assert "答卷链接无效或已过期" in html
            with pytest.raises(services.ServiceError):
                responses.submit_verified_response(
                    survey=survey, token=token, data=survey_answers(survey)
                )
    assert not SurveyResponse.objects.exists()


def test_a_respondent_may_also_subscribe_with_double_opt_in(client, anshan):
    survey = make_survey(make_campaign(anshan), response_rule=ResponseRule.EMAIL)
    client.post(survey.url, {"respondent_email": "sub@example.com", "subscribe": "on"})
    subscription = Subscription.objects.get()
    assert subscription.key == anshan.slug and subscription.status == SubscriptionStatus.PENDING
    assert len(mail.outbox) == 1  # the answer link; the confirmation is a task


def test_a_bad_address_is_announced_at_its_field(client, anshan):
    survey = make_survey(make_campaign(anshan), response_rule=ResponseRule.EMAIL)
    response = client.post(survey.url, {"respondent_email": "not-an-address"})
    html = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in html
    assert 'aria-invalid="true"' in html and not mail.outbox


# --- What counts -------------------------------------------------------------------------------


def test_results_and_exports_count_only_sheets_under_the_current_rule(client, anshan):
    survey = make_survey(make_campaign(anshan))
    for _ in range(3):
        Client().post(survey.url, survey_answers(survey))
    assert selectors.survey_results(survey)[0] == 3
    SurveyPage.objects.filter(pk=survey.pk).update(
        response_rule=ResponseRule.INVITATION, results_published=True
    )
    survey.refresh_from_db()
    staff = make_user("gen", agency=anshan, role=StaffRole.EDITOR)
    batch = responses.generate_invitations(survey=survey, count=1, label="x", by=staff)
    code = selectors.invitation_codes(batch)[0][1]
    responses.submit_invited_response(survey=survey, code=code, data=survey_answers(survey))

    assert selectors.survey_results(survey)[0] == 1
    assert selectors.not_counted_responses(survey) == 3
    api = client.get(f"/api/v1/engagement/surveys/{survey.pk}/results").json()
    assert api["responses"] == 1
    client.force_login(staff)
    html = client.get(reverse("engagement_admin:survey_results", args=[survey.pk])).content
    assert "另有 3 份答卷" in html.decode()
    book = load_workbook(
        io.BytesIO(client.get(reverse("engagement_admin:survey_export", args=[survey.pk])).content)
    )
    assert len(list(book["答卷"].values)) == 2  # the header and the one valid sheet
    assert ("有效问卷", None, 1, None) in list(book["统计"].values)
