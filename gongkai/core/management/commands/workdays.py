"""`gongkai workdays`: the working-day calendar from the command line.

    gongkai workdays add 2024-09-27 20               # 2024-10-30
    gongkai workdays between 2024-09-27 2024-10-31   # 21
    gongkai workdays is 2024-10-12                   # 工作日（调休上班）
    gongkai workdays years                           # loaded schedules, missing years
    gongkai workdays import --year 2027 --file 2027.csv --notice-number 国办发明电〔2026〕7号

Every subcommand takes ``--json``. The first line of plain output is the answer alone (a
date or a number) so scripts can read it; ``-v 0`` prints only that line. A date in a year
whose schedule is not loaded gets the warning on stderr (the exit status stays 0); bad
input exits with status 2 and a message in Chinese. The calendar is read from the
database on every run (not from the cache), so an import is visible at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator
from django.db.models import Count, Q
from django.utils import timezone

from gongkai.core.api import missing_warning
from gongkai.core.enums import HolidayKind
from gongkai.core.forms import (
    default_notice_title,
    parse_day,
    parse_kind,
    parse_schedule_text,
    validate_notice_numbers,
)
from gongkai.core.models import HolidayDate, HolidaySchedule
from gongkai.core.selectors import build_calendar
from gongkai.core.services import HolidayEntry, save_holiday_schedule
from gongkai.core.workdays import (
    MAX_WORKING_DAYS,
    WorkdayCalendar,
    add_working_days,
    working_days_between,
)

BAD_INPUT = 2
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
KIND_LABELS = {
    "workday": "工作日",
    "adjusted_workday": "工作日（调休上班）",
    "weekend": "休息日（周末）",
    "holiday": "休息日（节假日放假）",
}
CSV_COLUMNS = {"date": ("date", "日期"), "kind": ("kind", "类型"), "name": ("name", "名称", "节日")}


def bad_input(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def nearby_missing_years(loaded: Iterable[int], today: dt.date | None = None) -> tuple[int, ...]:
    """Years without a schedule: gaps between loaded years, last and next year, and the
    year after the last loaded one (the next notice to enter)."""
    years = set(loaded)
    this_year = (today or timezone.localdate()).year
    low = min([*years, this_year - 1])
    high = max([*(y + 1 for y in years), this_year + 1])
    return tuple(y for y in range(low, high + 1) if y not in years)


def read_date(text: str, what: str = "日期") -> dt.date:
    try:
        return parse_day(text)
    except ValueError:
        raise bad_input(f"{what}“{text}”无效，请按 2024-09-27 的格式输入。") from None


def read_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise bad_input(f"工作日数“{text}”不是整数。") from None
    if days < 0:
        raise bad_input("工作日数不能为负数。")
    if days > MAX_WORKING_DAYS:
        raise bad_input(f"工作日数不能超过{MAX_WORKING_DAYS}。")
    return days


# --- Reading a schedule file --------------------------------------------------------------


@dataclass
class ScheduleFile:
    """What an import file says: its dates and, optionally, the notice."""

    entries: list[HolidayEntry]
    meta: dict[str, str] = field(default_factory=dict)


def _entry(where: str, date: object, kind: object, name: object) -> HolidayEntry:
    try:
        day = parse_day(str(date or ""))
    except ValueError:
        raise bad_input(f"{where}：日期“{date or ''}”无效，应为 2027-01-01 的格式。") from None
    try:
        holiday_kind = parse_kind(str(kind or ""))
    except ValueError:
        raise bad_input(f"{where}：类型“{kind or ''}”无法识别，"
                        "应为 off（放假）或 work（调休上班）。") from None
    return HolidayEntry(date=day, kind=holiday_kind, name=str(name or "").strip())


def _pick_year(payload: Mapping[str, Any], year: int) -> Mapping[str, Any]:
    for item in payload["schedules"]:
        if isinstance(item, Mapping) and item.get("year") == year:
            return item
    raise bad_input(f"文件中没有{year}年的节假日安排。")


def read_json(text: str, year: int) -> ScheduleFile:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise bad_input(f"JSON 格式错误（第{error.lineno}行）：{error.msg}。") from None
    if isinstance(payload, Mapping) and "schedules" in payload:
        payload = _pick_year(payload, year)
    meta: dict[str, str] = {}
    if isinstance(payload, Mapping):
        if payload.get("year") not in (None, year):
            raise bad_input(f"文件中的年度（{payload['year']}）与 --year {year} 不一致。")
        meta = {key: str(payload[key]) for key in
                ("notice_title", "notice_number", "notice_date", "source_url", "note")
                if payload.get(key)}
        payload = payload.get("days", payload.get("dates"))
    if not isinstance(payload, list):
        raise bad_input("JSON 文件应为日期列表，或含 days 列表的对象（每项含 date、kind、name）。")
    entries = []
    for number, item in enumerate(payload, start=1):
        if not isinstance(item, Mapping):
            raise bad_input(f"第{number}项：应为含 date、kind、name 的对象。")
        entries.append(_entry(f"第{number}项", item.get("date"), item.get("kind"),
                              item.get("name")))
    return ScheduleFile(entries, meta)


def _csv_column(header: list[str], key: str) -> str | None:
    for name in CSV_COLUMNS[key]:
        if name in header:
            return name
    return None


def read_csv(text: str) -> ScheduleFile:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    date_col, kind_col = _csv_column(header, "date"), _csv_column(header, "kind")
    name_col = _csv_column(header, "name")
    if date_col is None or kind_col is None:
        raise bad_input("CSV 文件第一行应为列名 date,kind,name（kind 为 off 或 work）。")
    entries = [
        _entry(f"第{reader.line_num}行", row.get(date_col), row.get(kind_col),
               row.get(name_col) if name_col else "")
        for row in reader
        if any((value or "").strip() for value in row.values() if isinstance(value, str))
    ]
    return ScheduleFile(entries)


def read_text(text: str) -> ScheduleFile:
    try:
        return ScheduleFile(parse_schedule_text(text))
    except ValidationError as error:
        raise bad_input("\n".join(error.messages)) from None


def read_schedule_file(path: Path, year: int) -> ScheduleFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise bad_input(f"找不到文件：{path}") from None
    except UnicodeDecodeError:
        raise bad_input(f"文件不是 UTF-8 编码：{path}（请另存为 UTF-8）。") from None
    except OSError as error:
        raise bad_input(f"无法读取文件 {path}：{error.strerror}") from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_json(text, year)
    if suffix == ".csv":
        return read_csv(text)
    if suffix == ".txt":
        return read_text(text)
    return read_json(text, year) if text.lstrip()[:1] in ("{", "[") else read_csv(text)


# --- The command ------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "工作日计算与节假日安排：add、between、is、years、import。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="子命令")
        add = sub.add_parser("add", help="起算日之后第N个工作日的日期（起算日不计入）")
        add.add_argument("start", help="起算日期，例如 2024-09-27")
        add.add_argument("days", help="工作日数，例如 20")
        between = sub.add_parser("between", help="开始日期之后至结束日期（含）的工作日数")
        between.add_argument("start", help="开始日期")
        between.add_argument("end", help="结束日期")
        is_ = sub.add_parser("is", help="某日是工作日还是休息日")
        is_.add_argument("date", help="日期")
        sub.add_parser("years", help="已录入的节假日安排及缺少的年份")
        imp = sub.add_parser("import",
                             help="从 JSON、CSV（date,kind,name）或文本文件录入一年的安排")
        imp.add_argument("--year", type=int, required=True, help="年度，例如 2027")
        imp.add_argument("--file", required=True, help="文件路径（.json、.csv 或 .txt）")
        imp.add_argument("--notice-title", default="", help="通知名称")
        imp.add_argument("--notice-number", default="", help="文号，例如 国办发明电〔2026〕7号")
        imp.add_argument("--notice-date", default="", help="发布日期，例如 2026-11-04")
        imp.add_argument("--source-url", default="", help="来源网址")
        imp.add_argument("--note", default="", help="备注")
        imp.add_argument("--replace", action="store_true", help="替换已录入的该年度安排")
        for subparser in (add, between, is_, imp, sub.choices["years"]):
            subparser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "add": self.do_add, "between": self.do_between, "is": self.do_is,
            "years": self.do_years, "import": self.do_import,
        }
        payload = handlers[options["action"]](options)
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        # A computed answer that used a year without a schedule: say so on stderr.
        # (years/import list the missing years in their own output.)
        if payload["warning"] and options["action"] in {"add", "between", "is"}:
            self.stderr.write(f"警告：{payload['warning']}")

    def say(self, options: Mapping[str, Any], answer: str, *lines: str) -> None:
        """Plain output: the answer alone on the first line, then lines for people."""
        if options["json"]:
            return
        self.stdout.write(answer)
        if options["verbosity"] >= 1:
            for line in lines:
                self.stdout.write(line)

    @staticmethod
    def missing(years: tuple[int, ...]) -> dict[str, Any]:
        return {"schedule_missing": bool(years), "missing_years": list(years),
                "warning": missing_warning(years)}

    def do_add(self, options: dict[str, Any]) -> dict[str, Any]:
        start, days = read_date(options["start"], "起算日期"), read_days(options["days"])
        answer = add_working_days(build_calendar(), start, days)
        end = answer.value
        self.say(options, end.isoformat(),
                 f"自{cn_date(start)}起第{days}个工作日是{cn_date(end)}（{WEEKDAYS[end.weekday()]}）。")
        return {"start": start.isoformat(), "days": days, "result": end.isoformat(),
                **self.missing(answer.missing_years)}

    def do_between(self, options: dict[str, Any]) -> dict[str, Any]:
        start, end = read_date(options["start"], "开始日期"), read_date(options["end"], "结束日期")
        if abs((end - start).days) > MAX_WORKING_DAYS * 2:
            raise bad_input(f"两个日期相距过远（不能超过{MAX_WORKING_DAYS * 2}天）。")
        answer = working_days_between(build_calendar(), start, end)
        self.say(options, str(answer.value),
                 f"{cn_date(start)}之后至{cn_date(end)}（含）共有{answer.value}个工作日。")
        return {"start": start.isoformat(), "end": end.isoformat(), "result": answer.value,
                **self.missing(answer.missing_years)}

    def do_is(self, options: dict[str, Any]) -> dict[str, Any]:
        day = read_date(options["date"])
        calendar: WorkdayCalendar = build_calendar()
        status = calendar.status(day)
        name = HolidayDate.objects.filter(date=day).values_list("name", flat=True).first() or ""
        label = KIND_LABELS[status.kind]
        weekday = WEEKDAYS[day.weekday()]
        self.say(options, " ".join(filter(None, [day.isoformat(), weekday, label, name])))
        missing = (day.year,) if status.schedule_missing else ()
        return {"date": day.isoformat(), "weekday": weekday,
                "is_working_day": status.is_working_day, "kind": status.kind, "label": label,
                "name": name, **self.missing(missing)}

    def schedules(self) -> list[dict[str, Any]]:
        rows = HolidaySchedule.objects.order_by("year").annotate(
            days_off=Count("dates", filter=Q(dates__kind=HolidayKind.DAY_OFF)),
            working_weekend_days=Count("dates", filter=Q(dates__kind=HolidayKind.WORKING_WEEKEND)),
        )
        return [{"year": s.year, "notice_title": s.notice_title,
                 "notice_number": s.notice_number,
                 "notice_date": s.notice_date.isoformat() if s.notice_date else None,
                 "source_url": s.source_url, "days_off": s.days_off,
                 "working_weekend_days": s.working_weekend_days} for s in rows]

    def do_years(self, options: dict[str, Any]) -> dict[str, Any]:
        schedules = self.schedules()
        missing = nearby_missing_years(s["year"] for s in schedules)
        lines = [self.schedule_line(s) for s in schedules] or ["尚未录入任何节假日安排。"]
        gap = "、".join(f"{y}年" for y in missing)
        lines.append(f"尚未录入：{gap}。" if missing else "临近年份的节假日安排均已录入。")
        self.say(options, lines[0], *lines[1:])
        return {"schedules": schedules, "loaded_years": [s["year"] for s in schedules],
                **self.missing(missing)}

    @staticmethod
    def schedule_line(s: Mapping[str, Any]) -> str:
        source = "，".join(filter(None, [s["notice_number"], s["notice_date"]]))
        notice = f"{s['notice_title']}（{source}）" if source else s["notice_title"]
        return (f"{s['year']}年：放假{s['days_off']}天，调休上班{s['working_weekend_days']}天 — "
                f"{notice}")

    def notice_fields(self, options: Mapping[str, Any], meta: Mapping[str, str],
                      year: int) -> dict[str, Any]:
        def pick(key: str) -> str:
            return str(options.get(key) or meta.get(key) or "").strip()

        fields: dict[str, Any] = {
            "notice_title": pick("notice_title") or default_notice_title(year),
            "notice_number": pick("notice_number"), "source_url": pick("source_url"),
            "note": pick("note"), "notice_date": None,
        }
        if pick("notice_date"):
            fields["notice_date"] = read_date(pick("notice_date"), "发布日期")
        try:
            if fields["notice_number"]:
                validate_notice_numbers(fields["notice_number"])
            if fields["source_url"]:
                URLValidator(message="来源网址无效，应以 http:// 或 https:// 开头。")(
                    fields["source_url"])
        except ValidationError as error:
            raise bad_input("；".join(error.messages)) from None
        return fields

    def do_import(self, options: dict[str, Any]) -> dict[str, Any]:
        year: int = options["year"]
        schedule_file = read_schedule_file(Path(options["file"]), year)
        if not schedule_file.entries:
            raise bad_input("文件中没有日期。")
        fields = self.notice_fields(options, schedule_file.meta, year)
        existing = HolidaySchedule.objects.filter(year=year).first()
        if existing is not None and not options["replace"]:
            raise bad_input(f"已录入{year}年的节假日安排（{existing.dates.count()}个日期）。"
                            "如需按新文件替换，请加 --replace。")
        try:
            schedule = save_holiday_schedule(year=year, entries=schedule_file.entries, by=None,
                                             **fields)
        except ValidationError as error:
            raise bad_input("节假日安排未保存：" + "；".join(error.messages)) from None
        off = sum(e.kind == HolidayKind.DAY_OFF for e in schedule_file.entries)
        work = len(schedule_file.entries) - off
        verb = "已替换" if existing is not None else "已录入"
        self.say(options,
                 f"{verb}{year}年节假日安排：放假{off}天，调休上班{work}天（{schedule.notice_title}）。")
        loaded = HolidaySchedule.objects.values_list("year", flat=True)
        return {"year": year, "replaced": existing is not None,
                "notice_title": schedule.notice_title,
                "notice_number": schedule.notice_number,
                "notice_date": fields["notice_date"].isoformat() if fields["notice_date"] else None,
                "days_off": off, "working_weekend_days": work,
                **self.missing(nearby_missing_years(loaded))}
