"""The search backend interface, and the part the two database backends share.

A backend keeps an index derived from :class:`~gongkai.core.models.SearchDocument` rows
and answers :meth:`SearchBackend.search`. Everything visitors may filter or facet on is
a column of those rows, so an engine outside the database (OpenSearch) implements the
same method with its own query language; the visibility window is passed in as *now*.
"""

from __future__ import annotations

import datetime as dt
import enum
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from gongkai.core.models import Agency, SearchDocument
from gongkai.core.search.query import ParsedQuery
from gongkai.core.visibility import search_document_visibility, visible_search_documents

# Relevance is computed among the most recent matches (docs/search.md): ranking every
# match of a very common term costs hundreds of milliseconds and tells a visitor
# nothing; beyond these, results continue by date.
RANK_CANDIDATES = 300


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "date"


@dataclass(frozen=True)
class SearchFilters:
    agency_ids: tuple[int, ...] = ()
    column_id: int | None = None
    theme_code: str = ""
    year: int | None = None
    validity: str = ""
    content_type: str = ""

    def apply(self, queryset: QuerySet[SearchDocument]) -> QuerySet[SearchDocument]:
        if self.agency_ids:
            queryset = queryset.filter(agency_id__in=self.agency_ids)
        if self.column_id is not None:
            queryset = queryset.filter(column_id=self.column_id)
        if self.theme_code:
            queryset = queryset.filter(theme_code=self.theme_code)
        if self.year is not None:
            queryset = queryset.filter(year=self.year)
        if self.validity:
            queryset = queryset.filter(validity=self.validity)
        if self.content_type:
            queryset = queryset.filter(content_type=self.content_type)
        return queryset

    @property
    def is_empty(self) -> bool:
        return self == SearchFilters()


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class BackendResult:
    total: int
    doc_ids: list[int]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


FACETS: dict[str, tuple[str, str]] = {
    # facet name: (value column, label column)
    "agency": ("agency_id", "agency_id"),  # names are looked up once per page
    "content_type": ("content_type", "content_type_label"),
    "column": ("column_id", "column_title"),
    "theme": ("theme_code", "theme_name"),
    "year": ("year", "year"),
    "validity": ("validity", "validity_label"),
}


class SearchBackend(ABC):
    """What every backend provides. Documents arrive as saved ``SearchDocument`` rows."""

    name: str

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the index structures if missing (idempotent)."""

    @abstractmethod
    def clear(self) -> None:
        """Empty the index (the documents table is emptied by the caller)."""

    @abstractmethod
    def add(self, docs: Sequence[SearchDocument]) -> None:
        """Index documents not in the index yet."""

    @abstractmethod
    def remove(self, docs: Sequence[SearchDocument]) -> None:
        """Remove documents, given as they were when indexed."""

    @abstractmethod
    def indexed_ids(self) -> set[int]:
        """Document ids present in the index (for ``gongkai search check``)."""

    @abstractmethod
    def search(self, query: ParsedQuery, filters: SearchFilters, sort: Sort, *, now: dt.datetime,
               offset: int, limit: int, with_facets: bool) -> BackendResult:
        """Visible matching documents of one page, in order, with the total and facets."""

    @abstractmethod
    def matching(self, query: ParsedQuery, now: dt.datetime) -> QuerySet[SearchDocument]:
        """All visible documents containing every term, unordered, for listings that
        combine the search with filters of their own (the catalog's 关键词)."""

    def size_bytes(self) -> int | None:
        return None


class DatabaseBackend(SearchBackend):
    """Shared logic of the backends whose index lives in the main database: filters,
    visibility and facets through the ORM, matching and scoring through raw SQL."""

    @abstractmethod
    def match_sql(self, query: ParsedQuery) -> tuple[str, list[Any]]:
        """SQL selecting the ids of documents that contain every term."""

    @abstractmethod
    def recent_candidates(self, query: ParsedQuery, restrict: QuerySet[SearchDocument] | None,
                          limit: int) -> list[tuple[int, float]]:
        """(id, score) of the most recent matches (highest ids), higher score = better."""

    def matching(self, query: ParsedQuery, now: dt.datetime) -> QuerySet[SearchDocument]:
        sql, params = self.match_sql(query)
        return visible_search_documents(SearchDocument.objects.filter(id__in=RawSQL(sql, params)),
                                        now)

    def search(self, query: ParsedQuery, filters: SearchFilters, sort: Sort, *, now: dt.datetime,
               offset: int, limit: int, with_facets: bool) -> BackendResult:
        sql, params = self.match_sql(query)
        visible = visible_search_documents(SearchDocument.objects.all(), now)
        matched = filters.apply(visible).filter(id__in=RawSQL(sql, params))
        total = self._count(sql, params, matched, filters, now)
        if sort is Sort.NEWEST or total == 0:
            ids = list(matched.order_by("-published_at", "-id")
                       .values_list("id", flat=True)[offset : offset + limit])
        else:
            ids = self._by_relevance(query, filters, matched, now, offset, limit)
        facets = self._facets(matched) if with_facets and total else {}
        return BackendResult(total=total, doc_ids=ids, facets=facets)

    def _count(self, sql: str, params: list[Any], matched: QuerySet[SearchDocument],
               filters: SearchFilters, now: dt.datetime) -> int:
        if not filters.is_empty:
            return matched.count()
        # Unfiltered: count in the index itself (fast even for a term in every document)
        # and subtract the few matching documents outside their visibility window.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM (SELECT DISTINCT * FROM ({sql}) m) d", params)
            row = cursor.fetchone()
        in_index = int(row[0]) if row else 0
        hidden = (SearchDocument.objects.exclude(search_document_visibility(now))
                  .filter(id__in=RawSQL(sql, params)).count())
        return in_index - hidden

    def _by_relevance(self, query: ParsedQuery, filters: SearchFilters,
                      matched: QuerySet[SearchDocument], now: dt.datetime, offset: int,
                      limit: int) -> list[int]:
        restrict = None if filters.is_empty else filters.apply(SearchDocument.objects.all())
        scored = dict(self.recent_candidates(query, restrict, RANK_CANDIDATES))
        rows = visible_search_documents(SearchDocument.objects.filter(id__in=list(scored)), now)
        ranked = sorted(
            rows.values_list("id", "title_norm", "published_at"),
            key=lambda row: (
                not all(term.text in row[1] for term in query.terms),
                -scored[row[0]],
                -row[2].timestamp(),
            ),
        )
        ranked_ids = [row[0] for row in ranked]
        if offset + limit <= len(ranked_ids) or len(scored) < RANK_CANDIDATES:
            return ranked_ids[offset : offset + limit]
        # Past the ranked candidates, the rest follows by date.
        head = ranked_ids[offset:]
        rest_offset = max(0, offset - len(ranked_ids))
        rest = (matched.exclude(id__in=ranked_ids).order_by("-published_at", "-id")
                .values_list("id", flat=True)[rest_offset : rest_offset + limit - len(head)])
        return head + list(rest)

    def _facets(self, matched: QuerySet[SearchDocument]) -> dict[str, list[FacetValue]]:
        """All facet counts from one grouped scan of the matches (not one per facet)."""
        columns = sorted({column for pair in FACETS.values() for column in pair
                          if "__" not in column})
        counts: dict[str, dict[tuple[str, str], int]] = {name: {} for name in FACETS}
        for row in matched.values(*columns).annotate(n=Count("id")).order_by():
            for name, (value_field, label_field) in FACETS.items():
                value = row[value_field]
                if value in ("", None):
                    continue
                label = row.get(label_field, value)
                key = (str(value), str(label))
                counts[name][key] = counts[name].get(key, 0) + row["n"]
        agency_names = dict(Agency.objects.filter(
            pk__in=[int(value) for value, _ in counts["agency"]]).values_list("pk", "name"))
        out: dict[str, list[FacetValue]] = {}
        for name, values in counts.items():
            facet = [FacetValue(value=value, count=count, label=(
                agency_names.get(int(value), value) if name == "agency" else label))
                for (value, label), count in values.items()]
            facet.sort(key=lambda v: (-v.count, v.value))
            if facet:
                out[name] = facet[:50]
        return out


def vendor() -> str:
    return connection.vendor
