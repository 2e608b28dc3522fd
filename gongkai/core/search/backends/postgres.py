"""PostgreSQL ``tsvector`` over the same bigrams, in passages.

PostgreSQL has no Chinese parser on Debian, and needs none: the analyzer's tokens are
written straight into ``tsvector`` literals with their positions, and queries are
``tsquery`` phrases (``<->``) of the same tokens, so results equal the SQLite backend's.
A document is normally one row: its fields in one ``tsvector``, separated by a gap of
positions longer than any query term, so a phrase never spans two fields and a search
rechecks one row per document. A ``tsvector`` holds at most 1 MB, positions up to 16,383
and 256 positions per lexeme, so a document beyond those limits is stored instead as
overlapping passages per field (``parts`` > 1); the overlap is longer than the longest
query term, so no match is lost at a boundary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection

from gongkai.core.models import SearchDocument
from gongkai.core.search.analyzer import tokens
from gongkai.core.search.backends.base import DatabaseBackend, SearchFilters
from gongkai.core.search.query import MAX_QUERY_CHARS, ParsedQuery, Term

TABLE = "gk_search_chunk"
PASSAGE_TOKENS = 2000
OVERLAP = MAX_QUERY_CHARS  # a query term never has more tokens than characters
MAX_POSITIONS_PER_LEXEME = 256
# Field weight letters for ts_rank: title A, summary B, body and attachments D.
FIELD_WEIGHTS = ("A", "B", "D", "D")
FIELD_GAP = OVERLAP + 1
MAX_POSITION = 16383


def passages(words: list[str], size: int = PASSAGE_TOKENS) -> Iterator[list[str]]:
    """Overlapping windows of ``words`` in which no lexeme repeats more than 256 times."""
    if len(words) <= size and _fits(words):
        yield words
        return
    if size <= OVERLAP * 2:
        # Pathological repetition (one bigram hundreds of times in 400 tokens): keep
        # the window; PostgreSQL drops the surplus positions of that lexeme only.
        step = max(1, size - OVERLAP)
        for start in range(0, max(1, len(words) - OVERLAP), step):
            yield words[start : start + size]
        return
    step = size - OVERLAP
    for start in range(0, max(1, len(words) - OVERLAP), step):
        window = words[start : start + size]
        if _fits(window):
            yield window
        else:
            yield from passages(window, size // 2)


def _fits(words: list[str]) -> bool:
    return not words or max(Counter(words).values()) <= MAX_POSITIONS_PER_LEXEME


def tsvector_literal(words: list[str], weight: str, start: int = 1) -> str:
    suffix = "" if weight == "D" else weight
    return " ".join(f"'{word}':{position}{suffix}" for position, word in
                    enumerate(words, start=start))


def single_row(fields: list[tuple[list[str], str]]) -> str | None:
    """All fields in one tsvector literal, or None when that would break a limit."""
    parts: list[str] = []
    position = 1
    counts: Counter[str] = Counter()
    for words, weight in fields:
        if not words:
            continue
        if position + len(words) > MAX_POSITION:
            return None
        counts.update(words)
        parts.append(tsvector_literal(words, weight, position))
        position += len(words) + FIELD_GAP
    if counts and max(counts.values()) > MAX_POSITIONS_PER_LEXEME:
        return None
    return " ".join(parts)


def tsquery_phrase(term: Term) -> str:
    parts = [f"'{token.text}'" + (":*" if token.prefix else "") for token in term.tokens]
    return " <-> ".join(parts)


class PostgresTsvectorBackend(DatabaseBackend):
    name = "postgres"

    def ensure_schema(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (doc_id bigint NOT NULL, "
                "seq integer NOT NULL, parts integer NOT NULL DEFAULT 1, "
                "tsv tsvector NOT NULL, PRIMARY KEY (doc_id, seq))")
            cursor.execute(f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS parts integer "
                           "NOT NULL DEFAULT 1")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING gin (tsv)")
            # Long documents stored in passages, for terms found in different passages.
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {TABLE}_parts_tsv ON {TABLE} USING gin (tsv) "
                "WHERE parts > 1")

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")

    def _rows(self, doc: SearchDocument) -> list[tuple[int, int, int, str]]:
        fields = [(tokens(text), weight) for text, weight in zip(
            (doc.title, doc.summary, doc.body, doc.attachments), FIELD_WEIGHTS, strict=True)]
        whole = single_row(fields)
        if whole is not None:
            return [(doc.pk, 0, 1, whole)] if whole else []
        literals = [tsvector_literal(passage, weight)
                    for words, weight in fields if words for passage in passages(words)]
        return [(doc.pk, seq, len(literals), literal) for seq, literal in enumerate(literals)]

    def add(self, docs: Sequence[SearchDocument]) -> None:
        rows = [row for doc in docs for row in self._rows(doc)]
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (doc_id, seq, parts, tsv) "
                "VALUES (%s, %s, %s, %s::tsvector)", rows)

    def remove(self, docs: Sequence[SearchDocument]) -> None:
        if not docs:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE doc_id = ANY(%s)",
                           [[doc.pk for doc in docs]])

    def indexed_ids(self) -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT doc_id FROM {TABLE}")
            return {row[0] for row in cursor.fetchall()}

    def match_sql(self, query: ParsedQuery) -> tuple[str, list[Any]]:
        selects = [f"SELECT doc_id FROM {TABLE} WHERE tsv @@ %s::tsquery"] * len(query.terms)
        return " INTERSECT ".join(selects), [tsquery_phrase(term) for term in query.terms]

    def recent_matches(self, query: ParsedQuery, filters: SearchFilters, limit: int) -> list[int]:
        where, filter_params = filters.sql("d")
        join = "" if filters.is_empty else " JOIN core_searchdocument d ON d.id = c.doc_id"
        all_terms = " & ".join(f"({tsquery_phrase(term)})" for term in query.terms)
        with connection.cursor() as cursor:
            # Every term in one row: all one-row documents, and long ones whose terms
            # share a passage. In primary-key order, so a common term stops early; rows
            # of one document are adjacent, so duplicates are dropped here.
            rows_wanted = limit + 64  # documents are one row, except long ones
            while True:
                cursor.execute(
                    f"SELECT c.doc_id FROM {TABLE} c{join} WHERE c.tsv @@ %s::tsquery{where} "
                    "ORDER BY c.doc_id DESC, c.seq DESC LIMIT %s",
                    [all_terms, *filter_params, rows_wanted])
                rows = [row[0] for row in cursor.fetchall()]
                found = list(dict.fromkeys(rows))
                if len(found) >= limit or len(rows) < rows_wanted:
                    break
                rows_wanted *= 4  # many passages of long documents matched
            if len(query.terms) > 1:
                # Long documents with the terms in different passages.
                selects = [f"SELECT c.doc_id FROM {TABLE} c{join} WHERE c.parts > 1 "
                           f"AND c.tsv @@ %s::tsquery{where}"] * len(query.terms)
                params: list[Any] = []
                for term in query.terms:
                    params += [tsquery_phrase(term), *filter_params]
                cursor.execute(" INTERSECT ".join(selects), params)
                found = sorted(set(found) | {row[0] for row in cursor.fetchall()},
                               reverse=True)
        return found[:limit]

    def scores(self, query: ParsedQuery, ids: list[int]) -> dict[int, float]:
        any_term = " | ".join(f"({tsquery_phrase(term)})" for term in query.terms)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT doc_id, sum(ts_rank(tsv, %s::tsquery)) FROM {TABLE} "
                "WHERE doc_id = ANY(%s) GROUP BY doc_id", [any_term, ids])
            return {row[0]: float(row[1]) for row in cursor.fetchall()}

    def size_bytes(self) -> int | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size(%s)", [TABLE])
            row = cursor.fetchone()
        return int(row[0]) if row else None
