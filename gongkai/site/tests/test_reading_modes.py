"""繁體 and 拼音 reading modes through real requests: the switch, the cookie, which responses
are rewritten and which are not, headers for caches.

The rewrite itself is tested without a database in test_script_modes.py.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.http import HttpResponse, StreamingHttpResponse

from gongkai.core.text.convert import to_traditional
from gongkai.site.middleware import apply_script_mode, is_convertible
from gongkai.site.script_modes import ScriptMode, transform_html
from gongkai.site.tests.test_script_modes import strip_ruby
from gongkai.testing import column, make_item

pytestmark = pytest.mark.django_db

TITLE = "长治市与单县关于银行还款的通知"


@pytest.fixture
def item(anshan: Any) -> Any:
    return make_item(column(anshan), title=TITLE, summary="行走的人")


def etag_of(body: bytes) -> str:
    return f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'


def get(client: Any, url: str, mode: str | None = None) -> Any:
    if mode is None:
        client.cookies.pop("gk_script", None)
    else:
        client.cookies["gk_script"] = mode
    return client.get(url)


def html_of(response: Any) -> str:
    return response.content.decode()


def test_traditional_mode_shows_the_page_in_traditional_characters(client, item):
    html = html_of(get(client, item.url, "traditional"))
    assert '<html lang="zh-Hant">' in html
    assert "<h1>長治市與單縣關於銀行還款的通知</h1>" in html
    assert "<title>長治市與單縣關於銀行還款的通知 - 鞍山市統計局</title>" in html
    assert TITLE not in html


def test_pages_are_simplified_and_zh_hans_without_a_mode(client, item):
    html = html_of(get(client, item.url))
    assert '<html lang="zh-Hans">' in html and f"<h1>{TITLE}</h1>" in html
    assert "<ruby>" not in html


def test_pinyin_mode_puts_readings_in_context_above_the_characters(client, item):
    html = html_of(get(client, item.url, "pinyin"))
    assert '<html lang="zh-Hans" class="mode-pinyin">' in html
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    readings = re.findall(r'<rt aria-hidden="true">([^<]+)</rt>', h1)
    assert readings == ["cháng", "zhì", "shì", "yǔ", "shàn", "xiàn", "guān", "yú", "yín",
                        "háng", "huán", "kuǎn", "de", "tōng", "zhī"]
    assert strip_ruby(h1) == TITLE
    assert "<title>" + TITLE in html  # the head is not annotated
    assert re.search(r'<rp aria-hidden="true">\(</rp><rt aria-hidden="true">', h1)


@pytest.mark.parametrize("mode", [None, "traditional", "pinyin"])
def test_the_canonical_address_is_the_simplified_page_in_every_mode(client, item, mode):
    html = html_of(get(client, item.url, mode))
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
    assert canonical == [item.get_full_url()]


@pytest.mark.parametrize("mode", ["traditional", "pinyin"])
def test_urls_stylesheets_and_form_fields_stay_as_they_are(client, anshan, item, mode):
    machine_parts = [r'(?:href|src|action|value|name|id|for|type|rel)="[^"]*"',
                     r"<script.*?</script>", r"<style.*?</style>"]
    for url in [item.url, f"/{anshan.slug}/zwgk/xxgkml/?q=统计", "/tools/workdays/"]:
        plain = html_of(get(client, url))
        converted = html_of(get(client, url, mode))
        for pattern in machine_parts:
            assert re.findall(pattern, converted, re.S) == re.findall(pattern, plain, re.S), (
                url, pattern)
        assert 'value="统计"' in html_of(get(client, f"/{anshan.slug}/zwgk/xxgkml/?q=统计", mode))


@pytest.mark.parametrize("mode", ["traditional", "pinyin"])
def test_real_pages_survive_the_rewrite_markup_intact(client, anshan, item, mode):
    # The rewrite of the simplified page, minus what the mode adds, is the page itself.
    for url in [item.url, f"/{anshan.slug}/zwgk/xxgkml/", f"/{anshan.slug}/", "/sitemap/"]:
        plain = html_of(get(client, url))
        converted = transform_html(plain, ScriptMode(mode))
        if mode == "pinyin":
            assert strip_ruby(converted) == plain, url
        else:
            assert len(converted) == len(plain) and converted != plain, url


def test_the_switch_sets_a_cookie_and_returns_to_the_page(client, anshan, item):
    response = client.get("/mode/script/traditional/", {"next": item.url})
    assert response.status_code == 302 and response["Location"] == item.url
    cookie = response.cookies["gk_script"]
    assert cookie.value == "traditional" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    # persists across pages
    for url in [f"/{anshan.slug}/", f"/{anshan.slug}/zwgk/xxgkml/", "/sitemap/"]:
        assert '<html lang="zh-Hant">' in html_of(client.get(url)), url
    client.get("/mode/script/pinyin/", {"next": "/"})
    assert "mode-pinyin" in html_of(client.get(item.url))
    client.get("/mode/script/simplified/")
    html = html_of(client.get(item.url))
    assert '<html lang="zh-Hans">' in html and "<ruby>" not in html


def test_elder_mode_and_pinyin_combine(client, item):
    client.get("/mode/elder/")
    client.get("/mode/script/pinyin/")
    html = html_of(client.get(item.url))
    assert 'class="mode-elder mode-pinyin"' in html and "<ruby>" in html
    client.get("/mode/script/simplified/")
    assert 'class="mode-elder"' in html_of(client.get(item.url))


def test_the_header_links_mark_the_current_mode_and_keep_their_own_script(client, item):
    for mode in ["simplified", "traditional", "pinyin"]:
        html = html_of(get(client, item.url, mode))
        links = re.findall(r'<a href="/mode/script/(\w+)/\?next=[^"]+" lang="([^"]+)"'
                           r'( aria-current="true")?>([^<]+)</a>', html)
        assert [(code, lang, label) for code, lang, _, label in links] == [
            ("simplified", "zh-Hans", "简体"), ("traditional", "zh-Hant", "繁體"),
            ("pinyin", "zh-Hans", "拼音")], mode
        assert [code for code, _, current, _ in links if current] == [mode]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_the_switch_refuses_to_redirect_to_another_site(client, platform, target):
    response = client.get("/mode/script/pinyin/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_unknown_script_is_not_found(client, platform):
    response = client.get("/mode/script/klingon/")
    assert response.status_code == 404 and "gk_script" not in response.cookies


def test_converted_pages_vary_on_the_cookie(client, item):
    for mode in [None, "traditional", "pinyin"]:
        assert "Cookie" in get(client, item.url, mode)["Vary"]


def test_length_and_etag_follow_the_converted_body(client, item, settings):
    # With a conditional-GET middleware outside ours, the validator is computed on the body
    # as sent: every mode gets its own.
    settings.MIDDLEWARE = ["django.middleware.http.ConditionalGetMiddleware", *settings.MIDDLEWARE]
    etags = set()
    for mode in [None, "traditional", "pinyin"]:
        response = get(client, item.url, mode)
        assert int(response["Content-Length"]) == len(response.content)
        assert response["ETag"] == etag_of(response.content)
        etags.add(response["ETag"])
    assert len(etags) == 3


def test_a_validator_set_by_a_view_is_replaced_for_the_converted_body():
    response = HttpResponse("<p>统计</p>", content_type="text/html; charset=utf-8")
    response["ETag"] = '"simplified"'
    response["Content-Length"] = "17"
    apply_script_mode(response, ScriptMode.TRADITIONAL)
    assert response.content.decode() == "<p>統計</p>"
    assert response["ETag"] == etag_of(response.content)
    assert response["Content-Length"] == str(len(response.content))


def test_the_not_found_page_is_converted_too(client, platform):
    response = get(client, "/no-such-page/", "traditional")
    assert response.status_code == 404 and "頁面不存在" in html_of(response)


def test_the_wagtail_admin_is_never_converted(client, platform):
    plain = html_of(get(client, "/admin/login/"))
    html = html_of(get(client, "/admin/login/", "pinyin"))
    assert "<ruby>" not in html
    html = html_of(get(client, "/admin/login/", "traditional"))
    assert "登录" in plain and "登录" in html and "登錄" not in html


def test_api_json_feeds_and_the_sitemap_stay_simplified(client, anshan, item):
    for url in ["/api/v1/agencies", f"/feeds/{anshan.slug}/rss.xml", "/sitemap.xml",
                "/robots.txt"]:
        plain = get(client, url).content
        for mode in ["traditional", "pinyin"]:
            assert get(client, url, mode).content == plain, (url, mode)
    assert "鞍山市统计局" in get(client, "/api/v1/agencies", "traditional").content.decode()


@pytest.mark.parametrize(("response", "path", "expected"), [
    (HttpResponse("<p>统计</p>"), "/anshan/", True),
    (HttpResponse("<p>统计</p>"), "/admin/pages/", False),
    (HttpResponse("<p>统计</p>"), "/api/docs", False),
    (HttpResponse("{}", content_type="application/json"), "/anshan/", False),
    (HttpResponse("<p>统计</p>", status=302), "/anshan/", False),
    (HttpResponse("<p>统计</p>", status=500), "/anshan/", False),
    (HttpResponse(b"\x1f\x8b", headers={"Content-Encoding": "gzip"}), "/anshan/", False),
    (StreamingHttpResponse(iter(["<p>统计</p>"]), content_type="text/html"), "/anshan/", False),
])
def test_only_finished_public_html_pages_are_rewritten(response, path, expected):
    assert is_convertible(path, response) is expected


def test_a_streaming_page_passes_through_untouched(rf):
    from gongkai.site.middleware import ReadingModeMiddleware

    def view(request):
        return StreamingHttpResponse(iter(["<p>统计</p>"]), content_type="text/html")

    request = rf.get("/anshan/")
    request.COOKIES["gk_script"] = "traditional"
    response = ReadingModeMiddleware(view)(request)
    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(response.streaming_content) == "<p>统计</p>".encode()  # type: ignore[arg-type]


def test_traditional_text_matches_opencc_s2t_on_the_page_body(client, item):
    # The mainland s2t configuration, phrase-aware: 关于→關於, 还款→還款.
    html = html_of(get(client, item.url, "traditional"))
    assert to_traditional(TITLE) in html
