"""The no-leak test (issue 5): one second before the release, no public channel shows any
of the embargoed data or text; one second after, every channel has them.

Channels: the release page, the 数据发布日程表, the RSS feed, sitemap.xml, the site search
(page and API), the calendar API, the data browser, the data API (tables, metadata, data,
downloads in every format, bulk), each asked first before the release and then after it,
so a cache that kept the "before" answer too long fails the test. Run with no cache, the
local-memory cache and Redis (skipped unless reachable; CI=true makes it required), on
SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings

from gongkai.core.models import Agency
from gongkai.core.search import indexing
from gongkai.official_stats import services
from gongkai.official_stats.enums import TextKind
from gongkai.official_stats.models import Indicator, Release
from gongkai.official_stats.tests.core_data import AT, NOW, Codes, csv_bytes, make_codes
from gongkai.testing import require_service

BEFORE = AT - dt.timedelta(seconds=1)
AFTER = AT + dt.timedelta(seconds=1)
SECRET_VALUE = "4321.9"          # an embargoed observation's published form
SECRET_VALUE_2 = "987.6"        # the only value of an indicator first published here
SECRET_WORD = "稀土永磁材料"     # a word only in the embargoed bulletin
SECRET_TITLE = "三月经济运行情况解读"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")

CACHES = {
    "none": {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
    "locmem": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                           "LOCATION": "no-leak"}},
    "redis": {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}}},
}


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def make_world(agency: Agency) -> tuple[Codes, Release, Release]:
    codes = make_codes()
    # Announced on the calendar (a release's indicators are public in advance); its only
    # data are embargoed.
    secret = Indicator.objects.create(code="T09.MAG", name="新材料产值", unit="亿元",
                                      decimals=1)
    with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
        past = services.create_release(None, agency, title="2026年2月主要统计数据",
                                       scheduled_at=NOW - dt.timedelta(days=20))
        services.load_file(None, past, "feb.csv",
                           csv_bytes("T01.RETAIL,210300,2026M02,66.6,,"))
    with time_machine.travel(NOW, tick=False):
        release = services.create_release(None, agency, title="2026年3月主要统计数据",
                                          scheduled_at=AT, indicators=[codes.retail])
        services.load_file(None, release, "mar.csv", csv_bytes(
            f"T01.RETAIL,210300,2026M03,{SECRET_VALUE},初步,",
            f"{secret.code},210300,2026M03,{SECRET_VALUE_2},初步,"))
        services.save_text(None, release, kind=TextKind.INTERPRETATION, title=SECRET_TITLE,
                           summary=f"{SECRET_WORD}产业继续增长。",
                           body=[("data_text", "全市零售总额{T01.RETAIL|210300|2026M03}。")])
    indexing.process_outbox(now=NOW)
    return codes, past, release


def channels(release: Release) -> dict[str, str]:
    data = "/api/v1/stats/tables/T01.RETAIL/data"
    return {
        "release page": f"/sjfb/release/{release.pk}/",
        "calendar": "/sjfb/rc/?year=2026",
        "feed": "/sjfb/feed/rss.xml",
        "sitemap": "/sitemap.xml",
        "search page": f"/search/?q={SECRET_WORD}",
        "search api": f"/api/search?q={SECRET_WORD}",
        "calendar api": "/api/v1/stats/releases?year=2026",
        "browser index": "/sjfb/data/",
        "browser table": "/sjfb/data/T01.RETAIL/",
        "browser secret table": "/sjfb/data/T09.MAG/",
        "api tables": "/api/v1/stats/tables",
        "api metadata": "/api/v1/stats/tables/T01.RETAIL/metadata",
        "api data": f"{data}?valueCodes[period]=*",
        "api csv": f"{data}?valueCodes[period]=*&outputFormat=csv",
        "api sdmx-csv": f"{data}?valueCodes[period]=*&outputFormat=sdmx-csv",
        "api xlsx": f"{data}?valueCodes[period]=*&outputFormat=xlsx",
        "api secret data": "/api/v1/stats/tables/T09.MAG/data",
        "api bulk": "/api/v1/stats/bulk",
    }


def body(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code in {200, 404}, (url, response.status_code)
    raw = (b"".join(response.streaming_content)  # type: ignore[attr-defined]
           if getattr(response, "streaming", False) else response.content)
    if raw.startswith(b"PK"):  # XLSX: the text of every part of the workbook
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            return "".join(book.read(name).decode() for name in book.namelist()
                           if name.endswith(".xml"))
    return raw.decode()


def leaks(text: str, release: Release, url: str) -> list[str]:
    markers = [SECRET_VALUE, SECRET_VALUE_2, SECRET_TITLE]
    if "q=" not in url:  # a search page repeats the query itself
        markers.append(SECRET_WORD)
    found = [marker for marker in markers if marker in text]
    # Which tables have data is itself data.
    if url in {"/sjfb/data/", "/api/v1/stats/tables"} and "T09.MAG" in text:
        found.append("table of the embargoed indicator")
    # The release's own URL may be on the calendar (an announcement), never in a sitemap,
    # feed or search result before its time.
    if url.startswith(("/sitemap", "/sjfb/feed", "/search", "/api/search")) and \
            f"/sjfb/release/{release.pk}/" in text:
        found.append("release url")
    return found


@pytest.fixture(params=["none", "locmem", "redis"])
def cache_backend(request: Any) -> Iterator[str]:
    if request.param == "redis":
        require_service("Redis", redis_reachable(), "127.0.0.1:6379")
    with override_settings(CACHES=CACHES[request.param]):
        from django.core.cache import cache

        cache.clear()
        yield request.param
        cache.clear()


@pytest.mark.django_db
def test_nothing_leaks_before_the_second_and_everything_is_there_after(
        anshan: Agency, cache_backend: str) -> None:
    _codes, past, release = make_world(anshan)
    client = Client()
    urls = channels(release)
    with time_machine.travel(BEFORE, tick=False):
        before = {name: body(client, url) for name, url in urls.items()}
    problems = {name: found for name, text in before.items()
                if (found := leaks(text, release, urls[name]))}
    assert problems == {}
    # The page of the release itself announces it, without data.
    assert "2026年3月主要统计数据" in before["release page"]
    assert "待发布" in before["release page"]
    # Earlier data are there all along.
    assert "66.6" in before["api csv"]

    with time_machine.travel(AFTER, tick=False):
        after = {name: body(client, url) for name, url in urls.items()}
    must_have = {
        "release page": [SECRET_VALUE, SECRET_TITLE, SECRET_WORD],
        "feed": [f"/sjfb/release/{release.pk}/"],
        "sitemap": [f"/sjfb/release/{release.pk}/"],
        "search page": [f"/sjfb/release/{release.pk}/"],
        "search api": [f"/sjfb/release/{release.pk}/"],
        "browser index": ["T09.MAG"],
        "browser table": [SECRET_VALUE],
        "browser secret table": [SECRET_VALUE_2],
        "api tables": ["T09.MAG"],
        "api data": ["4321.9"],
        "api csv": [SECRET_VALUE],
        "api sdmx-csv": [SECRET_VALUE],
        "api xlsx": ["4321.9"],
        "api secret data": [SECRET_VALUE_2],
        "api bulk": [SECRET_VALUE],
    }
    missing = {name: [m for m in markers if m not in after[name]]
               for name, markers in must_have.items()}
    assert {k: v for k, v in missing.items() if v} == {}
    assert past.pk != release.pk


@pytest.mark.django_db
def test_a_postponed_release_stays_hidden_at_its_old_time(anshan: Agency) -> None:
    _codes, _past, release = make_world(anshan)
    with time_machine.travel(NOW, tick=False):
        services.postpone_release(None, release, AT + dt.timedelta(days=1), "补充核实数据")
    indexing.process_outbox(now=NOW)
    client = Client()
    with time_machine.travel(AFTER, tick=False):
        for name, url in channels(release).items():
            assert leaks(body(client, url), release, url) == [], name
        assert "补充核实数据" in body(client, "/sjfb/rc/?year=2026")


@pytest.mark.django_db
def test_a_cached_page_is_not_served_in_another_reading_mode(anshan: Agency) -> None:
    _codes, _past, release = make_world(anshan)
    with override_settings(CACHES=CACHES["locmem"]), time_machine.travel(AFTER, tick=False):
        elder = Client()
        elder.cookies["gk_elder"] = "1"
        assert "退出长者模式" in body(elder, f"/sjfb/release/{release.pk}/")
        assert "退出长者模式" not in body(Client(), f"/sjfb/release/{release.pk}/")
