"""Fuzzing the annual-report checker (issue 9 §3): whatever file is uploaded or given to
`gongkai annual-report check`, the answer is a result or "cannot read" (exit 2), never a
traceback. Valid reports (text, HTML, DOCX, XLSX) are damaged in every way a download can be."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.annual_reports.checker import (
    OK,
    RULE_BROKEN,
    UNREADABLE,
    CheckResult,
    UnreadableReport,
    check_file,
)
from gongkai.annual_reports.tests import renderings
from gongkai.annual_reports.tests.test_checker_real import HUAIAN, fixture, tables_of
from gongkai.fuzzing import ENCODINGS, FUZZ, HUGE, damage_zip_member, damaged, encoded, texts
from gongkai.testing import CommandRunner

REPORT = fixture(HUAIAN)
TABLES = tables_of(REPORT)
RENDERED = {".html": renderings.as_html(TABLES), ".docx": renderings.as_docx(TABLES),
            ".xlsx": renderings.as_xlsx(TABLES)}


@st.composite
def report_texts(draw: st.DrawFn) -> bytes:
    """The real report with lines dropped, numbers replaced and noise spliced in."""
    lines = REPORT.splitlines()
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = draw(st.one_of(st.just(""), texts(), st.integers().map(str),
                                   st.just(HUGE[:20_000]),
                                   st.just(lines[at].replace("0", "-"))))
    return encoded("\n".join(lines), draw(st.sampled_from(ENCODINGS)))


@st.composite
def report_files(draw: st.DrawFn) -> tuple[bytes, str]:
    suffix = draw(st.sampled_from((".txt", ".html", ".docx", ".xlsx", "")))
    if suffix in RENDERED:
        data = RENDERED[suffix]
        if suffix != ".html" and draw(st.booleans()):
            return damage_zip_member(data, draw(st.integers(0, 30)),
                                     draw(st.integers(0, 20_000))), suffix
        return draw(damaged(st.just(data))), suffix
    return draw(damaged(report_texts())), suffix


@FUZZ
@given(report_files(), st.one_of(st.none(), report_files()))
def test_any_file_gives_a_result_or_cannot_read(file: tuple[bytes, str],
                                                 previous: tuple[bytes, str] | None) -> None:
    data, suffix = file
    try:
        result = check_file(data, f"report{suffix}", *(
            (previous[0], f"previous{previous[1]}") if previous else (None, "")))
    except UnreadableReport as exc:
        assert str(exc)
    else:
        assert isinstance(result, CheckResult) and result.status in (OK, RULE_BROKEN)
        assert isinstance(result.as_json(), dict)


@settings(FUZZ, max_examples=10)
@given(report_files())
def test_the_command_exits_with_a_status_never_a_traceback(file: tuple[bytes, str]) -> None:
    import tempfile

    from django.core.management.base import CommandError

    data, suffix = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report{suffix}"
        path.write_bytes(data)
        try:
            CommandRunner("annual-report").run("check", str(path), "--json")
        except CommandError as exc:
            assert exc.returncode in (RULE_BROKEN, UNREADABLE)


@pytest.mark.parametrize("data", [b"", b"\x00" * 10, b"PK\x03\x04" + b"\xff" * 40])
def test_garbage_cannot_be_read(data: bytes) -> None:
    with pytest.raises(UnreadableReport):
        check_file(data, "report.docx")
