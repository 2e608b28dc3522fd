"""Encrypted fields of the 统计违法举报 channel: the reporter's identity, as one JSON token.

Encryption, keys and their rotation are gongkai.core.crypto's (docs/security.md); this
module only packs the identity fields into one token.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from gongkai.core import crypto

InvalidToken = crypto.DecryptionError

__all__ = ["InvalidToken", "decrypt_json", "encrypt_json", "rotate"]


def encrypt_json(data: Mapping[str, str]) -> str:
    return crypto.encrypt(json.dumps(dict(data), ensure_ascii=False, sort_keys=True))


def decrypt_json(token: str) -> dict[str, str]:
    if not token:
        return {}
    value: dict[str, str] = json.loads(crypto.decrypt(token))
    return value


def rotate(token: str) -> str:
    """The token re-encrypted with the newest key (unchanged content)."""
    return crypto.rotate(token)
