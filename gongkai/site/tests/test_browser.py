"""The public site in real Chromium (Debian's package, driven by Playwright).

Keyboard use, a 360 px phone, no JavaScript, 长者模式, and axe-core with no serious or
critical violations on each public page type.
"""

from __future__ import annotations

from typing import Any

import pytest

from gongkai.core.enums import StaffRole
from gongkai.site.tests.browser_support import (
    AXE,
    MODES,
    error_is_announced,
    repair_collection_tree,
    serious_violations,
    tab_through,
)
from gongkai.site.tests.page_types import build_paths, seed_every_app
from gongkai.testing import column, make_item, make_user, require_service

# The live server needs committed data; serialized_rollback restores what migrations seeded
# (root page, holiday table, theme classification) after each test flushes the database.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Page types of the first site checks; the axe audit covers every type in page_types.py.
CORE_PAGES = ["platform", "agency", "open_gov", "guide", "catalog", "column", "item",
              "workdays", "sitemap", "search", "search_empty", "apply", "track",
              "reading_room"]
TYPE = "type:"  # site_urls keys of the page types of page_types.PAGE_TYPES


@pytest.fixture
def site_urls(live_server: Any, anshan: Any, haicheng: Any, platform: Any) -> dict[str, str]:
    from django.core.cache import cache

    cache.clear()  # site root paths cached before the last flush are stale
    repair_collection_tree()
    platform.primary_agency = anshan
    platform.save()
    item = make_item(column(anshan), title="关于做好2024年统计工作的通知",
                     doc_number="鞍统发〔2024〕1号")
    # Every app's pages with the data its own demo builder makes (realistic, one call each).
    admin = make_user("browser-admin", superuser=True)
    for role in (StaffRole.EDITOR, StaffRole.APPROVER):  # who drafts and who reviews replies
        make_user(f"anshan-{role.value}", agency=anshan, role=role)
    seed_every_app({"anshan": anshan, "haicheng": haicheng}, admin)
    cache.clear()
    paths, missing = build_paths(anshan)
    # A page type listed but without data is a failure of the audit, not a silent skip.
    assert missing == {}, missing
    base = live_server.url
    return {
        **{f"{TYPE}{name}": f"{base}{path}" for name, path in paths.items()},
        "platform": f"{base}/",
        "agency": f"{base}/{anshan.slug}/",
        "open_gov": f"{base}/{anshan.slug}/zwgk/",
        "guide": f"{base}/{anshan.slug}/zwgk/zfxxgkzn/",
        "catalog": f"{base}/{anshan.slug}/zwgk/xxgkml/",
        "column": f"{base}{column(anshan).url}",
        "item": f"{base}{item.url}",
        "workdays": f"{base}/tools/workdays/?mode=add&start=2024-09-27&days=20",
        "sitemap": f"{base}/sitemap/",
        "search": f"{base}/search/?q=统计工作",
        "search_empty": f"{base}/search/?q=不存在的词语甲乙",
        "apply": f"{base}/ysqgk/{anshan.slug}/apply/",
        "track": f"{base}/ysqgk/track/",
        "reading_room": f"{base}/ysqgk/results/{anshan.slug}/",
    }


def check_skip_link_is_the_first_keyboard_stop(browser, site_urls):
    page = browser.new_page()
    page.goto(site_urls["item"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def check_navigation_is_reachable_by_keyboard(browser, site_urls):
    page = browser.new_page()
    page.goto(site_urls["agency"])
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.textContent.trim()"))
    assert {"政务公开", "统计数据", "互动交流", "专题专栏"} <= reached


def check_pages_fit_a_360_pixel_phone(browser, site_urls):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    too_wide = {}
    for name in ["agency", "catalog", "item", "guide", "workdays", "search", "apply", "track"]:
        page.goto(site_urls[name])
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[name] = width
    assert too_wide == {}


def check_catalog_filters_work_without_javascript(browser, site_urls):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    response = page.goto(site_urls["catalog"])
    assert response is not None and response.status == 200
    page.fill("#f-q", "2024年统计工作")
    page.press("#f-q", "Enter")  # submits the catalog form, not the header search
    assert "关于做好2024年统计工作的通知" in page.content()
    assert "共 1 条" in page.content()
    context.close()


def check_header_search_works_without_javascript(browser, site_urls):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_urls["item"])
    page.fill("#header-q", "統計工作")  # a traditional query finds the simplified text
    page.press("#header-q", "Enter")
    assert "/search/" in page.url
    assert page.inner_text(".search-hit h3") == "关于做好2024年统计工作的通知"
    assert page.locator(".search-hit h3 mark").inner_text() == "统计工作"
    page.click(".search-hit h3 a")
    assert page.url == site_urls["item"]
    context.close()


def check_an_applicant_applies_and_tracks_without_javascript(browser, site_urls):
    """依申请公开 from the applicant's side: errors at the field with what was typed kept,
    the published items that may answer the need, then the number and code, then the
    tracking page with the status and the legal basis of each step."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_urls["apply"])
    page.check("#id_applicant_category_0")  # 自然人
    page.fill("#id_name", "示例申请人")
    page.select_option("#id_id_type", "resident_id")
    page.fill("#id_id_number", "210302198001011230")  # fails the checksum (3 is right)
    page.fill("#id_phone", "13812345678")
    page.fill("#id_description", "关于做好2024年统计工作的通知的附件")
    page.check("input[name='provision_form'][value='paper']")
    page.check("input[name='delivery_method'][value='pick_up']")
    page.click("button[value='submit']")
    assert page.locator(".error-summary").count() == 1
    assert page.get_attribute("#id_id_number", "aria-invalid") == "true"
    assert page.input_value("#id_description") == "关于做好2024年统计工作的通知的附件"
    page.fill("#id_id_number", "210302198001011233")
    page.click("button[value='submit']")
    # First valid submit: what is already public is shown before anything is filed.
    assert "关于做好2024年统计工作的通知" in page.inner_text(".matches")
    page.click("button[value='submit']")
    values = page.locator(".result-value").all_inner_texts()
    assert len(values) == 2, values
    number, code = values
    page.goto(site_urls["track"])
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.click("form.form-card button[type='submit']")
    text = page.inner_text("main")
    assert number in text and "待确认收到" in text and "第三十一条" in text
    context.close()


def check_elder_mode_enlarges_text_without_javascript(browser, site_urls):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_urls["catalog"])
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click("text=长者模式")
    page.goto(site_urls["item"])
    after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after >= before * 1.2
    context.close()


def check_script_modes_switch_without_javascript(browser, site_urls):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_urls["item"])
    page.click("a[href^='/mode/script/traditional/']")
    assert page.url == site_urls["item"]
    assert page.evaluate("document.documentElement.lang") == "zh-Hant"
    assert "關於做好2024年統計工作的通知" in page.inner_text("h1")
    page.goto(site_urls["catalog"])  # the choice persists
    assert page.evaluate("document.documentElement.lang") == "zh-Hant"
    page.click("a[href^='/mode/script/pinyin/']")
    assert page.url == site_urls["catalog"]
    page.goto(site_urls["item"])
    h1 = page.locator("h1")
    assert h1.locator("ruby").count() >= 10 and h1.locator("rt").first.inner_text() == "guān"
    # The reading sits above its character, and assistive technology gets the characters
    # once: the heading's accessible name has no pinyin in it.
    geometry = page.evaluate("""() => {
        const ruby = document.querySelector('h1 ruby'), rt = ruby.querySelector('rt');
        const base = document.createRange();
        base.selectNodeContents(ruby.firstChild);
        const r = rt.getBoundingClientRect(), b = base.getBoundingClientRect();
        return [r.top + r.height / 2 < b.top + b.height / 4, rt.getAttribute('aria-hidden'),
                [r.top, r.bottom, b.top, b.bottom]];
    }""")
    assert geometry[:2] == [True, "true"], geometry
    # Chromium's own accessibility tree (what screen readers receive), not Playwright's.
    tree = context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    headings = [node.get("name", {}).get("value") for node in tree["nodes"]
                if node.get("role", {}).get("value") == "heading"]
    assert "关于做好2024年统计工作的通知" in headings, headings
    page.click("a[href^='/mode/script/simplified/']")
    assert page.locator("h1 ruby").count() == 0
    context.close()


def check_pinyin_pages_fit_a_360_pixel_phone(browser, site_urls):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site_urls["platform"].rstrip("/") + "/mode/script/pinyin/")
    too_wide = {}
    for name in ["agency", "catalog", "item"]:
        page.goto(site_urls[name])
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[name] = width
    assert too_wide == {}
    context.close()


def audit(browser, site_urls, names, mode_paths):
    # The page's own CSP forbids injected scripts; only the test's axe script bypasses it.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    for path in mode_paths:
        page.goto(site_urls["platform"].rstrip("/") + path)
    serious: dict[str, Any] = {}
    for name in names:
        response = page.goto(site_urls[name])
        if response is None or response.status != 200:
            serious[name] = f"HTTP {response.status if response else '?'}"
            continue
        found = serious_violations(page)
        if found:
            serious[name] = found
    context.close()
    return serious


def every_page_type(site_urls):
    return [name for name in site_urls if name.startswith(TYPE)]


def check_axe_finds_no_serious_violations(browser, site_urls):
    assert audit(browser, site_urls, every_page_type(site_urls), MODES["normal"]) == {}


def check_axe_in_elder_mode(browser, site_urls):
    assert audit(browser, site_urls, every_page_type(site_urls), MODES["elder"]) == {}


def check_axe_in_traditional_mode(browser, site_urls):
    assert audit(browser, site_urls, every_page_type(site_urls), MODES["traditional"]) == {}


def check_axe_in_pinyin_mode(browser, site_urls):
    assert audit(browser, site_urls, every_page_type(site_urls), MODES["pinyin"]) == {}


def check_axe_in_pinyin_and_elder_mode(browser, site_urls):
    assert audit(browser, site_urls, CORE_PAGES, MODES["elder"] + MODES["pinyin"]) == {}


def check_every_keyboard_stop_shows_its_focus_in_document_order(browser, site_urls):
    """Tab through the header, navigation and the start of the content of a form page and a
    content page: each stop is :focus-visible with a computed outline or box-shadow, and the
    stops follow the document (no positive tabindex reorders them)."""
    page = browser.new_page()
    problems = {}
    for name in ["item", f"{TYPE}consultation form", f"{TYPE}data table"]:
        page.goto(site_urls[name])
        assert page.locator("[tabindex]:not([tabindex='0']):not([tabindex='-1'])").count() == 0
        page.evaluate("""() => { window.__stops = [];
            document.addEventListener('focusin', e => window.__stops.push(e.target)); }""")
        stops = tab_through(page, 30)
        invisible = [s for s in stops if s["tag"] and not (s["visible"]
                                                           and (s["outline"] or s["shadow"]))]
        # Up to the first stop seen twice: past the footer, Tab wraps round to the top.
        in_order = page.evaluate("""() => {
            const stops = window.__stops, first = stops.findIndex((el, i) => stops.indexOf(el) < i);
            const round = first < 0 ? stops : stops.slice(0, first);
            return round.every((el, i) => i === 0 || !!(round[i - 1].compareDocumentPosition(el)
                                                         & Node.DOCUMENT_POSITION_FOLLOWING));
        }""")
        if invisible or not in_order:
            problems[name] = {"invisible": invisible[:3], "in_order": in_order}
    page.close()
    assert problems == {}


# Forms that must announce their errors: page type → what the keyboard user presses.
FORMS = ["application form", "consultation form", "violation report form",
         "event registration", "survey", "subscription form", "application tracking",
         "consultation tracking"]


def check_forms_announce_errors_to_screen_readers(browser, site_urls):
    """Submit each form empty from the keyboard: the first invalid field has aria-invalid
    and a description that exists, and an alert is shown (or focus moves to it)."""
    context = browser.new_context()
    page = context.new_page()
    problems: dict[str, Any] = {}
    for name in FORMS:
        page.goto(site_urls[f"{TYPE}{name}"])
        # The form's own submit button (the application form's first button only looks up
        # published information and validates nothing).
        form = "main form:is([method=post], [method=POST])"
        button = page.locator(f"{form} button[name=action][value=submit]").first
        if button.count() == 0:
            button = page.locator(f"{form} button:not([type=button])").first
        if button.count() == 0:
            problems[name] = "no form to submit"
            continue
        button.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        field = page.locator("main [aria-invalid=true]").first
        if field.count() == 0:
            problems[name] = "no field marked invalid"
            continue
        selector = f"#{field.get_attribute('id')}"
        missing = error_is_announced(page, selector)
        if missing:
            problems[name] = missing
    context.close()
    assert problems == {}


CHECKS = [
    check_skip_link_is_the_first_keyboard_stop,
    check_navigation_is_reachable_by_keyboard,
    check_pages_fit_a_360_pixel_phone,
    check_catalog_filters_work_without_javascript,
    check_header_search_works_without_javascript,
    check_an_applicant_applies_and_tracks_without_javascript,
    check_elder_mode_enlarges_text_without_javascript,
    check_axe_finds_no_serious_violations,
    check_axe_in_elder_mode,
    check_script_modes_switch_without_javascript,
    check_pinyin_pages_fit_a_360_pixel_phone,
    check_axe_in_traditional_mode,
    check_axe_in_pinyin_mode,
    check_axe_in_pinyin_and_elder_mode,
    check_every_keyboard_stop_shows_its_focus_in_document_order,
    check_forms_announce_errors_to_screen_readers,
]


def test_the_public_site_works_in_chromium(browser, site_urls):
    # One live site for all checks: building it costs more than the checks themselves, and
    # each check reports separately below.
    require_service("axe-core", AXE.exists(), "run `npm ci` (needs Node.js >= 20)")
    failures = {}
    for check in CHECKS:
        try:
            check(browser, site_urls)
        except Exception as error:
            failures[check.__name__] = f"{type(error).__name__}: {error}"[:3000]
    for name, message in failures.items():
        print(f"--- {name}\n{message}")
    assert failures == {}
