"""Every public channel shows what the visibility rule allows, and nothing else."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone
from wagtail.models import PageViewRestriction

from gongkai.catalog.enums import Genre, Validity
from gongkai.catalog.models import InterpretationLink, InterpretationPage
from gongkai.testing import column, make_item, theme

pytestmark = pytest.mark.django_db

CHANNELS = [
    "catalog_list", "column_list", "api_list", "agency_rss", "agency_atom", "column_rss",
    "sitemap", "home",
]


def fetch(client, agency, channel: str) -> str:
    zcwj = column(agency)
    url = {
        "catalog_list": f"/{agency.slug}/zwgk/xxgkml/",
        "column_list": zcwj.url,
        "api_list": f"/api/v1/catalog/items?agency={agency.slug}",
        "agency_rss": f"/feeds/{agency.slug}/rss.xml",
        "agency_atom": f"/feeds/{agency.slug}/atom.xml",
        "column_rss": f"/feeds/column/{zcwj.pk}/rss.xml",
        "sitemap": "/sitemap.xml",
        "home": f"/{agency.slug}/",
    }[channel]
    response = client.get(url)
    assert response.status_code == 200, (channel, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("channel", CHANNELS)
def test_it_shows_published_items_on_every_channel(client, anshan, channel):
    make_item(column(anshan), title="二〇二四年统计工作要点", slug="gongzuo-yaodian")
    body = fetch(client, anshan, channel)
    assert ("二〇二四年统计工作要点" in body) or ("gongzuo-yaodian" in body)


@pytest.mark.parametrize("channel", CHANNELS)
def test_it_hides_drafts_on_every_channel(client, anshan, channel):
    make_item(column(anshan), title="尚未发布的草稿", slug="draft-item", publish=False)
    body = fetch(client, anshan, channel)
    assert "尚未发布的草稿" not in body and "draft-item" not in body


@pytest.mark.parametrize("channel", CHANNELS)
def test_it_hides_items_past_their_expiry_even_before_the_cron_runs(client, anshan, channel):
    item = make_item(column(anshan), title="到期下线的信息", slug="expiring-item")
    item.expire_at = timezone.now() + dt.timedelta(hours=1)
    item.save_revision().publish()
    before = fetch(client, anshan, channel)
    assert "到期下线的信息" in before or "expiring-item" in before
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        body = fetch(client, anshan, channel)
        assert "到期下线的信息" not in body and "expiring-item" not in body
        assert client.get(item.url).status_code == 404


@pytest.mark.parametrize("channel", CHANNELS)
def test_it_hides_restricted_items_on_every_channel(client, anshan, channel):
    item = make_item(column(anshan), title="受限访问的信息", slug="restricted-item")
    PageViewRestriction.objects.create(page=item, restriction_type="login")
    body = fetch(client, anshan, channel)
    assert "受限访问的信息" not in body and "restricted-item" not in body


def test_it_serves_a_draft_item_as_not_found(client, anshan):
    draft = make_item(column(anshan), publish=False)
    assert client.get(f"/{anshan.slug}/zwgk/fdzdgknr/zcwj/{draft.slug}/").status_code == 404


def test_it_shows_the_catalog_metadata_on_the_item_page(client, anshan):
    item = make_item(column(anshan), title="关于开展统计执法检查的通知",
                     doc_number="鞍统发〔2024〕3号", keywords="统计执法 双随机",
                     genre=Genre.NOTICE, formed_on=dt.date(2024, 3, 1))
    html = client.get(item.url).content.decode()
    for text in ["索引号", item.index_number, "主题分类", "国民经济管理、国有资产监管\\统计",
                 "发布机构", "鞍山市统计局", "生成日期", "2024-03-01", "文号", "鞍统发〔2024〕3号",
                 "有效性", "有效", "关键词", "统计执法、双随机", "发布时间", "信息来源"]:
        assert text in html, text


def test_it_marks_a_repealed_document_prominently(client, anshan):
    item = make_item(column(anshan), validity=Validity.REPEALED,
                     validity_changed_on=dt.date(2024, 6, 1))
    html = client.get(item.url).content.decode()
    assert "本文件已废止" in html and "2024年6月1日" in html


def test_it_links_interpretations_and_documents_both_ways(client, anshan):
    document = make_item(column(anshan), title="鞍山市统计数据质量管理办法")
    interpretation = InterpretationPage(title="《鞍山市统计数据质量管理办法》政策解读",
                                        formed_on=dt.date(2024, 3, 2), theme=theme(),
                                        genre=Genre.INTERPRETATION)
    interpretation.interpreted_documents = [InterpretationLink(document=document)]
    column(anshan, "zcjd").add_child(instance=interpretation)
    interpretation.save_revision().publish()
    assert "《鞍山市统计数据质量管理办法》政策解读" in client.get(document.url).content.decode()
    assert "鞍山市统计数据质量管理办法" in client.get(interpretation.url).content.decode()


@pytest.mark.parametrize(("query", "expected", "absent"), [
    ({"genre": "gongbao"}, "统计公报甲", "工作通知乙"),
    ({"validity": "repealed"}, "已废止丙", "工作通知乙"),
    ({"q": "公报"}, "统计公报甲", "工作通知乙"),
    ({"q": "鞍统字〔2023〕9号"}, "工作通知乙", "统计公报甲"),
    ({"q": "統計公報"}, "统计公报甲", "工作通知乙"),
    ({"q": "公报 甲"}, "统计公报甲", "已废止丙"),
])
def test_it_filters_the_catalog(client, anshan, query, expected, absent,
                                django_capture_on_commit_callbacks):
    # Committed, so that the search outbox indexes the items (the keyword filter uses
    # the site search's index).
    with django_capture_on_commit_callbacks(execute=True):
        make_item(column(anshan), title="统计公报甲", genre=Genre.COMMUNIQUE)
        make_item(column(anshan), title="工作通知乙", doc_number="鞍统字〔2023〕9号")
        make_item(column(anshan), title="已废止丙", validity=Validity.REPEALED,
                  validity_changed_on=dt.date(2024, 5, 1))
    html = client.get(f"/{anshan.slug}/zwgk/xxgkml/", query).content.decode()
    assert expected in html and absent not in html


def test_it_ignores_nonsense_filter_values(client, anshan):
    make_item(column(anshan), title="任意信息")
    response = client.get(f"/{anshan.slug}/zwgk/xxgkml/",
                          {"theme": "abc", "year": "x", "genre": "<script>", "page": "999"})
    assert response.status_code == 200
    assert "任意信息" in response.content.decode()


def test_it_keeps_agencies_catalogs_apart(client, anshan, haicheng):
    make_item(column(haicheng), title="海城市的信息")
    assert "海城市的信息" not in client.get(f"/{anshan.slug}/zwgk/xxgkml/").content.decode()
    assert "海城市的信息" in client.get(f"/{haicheng.slug}/zwgk/xxgkml/").content.decode()


def test_the_api_paginates_and_filters(client, anshan):
    for n in range(25):
        make_item(column(anshan), title=f"分页信息{n}")
    first = client.get("/api/v1/catalog/items", {"agency": anshan.slug}).json()
    assert first["count"] == 25 and len(first["items"]) == 20
    second = client.get("/api/v1/catalog/items", {"agency": anshan.slug, "page": 2}).json()
    assert len(second["items"]) == 5
    number = first["items"][0]["index_number"]
    exact = client.get("/api/v1/catalog/items", {"index_number": number}).json()
    assert exact["count"] == 1 and exact["items"][0]["index_number"] == number


def test_the_api_detail_hides_drafts(client, anshan):
    draft = make_item(column(anshan), publish=False)
    published = make_item(column(anshan))
    assert client.get(f"/api/v1/catalog/items/{draft.pk}").status_code == 404
    assert client.get(f"/api/v1/catalog/items/{published.pk}").json()["title"] == published.title


def test_the_openapi_document_describes_the_catalog_api(client, platform):
    schema = client.get("/api/schema/").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/catalog/items" in schema["paths"]
    assert "/api/v1/workdays/add" in schema["paths"]


def test_feeds_are_well_formed_xml(client, anshan):
    make_item(column(anshan), title="订阅测试")
    for url in [f"/feeds/{anshan.slug}/rss.xml", f"/feeds/{anshan.slug}/atom.xml"]:
        root = ET.fromstring(client.get(url).content)  # noqa: S314 - our own feed
        assert "订阅测试" in ET.tostring(root, encoding="unicode")


def test_the_catalog_list_query_count_does_not_grow_with_items(client, anshan,
                                                               django_assert_max_num_queries):
    url = f"/{anshan.slug}/zwgk/xxgkml/"
    for _ in range(3):
        make_item(column(anshan))
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(15):
        make_item(column(anshan))
    client.get(url)  # publishing cleared the cached navigation, years and count: warm again
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_column_page_query_count_does_not_grow_with_items(client, anshan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    zcwj = column(anshan)
    make_item(zcwj)
    client.get(zcwj.url)
    with CaptureQueriesContext(connection) as few:
        client.get(zcwj.url)
    for _ in range(12):
        make_item(zcwj)
    client.get(zcwj.url)  # publishing cleared the cached navigation and count: warm again
    with CaptureQueriesContext(connection) as many:
        client.get(zcwj.url)
    assert len(many) == len(few)


def test_the_platform_catalog_filters_by_agency(client, anshan, haicheng):
    make_item(column(anshan), title="鞍山市局的信息")
    make_item(column(haicheng), title="海城市局的信息")
    everything = client.get("/xxgkml/").content.decode()
    assert "鞍山市局的信息" in everything and "海城市局的信息" in everything
    only_haicheng = client.get("/xxgkml/", {"agency": haicheng.slug}).content.decode()
    assert "海城市局的信息" in only_haicheng and "鞍山市局的信息" not in only_haicheng


def test_the_platform_catalog_hides_drafts(client, anshan):
    make_item(column(anshan), title="平台草稿", publish=False)
    assert "平台草稿" not in client.get("/xxgkml/").content.decode()
