"""Uploads are checked by content: zip bombs and unsafe archive paths are refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gongkai.core.uploads import check_upload, zip_bomb_reason


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>统计</w:document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_ordinary_docx_passes() -> None:
    assert zip_bomb_reason(_docx()) is None
    check_upload(SimpleUploadedFile("报告.docx", _docx()))


@pytest.mark.parametrize(("extra", "reason"), [
    ({"word/bomb.xml": b"0" * 30_000_000}, "压缩比异常"),
    ({"../evil.xml": b"x"}, "不安全的路径"),
])
def test_it_refuses_a_docx_that_is_a_bomb_or_escapes(extra: dict[str, bytes],
                                                     reason: str) -> None:
    data = _docx(extra)
    assert reason in (zip_bomb_reason(data) or "")
    with pytest.raises(ValidationError, match="无法安全打开"):
        check_upload(SimpleUploadedFile("报告.docx", data))


def test_it_refuses_an_archive_with_too_many_members() -> None:
    data = _docx({f"word/p{i}.xml": b"" for i in range(10_001)})
    assert "文件过多" in (zip_bomb_reason(data) or "")


@override_settings(GONGKAI_MAX_UPLOAD_MB=1)
def test_the_size_limit_is_checked_before_the_content() -> None:
    with pytest.raises(ValidationError, match="文件过大"):
        check_upload(SimpleUploadedFile("大.pdf", b"%PDF-1.4" + b"0" * 1_100_000))


def test_a_renamed_executable_is_refused_by_content() -> None:
    with pytest.raises(ValidationError, match="文件内容与扩展名"):
        check_upload(SimpleUploadedFile("公告.pdf", b"MZ\x90\x00" + b"\x00" * 100))
