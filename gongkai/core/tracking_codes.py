"""How a 查询码 is stored and checked (依申请公开 applications, 互动交流 messages, 统计违法举报).

A 查询码 is eight characters derived from the submission's idempotency key by an HMAC
under ``SECRET_KEY`` (``info_requests.selectors.derive_code``,
``consultations.services.derive_code``), so a double-clicked submit shows the same code
twice. What the row keeps is a keyed hash of the code, again an HMAC under ``SECRET_KEY``:

* someone holding a copy of the database but not ``SECRET_KEY`` can neither recompute a
  code from the stored idempotency key nor test guesses against the stored hash;
* someone holding both could derive every code from the idempotency keys anyway, so a
  slow password hash (Django's PBKDF2, 1,000,000 iterations, which the first version
  used) bought nothing against them — and cost about 0.5 s of CPU per submission and per
  tracking attempt on an idle core of the reference machine, 80 % of a submission's time
  (docs/reliability.md, PostgreSQL restart drill).

Checking tries ``SECRET_KEY`` and then each of ``SECRET_KEY_FALLBACKS``, so codes survive a
key rotation done the Django way. Rows written by the first version hold a Django password
hash, recognised by its ``algorithm$`` prefix, and are still checked with it.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.hashers import check_password

PREFIX = "hmac_sha256$"


def _digest(code: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"gongkai-tracking-code:{code}".encode(),
                    hashlib.sha256).hexdigest()


def hash_code(code: str) -> str:
    """The stored form of a 查询码 (under the current ``SECRET_KEY``)."""
    return PREFIX + _digest(code, settings.SECRET_KEY)


def code_matches(code: str, stored: str | None) -> bool:
    """Whether ``code`` is the one stored; ``stored=None`` (no such number) does the same
    work as a mismatch, so the answer takes as long whether or not the number exists."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if stored is not None and not stored.startswith(PREFIX):
        return check_password(code, stored)  # written by the first version
    wanted = stored[len(PREFIX):] if stored is not None else ""
    found = False
    for secret in secrets:
        # Every key is tried even after a match: constant work per attempt.
        found |= hmac.compare_digest(_digest(code, secret), wanted)
    return found and stored is not None
