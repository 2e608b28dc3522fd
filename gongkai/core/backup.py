"""Consistent backups of the database and media while the site runs, and their restore.

A backup is one ``.tar.gz`` holding the database snapshot, the media files and a manifest
(row counts per table *as of the snapshot*, and the SHA-256 of every file). Restoring
unpacks it onto an empty installation and then verifies the result against the manifest:
the same counts, the same hashes — or it says what differs.

Consistency: the database is copied from one snapshot (SQLite's online backup API; on
PostgreSQL ``pg_dump --snapshot`` of a snapshot exported by a REPEATABLE READ transaction that
also counts the rows, so counts and dump agree even while visitors submit). Media are
copied after the snapshot: media files are written once and never changed in place, so every
file the snapshot refers to is there, unless it was deleted in between (reported by
``verify`` as a missing file, never silently).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "db.sqlite3"
PG_FILE = "db.dump"

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


@dataclass
class Manifest:
    created_at: str
    engine: str
    tables: dict[str, int]
    files: dict[str, str]  # relative path → sha256
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("format_version") != FORMAT_VERSION:
            raise BackupError("备份文件的格式版本不受支持。")
        return cls(**data)


@dataclass
class VerifyResult:
    table_mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.table_mismatches or self.missing_files or self.changed_files)


def _engine(db: Mapping[str, Any]) -> str:
    engine = str(db["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"不支持备份此数据库引擎：{engine}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterator[Path]:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


# --- database snapshots ----------------------------------------------------------------------

def _sqlite_tables(conn: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'")]
    # FTS5 shadow tables are derived data: rebuilt by `gongkai search rebuild` if needed,
    # and their counts are not a user's record.
    names = [n for n in names if not n.startswith("gk_search_fts")]
    # Table names come from the catalogue, not from input.
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]  # noqa: S608
            for n in names}


def _snapshot_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    source = connection.connection
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)  # the online backup API: one consistent copy
        return _sqlite_tables(dest)
    finally:
        dest.close()


def _pg_env(db: Mapping[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _pg_connect(db: Mapping[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(dbname=db["NAME"], host=db.get("HOST") or None,
                           port=db.get("PORT") or None, user=db.get("USER") or None,
                           password=db.get("PASSWORD") or None, autocommit=False)


def _pg_tables(cursor: Any) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                   "ORDER BY tablename")
    names = [row[0] for row in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 - catalogue names
        counts[name] = cursor.fetchone()[0]
    return counts


def _snapshot_postgres(db: Mapping[str, Any], target: Path) -> dict[str, int]:
    with _pg_connect(db) as conn, conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _pg_tables(cursor)
        # pg_dump reads the very snapshot the counts came from (the transaction stays open).
        result = subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom",  # noqa: S607 - the PATH's client, as psql "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", f"--file={target}", str(db["NAME"])],
            env=_pg_env(db), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()[:500]}")
        return counts


# --- backup --------------------------------------------------------------------------------

def create_backup(dest_dir: Path, *, media_root: Path | None = None,
                  now: dt.datetime | None = None, progress: Progress | None = None) -> Path:
    """Write a backup archive into ``dest_dir`` and return its path."""
    db = settings.DATABASES["default"]
    engine = _engine(db)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = now or dt.datetime.now(dt.UTC)
    say = progress or (lambda _msg: None)
    dest_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest_dir) as tmp_name:
        tmp = Path(tmp_name)
        say("数据库快照")
        if engine == "sqlite":
            tables = _snapshot_sqlite(tmp / SQLITE_FILE)
        else:
            tables = _snapshot_postgres(db, tmp / PG_FILE)
        files: dict[str, str] = {}
        for path in _media_files(media_root):
            relative = path.relative_to(media_root).as_posix()
            copy = tmp / "media" / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            files[relative] = sha256_of(copy)  # the hash of what the archive holds
            say(f"媒体文件 {relative}")
        manifest = Manifest(created_at=now.isoformat(), engine=engine, tables=tables,
                            files=files)
        (tmp / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        name = f"gongkai-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
        partial = dest_dir / f".{name}.partial"
        with tarfile.open(partial, "w:gz") as archive:
            for item in sorted(tmp.iterdir()):
                archive.add(item, arcname=item.name)
        final = dest_dir / name
        partial.replace(final)  # atomic: a crash never leaves a half archive under the name
        return final


# --- restore -------------------------------------------------------------------------------

def _extract(archive: Path, into: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")  # refuses absolute paths, .., links out
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"无法读取备份文件：{exc}") from exc
    manifest_path = into / MANIFEST
    if not manifest_path.exists():
        raise BackupError("备份文件中没有 manifest.json，不是 gongkai 的备份。")
    return Manifest.from_json(manifest_path.read_text(encoding="utf-8"))


def _target_is_empty(db: Mapping[str, Any], engine: str) -> bool:
    if engine == "sqlite":
        path = Path(str(db["NAME"]))
        if not path.exists():
            return True
        with sqlite3.connect(path) as conn:
            return not _sqlite_tables(conn)
    with _pg_connect(db) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        return bool(cursor.fetchone()[0] == 0)


def restore_backup(archive: Path, *, database: Mapping[str, Any] | None = None,
                   media_root: Path | None = None, progress: Progress | None = None
                   ) -> VerifyResult:
    """Restore onto an empty database and media folder, then verify against the manifest."""
    db = database or settings.DATABASES["default"]
    engine = _engine(db)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    say = progress or (lambda _msg: None)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        manifest = _extract(archive, tmp)
        if manifest.engine != engine:
            raise BackupError(f"备份来自 {manifest.engine} 数据库，不能恢复到 {engine}。")
        if not _target_is_empty(db, engine):
            raise BackupError("目标数据库不是空的：恢复只能在新安装上进行（请先建立空数据库）。")
        if media_root.exists() and any(media_root.iterdir()):
            raise BackupError(f"媒体目录 {media_root} 不是空的。")
        say("恢复数据库")
        if engine == "sqlite":
            target = Path(str(db["NAME"]))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp / SQLITE_FILE, target)
        else:
            result = subprocess.run(  # noqa: S603
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",  # noqa: S607
                 f"--dbname={db['NAME']}", str(tmp / PG_FILE)],
                env=_pg_env(db), capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise BackupError(f"pg_restore 失败：{result.stderr.strip()[:500]}")
        for relative in manifest.files:
            source = tmp / "media" / relative
            target_file = media_root / relative
            target_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target_file)
            say(f"媒体文件 {relative}")
        return verify(manifest, database=db, media_root=media_root)


def verify(manifest: Manifest, *, database: Mapping[str, Any],
           media_root: Path) -> VerifyResult:
    """Compare an installation with a manifest: row counts per table and file hashes."""
    engine = _engine(database)
    if engine == "sqlite":
        with sqlite3.connect(Path(str(database["NAME"]))) as conn:
            counts = _sqlite_tables(conn)
    else:
        with _pg_connect(database) as conn, conn.cursor() as cursor:
            counts = _pg_tables(cursor)
    result = VerifyResult()
    for table, expected in manifest.tables.items():
        found = counts.get(table, -1)
        if found != expected:
            result.table_mismatches[table] = (expected, found)
    for relative, digest in manifest.files.items():
        path = media_root / relative
        if not path.exists():
            result.missing_files.append(relative)
        elif sha256_of(path) != digest:
            result.changed_files.append(relative)
    return result


def read_manifest(archive: Path) -> Manifest:
    with tempfile.TemporaryDirectory() as tmp_name:
        return _extract(archive, Path(tmp_name))
