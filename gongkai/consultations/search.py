"""Published exchanges and 常见问题 in the site search (docs/search.md).

Both go through the app's public filters (``selectors.public_messages`` / ``public_faq``);
the services enqueue every change. Reports (统计违法举报) are never a source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.urls import reverse
from django.utils import timezone

from gongkai.consultations.enums import Kind
from gongkai.consultations.selectors import public_faq, public_messages
from gongkai.consultations.services import FAQ_SOURCE, MESSAGE_SOURCE
from gongkai.core.search.registry import IndexEntry, register_source


class MessageSource:
    name = MESSAGE_SOURCE

    def entries(self, object_ids: Sequence[int]) -> dict[int, IndexEntry]:
        out: dict[int, IndexEntry] = {}
        for message in public_messages().filter(pk__in=list(object_ids)):
            if message.published_at is None:  # excluded by the filter; keeps mypy honest
                continue
            out[message.pk] = IndexEntry(
                url=reverse("consultations:detail", args=[message.agency.slug, message.number]),
                title=message.public_title,
                published_at=message.published_at,
                content_type=MESSAGE_SOURCE, content_type_label="互动交流",
                summary=str(Kind(message.kind).label),
                body=f"{message.public_body}\n{message.public_reply}",
                agency_id=message.agency_id,
            )
        return out

    def all_ids(self) -> Iterable[int]:
        return list(public_messages().values_list("id", flat=True))

    def visible_ids(self, object_ids: Sequence[int], now: dt.datetime) -> set[int]:
        return set(public_messages(now).filter(pk__in=list(object_ids))
                   .values_list("id", flat=True))


class FaqSource:
    name = FAQ_SOURCE

    def entries(self, object_ids: Sequence[int]) -> dict[int, IndexEntry]:
        out: dict[int, IndexEntry] = {}
        for entry in public_faq().filter(pk__in=list(object_ids)):
            out[entry.pk] = IndexEntry(
                url=reverse("consultations:faq", args=[entry.agency.slug]) + f"#faq-{entry.pk}",
                title=entry.question,
                published_at=entry.updated_at or timezone.now(),
                content_type=FAQ_SOURCE, content_type_label="常见问题",
                body=entry.answer, agency_id=entry.agency_id,
            )
        return out

    def all_ids(self) -> Iterable[int]:
        return list(public_faq().values_list("id", flat=True))

    def visible_ids(self, object_ids: Sequence[int], now: dt.datetime) -> set[int]:
        return set(public_faq().filter(pk__in=list(object_ids)).values_list("id", flat=True))


def connect() -> None:
    register_source(MessageSource())
    register_source(FaqSource())
