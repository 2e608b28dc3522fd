"""The public data browser at /sjfb/data/: tree, GET form, table, chart data, downloads."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from gongkai.core.models import Agency
from gongkai.official_stats import browser
from gongkai.official_stats.tests.browser_data import AFTER, BEFORE, Fixture, make_fixture

PAGE = "/sjfb/data/B01.RETAIL/"


@pytest.fixture
def stats(anshan: Agency) -> Fixture:
    return make_fixture(anshan)


def chart_data(body: str) -> dict[str, Any]:
    match = re.search(r'<script id="data-chart-data" type="application/json">(.*?)</script>',
                      body, re.DOTALL)
    assert match
    return json.loads(match.group(1))


def test_the_index_shows_the_tree_of_tables_with_public_data(
        client: Client, stats: Fixture) -> None:
    with time_machine.travel(BEFORE, tick=False):
        body = client.get("/sjfb/data/").content.decode()
    assert 'href="/sjfb/data/B01/">消费</a>' in body
    assert 'href="/sjfb/data/B01.RETAIL/">社会消费品零售总额</a>' in body
    assert "规模以上工业增加值" not in body  # only embargoed data so far
    with time_machine.travel(AFTER, tick=False):
        assert "规模以上工业增加值" in client.get("/sjfb/data/").content.decode()


def test_the_default_page_shows_the_latest_twelve_periods_for_every_region(
        client: Client, stats: Fixture) -> None:
    with time_machine.travel(AFTER, tick=False):
        response = client.get(PAGE)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<th scope="row">') == 12
    assert '<th scope="row">2026年3月</th>' in body and "2025年3月" not in body.split("<table")[1]
    assert '<th scope="col">海城市</th>' in body and '<th scope="col">高新区</th>' in body
    assert "77.7 <span class=\"obs-status\">初步</span>" in body
    assert "88.8 <span class=\"obs-status\">修订</span>" in body
    assert "（单位：亿元）" in body
    chart = chart_data(body)
    assert chart["type"] == "line" and len(chart["series"]) == 3
    assert chart["series"][0]["data"][-1] == 77.7


def test_nothing_of_an_embargoed_release_shows_before_its_time(
        client: Client, stats: Fixture) -> None:
    with time_machine.travel(BEFORE, tick=False):
        page = client.get(PAGE).content.decode()
        secret = client.get("/sjfb/data/C09.SECRET/")
    assert "77.7" not in page and "66.6" not in page and "88.8" not in page
    assert "<th scope=\"row\">2026年3月</th>" not in page
    assert secret.status_code == 404
    with time_machine.travel(AFTER, tick=False):
        assert client.get("/sjfb/data/C09.SECRET/").status_code == 200


def test_a_selection_is_a_shareable_get_url(client: Client, stats: Fixture) -> None:
    with time_machine.travel(AFTER, tick=False):
        body = client.get(PAGE, {"region": "210381", "from": "2026M01", "to": "2026M03"}
                          ).content.decode()
    table = body.split("<table")[1]
    assert table.count('<th scope="row">') == 3 and "鞍山市" not in table
    assert 'value="210381" checked' in body and 'value="210300" checked' not in body
    assert '<option value="2026M01" selected>' in body
    links = re.findall(r'<a href="(/api/v1/stats/tables/B01.RETAIL/data\?[^"]+)"', body)
    assert len(links) == 4
    query = parse_qs(urlsplit(html.unescape(links[0])).query)
    assert query["valueCodes[region]"] == ["210381"]
    assert query["valueCodes[period]"] == ["range(2026M01,2026M03)"]
    assert query["outputFormat"] == ["csv"]


def test_one_period_gives_a_bar_chart_comparing_regions(client: Client, stats: Fixture) -> None:
    with time_machine.travel(AFTER, tick=False):
        body = client.get(PAGE, {"from": "2026M02", "to": "2026M02"}).content.decode()
    chart = chart_data(body)
    assert chart["type"] == "bar"
    assert chart["categories"] == ["鞍山市", "海城市", "高新区"]
    assert chart["series"][0]["data"] == [88.8, 23.0, 3.3]


def test_a_bad_selection_is_announced_and_the_default_shown(
        client: Client, stats: Fixture) -> None:
    with time_machine.travel(AFTER, tick=False):
        response = client.get(PAGE, {"region": "999999"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in body and "没有代码“999999”" in body
    assert 'aria-describedby="selection-error"' in body
    assert body.split("<table")[1].count('<th scope="row">') == 12


def test_a_folder_table_offers_its_indicators(client: Client, stats: Fixture) -> None:
    with time_machine.travel(AFTER, tick=False):
        body = client.get("/sjfb/data/B01/", {"indicator": "B01.CPI", "region": "210300"}
                          ).content.decode()
    assert 'name="indicator" value="B01.CPI" checked' in body
    assert 'name="indicator" value="B01.RETAIL" checked' not in body
    assert "100.4" in body


def test_without_echarts_the_page_loads_no_chart_script(
        client: Client, stats: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "echarts_available", lambda: False)
    with time_machine.travel(AFTER, tick=False):
        body = client.get(PAGE).content.decode()
    assert "echarts.min.js" not in body and "<table" in body
    monkeypatch.setattr(browser, "echarts_available", lambda: True)
    with time_machine.travel(AFTER, tick=False):
        body = client.get(PAGE).content.decode()
    assert "vendor/echarts/echarts.min.js" in body and "official_stats/data_chart.js" in body


def test_pages_may_be_cached_only_until_the_next_release(client: Client, stats: Fixture) -> None:
    with time_machine.travel(BEFORE, tick=False):
        response = client.get(PAGE)
    assert "max-age=1" in response["Cache-Control"]


def test_an_oversized_selection_is_trimmed_with_a_message(
        client: Client, stats: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "MAX_BROWSER_CELLS", 10)
    with time_machine.travel(AFTER, tick=False):
        body = client.get(PAGE, {"from": "2025M01", "to": "2026M03"}).content.decode()
    assert "所选数据共45个单元格" in body and 'role="alert"' in body
    table = body.split("<table")[1]
    assert table.count('<th scope="row">') == 3  # 3 regions × 3 latest periods <= 10
    assert "range%282025M01%2C2026M03%29" in body  # the downloads keep the whole selection


@pytest.mark.skipif(not (settings.BASE_DIR / "node_modules" / "echarts" / "dist").is_dir(),
                    reason="ECharts is installed by `make node`")
def test_echarts_is_found_when_node_modules_has_it(client: Client) -> None:
    browser.echarts_available.cache_clear()
    assert browser.echarts_available()
    assert finders.find("vendor/echarts/echarts.min.js") is not None
