"""Plain descriptions of the demo content; the loader turns them into pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils import timezone

from gongkai.catalog.enums import Article20Item, Genre, Validity

AttachmentKind = Literal["pdf", "xlsx-census"]


@dataclass(frozen=True)
class AttachmentSpec:
    kind: AttachmentKind
    filename: str
    title: str


@dataclass(frozen=True)
class ItemSpec:
    """One disclosure item (or 政策解读) of one agency's column."""

    agency: str                     # agency slug
    column: str                     # column slug under the agency's section
    slug: str
    title: str
    formed_on: dt.date
    # None: an unpublished draft (a revision is saved, nothing is published).
    published_at: dt.datetime | None
    body: str
    theme: str                      # ThemeCategory.code
    genre: Genre = Genre.NOTICE
    article20_item: Article20Item = Article20Item.NONE
    summary: str = ""
    doc_number: str = ""
    keywords: str = ""
    source: str = ""
    publisher: str = ""
    validity: Validity = Validity.VALID
    validity_changed_on: dt.date | None = None
    changed_on: dt.date | None = None
    # When the changed version was republished (the page's last_published_at).
    republished_at: dt.datetime | None = None
    is_demo: bool = True
    demo_note: str = ""
    # (column slug, page slug) of the documents a 政策解读 interprets, same agency.
    interprets: tuple[tuple[str, str], ...] = ()
    attachments: tuple[AttachmentSpec, ...] = field(default=())
    # A legacy document restored by gongkai.core.text.restore: the text as it came, the
    # restorer's report and the import key (docs/legacy-import.md).
    original_text: str = ""
    restoration_report: dict[str, Any] | None = None
    legacy_key: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.agency, self.column, self.slug)

    @property
    def is_interpretation(self) -> bool:
        return bool(self.interprets)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 30) -> dt.datetime:
    """A moment in the site's time zone (Asia/Shanghai)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def p(*paragraphs: str) -> str:
    """Rich-text paragraphs from trusted, hand-written demo text."""
    return "".join(f"<p>{text}</p>" for text in paragraphs)
