"""`gongkai deadline`: the answer deadline of one information request, by hand.

    gongkai deadline --received 2024-09-27                       # 2024-10-30
    gongkai deadline --received 2024-09-27 --correction-sent 2024-09-30 --corrected 2024-10-08
    gongkai deadline --received 2024-09-27 --consult 2024-10-08:2024-10-15 --consult 2024-10-09:
    gongkai deadline --received 2024-09-27 --extension-approved 2024-10-28 [--extension-notified D]
    gongkai deadline --received 2024-09-27 --fee-notice 2024-10-09 --paid 2024-10-16 --json

The dates are computed by the same pure function as everywhere else
(``gongkai.info_requests.clock.compute_deadlines``) over ``load_calendar()``. The first line
of plain output is the due date alone (or the status when no answer period runs), then the
explanation, one step a line; ``--json`` prints the whole result. A date in a year whose
holiday schedule is not loaded gets the warning on stderr (exit status 0); bad input exits
with status 2 and a message in Chinese.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.core.forms import parse_day
from gongkai.core.selectors import load_calendar
from gongkai.info_requests.clock import (
    ANSWER_DAYS,
    MAX_EXTENSION_DAYS,
    CaseFacts,
    Deadlines,
    Event,
    compute_deadlines,
    missing_warning,
)
from gongkai.info_requests.enums import DayCounting, EventKind

BAD_INPUT = 2
DayReader = Callable[[str], dt.date | None]
CONVENTIONS = {
    "after-receipt": DayCounting.AFTER_RECEIPT, "after_receipt": DayCounting.AFTER_RECEIPT,
    "from-receipt": DayCounting.FROM_RECEIPT, "from_receipt": DayCounting.FROM_RECEIPT,
}


def bad_input(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def read_date(text: str, option: str) -> dt.date:
    try:
        return parse_day(text)
    except ValueError:
        raise bad_input(f"{option} 的日期“{text}”无效，请按 2024-09-27 的格式输入。") from None


def read_span(text: str, option: str) -> tuple[dt.date, dt.date | None]:
    """``D1:D2`` (ended) or ``D1:`` / ``D1`` (still running)."""
    first, _sep, last = text.partition(":")
    start = read_date(first.strip(), option)
    end = read_date(last.strip(), option) if last.strip() else None
    if end is not None and end < start:
        raise bad_input(f"{option} {text}：结束日期早于开始日期。")
    return start, end


def read_int(text: str | None, option: str, low: int, high: int) -> int | None:
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        raise bad_input(f"{option} 的值“{text}”不是整数。") from None
    if not low <= value <= high:
        raise bad_input(f"{option} 应在{low}到{high}之间。")
    return value


class Command(BaseCommand):
    help = "计算一件政府信息公开申请的答复期限（含补正、征求意见、延期、收费），并说明计算过程。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--received", required=True, help="收到申请之日，例如 2024-09-27")
        parser.add_argument("--today", help="按哪一天判断是否超期（默认今天）")
        parser.add_argument("--convention", default="after-receipt", choices=sorted(CONVENTIONS),
                            help="起算方法：after-receipt（默认，收到之日不计入）或 from-receipt")
        parser.add_argument("--correction-sent", help="告知补正的日期")
        parser.add_argument("--correction-deadline", help="补正期限（日期）")
        parser.add_argument("--correction-days", help="补正期限（告知后的工作日数，默认15）")
        parser.add_argument("--corrected", help="收到补正材料的日期")
        parser.add_argument("--consult", action="append", default=[], metavar="D1:D2",
                            help="征求第三方意见：发出日:收到意见日（未收到则写 D1:），可重复")
        parser.add_argument("--consult-agency", action="append", default=[], metavar="D1:D2",
                            help="征求其他机关意见（第三十四条），格式同 --consult")
        parser.add_argument("--extended", action="store_true", help="已延期答复")
        parser.add_argument("--extension-approved", help="负责人同意延期的日期")
        parser.add_argument("--extension-notified", help="告知申请人延期的日期（默认同意之日）")
        parser.add_argument("--extension-days", help=f"延长的工作日数（默认{MAX_EXTENSION_DAYS}）")
        parser.add_argument("--fee-notice", help="发出收费通知的日期")
        parser.add_argument("--fee-pay-by", help="缴费期限（默认通知后20个工作日）")
        parser.add_argument("--paid", help="缴费日期")
        parser.add_argument("--delayed", metavar="D:UNTIL",
                            help="第三十五条延迟答复：告知日:确定的答复期限")
        parser.add_argument("--replied", help="答复日期")
        parser.add_argument("--internal-target", help=f"内部办理目标（1–{ANSWER_DAYS}个工作日）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        received = read_date(options["received"], "--received")
        today = (read_date(options["today"], "--today") if options["today"]
                 else timezone.localdate())
        events = list(self.events(options, received))
        target = read_int(options["internal_target"], "--internal-target", 1, ANSWER_DAYS)
        result = compute_deadlines(CaseFacts(received, events), load_calendar(), now=today,
                                   convention=CONVENTIONS[options["convention"]],
                                   internal_target_days=target)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.print_plain(result, options["verbosity"])
        if result.missing_years:
            self.stderr.write(f"警告：{missing_warning(result.missing_years)}")

    def print_plain(self, result: Deadlines, verbosity: int) -> None:
        self.stdout.write(result.due.isoformat() if result.due else str(result.status.label))
        if verbosity < 1:
            return
        lines = [f"状态：{result.status.label}"]
        if result.internal_target:
            lines.append(f"内部办理目标：{result.internal_target.isoformat()}")
        warning = missing_warning(result.missing_years)  # printed on stderr instead
        steps = [step for step in result.explanation if step.text != warning]
        lines += [f"{n}. {step.text}" for n, step in enumerate(steps, start=1)]
        for line in lines:
            self.stdout.write(line)

    def events(self, options: dict[str, Any], received: dt.date) -> Iterable[Event]:
        def day(option: str) -> dt.date | None:
            text = options[option.lstrip("-").replace("-", "_")]
            if not text:
                return None
            value = read_date(text, option)
            if value < received:
                raise bad_input(f"{option} {value.isoformat()} "
                                f"早于收到申请之日（{received.isoformat()}）。")
            return value

        yield from self.correction(options, day)
        for option, started in (("--consult", EventKind.THIRD_PARTY_CONSULTATION_STARTED),
                                ("--consult-agency", EventKind.AGENCY_CONSULTATION_STARTED)):
            yield from self.consultations(options[option.lstrip("-").replace("-", "_")], option,
                                          started, received)
        yield from self.extension(options, day)
        yield from self.fee(options, day)
        if options["delayed"]:
            notified, until = read_span(options["delayed"], "--delayed")
            if until is None:
                raise bad_input("--delayed 应写作 告知日:答复期限，例如 2024-10-20:2024-12-31。")
            yield Event(EventKind.DELAYED_REPLY, notified, {"until": until})
        replied = day("--replied")
        if replied:
            yield Event(EventKind.REPLIED, replied)

    @staticmethod
    def correction(options: dict[str, Any], day: DayReader) -> Iterable[Event]:
        sent, corrected = day("--correction-sent"), day("--corrected")
        deadline = day("--correction-deadline")
        days = read_int(options["correction_days"], "--correction-days", 1, 200)
        if sent is None:
            if corrected or deadline or days:
                raise bad_input("请同时用 --correction-sent 给出告知补正的日期。")
            return
        data: dict[str, Any] = {}
        if deadline is not None:
            if deadline < sent:
                raise bad_input("--correction-deadline 早于告知补正之日。")
            data["deadline"] = deadline
        elif days is not None:
            data["period_days"] = days
        yield Event(EventKind.CORRECTION_REQUESTED, sent, data)
        if corrected is not None:
            if corrected < sent:
                raise bad_input("--corrected 早于告知补正之日。")
            yield Event(EventKind.CORRECTION_RECEIVED, corrected)

    @staticmethod
    def consultations(spans: list[str], option: str, started: EventKind,
                      received: dt.date) -> Iterable[Event]:
        ended = (EventKind.THIRD_PARTY_CONSULTATION_ENDED
                 if started == EventKind.THIRD_PARTY_CONSULTATION_STARTED
                 else EventKind.AGENCY_CONSULTATION_ENDED)
        for number, text in enumerate(spans, start=1):
            start, end = read_span(text, option)
            if start < received:
                raise bad_input(f"{option} {text}：开始日期早于收到申请之日。")
            party = f"{option}#{number}"  # pairs each start with its own end
            yield Event(started, start, {"party": party})
            if end is not None:
                yield Event(ended, end, {"party": party})

    @staticmethod
    def extension(options: dict[str, Any], day: DayReader) -> Iterable[Event]:
        approved, notified = day("--extension-approved"), day("--extension-notified")
        days = read_int(options["extension_days"], "--extension-days", 1, MAX_EXTENSION_DAYS)
        if approved is None:
            if options["extended"] or notified or days:
                raise bad_input("请用 --extension-approved 给出政府信息公开工作机构负责人"
                                "同意延期的日期（告知申请人的日期用 --extension-notified，"
                                "默认同日）。")
            return
        yield Event(EventKind.EXTENSION_APPROVED, approved,
                    {"days": days if days is not None else MAX_EXTENSION_DAYS})
        yield Event(EventKind.EXTENSION_NOTIFIED, notified or approved)

    @staticmethod
    def fee(options: dict[str, Any], day: DayReader) -> Iterable[Event]:
        notice, pay_by, paid = day("--fee-notice"), day("--fee-pay-by"), day("--paid")
        if notice is None:
            if pay_by or paid:
                raise bad_input("请同时用 --fee-notice 给出发出收费通知的日期。")
            return
        if paid is not None and paid < notice:
            raise bad_input("--paid 早于发出收费通知之日。")
        yield Event(EventKind.FEE_NOTICE_SENT, notice, {"pay_by": pay_by} if pay_by else {})
        if paid is not None:
            yield Event(EventKind.FEE_PAID, paid)
