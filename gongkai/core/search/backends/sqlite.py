"""SQLite FTS5 over application-side bigrams: the embedded default.

A contentless FTS5 table (``content=''``) holds only the index; the text lives in
``core_searchdocument``. FTS5's ``unicode61`` tokenizer just splits the analyzer's
space-separated tokens, so matching never depends on SQLite's own idea of Chinese (its
trigram tokenizer cannot match two-character words at all). Queries are FTS5 phrases of
bigrams; nothing the visitor typed reaches FTS5 syntax (see :mod:`..query`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from gongkai.core.models import SearchDocument
from gongkai.core.search.analyzer import token_string
from gongkai.core.search.backends.base import DatabaseBackend
from gongkai.core.search.query import ParsedQuery, Term

TABLE = "gk_search_fts"
# Column weights for bm25: a match in the title counts most.
WEIGHTS = "10.0, 4.0, 1.0, 1.0"


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

    def recent_matches(self, query: ParsedQuery, restrict: QuerySet[SearchDocument] | None,
                       limit: int) -> list[int]:
        params: list[Any] = [match_expression(query)]
        where = ""
        if restrict is not None:
            restrict_sql, restrict_params = restrict.values("id").query.sql_with_params()
            where = f" AND rowid IN ({restrict_sql})"
            params.extend(restrict_params)
        params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s{where} "
                           "ORDER BY rowid DESC LIMIT %s", params)
            return [row[0] for row in cursor.fetchall()]

    def scores(self, query: ParsedQuery, ids: list[int]) -> dict[int, float]:
        # A rowid range, not `rowid IN (…)`: FTS5 evaluates the whole MATCH again for
        # every value of an IN list (300 ids took 1.9 s at 10,000 documents).
        wanted = set(ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, -bm25({TABLE}, {WEIGHTS}) FROM {TABLE} "
                f"WHERE {TABLE} MATCH %s AND rowid BETWEEN %s AND %s",
                [match_expression(query), min(ids), max(ids)])
            return {row[0]: float(row[1]) for row in cursor.fetchall() if row[0] in wanted}

    def size_bytes(self) -> int | None:
        with connection.cursor() as cursor:
            try:
                cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE %s",
                               [f"{TABLE}%"])
            except Exception:  # dbstat is an optional SQLite extension
                return None
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None
