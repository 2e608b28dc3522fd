"""Keeping the index in step with the content: outbox, worker, rebuild and check.

Every change that can alter what search should return (publish, unpublish, edit of a
live page, move, deletion, a view restriction) writes outbox rows in the same
transaction as the change (:func:`enqueue`). After commit a task is queued; the worker
(or ``gongkai periodic`` as a safety net) claims rows with a conditional UPDATE, applies
them and deletes them. Applying is idempotent: the entry is recomputed from the source
and upserted, or removed when the source no longer lists it, so a retry after a crash
does no harm and a lost task only delays the update until the next run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.core.models import SearchDocument, SearchIndexState, SearchOutbox
from gongkai.core.search.analyzer import ANALYZER_VERSION, comparable
from gongkai.core.search.backends import backend_name, get_backend
from gongkai.core.search.registry import IndexEntry, all_sources, get_source

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = dt.timedelta(minutes=10)
BATCH = 200

Progress = Callable[[int], None]


# --- writing to the outbox ---------------------------------------------------------------


def enqueue(source: str, object_ids: Iterable[int]) -> int:
    """Record that these objects must be re-indexed; processed after commit."""
    rows = [SearchOutbox(source=source, object_id=object_id) for object_id in set(object_ids)]
    if not rows:
        return 0
    SearchOutbox.objects.bulk_create(rows)
    transaction.on_commit(schedule_processing)
    return len(rows)


def schedule_processing() -> None:
    from gongkai.core.tasks import process_search_outbox

    try:
        process_search_outbox.enqueue()
    except Exception:  # the rows stay in the outbox; `gongkai periodic` picks them up
        logger.exception("search outbox task could not be queued", extra={"event": "search"})


# --- processing ------------------------------------------------------------------------


def _claim(now: dt.datetime, batch: int) -> tuple[str, list[SearchOutbox]]:
    token = uuid.uuid4().hex
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    ids = list(SearchOutbox.objects.filter(claimable).order_by("id")
               .values_list("id", flat=True)[:batch])
    if not ids:
        return token, []
    # The conditional UPDATE is the claim: a row another worker took in between no
    # longer matches `claimable` and is left to it.
    SearchOutbox.objects.filter(claimable, id__in=ids).update(
        claimed_at=now, claim_token=token)
    return token, list(SearchOutbox.objects.filter(claim_token=token))


def process_outbox(*, now: dt.datetime | None = None, batch: int = BATCH,
                   max_batches: int | None = None) -> int:
    """Apply pending outbox rows; returns how many rows were processed."""
    ensure_current_analyzer()
    done = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        token, rows = _claim(now or timezone.now(), batch)
        if not rows:
            break
        batches += 1
        by_source: dict[str, set[int]] = defaultdict(set)
        for row in rows:
            by_source[row.source].add(row.object_id)
        try:
            for source, ids in by_source.items():
                apply(source, sorted(ids))
        except Exception as exc:
            SearchOutbox.objects.filter(claim_token=token).update(
                claimed_at=None, claim_token="", last_error=repr(exc)[:2000])
            for row in rows:
                SearchOutbox.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
            raise
        SearchOutbox.objects.filter(claim_token=token).delete()
        done += len(rows)
    return done


def entry_hash(entry: IndexEntry) -> str:
    payload = json.dumps(entry.as_fields(), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{ANALYZER_VERSION}:{payload}".encode()).hexdigest()


def apply(source_name: str, object_ids: Sequence[int]) -> None:
    """Bring the index in line with the source for these ids (idempotent)."""
    source = get_source(source_name)
    if source is None:
        logger.warning("unknown search source %s", source_name, extra={"event": "search"})
        return
    entries = source.entries(object_ids)
    backend = get_backend()
    with transaction.atomic():
        existing = {doc.object_id: doc for doc in SearchDocument.objects.select_for_update()
                    .filter(source=source_name, object_id__in=object_ids)}
        gone = [doc for object_id, doc in existing.items() if object_id not in entries]
        if gone:
            backend.remove(gone)
            SearchDocument.objects.filter(pk__in=[doc.pk for doc in gone]).delete()
        new_docs: list[SearchDocument] = []
        for object_id, entry in entries.items():
            old = existing.get(object_id)
            digest = entry_hash(entry)
            if old is None:
                new_docs.append(_filled(SearchDocument(source=source_name, object_id=object_id),
                                        entry, digest))
            elif old.content_hash != digest:
                backend.remove([old])
                _filled(old, entry, digest).save()
                backend.add([old])
        if new_docs:
            # bulk_create sets primary keys on SQLite and PostgreSQL alike.
            backend.add(SearchDocument.objects.bulk_create(new_docs))


def _filled(doc: SearchDocument, entry: IndexEntry, digest: str) -> SearchDocument:
    for name, value in entry.as_fields().items():
        setattr(doc, name, value)
    doc.title = entry.title[:500]
    doc.title_norm = comparable(entry.title)[:500]
    doc.content_hash = digest
    doc.indexed_at = timezone.now()
    return doc


def ensure_current_analyzer() -> None:
    """Rebuild from scratch when the index was built by another analyzer version.

    A contentless FTS5 index can only forget a document given the exact tokens it was
    indexed with, so mixing analyzer versions would corrupt it.
    """
    state = SearchIndexState.objects.filter(backend=backend_name()).first()
    if state is not None and state.analyzer_version == ANALYZER_VERSION:
        return
    if state is None and not SearchDocument.objects.exists():
        _record_state()
        return
    logger.warning("search analyzer changed: rebuilding the index", extra={"event": "search"})
    rebuild()


def _record_state() -> None:
    SearchIndexState.objects.update_or_create(
        backend=backend_name(),
        defaults={"analyzer_version": ANALYZER_VERSION, "rebuilt_at": timezone.now()},
    )


# --- rebuild and check -----------------------------------------------------------------


@dataclass
class RebuildReport:
    documents: int = 0
    by_source: dict[str, int] = field(default_factory=dict)


def _source_ids() -> dict[str, list[int]]:
    return {source.name: list(source.all_ids()) for source in all_sources()}


def rebuild(progress: Progress | None = None, *, batch: int = 500) -> RebuildReport:
    """Empty the index and rebuild it from the sources (the database is the truth)."""
    backend = get_backend()
    backend.ensure_schema()
    report = RebuildReport()
    with transaction.atomic():
        backend.clear()
        SearchDocument.objects.all().delete()
        SearchOutbox.objects.all().delete()
    for name, ids in _source_ids().items():
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            apply(name, chunk)
            if progress:
                progress(len(chunk))
        report.by_source[name] = SearchDocument.objects.filter(source=name).count()
    report.documents = sum(report.by_source.values())
    _record_state()
    return report


def total_to_index() -> int:
    return sum(len(ids) for ids in _source_ids().values())


@dataclass
class CheckReport:
    expected: int = 0
    indexed: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    not_in_backend: list[str] = field(default_factory=list)
    pending_outbox: int = 0
    analyzer_outdated: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphaned or self.not_in_backend
                    or self.analyzer_outdated)


def check(progress: Progress | None = None, *, batch: int = 500) -> CheckReport:
    """Compare the index with what the sources say should be in it right now."""
    backend = get_backend()
    report = CheckReport(pending_outbox=SearchOutbox.objects.count())
    state = SearchIndexState.objects.filter(backend=backend_name()).first()
    report.analyzer_outdated = bool(state and state.analyzer_version != ANALYZER_VERSION)
    in_backend = backend.indexed_ids()
    for source in all_sources():
        ids = list(source.all_ids())
        report.expected += len(ids)
        docs = {doc.object_id: doc for doc in SearchDocument.objects.filter(source=source.name)
                .only("id", "object_id", "content_hash")}
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            for object_id, entry in source.entries(chunk).items():
                doc = docs.get(object_id)
                label = f"{source.name}:{object_id}"
                if doc is None:
                    report.missing.append(label)
                elif doc.content_hash != entry_hash(entry):
                    report.stale.append(label)
                elif doc.pk not in in_backend:
                    report.not_in_backend.append(label)
            if progress:
                progress(len(chunk))
        expected_ids = set(ids)
        report.orphaned.extend(f"{source.name}:{object_id}" for object_id in docs
                               if object_id not in expected_ids)
    report.indexed = SearchDocument.objects.count()
    return report
