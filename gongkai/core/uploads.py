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
# Zip-based formats (DOCX, XLSX, OFD, ZIP) are refused when they would expand beyond these:
# text extraction for search and the personal-data check open them, and a "zip bomb" (a few
# KB that inflate to gigabytes) must not take a worker down with it.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_EXPANDED = 500 * 1024 * 1024
ZIP_MAX_RATIO = 200


def zip_bomb_reason(data: bytes) -> str | None:
    """Why this zip archive is unsafe to open, from its directory alone (nothing is
    inflated), or None. Sizes in the directory can lie, so extraction code must still cap
    what it reads; this refuses the honest bombs and the absurd claims."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return None  # not a zip: the content check decides
    if len(members) > ZIP_MAX_MEMBERS:
        return f"压缩包内文件过多（{len(members)}个）"
    expanded = sum(m.file_size for m in members)
    if expanded > ZIP_MAX_EXPANDED:
        return f"解压后过大（{expanded / 1_048_576:.0f} MB）"
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > ZIP_MAX_RATIO:
            return f"压缩比异常（{member.filename}）"
        if member.filename.startswith("/") or ".." in member.filename.split("/"):
            return f"包含不安全的路径（{member.filename}）"
    return None


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
    bomb = zip_bomb_reason(data) if data.startswith(b"PK\x03\x04") else None
    if bomb is not None:
        raise ValidationError(_("文件无法安全打开：%(reason)s。") % {"reason": bomb},
                              code="file_unsafe")
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
