"""Search backends behind one interface (docs/search.md)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import connection

from gongkai.core.search.backends.base import SearchBackend


@functools.cache
def _backend(name: str) -> SearchBackend:
    if name == "sqlite":
        from gongkai.core.search.backends.sqlite import SqliteFts5Backend

        return SqliteFts5Backend()
    if name == "postgres":
        from gongkai.core.search.backends.postgres import PostgresTsvectorBackend

        return PostgresTsvectorBackend()
    raise ValueError(f"unknown search backend {name!r}")


def backend_name() -> str:
    """``GONGKAI_SEARCH_BACKEND``, or the one that matches the database."""
    configured: str = getattr(settings, "GONGKAI_SEARCH_BACKEND", "") or ""
    if configured:
        return configured
    return "postgres" if connection.vendor == "postgresql" else "sqlite"


def get_backend() -> SearchBackend:
    return _backend(backend_name())
