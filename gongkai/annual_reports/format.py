"""The 2021 format of 政府信息公开工作年度报告 (国办公开办函〔2021〕30号) as data.

Everything about the shape of the report is defined here once: the six section headings,
table 二 (主动公开, blocks 第二十条第（一）（五）（六）（八）项), table 三 (25 rows × 7 columns of
applications) and table 四 (15 cells of 行政复议/行政诉讼), with the labels exactly as printed,
and :class:`ReportTables`, the numbers of one report. Generation (from the records), the
checker (rules.py), the readers (parse/) and every output use these keys and labels.

Row keys of table 三 follow ``gongkai.info_requests.enums.REPORT_ROWS`` ("1", "2", "3.1" …
"6.3"), so an application's outcome maps to its row without a second table. Column keys
follow ``ApplicantType`` values plus ``"total"``.

Source: /work/shared/reference/annual-report-format.md §2–§3 (copied here; nothing reads
that file at run time).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal

# --- Sections ---------------------------------------------------------------------------------

SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "一、总体情况"),
    ("active", "二、主动公开政府信息情况"),
    ("applications", "三、收到和处理政府信息公开申请情况"),
    ("reviews", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)

# Headings real reports print instead of the official ones (the readers accept these).
SECTION_VARIANTS: dict[str, tuple[str, ...]] = {
    "reviews": ("政府信息公开行政复议及行政诉讼情况", "政府信息公开行政复议行政诉讼情况"),
    "problems": ("存在问题及改进情况",),
}


class ReportFormat(enum.StrEnum):
    F2021 = "2021"
    TRIAL_2019 = "2019"

    @property
    def label(self) -> str:
        if self is ReportFormat.F2021:
            return "国办公开办函〔2021〕30号"
        return "国办公开办函〔2019〕60号（试行）"


class TableId(enum.StrEnum):
    """The tables, named by the section that holds them (一 for figures quoted in the text)."""

    OVERVIEW = "一"
    ACTIVE = "二"
    APPLICATIONS = "三"
    REVIEWS = "四"


# --- Table 二: 主动公开政府信息情况 ---------------------------------------------------------


@dataclass(frozen=True)
class Label:
    key: str
    label: str


@dataclass(frozen=True)
class ActiveBlock:
    """One block of table 二: the 第二十条 item, its columns and its rows."""

    item: str
    columns: tuple[Label, ...]
    rows: tuple[Label, ...]


ACTIVE_BLOCKS: tuple[ActiveBlock, ...] = (
    ActiveBlock(
        "第二十条第（一）项",
        (Label("issued", "本年制发件数"), Label("abolished", "本年废止件数"),
         Label("in_force", "现行有效件数")),
        (Label("regulations", "规章"), Label("normative_documents", "行政规范性文件")),
    ),
    ActiveBlock(
        "第二十条第（五）项",
        (Label("decisions", "本年处理决定数量"),),
        (Label("licensing", "行政许可"),),
    ),
    ActiveBlock(
        "第二十条第（六）项",
        (Label("decisions", "本年处理决定数量"),),
        (Label("penalty", "行政处罚"), Label("coercion", "行政强制")),
    ),
    ActiveBlock(
        "第二十条第（八）项",
        (Label("amount", "本年收费金额（单位：万元）"),),
        (Label("fees", "行政事业性收费"),),
    ),
)

# The integer cells of table 二 as (row, column); the fee amount is kept apart (万元, decimal).
ACTIVE_COUNT_CELLS: tuple[tuple[str, str], ...] = tuple(
    (row.key, column.key)
    for block in ACTIVE_BLOCKS if block.rows[0].key != "fees"
    for row in block.rows for column in block.columns
)
ACTIVE_ROW_LABELS: dict[str, str] = {
    row.key: row.label for block in ACTIVE_BLOCKS for row in block.rows
}
ACTIVE_COLUMN_LABELS: dict[str, str] = {
    column.key: column.label for block in ACTIVE_BLOCKS for column in block.columns
}

# --- Table 三: 收到和处理政府信息公开申请情况 ------------------------------------------------

APPLICANT_COLUMNS: tuple[Label, ...] = (
    Label("natural_person", "自然人"),
    Label("commercial_enterprise", "商业企业"),
    Label("research_institution", "科研机构"),
    Label("public_interest_organization", "社会公益组织"),
    Label("legal_service_provider", "法律服务机构"),
    Label("other_organization", "其他"),
)
TOTAL = "total"
APPLICATION_COLUMNS: tuple[Label, ...] = (*APPLICANT_COLUMNS, Label(TOTAL, "总计"))
APPLICATION_COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in APPLICATION_COLUMNS)
APPLICANT_COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in APPLICANT_COLUMNS)
ORGANIZATION_HEADER = "法人或其他组织"
APPLICANT_HEADER = "申请人情况"
R1_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class AppRow:
    """A data row of table 三. ``group`` is the key of its group label (（三）…（六）) if any."""

    key: str
    label: str
    group: str = ""


NEW = "new"
CARRIED_OVER = "carried_over"
OUTCOME_TOTAL = "total"
CARRIED_FORWARD = "carried_forward"
# The 2019 trial format (and some later reports) print （六）其他处理 as one row: key "6".
OTHER_SINGLE = "6"

APPLICATION_GROUPS: dict[str, str] = {
    "3": "（三）不予公开",
    "4": "（四）无法提供",
    "5": "（五）不予处理",
    "6": "（六）其他处理",
}
OUTCOMES_HEADING = "三、本年度办理结果"

APPLICATION_ROWS: tuple[AppRow, ...] = (
    AppRow(NEW, "一、本年新收政府信息公开申请数量"),
    AppRow(CARRIED_OVER, "二、上年结转政府信息公开申请数量"),
    AppRow("1", "（一）予以公开"),
    AppRow("2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    AppRow("3.1", "1.属于国家秘密", "3"),
    AppRow("3.2", "2.其他法律行政法规禁止公开", "3"),
    AppRow("3.3", "3.危及“三安全一稳定”", "3"),
    AppRow("3.4", "4.保护第三方合法权益", "3"),
    AppRow("3.5", "5.属于三类内部事务信息", "3"),
    AppRow("3.6", "6.属于四类过程性信息", "3"),
    AppRow("3.7", "7.属于行政执法案卷", "3"),
    AppRow("3.8", "8.属于行政查询事项", "3"),
    AppRow("4.1", "1.本机关不掌握相关政府信息", "4"),
    AppRow("4.2", "2.没有现成信息需要另行制作", "4"),
    AppRow("4.3", "3.补正后申请内容仍不明确", "4"),
    AppRow("5.1", "1.信访举报投诉类申请", "5"),
    AppRow("5.2", "2.重复申请", "5"),
    AppRow("5.3", "3.要求提供公开出版物", "5"),
    AppRow("5.4", "4.无正当理由大量反复申请", "5"),
    AppRow("5.5", "5.要求行政机关确认或重新出具已获取信息", "5"),
    AppRow("6.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "6"),
    AppRow("6.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "6"),
    AppRow("6.3", "3.其他", "6"),
    AppRow(OUTCOME_TOTAL, "（七）总计"),
    AppRow(CARRIED_FORWARD, "四、结转下年度继续办理"),
)
APPLICATION_ROW_KEYS: tuple[str, ...] = tuple(r.key for r in APPLICATION_ROWS)
# The rows whose sum is （七）总计 (R3), in the 2021 form.
OUTCOME_ROW_KEYS: tuple[str, ...] = tuple(
    r.key for r in APPLICATION_ROWS if r.key not in (NEW, CARRIED_OVER, OUTCOME_TOTAL,
                                                     CARRIED_FORWARD)
)
OTHER_SINGLE_LABEL = "（六）其他处理"
APPLICATION_ROW_LABELS: dict[str, str] = {
    **{r.key: r.label for r in APPLICATION_ROWS}, OTHER_SINGLE: OTHER_SINGLE_LABEL,
}

# --- Table 四: 政府信息公开行政复议、行政诉讼情况 ---------------------------------------------

REVIEW_GROUPS: tuple[Label, ...] = (
    Label("review", "行政复议"),
    Label("litigation_direct", "行政诉讼（未经复议直接起诉）"),
    Label("litigation_after_review", "行政诉讼（复议后起诉）"),
)
REVIEW_COLUMNS: tuple[Label, ...] = (
    Label("upheld", "结果维持"),
    Label("corrected", "结果纠正"),
    Label("other", "其他结果"),
    Label("pending", "尚未审结"),
    Label(TOTAL, "总计"),
)
# The 15 cells in printed order (n1 … n15).
REVIEW_CELLS: tuple[tuple[str, str], ...] = tuple(
    (g.key, c.key) for g in REVIEW_GROUPS for c in REVIEW_COLUMNS
)
REVIEW_GROUP_LABELS: dict[str, str] = {g.key: g.label for g in REVIEW_GROUPS}
REVIEW_COLUMN_LABELS: dict[str, str] = {c.key: c.label for c in REVIEW_COLUMNS}


# --- Cell references --------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class CellRef:
    """One cell of one table, e.g. ``CellRef(TableId.APPLICATIONS, "3.1", "natural_person")``.

    For table 一 (figures quoted in the text) ``row`` names the figure and ``column`` is "".
    """

    table: TableId
    row: str
    column: str = ""

    @property
    def label(self) -> str:
        """The cell in words, as staff read it: 表三「1.属于国家秘密」×「自然人」."""
        return f"表{self.table.value}「{self.row_label}」" + (
            f"×「{self.column_label}」" if self.column_label else "")

    @property
    def row_label(self) -> str:
        if self.table is TableId.APPLICATIONS:
            label = APPLICATION_ROW_LABELS.get(self.row, self.row)
            row = next((r for r in APPLICATION_ROWS if r.key == self.row), None)
            if row is not None and row.group:
                return f"{APPLICATION_GROUPS[row.group]}{label}"
            return label
        if self.table is TableId.ACTIVE:
            return ACTIVE_ROW_LABELS.get(self.row, self.row)
        if self.table is TableId.REVIEWS:
            return REVIEW_GROUP_LABELS.get(self.row, self.row)
        return self.row

    @property
    def column_label(self) -> str:
        if self.table is TableId.APPLICATIONS:
            return {c.key: c.label for c in APPLICATION_COLUMNS}.get(self.column, self.column)
        if self.table is TableId.ACTIVE:
            return ACTIVE_COLUMN_LABELS.get(self.column, self.column)
        if self.table is TableId.REVIEWS:
            return REVIEW_COLUMN_LABELS.get(self.column, self.column)
        return self.column

    @property
    def key(self) -> str:
        """A stable string key (JSON, HTML ids): ``三:3.1:natural_person``."""
        return f"{self.table.value}:{self.row}:{self.column}"


def app_cell(row: str, column: str) -> CellRef:
    return CellRef(TableId.APPLICATIONS, row, column)


def active_cell(row: str, column: str) -> CellRef:
    return CellRef(TableId.ACTIVE, row, column)


def review_cell(group: str, column: str) -> CellRef:
    return CellRef(TableId.REVIEWS, group, column)


FEE_CELL = active_cell("fees", "amount")


# --- The numbers of one report ----------------------------------------------------------------

Count = int | None  # None: the cell was printed blank (or "/"); the checks count it as 0.


def _blank_cells(keys: tuple[tuple[str, str], ...]) -> dict[tuple[str, str], Count]:
    return dict.fromkeys(keys, None)


@dataclass
class ReportTables:
    """The numbers of tables 二, 三 and 四 of one report (and the text of the other sections).

    Cells are ``None`` when blank. ``marks`` keeps what a reader found in a cell that is not a
    number ("/", "—", "无") so it can be shown as printed. ``other_single_row`` says that
    （六）其他处理 was printed as one row (the 2019 trial form): its figures are then in row
    ``"6"`` and rows 6.1–6.3 are blank. Generated reports use the 2021 form only.
    """

    year: int | None = None
    agency: str = ""
    format: ReportFormat = ReportFormat.F2021
    active: dict[tuple[str, str], Count] = field(
        default_factory=lambda: _blank_cells(ACTIVE_COUNT_CELLS))
    fee_amount: Decimal | None = None  # 第二十条第（八）项 行政事业性收费, 万元
    applications: dict[tuple[str, str], Count] = field(
        default_factory=lambda: _blank_cells(tuple(
            (r, c) for r in APPLICATION_ROW_KEYS for c in APPLICATION_COLUMN_KEYS)))
    reviews: dict[tuple[str, str], Count] = field(
        default_factory=lambda: _blank_cells(REVIEW_CELLS))
    other_single_row: bool = False
    sections: dict[str, str] = field(default_factory=dict)  # section key → text (一, 五, 六)
    marks: dict[CellRef, str] = field(default_factory=dict)

    @classmethod
    def zeros(cls, year: int | None = None, agency: str = "") -> ReportTables:
        """A 2021-form report with every cell 0 (the starting point of generation)."""
        tables = cls(year=year, agency=agency, fee_amount=Decimal(0))
        for cells in (tables.active, tables.applications, tables.reviews):
            for key in cells:
                cells[key] = 0
        return tables

    def outcome_row_keys(self) -> tuple[str, ...]:
        """The rows summed into （七）总计, in the form this report was printed in."""
        if self.other_single_row:
            return (*(k for k in OUTCOME_ROW_KEYS if not k.startswith("6.")), OTHER_SINGLE)
        return OUTCOME_ROW_KEYS

    def application(self, row: str, column: str) -> int:
        """The cell's number, 0 when blank."""
        return self.applications.get((row, column)) or 0

    def review(self, group: str, column: str) -> int:
        return self.reviews.get((group, column)) or 0

    def active_count(self, row: str, column: str) -> int:
        return self.active.get((row, column)) or 0

    def value(self, cell: CellRef) -> int | Decimal | None:
        """The printed value of any cell (None when blank)."""
        if cell == FEE_CELL:
            return self.fee_amount
        source = {TableId.APPLICATIONS: self.applications, TableId.ACTIVE: self.active,
                  TableId.REVIEWS: self.reviews}.get(cell.table, {})
        return source.get((cell.row, cell.column))

    def set(self, cell: CellRef, value: int | None) -> None:
        """Set an integer cell (the fee amount is set on ``fee_amount``)."""
        target = {TableId.APPLICATIONS: self.applications, TableId.ACTIVE: self.active,
                  TableId.REVIEWS: self.reviews}[cell.table]
        target[(cell.row, cell.column)] = value

    def set_other_single_row(self) -> None:
        """Switch to the one-row （六） form (used by readers of 2019-style reports)."""
        self.other_single_row = True
        for column in APPLICATION_COLUMN_KEYS:
            self.applications.setdefault((OTHER_SINGLE, column), None)

    def cells(self) -> list[tuple[CellRef, int | Decimal | None]]:
        """Every cell in printed order (for JSON and tables)."""
        result: list[tuple[CellRef, int | Decimal | None]] = []
        for (row, column), count in self.active.items():
            result.append((active_cell(row, column), count))
        result.append((FEE_CELL, self.fee_amount))
        for (row, column), count in self.applications.items():
            result.append((app_cell(row, column), count))
        for (group, column), count in self.reviews.items():
            result.append((review_cell(group, column), count))
        return result

    def as_json(self) -> dict[str, object]:
        """Tables as JSON: nested dicts by row and column key; blanks are null."""
        def nested(cells: dict[tuple[str, str], Count]) -> dict[str, dict[str, Count]]:
            out: dict[str, dict[str, Count]] = {}
            for (row, column), count in cells.items():
                out.setdefault(row, {})[column] = count
            return out

        return {
            "year": self.year,
            "agency": self.agency,
            "format": self.format.value,
            "active": nested(self.active),
            "fee_amount_wan_yuan": None if self.fee_amount is None else str(self.fee_amount),
            "applications": nested(self.applications),
            "other_single_row": self.other_single_row,
            "reviews": nested(self.reviews),
            "marks": {cell.key: text for cell, text in sorted(self.marks.items())},
        }
