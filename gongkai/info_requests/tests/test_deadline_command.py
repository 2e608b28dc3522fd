"""`gongkai deadline`: the same clock as everywhere, on the seeded holiday table."""

from __future__ import annotations

import pytest

from gongkai.testing import CommandRunner

pytestmark = pytest.mark.django_db

MISSING_2027 = "2027年的节假日安排尚未录入"


command = CommandRunner("deadline")
run, run_json, fails = command.run, command.run_json, command.fails


def test_it_prints_the_due_date_then_the_explanation():
    out, err = run("--received", "2024-09-27", "--today", "2024-10-10")
    lines = out.splitlines()
    assert lines[0] == "2024-10-30"
    assert lines[1] == "状态：办理中"
    assert "1. 2024-09-27收到申请（《条例》第三十一条）" in lines
    assert "答复期限：2024-10-30（星期三）（《条例》第三十三条第二款）" in out
    assert err == ""


def test_it_restarts_after_a_correction():
    out, _err = run("--received", "2024-09-27", "--correction-sent", "2024-09-30",
                    "--corrected", "2024-10-08", "--today", "2024-10-10")
    assert out.splitlines()[0] == "2024-11-04"
    assert "收到补正材料，答复期限自2024-10-08起重新计算20个工作日（《条例》第三十条）" in out


def test_it_pauses_overlapping_consultations_once():
    answer = run_json("--received", "2024-09-27", "--consult", "2024-10-08:2024-10-15",
                      "--consult-agency", "2024-10-09:2024-10-17", "--today", "2024-10-30")
    assert answer["due"] == "2024-11-12"
    assert answer["paused_working_days"] == 9
    assert [p["reason"] for p in answer["pauses"]] == ["third_party", "other_agency"]


def test_it_refuses_an_extension_notified_after_the_deadline():
    answer = run_json("--received", "2024-09-27", "--extended",
                      "--extension-approved", "2024-10-29", "--extension-notified", "2024-10-31",
                      "--today", "2024-11-01")
    assert answer["due"] == "2024-10-30" and answer["overdue"] is True
    assert answer["extension"]["granted"] is False
    assert "晚于原答复期限" in answer["extension"]["reason"]


def test_it_grants_an_extension_in_time():
    out, _err = run("--received", "2024-09-27", "--extension-approved", "2024-10-28",
                    "--today", "2024-10-28", verbosity=0)
    assert out == "2024-11-27\n"


def test_it_pauses_for_the_fee():
    answer = run_json("--received", "2024-09-27", "--fee-notice", "2024-10-09",
                      "--paid", "2024-10-16", "--today", "2024-10-17")
    assert answer["due"] == "2024-11-08"


def test_it_warns_on_stderr_for_2027():
    out, err = run("--received", "2026-12-10", "--today", "2026-12-11")
    assert out.splitlines()[0] == "2027-01-07"
    assert MISSING_2027 not in out
    assert err.startswith("警告：" + MISSING_2027)
    answer = run_json("--received", "2026-12-10", "--today", "2026-12-11")
    assert answer["missing_years"] == [2027] and answer["schedule_missing"] is True


def test_the_convention_option_changes_day_one():
    out, _err = run("--received", "2024-09-27", "--convention", "from-receipt",
                    "--today", "2024-09-27", verbosity=0)
    assert out == "2024-10-29\n"


def test_a_lapsed_correction_prints_the_status():
    out, _err = run("--received", "2024-09-27", "--correction-sent", "2024-09-30",
                    "--correction-deadline", "2024-10-12", "--today", "2024-10-14")
    assert out.splitlines()[0] == "视为放弃"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--received", "2024-13-01"), "--received 的日期“2024-13-01”无效"),
        (("--received", "2024-09-27", "--corrected", "2024-10-08"), "--correction-sent"),
        (("--received", "2024-09-27", "--paid", "2024-10-08"), "--fee-notice"),
        (("--received", "2024-09-27", "--extended"), "--extension-approved"),
        (("--received", "2024-09-27", "--consult", "2024-10-15:2024-10-08"),
         "结束日期早于开始日期"),
        (("--received", "2024-09-27", "--consult", "2024-09-01:"), "早于收到申请之日"),
        (("--received", "2024-09-27", "--replied", "2024-09-01"), "早于收到申请之日"),
        (("--received", "2024-09-27", "--extension-approved", "2024-10-01",
          "--extension-days", "21"), "--extension-days 应在1到20之间"),
        (("--received", "2024-09-27", "--internal-target", "abc"), "不是整数"),
        (("--received", "2024-09-27", "--delayed", "2024-10-01"), "告知日:答复期限"),
    ],
)
def test_bad_input_is_refused_in_chinese(args, message):
    assert message in fails(*args)
