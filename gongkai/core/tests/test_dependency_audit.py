"""The verdict of `make audit` on pip-audit's JSON report (tools/dependency_audit.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tools.dependency_audit import verdict

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {"name": "pillow", "version": "9.0.0", "vulns": [
    {"id": "PYSEC-2022-168", "fix_versions": ["9.0.1"], "description": "..."}]}
NOT_FOUND = {"name": "wagtail",
             "skip_reason": "Dependency not found on PyPI and could not be audited"}


def report(*dependencies: dict[str, Any]) -> dict[str, Any]:
    return {"dependencies": list(dependencies), "fixes": []}


@pytest.mark.parametrize(("dependencies", "required", "status", "first_line"), [
    ((CLEAN,), False, 0, "dependency audit: 1 installed packages, no known vulnerability"),
    ((CLEAN, VULNERABLE), False, 1, "VULNERABLE pillow 9.0.0: PYSEC-2022-168 (fixed in 9.0.1)"),
    ((VULNERABLE, NOT_FOUND), False, 1, "VULNERABLE pillow 9.0.0"),
    ((NOT_FOUND, NOT_FOUND), False, 0, "SKIPPED dependency audit"),
    ((NOT_FOUND,), True, 1, "SKIPPED dependency audit"),
    ((CLEAN, NOT_FOUND), False, 1, "NOT AUDITED wagtail"),
    ((), False, 1, "pip-audit listed no installed package"),
])
def test_it_fails_on_a_known_vulnerability_and_never_passes_a_partial_audit(
        dependencies: tuple[dict[str, Any], ...], required: bool, status: int,
        first_line: str) -> None:
    got_status, lines = verdict(report(*dependencies), required=required)
    assert got_status == status
    assert lines[0].startswith(first_line)
