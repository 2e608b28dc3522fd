"""The checker on the two real reports, on damaged extractions of them and on renderings of
their tables as HTML, DOCX and XLSX."""

from __future__ import annotations

import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from gongkai.annual_reports.checker import OK, RULE_BROKEN, check_file
from gongkai.annual_reports.format import (
    APPLICATION_COLUMN_KEYS,
    TOTAL,
    ReportFormat,
    ReportTables,
    active_cell,
    app_cell,
    review_cell,
)
from gongkai.annual_reports.parse import UnreadableReport, read_report
from gongkai.annual_reports.rules import RuleId, Severity
from gongkai.annual_reports.tests import renderings

FIXTURES = Path(__file__).parent / "fixtures"
HUAIAN = "huaian-city-gov-2024.txt"
HONGZE = "hongze-district-gov-2024.txt"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def tables_of(text: str) -> ReportTables:
    return read_report(text.encode(), "report.txt").tables


def row(tables: ReportTables, key: str) -> list[int | None]:
    return [tables.applications.get((key, c)) for c in APPLICATION_COLUMN_KEYS]


# The figures as printed in the PDFs (read by eye from the fixtures).
HUAIAN_ROWS = {
    "new": [3001, 53, 0, 0, 61, 4, 3119],
    "carried_over": [34, 0, 0, 0, 0, 0, 34],
    "1": [1288, 21, 0, 0, 50, 3, 1362],
    "2": [447, 7, 0, 0, 0, 0, 454],
    "3.8": [105, 0, 0, 0, 0, 0, 105],
    "4.1": [746, 12, 0, 0, 10, 1, 769],
    "5.5": [1, 0, 0, 0, 0, 0, 1],
    "6.1": [67, 3, 0, 0, 1, 0, 71],
    "6.2": [6, 0, 0, 0, 0, 0, 6],
    "6.3": [108, 2, 0, 0, 0, 0, 110],
    "total": [2932, 53, 0, 0, 61, 4, 3050],
    "carried_forward": [103, 0, 0, 0, 0, 0, 103],
}
HUAIAN_REVIEWS = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
HONGZE_ROWS = {
    "new": [95, 0, 0, 0, 0, 0, 95],
    "1": [50, 0, 0, 0, 0, 0, 50],
    "2": [9, 0, 0, 0, 0, 0, 9],
    "3.2": [0, 0, 0, 0, 0, 0, 0],
    "3.3": [1, 0, 0, 0, 0, 0, 1],
    "4.1": [31, 0, 0, 0, 0, 0, 31],
    "4.2": [1, 0, 0, 0, 0, 0, 1],
    "5.1": [1, 0, 0, 0, 0, 0, 1],
    "6": [0, 0, 0, 0, 0, 0, 0],
    "total": [95, 0, 0, 0, 0, 0, 95],
}
HONGZE_REVIEWS = [1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3]


def assert_huaian(tables: ReportTables) -> None:
    for key, values in HUAIAN_ROWS.items():
        assert row(tables, key) == values, key
    assert list(tables.reviews.values()) == HUAIAN_REVIEWS
    assert not tables.other_single_row
    assert tables.active[("regulations", "in_force")] == 11
    assert tables.active[("normative_documents", "abolished")] == 26
    assert tables.active[("penalty", "decisions")] == 3985758
    assert tables.fee_amount == Decimal("96171.6")


def assert_hongze(tables: ReportTables) -> None:
    for key, values in HONGZE_ROWS.items():
        assert row(tables, key) == values, key
    assert list(tables.reviews.values()) == HONGZE_REVIEWS
    assert tables.other_single_row
    assert tables.active[("normative_documents", "in_force")] == 8
    assert tables.active[("licensing", "decisions")] == 9487
    assert tables.fee_amount == Decimal(7545)


def test_it_reads_every_cell_of_the_huaian_report_and_finds_it_consistent() -> None:
    result = check_file(fixture(HUAIAN).encode(), HUAIAN)
    assert_huaian(result.tables)
    assert (result.tables.agency, result.tables.year) == ("淮安市人民政府", 2024)
    assert result.tables.format is ReportFormat.F2021
    assert result.findings == []
    assert result.status == OK
    assert "3940 元" in result.tables.sections["other"]


def test_it_reads_the_hongze_report_with_one_row_other_processing_and_a_typo() -> None:
    result = check_file(fixture(HONGZE).encode(), HONGZE)
    assert_hongze(result.tables)
    assert result.status == OK
    # Its overview speaks of the 区政府办's own 17 applications; the table counts 95.
    [warning] = result.findings
    assert (warning.rule, warning.severity, warning.actual, warning.expected) == (
        RuleId.NARRATIVE, Severity.WARNING, 17, 95)


# --- Damaged extractions ----------------------------------------------------------------------


def shuffle_whitespace(text: str, seed: int) -> str:
    """Spaces of random width between words, and stray spaces inside Chinese labels (never
    inside a number), as PDF extraction produces them."""
    rng = random.Random(seed)
    text = re.sub(r"[ ]+", lambda m: " " * rng.randint(1, 7), text)
    return re.sub(r"(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff])",
                  lambda m: " " if rng.random() < 0.08 else "", text)


def break_lines(text: str, seed: int) -> str:
    """Labels of table rows broken in two: the tail of the label moves to a line of its own
    below the numbers, or the numbers move to a line of their own."""
    rng = random.Random(seed)
    out = []
    for line in text.splitlines():
        match = re.match(r"^(\s*)(\S{7,}?)(\S{3,})(\s+\d+(?:\s+\d+){6}\s*)$", line)
        if not match or rng.random() < 0.3:
            out.append(line)
        elif rng.random() < 0.5:
            out += [match[1] + match[2] + match[4], "        " + match[3]]
        else:
            out += [match[1] + match[2] + match[3], " " * 40 + match[4].strip()]
    return "\n".join(out)


@pytest.mark.parametrize("seed", range(4))
def test_shuffled_whitespace_does_not_change_what_is_read(seed: int) -> None:
    assert_huaian(tables_of(shuffle_whitespace(fixture(HUAIAN), seed)))
    assert_hongze(tables_of(shuffle_whitespace(fixture(HONGZE), seed)))


@pytest.mark.parametrize("seed", range(4))
def test_labels_broken_across_lines_do_not_change_what_is_read(seed: int) -> None:
    assert_huaian(tables_of(break_lines(fixture(HUAIAN), seed)))
    assert_hongze(tables_of(break_lines(fixture(HONGZE), seed)))


def test_both_damages_at_once() -> None:
    damaged = shuffle_whitespace(break_lines(fixture(HUAIAN), 7), 7)
    assert check_file(damaged.encode()).findings == []


def test_one_changed_figure_is_reported_at_its_cell() -> None:
    text = re.sub(r"(8\.属于行政查询事项.*)105$", r"\g<1>150", fixture(HUAIAN), flags=re.M)
    result = check_file(text.encode())
    assert result.status == RULE_BROKEN
    assert {(f.rule, f.cell) for f in result.errors} == {
        (RuleId.R2, app_cell("3.8", TOTAL)), (RuleId.R3, app_cell("total", TOTAL))}


def test_a_table_4_total_that_contradicts_its_parts_is_a_warning() -> None:
    text = fixture(HONGZE).replace(" 1    1      0   0    2   1", " 1    1      0   0    0   1")
    result = check_file(text.encode())
    assert result.status == OK
    assert [(f.rule, f.cell) for f in result.warnings if f.rule is RuleId.R4] == [
        (RuleId.R4, review_cell("review", TOTAL))]


def test_blank_cells_and_slashes_are_read_as_printed() -> None:
    text = fixture(HUAIAN).replace("规章            1          0        11",
                                   "规章            /          /        /")
    text = re.sub(r"(8\.属于行政查询事项.*?)\s+105$", r"\g<1>", text, flags=re.M)
    result = check_file(text.encode())
    assert result.tables.active[("regulations", "in_force")] is None
    assert result.tables.marks[active_cell("regulations", "in_force")] == "/"
    assert row(result.tables, "3.8")[-1] is None
    assert any(f.rule is RuleId.BLANK for f in result.warnings)


def test_the_2019_trial_format_is_recognised() -> None:
    text = fixture(HONGZE).replace("本年制发件数    本年废止件数    现行有效件数",
                                   "本年新制作数量  本年新公开数量  对外公开总数量")
    tables = tables_of(text)
    assert tables.format is ReportFormat.TRIAL_2019
    assert tables.active[("normative_documents", "in_force")] is None
    assert tables.active[("penalty", "decisions")] == 2776


def test_cross_year_rules_with_last_years_report() -> None:
    this_year = fixture(HUAIAN)
    last_year = re.sub(r"^(四、结转下年度继续办理\s+)103(.*\s)103$", r"\g<1>30\g<2>30",
                       this_year.replace("2024", "2023"), flags=re.M)
    assert last_year.count("    30") >= 1
    result = check_file(this_year.encode(), "", last_year.encode())
    assert {(f.rule, f.cell) for f in result.errors if f.rule is RuleId.X1} == {
        (RuleId.X1, app_cell("carried_over", "natural_person")),
        (RuleId.X1, app_cell("carried_over", TOTAL))}
    # 现行有效 11 规章 last year, 1 issued, 0 abolished → 12 expected, 11 printed.
    assert any(f.rule is RuleId.X2 for f in result.errors)


# --- Other formats ----------------------------------------------------------------------------

RENDERERS = {"html": renderings.as_html, "docx": renderings.as_docx,
             "xlsx": renderings.as_xlsx}


@pytest.mark.parametrize("kind", RENDERERS)
@pytest.mark.parametrize("name", [HUAIAN, HONGZE])
def test_html_docx_and_xlsx_renderings_are_read_back_cell_for_cell(kind: str, name: str) -> None:
    original = tables_of(fixture(name))
    data = RENDERERS[kind](original)
    extraction = read_report(data, f"report.{kind}")
    again = extraction.tables
    assert again.applications == original.applications
    assert again.reviews == original.reviews
    assert again.active == original.active
    assert again.fee_amount == original.fee_amount
    assert (again.agency, again.year) == (original.agency, original.year)
    assert again.sections["overview"].replace("\n", "") == original.sections[
        "overview"].replace("\n", "")


@pytest.mark.parametrize("kind", RENDERERS)
def test_blank_cells_survive_a_table_rendering(kind: str) -> None:
    original = tables_of(fixture(HUAIAN))
    original.applications[("3.8", TOTAL)] = None
    original.applications[("new", "natural_person")] = None
    original.reviews[("litigation_after_review", TOTAL)] = None
    again = read_report(RENDERERS[kind](original), f"r.{kind}").tables
    assert again.applications == original.applications
    assert again.reviews == original.reviews


def test_a_file_without_table_3_cannot_be_read() -> None:
    text = fixture(HUAIAN)
    cut = text[: text.index("三、收到和处理政府信息公开申请情况")]
    with pytest.raises(UnreadableReport):
        read_report(cut.encode())


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_the_platforms_own_docx_and_xlsx_outputs_are_read_back_cell_for_cell(kind: str) -> None:
    """What gongkai publishes (render.py) must pass its own checker unchanged."""
    from types import SimpleNamespace

    from gongkai.annual_reports import cells, render

    original = tables_of(fixture(HUAIAN))
    figures = cells.from_tables(original)
    report = SimpleNamespace(
        effective_figures=lambda: figures, overview=original.sections["overview"],
        problems="", other_matters=original.sections["other"], year=2024,
        title="淮安市人民政府2024年政府信息公开工作年度报告",
        agency=SimpleNamespace(name="淮安市人民政府"))
    output = render.docx_bytes(report) if kind == "docx" else render.xlsx_bytes(report)
    again = read_report(output, f"report.{kind}").tables
    assert again.applications == original.applications
    assert again.reviews == original.reviews
    assert again.active == original.active
    assert again.fee_amount == original.fee_amount


def test_label_variants_seen_in_real_reports_are_accepted() -> None:
    """Abbreviated （六） labels, typos, 规范性文件 without 行政, a four-decimal 万元 fee."""
    text = fixture(HUAIAN)
    for old, new in (
        ("1、申请人无正当理由逾期不补", "1.逾期不补正"), ("正、行政机关不再处理其政府信", ""),
        ("2、申请人逾期未按收费通知要", "2.逾期不缴费"), ("求缴纳费用、行政机关不再处理", ""),
        ("5.属于三类内部事务信息", "5.属于三内部事物信息"), ("科研机", "科研企"),
        ("行政规范性文件", "规范性文件"), ("96171.6", "0.1234"),
        ("3.危及“三安全一稳定”", "3.危及\"三安全一稳定\""),
    ):
        assert old in text
        text = text.replace(old, new)
    tables = tables_of(text)
    assert row(tables, "6.1") == HUAIAN_ROWS["6.1"]
    assert row(tables, "6.2") == HUAIAN_ROWS["6.2"]
    assert row(tables, "3.5") == [7, 1, 0, 0, 0, 0, 8]
    assert tables.active[("normative_documents", "in_force")] == 66
    assert tables.fee_amount == Decimal("0.1234")
    assert check_file(text.encode()).findings == []
