"""The calendar services: scheduling, postponing, cancelling, revising — and the rule that a
release whose time has come can no longer change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency, AuditLogEntry
from gongkai.official_stats import selectors, services
from gongkai.official_stats.enums import ReleaseChangeKind, ReleaseStatus
from gongkai.official_stats.models import Observation, Release
from gongkai.official_stats.services import ServiceError
from gongkai.official_stats.tests.core_data import AT, NOW, Codes, csv_bytes, make_codes
from gongkai.testing import make_user

ROW = "T01.RETAIL,210300,2026M03,77.7,初步,"


@pytest.fixture
def codes(db: Any) -> Codes:
    return make_codes()


def scheduled(agency: Agency, *, at: dt.datetime = AT, rows: tuple[str, ...] = (ROW,),
              draft: bool = False) -> Release:
    with time_machine.travel(NOW, tick=False):
        release = services.create_release(None, agency, title="2026年3月主要统计数据",
                                           scheduled_at=at, schedule=not draft)
        if rows:
            services.load_file(None, release, "d.csv", csv_bytes(*rows))
    return release


def release_ats(release: Release) -> set[dt.datetime | None]:
    return set(Observation.objects.filter(release=release).values_list("release_at", flat=True))


def test_a_release_time_must_be_in_the_future_and_to_the_minute(anshan: Agency,
                                                                codes: Codes) -> None:
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(ServiceError, match="晚于当前时间"):
            services.create_release(None, anshan, title="t", scheduled_at=NOW)
        with pytest.raises(ServiceError, match="精确到分钟"):
            services.create_release(None, anshan, title="t",
                                    scheduled_at=AT.replace(second=30))


def test_postponing_moves_the_data_with_it_and_is_announced_with_its_reason(
        anshan: Agency, codes: Codes) -> None:
    release = scheduled(anshan)
    later = AT + dt.timedelta(days=2)
    with time_machine.travel(NOW, tick=False):
        services.postpone_release(None, release, later, "数据审核需要补充核实")
    assert release_ats(release) == {later}
    change = release.changes.get(kind=ReleaseChangeKind.POSTPONED)
    assert (change.old_scheduled_at, change.new_scheduled_at) == (AT, later)
    assert change.reason == "数据审核需要补充核实"
    with time_machine.travel(AT + dt.timedelta(seconds=1), tick=False):
        assert not selectors.visible_observations(dt.datetime.now(tz=dt.UTC)).exists()


def test_a_postponement_needs_a_reason(anshan: Agency, codes: Codes) -> None:
    release = scheduled(anshan)
    with time_machine.travel(NOW, tick=False), pytest.raises(ServiceError, match="原因"):
        services.postpone_release(None, release, AT + dt.timedelta(days=1), "  ")


def test_a_cancelled_release_never_shows_its_data_but_stays_on_the_calendar(
        anshan: Agency, codes: Codes) -> None:
    release = scheduled(anshan)
    with time_machine.travel(NOW, tick=False):
        services.cancel_release(None, release, "统计口径调整，本期不单独发布")
    assert release_ats(release) == {None}
    assert not selectors.visible_observations(AT + dt.timedelta(days=30)).exists()
    assert release in selectors.calendar_releases()
    assert release.changes.filter(kind=ReleaseChangeKind.CANCELLED,
                                  reason="统计口径调整，本期不单独发布").exists()


def test_a_draft_is_not_on_the_calendar_until_scheduled(anshan: Agency, codes: Codes) -> None:
    release = scheduled(anshan, draft=True)
    assert release_ats(release) == {None}
    assert release not in selectors.calendar_releases()
    with time_machine.travel(NOW, tick=False):
        services.schedule_release(None, release)
    assert release_ats(release) == {AT}
    assert release in selectors.calendar_releases()


@pytest.mark.parametrize("action", ["postpone", "cancel", "load", "clear", "text"])
def test_nothing_about_a_release_changes_once_its_time_has_come(
        anshan: Agency, codes: Codes, action: str) -> None:
    release = scheduled(anshan)
    with time_machine.travel(AT, tick=False), pytest.raises(ServiceError, match="已经发布"):
        if action == "postpone":
            services.postpone_release(None, release, AT + dt.timedelta(days=1), "原因")
        elif action == "cancel":
            services.cancel_release(None, release, "原因")
        elif action == "load":
            services.load_file(None, release, "d.csv",
                               csv_bytes("T01.RETAIL,210381,2026M03,1,,"))
        elif action == "clear":
            services.clear_data(None, release)
        else:
            services.save_text(None, release, kind="bulletin", title="公报")  # type: ignore[arg-type]
    assert Observation.objects.filter(release=release).count() == 1


def test_a_revision_keeps_the_published_value_as_a_vintage(anshan: Agency,
                                                           codes: Codes) -> None:
    original = scheduled(anshan)
    revised_at = AT + dt.timedelta(days=30)
    with time_machine.travel(AT + dt.timedelta(days=1), tick=False):
        revision = services.create_revision(None, original, title="修订", notice="依据年报修订",
                                            scheduled_at=revised_at)
        services.load_file(None, revision, "r.csv",
                           csv_bytes("T01.RETAIL,210300,2026M03,79.1,,"))
    key = (codes.retail.pk, codes.city.pk, "2026M03")
    before = selectors.observations_as_of(revised_at - dt.timedelta(seconds=1))
    after = selectors.observations_as_of(revised_at)
    assert before[key].value == Decimal("77.7")
    assert after[key].value == Decimal("79.1")
    history = selectors.observation_history(revised_at, *key)
    assert [c.value for c in history] == [Decimal("77.7"), Decimal("79.1")]
    assert revision.texts.get().kind == "revision_notice"


def test_staff_of_another_agency_may_not_touch_a_release(anshan: Agency, haicheng: Agency,
                                                         codes: Codes) -> None:
    release = scheduled(anshan)
    outsider = make_user("outsider", agency=haicheng, role=StaffRole.ADMIN)
    editor = make_user("editor", agency=anshan, role=StaffRole.EDITOR)
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(PermissionDenied):
            services.cancel_release(outsider, release, "原因")
        with pytest.raises(PermissionDenied):
            services.load_file(outsider, release, "d.csv", csv_bytes())
        # Editors load data; only approvers put things on the calendar or change them.
        with pytest.raises(PermissionDenied):
            services.postpone_release(editor, release, AT + dt.timedelta(days=1), "原因")
        services.load_file(editor, release, "d.csv",
                           csv_bytes("T01.RETAIL,210381,2026M03,1,,"))
    assert AuditLogEntry.objects.filter(action="official_stats.data_loaded",
                                        actor_id=editor.pk).exists()


def test_cache_lifetimes_never_reach_past_the_next_release(anshan: Agency,
                                                           codes: Codes) -> None:
    scheduled(anshan)
    one_minute_before = AT - dt.timedelta(seconds=60)
    assert selectors.cache_max_age(one_minute_before, 300) == 60
    assert selectors.cache_max_age(AT - dt.timedelta(days=1), 300) == 300
    assert selectors.cache_max_age(AT, 300) == 300  # nothing scheduled after it
    assert selectors.release_epoch(AT - dt.timedelta(seconds=1)) != selectors.release_epoch(AT)


def test_a_status_change_is_in_the_calendar_order(anshan: Agency, codes: Codes) -> None:
    first = scheduled(anshan, rows=())
    second = scheduled(anshan, at=AT - dt.timedelta(days=1), rows=())
    assert list(selectors.calendar_releases()) == [second, first]
    assert first.status == ReleaseStatus.SCHEDULED
