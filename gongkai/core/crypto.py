"""Encryption of personal fields at rest (TOTP secrets, reporters' identities, …).

Keys come from GONGKAI_FIELD_KEYS: comma-separated Fernet keys, newest first. MultiFernet
decrypts with any of them and encrypts with the first, so a key is rotated by putting a new
one in front, running ``rotate`` over the stored values, then dropping the old key. Without
the setting one key is derived from SECRET_KEY (convenient for the demo and tests); the
deployment check ``gongkai check --deploy`` warns about it, because then rotating
SECRET_KEY would make the stored values unreadable.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """The value was not encrypted with any configured key (or was tampered with)."""


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"gongkai-field-key|{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(getattr(settings, "GONGKAI_FIELD_KEYS", ())), settings.SECRET_KEY)


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
