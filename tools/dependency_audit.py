"""Known-vulnerability check of every installed package (issue 9 §3), run by `make audit`
and by `make lint` (so by `make test`).

pip-audit asks PyPI's per-release JSON API (``/pypi/<name>/<version>/json``, whose
``vulnerabilities`` come from the Python Packaging Advisory Database). The verdict
(``verdict``):

* exit 1 when any installed package has a known vulnerability (each one is listed);
* exit 0 when every package was audited and none has one;
* exit 0 with a ``SKIPPED`` line naming the reason when the vulnerability service answered
  for no package at all (a network that reaches PyPI's package index but not its JSON API,
  as on this project's development machines): an audit that could not run must neither
  pass silently nor block every build on such a machine. ``GONGKAI_AUDIT_REQUIRED=1``
  (release builds) makes that case fail;
* exit 1 when some packages were audited and others were not: a partial answer is not an
  audit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_pip_audit() -> dict[str, Any]:
    # The whole virtualenv (runtime and test packages and everything they pulled in), not
    # only the requirement files: a vulnerable transitive dependency counts as much.
    command = [str(Path(sys.executable).parent / "pip-audit"), "--progress-spinner", "off",
               "--skip-editable", "-f", "json"]
    # A fixed command line: the venv's own pip-audit, no user input.
    done = subprocess.run(command, capture_output=True, text=True, timeout=600,  # noqa: S603
                          check=False)
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit("pip-audit gave no report (see above)") from None
    return report


def verdict(report: dict[str, Any], *, required: bool) -> tuple[int, list[str]]:
    """Exit status and the lines to print for a pip-audit JSON report."""
    dependencies: list[dict[str, Any]] = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    lines = [
        f"VULNERABLE {d['name']} {d['version']}: {v['id']} "
        f"(fixed in {', '.join(v.get('fix_versions') or []) or 'no fixed release'})"
        for d in audited for v in d.get("vulns") or []
    ]
    if lines:
        return 1, lines
    if dependencies and not audited:
        return (1 if required else 0), [
            f"SKIPPED dependency audit: the vulnerability service answered for none of the "
            f"{len(dependencies)} installed packages (first: {skipped[0]['skip_reason']})"]
    if skipped:
        return 1, [f"NOT AUDITED {d['name']}: {d['skip_reason']}" for d in skipped]
    if not dependencies:
        return 1, ["pip-audit listed no installed package"]
    return 0, [f"dependency audit: {len(audited)} installed packages, no known vulnerability"]


def main() -> int:
    status, lines = verdict(run_pip_audit(),
                            required=os.environ.get("GONGKAI_AUDIT_REQUIRED") == "1")
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
