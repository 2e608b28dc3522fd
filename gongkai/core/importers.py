"""One `gongkai import <kind>` command for every kind of import.

An app registers its importer (usually in its AppConfig.ready) and the ``import`` command
builds one sub-command per registered importer, so core never imports the apps:

    register_importer("legacy", help="…", add_arguments=add_args, handle=run)
    gongkai import legacy PATH --agency anshan
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import OutputWrapper

AddArguments = Callable[[argparse.ArgumentParser], None]
# handle(options, stdout, stderr) -> exit status (0 for success). The streams are the
# command's own, so call_command(stdout=…) captures what an importer prints.
Handle = Callable[[dict[str, Any], OutputWrapper, OutputWrapper], int]


@dataclass(frozen=True)
class Importer:
    name: str
    help: str
    add_arguments: AddArguments
    handle: Handle


_registry: dict[str, Importer] = {}


def register_importer(name: str, help: str, add_arguments: AddArguments,
                      handle: Handle) -> Importer:
    """Register (or replace, on a re-run of ready()) the importer called ``name``."""
    importer = Importer(name=name, help=help, add_arguments=add_arguments, handle=handle)
    _registry[name] = importer
    return importer


def importers() -> dict[str, Importer]:
    """Registered importers by name, sorted for a stable --help."""
    return dict(sorted(_registry.items()))
