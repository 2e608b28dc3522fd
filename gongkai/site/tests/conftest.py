"""Fixtures shared by the real-browser suites (test_browser*.py): one Chromium per session.

pytest-django's live server is already one per session; the browser is launched once here
so that every browser test module reuses it (launching costs about a second each time).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gongkai.testing import require_service

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_service("Chromium", Path(CHROMIUM).exists(), "install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test code around it is
    # ordinary synchronous Django code, which Django would otherwise refuse to run.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections

    # With that event loop running, asgiref's Local (behind Django's `connections`) stores
    # per context, so code after this point would get new DatabaseWrapper objects: not the
    # ones the test database was created on, which carry its serialized migrated state.
    # A transactional test then silently skipped serialized_rollback and started from an
    # empty database (no page root, no content types: Wagtail pages answered 404). Keep
    # using the wrappers the test database was set up on.
    wrappers = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, wrapper in wrappers.items():
            connections[alias] = wrapper
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()
