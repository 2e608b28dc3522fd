"""`gongkai backup [DIR]`: a consistent backup of the database and media, site running."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gongkai.core.backup import BackupError, create_backup, read_manifest


class Command(BaseCommand):
    help = "备份数据库和媒体文件（网站运行中也可执行），生成一个 .tar.gz 备份文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", nargs="?", default=str(settings.VAR_DIR / "backups"),
                            help="备份文件存放目录（默认 var/backups）")

    def handle(self, *args: Any, **options: Any) -> None:
        with tqdm(desc="备份", unit="项", disable=not self.stdout.isatty()) as bar:
            def step(message: str) -> None:
                bar.set_postfix_str(message[-40:])
                bar.update()

            try:
                path = create_backup(Path(options["directory"]), progress=step)
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
        manifest = read_manifest(path)
        rows = sum(manifest.tables.values())
        self.stdout.write(f"备份完成：{path}\n数据库（{manifest.engine}）{len(manifest.tables)}张表"
                          f"共{rows}行，媒体文件{len(manifest.files)}个，"
                          f"大小{path.stat().st_size / 1_048_576:.1f} MB。")
