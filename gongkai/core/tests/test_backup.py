"""Backup while running, restore onto an empty installation, verify counts and hashes."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from gongkai.core import audit
from gongkai.core.backup import (
    BackupError,
    Manifest,
    create_backup,
    read_manifest,
    restore_backup,
    verify,
)
from gongkai.testing import make_user


def _media(root: Path) -> None:
    (root / "documents").mkdir(parents=True)
    (root / "documents" / "公报.pdf").write_bytes(b"%PDF-1.4 demo" * 100)
    (root / "original_images").mkdir()
    (root / "original_images" / "logo.png").write_bytes(b"\x89PNG" + bytes(range(256)))


def _scratch_target(tmp_path: Path) -> tuple[dict[str, Any], Any]:
    """An empty database of the same engine as the test database, and its cleanup."""
    if connection.vendor == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "restored.sqlite3")}, lambda: None
    import psycopg

    db: dict[str, Any] = dict(settings.DATABASES["default"])
    name = f"gk_restore_{os.getpid()}"
    admin = psycopg.connect(dbname="postgres", host=db.get("HOST") or None,
                            port=db.get("PORT") or None, user=db.get("USER") or None,
                            autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return {**db, "NAME": name}, drop


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_onto_an_empty_installation_with_equal_counts_and_hashes(
        tmp_path: Path) -> None:
    make_user("backup-editor")
    audit.record(action="test.backup", data={"n": 1})
    _media(tmp_path / "media")
    archive = create_backup(tmp_path / "backups", media_root=tmp_path / "media")
    manifest = read_manifest(archive)
    assert manifest.tables["auth_user"] >= 1 and manifest.tables["core_auditlogentry"] >= 1
    assert set(manifest.files) == {"documents/公报.pdf", "original_images/logo.png"}

    target, cleanup = _scratch_target(tmp_path)
    try:
        result = restore_backup(archive, database=target, media_root=tmp_path / "restored")
        assert result.ok, result
        # A changed file after the restore is caught by the same verification.
        (tmp_path / "restored" / "documents" / "公报.pdf").write_bytes(b"tampered")
        again = verify(manifest, database=target, media_root=tmp_path / "restored")
        assert again.changed_files == ["documents/公报.pdf"]
        # A second restore onto the now non-empty installation is refused.
        with pytest.raises(BackupError, match="不是空的"):
            restore_backup(archive, database=target, media_root=tmp_path / "other")
    finally:
        cleanup()


def test_a_restore_refuses_an_archive_without_a_manifest(tmp_path: Path) -> None:
    archive = tmp_path / "x.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"hello"
        info = tarfile.TarInfo("readme.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="manifest"):
        read_manifest(archive)


def test_a_restore_refuses_paths_that_leave_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = Manifest(created_at="x", engine="sqlite", tables={}, files={}).to_json().encode()
        for name in ("manifest.json", "../escaped.txt"):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError):
        read_manifest(archive)
    assert not (tmp_path / "escaped.txt").exists()


def test_a_damaged_archive_is_refused_with_a_reason(tmp_path: Path) -> None:
    archive = tmp_path / "broken.tar.gz"
    archive.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(BackupError, match="无法读取"):
        read_manifest(archive)
