"""Decoding files of unknown encoding: the right text, or a refusal — never mojibake."""

from __future__ import annotations

import codecs

import pytest

from gongkai.core.text.decode import UndecodableError, decode_bytes, looks_double_encoded

SIMPLIFIED = ("关于组织开展全市第十六届“5·15政务公开日”活动的通知。"
              "市统计局高度重视，紧紧围绕活动目标任务，认真落实集中宣传活动。")
TRADITIONAL = ("關於組織開展全市第十六屆「5·15政務公開日」活動的通知。"
               "市統計局高度重視，緊緊圍繞活動目標任務，認真落實集中宣傳活動。")
HTML = f"<html><head><title>通知</title></head><body><p>{SIMPLIFIED}</p></body></html>"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))


@pytest.mark.parametrize(("data", "text", "encoding"), [
    (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
    (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
    (SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030"),
    (SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030"),
    (HTML.encode("gbk"), HTML, "gb18030"),
    ("政务公开".encode("gbk"), "政务公开", "gb18030"),
    (TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
    (SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED, "utf-16-le"),
    (SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, "utf-16-be"),
    (HTML.encode("utf-16-le"), HTML, "utf-16-le"),
    (codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED, "utf-16-le"),
    (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, "utf-16-be"),
    (codecs.BOM_UTF16_BE + TRADITIONAL.encode("utf-16-be"), TRADITIONAL, "utf-16-be"),
    (b"plain ASCII, 2022", "plain ASCII, 2022", "utf-8"),
    (b"", "", "utf-8"),
])
def test_it_decodes_each_encoding_correctly(data, text, encoding):
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert decoded.encoding == encoding


@pytest.mark.parametrize(("data", "message"), [
    (PNG, "二进制"),
    (b"abc\x00\x00def", "二进制"),
    (b"\x00" * 64, "二进制"),
    # UTF-8 read as Latin-1 / cp1252 and saved again as UTF-8.
    (SIMPLIFIED.encode("utf-8").decode("latin-1").encode("utf-8"), "乱码"),
    (SIMPLIFIED.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"), "乱码"),
    # GBK bytes read with the wrong codec and saved as UTF-8.
    (SIMPLIFIED.encode("gbk").decode("latin-1").encode("utf-8"), "乱码"),
    (SIMPLIFIED.encode("gbk").decode("big5", errors="replace").encode("utf-8"), "乱码"),
    # UTF-8 bytes read as GBK and saved as UTF-8.
    (SIMPLIFIED.encode("utf-8").decode("gbk", errors="replace").encode("utf-8"), "乱码"),
    # A UTF-8 byte order mark in front of bytes that are not UTF-8.
    (codecs.BOM_UTF8 + SIMPLIFIED.encode("gbk"), "UTF-8"),
])
def test_it_refuses_binary_and_mojibake_with_a_chinese_reason(data, message):
    with pytest.raises(UndecodableError) as raised:
        decode_bytes(data)
    assert message.lower() in str(raised.value).lower()


def test_it_recognises_double_encoded_utf8():
    damaged = SIMPLIFIED.encode("utf-8").decode("latin-1")
    assert looks_double_encoded(damaged)
    assert not looks_double_encoded(SIMPLIFIED)
    assert not looks_double_encoded("Café à la crème, naïve façade")
