"""Background tasks of core (django-tasks; the database worker runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def process_search_outbox() -> int:
    """Apply pending search index work (idempotent; safe to run concurrently)."""
    from gongkai.core.search.indexing import process_outbox

    return process_outbox()
