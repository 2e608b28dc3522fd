"""The 节假日安排 admin screens: platform administrators enter a new year's schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse

from gongkai.core.enums import HolidayKind, StaffRole
from gongkai.core.models import AuditLogEntry, HolidayDate, HolidaySchedule
from gongkai.core.selectors import load_calendar
from gongkai.core.viewsets import PlatformAdminGroup
from gongkai.core.workdays import add_working_days
from gongkai.testing import make_user, refused

pytestmark = pytest.mark.django_db

# Test data only: the official 2027 schedule had not been read when this was written
# (see /work/shared/reference/holidays.md), so these dates are made up for the test.
SCHEDULE_2027 = """\
2027-01-01 off 元旦
2027-02-06~2027-02-12 off 春节   # 周六至周五
2027-02-14 work 春节
"""


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "year": "2027",
        "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
        "notice_number": "国办发明电〔2026〕7号",
        "notice_date": "2026-11-04",
        "source_url": "",
        "note": "",
        "dates": SCHEDULE_2027,
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("platform", superuser=True))
    return client


def test_it_lists_the_loaded_years_and_names_the_missing_one(admin_client):
    response = admin_client.get(reverse("holiday_schedules:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "2026" in content and "2020" in content
    assert "尚未录入：2027年" in content


def test_it_lets_a_platform_admin_enter_the_2027_schedule(
    admin_client, django_capture_on_commit_callbacks
):
    before = load_calendar()  # cached: the save must make the next read fresh
    assert add_working_days(before, dt.date(2027, 2, 5), 1).value == dt.date(2027, 2, 8)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("holiday_schedules:add"), form_data())

    assert response.status_code == 302
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.notice_number == "国办发明电〔2026〕7号"
    assert schedule.dates.filter(kind=HolidayKind.DAY_OFF).count() == 8
    assert list(schedule.dates.filter(kind=HolidayKind.WORKING_WEEKEND)
                .values_list("date", flat=True)) == [dt.date(2027, 2, 14)]
    after = load_calendar()
    assert after.has_schedule(2027)
    answer = add_working_days(after, dt.date(2027, 2, 5), 1)
    assert answer.value == dt.date(2027, 2, 14)
    assert not answer.schedule_missing
    entry = AuditLogEntry.objects.get(action="workdays.schedule_created")
    assert entry.actor_label == "platform"
    assert entry.data == {"year": 2027, "days_off": 8, "working_weekend_days": 1}


def test_it_shows_the_dates_of_a_year_as_editable_text(admin_client):
    schedule = HolidaySchedule.objects.get(year=2024)
    response = admin_client.get(reverse("holiday_schedules:edit", args=[schedule.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "2024-10-01~2024-10-07 off 国庆节" in content
    assert "2024-10-12 work 国庆节" in content


def test_it_replaces_a_year_through_the_edit_form(admin_client):
    schedule = HolidaySchedule.objects.get(year=2024)
    response = admin_client.post(
        reverse("holiday_schedules:edit", args=[schedule.pk]),
        form_data(year="1999", notice_title=schedule.notice_title, notice_number="",
                  notice_date="2023-10-25",
                  dates="2024-01-01 off 元旦\n2024-02-04 work 春节\n"),
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.year == 2024  # the year cannot be changed on edit
    assert [(d.date, d.kind) for d in schedule.dates.all()] == [
        (dt.date(2024, 1, 1), "off"), (dt.date(2024, 2, 4), "work")]
    assert AuditLogEntry.objects.filter(action="workdays.schedule_replaced").exists()


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ("2027-01-01 off 元旦\n2027-01-05 work 春节\n",
         "调休上班日 2027-01-05 不是周末，无需登记。"),
        ("2027-01-01 off 元旦\n2029-01-01 off 元旦\n", "日期 2029-01-01 不属于 2027 年的安排。"),
        ("2027-01-01 off 元旦\n2027-13-01 off 春节\n", "第2行：无法识别日期“2027-13-01”"),
        ("2027-01-01 holiday 元旦\n", "第1行：类型“holiday”无法识别"),
        ("2027-01-01 off 元旦\n2027-01-01 off 元旦\n", "第2行：日期 2027-01-01 与第1行重复。"),
        ("# nothing yet\n", "请至少录入一个日期。"),
    ],
)
def test_it_shows_the_error_and_keeps_what_was_typed(admin_client, dates, message):
    response = admin_client.post(reverse("holiday_schedules:add"), form_data(dates=dates))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert dates.splitlines()[0] in content  # the textarea still holds the typed text
    assert "国办发明电〔2026〕7号" in content
    assert not HolidaySchedule.objects.filter(year=2027).exists()
    assert not HolidayDate.objects.filter(date__year=2027).exists()
    assert not AuditLogEntry.objects.filter(action__startswith="workdays.").exists()


def test_it_refuses_a_second_schedule_for_a_loaded_year(admin_client):
    response = admin_client.post(reverse("holiday_schedules:add"),
                                 form_data(year="2024", dates="2024-01-01 off 元旦\n"))
    assert response.status_code == 200
    assert "2024年的节假日安排已录入" in response.content.decode()
    assert HolidaySchedule.objects.get(year=2024).dates.count() == 38


def test_it_refuses_a_malformed_notice_number(admin_client):
    response = admin_client.post(reverse("holiday_schedules:add"),
                                 form_data(notice_number="国办发明电[2026]7号"))
    assert response.status_code == 200
    assert "六角括号" in response.content.decode()
    assert not HolidaySchedule.objects.filter(year=2027).exists()


def test_it_refuses_a_year_far_in_the_future(admin_client):
    response = admin_client.post(reverse("holiday_schedules:add"),
                                 form_data(year="2207", dates="2207-01-01 off 元旦\n"))
    assert response.status_code == 200
    assert "年度应在2000年至" in response.content.decode()


def test_it_never_deletes_a_schedule(admin_client):
    schedule = HolidaySchedule.objects.get(year=2024)
    assert refused(admin_client.post(reverse("holiday_schedules:delete", args=[schedule.pk])))
    assert HolidaySchedule.objects.filter(year=2024).exists()


@pytest.mark.parametrize("role", [StaffRole.ADMIN, StaffRole.EDITOR])
def test_it_keeps_agency_staff_out(client, anshan, role):
    client.force_login(make_user("staff", agency=anshan, role=role))
    schedule = HolidaySchedule.objects.get(year=2024)
    for url in (reverse("holiday_schedules:index"), reverse("holiday_schedules:add"),
                reverse("holiday_schedules:edit", args=[schedule.pk])):
        assert refused(client.get(url)), url
    assert refused(client.post(reverse("holiday_schedules:add"), form_data()))
    assert not HolidaySchedule.objects.filter(year=2027).exists()


def test_it_keeps_anonymous_visitors_out(client):
    response = client.get(reverse("holiday_schedules:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_it_shows_the_menu_by_role(anshan):
    def labels(user) -> set[str]:
        request = RequestFactory().get("/admin/")
        request.user = user
        return {str(item.label) for item in PlatformAdminGroup().get_submenu_items()
                if item.is_shown(request)}

    assert labels(make_user("root", superuser=True)) == {"机构管理", "节假日安排", "审计日志"}
    assert labels(make_user("boss", agency=anshan, role=StaffRole.ADMIN)) == {"机构管理"}
    assert labels(make_user("editor", agency=anshan, role=StaffRole.EDITOR)) == set()
