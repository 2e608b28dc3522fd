"""The 繁體 and 拼音 rewrite of finished HTML, and pinyin readings: pure functions, no database.

Request-level behaviour (cookies, headers, which responses qualify) is in
test_reading_modes.py.
"""

from __future__ import annotations

import re

import pytest

from gongkai.core.text.pinyin import KNOWN_GOOD, PHRASE_READINGS, reading_string, ruby_html
from gongkai.site.script_modes import ScriptMode, script_mode_from_cookie, transform_html

T = ScriptMode.TRADITIONAL
P = ScriptMode.PINYIN


def strip_ruby(html: str) -> str:
    """Pinyin-mode HTML with the annotations removed: must equal the simplified page."""
    html = re.sub(r'<rp aria-hidden="true">[()]</rp>|<rt aria-hidden="true">[^<]*</rt>', "", html)
    return re.sub(r"</?ruby>", "", html)


# --- pinyin readings ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("长治", "cháng zhì"),
    ("单县", "shàn xiàn"),
    ("还款", "huán kuǎn"),
    ("银行", "yín háng"),
    ("行走", "xíng zǒu"),
    ("长治市人民政府", "cháng zhì shì rén mín zhèng fǔ"),
    ("单县统计局", "shàn xiàn tǒng jì jú"),
    ("我还是按期还款了", "wǒ hái shì àn qī huán kuǎn le"),
    ("行走在银行里", "xíng zǒu zài yín háng lǐ"),
    ("银行的行长说", "yín háng de háng zhǎng shuō"),
    ("简单县城", "jiǎn dān xiàn chéng"),  # 单县 inside 简单 + 县城 is not the county
])
def test_it_reads_words_in_context_with_the_project_phrases(text, expected):
    assert reading_string(text) == expected


@pytest.mark.parametrize("phrase", sorted(PHRASE_READINGS | KNOWN_GOOD))
def test_every_dictionary_entry_and_known_good_name_reads_as_listed(phrase):
    assert reading_string(phrase) == (PHRASE_READINGS | KNOWN_GOOD)[phrase]


def test_ruby_wraps_each_han_character_and_hides_the_annotation_from_screen_readers():
    html = ruby_html("统计 2024年")
    assert html == (
        '<ruby>统<rp aria-hidden="true">(</rp><rt aria-hidden="true">tǒng</rt>'
        '<rp aria-hidden="true">)</rp></ruby>'
        '<ruby>计<rp aria-hidden="true">(</rp><rt aria-hidden="true">jì</rt>'
        '<rp aria-hidden="true">)</rp></ruby> 2024'
        '<ruby>年<rp aria-hidden="true">(</rp><rt aria-hidden="true">nián</rt>'
        '<rp aria-hidden="true">)</rp></ruby>'
    )


def test_a_character_without_a_known_reading_is_left_bare_and_keeps_the_rest_aligned():
    html = ruby_html("统计\U00030000工作")
    assert "</ruby>\U00030000<ruby>" in html
    assert re.findall(r'<rt aria-hidden="true">([^<]+)</rt>', html) == ["tǒng", "jì", "gōng", "zuò"]


def test_text_without_han_characters_is_returned_as_it_is():
    assert ruby_html("  2024 &amp; a < b\n") == "  2024 &amp; a < b\n"


# --- the HTML rewrite ------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8">
<title>统计发布</title>
<meta name="description" content="鞍山市统计局发布统计数据">
<meta name="robots" content="统计">
<link rel="canonical" href="http://example.org/统计/">
<style>.统计::after { content: "统计"; }</style>
<script type="application/ld+json">{"name": "统计发布"}</script>
</head><body>
<!-- 注释：统计 -->
<a href="/统计/?q=发布" title="统计发布">统计发布</a>
<img src="/media/统计.png" alt="统计图表">
<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="abc统计">
<input name="q" value="统计发布" placeholder="请输入关键词" aria-label="搜索统计">
<textarea name="t">统计发布</textarea>
<select name="s"><option value="统计">统计发布</option></select>
<button type="submit">搜索</button></form>
<pre>统计发布</pre><code>统计.发布()</code>
<p>发布 &amp; 统计&nbsp;数据<br>第二行</p>
<ul data-script-keep><li>简体</li></ul>
</body></html>"""


def test_traditional_mode_converts_text_and_readable_attributes_with_phrases():
    html = transform_html(PAGE, T)
    assert "<title>統計發佈</title>" in html
    assert '<meta name="description" content="鞍山市統計局發佈統計數據">' in html
    assert 'title="統計發佈">統計發佈</a>' in html
    assert 'alt="統計圖表"' in html
    assert 'placeholder="請輸入關鍵詞" aria-label="搜索統計"' in html
    assert '<option value="统计">統計發佈</option>' in html
    assert "<pre>統計發佈</pre>" in html
    assert "<p>發佈 &amp; 統計&nbsp;數據<br>第二行</p>" in html
    assert "<button type=\"submit\">搜索</button>" in html
    # phrase conversion, not character by character
    assert transform_html("<p>头发发展</p>", T) == "<p>頭髮發展</p>"


@pytest.mark.parametrize("untouched", [
    '<meta name="robots" content="统计">',
    '<link rel="canonical" href="http://example.org/统计/">',
    '<style>.统计::after { content: "统计"; }</style>',
    '<script type="application/ld+json">{"name": "统计发布"}</script>',
    "<!-- 注释：统计 -->",
    'href="/统计/?q=发布"',
    'src="/media/统计.png"',
    '<input type="hidden" name="csrfmiddlewaretoken" value="abc统计">',
    'value="统计发布"',
    '<textarea name="t">统计发布</textarea>',
    "<code>统计.发布()</code>",
    "<ul data-script-keep><li>简体</li></ul>",
    "<!DOCTYPE html>",
])
def test_traditional_mode_leaves_urls_values_code_and_kept_parts_alone(untouched):
    assert untouched in transform_html(PAGE, T)


@pytest.mark.parametrize("untouched", [
    "<title>统计发布</title>",
    '<meta name="description" content="鞍山市统计局发布统计数据">',
    '<style>.统计::after { content: "统计"; }</style>',
    '<script type="application/ld+json">{"name": "统计发布"}</script>',
    'title="统计发布"',
    'alt="统计图表"',
    'value="abc统计"',
    '<textarea name="t">统计发布</textarea>',
    '<option value="统计">统计发布</option>',
    '<button type="submit">搜索</button>',
    "<pre>统计发布</pre>",
    "<code>统计.发布()</code>",
    "<ul data-script-keep><li>简体</li></ul>",
])
def test_pinyin_mode_annotates_body_text_only(untouched):
    assert untouched in transform_html(PAGE, P)


def test_pinyin_mode_annotates_link_and_paragraph_text_and_removes_cleanly():
    html = transform_html(PAGE, P)
    assert '<rt aria-hidden="true">tǒng</rt>' in html
    assert html.count("<ruby>") == len("统计发布" "发布统计数据第二行")
    assert strip_ruby(html) == PAGE


def test_the_rewrite_copies_markup_through_byte_for_byte_when_nothing_converts():
    page = ('<!DOCTYPE html><html><body class="x"><p id=a data-x=\'1\'>abc &copy; &#169; &#xA9;'
            '<br/><img src="a.png" alt="x"><![CDATA[x]]><?pi x?></p></body></html>')
    assert transform_html(page, T) == page
    assert transform_html(page, P) == page


def test_an_attribute_rewrite_escapes_quotes_and_ampersands():
    html = transform_html('<img alt="“统计” &amp; &quot;发布&quot;" src="a?x=1&amp;y=2">', T)
    assert html == '<img alt="“統計” &amp; &quot;發佈&quot;" src="a?x=1&amp;y=2">'


def test_unclosed_and_stray_tags_do_not_leak_the_skipped_state():
    html = transform_html("<ul><li>统计<li>发布</ul></span><code>统计</code><p>统计", T)
    assert html == "<ul><li>統計<li>發佈</ul></span><code>统计</code><p>統計"


def test_simplified_mode_is_the_identity():
    assert transform_html(PAGE, ScriptMode.SIMPLIFIED) is PAGE


@pytest.mark.parametrize(("value", "mode"), [
    (None, ScriptMode.SIMPLIFIED), ("", ScriptMode.SIMPLIFIED), ("klingon", ScriptMode.SIMPLIFIED),
    ("traditional", T), ("pinyin", P), ("simplified", ScriptMode.SIMPLIFIED),
])
def test_unknown_cookie_values_mean_simplified(value, mode):
    assert script_mode_from_cookie(value) is mode
