"""查询码 storage: a keyed hash, checked under the current and the fallback keys, with the
first version's password hashes still accepted (gongkai/core/tracking_codes.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from gongkai.core.tracking_codes import PREFIX, code_matches, hash_code

CODE = "K7WQ3MXP"


def test_it_stores_neither_the_code_nor_an_unkeyed_hash() -> None:
    import hashlib

    stored = hash_code(CODE)
    assert stored.startswith(PREFIX)
    assert CODE not in stored
    assert hashlib.sha256(CODE.encode()).hexdigest() not in stored


@pytest.mark.parametrize(("typed", "expected"), [
    (CODE, True),
    ("K7WQ3MXQ", False),
    ("", False),
    (CODE.lower(), False),  # normalising is the selectors' job, before this check
])
def test_it_accepts_only_the_code_itself(typed: str, expected: bool) -> None:
    assert code_matches(typed, hash_code(CODE)) is expected


def test_an_unknown_number_never_matches_even_the_empty_digest() -> None:
    assert code_matches(CODE, None) is False
    assert code_matches("", None) is False


def test_it_depends_on_secret_key_so_a_database_copy_alone_cannot_test_guesses() -> None:
    with override_settings(SECRET_KEY="a-different-installation-key-" + "x" * 30):
        elsewhere = hash_code(CODE)
    assert elsewhere != hash_code(CODE)
    assert code_matches(CODE, elsewhere) is False


def test_codes_survive_a_key_rotation_through_secret_key_fallbacks() -> None:
    old_key = "the-old-installation-key-" + "y" * 30
    with override_settings(SECRET_KEY=old_key):
        stored = hash_code(CODE)
    with override_settings(SECRET_KEY="the-new-installation-key-" + "z" * 30,
                           SECRET_KEY_FALLBACKS=[old_key]):
        assert code_matches(CODE, stored) is True
        assert code_matches("K7WQ3MXQ", stored) is False


def test_it_still_checks_the_password_hashes_of_the_first_version() -> None:
    legacy = make_password(CODE)
    assert code_matches(CODE, legacy) is True
    assert code_matches("K7WQ3MXQ", legacy) is False
