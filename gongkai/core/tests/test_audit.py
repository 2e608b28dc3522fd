"""The hash-chained audit log: appended by services, verified, never edited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse

from gongkai.core import audit
from gongkai.core.enums import HolidayKind, StaffRole
from gongkai.core.models import AuditChainHead, AuditLogEntry, HolidaySchedule
from gongkai.core.services import HolidayEntry, save_holiday_schedule
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


def record_three() -> list[AuditLogEntry]:
    return [audit.record(action=f"test.step{i}", data={"n": i, "text": f"第{i}步"})
            for i in range(1, 4)]


def test_it_chains_each_entry_to_the_previous_one():
    # The shared test agencies were created (and audited) once per test database.
    head = AuditChainHead.objects.first()
    last_seq, last_hash = (head.last_seq, head.last_hash) if head else (0, "")
    first, second, third = record_three()
    assert [e.seq for e in (first, second, third)] == [last_seq + 1, last_seq + 2, last_seq + 3]
    assert first.prev_hash == last_hash
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (third.seq, third.hash)


def test_it_verifies_an_intact_chain():
    record_three()
    assert audit.verify_chain() is None


def test_it_verifies_an_empty_chain():
    AuditLogEntry.objects.all().delete()
    AuditChainHead.objects.all().delete()
    assert audit.verify_chain() is None


def test_it_finds_every_entry_deleted_behind_its_back():
    record_three()
    AuditLogEntry.objects.all().delete()  # the head still names the last entry
    assert audit.verify_chain() == 1


def test_it_finds_the_newest_entries_deleted():
    _first, _second, third = record_three()
    AuditLogEntry.objects.filter(seq=third.seq).delete()
    assert audit.verify_chain() == third.seq


def test_it_finds_data_changed_behind_its_back():
    _first, second, _third = record_three()
    AuditLogEntry.objects.filter(seq=second.seq).update(data={"n": 99})
    assert audit.verify_chain() == second.seq


@pytest.mark.parametrize(
    "change",
    [{"actor_label": "someone-else"}, {"action": "test.other"}, {"target_id": "7"},
     {"at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}],
)
def test_it_finds_any_changed_field(change):
    *_earlier, third = record_three()
    AuditLogEntry.objects.filter(seq=third.seq).update(**change)
    assert audit.verify_chain() == third.seq


def test_it_finds_a_deleted_entry():
    _first, second, third = record_three()
    AuditLogEntry.objects.filter(seq=second.seq).delete()
    assert audit.verify_chain() == third.seq


def test_it_finds_a_rehashed_entry_by_the_next_link():
    first, second, third = record_three()
    forged = audit._digest(first.hash, second.seq, {**audit._payload(second), "data": {"n": 99}})
    AuditLogEntry.objects.filter(seq=second.seq).update(data={"n": 99}, hash=forged)
    assert audit.verify_chain() == third.seq


def test_it_refuses_to_save_an_entry_again():
    entry = audit.record(action="test.once")
    entry.data = {"changed": True}
    with pytest.raises(ValidationError):
        entry.save()
    entry.refresh_from_db()
    assert entry.data == {}


def test_it_records_who_changed_the_holiday_table():
    user = make_user("platform", superuser=True)
    schedule = save_holiday_schedule(
        year=2027, notice_title="测试", by=user,
        entries=[HolidayEntry(date=dt.date(2027, 1, 1), kind=HolidayKind.DAY_OFF, name="元旦")],
    )
    entry = AuditLogEntry.objects.get(action="workdays.schedule_created")
    assert entry.actor_id == user.pk and entry.actor_label == "platform"
    assert (entry.target_type, entry.target_id) == ("core.holidayschedule", str(schedule.pk))
    assert entry.data == {"year": 2027, "days_off": 1, "working_weekend_days": 0}
    assert audit.verify_chain() is None


def test_it_records_nothing_when_the_service_refuses(anshan):
    staff = make_user("boss", agency=anshan, role=StaffRole.ADMIN)
    count = AuditLogEntry.objects.count()
    with pytest.raises(PermissionDenied):
        save_holiday_schedule(year=2027, notice_title="测试", by=staff, entries=[])
    assert AuditLogEntry.objects.count() == count
    assert not HolidaySchedule.objects.filter(year=2027).exists()


# --- The read-only listing in the admin ------------------------------------------------------


def test_it_lists_the_log_for_platform_admins(client):
    entry = audit.record(action="test.visible", data={"说明": "可见"})
    audit.record(action="other.hidden")
    client.force_login(make_user("platform", superuser=True))
    content = client.get(reverse("audit_log:index"), {"action": "test."}).content.decode()
    assert "test.visible" in content and "other.hidden" not in content
    assert "操作人" in content
    detail = client.get(reverse("audit_log:inspect", args=[entry.pk])).content.decode()
    assert entry.hash in detail and "本条哈希" in detail


def test_it_offers_no_way_to_change_the_log():
    for name in ("add", "edit", "delete", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"audit_log:{name}", args=[] if name == "add" else [1])


def test_it_keeps_agency_staff_out_of_the_log(client, anshan):
    entry = audit.record(action="test.secret")
    client.force_login(make_user("boss", agency=anshan, role=StaffRole.ADMIN))
    for url in (reverse("audit_log:index"), reverse("audit_log:inspect", args=[entry.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "test.secret" not in response.content.decode()
