"""The public theme: layout, accessibility basics, reading mode, security headers."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from gongkai.testing import column, make_item

pytestmark = pytest.mark.django_db

NAV = ["首页", "政务公开", "统计数据", "互动交流", "专题专栏"]


def test_every_page_has_the_government_site_layout(client, anshan, platform):
    platform.primary_agency = anshan
    platform.save()
    anshan.sponsor = "鞍山市统计局"
    anshan.icp_number = "辽ICP备12345678号"
    anshan.police_number = "辽公网安备 21030202000123号"
    anshan.site_code = "2103000001"
    anshan.conac_url = "https://bszs.conac.cn/sitename?method=show&id=1"
    anshan.save()
    item = make_item(column(anshan))
    for url in [f"/{anshan.slug}/", f"/{anshan.slug}/zwgk/", item.url, "/sitemap/",
                "/tools/workdays/"]:
        html = client.get(url).content.decode()
        assert 'href="#main"' in html and 'id="main"' in html, url
        nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
        assert nav is not None and all(label in nav.group(0) for label in NAV), url
        for footer_item in ["主办单位", "网站标识码", "辽ICP备12345678号", "公安机关备案号",
                            "党政机关网站标识", "网站地图"]:
            assert footer_item in html, (url, footer_item)


def test_content_pages_show_publication_time_and_source(client, anshan):
    item = make_item(column(anshan), source="鞍山市统计局综合处")
    html = client.get(item.url).content.decode()
    assert "发布时间" in html and "信息来源：鞍山市统计局综合处" in html
    guide = client.get(f"/{anshan.slug}/zwgk/zfxxgkzn/").content.decode()
    assert "发布时间" in guide and "信息来源" in guide


def test_the_title_names_the_page_then_the_agency_once(client, anshan):
    item = make_item(column(anshan), title="二〇二五年统计公报")
    home = client.get(f"/{anshan.slug}/").content.decode()
    page = client.get(item.url).content.decode()
    assert "<title>鞍山市统计局</title>" in home  # not "鞍山市统计局 - 鞍山市统计局"
    assert "<title>二〇二五年统计公报 - 鞍山市统计局</title>" in page


def test_breadcrumbs_lead_home(client, anshan):
    item = make_item(column(anshan))
    html = client.get(item.url).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert "首页" in crumbs and "政务公开" in crumbs and "法定主动公开内容" in crumbs


def test_the_guide_contains_what_article_12_requires(client, anshan):
    html = client.get(f"/{anshan.slug}/zwgk/zfxxgkzn/").content.decode()
    for element in ["分类", "编排体系", "获取方式", anshan.office_name, "办公地址",
                    anshan.office_address, "办公时间", anshan.office_hours, "联系电话",
                    anshan.office_phone, "传真号码", "互联网联系方式"]:
        assert element in html, element


def test_the_standard_columns_exist_for_every_agency(client, anshan, haicheng):
    for agency in (anshan, haicheng):
        html = client.get(f"/{agency.slug}/zwgk/").content.decode()
        for title in ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容",
                      "政府信息公开年报", "依申请公开", "政府信息公开目录"]:
            assert title in html, (agency.slug, title)


def test_elder_mode_persists_across_pages_without_javascript(client, anshan):
    response = client.get("/mode/elder/", {"next": f"/{anshan.slug}/zwgk/"})
    assert response.status_code == 302 and response["Location"] == f"/{anshan.slug}/zwgk/"
    assert 'class="mode-elder"' in client.get(f"/{anshan.slug}/").content.decode()
    assert 'class="mode-elder"' in client.get(f"/{anshan.slug}/zwgk/xxgkml/").content.decode()
    client.get("/mode/standard/")
    assert 'class="mode-elder"' not in client.get(f"/{anshan.slug}/").content.decode()


def test_the_reading_mode_switch_refuses_to_redirect_elsewhere(client, platform):
    response = client.get("/mode/elder/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_public_pages_carry_a_strict_content_security_policy(client, anshan):
    policy = client.get(f"/{anshan.slug}/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert "object-src 'none'" in policy


def test_the_admin_gets_its_own_looser_policy(client, platform):
    policy = client.get("/admin/login/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in policy


def test_public_pages_have_no_inline_scripts_or_styles(client, anshan):
    item = make_item(column(anshan))
    for url in [f"/{anshan.slug}/", item.url, f"/{anshan.slug}/zwgk/xxgkml/"]:
        html = client.get(url).content.decode()
        assert "<script" not in html and "style=" not in html, url


def test_images_and_form_fields_are_labelled(client, anshan):
    html = client.get(f"/{anshan.slug}/zwgk/xxgkml/").content.decode()
    for field_id in re.findall(r'<(?:input|select)[^>]*\sid="([^"]+)"', html):
        assert f'for="{field_id}"' in html, field_id
    assert all("alt=" in tag for tag in re.findall(r"<img[^>]*>", html))


def test_robots_txt_points_to_the_sitemap(client, platform):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text and "Disallow: /admin/" in text


def test_the_site_map_lists_every_agency_and_its_columns(client, anshan, haicheng):
    html = client.get("/sitemap/").content.decode()
    assert anshan.name in html and haicheng.name in html and "政府信息公开目录" in html


def test_it_answers_unknown_pages_with_a_chinese_404(client, platform):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_the_platform_home_lists_agencies_and_news(client, anshan, haicheng, platform):
    platform.primary_agency = anshan
    platform.save()
    make_item(column(anshan), title="市局最新动态")
    html = client.get("/").content.decode()
    assert "市局最新动态" in html and haicheng.name in html


def test_the_cache_works(settings, platform):
    cache.set("gongkai-test", "值", 30)
    assert cache.get("gongkai-test") == "值"
