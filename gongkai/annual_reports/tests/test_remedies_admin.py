"""Staff record 行政复议/行政诉讼 cases for their own agency only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.core.enums import StaffRole
from gongkai.info_requests.models import OgiReviewCase
from gongkai.testing import make_user, refused

pytestmark = pytest.mark.django_db
URL = "info_requests_admin:remedies"


def test_a_review_case_is_recorded_for_the_users_agency(client, anshan):
    client.force_login(make_user("rm-editor", agency=anshan, role=StaffRole.EDITOR))
    response = client.post(reverse(URL), {
        "kind": "review", "r-agency": anshan.pk, "r-case_number": "鞍政复〔2025〕3号",
        "r-filed_on": "2025-04-01", "r-concluded_on": "2025-06-01", "r-outcome": "upheld"})
    assert response.status_code == 302
    case = OgiReviewCase.objects.get()
    assert (case.agency, case.outcome) == (anshan, "upheld")
    assert "鞍政复〔2025〕3号" in client.get(reverse(URL)).content.decode()


def test_a_result_without_a_date_is_refused_with_the_input_kept(client, anshan):
    client.force_login(make_user("rm-editor2", agency=anshan, role=StaffRole.EDITOR))
    html = client.post(reverse(URL), {
        "kind": "review", "r-agency": anshan.pk, "r-case_number": "鞍政复〔2025〕4号",
        "r-filed_on": "2025-04-01", "r-outcome": "upheld"}).content.decode()
    assert 'role="alert"' in html and "鞍政复〔2025〕4号" in html
    assert not OgiReviewCase.objects.exists()


def test_another_agencys_staff_cannot_record_or_see_its_cases(client, anshan, haicheng):
    OgiReviewCase.objects.create(agency=anshan, case_number="鞍政复〔2025〕9号",
                                 filed_on="2025-04-01")
    client.force_login(make_user("rm-other", agency=haicheng, role=StaffRole.ADMIN))
    assert "鞍政复〔2025〕9号" not in client.get(reverse(URL)).content.decode()
    client.post(reverse(URL), {"kind": "review", "r-agency": anshan.pk,
                               "r-case_number": "x", "r-filed_on": "2025-04-01"})
    assert OgiReviewCase.objects.count() == 1
    client.logout()
    assert refused(client.get(reverse(URL)))
