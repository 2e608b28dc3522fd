"""Encryption of personal fields at rest (TOTP secrets, reporters' identities, …).

Keys come from GONGKAI_FIELD_KEYS: comma-separated Fernet keys, newest first. MultiFernet
decrypts with any of them and encrypts with the first, so a key is rotated by putting a new
one in front, running ``gongkai rotate_field_keys`` (re-encrypts every stored value with the
new key), then dropping the old key. Without configured keys only DEBUG and the test settings
(``GONGKAI_FIELD_KEYS_DERIVED``) use a key derived from SECRET_KEY; anywhere else encrypting
is refused, never done with a weak key (``gongkai check --deploy`` reports the missing keys).
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """The value was not encrypted with any configured key (or was tampered with)."""


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"gongkai-field-key:{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    keys = tuple(k for k in getattr(settings, "GONGKAI_FIELD_KEYS", ()) if k)
    if not keys and not getattr(settings, "GONGKAI_FIELD_KEYS_DERIVED", False):
        raise ImproperlyConfigured(
            "GONGKAI_FIELD_KEYS is not set: generate a key with "
            "`gongkai shell -c 'from gongkai.core.crypto import new_key; print(new_key())'`")
    return _fernet(keys, settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    """Ciphertext as ASCII text; the empty string stays empty (nothing to protect)."""
    if not plain:
        return ""
    return _current().encrypt(plain.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("value cannot be decrypted with the configured keys") from exc



def rotate(token: str) -> str:
    """Re-encrypt with the newest key (for key rotation)."""
    if not token:
        return ""
    return _current().rotate(token.encode("ascii")).decode("ascii")


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


# --- key rotation over every encrypted field ----------------------------------------------

# (app_label.ModelName, field name) of every field holding a token of this module; apps add
# theirs in AppConfig.ready, and `gongkai rotate_field_keys` re-encrypts them all.
ENCRYPTED_FIELDS: list[tuple[str, str]] = []


def register_encrypted_field(model_label: str, field_name: str) -> None:
    if (model_label, field_name) not in ENCRYPTED_FIELDS:
        ENCRYPTED_FIELDS.append((model_label, field_name))
