"""The mail outbox: every e-mail gongkai sends goes out through ``send_once``.

SMTP has no exactly-once delivery, and a task worker or a cron run can die at any moment.
``send_once`` narrows what a death can cost to one window and makes that window harmless:

1. *claim*: the key's ``OutgoingMail`` row is set to ``sending`` (attempt counted) and
   **committed** before the mail server is contacted;
2. the message is built by the caller's ``build(params)`` and sent with a **deterministic
   Message-ID** derived from the key;
3. *finish*: the row is set to ``sent`` and committed.

A key already ``sent`` is never sent again. A ``sending`` row whose claim is younger than
``GONGKAI_MAIL_CLAIM_SECONDS`` belongs to someone sending right now and is left alone; an
older one was abandoned (the process died between 1 and 3) and the next caller with the
same key — the requeued task (``gongkai recover_tasks``), the next periodic run — sends it
again, with the same Message-ID: if the first attempt did reach the mail server just before
the death, mail servers and clients treat the two as one message. ``params`` are stored at
the first claim and handed to ``build`` on every attempt, so a retry rebuilds the very same
content (a digest's range of items, for instance).

Call it **outside** any transaction (after commit, in a task, in a periodic command): the
claim must be committed before the send, or the whole protocol collapses to "send, then
hope the commit succeeds".
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.core.enums import MailState
from gongkai.core.models import OutgoingMail

logger = logging.getLogger(__name__)

# After this many failed attempts (the mail server refused, the build raised) a key is
# marked failed and left for an operator: a permanently bad address must not be retried
# every minute for ever.
MAX_ATTEMPTS = 5

Builder = Callable[[Mapping[str, Any]], EmailMessage | None]


class MailOutcome(enum.Enum):
    SENT = "sent"  # sent now
    ALREADY_SENT = "already_sent"  # an earlier attempt finished it
    IN_PROGRESS = "in_progress"  # someone else holds a fresh claim
    DROPPED = "dropped"  # the builder found nothing to send (recipient gone…)
    GAVE_UP = "gave_up"  # MAX_ATTEMPTS failures


@dataclass(frozen=True)
class MailResult:
    outcome: MailOutcome
    message_id: str
    params: Mapping[str, Any]


def claim_seconds() -> int:
    return int(getattr(settings, "GONGKAI_MAIL_CLAIM_SECONDS", 600))


def message_id_for(key: str) -> str:
    """The same key always gives the same Message-ID (RFC 5322 ``<id@domain>``). The key is
    hashed: it may contain ids, which say nothing to the recipient."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    domain = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"
    return f"<{digest}.gongkai@{domain}>"


def claim(
    key: str, *, params: Mapping[str, Any], now: dt.datetime
) -> tuple[OutgoingMail, MailOutcome | None]:
    """Step 1: take the key for one attempt (committed on return), or say why not.

    Returns the row and ``None`` when the caller must send now."""
    with transaction.atomic():
        row = OutgoingMail.objects.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = OutgoingMail.objects.create(
                        key=key,
                        state=MailState.SENDING,
                        message_id=message_id_for(key),
                        params=dict(params),
                        attempts=1,
                        created_at=now,
                        claimed_at=now,
                    )
                return row, None
            except IntegrityError:  # a concurrent caller created it first
                row = OutgoingMail.objects.select_for_update().get(key=key)
        done = _finished_outcome(row, now)
        if done is not None:
            return row, done
        if row.attempts >= MAX_ATTEMPTS:
            row.state = MailState.FAILED
            row.save(update_fields=["state"])
            logger.error("mail gave up", extra={"event": "mail_gave_up", "key": key})
            return row, MailOutcome.GAVE_UP
        if row.claimed_at is not None:  # abandoned by a process that died mid-send
            logger.warning(
                "mail claim expired; sending again with the same Message-ID",
                extra={"event": "mail_reclaimed", "key": key},
            )
        row.attempts += 1
        row.claimed_at = now
        row.save(update_fields=["attempts", "claimed_at"])
        return row, None


def _finished_outcome(row: OutgoingMail, now: dt.datetime) -> MailOutcome | None:
    if row.state == MailState.SENT:
        return MailOutcome.ALREADY_SENT
    if row.state == MailState.DROPPED:
        return MailOutcome.DROPPED
    if row.state == MailState.FAILED:
        return MailOutcome.GAVE_UP
    fresh_after = now - dt.timedelta(seconds=claim_seconds())
    if row.claimed_at is not None and row.claimed_at > fresh_after:
        return MailOutcome.IN_PROGRESS
    return None


def finish(row: OutgoingMail, state: MailState, *, now: dt.datetime) -> None:
    """Step 3: record the attempt's end. Only a still-``sending`` row changes."""
    with transaction.atomic():
        OutgoingMail.objects.filter(pk=row.pk, state=MailState.SENDING).update(
            state=state, sent_at=now if state == MailState.SENT else None, last_error=""
        )
    row.state = state


def release(row: OutgoingMail, error: BaseException) -> None:
    """The attempt failed before the mail server took the message (or we cannot tell):
    drop the claim so the next caller retries at once instead of after the claim expires."""
    with transaction.atomic():
        OutgoingMail.objects.filter(pk=row.pk, state=MailState.SENDING).update(
            claimed_at=None, last_error=type(error).__name__[:200]
        )
    logger.warning(
        "mail attempt failed",
        extra={"event": "mail_failed", "key": row.key, "error": type(error).__name__},
    )


def send_once(
    key: str,
    build: Builder,
    *,
    params: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> MailResult:
    """Send the message ``build(params)`` unless the key was already sent (see the module
    docstring). ``build`` returns ``None`` when there is nothing to send any more. A failed
    send re-raises after releasing the claim, so the caller (task, periodic run) fails
    visibly and the next call retries."""
    now = now or timezone.now()
    row, done = claim(key, params=params or {}, now=now)
    if done is not None:
        return MailResult(done, row.message_id, row.params)
    try:
        message = build(row.params)
        if message is None:
            finish(row, MailState.DROPPED, now=now)
            return MailResult(MailOutcome.DROPPED, row.message_id, row.params)
        message.extra_headers["Message-ID"] = row.message_id
        message.send()
    except BaseException as exc:  # SIGTERM's SystemExit too: nothing was confirmed
        release(row, exc)
        raise
    finish(row, MailState.SENT, now=now)
    return MailResult(MailOutcome.SENT, row.message_id, row.params)


def prepared(message: EmailMessage) -> Builder:
    """The builder of a message the caller composed already: for periodic runs, which
    compose it anew on every run (a retry after a death sends the run's current text)."""

    def build(_params: Mapping[str, Any]) -> EmailMessage:
        return message

    return build


def task_key(task_result_id: object) -> str:
    """The key of "the mail of this one enqueued task": stable when a killed worker's task
    is requeued (same task result row), distinct for every new enqueue."""
    return f"task:{task_result_id}"
