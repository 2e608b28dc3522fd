"""The body of a disclosure item: text and data tables.

Statistical bulletins are mostly tables; a rich-text editor would drop them on the first
edit, so tables are their own block, edited as a grid and rendered as an accessible
<table> with a caption and header cells.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.rich_text import RichText

TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr", "link", "document-link",
                 "image", "blockquote", "superscript", "subscript"]

TABLE_OPTIONS = {
    "minSpareRows": 0,
    "startRows": 4,
    "startCols": 3,
    "colHeaders": False,
    "rowHeaders": False,
    "contextMenu": ["row_above", "row_below", "---------", "col_left", "col_right",
                    "---------", "remove_row", "remove_col", "---------", "undo", "redo"],
    "editor": "text",
    "stretchH": "all",
    "height": 216,
    "renderer": "text",
    "autoColumnSize": False,
}


class BodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(features=TEXT_FEATURES, label=_("正文"))
    table = TableBlock(table_options=TABLE_OPTIONS, label=_("数据表"),
                       help_text=_("请勾选“首行为表头”，并填写表格标题。"))

    class Meta:
        label = _("正文")


def text_block(html: str) -> tuple[str, RichText]:
    """A (block type, value) pair for StreamField assignment from HTML."""
    return ("text", RichText(html))


def table_block(caption: str, header: list[str], rows: list[list[str]],
                *, first_col_is_header: bool = True) -> tuple[str, dict[str, Any]]:
    """A (block type, value) pair for a data table with a header row and a caption."""
    return ("table", {
        "data": [list(header), *[list(map(str, row)) for row in rows]],
        "first_row_is_table_header": True,
        "first_col_is_header": first_col_is_header,
        "table_caption": caption,
        "cell": [],
        "mergedCells": [],
    })


def _cell_text(cell: Any) -> str:
    return " ".join(cell.get_text(" ", strip=True).split())


def _table_from_html(table: Any) -> tuple[str, dict[str, Any]]:
    caption_tag = table.find("caption")
    caption = _cell_text(caption_tag) if caption_tag else ""
    rows = [[_cell_text(cell) for cell in row.find_all(["th", "td"])]
            for row in table.find_all("tr")]
    rows = [row for row in rows if row]
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    first_row = table.find("tr")
    has_header = bool(first_row and first_row.find("th"))
    value = table_block(caption, rows[0] if rows else [], rows[1:])[1]
    value["first_row_is_table_header"] = has_header
    value["first_col_is_header"] = bool(
        len(rows) > 1 and all(r.find("th") for r in table.find_all("tr")[1:])
    )
    return ("table", value)


def body_from_html(html: str) -> list[tuple[str, Any]]:
    """Split HTML into body blocks: runs of text become text blocks, each <table> a table.

    Used by loaders and importers that receive finished HTML (the demo, legacy imports).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html or "", "html.parser")
    blocks_out: list[tuple[str, Any]] = []
    pending: list[str] = []

    def flush() -> None:
        text = "".join(pending).strip()
        if text:
            blocks_out.append(text_block(text))
        pending.clear()

    for node in list(soup.contents):
        tables = [node] if getattr(node, "name", None) == "table" else (
            node.find_all("table") if hasattr(node, "find_all") else [])
        if not tables:
            pending.append(str(node))
            continue
        flush()
        for table in tables:
            blocks_out.append(_table_from_html(table))
    flush()
    return blocks_out
