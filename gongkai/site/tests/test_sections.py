"""The section pages lead to the other apps' public pages (site/sections.py), subscribe
links sit where a visitor would look for them, and the release-calendar subscribers hear of
each release exactly once when its time comes (engagement/releases.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gongkai.annual_reports.enums import ReportStatus
from gongkai.annual_reports.models import AnnualReport
from gongkai.catalog.models import ColumnPage
from gongkai.core.models import Agency
from gongkai.engagement import releases
from gongkai.engagement.enums import SubscriptionKind, SubscriptionStatus
from gongkai.engagement.models import (
    CampaignPage,
    DigestItem,
    Subscriber,
    Subscription,
    TrainingMaterialsPage,
)
from gongkai.official_stats.enums import ReleaseStatus
from gongkai.official_stats.models import Release
from gongkai.testing import column

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 20, 10, 0, tzinfo=dt.UTC)
_serial = itertools.count(1)


def hrefs(html: str) -> dict[str, str]:
    """Link text → href for every link of the page's main content."""
    main = html.split('id="main"', 1)[1]
    return {re.sub(r"<[^>]+>", "", text).strip(): unescape(href)
            for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', main, re.S)}


def link_to(html: str, url: str) -> bool:
    return f'href="{url}"' in html.replace("&amp;", "&")


def publish(parent: Any, page: Any) -> Any:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def campaign(agency: Agency, title: str, year: int, starts_on: dt.date | None = None,
             live: bool = True) -> CampaignPage:
    page = CampaignPage(title=title, slug=f"zt-{year}-{next(_serial)}", year=year,
                        starts_on=starts_on)
    publish(column(agency, "ztzl"), page)
    if not live:
        page.unpublish()
    return page


def release(agency: Agency, title: str, at: dt.datetime,
            status: ReleaseStatus = ReleaseStatus.SCHEDULED) -> Release:
    return Release.objects.create(agency=agency, title=title, scheduled_at=at, status=status)


def subscriber(email: str, kind: SubscriptionKind, key: str, confirmed_at: dt.datetime
               ) -> Subscriber:
    person = Subscriber.objects.create(email=email)
    Subscription.objects.create(subscriber=person, kind=kind, key=key, label=key or "全平台",
                                status=SubscriptionStatus.CONFIRMED, confirmed_at=confirmed_at)
    return person


# --- 互动交流 --------------------------------------------------------------------------------


def test_the_interaction_section_leads_to_every_public_channel_of_its_agency(client, anshan):
    html = client.get(column(anshan, "hdjl").url).content.decode()
    links = hrefs(html)
    slug = anshan.slug
    expected = {
        "我要写留言": f"/hdjl/{slug}/write/",
        "留言办理查询": "/hdjl/track/",
        "留言选登": f"/hdjl/{slug}/",
        "常见问题": f"/hdjl/{slug}/faq/",
        "咨询、监督电话": "/hdjl/phones/",
        "我要举报统计违法行为": f"/hdjl/{slug}/jubao/",
        "举报办理查询": "/hdjl/jubao/track/",
    }
    for text, url in expected.items():
        assert any(t.startswith(text) and href == url for t, href in links.items()), text
    # The confidential channel is its own group, under its own heading.
    assert re.search(r"<h2[^>]*>统计违法举报</h2>", html)
    # Links go to the page's own agency, never to another one.
    assert "/hdjl/haicheng/" not in html


def test_every_interaction_link_answers(client, anshan):
    html = client.get(column(anshan, "hdjl").url).content.decode()
    for text, url in hrefs(html).items():
        if url.startswith(("/hdjl/", "/zt/")):
            assert client.get(url).status_code == 200, (text, url)


def test_an_ordinary_column_gets_no_section_links(client, anshan):
    html = client.get(column(anshan, "zcwj").url).content.decode()
    assert "/hdjl/" not in html.split("<footer", 1)[0].split('id="main"', 1)[1]
    assert "本栏目信息" not in html and "本栏目暂无信息" in html


# --- 政务公开 --------------------------------------------------------------------------------


def test_open_government_leads_to_enforcement_pages(client, anshan):
    slug = anshan.slug
    for page in (anshan.home_page.get_children().get(slug="zwgk"),
                 column(anshan, "fdzdgknr")):
        html = client.get(page.url).content.decode()
        assert link_to(html, f"/zfgk/{slug}/"), page.slug
        assert link_to(html, f"/zfgk/{slug}/xzcf/"), page.slug
        assert client.get(f"/zfgk/{slug}/xzcf/").status_code == 200


def test_annual_reports_are_linked_only_once_published(client, anshan):
    zwgk = anshan.home_page.get_children().get(slug="zwgk")
    report = AnnualReport.objects.create(agency=anshan, year=2025, status=ReportStatus.DRAFT)
    url = reverse("annual_reports:report", args=[anshan.slug, 2025])
    assert not link_to(client.get(zwgk.url).content.decode(), url)
    assert not link_to(client.get(column(anshan, "zfxxgknb").url).content.decode(), url)

    report.status = ReportStatus.PUBLISHED
    report.save()
    AnnualReport.objects.create(agency=anshan, year=2024, status=ReportStatus.PUBLISHED)
    html = client.get(zwgk.url).content.decode()
    assert link_to(html, url)
    assert html.index("2025年政府信息公开工作年度报告") < html.index(
        "2024年政府信息公开工作年度报告")
    assert link_to(client.get(column(anshan, "zfxxgknb").url).content.decode(), url)


# --- 专题专栏 --------------------------------------------------------------------------------


def test_the_topics_section_lists_its_live_campaigns_newest_first(client, anshan, haicheng):
    campaign(anshan, "2024年5·15政务公开日", 2024, dt.date(2024, 5, 15))
    campaign(anshan, "2026年统计开放日", 2026, dt.date(2026, 9, 20))
    campaign(anshan, "2026年5·15政务公开日", 2026, dt.date(2026, 5, 15))
    campaign(anshan, "2026年未定日期的专题", 2026)
    campaign(anshan, "尚未发布的专题", 2027, live=False)
    campaign(haicheng, "海城市统计开放日", 2026)
    html = client.get(column(anshan, "ztzl").url).content.decode()
    order = [html.index(t) for t in ("2026年统计开放日", "2026年5·15政务公开日",
                                     "2026年未定日期的专题", "2024年5·15政务公开日")]
    assert order == sorted(order)
    assert "尚未发布的专题" not in html and "海城市统计开放日" not in html
    assert "本栏目暂无信息" not in html  # the campaigns are the content


def test_material_columns_in_the_topics_section_are_listed_too(client, anshan):
    page = TrainingMaterialsPage(title="统计培训资料", slug="pxzl")
    publish(column(anshan, "ztzl"), page)
    html = client.get(column(anshan, "ztzl").url).content.decode()
    assert link_to(html, page.url)


def test_column_pages_accept_campaigns_by_declaration():
    assert "engagement.CampaignPage" in ColumnPage.subpage_types
    assert CampaignPage in ColumnPage.allowed_subpage_models()


# --- Subscribe links -------------------------------------------------------------------------


def _query(url: str) -> dict[str, str]:
    return {k: v[0] if v else "" for k, v in
            parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def test_column_pages_offer_a_subscription_to_the_column(client, anshan):
    target = column(anshan, "tjxx")
    html = client.get(target.url).content.decode()
    url = next(u for t, u in hrefs(html).items() if t.startswith("邮件订阅"))
    assert urlsplit(url).path == "/zt/subscribe/"
    assert _query(url) == {"kind": "column", "key": str(target.pk)}
    page = client.get(url)
    assert page.status_code == 200 and "统计信息" in page.content.decode()


def test_the_agency_home_offers_subscriptions_to_the_agency_and_its_calendar(client, anshan):
    html = client.get(anshan.home_page.url).content.decode()
    subscribe = [u for t, u in hrefs(html).items() if t.startswith("邮件订阅")]
    assert sorted(_query(u)["kind"] for u in subscribe) == ["agency", "release_calendar"]
    assert all(_query(u)["key"] == anshan.slug for u in subscribe)
    for url in subscribe:
        assert client.get(url).status_code == 200


def test_the_release_calendar_offers_a_subscription_for_what_it_shows(client, anshan):
    html = client.get(reverse("official_stats:calendar")).content.decode()
    url = next(u for t, u in hrefs(html).items() if t.startswith("邮件订阅"))
    assert _query(url) == {"kind": "release_calendar", "key": ""}
    html = client.get(reverse("official_stats:calendar"), {"agency": anshan.slug}).content.decode()
    url = next(u for t, u in hrefs(html).items() if t.startswith("邮件订阅"))
    assert _query(url) == {"kind": "release_calendar", "key": anshan.slug}
    assert client.get(url).status_code == 200


# --- Home pages ------------------------------------------------------------------------------


def test_the_agency_home_has_a_short_service_area(client, anshan):
    campaign(anshan, "2026年5·15政务公开日", 2026, dt.date(2026, 5, 15))
    html = client.get(anshan.home_page.url).content.decode()
    assert re.search(r"<h2[^>]*>数据发布与互动交流</h2>", html)
    for url in (f"/sjfb/rc/?agency={anshan.slug}", "/sjfb/data/", f"/hdjl/{anshan.slug}/write/",
                f"/hdjl/{anshan.slug}/jubao/", f"/zfgk/{anshan.slug}/"):
        assert link_to(html, url), url
    assert "专题：2026年5·15政务公开日" in html


def test_the_platform_home_leads_to_the_platform_wide_services(client, anshan, platform):
    platform.primary_agency = anshan
    platform.save()
    html = client.get("/").content.decode()
    for url in ("/sjfb/rc/", "/sjfb/data/", "/hdjl/", "/hdjl/phones/"):
        assert link_to(html, url), url
    assert link_to(html, "/zt/subscribe/?kind=release_calendar&key=")


# --- Release notifications -------------------------------------------------------------------


def test_a_release_is_queued_once_for_its_agency_and_the_platform_when_its_time_comes(anshan):
    at = NOW + dt.timedelta(hours=1)
    due = release(anshan, "2026年4月居民消费价格", at)
    with time_machine.travel(NOW, tick=False):
        assert releases.queue_released(timezone.now()) == 0  # still under embargo
    with time_machine.travel(at, tick=False):
        assert releases.queue_released(timezone.now()) == 1
        assert releases.queue_released(timezone.now()) == 0
    rows = DigestItem.objects.filter(source=f"release:{due.pk}")
    assert sorted(rows.values_list("key", flat=True)) == ["", anshan.slug]
    assert all(r.url == reverse("official_stats:release", args=[due.pk]) for r in rows)


def test_drafts_cancelled_and_old_releases_are_never_queued(anshan):
    release(anshan, "草稿", NOW - dt.timedelta(hours=1), ReleaseStatus.DRAFT)
    release(anshan, "已取消", NOW - dt.timedelta(hours=1), ReleaseStatus.CANCELLED)
    release(anshan, "一个月前", NOW - dt.timedelta(days=30))
    with time_machine.travel(NOW, tick=False):
        assert releases.queue_released(timezone.now()) == 0
    assert not DigestItem.objects.exists()


def test_subscribers_get_each_release_in_exactly_one_digest(anshan, haicheng, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    confirmed = NOW - dt.timedelta(days=1)
    subscriber("city@example.com", SubscriptionKind.RELEASE_CALENDAR, anshan.slug, confirmed)
    subscriber("all@example.com", SubscriptionKind.RELEASE_CALENDAR, "", confirmed)
    subscriber("county@example.com", SubscriptionKind.RELEASE_CALENDAR, haicheng.slug, confirmed)
    release(anshan, "2026年1-4月规模以上工业增加值", NOW + dt.timedelta(minutes=30))
    with time_machine.travel(NOW, tick=False):
        call_command("subscriptions", "send-digests")
    assert mail.outbox == []
    for minutes in (31, 32, 90):  # the periodic command runs again and again
        with time_machine.travel(NOW + dt.timedelta(minutes=minutes), tick=False):
            call_command("subscriptions", "send-digests")
    received = sorted(m.to[0] for m in mail.outbox)
    assert received == ["all@example.com", "city@example.com"]
    assert all(m.body.count("2026年1-4月规模以上工业增加值") == 1 for m in mail.outbox)


def test_queue_releases_alone_queues_without_sending(anshan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    subscriber("city@example.com", SubscriptionKind.RELEASE_CALENDAR, anshan.slug,
               NOW - dt.timedelta(days=1))
    release(anshan, "2026年一季度地区生产总值", NOW - dt.timedelta(minutes=5))
    with time_machine.travel(NOW, tick=False):
        call_command("subscriptions", "queue-releases")
    assert DigestItem.objects.count() == 2 and mail.outbox == []
