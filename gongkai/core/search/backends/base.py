"""The search backend interface, and the part the two database backends share.

A backend keeps an index derived from :class:`~gongkai.core.models.SearchDocument` rows
and answers :meth:`SearchBackend.search`. Everything visitors may filter or facet on is
a column of those rows, so an engine outside the database (OpenSearch) implements the
same method with its own query language; the visibility window is passed in as *now*.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from gongkai.core.models import Agency, SearchDocument
from gongkai.core.search.query import ParsedQuery
from gongkai.core.visibility import search_document_hidden, visible_search_documents

# A search looks at the most recent WINDOW matches (docs/search.md): counted exactly up
# to that many ("1000+" beyond, as search engines do), ordered and faceted within them.
# Evaluating every match of a term found in most documents costs hundreds of
# milliseconds (PostgreSQL rechecks each phrase match) and tells a visitor nothing.
WINDOW = 1000
# Relevance is computed among the most recent of those; the rest follow by date.
RANK_CANDIDATES = 300
# Documents indexed but outside their visibility window are few; past this many the
# window is checked against them with an IN list instead.
HIDDEN_LIMIT = 500


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

    def sql(self, alias: str) -> tuple[str, list[Any]]:
        """The filters as SQL conditions on ``core_searchdocument AS alias`` (" AND …"),
        for backends that join their index to the documents table. Joining, rather than
        ``rowid IN (subquery)``, matters on SQLite: FTS5 re-evaluates the MATCH for every
        value of an IN constraint on its rowid (1.3 s at 100,000 documents)."""
        parts: list[str] = []
        params: list[Any] = []
        if self.agency_ids:
            parts.append(f"{alias}.agency_id IN ({', '.join(['%s'] * len(self.agency_ids))})")
            params.extend(self.agency_ids)
        for column, value in (("column_id", self.column_id), ("year", self.year)):
            if value is not None:
                parts.append(f"{alias}.{column} = %s")
                params.append(value)
        for column, text in (("theme_code", self.theme_code), ("validity", self.validity),
                             ("content_type", self.content_type)):
            if text:
                parts.append(f"{alias}.{column} = %s")
                params.append(text)
        return "".join(f" AND {part}" for part in parts), params


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
    total_is_exact: bool = True


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
    def recent_matches(self, query: ParsedQuery, filters: SearchFilters, limit: int) -> list[int]:
        """Ids of up to ``limit`` matching documents, most recent (highest id) first.

        Backends answer this without evaluating every match where they can (FTS5 walks
        rowids backwards; PostgreSQL scans the primary key backwards for common terms)."""

    @abstractmethod
    def scores(self, query: ParsedQuery, ids: list[int]) -> dict[int, float]:
        """Relevance of these matching documents, higher is better."""

    def matching(self, query: ParsedQuery, now: dt.datetime) -> QuerySet[SearchDocument]:
        sql, params = self.match_sql(query)
        return visible_search_documents(SearchDocument.objects.filter(id__in=RawSQL(sql, params)),
                                        now)

    def search(self, query: ParsedQuery, filters: SearchFilters, sort: Sort, *, now: dt.datetime,
               offset: int, limit: int, with_facets: bool) -> BackendResult:
        window = self.recent_matches(query, filters, WINDOW + 1)
        exact = len(window) <= WINDOW
        window = window[:WINDOW]
        window = self._without_hidden(window, now)
        rows = self._window_rows(window, query)
        # An index row whose document is gone (a cascade that bypassed the outbox) is
        # not a result; `gongkai search check` reports it.
        window = [doc_id for doc_id in window if doc_id in rows]
        if sort is Sort.NEWEST:
            ordered = sorted(window, key=lambda doc_id: (rows[doc_id][1], doc_id), reverse=True)
        else:
            ordered = self._by_relevance(query, window, rows)
        facets = self._facets(window) if with_facets and window else {}
        return BackendResult(total=len(window), doc_ids=ordered[offset : offset + limit],
                             facets=facets, total_is_exact=exact)

    @staticmethod
    def _without_hidden(window: list[int], now: dt.datetime) -> list[int]:
        """Drop documents outside their visibility window. They are few (embargoed until
        a release, expired before the cron job), so they are fetched by the indexes on
        the window columns rather than by a 1,000-id IN list."""
        if not window:
            return window
        hidden = set(SearchDocument.objects.filter(search_document_hidden(now))
                     .values_list("id", flat=True)[:HIDDEN_LIMIT + 1])
        if len(hidden) > HIDDEN_LIMIT:
            hidden = set(SearchDocument.objects.filter(search_document_hidden(now),
                                                       id__in=window)
                         .values_list("id", flat=True))
        return [doc_id for doc_id in window if doc_id not in hidden]

    @staticmethod
    def _window_rows(window: list[int], query: ParsedQuery) -> dict[int, tuple[bool, Any]]:
        """id → (whether the title contains every term, publication time as the database
        orders it), read with one bound parameter: building a 1,000-id IN list costs
        more than the query.

        Only what the ordering needs crosses to Python: the title test is done in SQL
        (a substring test on the normalised title, as the contract defines "contains"),
        and on PostgreSQL the time comes as integer microseconds since the epoch, not as
        a ``datetime`` — converting 1,000 timestamps to aware datetimes and 1,000 titles
        to strings cost ≈ 20 ms of Python per search (docs/performance.md)."""
        if not window or query.is_empty:
            return {}
        # A stored title holds no NUL (PostgreSQL text cannot), so a term with one is
        # not in any title; it cannot be sent as a text parameter either.
        texts = [term.text for term in query.terms]
        test = ("strpos(title_norm, %s) > 0" if connection.vendor == "postgresql"
                else "instr(title_norm, %s) > 0")
        in_title = " AND ".join([test] * len(texts))
        if any("\x00" in text for text in texts):
            in_title, texts = "FALSE", []
        if connection.vendor == "postgresql":
            sql = (f"SELECT id, ({in_title}), "
                   "(extract(epoch FROM published_at) * 1000000)::bigint "
                   "FROM core_searchdocument WHERE id = ANY(%s::bigint[])")
            params: list[Any] = [*texts, id_array(window)]
        else:
            sql = (f"SELECT id, ({in_title}), published_at FROM core_searchdocument "
                   "WHERE id IN (SELECT value FROM json_each(%s))")
            params = [*texts, json.dumps(window)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: (bool(row[1]), row[2]) for row in cursor.fetchall()}

    def _by_relevance(self, query: ParsedQuery, window: list[int],
                      rows: dict[int, tuple[bool, Any]]) -> list[int]:
        """Title matches first, then relevance, ties by date, among the most recent
        RANK_CANDIDATES matches; the rest of the window follows by date."""
        head, tail = window[:RANK_CANDIDATES], window[RANK_CANDIDATES:]
        scored = self.scores(query, head) if head else {}
        # Three stable sorts, least significant key first (dates are strings on SQLite).
        ranked = sorted(head, key=lambda doc_id: (rows[doc_id][1], doc_id), reverse=True)
        ranked.sort(key=lambda doc_id: -scored.get(doc_id, 0.0))
        ranked.sort(key=lambda doc_id: not rows[doc_id][0])
        tail.sort(key=lambda doc_id: (rows[doc_id][1], doc_id), reverse=True)
        return ranked + tail

    def _facets(self, window: list[int]) -> dict[str, list[FacetValue]]:
        """All facet counts from one grouped query over the window (not one per facet)."""
        columns = sorted({column for pair in FACETS.values() for column in pair})
        counts: dict[str, dict[tuple[str, str], int]] = {name: {} for name in FACETS}
        rows = (SearchDocument.objects.filter(id__in=window).values(*columns)
                .annotate(n=Count("id")).order_by())
        for row in rows:
            for name, (value_field, label_field) in FACETS.items():
                value = row[value_field]
                if value in ("", None):
                    continue
                key = (str(value), str(row[label_field]))
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


def id_array(ids: list[int]) -> str:
    """A PostgreSQL array literal of ids, sent as one text parameter: adapting a Python
    list of 1,000 ints element by element costs more than the query it is used in."""
    return "{" + ",".join(map(str, ids)) + "}"


def vendor() -> str:
    return connection.vendor
