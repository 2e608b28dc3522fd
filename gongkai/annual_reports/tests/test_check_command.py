"""`gongkai annual-report check FILE [--previous FILE] [--json]`: exit statuses and output."""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.annual_reports.tests import renderings
from gongkai.annual_reports.tests.test_checker_real import HONGZE, HUAIAN, fixture, tables_of
from gongkai.testing import CommandRunner

command = CommandRunner("annual-report")


def write(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return str(path)


def exit_status(*args: str) -> int:
    try:
        command.run(*args)
    except CommandError as error:
        return error.returncode
    return 0


def test_it_exits_0_when_every_rule_holds_and_prints_the_tables(tmp_path: Path) -> None:
    out, _err = command.run("check", write(tmp_path, "huaian.txt", fixture(HUAIAN)))
    assert "淮安市人民政府 2024年度" in out
    assert "3119" in out
    assert "各项勾稽关系均成立" in out


def test_warnings_alone_still_exit_0(tmp_path: Path) -> None:
    out, _err = command.run("check", write(tmp_path, "hongze.txt", fixture(HONGZE)))
    assert "[提示] N" in out
    assert "共0处错误，1处提示" in out


def test_it_exits_1_and_names_the_cell_when_a_rule_is_broken(tmp_path: Path) -> None:
    text = re.sub(r"(8\.属于行政查询事项.*)105$", r"\g<1>150", fixture(HUAIAN), flags=re.M)
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("annual-report", "check", write(tmp_path, "bad.txt", text), stdout=out)
    assert caught.value.returncode == 1
    assert "表三「（三）不予公开8.属于行政查询事项」×「总计」" in out.getvalue()


def test_it_exits_2_when_the_file_is_not_a_report(tmp_path: Path) -> None:
    message = command.fails("check", write(tmp_path, "note.txt", "会议通知：请于周一参会。"))
    assert "未能读取表三" in message
    assert "无法读取文件" in command.fails("check", str(tmp_path / "missing.txt"))


def test_json_gives_the_tables_and_the_findings(tmp_path: Path) -> None:
    answer = command.run_json("check", write(tmp_path, "hongze.txt", fixture(HONGZE)))
    assert set(answer) == {"status", "ok", "tables", "findings", "notes", "previous"}
    assert (answer["status"], answer["ok"]) == (0, True)
    tables = answer["tables"]
    assert set(tables) == {"year", "agency", "format", "active", "fee_amount_wan_yuan",
                           "applications", "other_single_row", "reviews", "marks"}
    assert tables["applications"]["new"]["total"] == 95
    assert tables["applications"]["6"]["natural_person"] == 0
    assert tables["reviews"]["litigation_after_review"]["total"] == 3
    assert tables["active"]["licensing"]["decisions"] == 9487
    assert tables["fee_amount_wan_yuan"] == "7545"
    [finding] = answer["findings"]
    assert finding == {
        "rule": "N", "severity": "warning", "cell": "一:本年新收申请:",
        "cell_label": "表一「本年新收申请」",
        "message": finding["message"], "expected": "95", "actual": "17",
        "related": ["三:new:total"]}


def test_json_is_printed_even_when_a_rule_is_broken(tmp_path: Path) -> None:
    text = re.sub(r"(8\.属于行政查询事项.*)105$", r"\g<1>150", fixture(HUAIAN), flags=re.M)
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("annual-report", "check", write(tmp_path, "b.txt", text), "--json",
                     stdout=out)
    assert caught.value.returncode == 1
    answer = json.loads(out.getvalue())
    assert {f["cell"] for f in answer["findings"] if f["severity"] == "error"} == {
        "三:3.8:total", "三:total:total"}


def test_previous_years_report_enables_the_cross_year_rules(tmp_path: Path) -> None:
    last = fixture(HUAIAN).replace("2024", "2023")
    path = write(tmp_path, "2024.txt", fixture(HUAIAN))
    previous = write(tmp_path, "2023.txt", last)
    # Last year's report (the same figures) carried 103 forward; this year carried 34 over.
    assert exit_status("check", path, "--previous", previous) == 1


@pytest.mark.parametrize("kind", ["html", "docx", "xlsx"])
def test_it_reads_html_docx_and_xlsx_files(tmp_path: Path, kind: str) -> None:
    data = {"html": renderings.as_html, "docx": renderings.as_docx,
            "xlsx": renderings.as_xlsx}[kind](tables_of(fixture(HUAIAN)))
    answer = command.run_json("check", write(tmp_path, f"report.{kind}", data))
    assert answer["tables"]["applications"]["carried_forward"]["total"] == 103
    assert answer["status"] == 0


# --- Garbage never crashes --------------------------------------------------------------------


def garbage(seed: int) -> bytes:
    """Random bytes, random Chinese-and-digits text, truncated or corrupted real files."""
    rng = random.Random(seed)
    real = fixture(HUAIAN)
    kind = seed % 6
    if kind == 0:
        return rng.randbytes(rng.randint(0, 3000))
    if kind == 1:
        words = ["总计", "自然人", "三、", "（六）其他处理", "一、总体情况", "\n", " ", "/",
                 "四、政府信息公开行政复议、行政诉讼情况", "件", "1.", "予以公开"]
        return "".join(rng.choice([*words, str(rng.randint(0, 999))])
                       for _ in range(rng.randint(0, 800))).encode()
    if kind == 2:
        start = rng.randint(0, len(real))
        return real[start:start + rng.randint(0, 4000)].encode()
    if kind == 3:
        lines = real.splitlines()
        rng.shuffle(lines)
        return "\n".join(lines).encode()
    data = bytearray(renderings.as_docx(tables_of(real)) if kind == 4
                     else renderings.as_xlsx(tables_of(real)))
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data[: rng.randint(len(data) // 2, len(data))])


@pytest.mark.parametrize("seed", range(24))
def test_random_garbage_never_crashes_the_checker(tmp_path: Path, seed: int) -> None:
    path = write(tmp_path, f"g{seed}.bin", garbage(seed))
    try:
        command.run("check", path)
    except CommandError as error:
        assert error.returncode in (1, 2)
        if seed % 6 < 4:
            # Text is read by our own code: a library error wrapped as "cannot read" would
            # hide a bug (only a damaged DOCX/XLSX may fail inside python-docx/openpyxl).
            assert "Error:" not in str(error)
        if seed % 6 == 0:  # random bytes are never a report
            assert error.returncode == 2
    else:
        assert seed % 6 != 0


def test_a_zip_that_is_neither_docx_nor_xlsx_is_unreadable(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert exit_status("check", write(tmp_path, "a.zip", buffer.getvalue())) == 2
