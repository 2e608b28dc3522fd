"""Link tokens for registrants and subscribers.

A token is an HMAC (keyed with SECRET_KEY) of a purpose, the row's id and the row's random
nonce. Without the key it cannot be guessed; it names its row, so a token for one
registration or subscription is worthless for any other; and a different purpose gives a
different token, so a confirmation link cannot unsubscribe. Nothing secret is stored: the
nonce alone does not give the token.
"""

from __future__ import annotations

from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "gongkai.engagement.link."

CANCEL_REGISTRATION = "cancel-registration"
CONFIRM_SUBSCRIPTION = "confirm-subscription"
UNSUBSCRIBE = "unsubscribe"
UNSUBSCRIBE_ALL = "unsubscribe-all"


def make_token(purpose: str, pk: int, nonce: str) -> str:
    return salted_hmac(SALT + purpose, f"{pk}:{nonce}", algorithm="sha256").hexdigest()[:48]


def check_token(purpose: str, pk: int, nonce: str, token: str) -> bool:
    return constant_time_compare(make_token(purpose, pk, nonce), token)
