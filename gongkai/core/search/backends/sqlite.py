"""SQLite FTS5 over application-side bigrams: the embedded default.

A contentless FTS5 table (``content=''``) holds only the index; the text lives in
``core_searchdocument``. FTS5's ``unicode61`` tokenizer just splits the analyzer's
space-separated tokens, so matching never depends on SQLite's own idea of Chinese (its
trigram tokenizer cannot match two-character words at all). Queries are FTS5 phrases of
bigrams; nothing the visitor typed reaches FTS5 syntax (see :mod:`..query`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection

from gongkai.core.models import SearchDocument
from gongkai.core.search.analyzer import runs, token_string
from gongkai.core.search.backends.base import DatabaseBackend, SearchFilters
from gongkai.core.search.query import ParsedQuery, Term

TABLE = "gk_search_fts"


def fields(doc: SearchDocument) -> list[str]:
    return [token_string(doc.title), token_string(doc.summary), token_string(doc.body),
            token_string(doc.attachments)]


def _row(doc: SearchDocument) -> list[int | str]:
    return [doc.pk, *fields(doc)]


def phrase(term: Term) -> str:
    words = " ".join(token.text for token in term.tokens)
    star = " *" if term.tokens[-1].prefix else ""
    return f'"{words}"{star}'


def match_expression(query: ParsedQuery) -> str:
    return " AND ".join(phrase(term) for term in query.terms)


class SqliteFts5Backend(DatabaseBackend):
    name = "sqlite"

    def ensure_schema(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
                "title, summary, body, attachments, content='', "
                "tokenize='unicode61 remove_diacritics 0')"
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES('delete-all')")

    def add(self, docs: Sequence[SearchDocument]) -> None:
        rows = [_row(doc) for doc in docs]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE}(rowid, title, summary, body, attachments) "
                "VALUES (%s, %s, %s, %s, %s)", rows)

    def remove(self, docs: Sequence[SearchDocument]) -> None:
        # A contentless table forgets a row only when given the tokens it was indexed
        # with; they are recomputed from the stored text (the analyzer version is
        # checked before, see indexing.ensure_current_analyzer).
        rows = [_row(doc) for doc in docs]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE}({TABLE}, rowid, title, summary, body, attachments) "
                "VALUES ('delete', %s, %s, %s, %s, %s)", rows)

    def indexed_ids(self) -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {TABLE}")
            return {row[0] for row in cursor.fetchall()}

    def match_sql(self, query: ParsedQuery) -> tuple[str, list[Any]]:
        return (f"SELECT rowid AS doc_id FROM {TABLE} WHERE {TABLE} MATCH %s",
                [match_expression(query)])

    def recent_matches(self, query: ParsedQuery, filters: SearchFilters, limit: int) -> list[int]:
        where, params = filters.sql("d")
        join = "" if filters.is_empty else " JOIN core_searchdocument d ON d.id = f.rowid"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT f.rowid FROM {TABLE} f{join} WHERE f.{TABLE} MATCH %s"
                           f"{where} ORDER BY f.rowid DESC LIMIT %s",
                           [match_expression(query), *params, limit])
            return [row[0] for row in cursor.fetchall()]

    def scores(self, query: ParsedQuery, ids: list[int]) -> dict[int, float]:
        """Term frequency by field (title ×10, summary ×4, body and attachments ×1), with
        a mild length normalisation, counted in SQL on the stored text.

        Not FTS5's bm25: its IDF makes FTS5 count the documents containing each phrase,
        which for a phrase means checking positions in every matching document of the
        whole index (100 ms for an 8-character query at 100,000 documents). Within one
        query the IDF is the same for every document, so term frequency ranks alike."""
        pieces = sorted({run for term in query.terms for run in runs(term.text)})
        if not pieces:
            return {}
        terms: list[str] = []
        params: list[Any] = []
        for piece in pieces:
            for column, weight in (("title_norm", 10), ("lower(summary)", 4),
                                   ("lower(body)", 1), ("lower(attachments)", 1)):
                terms.append(f"{weight} * (length({column}) - length(replace({column}, %s, '')))"
                             f" / {len(piece)}")
                params.append(piece)
        score = " + ".join(terms)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, ({score}) / (1.0 + length(body) / 4000.0) "
                "FROM core_searchdocument WHERE id IN (SELECT value FROM json_each(%s))",
                [*params, json.dumps(ids)])
            return {row[0]: float(row[1]) for row in cursor.fetchall()}

    def size_bytes(self) -> int | None:
        with connection.cursor() as cursor:
            try:
                cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE %s",
                               [f"{TABLE}%"])
            except Exception:  # dbstat is an optional SQLite extension
                return None
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None
