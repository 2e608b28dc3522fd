"""The common representation every reader produces: lines of cells.

A plain-text report (``pdftotext -layout`` output, a copy from a web page) becomes one
:class:`Line` per text line, its cells the whitespace-separated tokens with their character
offsets. An HTML, DOCX or XLSX report becomes one line per paragraph (a single cell) and one
line per table row (its cells in order, blank cells kept, ``structured=True``). Extraction
(extract.py) works on this shape only, so every format is read by the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# What may stand in a number cell: a number, or a mark printed instead of one.
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
MARKS = frozenset({"/", "／", "-", "—", "–", "－", "\\", "无", "—-", "--"})


@dataclass(frozen=True)
class Cell:
    text: str
    pos: int  # character offset (text) or cell index (tables)


@dataclass
class Line:
    cells: list[Cell]
    structured: bool = False

    @property
    def text(self) -> str:
        """The line's words with all whitespace removed (Chinese labels have no spaces)."""
        return compact("".join(c.text for c in self.cells))

    def number_run(self) -> list[Cell]:
        """The trailing cells that hold numbers, marks or (in tables) nothing."""
        run: list[Cell] = []
        for cell in reversed(self.cells):
            value = cell.text.strip()
            if is_number_text(value) or (self.structured and value == ""):
                run.append(cell)
            else:
                break
        run.reverse()
        # In a table, a row of empty cells is data only when it has a label (the caller
        # decides, see extract._data_rows).
        return run

    def label(self) -> str:
        """The text before the trailing number cells."""
        run = self.number_run()
        cells = self.cells[: len(self.cells) - len(run)] if run else self.cells
        return compact("".join(c.text for c in cells))


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def is_number_text(text: str) -> bool:
    return bool(_NUMBER.match(text)) or text in MARKS


def parse_count(text: str) -> tuple[int | None, str]:
    """A count cell as (value, mark): ``("12")`` → (12, ""), ``"/"`` → (None, "/")."""
    value = text.strip()
    if value.isdigit():
        return int(value), ""
    return None, value


def parse_amount(text: str) -> tuple[Decimal | None, str]:
    value = text.strip()
    if _NUMBER.match(value):
        try:
            return Decimal(value), ""
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            return None, value
    return None, value
