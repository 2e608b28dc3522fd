"""`gongkai import legacy`: old pages into the catalog, restored, never as mojibake."""

from __future__ import annotations

import codecs
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Revision

from gongkai.catalog.legacy import import_legacy, legacy_key
from gongkai.catalog.models import DisclosureItemPage
from gongkai.catalog.services import PublishRefused
from gongkai.core.models import AuditLogEntry
from gongkai.testing import column, make_user

DAMAGED = ("2022年我局按照市委、市政府政務(wù)公開有關(guān)要求,不斷拓展公開內(nèi)容,"
           "創(chuàng)新公開形式,提高政務(wù)公開工作效率。")
DAMAGED_TITLE = "關(guān)於開展政務(wù)公開日活動(dòng)的通知"

GBK_PAGE = f"""<html><head><meta charset="gbk">
<title>关于开展统计开放日活动的通知_鞍山市统计局</title>
<script>var x = "统计局脚本";</script><style>p {{ color: red }}</style></head>
<body><div class="nav">首页 | 政务公开 | 互动交流</div>
<div id="content"><h1>关于开展统计开放日活动的通知</h1>
<p>各县（市）区统计局：</p><p>{DAMAGED}</p>
<table><tr><th>地区</th><th>人数</th></tr><tr><td>鐵東區(qū)</td><td>120</td></tr></table>
<p>鞍山市统计局</p><p>2023年9月1日</p></div>
<div class="footer">版权所有 鞍山市统计局</div></body></html>"""

UTF8_PAGE = """<!doctype html><html><body>
<nav>首页</nav><article><h2>2024年统计执法检查结果公示</h2>
<p>根据《中华人民共和国统计法》，我局对10家企业开展了统计执法检查。</p>
<p>检查发现的问题已督促整改。</p></article></body></html>"""

BIG5_TEXT = "統計局關於數據質量的說明\n本局嚴格執行統計法，確保數據真實準確。\n"
UTF16_TEXT = "统计开放日活动总结\n本次活动共接待群众二百余人次。\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))
MOJIBAKE = ("<html><body><p>政务公开工作年度报告，政务公开</p></body></html>"
            .encode().decode("latin-1").encode("utf-8"))

MANIFEST = ("file,title,doc_number,formed_on,published_on,agency,column\n"
            "big5.txt,统计局关于数据质量的说明（清单标题）,鞍统发〔2023〕5号,2023-03-01,"
            "2023-03-02,haicheng,zcwj\n")


def write_folder(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "gbk.html").write_bytes(GBK_PAGE.encode("gbk"))
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "utf8.htm").write_text(UTF8_PAGE, encoding="utf-8")
    (folder / "big5.txt").write_bytes(BIG5_TEXT.encode("big5"))
    (folder / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + UTF16_TEXT.encode("utf-16-le"))
    (folder / "damaged.txt").write_text(f"{DAMAGED_TITLE}\n{DAMAGED}\n2023年6月5日\n",
                                        encoding="utf-8")
    (folder / "logo.txt").write_bytes(PNG)
    (folder / "broken.html").write_bytes(MOJIBAKE)
    (folder / "logo.png").write_bytes(PNG)  # not a page: not even looked at
    (folder / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "old-site")


def item(agency_slug: str, relative: str) -> DisclosureItemPage:
    return DisclosureItemPage.objects.get(legacy_key=legacy_key(agency_slug, relative))


def body_text(page: DisclosureItemPage) -> str:
    return "".join(str(block.render()) for block in page.body)


def test_it_imports_readable_files_as_drafts_and_skips_the_rest(folder, anshan, haicheng):
    summary = import_legacy(folder, agency_slug="anshan")
    assert sorted(summary.created) == ["big5.txt", "damaged.txt", "gbk.html", "sub/utf8.htm",
                                       "utf16.txt"]
    skipped = {s.file: s.reason for s in summary.skipped}
    assert set(skipped) == {"logo.txt", "broken.html"}
    assert "二进制" in skipped["logo.txt"] and "乱码" in skipped["broken.html"]
    pages = DisclosureItemPage.objects.exclude(legacy_key="")
    assert pages.count() == 5
    assert all(not page.live and page.latest_revision_id for page in pages)


@pytest.mark.parametrize(("agency_slug", "relative", "title", "parent"), [
    ("anshan", "gbk.html", "关于开展统计开放日活动的通知", "tzgg"),            # <title>, suffix off
    ("anshan", "sub/utf8.htm", "2024年统计执法检查结果公示", "tzgg"),          # first heading
    ("haicheng", "big5.txt", "统计局关于数据质量的说明（清单标题）", "zcwj"),  # manifest
    ("anshan", "utf16.txt", "统计开放日活动总结", "tzgg"),                    # first line
    ("anshan", "damaged.txt", "关于开展政务公开日活动的通知", "tzgg"),        # restored first line
])
def test_it_takes_the_title_from_each_source(folder, anshan, haicheng, agency_slug, relative,
                                             title, parent):
    import_legacy(folder, agency_slug="anshan")
    page = item(agency_slug, relative)
    assert page.title == title
    assert page.get_parent().slug == parent
    assert title not in body_text(page) or relative == "gbk.html"


def test_it_restores_damaged_text_and_keeps_the_original(folder, anshan, haicheng):
    summary = import_legacy(folder, agency_slug="anshan")
    page = item("anshan", "gbk.html")
    html = body_text(page)
    assert "政务公开有关要求，不断拓展公开内容，创新公开形式" in html
    assert "(wù)" not in html and "政務" not in html
    assert "铁东区" in html and "<table" in html and "<th" in html
    assert "统计局脚本" not in html and "版权所有" not in html and "首页" not in html
    assert "政務(wù)公開" in page.original_text
    assert page.restoration_report["family"] == "A"
    assert page.restoration_report["annotations_stripped"] == 6
    assert {r.file for r in summary.restored} >= {"gbk.html", "damaged.txt", "big5.txt"}
    big5 = item("haicheng", "big5.txt")
    assert "本局严格执行统计法，确保数据真实准确。" in body_text(big5)
    assert big5.doc_number == "鞍统发〔2023〕5号" and str(big5.formed_on) == "2023-03-01"
    # Without a manifest date, the signature date at the end of the text.
    assert str(item("anshan", "damaged.txt").formed_on) == "2023-06-05"
    clean = item("anshan", "utf16.txt")
    assert clean.restoration_report["damage_score"] == 0


def test_a_rerun_creates_no_duplicates_and_updates_changed_files(folder, anshan, haicheng):
    import_legacy(folder, agency_slug="anshan")
    count = DisclosureItemPage.objects.count()
    again = import_legacy(folder, agency_slug="anshan")
    assert again.created == [] and len(again.unchanged) == 5
    assert DisclosureItemPage.objects.count() == count
    (folder / "utf16.txt").write_text("统计开放日活动总结\n本次活动共接待群众三百余人次。\n",
                                      encoding="utf-8")
    third = import_legacy(folder, agency_slug="anshan")
    assert third.updated == ["utf16.txt"] and DisclosureItemPage.objects.count() == count
    page = item("anshan", "utf16.txt")
    assert "三百余人次" in body_text(page.get_latest_revision_as_object())
    assert "三百余人次" in page.original_text


def test_publish_makes_items_live_with_the_manifest_date(folder, anshan, haicheng):
    summary = import_legacy(folder, agency_slug="anshan", publish=True)
    assert len(summary.published) == 5 and summary.refused == []
    big5 = item("haicheng", "big5.txt")
    assert big5.live and big5.first_published_at.date().isoformat() == "2023-03-02"
    assert item("anshan", "gbk.html").live


def test_a_refused_publication_leaves_a_draft_listed_in_the_summary(folder, anshan, haicheng,
                                                                     monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PublishRefused("含有未遮盖的个人信息")

    monkeypatch.setattr(Revision, "publish", refuse)
    summary = import_legacy(folder, agency_slug="anshan", publish=True)
    assert summary.published == [] and len(summary.refused) == 5
    assert summary.refused[0].reason == "含有未遮盖的个人信息"
    assert not item("anshan", "gbk.html").live


def test_every_created_page_gets_an_audit_entry(folder, anshan, haicheng):
    import_legacy(folder, agency_slug="anshan")
    entries = AuditLogEntry.objects.filter(action="catalog.legacy_imported")
    assert entries.count() == 5
    gbk = item("anshan", "gbk.html")
    entry = entries.get(target_id=str(gbk.pk))
    assert entry.data["file"] == "gbk.html" and entry.agency.slug == "anshan"


def test_files_without_an_agency_or_with_an_unknown_column_are_skipped(folder, anshan, haicheng):
    summary = import_legacy(folder)
    assert summary.created == ["big5.txt"]  # the manifest names its agency
    assert any("未指定机构" in s.reason for s in summary.skipped)
    summary = import_legacy(folder, agency_slug="anshan", column_slug="nope")
    assert any("没有栏目" in s.reason for s in summary.skipped)


def test_a_dry_run_writes_nothing(folder, anshan, haicheng):
    summary = import_legacy(folder, agency_slug="anshan", dry_run=True)
    assert len(summary.created) == 5
    assert not DisclosureItemPage.objects.exclude(legacy_key="").exists()


def test_the_command_imports_and_prints_a_summary(folder, anshan, haicheng):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):  # two files were skipped: non-zero exit
        call_command("import", "legacy", str(folder), "--agency", "anshan",
                     stdout=out, stderr=err)
    text = out.getvalue()
    assert "新建 5，更新 0，未变 0，跳过 2" in text
    assert "跳过 logo.txt：" in text and "已修复 gbk.html：类型 A，删除拼音 6 处" in text
    (folder / "logo.txt").unlink()
    (folder / "broken.html").unlink()
    out = io.StringIO()
    call_command("import", "legacy", str(folder), "--agency", "anshan", "--publish",
                 stdout=out, stderr=io.StringIO())
    assert "新建 0，更新 0，未变 5，跳过 0，发布 5" in out.getvalue()


def test_the_command_refuses_a_missing_folder(tmp_path, anshan):
    with pytest.raises(CommandError):
        call_command("import", "legacy", str(tmp_path / "missing"), stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_a_json_manifest_works_too(tmp_path, anshan, haicheng):
    folder = tmp_path / "json-site"
    folder.mkdir()
    (folder / "a.txt").write_text("原来的标题\n正文内容。\n", encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(
        [{"file": "a.txt", "title": "清单里的标题", "文号": "鞍统发〔2021〕1号",
          "formed_on": "2021-04-01", "agency": "haicheng", "column": "zcwj"}],
        ensure_ascii=False), encoding="utf-8")
    summary = import_legacy(folder)
    assert summary.created == ["a.txt"]
    page = item("haicheng", "a.txt")
    assert page.title == "清单里的标题" and page.doc_number == "鞍统发〔2021〕1号"


def test_staff_see_the_report_and_the_original_the_public_never(folder, anshan, haicheng,
                                                                 client):
    import_legacy(folder, agency_slug="anshan", publish=True)
    page = item("anshan", "gbk.html")
    public = client.get(page.url)
    assert public.status_code == 200
    assert "政务公开有关要求" in public.content.decode()
    assert "(wù)" not in public.content.decode() and "政務" not in public.content.decode()
    client.force_login(make_user("legacy-admin", superuser=True))
    edit = client.get(f"/admin/pages/{page.pk}/edit/")
    assert edit.status_code == 200
    html = edit.content.decode()
    assert "政務(wù)公開" in html and "删除拼音 6 处" in html


def test_the_column_helper_finds_the_default_column(anshan):
    assert column(anshan, "tzgg").title == "通知公告"
