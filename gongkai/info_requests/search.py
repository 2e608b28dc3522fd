"""Published replies (依申请公开结果) in the site search (docs/search.md).

A reply is public once staff publish it in the reading room; unpublishing removes it.
Both services write to the search outbox in their own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.core.search.registry import IndexEntry, register_source
from gongkai.info_requests.enums import Outcome
from gongkai.info_requests.models_publication import PublishedReply

SOURCE = "published_reply"


class PublishedReplySource:
    name = SOURCE

    def entries(self, object_ids: Sequence[int]) -> dict[int, IndexEntry]:
        out: dict[int, IndexEntry] = {}
        replies = PublishedReply.objects.filter(pk__in=list(object_ids)).select_related("agency")
        for reply in replies:
            url = reverse("ysqgk_results:reading_room", args=[reply.agency.slug])
            out[reply.pk] = IndexEntry(
                url=f"{url}#reply-{reply.pk}",
                title=_("依申请公开答复：%(number)s") % {"number": reply.number},
                published_at=reply.published_at,
                content_type=SOURCE, content_type_label=_("依申请公开结果"),
                summary=str(Outcome(reply.outcome).label) if reply.outcome in Outcome.values
                else reply.outcome,
                body=f"{reply.request_text}\n{reply.reply_text}",
                agency_id=reply.agency_id,
            )
        return out

    def all_ids(self) -> Iterable[int]:
        return list(PublishedReply.objects.order_by("published_at", "id")
                    .values_list("id", flat=True))

    def visible_ids(self, object_ids: Sequence[int], now: dt.datetime) -> set[int]:
        return set(PublishedReply.objects.filter(pk__in=list(object_ids))
                   .values_list("id", flat=True))


def connect() -> None:
    register_source(PublishedReplySource())
