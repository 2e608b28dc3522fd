"""Computing a year's report from the records. Read-only: every count comes through
another app's selectors (info_requests, catalog, enforcement, consultations).

``compute(agency, year)`` gives the figures of tables 二, 三 and 四 (cell key → number, keys
in ``cells``), a note on where each block came from, and the figures the text of 一 and 六
quotes. ``records_for(agency, year, key)`` answers the drill-down: the records behind one
cell. Both use the same selectors, so a cell and its drill-down cannot disagree.

Counting conventions (docs/annual-reports.md):
- table 三 by 收到申请之日 and 办结日期 (see ``info_requests.selectors``); an application
  closed without an outcome (withdrawn) counts in （六）3.其他;
- table 二 第（一）项: 规章 = 20-1 items of genre 命令（令）, 行政规范性文件 = other 20-1 items,
  issued by 成文日期, abolished by 失效或废止日期;
- table 四: cases filed in the year plus earlier cases concluded in it; a case without a
  result on 31 December is 尚未审结;
- 六: the 信息处理费 actually paid in the year, in 万元 and 元.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.urls import NoReverseMatch, reverse

from gongkai.annual_reports import cells
from gongkai.annual_reports.format import (
    APPLICANT_COLUMN_KEYS,
    CARRIED_FORWARD,
    CARRIED_OVER,
    NEW,
    OUTCOME_ROW_KEYS,
    OUTCOME_TOTAL,
    TOTAL,
    ReportTables,
    active_cell,
    app_cell,
    review_cell,
)
from gongkai.catalog import selectors as catalog
from gongkai.core.models import Agency
from gongkai.info_requests import selectors as requests
from gongkai.info_requests.enums import OUTCOME_RULES, Outcome, RemedyOutcome
from gongkai.info_requests.fees import to_wan_yuan
from gongkai.info_requests.models import OgiLitigationCase, OgiReviewCase

logger = logging.getLogger(__name__)

OTHER_ROW = "6.3"  # （六）3.其他: closed without an outcome
REMEDY_COLUMNS = {RemedyOutcome.UPHELD.value: "upheld", RemedyOutcome.CORRECTED.value: "corrected",
                  RemedyOutcome.OTHER.value: "other"}
NOT_AVAILABLE = "未接入"


@dataclass
class Computation:
    figures: dict[str, cells.Number]
    sources: dict[str, str]
    # Figures the text of 一 and 六 quotes (names in ``overview_text``).
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def tables(self) -> ReportTables:
        return cells.to_tables(self.figures)


def outcome_row(outcome: str) -> str:
    """The table 三 row of an application's outcome (none → （六）3.其他)."""
    if not outcome:
        return OTHER_ROW
    return OUTCOME_RULES[Outcome(outcome)].report_row


# --- Table 三 -----------------------------------------------------------------------------


def _set_row(tables: ReportTables, row: str, counts: Mapping[str, int]) -> None:
    for column in APPLICANT_COLUMN_KEYS:
        tables.set(app_cell(row, column), counts.get(column, 0))
    tables.set(app_cell(row, TOTAL), sum(counts.get(c, 0) for c in APPLICANT_COLUMN_KEYS))


def _applications(tables: ReportTables, agency: Agency, year: int) -> dict[str, Any]:
    # One grouped query (the drill-down uses the per-row selectors; a test checks they agree).
    per_row: dict[str, dict[str, int]] = {
        row: {} for row in (NEW, CARRIED_OVER, CARRIED_FORWARD, *OUTCOME_ROW_KEYS)}

    def add(row: str, applicant: str, n: int) -> None:
        per_row[row][applicant] = per_row[row].get(applicant, 0) + n

    for entry in requests.year_counts(agency, year):
        applicant = entry["applicant_type"]
        add(NEW, applicant, entry["new"])
        add(CARRIED_OVER, applicant, entry["carried_in"])
        add(CARRIED_FORWARD, applicant, entry["carried_out"])
        add(outcome_row(entry["outcome"]), applicant, entry["closed"])
    totals: dict[str, int] = {}
    for row_key, counts in per_row.items():
        _set_row(tables, row_key, counts)
        if row_key in OUTCOME_ROW_KEYS:
            for column, n in counts.items():
                totals[column] = totals.get(column, 0) + n
    _set_row(tables, OUTCOME_TOTAL, totals)
    return {"applications_new": tables.application(NEW, TOTAL),
            "applications_carried_over": tables.application(CARRIED_OVER, TOTAL),
            "applications_answered": tables.application(OUTCOME_TOTAL, TOTAL),
            "applications_carried_forward": tables.application(CARRIED_FORWARD, TOTAL)}


# --- Table 二 -----------------------------------------------------------------------------


def _active_documents(tables: ReportTables, agency: Agency, year: int) -> dict[str, Any]:
    for row, rules in (("regulations", True), ("normative_documents", False)):
        documents = catalog.article20_item1_documents(agency, rules=rules)
        tables.set(active_cell(row, "issued"), catalog.issued_in(documents, year).count())
        tables.set(active_cell(row, "abolished"), catalog.abolished_in(documents, year).count())
        tables.set(active_cell(row, "in_force"),
                   catalog.in_force_at_end_of(documents, year).count())
    return {"proactive_items": catalog.proactive_items_published_in(agency, year).count()}


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    """A selector of an app that may not have it yet (degrade to “未接入”, never crash)."""
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return found if callable(found) else None


def _pick(figures: Any, *names: str) -> int | None:
    for name in names:
        value = figures.get(name) if isinstance(figures, Mapping) else getattr(figures, name, None)
        if value is not None:
            return int(value)
    return None


def _enforcement(tables: ReportTables, agency: Agency, year: int,
                 sources: dict[str, str]) -> None:
    penalty_figures = _optional("gongkai.enforcement.selectors", "penalty_figures")
    if penalty_figures is None:
        sources["二:penalty"] = (f"行政处罚、行政强制：执法模块{NOT_AVAILABLE}，"
                                "按0计，可调整并说明理由。")
        return
    figures = penalty_figures(agency, year)
    penalties = _pick(figures, "penalties", "penalty", "penalty_decisions", "decisions")
    coercion = _pick(figures, "coercions", "coercion", "coercive_measures")
    tables.set(active_cell("penalty", "decisions"), penalties or 0)
    tables.set(active_cell("coercion", "decisions"), coercion or 0)
    sources["二:penalty"] = "行政处罚：执法模块的行政处罚决定记录（本年作出）。"
    if coercion is None:
        sources["二:coercion"] = "行政强制：本平台没有行政强制记录，按0计；如有，请调整并说明理由。"


def _consultations(agency: Agency, year: int, sources: dict[str, str]) -> int | None:
    consultation_figures = _optional("gongkai.consultations.selectors", "consultation_figures")
    if consultation_figures is None:
        sources["一:consultations"] = f"咨询：咨询模块{NOT_AVAILABLE}。"
        return None
    return _pick(consultation_figures(agency, year), "total", "received", "consultations")


# --- Table 四 -----------------------------------------------------------------------------


def _remedy_counts(cases: QuerySet[Any], year: int) -> dict[str, int]:
    end = dt.date(year, 12, 31)
    counts = dict.fromkeys(("upheld", "corrected", "other", "pending"), 0)
    for outcome, concluded_on in cases.values_list("outcome", "concluded_on"):
        if outcome and concluded_on is not None and concluded_on <= end:
            counts[REMEDY_COLUMNS[outcome]] += 1
        else:
            counts["pending"] += 1
    return counts


def remedy_groups(agency: Agency, year: int) -> dict[str, QuerySet[Any]]:
    litigation = requests.remedy_cases_in(OgiLitigationCase, agency, year)
    return {
        "review": requests.remedy_cases_in(OgiReviewCase, agency, year),
        "litigation_direct": litigation.filter(route="direct"),
        "litigation_after_review": litigation.filter(route="after_review"),
    }


def _remedies(tables: ReportTables, agency: Agency, year: int) -> dict[str, Any]:
    for group, cases in remedy_groups(agency, year).items():
        counts = _remedy_counts(cases, year)
        for column, n in counts.items():
            tables.set(review_cell(group, column), n)
        tables.set(review_cell(group, TOTAL), sum(counts.values()))
    return {"reviews": tables.review("review", TOTAL),
            "litigation": tables.review("litigation_direct", TOTAL)
            + tables.review("litigation_after_review", TOTAL)}


# --- Everything -------------------------------------------------------------------------


def compute(agency: Agency, year: int) -> Computation:
    tables = ReportTables.zeros(year=year, agency=agency.name)
    sources: dict[str, str] = {
        "二:regulations": "第二十条第（一）项：本单位目录中“第二十条（一）”事项，"
                          "体裁为“命令（令）”的计为规章，其余计为行政规范性文件。",
        "二:licensing": "行政许可：本平台没有行政许可记录，按0计；如有，请调整并说明理由。",
        "二:fees": "行政事业性收费：本平台没有行政事业性收费记录，按0计；如有，请调整并说明理由。",
        "三": "依申请公开办件记录（以收到申请之日、办结日期计）。",
        "四": "登记的政府信息公开行政复议、行政诉讼案件。",
    }
    facts: dict[str, Any] = {}
    facts.update(_applications(tables, agency, year))
    facts.update(_active_documents(tables, agency, year))
    _enforcement(tables, agency, year, sources)
    facts["consultations"] = _consultations(agency, year, sources)
    facts.update(_remedies(tables, agency, year))
    fees = Decimal(requests.fees_paid_in(agency, year).aggregate(total=Sum("amount"))["total"]
                   or 0).quantize(Decimal("0.01"))
    facts["fees_yuan"] = str(fees)
    facts["fees_wan_yuan"] = str(to_wan_yuan(fees or Decimal(0)))
    facts["fee_count"] = requests.fees_paid_in(agency, year).count()
    return Computation(figures=cells.from_tables(tables), sources=sources, facts=facts)


def overview_text(agency: Agency, year: int, facts: Mapping[str, Any]) -> str:
    """The year's figures, suggested as the start of 一、总体情况 (staff edit it)."""
    consultations = facts.get("consultations")
    lines = [
        f"{year}年，{agency.name}认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "依法做好政府信息公开工作。现将本年度工作情况报告如下。本报告中所列数据的统计期限为"
        f"{year}年1月1日至12月31日。",
        "（一）主动公开。全年通过政府信息公开专栏主动公开政府信息"
        f"{facts.get('proactive_items', 0)}条。",
        f"（二）依申请公开。全年新收政府信息公开申请{facts.get('applications_new', 0)}件，"
        f"上年结转{facts.get('applications_carried_over', 0)}件，"
        f"办结{facts.get('applications_answered', 0)}件，"
        f"结转下年度继续办理{facts.get('applications_carried_forward', 0)}件。"
        f"发生政府信息公开行政复议{facts.get('reviews', 0)}件、"
        f"行政诉讼{facts.get('litigation', 0)}件。",
    ]
    if consultations is not None:
        lines.append(f"全年受理政务咨询{consultations}件。")
    lines += ["（三）政府信息管理。", "（四）平台建设。", "（五）监督保障。"]
    return "\n".join(lines)


def other_matters_text(facts: Mapping[str, Any]) -> str:
    """六: the 信息处理费 collected (reported even when 0, as practice does)."""
    if facts.get("fee_count"):
        return (f"本年度依据《政府信息公开信息处理费管理办法》收取信息处理费"
                f"{facts['fees_yuan']}元（{facts['fees_wan_yuan']}万元），共{facts['fee_count']}笔。")
    return "本年度未收取信息处理费。"


# --- Drill-down ------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    label: str
    detail: str
    url: str = ""


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _application_records(queryset: QuerySet[Any]) -> list[Record]:
    return [Record(a.number, f"收到：{a.received_on}；办结：{a.closed_on or '未办结'}；"
                             f"{a.get_outcome_display() or ''}",
                   _url("info_requests_admin:case", a.pk))
            for a in queryset.order_by("received_on", "id")]


def _applications_behind(agency: Agency, year: int, row: str, column: str) -> QuerySet[Any]:
    base = requests.report_applications(agency)
    if column != TOTAL:
        base = base.filter(applicant_type=column)
    if row == NEW:
        return requests.received_in(base, year)
    if row == CARRIED_OVER:
        return requests.carried_into(base, year)
    if row == CARRIED_FORWARD:
        return requests.carried_out_of(base, year)
    closed = requests.closed_in(base, year)
    if row == OUTCOME_TOTAL:
        return closed
    outcomes = [o.value for o, rule in OUTCOME_RULES.items() if rule.report_row == row]
    if row == OTHER_ROW:
        outcomes.append("")
    return closed.filter(outcome__in=outcomes)


def _documents_behind(agency: Agency, year: int, row: str, column: str) -> list[Record]:
    documents = catalog.article20_item1_documents(agency, rules=row == "regulations")
    pick = {"issued": catalog.issued_in, "abolished": catalog.abolished_in,
            "in_force": catalog.in_force_at_end_of}[column]
    return [Record(d.title, f"{d.doc_number or '无文号'}；成文日期{d.formed_on}；"
                            f"{d.get_validity_display()}",
                   _url("wagtailadmin_pages:edit", d.pk))
            for d in pick(documents, year).order_by("formed_on", "id")]


def _cases_behind(agency: Agency, year: int, group: str, column: str) -> list[Record]:
    end = dt.date(year, 12, 31)
    result = []
    for case in remedy_groups(agency, year)[group].order_by("filed_on", "id"):
        concluded = (bool(case.outcome) and case.concluded_on is not None
                     and case.concluded_on <= end)
        bucket = REMEDY_COLUMNS[case.outcome] if concluded else "pending"
        if column in (TOTAL, bucket):
            result.append(Record(case.case_number, f"收到：{case.filed_on}；"
                                 f"{case.get_outcome_display() if concluded else '尚未审结'}"))
    return result


def records_for(agency: Agency, year: int, key: str) -> list[Record] | None:
    """The records behind a cell, or None when the cell has no records in gongkai (a figure
    from another module or from nowhere — see the sources note)."""
    ref = cells.ref(key)
    if ref.table.value == "三":
        return _application_records(_applications_behind(agency, year, ref.row, ref.column))
    if ref.table.value == "二" and ref.row in ("regulations", "normative_documents"):
        return _documents_behind(agency, year, ref.row, ref.column)
    if ref.table.value == "四":
        return _cases_behind(agency, year, ref.row, ref.column)
    return None
