"""Small, real attachment files written from scratch: a one-page PDF and an XLSX table."""

from __future__ import annotations

import io

from openpyxl import Workbook  # type: ignore[import-untyped]  # a Wagtail dependency
from openpyxl.styles import Font  # type: ignore[import-untyped]

from gongkai.demo import figures as fg
from gongkai.demo.statistics import CENSUS_DOCUMENT, CENSUS_ROWS

PDF_LINES = (
    "2024年度统计专业技术资格考试报名须知（示例）",
    "",
    "一、本文件为演示平台生成的示例附件，不是官方文件。",
    "二、报考条件按照全国统一规定执行。",
    "三、报名方式：登录全国专业技术人员资格考试服务平台网上报名。",
    "四、咨询电话：0412-5551203（示例号码）。",
)
PDF_FOOTER = "gongkai demo attachment - not an official document"


def _pdf_text(text: str) -> str:
    """A text string for the UniGB-UCS2-H CMap: UTF-16BE code units in hex."""
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def _pdf_content_stream() -> bytes:
    lines = ["BT", "/F2 16 Tf", "72 770 Td", f"{_pdf_text(PDF_LINES[0])} Tj", "/F2 12 Tf"]
    for line in PDF_LINES[1:]:
        lines += ["0 -26 Td", f"{_pdf_text(line)} Tj" if line else ""]
    lines += ["/F1 9 Tf", "0 -60 Td", f"({PDF_FOOTER}) Tj", "ET"]
    return "\n".join(line for line in lines if line).encode("ascii")


def demo_pdf() -> bytes:
    """A valid one-page PDF 1.4. Chinese text uses the standard STSong-Light CID font
    (Adobe-GB1, not embedded), which PDF readers supply themselves."""
    content = _pdf_content_stream()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
         b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
         b"/DescendantFonts [7 0 R] >>"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
         b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
         b"/FontDescriptor 8 0 R /DW 1000 >>"),
        (b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
         b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
         b"/CapHeight 880 /StemV 93 >>"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref))
    return bytes(out)


def census_xlsx() -> bytes:
    """The census bulletin's county table, with its source, as an Excel workbook."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "常住人口"
    sheet.append(["鞍山市第七次全国人口普查各县（市）区常住人口（2020年11月1日零时）"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["地区", "常住人口（人）", "占全市比重（%）"])
    for region in (*CENSUS_ROWS, "市辖区", "鞍山市"):
        # Shares stay the published text (never recomputed); head counts are whole
        # persons, so they are stored as numbers for sorting and sums.
        sheet.append(["全市" if region == "鞍山市" else region,
                      int(fg.census_population(region).value), fg.census_share(region)])
    sheet.append([])
    sheet.append([f"数据来源：{CENSUS_DOCUMENT}，2021年6月18日，{fg.CENSUS_BULLETIN_URL}"])
    sheet.append(["注：铁东区含风景区；高新区、开发区为功能区。比重按公报原值列示。"])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
