"""The statutory clock of an information request, on a calendar built in the test from the
official 2020–2026 lists (as gongkai/core/tests/test_workdays.py does). Pure: no database;
``now`` is passed in, never read from the system clock.

Every expected date below was counted by hand against /work/shared/reference/holidays.md
(day 1 is the first working day after receipt unless a test says otherwise). Two worked
examples:

* received Fri 2024-09-27 → 2024-10-30: 09-28 Sat off; 09-29 Sun 调休上班 = day 1; 09-30 = 2;
  10-01…10-07 国庆 off; 10-08…10-11 = 3…6; 10-12 Sat 调休上班 = 7; 10-14…10-18 = 8…12;
  10-21…10-25 = 13…17; 10-28, 10-29, 10-30 = 18, 19, 20.
* received Fri 2026-02-13 → 2026-03-19: 02-14 Sat 调休上班 = day 1; 02-15…02-23 春节 off;
  02-24…02-27 = 2…5; 02-28 Sat 调休上班 = 6; 03-02…03-06 = 7…11; 03-09…03-13 = 12…16;
  03-16…03-19 = 17…20.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gongkai.core.api import missing_warning as core_missing_warning
from gongkai.core.tests.test_holiday_seed import OFFICIAL, official_off, official_work
from gongkai.core.workdays import (
    WorkdayCalendar,
    YearSchedule,
    add_working_days,
    working_days_between,
)
from gongkai.info_requests.clock import (
    CaseFacts,
    Event,
    PauseReason,
    _Clock,
    compute_deadlines,
    missing_warning,
    receipt_date,
)
from gongkai.info_requests.enums import Channel, DayCounting, Outcome, Status
from gongkai.info_requests.enums import EventKind as K

D = dt.date
CALENDAR = WorkdayCalendar.from_schedules(
    YearSchedule(year=year, days_off=official_off(year), working_weekend_days=official_work(year))
    for year in OFFICIAL
)


def clock(received, *events, now, **options):
    return compute_deadlines(CaseFacts(received, list(events)), CALENDAR, now=now, **options)


def texts(result):
    return [step.text for step in result.explanation]


# --- 20 working days around every Spring Festival and National Day, 2020–2026 -----------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # 春节 (received on the last working day before the holiday)
        (D(2020, 1, 23), D(2020, 2, 28)),   # COVID-extended holiday to 02-02; 02-01 not worked
        (D(2021, 2, 10), D(2021, 3, 16)),   # 02-20 Sat worked = day 3
        (D(2022, 1, 28), D(2022, 3, 2)),    # 01-29 Sat, 01-30 Sun worked = days 1, 2
        (D(2023, 1, 20), D(2023, 2, 22)),   # 01-28 Sat, 01-29 Sun worked after the holiday
        (D(2024, 2, 8), D(2024, 3, 13)),    # 除夕 02-09 a working day; 02-18 Sun worked
        (D(2025, 1, 27), D(2025, 3, 3)),    # from 2025 除夕 (01-28) is off; 02-08 Sat worked
        (D(2026, 2, 13), D(2026, 3, 19)),   # 02-14 and 02-28 Sat worked (worked example above)
        # 国庆节
        (D(2020, 9, 30), D(2020, 11, 4)),   # off 10-01…10-08; 10-10 Sat worked
        (D(2021, 9, 30), D(2021, 11, 3)),   # 10-09 Sat worked
        (D(2022, 9, 30), D(2022, 11, 2)),   # 10-08 Sat, 10-09 Sun worked
        (D(2023, 9, 28), D(2023, 11, 1)),   # 中秋+国庆 09-29…10-06; 10-07, 10-08 worked
        (D(2024, 9, 27), D(2024, 10, 30)),  # the worked example above
        (D(2025, 9, 30), D(2025, 11, 4)),   # off 10-01…10-08; 10-11 Sat worked
        (D(2026, 9, 30), D(2026, 11, 3)),   # 10-10 Sat worked
    ],
)
def test_the_answer_is_due_20_working_days_after_receipt(received, due):
    result = clock(received, now=received)
    assert (result.due, result.first_due, result.status) == (due, due, Status.IN_PROGRESS)
    assert result.missing_years == () and result.warnings == ()
    assert result.working_days_left == 20


# every 调休上班 weekend day 2020–2026 (holidays.md, machine-readable summary)
MAKE_UP_DAYS = " ".join((
    "2020-01-19 2020-04-26 2020-05-09 2020-06-28 2020-09-27 2020-10-10 "
    "2021-02-07 2021-02-20 2021-04-25 2021-05-08 2021-09-18 2021-09-26 2021-10-09 "
    "2022-01-29 2022-01-30 2022-04-02 2022-04-24 2022-05-07 2022-10-08 2022-10-09 "
    "2023-01-28 2023-01-29 2023-04-23 2023-05-06 2023-06-25 2023-10-07 2023-10-08 "
    "2024-02-04 2024-02-18 2024-04-07 2024-04-28 2024-05-11 2024-09-14 2024-09-29 "
    "2024-10-12 "
    "2025-01-26 2025-02-08 2025-04-27 2025-09-28 2025-10-11 "
    "2026-01-04 2026-02-14 2026-02-28 2026-05-09 2026-09-20 2026-10-10",
)).split()


@pytest.mark.parametrize("day", MAKE_UP_DAYS)
def test_a_make_up_working_weekend_day_counts(day):
    work_day = D.fromisoformat(day)
    assert work_day.weekday() >= 5
    # Received the day before: the make-up day is day 1, so 19 days are left at its end.
    result = clock(work_day - dt.timedelta(days=1), now=work_day)
    assert result.working_days_left == 19


@pytest.mark.parametrize(
    ("received", "convention", "due"),
    [
        (D(2024, 9, 27), DayCounting.AFTER_RECEIPT, D(2024, 10, 30)),
        (D(2024, 9, 27), DayCounting.FROM_RECEIPT, D(2024, 10, 29)),   # Fri 09-27 is day 1
        (D(2024, 9, 28), DayCounting.FROM_RECEIPT, D(2024, 10, 30)),   # Sat off: 09-29 is day 1
        # 10-12 is a worked Saturday: day 1 of 20 (10-14…11-07 = 2…20) when counted, …
        (D(2024, 10, 12), DayCounting.FROM_RECEIPT, D(2024, 11, 7)),
        # … otherwise 10-14…10-18 = 1…5, …, 11-04…11-08 = 16…20.
        (D(2024, 10, 12), DayCounting.AFTER_RECEIPT, D(2024, 11, 8)),
    ],
)
def test_the_counting_convention_is_a_parameter(received, convention, due):
    assert clock(received, now=received, convention=convention).due == due


def test_the_correction_notice_is_due_7_working_days_after_receipt():
    # 09-29 (1), 09-30 (2), 10-08…10-11 (3…6), 10-12 Sat worked (7)
    assert clock(D(2024, 9, 27), now=D(2024, 9, 27)).correction_notice_due == D(2024, 10, 12)


# --- The 2026 → 2027 boundary (2027 not loaded) --------------------


def test_a_deadline_in_2027_warns_instead_of_guessing():
    result = clock(D(2026, 12, 10), now=D(2026, 12, 11))
    # 12-11 … 12-31 = 15 working days; then 2027 as a plain Mon–Fri week: 01-01 (16),
    # 01-04 … 01-07 (17 … 20). The 2027 notice may well change this: hence the warning.
    assert result.due == D(2027, 1, 7)
    assert result.missing_years == (2027,)
    assert result.warnings == (missing_warning([2027]),)
    assert texts(result)[-1].startswith("2027年的节假日安排尚未录入")


def test_a_deadline_inside_2026_does_not_warn():
    result = clock(D(2026, 12, 1), now=D(2026, 12, 24))
    assert result.due == D(2026, 12, 29)
    assert result.missing_years == ()
    assert (result.working_days_left, result.at_risk) == (3, True)   # 12-25, 12-28, 12-29


def test_the_warning_has_the_same_wording_as_everywhere_else():
    assert missing_warning([2027]) == core_missing_warning((2027,))
    assert missing_warning([]) == ""


# --- 补正 (第三十条) --------------------


def test_the_20_days_restart_in_full_after_a_correction():
    result = clock(D(2024, 9, 27),
                   Event(K.CORRECTION_REQUESTED, D(2024, 9, 30), {"period_days": 5}),
                   Event(K.CORRECTION_RECEIVED, D(2024, 10, 8)),
                   now=D(2024, 10, 10))
    # From 10-08: 10-09…10-11 (3), 10-12 Sat (4), 10-14…10-18 (9), 10-21…10-25 (14),
    # 10-28…11-01 (19), 11-04 (20).
    assert result.due == D(2024, 11, 4)
    assert result.clock_start == D(2024, 10, 8)
    assert result.correction_deadline == D(2024, 10, 12)  # 5 working days after 09-30
    expected = "收到补正材料，答复期限自2024-10-08起重新计算20个工作日（《条例》第三十条）"
    assert expected in texts(result)
    assert result.status == Status.IN_PROGRESS


def test_while_waiting_for_a_correction_no_answer_period_runs():
    result = clock(D(2024, 9, 27),
                   Event(K.CORRECTION_REQUESTED, D(2024, 9, 30), {"deadline": D(2024, 10, 12)}),
                   now=D(2024, 10, 11))
    assert result.status == Status.AWAITING_CORRECTION
    assert (result.due, result.overdue) == (None, False)
    assert result.correction_deadline == D(2024, 10, 12)


@pytest.mark.parametrize(
    ("events", "closed_on"),
    [
        ((), D(2024, 10, 12)),                                          # computed on 10-14
        ((Event(K.CORRECTION_LAPSED, D(2024, 10, 13)),), D(2024, 10, 13)),  # recorded
    ],
)
def test_no_correction_in_time_means_the_application_is_abandoned(events, closed_on):
    result = clock(D(2024, 9, 27),
                   Event(K.CORRECTION_REQUESTED, D(2024, 9, 30), {"deadline": D(2024, 10, 12)}),
                   *events, now=D(2024, 10, 14))
    assert result.status == Status.ABANDONED
    assert result.closed_on == closed_on
    assert result.is_closed and not result.overdue
    assert any("视为放弃申请" in t and t.endswith("（《条例》第三十条）") for t in texts(result))


def test_a_late_correction_notice_is_flagged():
    result = clock(D(2024, 9, 27), Event(K.CORRECTION_REQUESTED, D(2024, 10, 14)),
                   Event(K.CORRECTION_RECEIVED, D(2024, 10, 15)), now=D(2024, 10, 15))
    assert any("补正告知晚于收到申请后7个工作日" in w for w in result.warnings)
    assert result.clock_start == D(2024, 10, 15)


def test_a_second_correction_notice_is_flagged():
    result = clock(D(2024, 9, 27), Event(K.CORRECTION_REQUESTED, D(2024, 9, 30)),
                   Event(K.CORRECTION_REQUESTED, D(2024, 10, 8)), now=D(2024, 10, 8))
    assert any("一次性告知" in w for w in result.warnings)


# --- Consultation (第三十二条、第三十四条) --------------------


def test_overlapping_consultations_pause_the_clock_once():
    result = clock(
        D(2024, 9, 27),
        Event(K.THIRD_PARTY_CONSULTATION_STARTED, D(2024, 10, 8)),
        Event(K.AGENCY_CONSULTATION_STARTED, D(2024, 10, 9)),
        Event(K.THIRD_PARTY_CONSULTATION_ENDED, D(2024, 10, 15)),
        Event(K.AGENCY_CONSULTATION_ENDED, D(2024, 10, 17)),
        now=D(2024, 10, 30),
    )
    # Paused 10-08…10-17 = 9 working days (7 + 8 counted separately would be 15).
    # Counted: 09-29, 09-30 (2); from 10-18: 10-18 (3) … 11-12 (20).
    assert [(p.reason, p.working_days) for p in result.pauses] == [
        (PauseReason.THIRD_PARTY, 7), (PauseReason.OTHER_AGENCY, 8)]
    assert result.paused_working_days == 9
    assert result.due == D(2024, 11, 12)
    assert any("重叠的6个工作日只扣除一次" in t for t in texts(result))
    assert not result.due_is_projected


def test_a_consultation_pauses_at_most_15_working_days():
    started = Event(K.THIRD_PARTY_CONSULTATION_STARTED, D(2024, 10, 8))
    # No opinion: the third party's 15 working days end on 10-28; 10-08…10-28 is not counted.
    # Counted: 09-29, 09-30 (2); 10-29 (3) … 11-21 (20).
    running = clock(D(2024, 9, 27), started, now=D(2024, 10, 20))
    assert running.status == Status.CONSULTING
    assert running.due == D(2024, 11, 21) and running.due_is_projected
    expired = clock(D(2024, 9, 27), started, now=D(2024, 11, 20))
    assert expired.status == Status.IN_PROGRESS
    assert expired.due == D(2024, 11, 21) and not expired.due_is_projected
    assert expired.pauses[0].end == D(2024, 10, 28)
    # An opinion arriving after the 15 days does not stretch the pause.
    late = clock(D(2024, 9, 27), started, Event(K.THIRD_PARTY_CONSULTATION_ENDED, D(2024, 11, 5)),
                 now=D(2024, 11, 20))
    assert late.due == D(2024, 11, 21)


def test_consultations_with_several_parties_pair_by_party():
    result = clock(
        D(2024, 9, 27),
        Event(K.THIRD_PARTY_CONSULTATION_STARTED, D(2024, 10, 8), {"party": "A"}),
        Event(K.THIRD_PARTY_CONSULTATION_STARTED, D(2024, 10, 9), {"party": "B"}),
        Event(K.THIRD_PARTY_CONSULTATION_ENDED, D(2024, 10, 10), {"party": "B"}),
        now=D(2024, 10, 10),
    )
    assert [(p.party, p.open) for p in result.pauses] == [("A", True), ("B", False)]
    assert result.status == Status.CONSULTING


# --- Extension (第三十三条第二款) -----------------------------------------------------------------


def extension(approved, notified=None, days=20):
    events = [Event(K.EXTENSION_APPROVED, approved, {"days": days})]
    if notified is not None:
        events.append(Event(K.EXTENSION_NOTIFIED, notified))
    return events


def test_an_extension_approved_and_notified_in_time_adds_up_to_20_working_days():
    result = clock(D(2024, 9, 27), *extension(D(2024, 10, 28), D(2024, 10, 29)),
                   now=D(2024, 11, 1))
    # 20 more after 10-30: 10-31, 11-01 (2), 11-04…11-08 (7), …, 11-25…11-27 (18…20).
    assert result.due == D(2024, 11, 27) and result.first_due == D(2024, 10, 30)
    assert result.extension is not None and result.extension.granted
    assert result.status == Status.EXTENDED and not result.overdue


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        (extension(D(2024, 10, 29), D(2024, 10, 31)),
         "延期告知（2024-10-31）晚于原答复期限（2024-10-30）"),
        (extension(D(2024, 10, 31), D(2024, 10, 31)), "负责人同意延期（2024-10-31）晚于原答复期限"),
        (extension(D(2024, 10, 29)), "原答复期限（2024-10-30）届满前未告知申请人"),
        ([Event(K.EXTENSION_NOTIFIED, D(2024, 10, 29))], "未经政府信息公开工作机构负责人同意"),
        (extension(D(2024, 10, 29), D(2024, 10, 28)), "早于负责人同意"),
    ],
)
def test_an_extension_out_of_time_or_without_approval_is_refused(events, reason):
    result = clock(D(2024, 9, 27), *events, now=D(2024, 11, 1))
    assert result.extension is not None and not result.extension.granted
    assert reason in result.extension.reason
    assert result.due == D(2024, 10, 30)
    assert result.overdue and result.working_days_overdue == 2   # 10-31, 11-01
    assert any(t.startswith("延期不成立") for t in texts(result))


def test_an_approved_extension_still_awaiting_notice_is_not_yet_counted():
    result = clock(D(2024, 9, 27), *extension(D(2024, 10, 25)), now=D(2024, 10, 28))
    assert result.extension is not None
    assert (result.extension.granted, result.extension.reason) == (False, "")
    assert result.due == D(2024, 10, 30) and result.at_risk


def test_an_extension_is_capped_at_20_working_days():
    result = clock(D(2024, 9, 27), *extension(D(2024, 10, 28), D(2024, 10, 28), days=30),
                   now=D(2024, 10, 28))
    assert result.due == D(2024, 11, 27)
    assert any("最长不得超过20个工作日" in w for w in result.warnings)


# --- Fees ---------------------------------------------------------------------------------------


def test_the_time_from_fee_notice_to_payment_is_not_counted():
    result = clock(D(2024, 9, 27), Event(K.FEE_NOTICE_SENT, D(2024, 10, 9)),
                   Event(K.FEE_PAID, D(2024, 10, 16)), now=D(2024, 10, 17))
    # Counted 09-29, 09-30, 10-08 (3); paused 10-09…10-16 (7); 10-17 (4) … 11-08 (20).
    assert result.pauses[0].reason == PauseReason.FEE and result.pauses[0].working_days == 7
    assert result.due == D(2024, 11, 8)
    assert result.status == Status.IN_PROGRESS


def test_an_unpaid_fee_waits_then_ends_processing():
    notice = Event(K.FEE_NOTICE_SENT, D(2024, 10, 9))
    waiting = clock(D(2024, 9, 27), notice, now=D(2024, 10, 20))
    assert waiting.status == Status.AWAITING_PAYMENT
    assert waiting.fee_pay_by == D(2024, 11, 5)   # 20 working days after the notice
    ended = clock(D(2024, 9, 27), notice, now=D(2024, 11, 6))
    assert (ended.status, ended.closed_on) == (Status.TERMINATED, D(2024, 11, 5))
    assert not ended.overdue


# --- 第三十五条, replies, internal targets --------------------------------------------------------


def test_a_delayed_reply_date_replaces_the_statutory_one():
    result = clock(D(2024, 9, 27),
                   Event(K.DELAYED_REPLY, D(2024, 10, 25), {"until": D(2024, 12, 31)}),
                   now=D(2024, 11, 15))
    assert (result.due, result.status, result.overdue) == (D(2024, 12, 31), Status.DELAYED, False)
    assert any(t.endswith("（《条例》第三十五条）") for t in texts(result))


@pytest.mark.parametrize(
    ("event", "late"),
    [
        (Event(K.REPLIED, D(2024, 10, 30), {"outcome": Outcome.PARTIALLY_GRANTED}), False),
        (Event(K.REPLIED, D(2024, 10, 31)), True),
        (Event(K.REPLIED_ON_THE_SPOT, D(2024, 9, 27)), False),
    ],
)
def test_a_reply_closes_the_case_and_says_whether_it_was_late(event, late):
    result = clock(D(2024, 9, 27), event, now=D(2024, 12, 1))
    assert (result.status, result.replied_late, result.overdue) == (Status.REPLIED, late, False)
    assert result.closed_on == event.on


def test_a_partial_disclosure_reply_cites_article_37():
    result = clock(D(2024, 9, 27),
                   Event(K.REPLIED, D(2024, 10, 30), {"outcome": Outcome.PARTIALLY_GRANTED}),
                   now=D(2024, 12, 1))
    assert any(t.startswith("2024-10-30作出答复：部分公开") and t.endswith("（《条例》第三十七条）")
               for t in texts(result))


def test_events_after_the_case_is_closed_are_ignored_with_a_warning():
    result = clock(D(2024, 9, 27), Event(K.WITHDRAWN, D(2024, 10, 8)),
                   Event(K.FEE_NOTICE_SENT, D(2024, 10, 9)), now=D(2024, 12, 1))
    assert result.status == Status.WITHDRAWN and result.pauses == ()
    assert any("晚于办结" in w for w in result.warnings)


def test_the_internal_target_is_shorter_and_never_after_the_due_date():
    result = clock(D(2024, 9, 27), now=D(2024, 9, 27), internal_target_days=15)
    assert result.internal_target == D(2024, 10, 23)   # 15th working day, see the example
    assert clock(D(2024, 9, 27), now=D(2024, 9, 27), internal_target_days=20).internal_target \
        == D(2024, 10, 30)
    with pytest.raises(ValueError, match="internal_target_days"):
        clock(D(2024, 9, 27), now=D(2024, 9, 27), internal_target_days=21)


@pytest.mark.parametrize(
    ("now", "overdue", "at_risk", "left"),
    [
        (D(2024, 10, 24), False, False, 4),
        (D(2024, 10, 25), False, True, 3),
        (D(2024, 10, 30), False, True, 0),
        (D(2024, 10, 31), True, False, 0),
    ],
)
def test_at_risk_means_3_working_days_or_fewer_left(now, overdue, at_risk, left):
    result = clock(D(2024, 9, 27), now=now)
    assert (result.overdue, result.at_risk, result.working_days_left) == (overdue, at_risk, left)


def test_an_application_not_yet_confirmed_has_no_clock():
    result = clock(None, now=D(2024, 10, 1))
    assert (result.status, result.due) == (Status.AWAITING_CONFIRMATION, None)
    assert "第三十一条" in texts(result)[0]


def test_the_queue_can_skip_the_explanation_and_get_the_same_dates():
    events = [Event(K.THIRD_PARTY_CONSULTATION_STARTED, D(2024, 10, 8)),
              Event(K.THIRD_PARTY_CONSULTATION_ENDED, D(2024, 10, 15))]
    full = clock(D(2024, 9, 27), *events, now=D(2024, 10, 20))
    bare = clock(D(2024, 9, 27), *events, now=D(2024, 10, 20), explain=False)
    assert bare.explanation == () and full.explanation
    assert (bare.due, bare.pauses, bare.status) == (full.due, full.pauses, full.status)


def test_the_result_serializes_to_json():
    result = clock(D(2026, 12, 10), *extension(D(2026, 12, 20), D(2026, 12, 21)),
                   now=D(2026, 12, 21))
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert data["due"] == "2027-02-04" and data["status"] == "extended"
    assert data["extension"]["granted"] is True
    assert data["schedule_missing"] is True and data["missing_years"] == [2027]
    assert data["explanation"][0]["text"] == "2026-12-10收到申请（《条例》第三十一条）"


# --- 收到申请之日 (第三十一条) --------------------


SUBMITTED, SIGNED, CONFIRMED = D(2024, 9, 27), D(2024, 9, 30), D(2024, 10, 8)


@pytest.mark.parametrize(
    ("channel", "signed", "confirmed", "expected"),
    [
        (Channel.IN_PERSON, None, None, SUBMITTED),
        (Channel.ORAL_IN_PERSON, None, None, SUBMITTED),
        (Channel.PHONE, None, None, SUBMITTED),
        (Channel.REGISTERED_POST, None, None, None),         # not yet signed for
        (Channel.REGISTERED_POST, SIGNED, None, SIGNED),
        (Channel.ORDINARY_LETTER, None, None, None),         # not yet confirmed
        (Channel.ORDINARY_LETTER, None, CONFIRMED, CONFIRMED),
        (Channel.ONLINE, None, None, None),
        (Channel.ONLINE, None, CONFIRMED, CONFIRMED),
        (Channel.FAX, None, CONFIRMED, CONFIRMED),
        (Channel.EMAIL, None, CONFIRMED, CONFIRMED),
        (Channel.EMAIL, SIGNED, None, None),                 # signing is not confirming
    ],
)
def test_the_receipt_date_follows_article_31(channel, signed, confirmed, expected):
    assert receipt_date(channel, submitted_on=SUBMITTED, signed_on=signed,
                        confirmed_on=confirmed) == expected


def test_a_receipt_before_submission_is_refused():
    with pytest.raises(ValueError, match="confirmed_on"):
        receipt_date(Channel.ONLINE, submitted_on=SUBMITTED, confirmed_on=D(2024, 9, 1))


# --- The fast day index agrees with gongkai.core.workdays -----------------------------------


@pytest.mark.parametrize("calendar", [CALENDAR, WorkdayCalendar()], ids=["loaded", "empty"])
def test_the_day_index_answers_exactly_as_the_core_functions(calendar):
    day = D(2018, 12, 20)
    while day <= D(2029, 1, 10):
        for n in (0, 1, 7, 20, 40):
            fast = _Clock(calendar, DayCounting.AFTER_RECEIPT, explain=False)
            core = add_working_days(calendar, day, n)
            assert fast.add(day, n) == core.value, (day, n)
            assert tuple(sorted(fast.missing)) == core.missing_years, (day, n)
        end = day + dt.timedelta(days=45)
        fast = _Clock(calendar, DayCounting.AFTER_RECEIPT, explain=False)
        count = working_days_between(calendar, day, end)
        assert fast.between(day, end) == count.value
        assert tuple(sorted(fast.missing)) == count.missing_years
        day += dt.timedelta(days=1)
