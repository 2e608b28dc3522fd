"""Screenshots of the main public pages, taken in Debian's Chromium against the demo database.

    make demo            # once: loads the demo (or `gongkai load_demo` on an existing database)
    make screenshots     # = DEBUG=1 .venv/bin/python bench/screenshots.py

Starts `gongkai runserver` on a free local port with the database the environment names
(DEBUG=1, DATABASE_URL / GONGKAI_VAR_DIR as for `make demo`), or uses --url of a server
that is already running, and saves one PNG per page type marked ``screenshot=True`` in
gongkai/site/tests/page_types.py to docs/screenshots/ (1280 × 900 px, the top of the page;
the data table waits for its ECharts chart). README.md shows them. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def page_paths() -> dict[str, str]:
    """The path of each screenshot page type in the demo database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from gongkai.core.models import Agency
    from gongkai.demo.agencies import CITY_SLUG
    from gongkai.site.tests.page_types import PAGE_TYPES

    city = Agency.objects.get(slug=CITY_SLUG)
    paths = {}
    for page_type in PAGE_TYPES:
        if page_type.screenshot:
            paths[page_type.name] = page_type.path(city)
    # The picture of the data browser: 鞍山's real 地区生产总值 series, when the demo has it.
    from django.utils import timezone

    from gongkai.official_stats import tables

    gdp = [t.id for t in tables.list_tables(timezone.now()) if t.label == "地区生产总值"]
    if gdp:
        paths["data table"] = f"/sjfb/data/{gdp[0]}/"
    return paths


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def shoot(base: str, paths: dict[str, str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900},
                                locale="zh-CN")
        for name, path in paths.items():
            page.goto(base + path, wait_until="networkidle")
            if page.locator("#data-chart").count():
                page.wait_for_selector("#data-chart canvas", timeout=15_000)
                # Show the chart with the selection form above it, not the page head.
                page.evaluate("document.getElementById('data-chart-figure')"
                              ".scrollIntoView({block: 'end'})")
                page.wait_for_timeout(800)  # ECharts animates its first drawing
            target = OUT / f"{name.replace(' ', '-')}.png"
            page.screenshot(path=str(target))
            saved.append(target)
            print(f"{name:<20} {path}  →  {target.relative_to(ROOT)}")
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start runserver)")
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "1")
    paths = page_paths()
    server = None
    base = args.url.rstrip("/") if args.url else ""
    if not base:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gongkai"), "runserver", f"127.0.0.1:{port}",
             "--noreload"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(base + "/")
        started = time.perf_counter()
        saved = shoot(base, paths)
        print(f"{len(saved)} screenshots in {time.perf_counter() - started:.1f} s "
              f"under {OUT.relative_to(ROOT)}/")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
