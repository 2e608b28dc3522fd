"""The 公开时效（第二十六条） report and dashboard panel in the admin, per agency.

Today is fixed at Tuesday 2024-04-02 (Beijing time). Expected dates, counted by hand on
the 2024 schedule (清明 04-04..04-06 off, Sunday 04-07 worked):

* formed 2024-02-01 → deadline 2024-03-05 (春节 in between);
* published 2024-03-20 → 11 working days late;
* a draft formed 2024-02-01 → 20 working days overdue today;
* a draft formed 2024-03-08 → deadline 2024-04-08, 3 working days left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu

from gongkai.catalog.admin_views import report_for
from gongkai.catalog.models import DisclosureItemPage
from gongkai.catalog.timeliness import Timeliness
from gongkai.core.enums import StaffRole
from gongkai.testing import column, make_item, make_user

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = dt.datetime(2024, 4, 2, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def published(parent: Any, title: str, formed_on: dt.date, published_on: dt.date,
              **fields: Any) -> DisclosureItemPage:
    item = make_item(parent, title=title, formed_on=formed_on, **fields)
    moment = dt.datetime.combine(published_on, dt.time(9, 30), tzinfo=BEIJING)
    DisclosureItemPage.objects.filter(pk=item.pk).update(first_published_at=moment,
                                                         last_published_at=moment)
    return item


def items_of(agency: Any, prefix: str) -> dict[str, DisclosureItemPage]:
    zcwj = column(agency)
    return {
        "late": published(zcwj, f"{prefix}超期发布的通知", dt.date(2024, 2, 1),
                          dt.date(2024, 3, 20)),
        "on_time": published(zcwj, f"{prefix}按时发布的通知", dt.date(2024, 3, 1),
                             dt.date(2024, 3, 10)),
        # Formed long ago but changed recently: the clock restarts at the change.
        "changed": published(zcwj, f"{prefix}变更后及时发布的通知", dt.date(2023, 6, 1),
                             dt.date(2024, 3, 29), changed_on=dt.date(2024, 3, 28)),
        "overdue": make_item(zcwj, publish=False, title=f"{prefix}超期未发布的草稿",
                             formed_on=dt.date(2024, 2, 1)),
        "due_soon": make_item(zcwj, publish=False, title=f"{prefix}临近期限的草稿",
                              formed_on=dt.date(2024, 3, 8)),
        "pending": make_item(zcwj, publish=False, title=f"{prefix}刚起草的草稿",
                             formed_on=dt.date(2024, 3, 29)),
    }


@pytest.fixture
def world(anshan, haicheng, today) -> dict[str, Any]:
    return {
        "anshan": items_of(anshan, "鞍山"),
        "haicheng": items_of(haicheng, "海城"),
        "anshan_editor": make_user("tl_as_editor", agency=anshan, role=StaffRole.EDITOR),
        "haicheng_reviewer": make_user("tl_hc_reviewer", agency=haicheng,
                                       role=StaffRole.REVIEWER),
        "root": make_user("tl_root", superuser=True),
    }


def page(user: Any, query: str = "") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("catalog_timeliness_report") + query)
    assert response.status_code == 200
    return str(response.content.decode("utf-8"))


LISTED = ("late", "overdue", "due_soon")
NOT_LISTED = ("on_time", "changed", "pending")


def test_the_report_computes_deadlines_on_working_days(world, anshan, today):
    report = report_for([anshan])
    (result,) = report.agencies
    late = {item.title: item for item in result.late}
    assert list(late) == [world["anshan"]["late"].title]
    (item,) = late.values()
    assert (item.information_date, item.deadline, item.published_on,
            item.working_days_late) == (dt.date(2024, 2, 1), dt.date(2024, 3, 5),
                                        dt.date(2024, 3, 20), 11)
    pending = {item.title: item for item in result.pending}
    overdue = pending[world["anshan"]["overdue"].title]
    assert (overdue.status, overdue.deadline, overdue.working_days, overdue.state) == (
        Timeliness.OVERDUE, dt.date(2024, 3, 5), 20, "草稿")
    due_soon = pending[world["anshan"]["due_soon"].title]
    assert (due_soon.status, due_soon.deadline, due_soon.working_days) == (
        Timeliness.DUE_SOON, dt.date(2024, 4, 8), 3)
    assert len(pending) == 2
    assert report.missing_years == () and report.warning == ""


def test_a_document_from_long_ago_is_late_without_a_day_count(anshan, today):
    """The working-day counter stops at about ten years; the item is still reported."""
    old = published(column(anshan), "2010年的旧文件", dt.date(2010, 1, 4), dt.date(2024, 3, 20))
    forgotten = make_item(column(anshan), publish=False, title="2012年的旧草稿",
                          formed_on=dt.date(2012, 5, 2))
    (result,) = report_for([anshan]).agencies
    assert [(i.page_id, i.working_days_late) for i in result.late] == [(old.pk, None)]
    assert [(i.page_id, i.status, i.working_days) for i in result.pending] == [
        (forgotten.pk, Timeliness.OVERDUE, None)]
    html = page(make_user("tl_old", agency=anshan, role=StaffRole.EDITOR))
    assert "十年以上" in html and "已超期十年以上" in html


def test_agency_staff_see_their_own_agency_only(world):
    html = page(world["anshan_editor"])
    for key in LISTED:
        assert world["anshan"][key].title in html
    for key in NOT_LISTED:
        assert world["anshan"][key].title not in html
    assert "2024-03-05" in html and "2024-04-08" in html
    assert "11 个工作日" in html
    assert "已超期 20 个工作日" in html
    assert "剩余 3 个工作日" in html
    assert "海城" not in html
    assert "年的节假日安排尚未录入" not in html

    # Every role sees its agency's report, and only that.
    html = page(world["haicheng_reviewer"])
    for key in LISTED:
        assert world["haicheng"][key].title in html
    assert "鞍山" not in html


def test_staff_cannot_ask_for_another_agency(world, anshan):
    client = Client()
    client.force_login(world["haicheng_reviewer"])
    response = client.get(reverse("catalog_timeliness_report") + f"?agency={anshan.pk}")
    assert response.status_code == 404
    assert "鞍山" not in response.content.decode("utf-8")


def test_a_platform_admin_sees_every_agency_and_can_filter(world, haicheng):
    html = page(world["root"])
    for agency in ("anshan", "haicheng"):
        for key in LISTED:
            assert world[agency][key].title in html
    assert 'name="agency"' in html

    html = page(world["root"], f"?agency={haicheng.pk}")
    assert world["haicheng"]["late"].title in html
    assert "鞍山" not in html.split('name="agency"')[1].split("</form>")[1]


def test_the_report_warns_when_a_deadline_year_has_no_holiday_schedule(anshan, haicheng):
    # The seeded schedules end with 2026; this draft's deadline falls in January 2027
    # (07 January if 元旦 were a working day, which it will not be).
    with time_machine.travel(dt.datetime(2026, 12, 31, 10, tzinfo=BEIJING), tick=False):
        make_item(column(anshan), publish=False, title="跨年草稿",
                  formed_on=dt.date(2026, 12, 10))
        user = make_user("tl_warned", agency=anshan, role=StaffRole.EDITOR)
        html = page(user)
    assert "跨年草稿" in html and "2027-01-07" in html
    assert "2027年的节假日安排尚未录入" in html
    assert 'data-gongkai-warning="missing-holidays"' in html


def test_the_dashboard_summarises_the_users_agencies(world):
    client = Client()
    client.force_login(world["anshan_editor"])
    html = client.get(reverse("wagtailadmin_home")).content.decode("utf-8")
    assert "公开时效（第二十六条）" in html
    assert "超期发布 1 条；未发布且已超期 1 条；未发布且临近期限 1 条。" in html
    assert reverse("catalog_timeliness_report") in html


def test_the_menu_item_is_for_agency_staff(world):
    def menu_names(user: Any) -> list[str]:
        request = RequestFactory().get("/admin/")
        request.user = user
        return [item.name for item in admin_menu.menu_items_for_request(request)]

    assert "gongkai-timeliness" in menu_names(world["haicheng_reviewer"])
    assert "gongkai-timeliness" in menu_names(world["root"])
    assert "gongkai-timeliness" not in menu_names(make_user("tl_nobody"))
