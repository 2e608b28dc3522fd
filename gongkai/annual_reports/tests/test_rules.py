"""The consistency rules, cell by cell: a hand-made consistent report, broken once per case."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.annual_reports.format import (
    APPLICANT_COLUMN_KEYS,
    APPLICATION_COLUMN_KEYS,
    APPLICATION_ROW_KEYS,
    CARRIED_FORWARD,
    CARRIED_OVER,
    NEW,
    OUTCOME_ROW_KEYS,
    OUTCOME_TOTAL,
    REVIEW_CELLS,
    TOTAL,
    CellRef,
    ReportTables,
    TableId,
    active_cell,
    app_cell,
    review_cell,
)
from gongkai.annual_reports.rules import (
    RuleId,
    Severity,
    check,
    has_errors,
    narrative_figures,
)


def consistent_report(year: int = 2024) -> ReportTables:
    """A report where every rule holds and every cell is different from 0 where it can be.

    Each outcome row × applicant column gets its own small number, so breaking any one cell
    changes exactly the sums that contain it.
    """
    t = ReportTables.zeros(year, "鞍山市统计局")
    for r, row in enumerate(OUTCOME_ROW_KEYS):
        for c, column in enumerate(APPLICANT_COLUMN_KEYS):
            t.applications[(row, column)] = (r + c) % 4
    for column in APPLICANT_COLUMN_KEYS:
        done = sum(t.application(row, column) for row in OUTCOME_ROW_KEYS)
        t.applications[(OUTCOME_TOTAL, column)] = done
        t.applications[(CARRIED_FORWARD, column)] = 2
        t.applications[(CARRIED_OVER, column)] = 1
        t.applications[(NEW, column)] = done + 2 - 1
    for row in APPLICATION_ROW_KEYS:
        t.applications[(row, TOTAL)] = sum(t.application(row, c) for c in APPLICANT_COLUMN_KEYS)
    for g, group in enumerate(("review", "litigation_direct", "litigation_after_review")):
        parts = {"upheld": g + 1, "corrected": 1, "other": 2, "pending": g}
        for column, value in parts.items():
            t.reviews[(group, column)] = value
        t.reviews[(group, TOTAL)] = sum(parts.values())
    t.active.update({("regulations", "issued"): 0, ("regulations", "abolished"): 0,
                     ("regulations", "in_force"): 0, ("normative_documents", "issued"): 2,
                     ("normative_documents", "abolished"): 1,
                     ("normative_documents", "in_force"): 7, ("penalty", "decisions"): 5})
    t.fee_amount = Decimal("0")
    return t


def previous_report() -> ReportTables:
    """Last year's report of the same agency, consistent with ``consistent_report`` (X1–X2)."""
    t = consistent_report(2023)
    for column in APPLICATION_COLUMN_KEYS:
        t.applications[(CARRIED_FORWARD, column)] = consistent_report().application(
            CARRIED_OVER, column)
    t.active[("normative_documents", "in_force")] = 6
    return t


def broken(findings: list) -> set[tuple[RuleId, CellRef]]:  # type: ignore[type-arg]
    return {(f.rule, f.cell) for f in findings if f.severity is Severity.ERROR}


def test_the_hand_made_report_is_consistent() -> None:
    assert check(consistent_report(), previous_report()) == []


# --- Table 三: every one of the 175 cells -----------------------------------------------------


def expected_for(row: str, column: str) -> set[tuple[RuleId, CellRef]]:
    """The rules a +1 in one cell breaks, and the cell each is reported at (written out per
    kind of cell from the rule definitions in the reference, §4)."""
    expected = {(RuleId.R2, app_cell(row, TOTAL))}  # the row no longer sums (R2)
    if row in OUTCOME_ROW_KEYS:
        expected.add((RuleId.R3, app_cell(OUTCOME_TOTAL, column)))
    if row == OUTCOME_TOTAL:
        expected |= {(RuleId.R3, app_cell(OUTCOME_TOTAL, column)),
                     (RuleId.R1, app_cell(OUTCOME_TOTAL, column))}
    if row in (NEW, CARRIED_OVER, CARRIED_FORWARD):
        expected.add((RuleId.R1, app_cell(OUTCOME_TOTAL, column)))
    return expected


@pytest.mark.parametrize(("row", "column"), [
    (row, column) for row in APPLICATION_ROW_KEYS for column in APPLICATION_COLUMN_KEYS])
def test_one_wrong_cell_of_table_3_breaks_exactly_its_rules(row: str, column: str) -> None:
    t = consistent_report()
    t.applications[(row, column)] = t.application(row, column) + 1
    assert broken(check(t)) == expected_for(row, column)


def test_r1_reports_both_sides_of_the_column() -> None:
    t = consistent_report()
    t.applications[(CARRIED_FORWARD, "natural_person")] = 5
    t.applications[(CARRIED_FORWARD, TOTAL)] = t.application(CARRIED_FORWARD, TOTAL) + 3
    findings = [f for f in check(t) if f.rule is RuleId.R1]
    assert [f.cell for f in findings] == [app_cell(OUTCOME_TOTAL, "natural_person"),
                                          app_cell(OUTCOME_TOTAL, TOTAL)]
    finding = findings[0]
    assert "二者应相等" in finding.message
    assert app_cell(CARRIED_FORWARD, "natural_person") in finding.related


def test_r3_counts_other_processing_printed_as_one_row() -> None:
    t = consistent_report()
    t.set_other_single_row()
    for column in APPLICATION_COLUMN_KEYS:
        t.applications[("6", column)] = sum(t.application(f"6.{n}", column) for n in (1, 2, 3))
        for n in (1, 2, 3):
            t.applications[(f"6.{n}", column)] = None
    assert broken(check(t)) == set()
    t.applications[("6", "natural_person")] = t.application("6", "natural_person") + 1
    assert broken(check(t)) == {(RuleId.R2, app_cell("6", TOTAL)),
                                (RuleId.R3, app_cell(OUTCOME_TOTAL, "natural_person"))}


def test_a_blank_total_is_a_warning_not_an_error() -> None:
    t = consistent_report()
    t.applications[("1", TOTAL)] = None
    findings = check(t, imported=True)
    r2 = [f for f in findings if f.rule is RuleId.R2]
    assert [(f.severity, f.cell) for f in r2] == [(Severity.WARNING, app_cell("1", TOTAL))]
    assert any(f.rule is RuleId.BLANK and f.cell == app_cell("1", TOTAL) for f in findings)


def test_blank_cells_count_as_zero_in_the_sums() -> None:
    t = consistent_report()
    t.applications[("3.1", "natural_person")] = None  # was 2
    assert (RuleId.R2, app_cell("3.1", TOTAL)) in broken(check(t))


# --- Table 四: every one of the 15 cells ------------------------------------------------------


@pytest.mark.parametrize(("group", "column"), REVIEW_CELLS)
def test_one_wrong_cell_of_table_4_breaks_r4_at_its_group_total(group: str, column: str) -> None:
    t = consistent_report()
    t.reviews[(group, column)] = t.review(group, column) + 1
    assert broken(check(t)) == {(RuleId.R4, review_cell(group, TOTAL))}


def test_r4_is_a_warning_on_imported_reports() -> None:
    t = consistent_report()
    t.reviews[("review", TOTAL)] = 0
    [finding] = [f for f in check(t, imported=True) if f.rule is RuleId.R4]
    assert finding.severity is Severity.WARNING
    assert not has_errors(check(t, imported=True))
    assert has_errors(check(t))


# --- R5 ---------------------------------------------------------------------------------------


def test_a_negative_count_breaks_r5_but_a_decimal_fee_does_not() -> None:
    t = consistent_report()
    t.fee_amount = Decimal("96171.6")
    assert broken(check(t)) == set()
    before = t.review("review", "pending")
    t.reviews[("review", "pending")] = -1
    t.reviews[("review", TOTAL)] = t.review("review", TOTAL) - before - 1  # R4 still holds
    assert broken(check(t)) == {(RuleId.R5, review_cell("review", "pending"))}


def test_a_decimal_in_a_count_cell_breaks_r5() -> None:
    t = consistent_report()
    t.marks[app_cell("3.1", "natural_person")] = "1.5"
    assert (RuleId.R5, app_cell("3.1", "natural_person")) in broken(check(t))


def test_a_slash_for_rules_is_not_a_finding() -> None:
    t = consistent_report()
    for column in ("issued", "abolished", "in_force"):
        t.active[("regulations", column)] = None
        t.marks[active_cell("regulations", column)] = "/"
    assert check(t, imported=True) == []


# --- X1, X2 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("column", APPLICATION_COLUMN_KEYS)
def test_x1_each_column_of_carried_over_must_equal_last_years_carried_forward(
        column: str) -> None:
    last = previous_report()
    last.applications[(CARRIED_FORWARD, column)] = last.application(CARRIED_FORWARD, column) + 4
    [finding] = check(consistent_report(), last)
    assert (finding.rule, finding.cell) == (RuleId.X1, app_cell(CARRIED_OVER, column))
    assert finding.expected == last.application(CARRIED_FORWARD, column)


@pytest.mark.parametrize(("row", "column"), [
    (row, column) for row in ("regulations", "normative_documents")
    for column in ("issued", "abolished", "in_force")])
def test_x2_in_force_follows_last_year_plus_issued_minus_abolished(row: str, column: str) -> None:
    t = consistent_report()
    t.active[(row, column)] = t.active_count(row, column) + 1
    assert broken(check(t, previous_report())) == {(RuleId.X2, active_cell(row, "in_force"))}


# --- Narrative vs tables ----------------------------------------------------------------------

HUAIAN_TEXT = (
    "2024 年，全市共受理政府信息公开申请 3119 件，答\n复 3050 件（含上年度结转申请 34 件，"
    "另有 103 件顺延到下年度\n答复）。政府信息公开行政复议 351\n件，其中结果维持 72 件，"
    "结果纠正 64 件，其他结果 178 件，尚\n未审结 37 件；政府信息公开行政诉讼 46 件，"
    "其中结果维持 25\n件，结果纠正 5 件，其他结果 9 件，尚未审结 7 件。"
)


def test_it_finds_the_figures_quoted_across_broken_lines() -> None:
    figures = {q.figure: q.value for q in narrative_figures(HUAIAN_TEXT)}
    assert figures == {
        "new": 3119, "outcome_total": 3050, "carried_over": 34, "carried_forward": 103,
        "review": 351, "review.upheld": 72, "review.corrected": 64, "review.other": 178,
        "review.pending": 37, "litigation": 46, "litigation.upheld": 25,
        "litigation.corrected": 5, "litigation.other": 9, "litigation.pending": 7,
    }


NARRATIVE_CASES = [
    # (text, figure's label, cells of the table it is compared with)
    ("本年共收到政府信息公开申请{n}件", "本年新收申请", [app_cell(NEW, TOTAL)]),
    ("上年结转申请{n}件", "上年结转申请", [app_cell(CARRIED_OVER, TOTAL)]),
    ("另有{n}件顺延到下年度", "结转下年度申请", [app_cell(CARRIED_FORWARD, TOTAL)]),
    ("答复{n}件", "办理结果总计", [app_cell(OUTCOME_TOTAL, TOTAL)]),
    ("予以公开{n}件", "予以公开", [app_cell("1", TOTAL)]),
    ("部分公开{n}件", "部分公开", [app_cell("2", TOTAL)]),
    ("不予公开{n}件", "不予公开", [app_cell(f"3.{i}", TOTAL) for i in range(1, 9)]),
    ("无法提供{n}件", "无法提供", [app_cell(f"4.{i}", TOTAL) for i in range(1, 4)]),
    ("不予处理{n}件", "不予处理", [app_cell(f"5.{i}", TOTAL) for i in range(1, 6)]),
    ("其他处理{n}件", "其他处理", [app_cell(f"6.{i}", TOTAL) for i in range(1, 4)]),
    ("行政复议{n}件", "行政复议", [review_cell("review", TOTAL)]),
    ("行政诉讼{n}件", "行政诉讼", [review_cell("litigation_direct", TOTAL),
                                 review_cell("litigation_after_review", TOTAL)]),
]


@pytest.mark.parametrize(("template", "label", "cells"), NARRATIVE_CASES)
def test_a_figure_in_the_overview_that_disagrees_with_the_tables_is_a_warning(
        template: str, label: str, cells: list[CellRef]) -> None:
    t = consistent_report()
    right = sum(int(t.value(c) or 0) for c in cells)
    t.sections["overview"] = template.format(n=right)
    assert check(t) == []
    t.sections["overview"] = template.format(n=right + 1)
    [finding] = check(t)
    assert (finding.rule, finding.severity) == (RuleId.NARRATIVE, Severity.WARNING)
    assert finding.cell == CellRef(TableId.OVERVIEW, label)
    assert set(finding.related) == set(cells)
    assert (finding.expected, finding.actual) == (right, right + 1)


def test_narrative_breakdown_of_reviews_is_compared_column_by_column() -> None:
    t = consistent_report()
    # The table says 4 = 1 + 1 + 2 + 0.
    t.sections["overview"] = "行政复议4件，其中结果维持2件，结果纠正1件，其他结果2件，尚未审结1件。"
    findings = check(t)
    assert [f.cell.row for f in findings] == ["行政复议结果维持", "行政复议尚未审结"]
