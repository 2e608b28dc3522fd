"""What the catalog's pages contribute to the site search (core.search.pages).

Items are found by their title, summary (with 文号, 索引号 and keywords, which the
page shows), body text and tables, and the text extracted from their attachments;
columns by their title and description.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from gongkai.core.search.indexing import enqueue
from gongkai.core.search.pages import SOURCE, PageIndexFields
from gongkai.core.search.text import html_to_text

if TYPE_CHECKING:
    from gongkai.catalog.models import ColumnBase, DisclosureItemPage

logger = logging.getLogger(__name__)

EXTRACT_CACHE_SECONDS = 7 * 24 * 3600


def body_text(body: Any) -> str:
    """Plain text of a StreamField body: text blocks and every cell of every table."""
    parts: list[str] = []
    for block in body:
        if block.block_type == "text":
            parts.append(html_to_text(block.value.source))
        elif block.block_type == "table":
            value = block.value or {}
            if value.get("table_caption"):
                parts.append(str(value["table_caption"]))
            for row in value.get("data") or []:
                parts.append("\t".join(str(cell) for cell in row if cell not in (None, "")))
    return "\n".join(part for part in parts if part)


def attachment_text(document: Any) -> str:
    """Text of an attachment, extracted once per file content (cached by its hash)."""
    from gongkai.core.text.extract import extract_text

    key = f"gk:extract:{document.file_hash or document.pk}"
    cached = cache.get(key)
    if cached is not None:
        return str(cached)
    try:
        with document.file.open("rb") as handle:
            extracted = extract_text(handle, document.filename)
    except OSError:
        logger.warning("attachment %s could not be read for search", document.pk,
                       extra={"event": "search"})
        return ""
    text = extracted.text if extracted.ok else ""
    cache.set(key, text, EXTRACT_CACHE_SECONDS)
    return text


def item_fields(item: DisclosureItemPage) -> PageIndexFields:
    from gongkai.catalog.models import InterpretationPage

    parent = item.get_parent()
    metadata = [item.summary, item.doc_number, item.index_number, item.keywords]
    attachments = [
        "\n".join(filter(None, [link.display_title, attachment_text(link.document)]))
        for link in item.attachments.select_related("document")
    ]
    is_interpretation = isinstance(item, InterpretationPage)
    return PageIndexFields(
        content_type="interpretation" if is_interpretation else "item",
        content_type_label=_("政策解读") if is_interpretation else _("政府信息"),
        summary="\n".join(part for part in metadata if part),
        body=body_text(item.body),
        attachments="\n".join(attachments),
        column_id=parent.pk if parent else None,
        column_title=parent.title if parent else "",
        theme_code=item.theme.code if item.theme_id else "",
        theme_name=item.theme.name if item.theme_id else "",
        validity=item.validity,
        validity_label=str(item.get_validity_display()),
    )


def column_fields(column: ColumnBase) -> PageIndexFields:
    return PageIndexFields(
        content_type="column",
        content_type_label=_("栏目"),
        body=html_to_text(column.intro or ""),
    )


def _document_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A replaced attachment file changes the text of every item it is attached to."""
    from gongkai.catalog.models import DisclosureAttachment

    page_ids = DisclosureAttachment.objects.filter(document=instance).values_list(
        "page_id", flat=True)
    enqueue(SOURCE, list(page_ids))


def connect() -> None:
    from wagtail.documents import get_document_model

    post_save.connect(_document_changed, sender=get_document_model(),
                      dispatch_uid="gk_search_document_changed")
