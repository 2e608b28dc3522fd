"""Lines of cells → :class:`ReportTables`: sections, then tables 二, 三 and 四.

Real reports are messy (see /work/shared/reference/annual-report-format.md §3): labels broken
across lines or printed one character per line, typos, "1、" numbering, （六）其他处理 as one
row, blank cells, "/". Extraction therefore does not trust labels to be exact or on the same
line as their numbers. For table 三 it takes the lines that end in numbers, in order, gathers
the words around each, and aligns this sequence to the format's rows by a monotonic
alignment that maximises label similarity (the rows always come in the format's order). It
runs the alignment for the 2021 rows and for the one-row （六） form and keeps the better.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from gongkai.annual_reports.format import (
    APPLICATION_COLUMN_KEYS,
    APPLICATION_ROW_LABELS,
    APPLICATION_ROWS,
    OTHER_SINGLE,
    REVIEW_CELLS,
    SECTION_VARIANTS,
    SECTIONS,
    ReportFormat,
    ReportTables,
    active_cell,
    app_cell,
    review_cell,
)
from gongkai.annual_reports.parse.document import Cell, Line, compact, parse_amount, parse_count
from gongkai.annual_reports.parse.readers import UnreadableReport

_NUMERALS = "一二三四五六"
_WIDTH = len(APPLICATION_COLUMN_KEYS)


@dataclass
class Extraction:
    tables: ReportTables
    notes: list[str] = field(default_factory=list)  # what the reader had to guess


def normalize_label(text: str) -> str:
    """A label without whitespace, numbering or punctuation variants, for fuzzy matching."""
    text = compact(text)
    text = re.sub(r"^[（(][一二三四五六七八九十][）)]", "", text)
    text = re.sub(r"^[一二三四五六][、.．]", "", text)
    text = re.sub(r"^\d+[.、．]", "", text)
    return text.replace("（", "(").replace("）", ")").replace("“", "").replace("”", "")


def similarity(label: str, context: str) -> float:
    """How much of ``label`` appears in order in ``context`` (0–1); tolerant of typos and
    of words inserted by broken lines."""
    label = normalize_label(label)
    context = normalize_label(context)
    if not label or not context:
        return 0.0
    matcher = SequenceMatcher(None, label, context, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks() if block.size >= 2)
    return matched / len(label)


# --- Sections ---------------------------------------------------------------------------------


def find_sections(lines: list[Line]) -> dict[str, list[tuple[int, int]]]:
    """Section key → (first line, end line) of the body under each of its headings.

    A heading may occur more than once (an XLSX with the text on one sheet and each table on
    its own sheet under its heading again); a body ends at the next heading of any section.
    """
    starts: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        key = _heading(line)
        if key:
            starts.append((number, key))
    bounds: dict[str, list[tuple[int, int]]] = {}
    ends = [start for start, _key in starts[1:]] + [len(lines)] if starts else []
    for (start, key), end in zip(starts, ends, strict=True):
        bounds.setdefault(key, []).append((start + 1, end))
    return bounds


def _heading(line: Line) -> str:
    """The key of the section whose heading this line is, or ""."""
    text = line.text
    if not text or text[0] not in _NUMERALS or (line.number_run() and not line.structured):
        return ""
    index = _NUMERALS.index(text[0])
    key, heading = SECTIONS[index]
    if len(text) > len(heading) + 12:
        return ""
    rest = re.sub(rf"^{text[0]}[、.．,，]?", "", text)
    titles = (heading[2:], *SECTION_VARIANTS.get(key, ()))
    if len(rest) >= 4 and max(similarity(title, rest) for title in titles) >= 0.75:
        return key
    return ""


def section_text(lines: list[Line], bounds: tuple[int, int] | None) -> str:
    if bounds is None:
        return ""
    parts = []
    for line in lines[bounds[0]:bounds[1]]:
        words = " ".join(c.text for c in line.cells).strip()
        if words and not re.fullmatch(r"[-－—\s]*\d+[-－—\s]*", words):  # page numbers
            parts.append(words)
    return "\n".join(parts)


# --- Table 三 ---------------------------------------------------------------------------------


@dataclass
class _DataRow:
    cells: list[Cell]
    context: str
    structured: bool


def _data_rows(lines: list[Line]) -> list[_DataRow]:
    """Lines ending in numbers, with the words before them (since the previous such line)
    and, in text, after them (until the next), since a label may sit above, beside or below."""
    rows: list[_DataRow] = []
    pending: list[str] = []
    for line in lines:
        run = line.number_run()
        label = line.label()
        filled = [c for c in run if c.text.strip()]
        if line.structured:
            is_row = len(run) >= _WIDTH and bool(filled or label)
        else:
            is_row = len(filled) >= 2 or (len(filled) == 1 and bool(label))
        if is_row:
            cells = run[-_WIDTH:] if line.structured else filled
            rows.append(_DataRow(cells, "".join(pending) + label, line.structured))
            pending = []
        elif line.text:
            pending.append(line.text)
            if rows and not rows[-1].structured:
                rows[-1].context += line.text
    return rows


def _expected_rows(single: bool) -> list[str]:
    keys = [row.key for row in APPLICATION_ROWS]
    if not single:
        return keys
    at = keys.index("6.1")
    return [*keys[:at], OTHER_SINGLE, *keys[at + 3:]]


def _row_label(key: str) -> str:
    row = next((r for r in APPLICATION_ROWS if r.key == key), None)
    if key == OTHER_SINGLE or row is None:
        return APPLICATION_ROW_LABELS[key]
    return row.label


def _align(rows: list[_DataRow], expected: list[str]) -> tuple[float, dict[int, str]]:
    """Monotonic alignment of data rows to expected row keys maximising similarity."""
    n, m = len(rows), len(expected)
    sims = [[similarity(_row_label(key), row.context) for key in expected] for row in rows]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 1 match, 2 skip row, 3 skip expected
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = ((best[i - 1][j - 1] + 0.5 + sims[i - 1][j - 1], 1),
                       (best[i - 1][j], 2), (best[i][j - 1], 3))
            best[i][j], move[i][j] = max(options)
    mapping: dict[int, str] = {}
    i, j = n, m
    while i and j:
        if move[i][j] == 1:
            mapping[i - 1] = expected[j - 1]
            i, j = i - 1, j - 1
        elif move[i][j] == 2:
            i -= 1
        else:
            j -= 1
    # Rows of the format left without numbers count against the form (a report in the
    # one-row （六） form would otherwise tie with the 2021 form, "3.其他" matching "其他处理").
    return best[n][m] - 0.5 * (m - len(mapping)), mapping


def _place(row: _DataRow, complete: list[list[int]]) -> list[Cell | None]:
    """The row's cells in the 7 columns; a text row with blanks is placed by the character
    positions of complete rows (the best a whitespace-aligned layout allows)."""
    if row.structured or len(row.cells) >= _WIDTH:
        return list(row.cells[-_WIDTH:])
    if not complete:
        return [None] * (_WIDTH - len(row.cells)) + list(row.cells)
    centres = [sorted(col)[len(col) // 2] for col in zip(*complete, strict=True)]
    placed: list[Cell | None] = [None] * _WIDTH
    for cell in row.cells:
        column = min(range(_WIDTH), key=lambda c: abs(centres[c] - cell.pos))
        placed[column] = cell
    return placed


def extract_applications(lines: list[Line], tables: ReportTables, notes: list[str]) -> int:
    """Fill table 三; the number of rows found (the caller decides if that is a report)."""
    rows = _data_rows(lines)
    if not rows:
        return 0
    score21, map21 = _align(rows, _expected_rows(single=False))
    score19, map19 = _align(rows, _expected_rows(single=True))
    mapping = map21
    if score19 > score21:
        mapping = map19
        tables.set_other_single_row()
        notes.append("（六）其他处理按一行填报（2019年试行格式的写法），已按一行读取")
    complete = [[c.pos for c in row.cells] for row in rows
                if not row.structured and len(row.cells) == _WIDTH]
    for index, key in sorted(mapping.items()):
        row = rows[index]
        if not row.structured and len(row.cells) != _WIDTH:
            notes.append(f"表三「{_row_label(key)}」只有{len(row.cells)}个数字，已按位置推断所在列")
        for column, cell in zip(APPLICATION_COLUMN_KEYS, _place(row, complete), strict=True):
            value, mark = parse_count(cell.text) if cell else (None, "")
            tables.applications[(key, column)] = value
            if mark:
                tables.marks[app_cell(key, column)] = mark
    missing = [key for key in _expected_rows(tables.other_single_row)
               if key not in mapping.values()]
    if missing:
        notes.append("表三未找到以下行，按空白处理：" + "、".join(
            _row_label(key) for key in missing))
    return len(mapping)


# --- Table 四 ---------------------------------------------------------------------------------


def extract_reviews(lines: list[Line], tables: ReportTables, notes: list[str]) -> bool:
    for line in lines:
        run = line.number_run()
        if line.structured and len(run) >= len(REVIEW_CELLS) and any(
                c.text.strip() for c in run):
            _fill_reviews(tables, run[-len(REVIEW_CELLS):])
            return True
    cells = [c for line in lines if not line.structured and len(line.number_run()) >= 3
             for c in line.number_run()]
    if len(cells) == len(REVIEW_CELLS):
        _fill_reviews(tables, cells)
        return True
    notes.append(f"表四应有{len(REVIEW_CELLS)}个数字，读到{len(cells)}个，无法确定各数字所在列，"
                 "表四按空白处理")
    return False


def _fill_reviews(tables: ReportTables, cells: list[Cell]) -> None:
    for (group, column), cell in zip(REVIEW_CELLS, cells, strict=True):
        value, mark = parse_count(cell.text)
        tables.reviews[(group, column)] = value
        if mark:
            tables.marks[review_cell(group, column)] = mark


# --- Table 二 ---------------------------------------------------------------------------------

_ACTIVE_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("regulations", r"^规章$", ("issued", "abolished", "in_force")),
    ("normative_documents", r"规范性文件$", ("issued", "abolished", "in_force")),
    ("licensing", r"^行政许可$", ("decisions",)),
    ("penalty", r"^行政处罚$", ("decisions",)),
    ("coercion", r"^行政强制$", ("decisions",)),
    ("fees", r"^行政事业性收费$", ("amount",)),
)


def extract_active(lines: list[Line], tables: ReportTables, notes: list[str]) -> bool:
    """Fill table 二; whether any of its rows was found."""
    found = False
    text = "".join(line.text for line in lines)
    if "本年新制作数量" in text or "第（九）项" in text or "上一年项目数量" in text:
        tables.format = ReportFormat.TRIAL_2019
        notes.append("表二为2019年试行格式，只读取处理决定数量")
    for row, pattern, columns in _ACTIVE_ROWS:
        for number, line in enumerate(lines):
            if not re.search(pattern, line.label()):
                continue
            run = line.number_run()
            if line.structured and tables.format is ReportFormat.F2021:
                # A table row: the cells after the label, in order (a padded row may have
                # empty cells after the last column).
                run = run[:len(columns)] if len(run) >= len(columns) else run
            elif not run and number + 1 < len(lines) and not lines[number + 1].label():
                run = lines[number + 1].number_run()
            _fill_active(tables, row, columns, run, notes)
            found = True
            break
    return found


def _fill_active(tables: ReportTables, row: str, columns: tuple[str, ...], run: list[Cell],
                 notes: list[str]) -> None:
    if tables.format is ReportFormat.TRIAL_2019:
        if row in ("licensing", "penalty", "coercion"):
            filled = [c for c in run if c.text.strip()]
            value, _mark = parse_count(filled[-1].text) if filled else (None, "")
            tables.active[(row, "decisions")] = value
        return
    if row == "fees":
        if run:
            amount, mark = parse_amount(run[0].text if len(run) == 1 else run[-1].text)
            tables.fee_amount = amount
            if mark:
                tables.marks[active_cell(row, "amount")] = mark
        return
    if run and len(run) != len(columns):
        notes.append(f"表二「{row}」应有{len(columns)}个数字，读到{len(run)}个")
        if len(run) < len(columns):
            return
    for column, cell in zip(columns, run[-len(columns):], strict=True):
        value, mark = parse_count(cell.text)
        tables.active[(row, column)] = value
        if mark:
            tables.marks[active_cell(row, column)] = mark


# --- The whole report -------------------------------------------------------------------------


def _title(lines: list[Line]) -> tuple[str, int | None]:
    head = "".join(line.text for line in lines[:40])
    match = re.search(r"([^：:\s]{2,30}?)(20\d\d)年度?政府信息公开工作年度报告", head)
    if match:
        return match.group(1), int(match.group(2))
    match = re.search(r"统计期限[^\d]{0,6}(20\d\d)年", head)
    return "", int(match.group(1)) if match else None


def extract(lines: list[Line]) -> Extraction:
    """The report's tables; UnreadableReport when no table 三 can be found."""
    tables = ReportTables()
    notes: list[str] = []
    tables.agency, tables.year = _title(lines)
    sections = find_sections(lines)
    for key in ("overview", "problems", "other"):
        texts = [section_text(lines, bounds) for bounds in sections.get(key, [])]
        tables.sections[key] = next((text for text in texts if text), "")
    regions = [lines[start:end] for start, end in sections.get("applications", [])]
    if not regions:
        notes.append("未找到“三、收到和处理政府信息公开申请情况”标题，在全文中查找表三")
    for region in [*regions, lines]:
        attempt: list[str] = []
        scratch = ReportTables()  # a failed attempt must leave nothing behind
        if extract_applications(region, scratch, attempt) >= 12:
            tables.applications = scratch.applications
            tables.other_single_row = scratch.other_single_row
            tables.marks.update(scratch.marks)
            notes += attempt
            break
    else:
        raise UnreadableReport("未能读取表三（收到和处理政府信息公开申请情况），"
                               "文件不是政府信息公开工作年度报告或格式无法识别")
    for key, read, missing in (
        ("active", extract_active, "未找到“二、主动公开政府信息情况”，表二按空白处理"),
        ("reviews", extract_reviews,
         "未找到“四、政府信息公开行政复议、行政诉讼情况”，表四按空白处理"),
    ):
        attempts = [lines[start:end] for start, end in sections.get(key, [])]
        for region in attempts:
            attempt = []
            if read(region, tables, attempt):
                notes += attempt
                break
        else:
            notes += attempt if attempts else [missing]
    return Extraction(tables, notes)
