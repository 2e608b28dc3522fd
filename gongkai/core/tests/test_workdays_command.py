"""`gongkai workdays`: answers, warnings, errors and importing a new year's schedule."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine

from gongkai.core.enums import HolidayKind
from gongkai.core.management.commands.workdays import nearby_missing_years
from gongkai.core.models import AuditLogEntry, HolidayDate, HolidaySchedule
from gongkai.testing import CommandRunner

pytestmark = pytest.mark.django_db

MISSING_2027 = "2027年的节假日安排尚未录入"
# Test data only: the official 2027 schedule had not been read when this was written.
CSV_2027 = """date,kind,name
2027-01-01,off,元旦
2027-02-06,off,春节
2027-02-07,off,春节
2027-02-08,off,春节
2027-02-09,off,春节
2027-02-10,off,春节
2027-02-11,off,春节
2027-02-12,off,春节
2027-02-14,work,春节
"""


command = CommandRunner("workdays")
run, run_json, fails = command.run, command.run_json, command.fails


def test_it_adds_working_days():
    out, err = run("add", "2024-09-27", "20")
    lines = out.splitlines()
    assert lines[0] == "2024-10-30"
    assert lines[1] == "自2024年9月27日起第20个工作日是2024年10月30日（星期三）。"
    assert err == ""


def test_it_prints_only_the_answer_when_quiet():
    out, _err = run("add", "2024-09-27", "20", verbosity=0)
    assert out == "2024-10-30\n"


def test_it_counts_working_days_between():
    out, err = run("between", "2024-09-27", "2024-10-31")
    assert out.splitlines()[0] == "21"
    assert "（含）共有21个工作日" in out
    assert err == ""


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-10-12", "2024-10-12 星期六 工作日（调休上班） 国庆节"),
        ("2024-02-04", "2024-02-04 星期日 工作日（调休上班） 春节"),
        ("2024-10-01", "2024-10-01 星期二 休息日（节假日放假） 国庆节"),
        ("2024-10-13", "2024-10-13 星期日 休息日（周末）"),
        ("2024-10-14", "2024-10-14 星期一 工作日"),
        ("2020-01-31", "2020-01-31 星期五 休息日（节假日放假） 春节"),
        ("2024年2月9日", "2024-02-09 星期五 工作日"),
    ],
)
def test_it_says_what_kind_of_day_it_is(day, expected):
    out, err = run("is", day)
    assert out.splitlines() == [expected]
    assert err == ""


def test_it_answers_in_json():
    assert run_json("add", "2024-09-27", "20") == {
        "start": "2024-09-27", "days": 20, "result": "2024-10-30",
        "schedule_missing": False, "missing_years": [], "warning": "",
    }
    assert run_json("between", "2024-09-27", "2024-10-31")["result"] == 21
    answer = run_json("is", "2024-10-12")
    assert answer["is_working_day"] is True
    assert answer["kind"] == "adjusted_workday"
    assert answer["label"] == "工作日（调休上班）"
    assert answer["name"] == "国庆节"


def test_it_warns_on_stderr_for_2027_and_still_answers():
    out, err = run("add", "2026-12-25", "10")
    assert out.splitlines()[0] == "2027-01-08"
    assert MISSING_2027 in err
    answer = run_json("add", "2026-12-25", "10")
    assert answer["schedule_missing"] is True
    assert answer["missing_years"] == [2027]
    assert MISSING_2027 in answer["warning"]
    out, err = run("is", "2027-01-01")
    assert "工作日" in out and MISSING_2027 in err
    _out, err = run("between", "2026-12-31", "2027-01-08")
    assert MISSING_2027 in err


@time_machine.travel(dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC), tick=False)
def test_it_lists_the_loaded_years_and_the_missing_one():
    out, err = run("years")
    lines = out.splitlines()
    assert [line[:6] for line in lines[:7]] == [f"{y}年：" for y in range(2020, 2027)]
    assert lines[4].startswith(
        "2024年：放假30天，调休上班8天 — 国务院办公厅关于2024年部分节假日安排的通知")
    assert lines[-1] == "尚未录入：2027年。"
    assert err == ""
    answer = run_json("years")
    assert answer["loaded_years"] == list(range(2020, 2027))
    assert answer["missing_years"] == [2027]
    assert answer["schedule_missing"] is True
    assert MISSING_2027 in answer["warning"]
    assert answer["schedules"][0]["notice_number"].startswith("国办发明电〔2019〕16号")


def test_it_finds_nearby_missing_years():
    today = dt.date(2026, 11, 28)
    assert nearby_missing_years(range(2020, 2027), today) == (2027,)
    assert nearby_missing_years([2020, 2022], today) == (2021, *range(2023, 2028))
    assert nearby_missing_years([], today) == (2025, 2026, 2027)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "abc", "3"), "起算日期“abc”无效，请按 2024-09-27 的格式输入。"),
        (("add", "2024-02-30", "3"), "起算日期“2024-02-30”无效"),
        (("add", "2024-09-27", "-1"), "工作日数不能为负数。"),
        (("add", "2024-09-27", "2001"), "工作日数不能超过2000。"),
        (("add", "2024-09-27", "二十"), "工作日数“二十”不是整数。"),
        (("between", "2024-09-27", "x"), "结束日期“x”无效"),
        (("between", "2000-01-01", "2030-01-01"), "两个日期相距过远"),
        (("is", "yesterday"), "日期“yesterday”无效"),
    ],
)
def test_it_refuses_bad_input_with_exit_status_2(args, message):
    assert message in fails(*args)


# --- import --------------------------------------------------------------------------------


@pytest.fixture
def csv_2027(tmp_path: Path) -> Path:
    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8-sig")  # as Excel saves it
    return path


def test_it_imports_a_new_year_and_stops_warning(csv_2027):
    _out, err = run("add", "2027-02-05", "1")
    assert MISSING_2027 in err

    out, err = run("import", "--year", "2027", "--file", str(csv_2027),
                   "--notice-number", "国办发明电〔2026〕7号", "--notice-date", "2026-11-04",
                   "--source-url", "https://www.gov.cn/zhengce/content/2027.htm")
    assert out.splitlines()[0] == (
        "已录入2027年节假日安排：放假8天，调休上班1天（国务院办公厅关于2027年部分节假日安排的通知）。")
    schedule = HolidaySchedule.objects.get(year=2027)
    assert schedule.notice_number == "国办发明电〔2026〕7号"
    assert schedule.notice_date == dt.date(2026, 11, 4)
    assert schedule.dates.get(date=dt.date(2027, 2, 14)).kind == HolidayKind.WORKING_WEEKEND
    entry = AuditLogEntry.objects.get(action="workdays.schedule_created")
    assert entry.actor_label == "system"

    out, err = run("add", "2027-02-05", "1")
    assert out.splitlines()[0] == "2027-02-14"
    assert err == ""
    assert run_json("add", "2026-12-25", "10")["schedule_missing"] is False
    assert "2027年：放假8天，调休上班1天" in run("years")[0]


def test_it_imports_json_with_the_notice_inside(tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({
        "year": 2027, "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
        "notice_number": "国办发明电〔2026〕7号", "notice_date": "2026-11-04",
        "days": [{"date": "2027-01-01", "kind": "off", "name": "元旦"},
                 {"date": "2027-02-14", "kind": "work", "name": "春节"}],
    }, ensure_ascii=False), encoding="utf-8")
    answer = run_json("import", "--year", "2027", "--file", str(path))
    assert answer["days_off"] == 1 and answer["working_weekend_days"] == 1
    assert answer["replaced"] is False
    assert answer["notice_number"] == "国办发明电〔2026〕7号"
    assert 2027 not in answer["missing_years"]


def test_it_imports_the_admin_text_format(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text("2027-01-01 off 元旦\n2027-02-06~2027-02-12 off 春节\n", encoding="utf-8")
    run("import", "--year", "2027", "--file", str(path))
    assert HolidayDate.objects.filter(schedule__year=2027).count() == 8


def test_it_reimports_a_year_from_the_seed_file_only_with_replace():
    seed = Path(__file__).resolve().parents[1] / "data" / "holidays_2020_2026.json"
    before = set(HolidayDate.objects.filter(schedule__year=2024).values_list("date", "kind"))
    assert "如需按新文件替换，请加 --replace" in fails(
        "import", "--year", "2024", "--file", str(seed))
    out, _err = run("import", "--year", "2024", "--file", str(seed), "--replace")
    assert out.startswith("已替换2024年节假日安排")
    after = set(HolidayDate.objects.filter(schedule__year=2024).values_list("date", "kind"))
    assert after == before
    assert AuditLogEntry.objects.filter(action="workdays.schedule_replaced").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("date,kind,name\n2027-01-01,off,元旦\n2027-01-05,work,春节\n",
         "调休上班日 2027-01-05 不是周末，无需登记。"),
        ("date,kind,name\n2027-01-01,off,元旦\n2029-01-01,off,元旦\n",
         "日期 2029-01-01 不属于 2027 年的安排。"),
        ("date,kind,name\n2027-01-01,off,元旦\n2027-01-01,off,元旦\n", "日期 2027-01-01 重复。"),
        ("date,kind,name\n2027-01-01,off,元旦\n2027-01-02,holiday,元旦\n",
         "第3行：类型“holiday”无法识别"),
        ("date,kind,name\n2027/13/01,off,元旦\n", "第2行：日期“2027/13/01”无效"),
        ("day,type\n2027-01-01,off\n", "CSV 文件第一行应为列名 date,kind,name"),
        ("date,kind,name\n", "文件中没有日期。"),
    ],
)
def test_it_explains_why_an_import_was_refused(tmp_path, content, message):
    path = tmp_path / "2027.csv"
    path.write_text(content, encoding="utf-8")
    assert message in fails("import", "--year", "2027", "--file", str(path))
    assert not HolidaySchedule.objects.filter(year=2027).exists()
    assert not AuditLogEntry.objects.filter(action__startswith="workdays.").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--notice-number", "国办发明电[2026]7号"), "六角括号"),
        (("--notice-date", "2026-11-31"), "发布日期“2026-11-31”无效"),
        (("--source-url", "gov.cn/x y"), "来源网址无效"),
    ],
)
def test_it_checks_the_notice_fields(csv_2027, options, message):
    assert message in fails("import", "--year", "2027", "--file", str(csv_2027), *options)
    assert not HolidaySchedule.objects.filter(year=2027).exists()


def test_it_reports_a_missing_or_broken_file(tmp_path):
    assert "找不到文件" in fails("import", "--year", "2027", "--file", str(tmp_path / "no.csv"))
    broken = tmp_path / "2027.json"
    broken.write_text("{", encoding="utf-8")
    assert "JSON 格式错误" in fails("import", "--year", "2027", "--file", str(broken))
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("date,kind,name\n2027-01-01,off,元旦\n".encode("gbk"))
    assert "不是 UTF-8 编码" in fails("import", "--year", "2027", "--file", str(gbk))
