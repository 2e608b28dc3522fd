"""End-to-end journeys in real Chromium against the running application (issue 8 §3).

Each journey starts from a freshly flushed test database holding only what this module's
fixture builds (agencies, staff accounts, a few items, statistics, an event and a survey);
citizens and staff act through the browser, staff logged in to the Wagtail admin in their
own browser context. The journeys share one live server and one browser; each is a
``journey_*`` function and reports separately.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.core.enums import StaffRole
from gongkai.site.tests.browser_support import repair_collection_tree
from gongkai.testing import column, make_item, make_user, require_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "journey-pass-123"
ID_NUMBER = "210302198001011233"  # a valid 居民身份证号码 (checksum right), for the gate


@dataclass
class Site:
    base: str
    anshan: Any
    users: dict[str, Any]
    data: dict[str, Any]

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@pytest.fixture
def site(live_server: Any, anshan: Any, platform: Any) -> Site:
    from django.core.cache import cache

    from gongkai.engagement.enums import ResponseRule
    from gongkai.engagement.tests.helpers import make_campaign, make_event, make_survey
    from gongkai.official_stats.tests.browser_data import make_fixture

    cache.clear()  # site root paths cached before the last flush are stale
    repair_collection_tree()
    platform.primary_agency = anshan
    platform.save()
    users = {
        role: make_user(f"journey-{role}", agency=anshan, role=StaffRole(role),
                        password=PASSWORD)
        for role in ("editor", "reviewer", "approver")
    }
    item = make_item(column(anshan), title="鞍山市2024年国民经济和社会发展统计公报",
                     summary="全市地区生产总值、工业、农业、消费和价格的年度统计数据。")
    stats = make_fixture(anshan)
    campaign = make_campaign(anshan, title="2026年“5·15政务公开日”活动")
    event = make_event(campaign, capacity=1, title="2026年统计开放日", place="鞍山市统计局三楼")
    survey = make_survey(campaign, title="统计政务公开认知度调查")
    invited = make_survey(campaign, title="三上企业统计人员培训满意度调查",
                          response_rule=ResponseRule.INVITATION)
    cache.clear()
    return Site(live_server.url, anshan, users,
                {"item": item, "stats": stats, "event": event, "survey": survey,
                 "invited_survey": invited})


def staff_context(browser: Any, site: Site, role: str) -> Any:
    """A browser context logged in to the Wagtail admin as the agency's ``role``."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url("/admin/login/"))
    page.fill("#id_username", site.users[role].get_username())
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/(?!login)"))
    page.close()
    return context


def post_as(context: Any, site: Site, path: str, data: dict[str, str]) -> Any:
    """A POST from a logged-in browser context, with its session and CSRF cookies — what
    the admin's modal sends (the modals themselves need Wagtail's JavaScript)."""
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    return context.request.post(site.url(path), form={**data, "csrfmiddlewaretoken": token},
                                headers={"X-CSRFToken": token, "Referer": site.url("/admin/")})


def result_values(page: Any) -> list[str]:
    values: list[str] = page.locator(".result-value").all_inner_texts()
    return values


# --- 依申请公开 -------------------------------------------------------------------------------


def journey_a_citizen_applies_and_reads_the_answer_staff_gave_with_a_letter(browser, site):
    citizen = browser.new_context()
    page = citizen.new_page()
    page.goto(site.url(f"/ysqgk/{site.anshan.slug}/apply/"))
    page.check("#id_applicant_category_0")  # 自然人
    page.fill("#id_name", "王晓明")
    page.select_option("#id_id_type", "resident_id")
    page.fill("#id_id_number", ID_NUMBER)
    page.fill("#id_phone", "13812345678")
    page.fill("#id_description", "鞍山市2023年规模以上工业企业主要经济指标（分行业）")
    page.check("input[name='provision_form'][value='email']")
    page.check("input[name='delivery_method'][value='email']")
    if page.locator("#id_email").count():
        page.fill("#id_email", "wangxm@example.com")
    page.click("button[value='submit']")
    if not result_values(page):  # matching published items are shown first
        page.click("button[value='submit']")
    number, code = result_values(page)

    staff = staff_context(browser, site, "approver")
    desk = staff.new_page()
    desk.goto(site.url("/admin/info-requests/"))
    desk.click(f"a:has-text('{number}')")
    case_url = desk.url
    # 确认收到 (第三十一条): the date field is prefilled with today, in the ISO form a date
    # input accepts (a zh-hans "2026/05/06" would leave it empty and block the submit).
    desk.click("summary:has-text('确认收到申请')")
    assert desk.input_value("form[action$='/action/confirm/'] input[type=date]")
    desk.click("form[action$='/action/confirm/'] button[type=submit]")
    desk.locator("text=已确认收到申请").first.wait_for()
    # The reply letter: generated from the case, its blanks filled in, saved.
    desk.select_option("form[action$='/letters/new/'] select[name=kind]", "granted")
    desk.click("form[action$='/letters/new/'] button[type=submit]")
    body = desk.input_value("textarea[name=body]")
    assert number in body and "【请填写" in body
    answer = "见附件《2023年规模以上工业企业主要经济指标》"
    desk.fill("textarea[name=body]", re.sub(r"【请填写：[^】]*】", answer, body))
    desk.click("form:has(textarea[name=body]) button[type=submit]")
    desk.locator("text=告知书已保存").first.wait_for()
    assert not desk.locator("[data-gongkai-blanks]").count()  # no blank left
    letter_url = desk.url
    # 作出答复 takes the case's unsent letter of its outcome and marks it delivered with it.
    desk.goto(case_url)
    desk.click("summary:has-text('作出答复')")
    desk.select_option("form[action$='/action/reply/'] select[name='reply-outcome']", "granted")
    desk.click("form[action$='/action/reply/'] button[type=submit]")
    desk.locator("text=已作出答复").first.wait_for()
    desk.goto(letter_url)
    assert "送达，不能再修改" in desk.inner_text("main")
    staff.close()

    page.goto(site.url("/ysqgk/track/"))
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.click("form.form-card button[type='submit']")
    text = page.inner_text("main")
    assert "已答复" in text and "予以公开" in text, text[:1500]
    assert "政府信息予以公开告知书" in text and answer in text, text[:3000]  # the letter itself
    citizen.close()


# --- 互动交流 ---------------------------------------------------------------------------------


def journey_a_question_is_answered_and_published_with_personal_data_masked(browser, site):
    citizen = browser.new_context()
    page = citizen.new_page()
    page.goto(site.url(f"/hdjl/{site.anshan.slug}/write/"))
    page.check("input[name=kind][value=consultation]")
    page.fill("#id_title", "企业联网直报密码如何重置")
    page.fill("#id_body", "我是鞍山某公司统计员刘洋，手机13912345678，联网直报平台密码遗失，"
                          "请问如何重置？")
    page.fill("#id_name", "刘洋")
    page.fill("#id_phone", "13912345678")
    page.check("input[name=publish_consent][value=yes]")
    page.click("main form button[type=submit]")
    number, code = result_values(page)

    editor = staff_context(browser, site, "editor")
    desk = editor.new_page()
    desk.goto(site.url("/admin/consultations/"))
    desk.click(f"a:has-text('{number}')")
    message_url = desk.url
    desk.click("summary:has-text('拟写答复')")
    desk.fill("form[action$='/action/draft/'] textarea",
              "请携带单位介绍信到市统计局执法监督科办理密码重置。")
    desk.click("form[action$='/action/draft/'] button[type=submit]")
    reviewer = staff_context(browser, site, "approver")
    check = reviewer.new_page()
    check.goto(message_url)
    check.click("summary:has-text('审核答复')")
    check.select_option("select[name='review-decision']", "approve")
    check.click("form[action$='/action/review/'] button[type=submit]")
    desk.goto(message_url)
    desk.click("summary:has-text('发出答复')")
    desk.click("form[action$='/action/send/'] button[type=submit]")
    desk.click("summary:has-text('公开留言及答复')")
    desk.click("form[action$='/action/publish/'] button[type=submit]")
    assert "已公开" in desk.inner_text("main"), desk.inner_text("main")[:1500]
    editor.close()
    reviewer.close()

    page.goto(site.url("/hdjl/track/"))
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.click("main form button[type=submit]")
    assert "执法监督科" in page.inner_text("main")
    page.goto(site.url(f"/hdjl/{site.anshan.slug}/{number}/"))
    public = page.inner_text("main")
    assert "执法监督科" in public and "密码" in public
    assert "13912345678" not in public and "刘洋" not in public, public[:1500]
    assert "139****5678" in public
    citizen.close()


# --- Search and reading modes ----------------------------------------------------------------


def journey_a_visitor_searches_filters_opens_and_switches_modes(browser, site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url("/"))
    page.fill("#header-q", "统计公报")
    page.press("#header-q", "Enter")
    assert page.locator(".search-hit").count() >= 1
    unfiltered = page.url
    page.locator(".search-facets a").first.click()
    assert page.url != unfiltered and page.locator(".search-hit").count() >= 1
    # The bulletin itself, not the 统计公报 column that the search also finds.
    page.click(".search-hit h3 a:has-text('鞍山市2024年国民经济和社会发展统计公报')")
    assert page.inner_text("h1") == "鞍山市2024年国民经济和社会发展统计公报"
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click("a[href^='/mode/script/traditional/']")
    assert "統計公報" in page.inner_text("h1")
    page.click("a[href^='/mode/elder/']")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= before * 1.2
    assert "統計公報" in page.inner_text("h1")  # the two modes combine
    context.close()


# --- Statistics --------------------------------------------------------------------------------


def journey_a_visitor_draws_a_chart_downloads_csv_and_sees_a_release_at_its_time(
        browser, site):
    from gongkai.official_stats.enums import ObservationStatus
    from gongkai.official_stats.tests.browser_data import make_release

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(site.url("/sjfb/data/"))
    page.click("main a:has-text('社会消费品零售总额')")
    page.wait_for_selector("#data-chart canvas", timeout=10_000)
    assert page.locator("#data-chart-figure").is_visible()
    assert page.locator("table.stats-table tbody tr").count() >= 2  # the table stays
    link = page.locator(".downloads a:has-text('CSV')").first
    with page.expect_download() as caught:
        link.click()
    content = Path(caught.value.path()).read_text(encoding="utf-8-sig")
    assert "鞍山市" in content and "社会消费品零售总额" in content, content[:500]

    # An embargoed release: announced now, its data public from its second, not before.
    stats = site.data["stats"]
    at = timezone.now() + dt.timedelta(seconds=4)
    release = make_release(site.anshan, "2026年4月主要统计数据", at, [
        (stats.retail, stats.city, "2026M04", "123.4", ObservationStatus.PRELIMINARY)])
    url = site.url(f"/sjfb/release/{release.pk}/")
    page.goto(url)
    assert "123.4" not in page.inner_text("main")
    deadline = time.monotonic() + 20
    while "123.4" not in page.inner_text("main"):
        assert time.monotonic() < deadline, "the release did not become visible"
        page.wait_for_timeout(500)
        page.goto(url)
    assert timezone.now() >= at
    context.close()


# --- 保密审查 and the personal-data gate ----------------------------------------------------


def submit_draft_for_review(browser, site, draft: Any, summary: str) -> Any:
    """The editor edits the draft in the Wagtail editor and presses 提交审核."""
    editor = staff_context(browser, site, "editor")
    page = editor.new_page()
    page.goto(site.url(f"/admin/pages/{draft.pk}/edit/"))
    page.fill("#id_summary", summary)
    # 提交审核 sits in the footer's dropdown; pressing it submits the edit form.
    with page.expect_navigation():
        page.locator("button[name='action-submit']").dispatch_event("click")
    editor.close()
    draft.refresh_from_db()
    return draft


def workflow_action(browser, site, role: str, draft: Any, data: dict[str, str]) -> Any:
    context = staff_context(browser, site, role)
    page = context.new_page()
    page.goto(site.url(f"/admin/pages/{draft.pk}/edit/"))  # what the reviewer looks at
    draft.refresh_from_db()
    state = draft.current_workflow_task_state
    assert state is not None, "no workflow task in progress"
    path = reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", state.pk])
    answer = post_as(context, site, path, data)
    text = answer.text()
    context.close()
    return answer, text


def journey_an_item_passes_the_confidentiality_review_and_is_published(browser, site):
    draft = make_item(column(site.anshan), publish=False, title="2025年统计执法检查工作情况")
    submit_draft_for_review(browser, site, draft, "2025年全市统计执法检查情况概述。")
    assert draft.workflow_in_progress
    response, text = workflow_action(browser, site, "reviewer", draft,
                                     {"confirm": "on", "comment": "不涉及国家秘密"})
    assert response.ok, text[:1500]
    response, text = workflow_action(browser, site, "approver", draft, {"comment": ""})
    assert response.ok, text[:1500]
    draft.refresh_from_db()
    assert draft.live
    page = browser.new_page()
    page.goto(site.url(draft.url))
    assert page.inner_text("h1") == "2025年统计执法检查工作情况"
    assert "全市统计执法检查情况概述" in page.inner_text("main")
    page.close()


def journey_the_personal_data_check_blocks_an_item_with_an_id_number(browser, site):
    draft = make_item(column(site.anshan), publish=False, title="关于统计调查员聘用的公示")
    submit_draft_for_review(browser, site, draft, f"拟聘用调查员：张三，身份证号{ID_NUMBER}。")
    assert draft.workflow_in_progress
    _response, text = workflow_action(browser, site, "reviewer", draft,
                                      {"confirm": "on", "comment": "可以公开"})
    draft.refresh_from_db()
    assert not draft.live
    assert ID_NUMBER not in text  # the refusal shows the finding masked
    assert "身份证" in text, text[:1500]
    page = browser.new_page()
    response = page.goto(site.url(f"/{site.anshan.slug}/zwgk/xxgkml/?q=调查员聘用"))
    assert response is not None and "关于统计调查员聘用的公示" not in page.inner_text("main")
    page.close()


# --- 专题与公众参与 ----------------------------------------------------------------------------


def journey_a_visitor_registers_for_an_open_day_and_answers_a_survey(browser, site):
    event, survey = site.data["event"], site.data["survey"]
    first = browser.new_context()
    page = first.new_page()
    page.goto(site.url(event.url))
    page.fill("#id_name", "赵敏")
    page.fill("#id_phone", "13700001111")
    page.click("main form button[type=submit]")
    assert "报名成功" in page.inner_text("[role=status]")
    second = browser.new_context()  # the only seat is taken: the next goes on the list
    other = second.new_page()
    other.goto(site.url(event.url))
    other.fill("#id_name", "钱进")
    other.fill("#id_phone", "13700002222")
    other.click("main form button[type=submit]")
    assert "候补" in other.inner_text("[role=status]")
    second.close()

    page.goto(site.url(survey.url))
    answer_survey(page, survey)
    assert "感谢" in page.inner_text("main")
    page.goto(site.url(survey.url))  # one response per browser, without an account
    assert "已提交过" in page.inner_text("main")
    first.close()
    assert survey.get_submission_class().objects.filter(page=survey).count() == 1

    # 邀请码 mode: staff generate codes in the admin and export them with their links; a
    # code answers once, whichever browser brings it.
    invited = site.data["invited_survey"]
    link = invitation_link_from_the_admin(browser, site, invited)
    invitee = browser.new_context()
    page = invitee.new_page()
    page.goto(link)
    assert page.input_value("#id_invitation_code")  # taken from the link
    answer_survey(page, invited)
    assert "问卷已提交" in page.inner_text("main"), page.inner_text("main")[:1500]
    invitee.close()
    elsewhere = browser.new_context()  # another browser with the same link
    page = elsewhere.new_page()
    page.goto(link)
    assert "该邀请码已提交过答卷" in page.inner_text("main")
    assert not page.locator("#id_invitation_code").count()
    elsewhere.close()
    assert invited.get_submission_class().objects.filter(page=invited).count() == 1


def answer_survey(page: Any, survey: Any) -> None:
    """Answer the four test questions (helpers.QUESTIONS) and submit."""
    names = [f.clean_name for f in survey.form_fields.order_by("sort_order")]
    page.check(f"input[name='{names[0]}'][value='了解']")
    page.check(f"input[name='{names[1]}'][value='门户网站']")
    page.check(f"input[name='{names[2]}'][value='4']")
    page.fill(f"[name='{names[3]}']", "希望多发布县区数据")
    page.click("main form button[type=submit]")


def invitation_link_from_the_admin(browser: Any, site: Site, survey: Any) -> str:
    """An editor generates 3 codes under 公众参与 → 邀请码 and downloads the CSV; the first
    row's link, pointed at the live server."""
    staff = staff_context(browser, site, "editor")
    desk = staff.new_page()
    desk.goto(site.url("/admin/engagement/"))
    desk.click(f"tr:has-text('{survey.title}') a:has-text('邀请码')")
    desk.fill("#id_label", "三上企业统计人员")
    desk.fill("#id_count", "3")
    desk.click("form:has(#id_count) button[type=submit]")
    desk.locator("text=已生成3个邀请码").first.wait_for()
    with desk.expect_download() as caught:
        desk.click("a:has-text('导出CSV')")
    text = Path(caught.value.path()).read_text(encoding="utf-8-sig")
    staff.close()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4 and rows[1][3] == "未使用", rows
    link = urlsplit(rows[1][2])
    return site.url(f"{link.path}?{link.query}")


JOURNEYS = [
    journey_a_citizen_applies_and_reads_the_answer_staff_gave_with_a_letter,
    journey_a_question_is_answered_and_published_with_personal_data_masked,
    journey_a_visitor_searches_filters_opens_and_switches_modes,
    journey_a_visitor_draws_a_chart_downloads_csv_and_sees_a_release_at_its_time,
    journey_an_item_passes_the_confidentiality_review_and_is_published,
    journey_the_personal_data_check_blocks_an_item_with_an_id_number,
    journey_a_visitor_registers_for_an_open_day_and_answers_a_survey,
]


def test_citizens_and_staff_complete_their_journeys_in_chromium(browser, site):
    from gongkai.site.tests.browser_support import AXE

    require_service("axe-core", AXE.exists(), "run `npm ci` (needs Node.js >= 20)")
    # GONGKAI_JOURNEYS=<substring> runs only the journeys whose name contains it (to
    # iterate on one journey without the others' minutes).
    only = os.environ.get("GONGKAI_JOURNEYS", "")
    failures = {}
    timings = {}
    for journey in [j for j in JOURNEYS if only in j.__name__]:
        started = time.perf_counter()
        try:
            journey(browser, site)
        except Exception as error:
            failures[journey.__name__] = f"{type(error).__name__}: {error}"[:3000]
        timings[journey.__name__] = round(time.perf_counter() - started, 1)
    print("journey seconds:", timings)
    for name, message in failures.items():
        print(f"--- {name}\n{message}")
    assert failures == {}
