"""Hypothesis strategies shared by the fuzz tests (tests/test_fuzz_*.py of each app).

Every strategy mixes valid structure with damage, because a parser that only ever sees
random bytes stops at its first check: a CSV with the right header and one huge cell, a
real XLSX whose sheet XML is cut off, a Chinese text re-encoded in the wrong code page.
``FUZZ`` keeps the runs reproducible (derandomize) and short enough for ``make test``.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Sequence

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=40, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

# Larger than csv's default field limit (131,072 characters) and than any database column.
HUGE = "统" * 140_000
FORMULAS = ("=1+1", "=HYPERLINK(\"http://example.com\",\"点击\")", "=cmd|' /C calc'!A0",
            "@SUM(A1:A9)", "+1-1", "-2+3")
BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
        codecs.BOM_UTF32_BE)
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le",
             "latin-1", "shift_jis")
CHINESE = ("政务公开", "鞍山市统计局", "關於開展政務(wù)公開日活動(dòng)的通知", "统计",
           "２０２３年", "（一）", "，", "。", "\u3000", "\xa0", "鐵東區(qū)", "〔2023〕5号",
           "110101199003074578", "13812345678", "zhang@example.com", "6222021234567890128")


def texts() -> st.SearchStrategy[str]:
    """Text built from meaningful pieces (damaged Chinese, numbers, markup) and noise."""
    piece = st.one_of(st.sampled_from(CHINESE), st.text(max_size=20),
                      st.sampled_from(("<p>", "</p>", "<table><tr><td>", "\r", "\n", "\x00",
                                       "\ufeff", "\ufffd", "(", ")", "(zhōng)", "(zhong)")))
    return st.lists(piece, max_size=40).map("".join)


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def damaged(draw: st.DrawFn, valid: st.SearchStrategy[bytes]) -> bytes:
    """Valid bytes as given, or cut short, flipped, spliced with noise, BOM-prefixed."""
    data = draw(valid)
    how = draw(st.sampled_from(("as-is", "truncate", "flip", "insert", "bom", "noise")))
    if how == "truncate" and data:
        return data[:draw(st.integers(0, len(data) - 1))]
    if how == "flip" and data:
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(out) - 1))
            out[at] = draw(st.integers(0, 255))
        return bytes(out)
    if how == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(max_size=64)) + data[at:]
    if how == "bom":
        return draw(st.sampled_from(BOMS)) + data
    if how == "noise":
        return draw(st.binary(max_size=512))
    return data


def cells() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=12), st.sampled_from(CHINESE), st.sampled_from(FORMULAS),
                     st.just(HUGE), st.just(""), st.integers().map(str),
                     st.floats(allow_nan=True).map(str))


def tables(header: Sequence[str]) -> st.SearchStrategy[list[list[str]]]:
    """A header that is the template's (maybe shuffled or cut) and rows of random width."""
    head = st.one_of(st.just(list(header)), st.permutations(list(header)).map(list),
                     st.lists(st.sampled_from([*header, "", "其他"]), max_size=len(header) + 2))
    rows = st.lists(st.lists(cells(), max_size=len(header) + 2), max_size=6)
    return st.tuples(head, rows).map(lambda t: [t[0], *t[1]])


def csv_bytes(table: list[list[str]], encoding: str, terminator: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=terminator).writerows(table)
    return encoded(out.getvalue(), encoding)


@st.composite
def csv_files(draw: st.DrawFn, header: Sequence[str]) -> bytes:
    table = draw(tables(header))
    return csv_bytes(table, draw(st.sampled_from(ENCODINGS)),
                     draw(st.sampled_from(("\r\n", "\n", "\r"))))


def xlsx_bytes(table: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    for row in table:
        # Excel cannot hold control characters or more than 32,767 characters in a cell.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell)[:32_767] for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


SHEET_MEMBER = 3  # xl/worksheets/sheet1.xml in what openpyxl writes (see xlsx_bytes)


def damage_zip_member(data: bytes, member_index: int, cut: int) -> bytes:
    """The same archive with one member's XML cut short: a valid zip, a broken workbook."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        damaged_name = names[member_index % len(names)]
        for name in names:
            content = source.read(name)
            if name == damaged_name:
                content = content[:cut % (len(content) + 1)]
            target.writestr(name, content)
    return out.getvalue()


@st.composite
def xlsx_files(draw: st.DrawFn, header: Sequence[str]) -> bytes:
    table = draw(tables(header))
    data = xlsx_bytes(table)
    if draw(st.booleans()):
        return damage_zip_member(data, draw(st.integers(0, 20)), draw(st.integers(0, 4000)))
    return draw(damaged(st.just(data)))
