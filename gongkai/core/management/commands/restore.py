"""`gongkai restore ARCHIVE`: restore a backup onto an empty installation and verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gongkai.core.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = ("把备份恢复到空的新安装（空数据库、空媒体目录），然后逐表核对行数、逐个核对文件哈希。"
            "PostgreSQL：先建立空数据库，不要执行 migrate。")
    requires_system_checks: list[str] = []  # nothing may touch the empty database first

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="gongkai backup 生成的 .tar.gz 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"找不到备份文件：{archive}", returncode=2)
        try:
            manifest = read_manifest(archive)
            with tqdm(total=len(manifest.files) + 1, desc="恢复", unit="项",
                      disable=not self.stdout.isatty()) as bar:
                result = restore_backup(archive, progress=lambda _m: bar.update())
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if not result.ok:
            lines = [f"表 {t}：备份{e}行，恢复后{f}行"
                     for t, (e, f) in result.table_mismatches.items()]
            lines += [f"缺少文件：{p}" for p in result.missing_files]
            lines += [f"文件内容不符：{p}" for p in result.changed_files]
            raise CommandError("恢复后核对不一致：\n" + "\n".join(lines))
        self.stdout.write(f"恢复完成并已核对：{len(manifest.tables)}张表共"
                          f"{sum(manifest.tables.values())}行与备份一致，"
                          f"{len(manifest.files)}个媒体文件哈希一致。")
