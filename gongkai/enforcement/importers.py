"""Reading the 名录库 from CSV or XLSX: every row checked, errors reported by row number.

Pure functions of the file's bytes; the service stores nothing unless every row is good.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from gongkai.core.validators import is_valid_uscc
from gongkai.enforcement.draw import Candidate, Inspector

MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024

# Accepted column headings (Chinese as agencies write them, or the canonical names).
ENTERPRISE_HEADINGS = {
    "uscc": ("统一社会信用代码", "信用代码", "uscc"),
    "name": ("企业名称", "名称", "单位名称", "name"),
    "region": ("所在地区", "地区", "区域", "region"),
    "industry": ("行业", "所属行业", "行业类别", "industry"),
}
INSPECTOR_HEADINGS = {
    "cert_no": ("执法证号", "执法证件号", "cert_no"),
    "name": ("姓名", "name"),
    "agency": ("所在单位", "单位", "执法机关", "agency"),
}


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based, as the spreadsheet shows it (the heading is row 1)
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行：{self.message}" if self.row else self.message


class TableError(ValueError):
    """The file as a whole cannot be read."""


def read_rows(filename: str, data: bytes) -> list[list[str]]:
    """The rows of a .csv (UTF-8 or GB18030) or .xlsx file as lists of stripped strings."""
    if len(data) > MAX_BYTES:
        raise TableError("文件过大（上限10MB）。")
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return _xlsx_rows(data)
    if lower.endswith(".csv"):
        return _csv_rows(data)
    raise TableError("只支持CSV或XLSX文件。")


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError("无法识别文件编码（请用UTF-8或GB18030保存）。")
    # newline="": a bare CR (old Mac exports) ends a row instead of failing inside csv.
    try:
        return [[cell.strip() for cell in row]
                for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:  # a cell over csv's size limit, a damaged quote
        raise TableError("CSV格式有误（单元格过长或文件已损坏）。") from exc


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError("无法读取XLSX文件。") from exc
    try:
        sheet = workbook.worksheets[0]
        # Read-only mode parses the sheet only now, while iterating: errors surface here.
        return [["" if cell is None else str(cell).strip() for cell in row]
                for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:
        raise TableError("无法读取XLSX文件。") from exc
    finally:
        workbook.close()


def _columns(header: list[str], headings: dict[str, tuple[str, ...]],
             required: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    normalised = [h.strip().lower() for h in header]
    for key, names in headings.items():
        for name in names:
            if name.lower() in normalised:
                found[key] = normalised.index(name.lower())
                break
    missing = [headings[k][0] for k in required if k not in found]
    if missing:
        raise TableError("缺少列：" + "、".join(missing) + "。第一行应为列名。")
    return found


T = TypeVar("T")


def _parse(rows: list[list[str]], headings: dict[str, tuple[str, ...]],
           required: tuple[str, ...], make: Callable[[dict[str, str]], T | str],
           identifier: Callable[[T], str]) -> tuple[list[T], list[RowError]]:
    if not rows:
        raise TableError("文件是空的。")
    if len(rows) - 1 > MAX_ROWS:
        raise TableError(f"行数过多（上限{MAX_ROWS}行）。")
    columns = _columns(rows[0], headings, required)
    items: list[T] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = {key: (row[index] if index < len(row) else "") for key, index in columns.items()}
        made = make(values)
        if isinstance(made, str):
            errors.append(RowError(number, made))
            continue
        key = identifier(made)
        if key in seen:
            errors.append(RowError(number, f"与第{seen[key]}行重复（{key}）。"))
            continue
        seen[key] = number
        items.append(made)
    if not items and not errors:
        errors.append(RowError(0, "文件中没有数据行。"))
    return items, errors


def _enterprise(values: dict[str, str]) -> Candidate | str:
    code = values.get("uscc", "").replace(" ", "").upper()
    name = values.get("name", "")
    if not code:
        return "统一社会信用代码为空。"
    if len(code) != 18:
        return f"统一社会信用代码应为18位（{code}）。"
    if not is_valid_uscc(code):
        return f"统一社会信用代码校验位不正确（{code}）。"
    if not name:
        return "企业名称为空。"
    if len(name) > 200:
        return "企业名称过长。"
    return Candidate(uscc=code, name=name, region=values.get("region", "")[:60],
                     industry=values.get("industry", "")[:100])


def _inspector(values: dict[str, str]) -> Inspector | str:
    cert = values.get("cert_no", "").replace(" ", "")
    name = values.get("name", "")
    if not cert:
        return "执法证号为空。"
    if len(cert) > 40:
        return "执法证号过长。"
    if not name:
        return "姓名为空。"
    return Inspector(cert_no=cert, name=name[:40], agency=values.get("agency", "")[:100])


def parse_enterprises(rows: list[list[str]]) -> tuple[list[Candidate], list[RowError]]:
    return _parse(rows, ENTERPRISE_HEADINGS, ("uscc", "name"), _enterprise, lambda c: c.uscc)


def parse_inspectors(rows: list[list[str]]) -> tuple[list[Inspector], list[RowError]]:
    return _parse(rows, INSPECTOR_HEADINGS, ("cert_no", "name"), _inspector, lambda i: i.cert_no)
