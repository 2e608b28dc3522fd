"""The public 工作日计算器 page and the JSON endpoints give the same answers."""

from __future__ import annotations

import pytest

from gongkai.core.selectors import forget_calendar

pytestmark = pytest.mark.django_db

PAGE = "/tools/workdays/"
MISSING_2027 = "2027年的节假日安排尚未录入"


@pytest.fixture(autouse=True)
def fresh_calendar():
    # The calendar is cached in the (process-wide) Django cache; other tests may have
    # cached one built from their own rows.
    forget_calendar()
    yield
    forget_calendar()


def test_it_adds_working_days_on_the_page(client):
    response = client.get(PAGE, {"mode": "add", "start": "2024-09-27", "days": "20"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "2024年10月30日" in content
    assert "自 <strong>2024年9月27日</strong> 起第 20 个工作日" in content
    assert MISSING_2027 not in content


def test_it_counts_working_days_on_the_page(client):
    response = client.get(PAGE, {"mode": "between", "start": "2024-09-27", "end": "2024-10-31"})
    assert response.status_code == 200
    assert '<strong class="result-value">21</strong>' in response.content.decode()


def test_it_shows_the_empty_form_and_the_loaded_years(client):
    content = client.get(PAGE).content.decode()
    assert "已录入节假日安排的年份：2020、2021、2022、2023、2024、2025、2026。" in content
    assert "result-value" not in content


def test_it_warns_about_2027_on_the_page(client):
    response = client.get(PAGE, {"mode": "add", "start": "2026-12-25", "days": "10"})
    content = response.content.decode()
    assert "2027年1月8日" in content
    assert MISSING_2027 in content
    assert 'role="alert"' in content


@pytest.mark.parametrize(
    ("params", "message", "kept"),
    [
        ({"mode": "add", "start": "abc", "days": "20"}, "请输入有效日期，例如 2024-09-27。",
         'value="abc"'),
        ({"mode": "add", "start": "2024-09-27", "days": "-1"}, "工作日数不能为负数。",
         'value="-1"'),
        ({"mode": "add", "start": "2024-09-27", "days": "2001"}, "工作日数不能超过2000。",
         'value="2001"'),
        ({"mode": "add", "start": "2024-09-27", "days": "x"}, "请输入整数。", 'value="x"'),
        ({"mode": "between", "start": "2024-09-27", "end": "9999"}, "请输入有效日期。",
         'value="9999"'),
        ({"mode": "between", "start": "2000-01-01", "end": "2030-01-01"}, "两个日期相距过远。",
         'value="2030-01-01"'),
    ],
)
def test_it_shows_bad_input_in_the_form_and_keeps_it(client, params, message, kept):
    response = client.get(PAGE, params)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert kept in content
    assert "result-value" not in content


def test_the_api_adds_like_the_page(client):
    response = client.get("/api/v1/workdays/add", {"start": "2024-09-27", "days": "20"})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2024-09-27", "days": 20, "end": None, "result": "2024-10-30",
        "schedule_missing": False, "missing_years": [], "warning": "",
    }


def test_the_api_counts_like_the_page(client):
    response = client.get("/api/v1/workdays/between", {"start": "2024-09-27", "end": "2024-10-31"})
    assert response.status_code == 200
    assert response.json()["result"] == 21


def test_the_api_flags_2027(client):
    answer = client.get("/api/v1/workdays/add", {"start": "2026-12-25", "days": "10"}).json()
    assert answer["result"] == "2027-01-08"
    assert answer["schedule_missing"] is True
    assert answer["missing_years"] == [2027]
    assert MISSING_2027 in answer["warning"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/workdays/add", {"start": "abc", "days": "20"}),
        ("/api/v1/workdays/add", {"start": "2024-09-27", "days": "-1"}),
        ("/api/v1/workdays/add", {"start": "2024-09-27", "days": "2001"}),
        ("/api/v1/workdays/add", {"start": "2024-09-27"}),
        ("/api/v1/workdays/between", {"start": "2024-09-27", "end": "x"}),
        ("/api/v1/workdays/between", {"start": "2000-01-01", "end": "2030-01-01"}),
    ],
)
def test_the_api_answers_422_to_bad_input(client, path, params):
    assert client.get(path, params).status_code == 422


def test_the_api_explains_a_bad_day_count_in_chinese(client):
    response = client.get("/api/v1/workdays/add", {"start": "2024-09-27", "days": "-1"})
    assert response.json() == {"detail": "工作日数应在0到2000之间。"}
