"""Bad query parameters get a 4xx answer, never a server error (found by schemathesis)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from gongkai.core.models import Agency
from gongkai.official_stats.tests.browser_data import make_fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["-212", "0", "10000", "99999999999"])
def test_a_calendar_year_out_of_range_is_refused(client: Client, year: str) -> None:
    assert client.get("/api/v1/stats/releases", {"year": year}).status_code == 422


def test_a_calendar_year_in_range_is_answered(client: Client) -> None:
    assert client.get("/api/v1/stats/releases", {"year": "2026"}).status_code == 200


@pytest.mark.parametrize("year", ["-212", "0", "10000"])
def test_the_calendar_page_falls_back_to_this_year(client: Client, year: str) -> None:
    assert client.get("/sjfb/rc/", {"year": year}).status_code == 200


BAD_AS_OF = ("2026-02-30", "2026-02-30T10:00", "2026-03-01T25:00", "0001-01-01T00:00+14:00",
             "2026-03-01T10:00+99:00", "nonsense")


@override_settings(STATS_API_MAX_CALLS=10_000)
def test_an_impossible_as_of_is_a_bad_request(client: Client, anshan: Agency) -> None:
    make_fixture(anshan)
    for as_of in BAD_AS_OF:
        response = client.get("/api/v1/stats/tables/B01.RETAIL/data", {"asOf": as_of})
        assert response.status_code == 400, (as_of, response.content)
        assert "asOf" in response.json()["detail"]
    # The far future is a possible moment: it means "as published now".
    assert client.get("/api/v1/stats/tables/B01.RETAIL/data",
                      {"asOf": "9999-12-31"}).status_code == 200
