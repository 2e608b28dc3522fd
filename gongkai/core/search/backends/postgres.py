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
from gongkai.core.search.backends.base import DatabaseBackend, SearchFilters, id_array
from gongkai.core.search.query import MAX_QUERY_CHARS, ParsedQuery, Term

TABLE = "gk_search_chunk"
# The filter columns of every indexed document, narrow (~60 bytes a row) so a filtered
# search can walk the newest documents passing a filter without reading wide rows.
FILTER_TABLE = "gk_search_filter"
FILTER_COLUMNS = ("agency_id", "column_id", "theme_code", "year", "validity", "content_type")
PASSAGE_TOKENS = 2000
OVERLAP = MAX_QUERY_CHARS  # a query term never has more tokens than characters
MAX_POSITIONS_PER_LEXEME = 256
# Field weight letters for ts_rank: title A, summary B, body and attachments D.
FIELD_WEIGHTS = ("A", "B", "D", "D")
FIELD_GAP = OVERLAP + 1
MAX_POSITION = 16383
# The largest row PostgreSQL keeps in its heap page (BLCKSZ 8192 less the page header).
TOAST_TARGET = 8160
# Filtered searches first test the newest SCAN_FACTOR x window documents that pass the
# filter (see recent_matches).
SCAN_FACTOR: float = 2


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
            # Keep each tsvector in its row, uncompressed, up to a whole page. A search
            # reads ~1,000 of them; out of line (the default past 2 KB, and a typical
            # document's tsvector is ~6 KB that does not compress) each costs a TOAST
            # index lookup and three or four chunk fetches: measured 2-3x slower. Rows
            # written before this setting move in at the next `gongkai search rebuild`.
            cursor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = {TOAST_TARGET})")
            cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN tsv SET STORAGE MAIN")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING gin (tsv)")
            # Long documents stored in passages, for terms found in different passages.
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {TABLE}_parts_tsv ON {TABLE} USING gin (tsv) "
                "WHERE parts > 1")
            cursor.execute("SELECT to_regclass(%s) IS NULL", [FILTER_TABLE])
            row = cursor.fetchone()
            if row and row[0]:
                # Created and filled from the documents in one transaction, so the table
                # exists only when it is complete (add/remove keep it so afterwards).
                cursor.execute(
                    f"CREATE TABLE {FILTER_TABLE} (doc_id bigint PRIMARY KEY, "
                    "agency_id bigint, column_id bigint, theme_code text NOT NULL, "
                    "year integer, validity text NOT NULL, content_type text NOT NULL)")
                columns = ", ".join(FILTER_COLUMNS)
                cursor.execute(f"INSERT INTO {FILTER_TABLE} (doc_id, {columns}) "
                               f"SELECT id, {columns} FROM core_searchdocument")
            else:
                # Left over from documents that no longer exist (the search migration
                # unapplied and applied again): their ids will be reused.
                cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM core_searchdocument)")
                empty = cursor.fetchone()
                if empty and empty[0]:
                    cursor.execute(f"TRUNCATE {FILTER_TABLE}")
        _has_filter_table.clear()

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")
            if filter_table_exists():
                cursor.execute(f"TRUNCATE {FILTER_TABLE}")

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
        with connection.cursor() as cursor:
            if rows:
                cursor.executemany(
                    f"INSERT INTO {TABLE} (doc_id, seq, parts, tsv) "
                    "VALUES (%s, %s, %s, %s::tsvector)", rows)
            if docs and filter_table_exists():
                cursor.executemany(
                    f"INSERT INTO {FILTER_TABLE} (doc_id, {', '.join(FILTER_COLUMNS)}) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [(doc.pk, *(getattr(doc, column) for column in FILTER_COLUMNS))
                     for doc in docs])

    def remove(self, docs: Sequence[SearchDocument]) -> None:
        if not docs:
            return
        with connection.cursor() as cursor:
            ids = id_array([doc.pk for doc in docs])
            cursor.execute(f"DELETE FROM {TABLE} WHERE doc_id = ANY(%s::bigint[])", [ids])
            if filter_table_exists():
                cursor.execute(f"DELETE FROM {FILTER_TABLE} WHERE doc_id = ANY(%s::bigint[])",
                               [ids])

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
        # Every term in one row: all one-row documents, and long ones whose terms share
        # a passage. In primary-key order, so a common term stops early (the planner
        # uses the GIN index for rare ones); rows of one document are adjacent, so
        # duplicates are dropped in _newest.
        scan_sql = (f"SELECT c.doc_id FROM {TABLE} c{join} WHERE c.tsv @@ %s::tsquery{where}"
                    "{below} ORDER BY c.doc_id DESC, c.seq DESC")
        with connection.cursor() as cursor:
            if filters.is_empty:
                found = _newest(cursor, scan_sql.format(below=""), [all_terms], limit)
            else:
                found, lowest = self._newest_filtered_first(cursor, all_terms, where,
                                                            filter_params, limit)
                if len(found) < limit and lowest is not None:
                    found += _newest(cursor, scan_sql.format(below=" AND c.doc_id < %s"),
                                     [all_terms, *filter_params, lowest], limit - len(found))
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

    @staticmethod
    def _newest_filtered_first(cursor: Any, all_terms: str, where: str,
                               filter_params: list[Any], limit: int
                               ) -> tuple[list[int], int | None]:
        """Matches among the newest SCAN_FACTOR x limit documents passing the filters,
        and the lowest id looked at (None when no older document passes them).

        Left to itself, the planner walks the index rows backwards and tests each
        tsvector before joining to the filter (its cost model prices the test at one
        operator, it reads a 6 KB value): a filter passing one document in six made it
        test six tsvectors per result. Testing the filter first, then the phrase of the
        documents that pass, made the filtered bench queries 2-13x faster at 100,000
        documents (docs/performance.md). The walk is bounded so that a rare phrase falls
        back to the GIN index for older documents."""
        scan = max(1, int(SCAN_FACTOR * limit))
        # The filter columns are read from the narrow table: the documents table's rows
        # carry the whole text, and walking them was most of a filtered search (81 of
        # 102 ms in one plan).
        newest = (f"SELECT d.doc_id AS id FROM {FILTER_TABLE} d WHERE TRUE{where} "
                  "ORDER BY d.doc_id DESC" if filter_table_exists() else
                  f"SELECT d.id FROM core_searchdocument d WHERE TRUE{where} "
                  "ORDER BY d.id DESC")
        sql = (f"SELECT n.id FROM ({newest} LIMIT %s) n CROSS JOIN LATERAL "
               f"(SELECT 1 FROM {TABLE} c WHERE c.doc_id = n.id AND c.tsv @@ %s::tsquery "
               "OFFSET 0) m ORDER BY n.id DESC")
        found = _newest(cursor, sql, [*filter_params, scan, all_terms], limit)
        if len(found) >= limit:
            return found, None
        cursor.execute(f"{newest} OFFSET %s LIMIT 1", [*filter_params, scan - 1])
        row = cursor.fetchone()
        return found, (row[0] if row else None)

    def scores(self, query: ParsedQuery, ids: list[int]) -> dict[int, float]:
        any_term = " | ".join(f"({tsquery_phrase(term)})" for term in query.terms)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT doc_id, sum(ts_rank(tsv, %s::tsquery)) FROM {TABLE} "
                "WHERE doc_id = ANY(%s::bigint[]) GROUP BY doc_id", [any_term, id_array(ids)])
            return {row[0]: float(row[1]) for row in cursor.fetchall()}

    def size_bytes(self) -> int | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size(%s)", [TABLE])
            row = cursor.fetchone()
        return int(row[0]) if row else None


def _newest(cursor: Any, sql: str, params: list[Any], limit: int) -> list[int]:
    """Up to ``limit`` distinct document ids from ``sql`` (ordered newest first, one row
    per matching passage), fetching more rows only when long documents repeat."""
    rows_wanted = limit + 64  # documents are one row, except long ones
    while True:
        cursor.execute(f"{sql} LIMIT %s", [*params, rows_wanted])
        rows = [row[0] for row in cursor.fetchall()]
        found = list(dict.fromkeys(rows))
        if len(found) >= limit or len(rows) < rows_wanted:
            return found
        rows_wanted *= 4  # many passages of long documents matched


_has_filter_table: set[str] = set()


def filter_table_exists() -> bool:
    """Whether ensure_schema has created the filter table (an index built before it
    existed filters through the documents table until its next ensure_schema/rebuild).
    Remembered once true, per database alias."""
    alias = connection.alias
    if alias not in _has_filter_table:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [FILTER_TABLE])
            row = cursor.fetchone()
        if not (row and row[0]):
            return False
        _has_filter_table.add(alias)
    return True
