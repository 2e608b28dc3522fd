"""`gongkai import <kind> …`: every registered importer as a sub-command.

Importers register themselves through ``gongkai.core.importers.register_importer``;
``gongkai import --help`` lists them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.importers import importers


class Command(BaseCommand):
    help = "导入数据：gongkai import <类型> …（gongkai import --help 列出可用类型）"

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="kind", metavar="KIND")
        subparsers.required = True
        for name, importer in importers().items():
            sub = subparsers.add_parser(name, help=importer.help, description=importer.help)
            importer.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        importer = importers().get(options["kind"])
        if importer is None:
            raise CommandError(f"未知的导入类型：{options['kind']}")
        status = importer.handle(options, self.stdout, self.stderr)
        if status:
            raise CommandError("导入未全部完成，详见上方说明。", returncode=status)
