"""Published 行政处罚决定 in the site search (docs/search.md).

The source only ever reads through :func:`selectors.searchable_decisions`, so a revoked
decision leaves the index at the next outbox run and is never shown before that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.urls import reverse

from gongkai.core.search.registry import IndexEntry, register_source

SOURCE = "penalty_decision"


class PenaltyDecisionSource:
    name = SOURCE

    def entries(self, object_ids: Sequence[int]) -> dict[int, IndexEntry]:
        from gongkai.enforcement.selectors import searchable_decisions

        out: dict[int, IndexEntry] = {}
        for decision in searchable_decisions().filter(pk__in=list(object_ids)):
            if decision.published_at is None:
                continue
            out[decision.pk] = IndexEntry(
                url=reverse("enforcement:penalty", args=[decision.agency.slug, decision.pk]),
                title=f"行政处罚决定：{decision.case_number}",
                published_at=decision.published_at,
                content_type=SOURCE, content_type_label="行政处罚决定",
                summary=f"{decision.published_party}；{decision.published_penalty}"[:300],
                body="\n".join((decision.case_number, decision.published_party,
                                decision.published_facts, decision.published_basis,
                                decision.published_penalty)),
                agency_id=decision.agency_id, year=decision.decided_on.year,
            )
        return out

    def all_ids(self) -> Iterable[int]:
        from gongkai.enforcement.selectors import searchable_decisions

        return list(searchable_decisions().order_by("id").values_list("id", flat=True))

    def visible_ids(self, object_ids: Sequence[int], now: dt.datetime) -> set[int]:
        from gongkai.enforcement.selectors import searchable_decisions

        return set(searchable_decisions(now).filter(pk__in=list(object_ids))
                   .values_list("id", flat=True))


def connect() -> None:
    register_source(PenaltyDecisionSource())
