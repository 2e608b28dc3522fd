"""The reading room (依申请公开结果) and 第四十四条 (转为主动公开)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gongkai.catalog.models import DisclosureItemPage
from gongkai.core.enums import StaffRole
from gongkai.core.models import AuditLogEntry
from gongkai.info_requests import publication, services
from gongkai.info_requests.enums import Channel, Outcome
from gongkai.info_requests.models_publication import ProactiveDisclosureLink, PublishedReply
from gongkai.info_requests.services import ServiceError
from gongkai.info_requests.tests.helpers import VALID_ID, person
from gongkai.testing import column, make_user

pytestmark = pytest.mark.django_db

D = dt.date
NOW = dt.datetime(2024, 10, 10, 10, 0, tzinfo=dt.UTC)
REPLY = ("张三：\n经检索，您申请的信息已主动公开。您的身份证号" + VALID_ID
         + "，联系电话13812345678。如有疑问请致电0412-2220000。")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(anshan):
    return make_user("pub-editor", agency=anshan, role=StaffRole.EDITOR)


def replied(agency, by, description="2023年统计公报的编制说明", name="张三"):
    app = services.register_offline_application(
        person(description=description, name=name), agency=agency, channel=Channel.IN_PERSON,
        submitted_on=D(2024, 9, 27), by=by).application
    services.reply(app, Outcome.GRANTED, D(2024, 10, 9), by=by)
    app.refresh_from_db()
    return app


def test_a_published_reply_has_no_name_and_masked_personal_data(anshan, staff):
    app = replied(anshan, staff, description="张三本人2023年的统计执法记录，电话13812345678")
    published = publication.publish_reply(app, by=staff, reply_text=REPLY)
    for text in (published.reply_text, published.request_text):
        assert "张三" not in text and "13812345678" not in text
    assert VALID_ID not in published.reply_text
    assert "申请人" in published.reply_text
    assert "0412-2220000" in published.reply_text  # the agency's own published number stays
    assert AuditLogEntry.objects.filter(action="info_requests.reply_published").exists()


def test_the_reading_room_lists_published_replies_of_the_agency_only(client, anshan, haicheng,
                                                                       staff):
    app = replied(anshan, staff)
    publication.publish_reply(app, by=staff, reply_text=REPLY)
    unpublished = replied(anshan, staff, description="另一件未公开的申请")
    page = client.get(reverse("ysqgk_results:reading_room", args=[anshan.slug])).content.decode()
    assert app.number in page and "予以公开" in page and "2024年10月9日" in page
    assert unpublished.number not in page and "张三" not in page and VALID_ID not in page
    other = client.get(reverse("ysqgk_results:reading_room", args=[haicheng.slug]))
    assert app.number not in other.content.decode()


def test_the_apply_entry_page_links_to_the_reading_room(client, anshan):
    from gongkai.catalog.models import ApplyEntryPage

    entry = ApplyEntryPage.objects.descendant_of(anshan.home_page).live().first()
    assert entry is not None
    page = client.get(entry.url).content.decode()
    assert reverse("ysqgk_results:reading_room", args=[anshan.slug]) in page


@pytest.mark.parametrize("case", ["open", "twice", "no text"])
def test_only_a_replied_case_with_a_text_is_published_once(anshan, staff, case):
    if case == "open":
        app = services.register_offline_application(
            person(), agency=anshan, channel=Channel.IN_PERSON, submitted_on=D(2024, 9, 27),
            by=staff).application
        with pytest.raises(ServiceError):
            publication.publish_reply(app, by=staff, reply_text=REPLY)
    elif case == "twice":
        app = replied(anshan, staff)
        publication.publish_reply(app, by=staff, reply_text=REPLY)
        with pytest.raises(ServiceError):
            publication.publish_reply(app, by=staff, reply_text=REPLY)
    else:
        app = replied(anshan, staff)
        with pytest.raises(ServiceError, match="没有可公开的答复内容"):
            publication.publish_reply(app, by=staff)


def test_the_reply_letter_is_the_default_text_and_it_can_be_withdrawn(anshan, staff):
    app = replied(anshan, staff)
    services.create_letter(app, Outcome.GRANTED, "张三：\n您申请的信息予以公开。", by=staff)
    published = publication.publish_reply(app, by=staff)
    assert published.reply_text.startswith("申请人：")
    publication.unpublish_reply(app, by=staff)
    assert not PublishedReply.objects.filter(application=app).exists()


def test_staff_of_another_agency_can_neither_publish_nor_convert(anshan, haicheng, staff):
    app = replied(anshan, staff)
    outsider = make_user("pub-outsider", agency=haicheng, role=StaffRole.EDITOR)
    with pytest.raises(PermissionDenied):
        publication.publish_reply(app, by=outsider, reply_text=REPLY)
    with pytest.raises(PermissionDenied):
        publication.convert_to_proactive([app], by=outsider, title="统计公报编制说明")


# --- 第四十四条 ----------------------------------------------------------------------------------


def test_similar_requests_become_one_draft_item_linked_to_them(anshan, staff):
    first = replied(anshan, staff, description="2023年统计公报的编制说明")
    second = replied(anshan, staff, description="2023年统计公报编制说明", name="李四")
    page = publication.convert_to_proactive([first, second], by=staff,
                                            title="2023年统计公报编制说明")
    page = DisclosureItemPage.objects.get(pk=page.pk)
    assert not page.live and page.get_parent().slug == "tzgg"
    assert page.get_latest_revision() is not None
    assert {link.application for link in ProactiveDisclosureLink.objects.filter(page=page)} == {
        first, second}
    assert first.number in page.summary and "第四十四条" in page.summary
    assert AuditLogEntry.objects.filter(action="info_requests.converted_to_proactive").count() == 2


def test_conversion_goes_to_a_chosen_column_of_the_agency_only(anshan, haicheng, staff):
    app = replied(anshan, staff)
    page = publication.convert_to_proactive([app], by=staff, title="制度文件",
                                            column=column(anshan, "zcwj"))
    assert page.get_parent().slug == "zcwj"
    with pytest.raises(ServiceError, match="本单位"):
        publication.convert_to_proactive([app], by=staff, title="制度文件",
                                         column=column(haicheng, "zcwj"))


def test_the_workbench_converts_a_case_and_names_other_cases(client, anshan, staff):
    first = replied(anshan, staff)
    second = replied(anshan, staff, name="李四")
    client.force_login(staff)
    client.post(reverse("info_requests_admin:action", args=[first.pk, "proactive"]),
                {"proactive-title": "统计公报编制说明", "proactive-others": second.number})
    links = ProactiveDisclosureLink.objects.all()
    assert {link.application_id for link in links} == {first.pk, second.pk}
    client.post(reverse("info_requests_admin:action", args=[first.pk, "publish"]),
                {"publish-reply_text": REPLY})
    assert PublishedReply.objects.filter(application=first).exists()


def test_a_published_reply_is_found_by_the_site_search_until_it_is_withdrawn(
        anshan, staff, django_capture_on_commit_callbacks):
    from gongkai.core.search.service import search

    app = replied(anshan, staff, description="2023年鞍山市独特检索词甲乙统计编制说明")
    with django_capture_on_commit_callbacks(execute=True):
        published = publication.publish_reply(app, by=staff, reply_text=REPLY)
    hits = search("独特检索词甲乙", now=NOW + dt.timedelta(minutes=1)).hits
    assert [hit.url for hit in hits] == [
        reverse("ysqgk_results:reading_room", args=[anshan.slug]) + f"#reply-{published.pk}"]
    assert "张三" not in hits[0].snippet_html  # the masked text is what is indexed
    with django_capture_on_commit_callbacks(execute=True):
        publication.unpublish_reply(app, by=staff)
    assert search("独特检索词甲乙", now=NOW + dt.timedelta(minutes=1)).hits == []
