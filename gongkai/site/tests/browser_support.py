"""Helpers of the real-browser suites: axe-core, focus and error-announcement probes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"

# The four reading modes every public page type is audited in (the mode links set cookies;
# see docs/reading-modes.md). 长者模式 + 拼音 is the heaviest combination and is checked on
# the core pages in test_browser.py.
MODES: dict[str, list[str]] = {
    "normal": [],
    "elder": ["/mode/elder/"],
    "traditional": ["/mode/script/traditional/"],
    "pinyin": ["/mode/script/pinyin/"],
}


def serious_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    """axe-core's serious and critical violations of the page as loaded (needs a context
    created with bypass_csp=True: the page's CSP forbids injected scripts)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def focus_indicator(page: Any) -> dict[str, Any]:
    """How the focused element shows its focus: computed outline and box-shadow, and whether
    the browser considers the focus keyboard-visible (:focus-visible)."""
    answer: dict[str, Any] = page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return {tag: null};
        const s = getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), text: (el.textContent || el.value || '').trim()
                    .slice(0, 30), visible: el.matches(':focus-visible'),
                outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1,
                shadow: s.boxShadow !== 'none'};
    }""")
    return answer


def tab_through(page: Any, stops: int) -> list[dict[str, Any]]:
    """Press Tab ``stops`` times and record each stop's focus indicator and position."""
    seen = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        info = focus_indicator(page)
        info["top"] = page.evaluate(
            "document.activeElement.getBoundingClientRect().top + window.scrollY")
        seen.append(info)
    return seen


def error_is_announced(page: Any, field_selector: str) -> list[str]:
    """What is missing for the invalid field to be announced: aria-invalid, an
    aria-describedby pointing at text that exists, and an alert (role=alert) or focus on the
    summary or the field. An empty list means it is announced."""
    problems = []
    if page.get_attribute(field_selector, "aria-invalid") != "true":
        problems.append("aria-invalid")
    described = (page.get_attribute(field_selector, "aria-describedby") or "").split()
    texts = [page.evaluate("id => document.getElementById(id)?.textContent || ''", ref)
             for ref in described]
    if not any(t.strip() for t in texts):
        problems.append("aria-describedby")
    alert = page.locator("[role=alert]").count() > 0
    focus_moved = page.evaluate("""() => {
        const el = document.activeElement;
        return !!el && (el.matches('.error-summary, [role=alert], [aria-invalid=true]')
                        || !!el.closest('.error-summary, [role=alert]'));
    }""")
    if not (alert or focus_moved):
        problems.append("alert or focus")
    return problems


def repair_collection_tree() -> None:
    """serialized_rollback reloads the root collection as migrations left it (no children)
    over the session's agencies' collections; treebeard would then give a new agency
    collection a path that is taken. Recount the children first."""
    from wagtail.models import Collection

    Collection.fix_tree()
