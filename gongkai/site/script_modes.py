"""繁體 and 拼音 reading modes: a rewrite of the rendered HTML of a public page.

The page is rendered once, in simplified Chinese, and the finished HTML is rewritten
token by token with the standard library's HTML parser: text nodes and human-readable
attributes change, everything else (tags, URLs, form values, scripts, styles, comments)
is copied through. Pure functions of text; the middleware decides which responses qualify.
"""

from __future__ import annotations

import enum
import functools
from html import escape
from html.parser import HTMLParser

from gongkai.core.text.convert import to_traditional
from gongkai.core.text.pinyin import ruby_html


class ScriptMode(enum.StrEnum):
    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"
    PINYIN = "pinyin"


SCRIPT_COOKIE = "gk_script"

# Marks a subtree that must be left exactly as written (e.g. the 简体/繁體/拼音 switch).
KEEP_ATTRIBUTE = "data-script-keep"

VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                           "meta", "param", "source", "track", "wbr"})

# Text that is code or a form value, not prose: never converted.
_MACHINE_TEXT = frozenset({"script", "style", "textarea", "code", "kbd", "samp", "var"})
# Ruby only goes where inline markup is allowed and helps reading: not in the document head,
# inside form controls (their text cannot hold markup, or must stay compact), preformatted
# text, existing ruby, or embedded SVG/MathML.
_NO_RUBY = _MACHINE_TEXT | {"head", "title", "select", "option", "optgroup", "button", "pre",
                            "ruby", "rt", "rp", "svg", "math", "template"}
SKIPPED_TEXT: dict[ScriptMode, frozenset[str]] = {
    ScriptMode.SIMPLIFIED: frozenset(),
    ScriptMode.TRADITIONAL: _MACHINE_TEXT,
    ScriptMode.PINYIN: _NO_RUBY,
}

# Attributes whose values people read (or hear). URLs, values, ids and classes are not.
READABLE_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "aria-description",
                                 "aria-roledescription", "aria-placeholder", "placeholder",
                                 "label", "summary"})
# <meta name=… content=…> whose content is prose.
READABLE_META = frozenset({"description", "keywords", "application-name", "og:title",
                           "og:description", "og:site_name", "twitter:title",
                           "twitter:description"})


@functools.lru_cache(maxsize=16384)
def traditional_text(text: str) -> str:
    """s2t of one text node or attribute value, cached: headers, footers and navigation
    repeat on every page."""
    return to_traditional(text)


class _Rewriter(HTMLParser):
    def __init__(self, mode: ScriptMode) -> None:
        # convert_charrefs=False: text arrives as written (entities separately), so it can be
        # copied back without a decode/encode round trip.
        super().__init__(convert_charrefs=False)
        self.mode = mode
        self.skipped = SKIPPED_TEXT[mode]
        self.out: list[str] = []
        # Open elements: (tag, text is skipped inside, subtree is kept as written).
        self.stack: list[tuple[str, bool, bool]] = []
        self.skip_depth = 0
        self.keep_depth = 0

    # --- tags -------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._emit_tag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self._open(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._emit_tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        # Pop to the matching element; an end tag that matches nothing is ignored, and
        # elements whose end tag is optional (<p>, <li>) are closed by their parent's.
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                for _, skipped, kept in self.stack[index:]:
                    self.skip_depth -= skipped
                    self.keep_depth -= kept
                del self.stack[index:]
                break

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = any(name == KEEP_ATTRIBUTE for name, _ in attrs)
        skipped = kept or tag in self.skipped
        self.stack.append((tag, skipped, kept))
        self.skip_depth += skipped
        self.keep_depth += kept

    def _emit_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        if self.mode is not ScriptMode.TRADITIONAL or self.keep_depth or any(
                name == KEEP_ATTRIBUTE for name, _ in attrs):
            self.out.append(raw)
            return
        readable = _readable_attributes(tag, attrs)
        if not any(attrs[i][1] != traditional_text(attrs[i][1] or "") for i in readable):
            self.out.append(raw)  # nothing to convert: keep the tag exactly as written
            return
        parts = [f"<{tag}"]
        for index, (name, value) in enumerate(attrs):
            if value is None:
                parts.append(f" {name}")
                continue
            if index in readable:
                value = traditional_text(value)
            parts.append(f' {name}="{escape(value, quote=True)}"')
        parts.append(" />" if raw.endswith("/>") else ">")
        self.out.append("".join(parts))

    # --- text -------------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self.skip_depth or self.mode is ScriptMode.SIMPLIFIED:
            self.out.append(data)
        elif self.mode is ScriptMode.TRADITIONAL:
            self.out.append(traditional_text(data))
        else:
            self.out.append(ruby_html(data))

    # --- everything else is copied through ------------------------------------------
    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        # The parser strips "<![" and the closing "]]>" (CDATA and the SGML sections) or
        # "]>" (conditional comments such as <![endif]>).
        closing = "]]>" if data.lower().startswith(_DOUBLE_BRACKET_SECTIONS) else "]>"
        self.out.append(f"<![{data}{closing}")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")


_DOUBLE_BRACKET_SECTIONS = ("cdata", "temp", "ignore", "include", "rcdata")


def _readable_attributes(tag: str, attrs: list[tuple[str, str | None]]) -> set[int]:
    """Indexes of the attributes of one tag whose values are human-readable text."""
    found = {i for i, (name, value) in enumerate(attrs)
             if value and name in READABLE_ATTRIBUTES}
    if tag == "meta":
        names = {(value or "").lower() for name, value in attrs if name in ("name", "property")}
        if names & READABLE_META:
            found |= {i for i, (name, value) in enumerate(attrs) if name == "content" and value}
    return found


def transform_html(html: str, mode: ScriptMode) -> str:
    """The page ``html`` as it reads in ``mode`` (unchanged for simplified)."""
    if mode is ScriptMode.SIMPLIFIED:
        return html
    rewriter = _Rewriter(mode)
    rewriter.feed(html)
    rewriter.close()
    return "".join(rewriter.out)


def script_mode_from_cookie(value: str | None) -> ScriptMode:
    try:
        return ScriptMode(value or ScriptMode.SIMPLIFIED)
    except ValueError:
        return ScriptMode.SIMPLIFIED
