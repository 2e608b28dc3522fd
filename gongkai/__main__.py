"""The `gongkai` console command: every management task for operators.

`gongkai migrate`, `gongkai workdays add 2024-09-27 20`, `gongkai load_demo` … are the
Django management commands of the project, run with gongkai's settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "gongkai"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
