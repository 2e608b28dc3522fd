"""Plain text from stored HTML, the way a reader sees it.

Inline tags join their text with no space (政务<b>公开</b> reads 政务公开), block tags
and <br> end a line, table cells are separated, and entities are decoded.
"""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
          "table", "blockquote", "hr", "section", "article", "caption", "pre"}
_CELL = {"td", "th"}
_SKIP = {"script", "style", "template"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = ("".join(parser.parts)).splitlines()
    return "\n".join(line.strip() for line in lines if line.strip())
