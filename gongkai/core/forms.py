"""Admin forms of core: a year's holiday schedule and an agency's details.

The holiday schedule is typed as text, one date (or one run of dates) per line::

    2027-01-01 off 元旦
    2027-02-05~2027-02-11 off 春节
    2027-02-14 work 春节

``parse_schedule_text`` turns it into :class:`~gongkai.core.services.HolidayEntry` values
(the operator command reads the same kind words); saving goes through
``save_holiday_schedule``, which checks the entries again and writes the audit entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from gongkai.core.enums import HolidayKind
from gongkai.core.models import Agency, HolidaySchedule
from gongkai.core.services import HolidayEntry
from gongkai.core.validators import validate_doc_number

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Words accepted for the kind of a date, in the admin text and in imported files.
KIND_WORDS: dict[str, HolidayKind] = {
    "off": HolidayKind.DAY_OFF,
    "放假": HolidayKind.DAY_OFF,
    "休": HolidayKind.DAY_OFF,
    "休息": HolidayKind.DAY_OFF,
    "work": HolidayKind.WORKING_WEEKEND,
    "班": HolidayKind.WORKING_WEEKEND,
    "上班": HolidayKind.WORKING_WEEKEND,
    "调休上班": HolidayKind.WORKING_WEEKEND,
}

FIRST_SCHEDULE_YEAR = 2000
# A run of dates longer than this is a typing mistake (the longest holiday is 10 days).
MAX_RUN_DAYS = 31
NAME_MAX_LENGTH = 20

BAD_LINE = _("应为“日期 类型 名称”，例如：2027-01-01 off 元旦。")
BAD_RUN = _("日期范围“%(text)s”有误（结束日不得早于开始日，且不超过31天）。")
BAD_DATE = _("无法识别日期“%(text)s”，请按 2027-01-01 的格式填写。")
BAD_KIND = _("类型“%(text)s”无法识别，应为 off（放假）或 work（调休上班）。")
BAD_NAME = _("节日名称不能超过20个字。")
DUPLICATE = _("日期 %(date)s 与第%(other)s行重复。")

_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_RANGE_SEP_RE = re.compile(r"\s*(?:~|～|\.\.|至)\s*")
_SPLIT_RE = re.compile(r"[\s,，、;；]+")


def parse_kind(word: str) -> HolidayKind:
    """``off``/``work`` (or 放假/调休上班 …) as a :class:`HolidayKind`; ValueError otherwise."""
    try:
        return KIND_WORDS[word.strip().lower()]
    except KeyError:
        raise ValueError(word) from None


def parse_day(text: str) -> dt.date:
    """2027-01-01, 2027/1/1 or 2027年1月1日; ValueError otherwise."""
    match = _DATE_RE.match(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day = (int(part) for part in match.groups())
    return dt.date(year, month, day)


def _parse_days(text: str) -> list[dt.date]:
    if "~" not in text:
        return [parse_day(text)]
    first_text, last_text = text.split("~", 1)
    first, last = parse_day(first_text), parse_day(last_text)
    if not 0 <= (last - first).days < MAX_RUN_DAYS:
        raise OverflowError(text)
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _line_error(number: int, message: str | StrOrPromise) -> ValidationError:
    return ValidationError(
        _("第%(line)s行：%(message)s") % {"line": number, "message": message}, code="line"
    )


def _parse_line(number: int, line: str) -> list[HolidayEntry]:
    parts = _SPLIT_RE.split(_RANGE_SEP_RE.sub("~", line, count=1), maxsplit=2)
    if len(parts) < 2:
        raise _line_error(number, BAD_LINE)
    day_text, kind_text = parts[0], parts[1]
    name = parts[2].strip() if len(parts) > 2 else ""
    try:
        days = _parse_days(day_text)
    except OverflowError:
        raise _line_error(number, BAD_RUN % {"text": day_text}) from None
    except ValueError:
        raise _line_error(number, BAD_DATE % {"text": day_text}) from None
    try:
        kind = parse_kind(kind_text)
    except ValueError:
        raise _line_error(number, BAD_KIND % {"text": kind_text}) from None
    if len(name) > NAME_MAX_LENGTH:
        raise _line_error(number, BAD_NAME)
    return [HolidayEntry(date=day, kind=kind, name=name) for day in days]


def parse_schedule_text(text: str) -> list[HolidayEntry]:
    """Entries from the admin text; every bad line is reported with its number."""
    entries: list[HolidayEntry] = []
    errors: list[ValidationError] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            parsed = _parse_line(number, line)
        except ValidationError as error:
            errors.append(error)
            continue
        for entry in parsed:
            if entry.date in seen:
                errors.append(_line_error(number, DUPLICATE % {
                    "date": entry.date.isoformat(), "other": seen[entry.date]}))
            seen.setdefault(entry.date, number)
            entries.append(entry)
    if errors:
        raise ValidationError(errors)
    return sorted(entries, key=lambda e: e.date)


def format_schedule_text(entries: Iterable[HolidayEntry]) -> str:
    """The admin text for ``entries``: consecutive days of one kind and name become a run."""
    lines: list[str] = []
    run: list[HolidayEntry] = []

    def flush() -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        days = first.date.isoformat()
        if last.date != first.date:
            days = f"{days}~{last.date.isoformat()}"
        lines.append(f"{days} {first.kind.value} {first.name}".rstrip())
        run.clear()

    for entry in sorted(entries, key=lambda e: e.date):
        if run and not (entry.kind == run[-1].kind and entry.name == run[-1].name
                        and entry.date - run[-1].date == dt.timedelta(days=1)):
            flush()
        run.append(entry)
    flush()
    return "\n".join(lines)


def schedule_entries(schedule: HolidaySchedule) -> list[HolidayEntry]:
    return [HolidayEntry(date=d.date, kind=HolidayKind(d.kind), name=d.name)
            for d in schedule.dates.order_by("date")]


def default_notice_title(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


def validate_notice_numbers(value: str) -> None:
    """One 文号 or several joined by “；” (2020 had a second notice for the extension)."""
    for part in re.split(r"[;；]", value):
        if part.strip():
            validate_doc_number(part)


class HolidayScheduleForm(WagtailAdminModelForm):  # type: ignore[misc]
    """A year's schedule: the notice and its dates, typed one per line."""

    dates = forms.CharField(
        label=_("日期清单"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false",
                                     "placeholder": "2027-01-01 off 元旦"}),
        help_text=_("每行一个日期或一段连续日期：日期 类型 节日名称。类型 off 为放假，work 为调休"
                    "上班（周末上班）。例如“2027-01-01 off 元旦”“2027-02-05~2027-02-11 off 春节”"
                    "“2027-02-14 work 春节”。放假应列出整个假期（含其中的周末）；"
                    "调休上班只登记周六、周日。以 # 开头的内容为注释。"),
    )

    class Meta(WagtailAdminModelForm.Meta):  # type: ignore[misc]
        model = HolidaySchedule
        fields = ["year", "notice_title", "notice_number", "notice_date", "source_url", "note"]
        help_texts = {
            "notice_title": _("例如：国务院办公厅关于2027年部分节假日安排的通知"),
            "notice_number": _("例如：国办发明电〔2026〕7号；多个文号用“；”分隔。"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries: list[HolidayEntry] = []
        self.fields["notice_number"].validators.append(validate_notice_numbers)
        if self.instance.pk is not None:
            self.fields["year"].disabled = True
            self.fields["year"].help_text = _("年度录入后不能修改。")
            if not self.is_bound:
                self.initial["dates"] = format_schedule_text(schedule_entries(self.instance))

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        latest = timezone.localdate().year + 2
        if not FIRST_SCHEDULE_YEAR <= year <= latest:
            raise ValidationError(_("年度应在%(first)s年至%(last)s年之间。")
                                  % {"first": FIRST_SCHEDULE_YEAR, "last": latest})
        if self.instance.pk is None and HolidaySchedule.objects.filter(year=year).exists():
            raise ValidationError(_("%(year)s年的节假日安排已录入，请在列表中打开该年度修改。")
                                  % {"year": year})
        return year

    def clean_dates(self) -> str:
        text: str = self.cleaned_data["dates"]
        self.entries = parse_schedule_text(text)
        if not self.entries:
            raise ValidationError(_("请至少录入一个日期。"))
        return text

    def validate_unique(self) -> None:
        # clean_year reports a duplicate year in plain words; nothing else is unique here.
        return None


# The agency fields its own 单位管理员 keeps up to date (《条例》第十二条, the site footer).
OFFICE_FIELDS = [
    "office_name", "office_address", "office_postcode", "office_hours", "office_phone",
    "office_fax", "office_email", "office_web", "consultation_phone", "supervision_phone",
]
FOOTER_FIELDS = [
    "sponsor", "organizer", "contact", "site_code", "icp_number", "police_number", "conac_url",
]
# Only a platform administrator sets who the agency is.
IDENTITY_FIELDS = ["name", "short_name", "slug", "code", "level", "parent", "sort_order", "is_demo"]


class AgencyForm(WagtailAdminModelForm):  # type: ignore[misc]
    """Every field a platform administrator may set (the section page is built by the service)."""

    class Meta(WagtailAdminModelForm.Meta):  # type: ignore[misc]
        model = Agency
        fields = [*IDENTITY_FIELDS, *OFFICE_FIELDS, *FOOTER_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The section's page slug was made from it; changing it would break links.
            self.fields["slug"].disabled = True
            self.fields["parent"].queryset = Agency.objects.exclude(pk=self.instance.pk)


class AgencyOfficeForm(WagtailAdminModelForm):  # type: ignore[misc]
    """What an agency's own 单位管理员 may change: its office, hotlines and footer."""

    class Meta(WagtailAdminModelForm.Meta):  # type: ignore[misc]
        model = Agency
        fields = [*OFFICE_FIELDS, *FOOTER_FIELDS]
