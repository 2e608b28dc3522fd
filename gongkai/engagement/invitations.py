"""What proves "one answer per person" for a survey without an account (pure functions).

* **Invitation codes.** A code is derived from its row's random ``nonce`` with an HMAC keyed by
  ``SECRET_KEY``: 12 symbols of a 32-symbol alphabet without look-alikes (0/O, 1/I), 60 bits,
  shown as ``XXXX-XXXX-XXXX``. The database holds the nonce and ``code_hash`` (a second keyed
  HMAC of the code, for lookup), never the code: the database alone gives no code, and staff
  can still export a batch again. Whoever holds both the database and the key can recompute
  unused codes — the same trust the project's link tokens place in the key.
* **E-mail verification.** ``email_nullifier`` is a keyed hash of (survey, normalised
  address): the address itself is not stored. The one-time link carries it in a signed,
  timestamped token, so following the link proves control of the mailbox.
* **Browser.** The nullifier over the browser's cookie token (``views.browser_token``).

Every nullifier has its own salt, so the three kinds can never collide.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata

from django.core import signing
from django.utils.crypto import salted_hmac

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: 5 bits each, no 0/O/1/I
CODE_LENGTH = 12
CODE_SALT = "gongkai.engagement.invitation-code"
LOOKUP_SALT = "gongkai.engagement.invitation-lookup"
INVITATION_NULLIFIER_SALT = "gongkai.engagement.survey-invitation"
EMAIL_NULLIFIER_SALT = "gongkai.engagement.survey-email"
BROWSER_NULLIFIER_SALT = "gongkai.engagement.survey-nullifier"
LINK_SALT = "gongkai.engagement.survey-link"
LINK_MAX_AGE = dt.timedelta(days=7)
MAX_BATCH = 2000


def new_nonce() -> str:
    return secrets.token_hex(16)


def invitation_code(nonce: str) -> str:
    """The code of the row with this nonce, grouped ``XXXX-XXXX-XXXX`` for reading aloud."""
    digest = int.from_bytes(salted_hmac(CODE_SALT, nonce, algorithm="sha256").digest()[:8])
    symbols = "".join(ALPHABET[(digest >> (5 * i)) & 31] for i in range(CODE_LENGTH))
    return "-".join(symbols[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(raw: str) -> str:
    """What a person may type for a code: any case, spaces or hyphens, full-width letters."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def code_hash(raw: str) -> str:
    return salted_hmac(LOOKUP_SALT, normalise_code(raw), algorithm="sha256").hexdigest()


def invitation_nullifier(survey_id: int, invitation_id: int) -> str:
    return salted_hmac(
        INVITATION_NULLIFIER_SALT, f"{survey_id}:{invitation_id}", algorithm="sha256"
    ).hexdigest()


def browser_nullifier(survey_id: int, token: str) -> str:
    """Keyed hash of (survey, browser token): the same browser gives the same value for one
    survey, unrelated values for two surveys, and nothing to go back to the cookie."""
    return salted_hmac(
        BROWSER_NULLIFIER_SALT, f"{survey_id}:{token}", algorithm="sha256"
    ).hexdigest()


def normalise_email(address: str) -> str:
    """One address, one value: Unicode-normalised, trimmed, lower-cased (mailbox names are
    case-insensitive at every provider a respondent would use)."""
    return unicodedata.normalize("NFKC", address).strip().lower()


def email_nullifier(survey_id: int, address: str) -> str:
    return salted_hmac(
        EMAIL_NULLIFIER_SALT, f"{survey_id}:{normalise_email(address)}", algorithm="sha256"
    ).hexdigest()


def email_link_token(survey_id: int, address: str) -> str:
    """The one-time link's token: signed (SECRET_KEY) and timestamped; it holds the survey id
    and the address's nullifier, not the address."""
    return signing.TimestampSigner(salt=LINK_SALT).sign_object(
        {"s": survey_id, "n": email_nullifier(survey_id, address)}
    )


def nullifier_from_link(survey_id: int, token: str) -> str | None:
    """The nullifier a link token vouches for, or None (forged, expired, other survey)."""
    try:
        payload = signing.TimestampSigner(salt=LINK_SALT).unsign_object(token, max_age=LINK_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("s") != survey_id:
        return None
    value = payload.get("n")
    return value if isinstance(value, str) else None
