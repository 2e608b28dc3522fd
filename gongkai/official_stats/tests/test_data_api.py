"""The statistics data API: tables, metadata, data in four formats, limits, embargo."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from openpyxl import load_workbook

from gongkai.core.models import Agency
from gongkai.official_stats.tests.browser_data import AFTER, BEFORE, Fixture, make_fixture

DATA = "/api/v1/stats/tables/B01.RETAIL/data"


@pytest.fixture
def stats(anshan: Agency) -> Fixture:
    return make_fixture(anshan)


def get(client: Client, url: str, **params: str) -> Any:
    return client.get(url, params)


def streamed(response: Any) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_config_publishes_the_limits_and_formats(client: Client, db: None) -> None:
    with override_settings(STATS_API_MAX_CALLS=7, STATS_API_TIME_WINDOW=60,
                           STATS_API_MAX_DATA_CELLS=5000):
        data = client.get("/api/config").json()
    assert data["maxCallsPerTimeWindow"] == 7 and data["timeWindow"] == 60
    assert data["maxDataCells"] == 5000
    assert data["defaultDataFormat"] == "json-stat2"
    assert set(data["dataFormats"]) == {"json-stat2", "csv", "xlsx", "sdmx-csv"}


def test_tables_list_only_what_is_public(client: Client, stats: Fixture) -> None:
    with time_machine.travel(BEFORE, tick=False):
        ids = [t["id"] for t in client.get("/api/v1/stats/tables").json()]
    assert ids == ["B01", "B01.RETAIL", "B01.CPI"]  # C09.SECRET has only embargoed data
    with time_machine.travel(AFTER, tick=False):
        tables = {t["id"]: t for t in client.get("/api/v1/stats/tables").json()}
    assert "C09.SECRET" in tables
    assert tables["B01"]["isGroup"] and tables["B01"]["indicators"] == ["B01.RETAIL", "B01.CPI"]
    assert tables["B01.RETAIL"]["lastPeriod"] == "2026M03"


def test_metadata_describes_the_dimensions_and_the_next_release(
        client: Client, stats: Fixture) -> None:
    with time_machine.travel(BEFORE, tick=False):
        meta = client.get("/api/v1/stats/tables/B01.RETAIL/metadata").json()
    variables = {v["id"]: v for v in meta["variables"]}
    assert [v["code"] for v in variables["region"]["values"]] == ["210300", "210381", "210300-GX"]
    periods = [v["code"] for v in variables["period"]["values"]]
    assert periods[0] == "2025M01" and periods[-1] == "2026M02"  # 2026M03 is under embargo
    assert variables["period"]["type"] == "TimeVariable"
    assert meta["indicators"][0]["caliber"] == "限额以上单位"
    assert meta["nextUpdate"].startswith("2026-04-15T01:30")  # the calendar is public


def test_json_stat_is_the_default_with_the_latest_twelve_periods(
        client: Client, stats: Fixture) -> None:
    with time_machine.travel(AFTER, tick=False):
        data = client.get(DATA, {"valueCodes[region]": "210300,210381"}).json()
    assert data["class"] == "dataset" and data["size"] == [1, 2, 12]
    assert data["dimension"]["period"]["category"]["index"][-1] == "2026M03"
    assert data["dimension"]["period"]["category"]["label"]["2026M03"] == "2026年3月"
    values = data["value"]
    # Row-major: 鞍山市's twelve periods, then 海城市's.
    assert values[11] == 77.7 and values[23] == 66.6
    assert values[10] == 88.8  # 2026M02 as revised in the latest release
    assert data["status"]["10"] == "R" and data["extension"]["statusLabels"]["R"] == "修订"


def test_as_of_answers_with_the_values_published_at_that_time(
        client: Client, stats: Fixture) -> None:
    with time_machine.travel(AFTER, tick=False):
        data = client.get(DATA, {"valueCodes[region]": "210300",
                                 "valueCodes[period]": "2026M02",
                                 "asOf": "2026-04-01T00:00:00+08:00"}).json()
    assert data["value"] == [63.3]


@pytest.mark.parametrize(("params", "message"), [
    ({"valueCodes[period]": "top(0)"}, "至少为1"),
    ({"valueCodes[region]": "999999"}, "没有代码“999999”"),
    ({"valueCodes[Tid]": "*"}, "没有名为“Tid”的维度"),
    ({"valueCodes[period]": "range(2026M02,2025M01)"}, "在终点"),
    ({"outputFormat": "px"}, "不支持的输出格式"),
    ({"asOf": "昨天"}, "asOf 不是有效的时间"),
])
def test_a_bad_query_is_refused_with_400_and_a_chinese_message(
        client: Client, stats: Fixture, params: dict[str, str], message: str) -> None:
    with time_machine.travel(AFTER, tick=False):
        response = client.get(DATA, params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_an_unknown_or_embargoed_table_is_404(client: Client, stats: Fixture) -> None:
    with time_machine.travel(BEFORE, tick=False):
        response = client.get("/api/v1/stats/tables/C09.SECRET/data")
    assert response.status_code == 404 and "C09.SECRET" in response.json()["detail"]


def test_too_many_cells_is_refused_for_json_but_csv_streams(
        client: Client, stats: Fixture) -> None:
    with time_machine.travel(AFTER, tick=False), override_settings(STATS_API_MAX_DATA_CELLS=10):
        refused = client.get(DATA, {"valueCodes[period]": "*"})
        allowed = client.get(DATA, {"valueCodes[period]": "*", "outputFormat": "csv"})
    assert refused.status_code == 403 and "超过每次10个的上限" in refused.json()["detail"]
    assert allowed.status_code == 200 and allowed.streaming
    lines = list(csv.reader(io.StringIO(streamed(allowed))))
    assert len(lines) == 1 + 15 + 15 + 1  # 2 regions × 15 months + the zone's one value
    assert ["B01.RETAIL", "社会消费品零售总额", "亿元", "210300", "鞍山市", "2026M02",
            "2026年2月", "88.8", "修订", ""] in lines


def test_csv_sdmx_and_xlsx_downloads(client: Client, stats: Fixture) -> None:
    params = {"valueCodes[region]": "210381", "valueCodes[period]": "top(2)"}
    with time_machine.travel(AFTER, tick=False):
        as_csv = client.get(DATA, {**params, "outputFormat": "csv"})
        as_sdmx = client.get(DATA, {**params, "outputFormat": "SDMX-CSV"})
        as_xlsx = client.get(DATA, {**params, "outputFormat": "xlsx"})
    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_csv.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="B01.RETAIL.csv"' in as_csv["Content-Disposition"]
    sdmx = list(csv.reader(io.StringIO(as_sdmx.content.decode())))
    assert sdmx[0][:3] == ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    assert sdmx[2][3:7] == ["B01.RETAIL", "210381", "2026M03", "66.6"]
    book = load_workbook(io.BytesIO(as_xlsx.getvalue()), read_only=True)
    rows = list(book["数据"].iter_rows(values_only=True))
    assert rows[-1][5:8] == ("2026M03", "2026年3月", 66.6)


def test_the_group_table_has_one_indicator_per_child(client: Client, stats: Fixture) -> None:
    with time_machine.travel(AFTER, tick=False):
        data = client.get("/api/v1/stats/tables/B01/data",
                          {"valueCodes[region]": "210300", "valueCodes[period]": "2026M01"}).json()
    assert data["dimension"]["indicator"]["category"]["index"] == ["B01.RETAIL", "B01.CPI"]
    assert data["value"] == [62.2, 100.4]


def test_the_429_comes_after_the_limit_with_retry_after(client: Client, stats: Fixture) -> None:
    with override_settings(STATS_API_MAX_CALLS=3, STATS_API_TIME_WINDOW=60), \
            time_machine.travel(AFTER, tick=False):
        codes = [client.get("/api/v1/stats/tables").status_code for _ in range(4)]
        refused = client.get(DATA)
        other = client.get(DATA, REMOTE_ADDR="10.9.9.9")
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "调用过于频繁" in refused.json()["detail"]
    assert other.status_code == 200


def test_max_age_never_reaches_past_the_next_release(client: Client, stats: Fixture) -> None:
    with time_machine.travel(BEFORE, tick=False):
        response = client.get(DATA)
    # The edge cache (and a browser) may show it one second longer while fetching the next
    # (core/edge_cache.py, stale_allowed): never with data before the release.
    assert response["Cache-Control"] == "public, max-age=1, stale-while-revalidate=1"


def test_bulk_streams_every_public_observation(client: Client, stats: Fixture) -> None:
    with time_machine.travel(BEFORE, tick=False):
        before = streamed(client.get("/api/v1/stats/bulk"))
    with time_machine.travel(AFTER, tick=False):
        after = streamed(client.get("/api/v1/stats/bulk", {"outputFormat": "sdmx-csv"}))
    assert len(before.splitlines()) == 1 + 14 * 3 + 1
    assert "77.7" not in before and "C09.SECRET" not in before and "88.8" not in before
    assert "C09.SECRET" in after and "88.8" in after
    assert len(after.splitlines()) == 1 + 14 * 3 + 1 + 3  # the revision replaces a row


def test_embargoed_values_appear_at_the_second_even_with_a_warm_cache(
        client: Client, stats: Fixture) -> None:
    params = {"valueCodes[region]": "210300", "valueCodes[period]": "top(1)"}
    with time_machine.travel(BEFORE, tick=False):
        first = client.get(DATA, params).json()
        cached = client.get(DATA, params).json()
    with time_machine.travel(AFTER, tick=False):
        released = client.get(DATA, params).json()
    assert first == cached
    assert first["dimension"]["period"]["category"]["index"] == ["2026M02"]
    assert first["value"] == [63.3]
    assert released["dimension"]["period"]["category"]["index"] == ["2026M03"]
    assert released["value"] == [77.7]


def test_the_openapi_schema_documents_the_data_endpoint(client: Client, db: None) -> None:
    schema = client.get("/api/schema/").json()
    operation = schema["paths"]["/api/v1/stats/tables/{table_id}/data"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"valueCodes[period]", "outputFormat", "asOf"} <= names
    assert "/api/config" in schema["paths"]
