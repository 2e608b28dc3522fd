"""The release workbench in the Wagtail admin: agency scoping, the row-by-row error list,
texts and the calendar actions, all through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency
from gongkai.official_stats import services
from gongkai.official_stats.enums import ReleaseStatus
from gongkai.official_stats.models import Observation, Release
from gongkai.official_stats.tests.core_data import AT, NOW, csv_bytes, make_codes
from gongkai.testing import make_user, refused

HOME = "/admin/statistics/"


@pytest.fixture
def release(anshan: Agency, db: Any) -> Release:
    make_codes()
    with time_machine.travel(NOW, tick=False):
        return services.create_release(None, anshan, title="2026年3月主要统计数据",
                                       scheduled_at=AT)


def staff(anshan: Agency, role: StaffRole = StaffRole.APPROVER) -> Client:
    client = Client()
    client.force_login(make_user(f"u-{role}", agency=anshan, role=role))  # type: ignore[arg-type]
    return client


def page(release: Release) -> str:
    return f"{HOME}releases/{release.pk}/"


def test_a_bad_upload_shows_every_bad_row_and_loads_nothing(anshan: Agency,
                                                            release: Release) -> None:
    client = staff(anshan, StaffRole.EDITOR)
    data = csv_bytes("T01.RETAIL,210300,2026M03,77.7,,", "T01.RETAIL,999,2026M03,x,,")
    with time_machine.travel(NOW, tick=False):
        response = client.post(page(release), {"action": "upload",
                                                "file": SimpleUploadedFile("d.csv", data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "第3行：未知的地区代码“999”" in html
    assert "第3行：数值“x”不是数字" in html
    assert 'role="alert"' in html
    assert not Observation.objects.exists()


def test_a_good_upload_then_review_then_the_public_sees_it_at_the_time(
        anshan: Agency, release: Release) -> None:
    client = staff(anshan)
    with time_machine.travel(NOW, tick=False):
        response = client.post(page(release), {
            "action": "upload",
            "file": SimpleUploadedFile("d.csv", csv_bytes("T01.RETAIL,210300,2026M03,77.7,,"))})
        assert response.status_code == 302
        client.post(page(release), {"action": "text", "kind": "bulletin", "title": "三月公报",
                                    "body": "## 一、消费\n零售总额{T01.RETAIL|210300|2026M03}。\n"
                                            "[[表格|消费|T01.RETAIL|210300|2026M03]]"})
        client.post(page(release), {"action": "review", "confirm": "on"})
        html = client.get(page(release)).content.decode()
    assert "77.7" in html and "三月公报" in html and " 审核</dd>" in html
    release.refresh_from_db()
    assert release.reviewed_at is not None
    text = release.texts.get()
    assert [b.block_type for b in text.body] == ["heading", "data_text", "data_table"]
    public = Client()
    with time_machine.travel(AT - dt.timedelta(seconds=1), tick=False):
        assert "77.7" not in public.get(f"/sjfb/release/{release.pk}/").content.decode()
    with time_machine.travel(AT, tick=False):
        assert "77.7" in public.get(f"/sjfb/release/{release.pk}/").content.decode()


def test_a_text_citing_missing_data_is_refused_and_keeps_what_was_typed(
        anshan: Agency, release: Release) -> None:
    client = staff(anshan)
    with time_machine.travel(NOW, tick=False):
        response = client.post(page(release), {"action": "text", "kind": "bulletin",
                                                "title": "三月公报",
                                                "body": "总额{T01.RETAIL|210300|2026M04}"})
    html = response.content.decode()
    assert "找不到对应数据" in html
    assert "总额{T01.RETAIL|210300|2026M04}" in html
    assert not release.texts.exists()


def test_postpone_and_cancel_need_a_reason(anshan: Agency, release: Release) -> None:
    client = staff(anshan)
    with time_machine.travel(NOW, tick=False):
        response = client.post(page(release), {"action": "cancel", "reason": ""})
        assert response.status_code == 200
        client.post(page(release), {"action": "reschedule", "day": "2026-04-16",
                                    "time": "10:00", "reason": "核实"})
        client.post(page(release), {"action": "cancel", "reason": "并入下期发布"})
    release.refresh_from_db()
    assert release.status == ReleaseStatus.CANCELLED
    assert release.changes.count() == 3  # announced, postponed, cancelled


def test_staff_create_a_release_from_the_home_page(anshan: Agency, release: Release) -> None:
    client = staff(anshan)
    with time_machine.travel(NOW, tick=False):
        assert "2026年3月主要统计数据" in client.get(HOME).content.decode()
        response = client.post(HOME, {"action": "create", "agency": anshan.pk,
                                      "title": "2026年4月数据", "day": "2026-05-15",
                                      "time": "09:30", "schedule": "on"})
    assert response.status_code == 302
    assert Release.objects.get(title="2026年4月数据").status == ReleaseStatus.SCHEDULED


def test_another_agency_cannot_see_or_change_the_release(haicheng: Agency,
                                                          release: Release) -> None:
    client = staff(haicheng)
    with time_machine.travel(NOW, tick=False):
        assert refused(client.get(page(release)))
        assert refused(client.post(page(release), {"action": "cancel", "reason": "x"}))
        assert "2026年3月主要统计数据" not in client.get(HOME).content.decode()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.SCHEDULED


def test_the_codelists_page_shows_the_tree(anshan: Agency, release: Release) -> None:
    html = staff(anshan).get(f"{HOME}codelists/").content.decode()
    assert "社会消费品零售总额" in html and "非行政区划" in html
