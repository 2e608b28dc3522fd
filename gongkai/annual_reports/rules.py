"""The consistency rules of the annual report, as pure functions over :class:`ReportTables`.

- R1 (printed in table 三's corner): per column, 一 + 二 = 三（七）总计 + 四.
- R2: per row of table 三, 总计 = the six applicant columns.
- R3: per column, （七）总计 = （一）+（二）+ every sub-row of （三）–（六）.
- R4: per group of table 四, 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
- R5: counts are non-negative integers (only the 万元 fee amount may be a decimal).
- X1: this year's 二、上年结转 = last year's 四、结转下年度继续办理, per column.
- X2: 现行有效件数 = last year's + 本年制发件数 − 本年废止件数 (规章, 行政规范性文件).
- N: figures quoted in 一、总体情况 that disagree with the tables (a warning: real reports
  often quote a different scope, e.g. only the 政府办's own applications).

R1–R3, R5 and X1–X2 are errors. R4 is an error for generated reports and a warning for
imported ones: the reference says printed table-四 totals that contradict their components
"must be checked on import and reported as a warning". A blank cell counts as 0; a blank
total whose components are not 0 is a warning ("not filled"), not an error, and each table
with blank cells gets one warning listing them.

Source: /work/shared/reference/annual-report-format.md §4 (copied here).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from gongkai.annual_reports.format import (
    APPLICANT_COLUMN_KEYS,
    APPLICATION_COLUMN_KEYS,
    APPLICATION_GROUPS,
    CARRIED_FORWARD,
    CARRIED_OVER,
    NEW,
    OUTCOME_TOTAL,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    TOTAL,
    CellRef,
    ReportTables,
    TableId,
    active_cell,
    app_cell,
    review_cell,
)


class RuleId(enum.StrEnum):
    R1 = "R1"
    R2 = "R2"
    R3 = "R3"
    R4 = "R4"
    R5 = "R5"
    X1 = "X1"
    X2 = "X2"
    NARRATIVE = "N"
    BLANK = "B"

    @property
    def description(self) -> str:
        return RULE_TITLES[self]


RULE_TITLES: dict[RuleId, str] = {
    RuleId.R1: "表三各列：第一项加第二项之和等于第三项加第四项之和",
    RuleId.R2: "表三各行：总计等于各类申请人之和",
    RuleId.R3: "表三各列：（七）总计等于各办理结果之和",
    RuleId.R4: "表四：总计等于结果维持、结果纠正、其他结果、尚未审结之和",
    RuleId.R5: "申请与复议诉讼数量为非负整数",
    RuleId.X1: "本年“上年结转”等于上年报告“结转下年度继续办理”",
    RuleId.X2: "现行有效件数等于上年现行有效件数加本年制发减本年废止",
    RuleId.NARRATIVE: "总体情况中的数字与表格一致",
    RuleId.BLANK: "表格单元格均已填写",
}


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "提示"


Number = int | Decimal | None


@dataclass(frozen=True)
class Finding:
    """One broken rule at one cell: what the cell says and what the rule expects."""

    rule: RuleId
    severity: Severity
    cell: CellRef
    message: str
    expected: Number = None
    actual: Number = None
    related: tuple[CellRef, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule.value,
            "severity": self.severity.value,
            "cell": self.cell.key,
            "cell_label": self.cell.label,
            "message": self.message,
            "expected": None if self.expected is None else str(self.expected),
            "actual": None if self.actual is None else str(self.actual),
            "related": [c.key for c in self.related],
        }


def _sum_check(
    rule: RuleId, tables: ReportTables, total: CellRef, parts: Iterable[CellRef], what: str,
    *, severity: Severity = Severity.ERROR,
) -> list[Finding]:
    """Check that ``total`` equals the sum of ``parts`` (blanks count as 0)."""
    parts = tuple(parts)
    expected = sum(_int(tables.value(p)) for p in parts)
    printed = tables.value(total)
    if _int(printed) == expected:
        return []
    if printed is None:
        return [Finding(rule, Severity.WARNING, total,
                        f"{total.label}未填写，按各项之和应为{expected}（{what}）",
                        expected, None, parts)]
    return [Finding(rule, severity, total,
                    f"{total.label}为{printed}，按{what}应为{expected}",
                    expected, printed, parts)]


def _int(value: Number) -> int:
    return int(value) if value is not None else 0


def check_r1(tables: ReportTables) -> list[Finding]:
    findings: list[Finding] = []
    for column in APPLICATION_COLUMN_KEYS:
        total = app_cell(OUTCOME_TOTAL, column)
        left = tables.application(NEW, column) + tables.application(CARRIED_OVER, column)
        right = tables.application(OUTCOME_TOTAL, column) + tables.application(
            CARRIED_FORWARD, column)
        if left == right:
            continue
        related = (app_cell(NEW, column), app_cell(CARRIED_OVER, column),
                   app_cell(CARRIED_FORWARD, column))
        findings.append(Finding(
            RuleId.R1, Severity.ERROR, total,
            f"「{total.column_label}」列：本年新收与上年结转之和为{left}，"
            f"办理结果总计与结转下年度之和为{right}，二者应相等",
            left - tables.application(CARRIED_FORWARD, column),
            tables.application(OUTCOME_TOTAL, column), related))
    return findings


def check_r2(tables: ReportTables) -> list[Finding]:
    findings: list[Finding] = []
    rows = dict.fromkeys(row for row, _column in tables.applications)
    for row in rows:
        if not any(tables.applications.get((row, c)) is not None
                   for c in APPLICATION_COLUMN_KEYS):
            continue  # a row not printed at all (6.1–6.3 when （六） is one row)
        findings += _sum_check(
            RuleId.R2, tables, app_cell(row, TOTAL),
            (app_cell(row, c) for c in APPLICANT_COLUMN_KEYS), "各类申请人之和")
    return findings


def check_r3(tables: ReportTables) -> list[Finding]:
    findings: list[Finding] = []
    for column in APPLICATION_COLUMN_KEYS:
        findings += _sum_check(
            RuleId.R3, tables, app_cell(OUTCOME_TOTAL, column),
            (app_cell(row, column) for row in tables.outcome_row_keys()), "各办理结果之和")
    return findings


def check_r4(tables: ReportTables, *, imported: bool = False) -> list[Finding]:
    severity = Severity.WARNING if imported else Severity.ERROR
    findings: list[Finding] = []
    for group in REVIEW_GROUPS:
        findings += _sum_check(
            RuleId.R4, tables, review_cell(group.key, TOTAL),
            (review_cell(group.key, c.key) for c in REVIEW_COLUMNS if c.key != TOTAL),
            "结果维持、结果纠正、其他结果、尚未审结之和", severity=severity)
    return findings


_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def check_r5(tables: ReportTables) -> list[Finding]:
    findings: list[Finding] = []
    for cell, value in tables.cells():
        if cell.table is TableId.ACTIVE and cell.row == "fees":
            continue
        if isinstance(value, int) and value < 0:
            findings.append(Finding(RuleId.R5, Severity.ERROR, cell,
                                    f"{cell.label}为负数{value}", None, value))
    for cell, text in sorted(tables.marks.items()):
        if cell.table is TableId.ACTIVE and cell.row == "fees":
            continue
        if _NUMBER.match(text.strip()):
            findings.append(Finding(RuleId.R5, Severity.ERROR, cell,
                                    f"{cell.label}为{text}，数量应为非负整数"))
    return findings


def check_blanks(tables: ReportTables) -> list[Finding]:
    """One warning per table that has blank cells (they count as 0 in the checks)."""
    findings: list[Finding] = []
    skipped: set[tuple[str, str]] = set()
    if tables.other_single_row:
        skipped = {("6.1", c) for c in APPLICATION_COLUMN_KEYS} | {
            ("6.2", c) for c in APPLICATION_COLUMN_KEYS} | {
            ("6.3", c) for c in APPLICATION_COLUMN_KEYS}
    for table, cells, make in (
        (TableId.APPLICATIONS, tables.applications, app_cell),
        (TableId.REVIEWS, tables.reviews, review_cell),
    ):
        blanks = tuple(make(row, column) for (row, column), value in cells.items()
                       if value is None and (row, column) not in skipped
                       and make(row, column) not in tables.marks)
        if blanks:
            findings.append(Finding(
                RuleId.BLANK, Severity.WARNING, blanks[0],
                f"表{table.value}有{len(blanks)}个单元格未填写，检查时按0计算",
                related=blanks))
    return findings


def check_x1(tables: ReportTables, previous: ReportTables) -> list[Finding]:
    findings: list[Finding] = []
    for column in APPLICATION_COLUMN_KEYS:
        this = tables.application(CARRIED_OVER, column)
        last = previous.application(CARRIED_FORWARD, column)
        if this != last:
            cell = app_cell(CARRIED_OVER, column)
            findings.append(Finding(
                RuleId.X1, Severity.ERROR, cell,
                f"{cell.label}为{this}，上年报告“结转下年度继续办理”为{last}",
                last, this))
    return findings


def check_x2(tables: ReportTables, previous: ReportTables) -> list[Finding]:
    findings: list[Finding] = []
    for row in ("regulations", "normative_documents"):
        if tables.active.get((row, "in_force")) is None and previous.active.get(
                (row, "in_force")) is None:
            continue  # "/" or blank in both years: no rule-making power, nothing to compare
        expected = (previous.active_count(row, "in_force") + tables.active_count(row, "issued")
                    - tables.active_count(row, "abolished"))
        actual = tables.active_count(row, "in_force")
        if expected != actual:
            cell = active_cell(row, "in_force")
            findings.append(Finding(
                RuleId.X2, Severity.ERROR, cell,
                f"{cell.label}为{actual}，按上年现行有效件数加本年制发减本年废止应为{expected}",
                expected, actual, (active_cell(row, "issued"), active_cell(row, "abolished"))))
    return findings


# --- Figures quoted in 一、总体情况 ------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """A figure found in the text: what it names, the number and the words around it."""

    figure: str
    value: int
    text: str


# Each pattern captures one number; the text is searched with all whitespace removed.
_N = r"(\d+)件"
_FIGURE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("new", r"(?:新收|收到|受理|接收|共收)[^，。；、]{0,16}?申请(?:共计|共|合计)?" + _N),
    ("carried_over", r"上一?年度?结转(?:的)?(?:申请|政府信息公开申请)?" + _N),
    ("carried_forward", r"(\d+)件(?:申请)?(?:顺延|结转)(?:到|至)?下一?年度?"),
    ("carried_forward", r"结转(?:至|到)?下一?年度(?:继续办理)?(?:的)?(?:申请)?" + _N),
    ("outcome_total", r"(?:答复|办结)(?:申请)?(?:共计|共|合计)?" + _N),
    ("1", r"(?<!部分)予以公开" + _N),
    ("2", r"部分公开" + _N),
    ("3", r"不予公开" + _N),
    ("4", r"无法提供" + _N),
    ("5", r"不予处理" + _N),
    ("6", r"其他处理" + _N),
    ("review", r"行政复议(?:案件|申请)?(?:共计|共|合计)?" + _N),
    ("litigation", r"行政诉讼(?:案件)?(?:共计|共|合计)?" + _N),
)
_BREAKDOWN = re.compile(r"结果维持(\d+)件[，,、]?结果纠正(\d+)件[，,、]?其他结果(\d+)件[，,、]?"
                        r"尚未审结(\d+)件")

NARRATIVE_LABELS: dict[str, str] = {
    "new": "本年新收申请", "carried_over": "上年结转申请", "carried_forward": "结转下年度申请",
    "outcome_total": "办理结果总计", "1": "予以公开", "2": "部分公开", "3": "不予公开",
    "4": "无法提供", "5": "不予处理", "6": "其他处理", "review": "行政复议",
    "litigation": "行政诉讼",
    **{f"{g}.{c.key}": f"{label}{c.label}"
       for g, label in (("review", "行政复议"), ("litigation", "行政诉讼"))
       for c in REVIEW_COLUMNS if c.key != TOTAL},
}


def narrative_figures(text: str) -> list[Quote]:
    """The figures 一、总体情况 quotes about applications and reviews (first mention wins)."""
    flat = re.sub(r"\s+", "", text)
    quotes: dict[str, Quote] = {}
    for figure, pattern in _FIGURE_PATTERNS:
        match = re.search(pattern, flat)
        if match and figure not in quotes:
            quotes[figure] = Quote(figure, int(match.group(1)), match.group(0))
    for figure in ("review", "litigation"):
        word = "行政复议" if figure == "review" else "行政诉讼"
        match = re.search(word + r"[^；。]{0,20}?其中" + _BREAKDOWN.pattern, flat)
        if match:
            for column, value in zip(("upheld", "corrected", "other", "pending"),
                                     match.groups(), strict=True):
                quotes[f"{figure}.{column}"] = Quote(f"{figure}.{column}", int(value),
                                                     match.group(0))
    return list(quotes.values())


def _table_figure(tables: ReportTables, figure: str) -> tuple[int, tuple[CellRef, ...]]:
    """The table's value for a quoted figure and the cells it comes from."""
    if figure in (NEW, CARRIED_OVER, CARRIED_FORWARD):
        return tables.application(figure, TOTAL), (app_cell(figure, TOTAL),)
    if figure == "outcome_total":
        return tables.application(OUTCOME_TOTAL, TOTAL), (app_cell(OUTCOME_TOTAL, TOTAL),)
    if figure in ("1", "2"):
        return tables.application(figure, TOTAL), (app_cell(figure, TOTAL),)
    if figure in APPLICATION_GROUPS:
        # （六） printed as one row has key "6" (OTHER_SINGLE); the 2021 sub-rows are "6.1"….
        rows = [r for r in tables.outcome_row_keys()
                if r.startswith(f"{figure}.") or r == figure]
        cells = tuple(app_cell(r, TOTAL) for r in rows)
        return sum(tables.application(r, TOTAL) for r in rows), cells
    group, _, column = figure.partition(".")
    groups = (("review",) if group == "review"
              else ("litigation_direct", "litigation_after_review"))
    cells = tuple(review_cell(g, column or TOTAL) for g in groups)
    return sum(tables.review(c.row, c.column) for c in cells), cells


def check_narrative(tables: ReportTables) -> list[Finding]:
    findings: list[Finding] = []
    for quote in narrative_figures(tables.sections.get("overview", "")):
        value, cells = _table_figure(tables, quote.figure)
        if value == quote.value:
            continue
        label = NARRATIVE_LABELS.get(quote.figure, quote.figure)
        findings.append(Finding(
            RuleId.NARRATIVE, Severity.WARNING, CellRef(TableId.OVERVIEW, label),
            f"总体情况写“{quote.text}”（{label}{quote.value}件），表格中为{value}件",
            value, quote.value, cells))
    return findings


def check(tables: ReportTables, previous: ReportTables | None = None, *,
          imported: bool = False) -> list[Finding]:
    """Every rule on one report (X1–X2 only with the previous year's report), errors first."""
    findings = (check_r1(tables) + check_r2(tables) + check_r3(tables)
                + check_r4(tables, imported=imported) + check_r5(tables))
    if previous is not None:
        findings += check_x1(tables, previous) + check_x2(tables, previous)
    findings += check_narrative(tables)
    if imported:
        findings += check_blanks(tables)
    return sorted(findings, key=lambda f: (f.severity is not Severity.ERROR,))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
