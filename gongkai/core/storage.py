"""File storage that never leaves a half-written file under a real name.

Django's ``FileSystemStorage`` streams an upload straight into its final path; when the
disk fills up (ENOSPC) or the device fails half-way, the exception propagates and the
truncated file stays there. The database transaction around it rolls back, so no record
points to it — but the next upload with the same content-derived name (applicants'
attachments are named by their SHA-256) would then find a corrupt file in its place.

Here the content is first written to a hidden temporary file in the target directory and
flushed to disk (``fsync``: a full disk often only reports itself there); only a complete
file is renamed to its name, which is atomic on one file system. On any error the
temporary file is removed and the error propagates: the service's transaction rolls back
and the visitor gets the “暂时无法提交” page that keeps the form (gongkai/core/unavailable.py).
A process killed mid-write can leave a ``.upload-*.part`` file, never a real name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Any

from django.core.files import File
from django.core.files.storage import FileSystemStorage

TEMP_PREFIX = ".upload-"
TEMP_SUFFIX = ".part"


class _WrittenFile(File):  # type: ignore[type-arg]
    """A complete file on disk: FileSystemStorage moves it into place (a rename)."""

    def __init__(self, path: str) -> None:
        super().__init__(None, name=os.path.basename(path))
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


class AtomicWritesMixin:
    """For FileSystemStorage subclasses: write to a temporary file, then rename."""

    def _save(self, name: str, content: Any) -> str:
        if hasattr(content, "temporary_file_path"):
            # Already complete on disk (a large upload Django spooled to a temporary
            # file): FileSystemStorage moves it into place whole.
            return super()._save(name, content)  # type: ignore[misc,no-any-return]
        directory = os.path.dirname(self.path(name))  # type: ignore[attr-defined]
        os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())
            return super()._save(name, _WrittenFile(temporary))  # type: ignore[misc,no-any-return]
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


class AtomicFileSystemStorage(AtomicWritesMixin, FileSystemStorage):
    """The default media storage (settings.STORAGES)."""
