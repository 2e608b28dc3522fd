"""The hash-chained audit log.

Each entry's hash covers its content and the previous entry's hash, so deleting or
editing an entry breaks every hash after it; ``verify_chain`` finds the first break.
Appends lock one head row, so concurrent writers queue and the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from gongkai.core.models import Agency, AuditChainHead, AuditLogEntry


def _digest(prev_hash: str, seq: int, payload: Mapping[str, Any]) -> str:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(f"{prev_hash}|{seq}|{body}".encode()).hexdigest()


def _payload(entry: AuditLogEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor_label,
        "action": entry.action,
        "agency": entry.agency_id,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "data": entry.data,
    }


def record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    agency: Agency | None = None,
    target: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditLogEntry:
    """Append one entry. Call it inside the service's transaction."""
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        user = actor if isinstance(actor, AbstractBaseUser) else None
        entry = AuditLogEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=user,  # type: ignore[misc]
            actor_label=user.get_username() if user is not None else "system",
            action=action,
            agency=agency,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            data=json.loads(json.dumps(dict(data or {}), ensure_ascii=False, default=str)),
            prev_hash=head.last_hash,
        )
        entry.hash = _digest(entry.prev_hash, entry.seq, _payload(entry))
        entry.save()
        head.last_hash = entry.hash
        head.last_seq = entry.seq
        head.save(update_fields=["last_hash", "last_seq"])
        return entry


def verify_chain(progress: Callable[[int], object] | None = None) -> int | None:
    """The seq of the first entry whose hash does not verify, or None if all do. Sequence
    numbers must run 1, 2, 3 … with no gap, and the chain head must name the last entry, so
    deleting the newest entries shows too."""
    prev = ""
    expected_seq = 1
    for entry in AuditLogEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if (entry.seq != expected_seq or entry.prev_hash != prev
                or entry.hash != _digest(prev, entry.seq, _payload(entry))):
            return entry.seq
        prev = entry.hash
        expected_seq += 1
        if progress is not None:
            progress(1)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        return expected_seq  # entries after this one were removed
    return None
