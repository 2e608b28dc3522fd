"""Uploads: every kind of bad row is reported with its row number and nothing is loaded."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from openpyxl import Workbook

from gongkai.core.models import Agency
from gongkai.official_stats import services
from gongkai.official_stats.enums import ObservationStatus
from gongkai.official_stats.loading import UploadError
from gongkai.official_stats.models import LoadBatch, Observation, Release
from gongkai.official_stats.tests.core_data import AT, NOW, Codes, csv_bytes, make_codes

GOOD = "T01.RETAIL,210300,2026M03,77.7,初步,"


@pytest.fixture
def codes(db: Any) -> Codes:
    return make_codes()


@pytest.fixture
def release(anshan: Agency, codes: Codes) -> Release:
    with time_machine.travel(NOW, tick=False):
        return services.create_release(None, anshan, title="2026年3月主要统计数据",
                                       scheduled_at=AT)


def rejected(release: Release, data: bytes, filename: str = "data.csv") -> list[str]:
    with time_machine.travel(NOW, tick=False), pytest.raises(UploadError) as caught:
        services.load_file(None, release, filename, data)
    assert not Observation.objects.filter(release=release).exists()
    assert not LoadBatch.objects.exists()
    return [str(e) for e in caught.value.errors]


def test_a_good_file_is_loaded_whole_with_the_release_time_on_every_row(
        release: Release, codes: Codes) -> None:
    data = csv_bytes(GOOD, "T01.RETAIL,210381,2026-03,\"1,234.50\",,县级数据",
                     "T01.IND,210300-GX,2026年1-3月,−4.9,预计,")
    with time_machine.travel(NOW, tick=False):
        assert services.load_file(None, release, "data.csv", data) == 3
    rows = {(o.region.code, o.period): o for o in Observation.objects.select_related("region")}
    assert rows[("210381", "2026M03")].value == Decimal("1234.5")
    assert rows[("210381", "2026M03")].decimals == 2
    assert rows[("210381", "2026M03")].status == ObservationStatus.FINAL
    assert rows[("210381", "2026M03")].footnote == "县级数据"
    assert rows[("210300-GX", "2026M01-M03")].value == Decimal("-4.9")
    assert rows[("210300-GX", "2026M01-M03")].status == ObservationStatus.ESTIMATED
    assert {o.release_at for o in rows.values()} == {AT}
    assert set(release.indicators.values_list("code", flat=True)) == {"T01.RETAIL", "T01.IND"}


@pytest.mark.parametrize(("line", "expected"), [
    ("NOPE,210300,2026M03,1.0,,", "第3行：未知的指标代码“NOPE”"),
    ("T01,210300,2026M03,1.0,,", "第3行：“T01”是指标分类，不能载入数据"),
    ("T01.RETAIL,999999,2026M03,1.0,,", "第3行：未知的地区代码“999999”"),
    ("T01.RETAIL,210300,2026M13,1.0,,", "第3行：时期“2026M13”无效"),
    ("T01.RETAIL,210300,2026M04,约5,,", "第3行：数值“约5”不是数字"),
    ("T01.RETAIL,210300,2026M04,,,", "第3行：数值“”不是数字"),
    ("T01.RETAIL,210300,2026M04,1.0,大概,", "第3行：状态“大概”无效"),
    ("T01.RETAIL,210300,2026-03,9.9,,", "第3行：与第2行重复"),
    (",210300,2026M04,1.0,,", "第3行：指标代码为空"),
    ("T01.RETAIL,210300,2026M04,1.0,," + "长" * 501, "第3行：注释超过500字"),
])
def test_one_bad_row_rejects_the_whole_file(release: Release, line: str, expected: str) -> None:
    errors = rejected(release, csv_bytes(GOOD, line))
    assert len(errors) == 1
    assert errors[0].startswith(expected)


def test_a_duplicate_of_data_already_in_the_release_is_refused(release: Release) -> None:
    with time_machine.travel(NOW, tick=False):
        services.load_file(None, release, "first.csv", csv_bytes(GOOD))
    with time_machine.travel(NOW, tick=False), pytest.raises(UploadError) as caught:
        services.load_file(None, release, "second.csv",
                           csv_bytes("T01.RETAIL,210381,2026M03,1.0,,", GOOD))
    assert [str(e) for e in caught.value.errors] == [
        "第3行：本次发布中已有该指标、地区和时期的数据"]
    assert Observation.objects.filter(release=release).count() == 1


def test_every_bad_row_is_listed_not_only_the_first(release: Release) -> None:
    errors = rejected(release, csv_bytes("NOPE,210300,2026M03,1,,", GOOD,
                                         "T01.RETAIL,000000,xx,abc,,"))
    assert errors == ["第2行：未知的指标代码“NOPE”", "第4行：未知的地区代码“000000”",
                      "第4行：时期“xx”无效（无法识别的时期：xx）", "第4行：数值“abc”不是数字"]


def test_a_file_without_the_template_columns_is_refused(release: Release) -> None:
    errors = rejected(release, csv_bytes(GOOD, header="指标,地区,时间,数"))
    assert errors[0].startswith("第1行：缺少必需的列：指标代码、地区代码、数值")


def test_an_empty_file_and_a_wrong_type_are_refused(release: Release) -> None:
    assert rejected(release, csv_bytes()) == ["文件中没有数据行。"]
    assert rejected(release, b"%PDF-1.4", "data.pdf") == ["只接受 CSV 或 XLSX 文件。"]


def test_excel_csv_in_gb18030_is_read(release: Release) -> None:
    data = "指标代码,地区代码,时期,数值,状态\nT01.RETAIL,210300,2026年3月,77.7,初步\n"
    with time_machine.travel(NOW, tick=False):
        assert services.load_file(None, release, "data.csv", data.encode("gb18030")) == 1


def xlsx(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_uploads_follow_the_same_rules(release: Release) -> None:
    header: list[object] = ["指标代码", "地区代码", "时期", "数值", "状态", "注释"]
    errors = rejected(release, xlsx(header, ["T01.RETAIL", "210300", "2026M03", 77.7],
                                    ["T01.RETAIL", "210300", "2026M04", "n/a"]), "data.xlsx")
    assert errors == ["第3行：数值“n/a”不是数字"]
    with time_machine.travel(NOW, tick=False):
        loaded = services.load_file(None, release, "data.xlsx", xlsx(
            header, ["T01.RETAIL", "210300", "2026M03", 77.7],
            ["T01.RETAIL", "210381", "2026M03", 12]))
    assert loaded == 2
    assert Observation.objects.get(region__code="210300").value == Decimal("77.7")


def test_a_revision_release_defaults_its_rows_to_revised(anshan: Agency, codes: Codes) -> None:
    with time_machine.travel(NOW, tick=False):
        original = services.create_release(None, anshan, title="一月", scheduled_at=AT)
        services.load_file(None, original, "a.csv", csv_bytes(GOOD))
    with time_machine.travel(AT, tick=False):
        revision = services.create_revision(None, original, title="修订", notice="年报修订",
                                            scheduled_at=AT.replace(day=20))
        services.load_file(None, revision, "b.csv",
                           csv_bytes("T01.RETAIL,210300,2026M03,78.0,,"))
    assert Observation.objects.get(release=revision).status == ObservationStatus.REVISED
