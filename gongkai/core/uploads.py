"""Uploaded attachments are checked against their content, not only their name.

An attachment whose bytes do not match its extension (a renamed executable, an HTML
page called .pdf) or that is larger than the configured limit is refused with a clear
Chinese message; the rest of the form keeps what was typed.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip_names(head: IO[bytes]) -> set[str]:
    try:
        with zipfile.ZipFile(head) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return set()


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def content_matches_extension(data: bytes, extension: str) -> bool:
    ext = extension.lower().lstrip(".")
    if ext == "pdf":
        return data[:1024].lstrip().startswith(b"%PDF-")
    if ext in {"doc", "xls"}:
        return data.startswith(OLE2_MAGIC)
    if ext in {"docx", "xlsx", "ofd", "zip"}:
        if not data.startswith(b"PK\x03\x04"):
            return False
        names = _zip_names(io.BytesIO(data))
        if ext == "docx":
            return "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)
        if ext == "xlsx":
            return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)
        if ext == "ofd":
            return "OFD.xml" in names
        return bool(names)
    if ext in {"txt", "csv"}:
        return _is_text(data[: 64 * 1024])
    return False


def check_upload(upload: UploadedFile) -> None:
    limit_mb: int = settings.GONGKAI_MAX_UPLOAD_MB
    if upload.size is not None and upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("文件过大（%(size).1f MB），单个附件不能超过 %(limit)d MB。")
            % {"size": upload.size / 1024 / 1024, "limit": limit_mb},
            code="file_too_large",
        )
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed: list[str] = settings.WAGTAILDOCS_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”。允许的类型：%(allowed)s。")
            % {"ext": extension or "无扩展名", "allowed": "、".join(allowed)},
            code="file_type",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not content_matches_extension(data, extension):
        raise ValidationError(
            _("文件内容与扩展名“.%(ext)s”不符，请确认上传的是真实的%(upper)s文件。")
            % {"ext": extension, "upper": extension.upper()},
            code="file_content",
        )


class CheckedDocumentForm(BaseDocumentForm):  # type: ignore[misc]
    def clean_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        if upload is not None and "file" in self.changed_data:
            check_upload(upload)
        return upload
