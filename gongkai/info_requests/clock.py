"""The statutory clock of an information request (依申请公开), as one pure function.

``compute_deadlines(case, calendar, now=…)`` reads the receipt date and the event log of
one application and returns every date that matters, the state of the clock and an
explanation in plain Chinese, step by step, each with its legal basis — the applicant's
tracking page shows that explanation, the staff queue sorts by ``due``. Nothing here reads
the database or the clock: the calendar (``gongkai.core.selectors.load_calendar()``) and
``now`` are arguments, so the rules are tested with tables of dates.

The rules (《中华人民共和国政府信息公开条例》, 2019; details in docs/info-requests.md):

* 第三十一条 — the receipt date depends on the channel (``receipt_date``).
* 第三十三条第二款 — answer within 20 working days of receipt; by default the receipt day is
  not counted (day 1 is the next working day; ``DayCounting.FROM_RECEIPT`` is the
  alternative). An extension of at most 20 working days needs the approval of the head of
  the OGI office **and** a notice to the applicant, both before the first deadline passes.
* 第三十条 — a correction notice (补正) is due within 7 working days of receipt; once the
  corrected application arrives the 20 days restart in full; no correction by the period the
  agency set → the application is treated as abandoned (视为放弃).
* 第三十二条、第三十四条、第三十三条第三款 — consulting a third party or another agency
  pauses the clock from the day the letter is sent to the day the opinion arrives, at most
  15 working days each; overlapping consultations pause once.
* 《政府信息公开信息处理费管理办法》 — from the fee notice to payment the clock is paused;
  no payment by the deadline ends processing. **[MEMORY — verify against the 办法's text]**
* 第三十五条 — a reasonable later date set and notified by the agency (延迟答复).

A date in a year whose holiday schedule is not loaded is never guessed: it is counted as a
Monday–Friday week and the year is named in ``missing_years`` with a warning.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from gongkai.core.workdays import WorkdayCalendar, add_working_days, working_days_between
from gongkai.info_requests.enums import Channel, DayCounting, EventKind, Outcome, Status
from gongkai.info_requests.enums import cite as cite_outcome

ONE_DAY = dt.timedelta(days=1)

ANSWER_DAYS = 20  # 第三十三条第二款
MAX_EXTENSION_DAYS = 20  # 第三十三条第二款
CORRECTION_NOTICE_DAYS = 7  # 第三十条
CONSULTATION_DAYS = 15  # 第三十二条、第三十四条
# Defaults for periods the agency sets case by case (an event's data overrides them).
DEFAULT_CORRECTION_PERIOD_DAYS = 15  # “合理的补正期限” (第三十条): the agency's choice
DEFAULT_FEE_PAYMENT_DAYS = 20  # local fee rules (e.g. 四川, 2021): 20 working days
AT_RISK_DAYS = 3

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

ART_30 = "《条例》第三十条"
ART_31 = "《条例》第三十一条"
ART_33_1 = "《条例》第三十三条第一款"
ART_33_2 = "《条例》第三十三条第二款"
ART_32_33 = "《条例》第三十二条、第三十三条第三款"
ART_34_33 = "《条例》第三十四条、第三十三条第三款"
ART_35 = "《条例》第三十五条"
ART_36 = "《条例》第三十六条"
FEE_RULES = "《政府信息公开信息处理费管理办法》"


# --- Input --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One entry of the append-only event log. ``data`` keys the clock reads:

    * ``CORRECTION_REQUESTED``: ``deadline`` (date) or ``period_days`` (int, working days
      after the notice) — the correction period the agency set;
    * consultation ``…_STARTED`` / ``…_ENDED``: ``party`` (str, to pair them when several
      run at once); ``…_STARTED``: ``delivered_on`` (date the party received the letter,
      from which its 15 working days run; default: the day it was sent);
    * ``EXTENSION_APPROVED``: ``days`` (int, at most 20; default 20);
    * ``FEE_NOTICE_SENT``: ``pay_by`` (date; default 20 working days after the notice);
    * ``DELAYED_REPLY``: ``until`` (date, required);
    * ``REPLIED``: ``outcome`` (an ``Outcome`` value, optional).
    """

    kind: EventKind
    on: dt.date
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseFacts:
    """What the clock needs to know about one application. ``received_on`` is None until
    the receipt date is fixed (an online application not yet confirmed, 第三十一条)."""

    received_on: dt.date | None
    events: Sequence[Event] = ()


# --- Output -------------------------------------------------------------------------------------


class PauseReason(enum.StrEnum):
    THIRD_PARTY = "third_party"  # 第三十二条
    OTHER_AGENCY = "other_agency"  # 第三十四条
    FEE = "fee"  # 信息处理费: notice → payment


@dataclass(frozen=True)
class Pause:
    """Days not counted in the answer period: ``start`` to ``end``, both included; the
    clock resumes the day after ``end``. ``open`` = still running, so ``end`` is the latest
    it can be (the 15-working-day limit, or the payment deadline)."""

    reason: PauseReason
    start: dt.date
    end: dt.date
    working_days: int
    open: bool = False
    party: str = ""


@dataclass(frozen=True)
class Extension:
    days: int
    approved_on: dt.date | None
    notified_on: dt.date | None
    granted: bool
    reason: str = ""  # why it was refused (Chinese), empty when granted


@dataclass(frozen=True)
class Step:
    """One line of the explanation. ``text`` is the full sentence, ending with the legal
    basis in brackets; ``basis`` repeats that basis alone."""

    on: dt.date | None
    text: str
    basis: str = ""


@dataclass(frozen=True)
class Deadlines:
    status: Status
    received_on: dt.date | None = None
    # The day the 20 working days run from: receipt, or receipt of the corrected application.
    clock_start: dt.date | None = None
    # The answer is due by the end of this day (extension, pauses and 第三十五条 included).
    # None while no answer period runs (not yet received; waiting for a correction).
    due: dt.date | None = None
    first_due: dt.date | None = None  # 20 working days (+ pauses), no extension
    internal_target: dt.date | None = None  # the agency's shorter target, ≤ due
    correction_notice_due: dt.date | None = None
    correction_deadline: dt.date | None = None
    fee_pay_by: dt.date | None = None
    delayed_until: dt.date | None = None
    pauses: tuple[Pause, ...] = ()
    paused_working_days: int = 0  # counted once, however many pauses overlap
    extension: Extension | None = None
    due_is_projected: bool = False  # an open pause may still end earlier
    overdue: bool = False
    at_risk: bool = False
    working_days_left: int | None = None  # counted days after ``now`` up to ``due``
    working_days_overdue: int = 0
    closed_on: dt.date | None = None
    replied_late: bool = False
    explanation: tuple[Step, ...] = ()
    missing_years: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def is_closed(self) -> bool:
        return self.status.is_closed

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""

        def plain(value: Any) -> Any:
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, enum.Enum):
                return value.value
            if isinstance(value, tuple | list):
                return [plain(v) for v in value]
            if hasattr(value, "__dataclass_fields__"):
                return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__}
            return value

        answer: dict[str, Any] = plain(self)
        answer["status_label"] = str(self.status.label)
        answer["schedule_missing"] = bool(self.missing_years)
        return answer


def missing_warning(years: Iterable[int]) -> str:
    """The warning every screen shows (same wording as ``gongkai.core.api.missing_warning``,
    which a test keeps in step; not imported to keep this module free of the web layer)."""
    listed = "、".join(str(y) for y in sorted(years))
    if not listed:
        return ""
    return (
        f"{listed}年的节假日安排尚未录入，按周一至周五为工作日计算，结果可能不准确；"
        "请以国务院办公厅发布的节假日安排为准。"
    )


# --- Receipt date (第三十一条) ----------------------------------------------------------------


def receipt_date(
    channel: Channel,
    *,
    submitted_on: dt.date,
    signed_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
) -> dt.date | None:
    """收到申请之日 under 《条例》第三十一条, or None while it is not yet fixed.

    * 当面提交 (and applications taken down in person or on the phone, 第二十九条
      “代为填写”): the day submitted;
    * registered post / courier: the day the agency signs for it (None until signed);
    * 平信, online, fax, e-mail: the day the agency confirms with the applicant (None until
      confirmed). The phone channel is treated as in person [INFERRED: staff write the
      application down while talking to the applicant, so both parties know it that day].
    """
    for later, name in ((signed_on, "signed_on"), (confirmed_on, "confirmed_on")):
        if later is not None and later < submitted_on:
            raise ValueError(f"{name} is before submitted_on")
    if channel in (Channel.IN_PERSON, Channel.ORAL_IN_PERSON, Channel.PHONE):
        return submitted_on
    if channel == Channel.REGISTERED_POST:
        return signed_on
    return confirmed_on


# --- The computation ------------------------------------------------------------------------------


@dataclass
class _Consultation:
    reason: PauseReason
    start: dt.date
    party: str
    delivered_on: dt.date
    ended_on: dt.date | None = None


@dataclass
class _Facts:
    """The event log folded into what the clock needs (mutable while reading it)."""

    received_on: dt.date
    clock_start: dt.date
    correction_requests: list[Event] = field(default_factory=list)
    correction_deadline: dt.date | None = None
    corrected_on: dt.date | None = None
    consultations: list[_Consultation] = field(default_factory=list)
    extension_approvals: list[Event] = field(default_factory=list)
    extension_notices: list[Event] = field(default_factory=list)
    fee_notice_on: dt.date | None = None
    fee_pay_by: dt.date | None = None
    fee_paid_on: dt.date | None = None
    delayed: Event | None = None
    closing: Event | None = None


class _DayIndex:
    """Constant-time working-day arithmetic over one calendar, identical in its answers
    (dates, counts and missing years) to ``gongkai.core.workdays`` — a test checks that.

    ``cumulative[i]`` is the number of working days from ``first`` up to ``first + i``
    (included), for every day from the year before the first loaded year to two years after
    the last (so an unloaded next year is covered, as a Monday–Friday week). Outside that
    range the core functions answer instead. Built once per calendar (the staff queue
    computes thousands of cases with one calendar).
    """

    def __init__(self, calendar: WorkdayCalendar):
        years = calendar.loaded_years
        self.loaded = frozenset(years)
        # No schedule at all: an empty index, every question goes to the core functions.
        self.first = dt.date(years[0] - 1, 1, 1) if years else dt.date.max
        self.last = dt.date(years[-1] + 2, 12, 31) if years else dt.date.min
        count, cumulative, day = 0, [], self.first
        while day <= self.last:
            count += calendar.is_working_day(day)
            cumulative.append(count)
            day += ONE_DAY
        self.cumulative = cumulative

    def covers(self, start: dt.date, end: dt.date | None = None) -> bool:
        return self.first <= start <= self.last and (end is None or end <= self.last)

    def missing(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        """Unloaded years among the days after ``start`` up to ``end``."""
        if end <= start or (end.year == start.year and end.year in self.loaded):
            return ()
        return tuple(y for y in range((start + ONE_DAY).year, end.year + 1) if y not in self.loaded)

    def between(self, start: dt.date, end: dt.date) -> int:
        cumulative, first = self.cumulative, self.first
        return cumulative[(end - first).days] - cumulative[(start - first).days]

    def add(self, start: dt.date, days: int) -> dt.date | None:
        """None when the answer falls outside the index (the caller falls back)."""
        offset = (start - self.first).days
        position = bisect.bisect_left(self.cumulative, self.cumulative[offset] + days, offset)
        if position >= len(self.cumulative):
            return None
        return self.first + dt.timedelta(days=position)


_INDEXES: dict[int, tuple[weakref.ref[WorkdayCalendar], _DayIndex]] = {}


def day_index(calendar: WorkdayCalendar) -> _DayIndex:
    """The index of ``calendar``, built on first use and kept while the calendar lives
    (``load_calendar()`` returns a new object when the holiday table changes)."""
    entry = _INDEXES.get(id(calendar))
    if entry is not None and entry[0]() is calendar:
        return entry[1]
    index = _DayIndex(calendar)
    key = id(calendar)
    _INDEXES[key] = (weakref.ref(calendar, lambda _ref: _INDEXES.pop(key, None)), index)
    return index


class _Clock:
    """Working-day arithmetic with the missing years and the explanation collected."""

    def __init__(self, calendar: WorkdayCalendar, convention: DayCounting, explain: bool):
        self.calendar = calendar
        self.index = day_index(calendar)
        self.convention = convention
        self.explain = explain
        self.missing: set[int] = set()
        self.steps: list[Step] = []
        self.warnings: list[str] = []

    # arithmetic

    def add(self, start: dt.date, days: int) -> dt.date:
        if days >= 0 and self.index.covers(start):
            value = self.index.add(start, days)
            if value is not None:
                self.missing.update(self.index.missing(start, value))
                return value
        result = add_working_days(self.calendar, start, days)
        self.missing.update(result.missing_years)
        return result.value

    def between(self, start: dt.date, end: dt.date) -> int:
        if start <= end and self.index.covers(start, end):
            self.missing.update(self.index.missing(start, end))
            return self.index.between(start, end)
        result = working_days_between(self.calendar, start, end)
        self.missing.update(result.missing_years)
        return result.value

    def anchor(self, day: dt.date) -> dt.date:
        """The day before day 1: the start day itself, or the day before it when the
        convention counts the start day."""
        return day if self.convention == DayCounting.AFTER_RECEIPT else day - ONE_DAY

    def nth(self, anchor: dt.date, days: int, pauses: Sequence[tuple[dt.date, dt.date]]) -> dt.date:
        """The ``days``-th working day after ``anchor`` that is in no pause (``pauses`` are
        merged, sorted, inclusive intervals)."""
        remaining, cursor = days, anchor
        for start, end in pauses:
            if end <= cursor:
                continue
            before = self.between(cursor, max(start, cursor + ONE_DAY) - ONE_DAY)
            if before >= remaining:
                break
            remaining -= before
            cursor = end
        return self.add(cursor, remaining)

    def counted(
        self, start: dt.date, end: dt.date, pauses: Sequence[tuple[dt.date, dt.date]]
    ) -> int:
        """Working days after ``start`` up to ``end`` that are in no pause."""
        total = self.between(start, end)
        for p_start, p_end in pauses:
            low, high = max(p_start - ONE_DAY, start), min(p_end, end)
            if high > low:
                total -= self.between(low, high)
        return total

    # explanation

    def step(
        self,
        on: dt.date | None,
        message: str,
        params: Mapping[str, Any] | None = None,
        basis: str = "",
    ) -> None:
        """Add a line to the explanation. ``message`` is marked with ``N_`` and translated
        here, only when an explanation is wanted: the staff queue computes thousands of
        cases without one, and translating is most of the cost of a case."""
        if self.explain:
            text = _(message) % params if params else _(message)
            self.steps.append(Step(on, f"{text}（{basis}）" if basis else text, basis))

    def warn(self, on: dt.date | None, text: str) -> None:
        self.warnings.append(text)
        self.step(on, text)


def cn(day: dt.date) -> str:
    return day.isoformat()


def cn_weekday(day: dt.date) -> str:
    return f"{day.isoformat()}（{WEEKDAYS[day.weekday()]}）"


def _data_date(event: Event, key: str) -> dt.date | None:
    value = event.data.get(key)
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _merge(intervals: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


CONSULTATION_STARTS = {
    EventKind.THIRD_PARTY_CONSULTATION_STARTED: PauseReason.THIRD_PARTY,
    EventKind.AGENCY_CONSULTATION_STARTED: PauseReason.OTHER_AGENCY,
}
CONSULTATION_ENDS = {
    EventKind.THIRD_PARTY_CONSULTATION_ENDED: PauseReason.THIRD_PARTY,
    EventKind.AGENCY_CONSULTATION_ENDED: PauseReason.OTHER_AGENCY,
}
CLOSING_KINDS = {
    EventKind.REPLIED,
    EventKind.REPLIED_ON_THE_SPOT,
    EventKind.WITHDRAWN,
    EventKind.CORRECTION_LAPSED,
    EventKind.FEE_DEADLINE_LAPSED,
}


class _Reader:
    """Folds the event log, in date order, into ``_Facts``."""

    def __init__(
        self,
        clock: _Clock,
        received_on: dt.date,
        correction_period_days: int,
        fee_payment_days: int,
    ):
        self.clock = clock
        self.facts = _Facts(received_on=received_on, clock_start=received_on)
        self.correction_period_days = correction_period_days
        self.fee_payment_days = fee_payment_days

    def read(self, events: Sequence[Event]) -> _Facts:
        for event in sorted(events, key=lambda e: e.on):  # stable: same-day order kept
            if self.facts.closing is not None:
                self.clock.warn(
                    event.on,
                    _("%(date)s的“%(kind)s”晚于办结，未予考虑。")
                    % {"date": cn(event.on), "kind": EventKind(event.kind).label},
                )
                continue
            if event.on < self.facts.received_on:
                self.clock.warn(
                    event.on,
                    _("%(date)s的“%(kind)s”早于收到申请之日，未予考虑。")
                    % {"date": cn(event.on), "kind": EventKind(event.kind).label},
                )
                continue
            self.handle(event)
        return self.facts

    def handle(self, event: Event) -> None:
        kind = EventKind(event.kind)
        if kind in CONSULTATION_STARTS:
            self.consultation_started(event, CONSULTATION_STARTS[kind])
        elif kind in CONSULTATION_ENDS:
            self.consultation_ended(event, CONSULTATION_ENDS[kind])
        elif kind == EventKind.CORRECTION_REQUESTED:
            self.correction_requested(event)
        elif kind == EventKind.CORRECTION_RECEIVED:
            self.correction_received(event)
        elif kind == EventKind.EXTENSION_APPROVED:
            self.facts.extension_approvals.append(event)
        elif kind == EventKind.EXTENSION_NOTIFIED:
            self.facts.extension_notices.append(event)
        elif kind in (EventKind.FEE_NOTICE_SENT, EventKind.FEE_PAID):
            self.fee(event)
        elif kind == EventKind.DELAYED_REPLY:
            self.facts.delayed = event
        elif kind in CLOSING_KINDS:
            self.facts.closing = event
        # RECEIVED, RECEIPT_CONFIRMED, REASONS_REQUESTED: on the record, no effect on dates.

    def correction_requested(self, event: Event) -> None:
        facts = self.facts
        if facts.correction_requests:  # 第三十条: one notice, 一次性告知
            self.clock.warn(
                event.on,
                _(
                    "%(date)s再次告知补正：补正应当一次性告知"
                    "（《条例》第三十条），补正期限按最近一次告知计算。"
                )
                % {"date": cn(event.on)},
            )
        facts.correction_requests.append(event)
        deadline = _data_date(event, "deadline")
        if deadline is None:
            days = int(event.data.get("period_days", self.correction_period_days))
            deadline = self.clock.add(event.on, days)
        facts.correction_deadline = deadline
        facts.corrected_on = None

    def correction_received(self, event: Event) -> None:
        facts = self.facts
        if not facts.correction_requests:
            self.clock.warn(
                event.on, _("%(date)s收到补正材料，但此前没有补正告知。") % {"date": cn(event.on)}
            )
        elif facts.correction_deadline and event.on > facts.correction_deadline:
            self.clock.warn(
                event.on,
                _("补正材料晚于补正期限（%(deadline)s）收到，按有正当理由受理。")
                % {"deadline": cn(facts.correction_deadline)},
            )
        facts.corrected_on = event.on
        facts.clock_start = event.on
        self.clock.step(
            event.on,
            N_("收到补正材料，答复期限自%(date)s起重新计算%(days)d个工作日"),
            {"date": cn(event.on), "days": ANSWER_DAYS},
            ART_30,
        )

    def consultation_started(self, event: Event, reason: PauseReason) -> None:
        delivered = _data_date(event, "delivered_on") or event.on
        self.facts.consultations.append(
            _Consultation(reason, event.on, str(event.data.get("party", "")), delivered)
        )

    def consultation_ended(self, event: Event, reason: PauseReason) -> None:
        party = str(event.data.get("party", ""))
        for consultation in self.facts.consultations:
            if (
                consultation.reason == reason
                and consultation.ended_on is None
                and (not party or consultation.party == party)
            ):
                consultation.ended_on = event.on
                return
        self.clock.warn(
            event.on,
            _("%(date)s记录了征求意见结束，但没有对应的征求意见。") % {"date": cn(event.on)},
        )

    def fee(self, event: Event) -> None:
        facts = self.facts
        if event.kind == EventKind.FEE_NOTICE_SENT:
            facts.fee_notice_on, facts.fee_paid_on = event.on, None
            facts.fee_pay_by = _data_date(event, "pay_by") or self.clock.add(
                event.on, self.fee_payment_days
            )
        elif facts.fee_notice_on is None:
            self.clock.warn(
                event.on, _("%(date)s记录了缴费，但没有收费通知。") % {"date": cn(event.on)}
            )
        else:
            facts.fee_paid_on = event.on


@dataclass
class _Outcome:
    """The computed answer under construction."""

    pauses: list[Pause] = field(default_factory=list)
    merged: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    extension: Extension | None = None
    first_due: dt.date | None = None
    due: dt.date | None = None


def compute_deadlines(
    case: CaseFacts,
    calendar: WorkdayCalendar,
    *,
    now: dt.date,
    convention: DayCounting = DayCounting.AFTER_RECEIPT,
    internal_target_days: int | None = None,
    correction_period_days: int = DEFAULT_CORRECTION_PERIOD_DAYS,
    fee_payment_days: int = DEFAULT_FEE_PAYMENT_DAYS,
    at_risk_days: int = AT_RISK_DAYS,
    explain: bool = True,
) -> Deadlines:
    """Every deadline of one application on ``now`` (see the module docstring).

    ``internal_target_days``: the agency's shorter target (1–20 working days from the clock
    start, pauses excluded, never later than ``due``). ``explain=False`` skips building
    the explanation (for the staff queue, which only needs the dates).
    """
    if internal_target_days is not None and not 1 <= internal_target_days <= ANSWER_DAYS:
        raise ValueError(f"internal_target_days must be between 1 and {ANSWER_DAYS}")
    clock = _Clock(calendar, DayCounting(convention), explain)
    if case.received_on is None:
        clock.step(
            None,
            N_(
                "尚未确认收到申请：网上、传真、平信等方式提交的申请，"
                "以双方确认之日为收到申请之日，答复期限自该日起计算"
            ),
            None,
            ART_31,
        )
        return Deadlines(Status.AWAITING_CONFIRMATION, explanation=tuple(clock.steps))
    received = case.received_on
    clock.step(received, N_("%(date)s收到申请"), {"date": cn(received)}, ART_31)
    if clock.explain:
        counting = (
            _("收到之日不计入，自下一个工作日起算")
            if clock.convention == DayCounting.AFTER_RECEIPT
            else _("收到之日为工作日的，当日计入")
        )
        clock.step(
            received,
            N_("答复期限为自收到申请之日起%(days)d个工作日（%(counting)s）"),
            {"days": ANSWER_DAYS, "counting": counting},
            ART_33_2,
        )
    notice_due = clock.add(clock.anchor(received), CORRECTION_NOTICE_DAYS)
    facts = _Reader(clock, received, correction_period_days, fee_payment_days).read(case.events)
    return _conclude(
        clock,
        facts,
        notice_due,
        now=now,
        at_risk_days=at_risk_days,
        internal_target_days=internal_target_days,
    )


def _conclude(
    clock: _Clock,
    facts: _Facts,
    notice_due: dt.date,
    *,
    now: dt.date,
    at_risk_days: int,
    internal_target_days: int | None,
) -> Deadlines:
    _explain_correction_notice(clock, facts, notice_due)
    common: dict[str, Any] = {
        "received_on": facts.received_on,
        "clock_start": facts.clock_start,
        "correction_notice_due": notice_due,
        "correction_deadline": facts.correction_deadline,
        "fee_pay_by": facts.fee_pay_by,
    }
    if facts.correction_requests and facts.corrected_on is None:
        return _awaiting_correction(clock, facts, now, common)
    result = _Outcome()
    anchor = clock.anchor(facts.clock_start)
    _collect_pauses(clock, facts, result, now)
    result.first_due = clock.nth(anchor, ANSWER_DAYS, result.merged)
    _judge_extension(clock, facts, result, now)
    days = ANSWER_DAYS + (
        result.extension.days if result.extension and result.extension.granted else 0
    )
    result.due = clock.nth(anchor, days, result.merged) if days != ANSWER_DAYS else result.first_due
    paused = clock.between(anchor, result.due) - days
    due = _apply_delay(clock, facts, result.due)
    internal = None
    if internal_target_days is not None:
        internal = min(clock.nth(anchor, internal_target_days, result.merged), due)
    status, closed_on = _status(clock, facts, result, now)
    flags = _flags(clock, result, due, now, status, closed_on, at_risk_days)
    if not status.is_closed or status == Status.REPLIED:
        clock.step(
            None,
            N_("答复期限：%(due)s"),
            {"due": cn_weekday(due)},
            ART_35 if due != result.due else ART_33_2,
        )
    _explain_flags(clock, flags, now)
    return _finish(
        clock,
        status,
        **common,
        due=due,
        first_due=result.first_due,
        internal_target=internal,
        delayed_until=_data_date(facts.delayed, "until") if facts.delayed else None,
        pauses=tuple(result.pauses),
        paused_working_days=max(paused, 0),
        extension=result.extension,
        due_is_projected=not status.is_closed
        and any(p.open and p.start <= due for p in result.pauses),
        closed_on=closed_on,
        **flags,
    )


def _finish(clock: _Clock, status: Status, **fields: Any) -> Deadlines:
    """The result, with the explanation, the missing years and the warnings added."""
    warnings = list(clock.warnings)
    steps = clock.steps
    if clock.missing:
        warnings.append(missing_warning(clock.missing))
        if clock.explain:
            steps = [*steps, Step(None, missing_warning(clock.missing))]
    return Deadlines(
        status,
        **fields,
        explanation=_in_order(steps) if steps else (),
        missing_years=tuple(sorted(clock.missing)),
        warnings=tuple(warnings),
    )


def _in_order(steps: list[Step]) -> tuple[Step, ...]:
    """Dated steps by date (same-day order kept), then the summary lines (no date)."""
    dated = sorted((s for s in steps if s.on is not None), key=lambda s: s.on or dt.date.min)
    return (*dated, *(s for s in steps if s.on is None))


def _explain_correction_notice(clock: _Clock, facts: _Facts, notice_due: dt.date) -> None:
    if not facts.correction_requests:
        return
    first = facts.correction_requests[0]
    clock.step(
        first.on,
        N_(
            "%(date)s告知申请人补正，补正期限至%(deadline)s；补正告知应于收到申请后"
            "%(days)d个工作日内（%(due)s前）一次性发出"
        ),
        {
            "date": cn(first.on),
            "deadline": cn(facts.correction_deadline or first.on),
            "days": CORRECTION_NOTICE_DAYS,
            "due": cn(notice_due),
        },
        ART_30,
    )
    if first.on > notice_due:
        clock.warn(
            first.on,
            _("补正告知晚于收到申请后%(days)d个工作日（应于%(due)s前发出）。")
            % {"days": CORRECTION_NOTICE_DAYS, "due": cn(notice_due)},
        )


def _awaiting_correction(
    clock: _Clock, facts: _Facts, now: dt.date, common: dict[str, Any]
) -> Deadlines:
    deadline = facts.correction_deadline
    if deadline is None:  # set with every request; the guard is for the type checker
        raise ValueError("a correction request without a deadline")
    closing = facts.closing
    lapsed_on: dt.date | None = None
    if closing is not None and closing.kind == EventKind.CORRECTION_LAPSED:
        lapsed_on = closing.on
    elif now > deadline:
        lapsed_on = deadline
    if closing is not None and closing.kind != EventKind.CORRECTION_LAPSED:
        status, closed_on = _closing_status(clock, closing, None)
        return _finish(clock, status, **common, closed_on=closed_on)
    if lapsed_on is not None:
        clock.step(
            lapsed_on,
            N_("申请人未在补正期限（%(deadline)s）内补正，视为放弃申请，行政机关不再处理该申请"),
            {"deadline": cn(deadline)},
            ART_30,
        )
        return _finish(clock, Status.ABANDONED, **common, closed_on=lapsed_on)
    clock.step(
        None,
        N_("等待补正：收到补正材料后答复期限重新计算%(days)d个工作日"),
        {"days": ANSWER_DAYS},
        ART_30,
    )
    return _finish(clock, Status.AWAITING_CORRECTION, **common)


CONSULTATION_TEXT = {
    "answered": N_("%(start)s征求%(who)s意见，%(end)s收到意见，其间%(n)d个工作日不计入答复期限"),
    "expired": N_(
        "%(start)s征求%(who)s意见，%(who)s未在%(days)d个工作日内（%(end)s前）提出意见，"
        "其间%(n)d个工作日不计入答复期限，此后照常计算"
    ),
    "expired_agency": N_(
        "%(start)s征求%(who)s意见，%(who)s未在%(days)d个工作日内（%(end)s前）"
        "提出意见，视为同意公开；其间%(n)d个工作日不计入答复期限，此后照常计算"
    ),
    "running": N_(
        "%(start)s起征求%(who)s意见，应于%(end)s前提出意见，其间不计入答复期限（至多%(n)d个工作日）"
    ),
}


def _consultation_pause(clock: _Clock, consultation: _Consultation, now: dt.date) -> Pause:
    """From the letter to the opinion, capped at the party's 15 working days."""
    limit = clock.add(consultation.delivered_on, CONSULTATION_DAYS)
    third = consultation.reason == PauseReason.THIRD_PARTY
    start = consultation.start
    if consultation.ended_on is not None and consultation.ended_on <= limit:
        end, is_open, text = consultation.ended_on, False, "answered"
    elif consultation.ended_on is not None or now > limit:
        end, is_open, text = limit, False, "expired" if third else "expired_agency"
    else:
        end, is_open, text = limit, True, "running"
    pause = Pause(
        consultation.reason,
        start,
        end,
        clock.between(start - ONE_DAY, end),
        is_open,
        consultation.party,
    )
    if clock.explain:
        who = _("第三方") if third else _("其他机关")
        clock.step(
            start,
            CONSULTATION_TEXT[text],
            {
                "start": cn(start),
                "end": cn(end),
                "who": who,
                "days": CONSULTATION_DAYS,
                "n": pause.working_days,
            },
            ART_32_33 if third else ART_34_33,
        )
    return pause


def _fee_pause(clock: _Clock, facts: _Facts, now: dt.date) -> Pause | None:
    notice, pay_by = facts.fee_notice_on, facts.fee_pay_by
    if notice is None or pay_by is None:
        return None
    clock.step(
        notice,
        N_("%(date)s发出收费通知，缴费期限至%(pay_by)s；自发出通知至缴费之日不计入答复期限"),
        {"date": cn(notice), "pay_by": cn(pay_by)},
        FEE_RULES,
    )
    paid = facts.fee_paid_on
    if paid is not None:
        if paid > pay_by:
            clock.warn(
                paid, _("信息处理费晚于缴费期限（%(pay_by)s）缴纳。") % {"pay_by": cn(pay_by)}
            )
        clock.step(
            paid, N_("%(date)s缴纳信息处理费，恢复计算答复期限"), {"date": cn(paid)}, FEE_RULES
        )
        end, is_open = paid, False
    else:
        end, is_open = pay_by, now <= pay_by
    return Pause(PauseReason.FEE, notice, end, clock.between(notice - ONE_DAY, end), is_open)


def _collect_pauses(clock: _Clock, facts: _Facts, result: _Outcome, now: dt.date) -> None:
    anchor = clock.anchor(facts.clock_start)
    for consultation in facts.consultations:
        result.pauses.append(_consultation_pause(clock, consultation, now))
    fee = _fee_pause(clock, facts, now)
    if fee is not None:
        result.pauses.append(fee)
    # Clip to the counted days (after the anchor) and merge: overlapping pauses count once.
    clipped = [(max(p.start, anchor + ONE_DAY), p.end) for p in result.pauses if p.end > anchor]
    result.merged = _merge(clipped)
    separate = sum(clock.between(s - ONE_DAY, e) for s, e in clipped)
    union = sum(clock.between(s - ONE_DAY, e) for s, e in result.merged)
    if separate > union:
        clock.step(
            None,
            N_("征求意见等期间相互重叠，重叠的%(n)d个工作日只扣除一次"),
            {"n": separate - union},
            "《条例》第三十三条第三款",
        )


def _judge_extension(clock: _Clock, facts: _Facts, result: _Outcome, now: dt.date) -> None:
    start = facts.clock_start
    approvals = [e for e in facts.extension_approvals if e.on >= start]
    notices = [e for e in facts.extension_notices if e.on >= start]
    if len(approvals) < len(facts.extension_approvals):
        clock.warn(None, _("补正前的延期在答复期限重新计算后不再适用。"))
    if not approvals and not notices:
        return
    first_due = result.first_due
    if first_due is None:  # computed before; the guard is for the type checker
        raise ValueError("the first deadline is needed to judge an extension")
    approval = approvals[0] if approvals else None
    notice = notices[0] if notices else None
    days = int(approval.data.get("days", MAX_EXTENSION_DAYS)) if approval else MAX_EXTENSION_DAYS
    if days > MAX_EXTENSION_DAYS:
        clock.warn(
            approval.on if approval else None,
            _("延长期限最长不得超过%(max)d个工作日，按%(max)d个工作日计算。")
            % {"max": MAX_EXTENSION_DAYS},
        )
        days = MAX_EXTENSION_DAYS
    reason = _extension_refusal(approval, notice, days, first_due, now)
    granted = not reason and approval is not None and notice is not None
    result.extension = Extension(
        days if granted else 0,
        approval.on if approval else None,
        notice.on if notice else None,
        granted,
        reason,
    )
    if len(approvals) > 1 or len(notices) > 1:
        clock.warn(None, _("答复期限只能延长一次，其后的延期未予考虑。"))
    if granted and approval is not None and notice is not None:
        clock.step(
            notice.on,
            N_(
                "经政府信息公开工作机构负责人同意（%(approved)s）"
                "并告知申请人（%(notified)s），答复期限延长%(days)d个工作日"
            ),
            {"approved": cn(approval.on), "notified": cn(notice.on), "days": days},
            ART_33_2,
        )
    elif reason:
        clock.step(
            notice.on if notice else approval.on if approval else None,
            N_("延期不成立：%(reason)s"),
            {"reason": reason},
            ART_33_2,
        )
    else:
        clock.step(
            approval.on if approval else None,
            N_("已同意延期，尚待告知申请人；须在%(due)s前告知，延期方为有效"),
            {"due": cn(first_due)},
            ART_33_2,
        )


def _extension_refusal(
    approval: Event | None, notice: Event | None, days: int, first_due: dt.date, now: dt.date
) -> str:
    """Why an extension does not hold (empty: it holds, or may still if notified in time)."""
    if days < 1:
        return _("延长的工作日数应为1至%(max)d。") % {"max": MAX_EXTENSION_DAYS}
    if approval is None:
        return _("延期未经政府信息公开工作机构负责人同意")
    if approval.on > first_due:
        return _("负责人同意延期（%(date)s）晚于原答复期限（%(due)s）") % {
            "date": cn(approval.on),
            "due": cn(first_due),
        }
    if notice is None:
        if now > first_due:
            return _("原答复期限（%(due)s）届满前未告知申请人") % {"due": cn(first_due)}
        return ""
    if notice.on > first_due:
        return _("延期告知（%(date)s）晚于原答复期限（%(due)s）") % {
            "date": cn(notice.on),
            "due": cn(first_due),
        }
    if notice.on < approval.on:
        return _("告知申请人（%(notified)s）早于负责人同意（%(approved)s）") % {
            "notified": cn(notice.on),
            "approved": cn(approval.on),
        }
    return ""


def _apply_delay(clock: _Clock, facts: _Facts, due: dt.date) -> dt.date:
    """第三十五条: the agency may set a reasonable later date and tell the applicant."""
    if facts.delayed is None:
        return due
    until = _data_date(facts.delayed, "until")
    if until is None:
        clock.warn(facts.delayed.on, _("延迟答复未载明答复期限，未予考虑。"))
        return due
    if facts.delayed.on > due:
        clock.warn(
            facts.delayed.on,
            _("延迟答复告知（%(date)s）晚于答复期限（%(due)s）。")
            % {"date": cn(facts.delayed.on), "due": cn(due)},
        )
    clock.step(
        facts.delayed.on,
        N_("%(date)s告知申请人延迟答复，答复期限确定为%(until)s"),
        {"date": cn(facts.delayed.on), "until": cn(until)},
        ART_35,
    )
    return max(until, due)


def _closing_status(
    clock: _Clock, closing: Event, due: dt.date | None
) -> tuple[Status, dt.date | None]:
    kind = EventKind(closing.kind)
    if kind == EventKind.REPLIED_ON_THE_SPOT:
        clock.step(closing.on, N_("%(date)s当场答复"), {"date": cn(closing.on)}, ART_33_1)
        return Status.REPLIED, closing.on
    if kind == EventKind.REPLIED:
        outcome = closing.data.get("outcome")
        label, basis = "", ART_36
        if outcome and clock.explain:
            label = "：" + str(Outcome(outcome).label)
            basis = cite_outcome(Outcome(outcome)) or ART_36
        clock.step(
            closing.on,
            N_("%(date)s作出答复%(label)s"),
            {"date": cn(closing.on), "label": label},
            basis,
        )
        return Status.REPLIED, closing.on
    if kind == EventKind.WITHDRAWN:
        clock.step(closing.on, N_("%(date)s申请人撤回申请"), {"date": cn(closing.on)})
        return Status.WITHDRAWN, closing.on
    if kind == EventKind.FEE_DEADLINE_LAPSED:
        clock.step(
            closing.on, N_("申请人逾期未缴纳信息处理费，行政机关不再处理该申请"), None, FEE_RULES
        )
        return Status.TERMINATED, closing.on
    # CORRECTION_LAPSED after a correction was received: the log contradicts itself.
    clock.warn(
        closing.on, _("%(date)s记录了逾期未补正，但此前已收到补正材料。") % {"date": cn(closing.on)}
    )
    return Status.ABANDONED, closing.on


def _status(
    clock: _Clock, facts: _Facts, result: _Outcome, now: dt.date
) -> tuple[Status, dt.date | None]:
    if facts.closing is not None:
        return _closing_status(clock, facts.closing, result.due)
    fee = next((p for p in result.pauses if p.reason == PauseReason.FEE), None)
    if fee is not None and facts.fee_paid_on is None:
        if now > fee.end:
            clock.step(
                fee.end, N_("申请人逾期未缴纳信息处理费，行政机关不再处理该申请"), None, FEE_RULES
            )
            return Status.TERMINATED, fee.end
        return Status.AWAITING_PAYMENT, None
    if any(p.open and p.start <= now for p in result.pauses if p.reason != PauseReason.FEE):
        return Status.CONSULTING, None
    if facts.delayed is not None and _data_date(facts.delayed, "until"):
        return Status.DELAYED, None
    if result.extension is not None and result.extension.granted:
        return Status.EXTENDED, None
    return Status.IN_PROGRESS, None


def _flags(
    clock: _Clock,
    result: _Outcome,
    due: dt.date,
    now: dt.date,
    status: Status,
    closed_on: dt.date | None,
    at_risk_days: int,
) -> dict[str, Any]:
    if status.is_closed:
        return {
            "replied_late": status == Status.REPLIED and closed_on is not None and closed_on > due
        }
    if now > due:
        return {
            "overdue": True,
            "working_days_left": 0,
            "working_days_overdue": clock.between(due, now),
        }
    left = clock.counted(now, due, result.merged)
    return {"at_risk": left <= at_risk_days, "working_days_left": left}


def _explain_flags(clock: _Clock, flags: Mapping[str, Any], now: dt.date) -> None:
    if flags.get("overdue"):
        clock.step(
            None,
            N_("截至%(now)s，已超过答复期限%(n)d个工作日"),
            {"now": cn(now), "n": flags["working_days_overdue"]},
        )
    elif flags.get("working_days_left") is not None:
        clock.step(
            None,
            N_("截至%(now)s，距答复期限还有%(n)d个工作日"),
            {"now": cn(now), "n": flags["working_days_left"]},
        )
    elif flags.get("replied_late"):
        clock.step(None, N_("答复晚于答复期限"))
