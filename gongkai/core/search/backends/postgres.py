"""PostgreSQL ``tsvector`` over the same bigrams, in passages.

PostgreSQL has no Chinese parser on Debian, and needs none: the analyzer's tokens are
written straight into ``tsvector`` literals with their positions, and queries are
``tsquery`` phrases (``<->``) of the same tokens, so results equal the SQLite backend's.
A ``tsvector`` holds at most 1 MB, positions up to 16,383 and 256 positions per lexeme,
so each field is stored as overlapping passages that stay inside those limits; the
overlap is longer than the longest query term, so no match is lost at a boundary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from gongkai.core.models import SearchDocument
from gongkai.core.search.analyzer import tokens
from gongkai.core.search.backends.base import DatabaseBackend
from gongkai.core.search.query import MAX_QUERY_CHARS, ParsedQuery, Term

TABLE = "gk_search_chunk"
PASSAGE_TOKENS = 2000
OVERLAP = MAX_QUERY_CHARS  # a query term never has more tokens than characters
MAX_POSITIONS_PER_LEXEME = 256
# Field weight letters for ts_rank: title A, summary B, body and attachments D.
FIELD_WEIGHTS = ("A", "B", "D", "D")


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


def tsvector_literal(words: list[str], weight: str) -> str:
    suffix = "" if weight == "D" else weight
    return " ".join(f"'{word}':{position}{suffix}" for position, word in
                    enumerate(words, start=1))


def tsquery_phrase(term: Term) -> str:
    parts = [f"'{token.text}'" + (":*" if token.prefix else "") for token in term.tokens]
    return " <-> ".join(parts)


class PostgresTsvectorBackend(DatabaseBackend):
    name = "postgres"

    def ensure_schema(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (doc_id bigint NOT NULL, "
                "seq integer NOT NULL, tsv tsvector NOT NULL, PRIMARY KEY (doc_id, seq))")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING gin (tsv)")

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")

    def _rows(self, doc: SearchDocument) -> Iterator[tuple[int, int, str]]:
        seq = 0
        for text, weight in zip((doc.title, doc.summary, doc.body, doc.attachments),
                                FIELD_WEIGHTS, strict=True):
            words = tokens(text)
            if not words:
                continue
            for passage in passages(words):
                yield doc.pk, seq, tsvector_literal(passage, weight)
                seq += 1

    def add(self, docs: Sequence[SearchDocument]) -> None:
        rows = [row for doc in docs for row in self._rows(doc)]
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (doc_id, seq, tsv) VALUES (%s, %s, %s::tsvector)", rows)

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

    def recent_candidates(self, query: ParsedQuery, restrict: QuerySet[SearchDocument] | None,
                          limit: int) -> list[tuple[int, float]]:
        match_sql, params = self.match_sql(query)
        where = ""
        if restrict is not None:
            restrict_sql, restrict_params = restrict.values("id").query.sql_with_params()
            where = f" WHERE m.doc_id IN ({restrict_sql})"
            params = [*params, *restrict_params]
        any_term = " | ".join(f"({tsquery_phrase(term)})" for term in query.terms)
        sql = (
            f"SELECT c.doc_id, sum(ts_rank(c.tsv, %s::tsquery)) FROM {TABLE} c "
            f"WHERE c.doc_id IN (SELECT m.doc_id FROM ({match_sql}) m{where} "
            "ORDER BY m.doc_id DESC LIMIT %s) AND c.tsv @@ %s::tsquery GROUP BY c.doc_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [any_term, *params, limit, any_term])
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def size_bytes(self) -> int | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size(%s)", [TABLE])
            row = cursor.fetchone()
        return int(row[0]) if row else None
