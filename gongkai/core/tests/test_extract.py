"""Text out of attachments (gongkai.core.text.extract): small files built in the test."""

from __future__ import annotations

import io
import zipfile

import pytest

from gongkai.core.text import extract
from gongkai.core.text.extract import extract_text

UNSUPPORTED = "暂不支持从该格式提取文本"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def zipped(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return zipped({
        "[Content_Types].xml": "<Types/>",
        "word/document.xml": f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>',
    })


def xlsx() -> bytes:
    shared = (f'<sst xmlns="{S_NS}"><si><t>姓名</t></si><si><r><t>张</t></r><r><t>三</t></r></si>'
              "</sst>")
    sheet = (f'<worksheet xmlns="{S_NS}"><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c>'
             '<c r="B1" t="inlineStr"><is><t>手机</t></is></c></row>'
             '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>13800138000</v></c>'
             '<c r="C2" t="b"><v>1</v></c></row>'
             "</sheetData></worksheet>")
    return zipped({"xl/sharedStrings.xml": shared, "xl/worksheets/sheet1.xml": sheet})


def pdf(text: str | None) -> bytes:
    """A one-page PDF, with a line of (ASCII) text or none at all."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    if text is not None:
        font = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        })
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)}),
        })
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_it_reads_plain_text_in_any_encoding():
    assert extract_text("联系电话：0412-2220000".encode("gb18030"), "a.txt").text == \
        "联系电话：0412-2220000"
    result = extract_text(io.BytesIO("甲,乙\n1,2".encode("utf-16")), "table.CSV")
    assert result.ok and result.text == "甲,乙\n1,2"


def test_binary_text_files_are_reported_not_read():
    result = extract_text(b"\x00\x01\x02\x03binary", "a.txt")
    assert not result.ok and result.reason


def test_it_reads_the_paragraphs_of_a_docx():
    result = extract_text(docx("申请人：张三", "身份证号码见附件"), "申请.docx")
    assert result.ok
    assert result.text == "申请人：张三\n身份证号码见附件"


def test_it_reads_shared_inline_and_number_cells_of_an_xlsx():
    result = extract_text(xlsx(), "名单.xlsx")
    assert result.ok
    assert result.text == "姓名\t手机\n张三\t13800138000\tTRUE"


def test_it_reads_the_text_layer_of_a_pdf():
    result = extract_text(pdf("Tel 13800138000"), "scan.pdf")
    assert result.ok
    assert "13800138000" in result.text


def test_a_pdf_without_text_layer_is_reported():
    result = extract_text(pdf(None), "scan.pdf")
    assert not result.ok
    assert "没有文字层" in result.reason


@pytest.mark.parametrize(("data", "name"), [
    (b"%PDF-1.4 garbage", "broken.pdf"),
    (b"not a zip", "broken.docx"),
    (b"not a zip", "broken.xlsx"),
    (zipped({"other.xml": "<a/>"}), "empty.docx"),
    (zipped({"word/document.xml": "<w:document"}), "truncated.docx"),
    (zipped({"xl/worksheets/sheet1.xml": '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}),
     "entities.xlsx"),
    (docx("x")[:40], "cut.docx"),
], ids=["broken.pdf", "broken.docx", "broken.xlsx", "empty.docx", "truncated.docx",
        "entities.xlsx", "cut.docx"])  # a zip's bytes carry the time it was built: as ids
# they would differ between xdist workers collecting a second apart
def test_malformed_files_are_reported_never_raised(data, name):
    result = extract_text(data, name)
    assert not result.ok
    assert result.reason
    assert result.text == ""


@pytest.mark.parametrize("name", ["a.doc", "a.xls", "a.ofd", "a.zip", "noextension"])
def test_unsupported_formats_say_so(name):
    result = extract_text(b"anything", name)
    assert not result.ok
    assert result.reason == UNSUPPORTED


def test_a_zip_bomb_stops_at_the_decompression_cap(monkeypatch):
    monkeypatch.setattr(extract, "MAX_UNZIPPED_BYTES", 100_000)
    bomb = zipped({
        "word/document.xml": f'<w:document xmlns:w="{W_NS}"><w:body>'
                             + "<w:p/>" * 200_000 + "</w:body></w:document>",
    })
    assert len(bomb) < 100_000 / 5
    result = extract_text(bomb, "bomb.docx")
    assert not result.ok
    assert "过大" in result.reason


def test_long_text_is_cut_at_the_limit(monkeypatch):
    monkeypatch.setattr(extract, "MAX_TEXT_CHARS", 1000)
    result = extract_text(("统计" * 2000).encode(), "long.txt")
    assert result.ok and result.truncated
    assert len(result.text) == 1000
    result = extract_text(docx(*["表格数据" * 50] * 20), "long.docx")
    assert result.ok and result.truncated and len(result.text) == 1000
