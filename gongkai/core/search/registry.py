"""What can be searched: every public content type registers a source here.

A source turns object ids into :class:`IndexEntry` values (or leaves an id out when the
object is not public any more), lists every id that should be indexed, and re-checks
visibility for the ids about to be shown (defence in depth behind the index). Wagtail
pages are one source (:mod:`.pages`); later apps add theirs in ``AppConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Protocol


@dataclass(frozen=True)
class IndexEntry:
    url: str
    title: str
    published_at: dt.datetime
    content_type: str
    content_type_label: str
    summary: str = ""
    body: str = ""
    attachments: str = ""
    agency_id: int | None = None
    visible_from: dt.datetime | None = None
    visible_until: dt.datetime | None = None
    column_id: int | None = None
    column_title: str = ""
    theme_code: str = ""
    theme_name: str = ""
    year: int | None = None
    validity: str = ""
    validity_label: str = ""

    def as_fields(self) -> dict[str, object]:
        return asdict(self)


class SearchSource(Protocol):
    name: str

    def entries(self, object_ids: Sequence[int]) -> dict[int, IndexEntry]:
        """Entries for the ids that are public (or embargoed until a release time)."""
        ...

    def all_ids(self) -> Iterable[int]:
        """Every id that should be in the index now."""
        ...

    def visible_ids(self, object_ids: Sequence[int], now: dt.datetime) -> set[int]:
        """Which of these ids the public may see at ``now``."""
        ...


_sources: dict[str, SearchSource] = {}


def register_source(source: SearchSource) -> None:
    _sources[source.name] = source


def unregister_source(name: str) -> None:
    _sources.pop(name, None)


def get_source(name: str) -> SearchSource | None:
    return _sources.get(name)


def all_sources() -> list[SearchSource]:
    return list(_sources.values())
