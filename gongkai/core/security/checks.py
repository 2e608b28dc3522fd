"""Deployment checks (`gongkai check --deploy`) for the security settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def security_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    if not settings.GONGKAI_FIELD_KEYS and not settings.GONGKAI_FIELD_KEYS_DERIVED:
        found.append(Error(
            "GONGKAI_FIELD_KEYS is not set: staff cannot enrol a second factor and named "
            "违法举报 cannot be stored (personal fields are only stored encrypted).",
            hint="Generate a key with `gongkai shell -c 'from gongkai.core.crypto import "
                 "new_key; print(new_key())'` and set GONGKAI_FIELD_KEYS.",
            id="gongkai.E001"))
    if settings.GONGKAI_STAFF_2FA != "required":
        found.append(Warning("GONGKAI_STAFF_2FA is not 'required': staff may sign in with a "
                             "password alone.", id="gongkai.W002"))
    if not settings.GONGKAI_STAFF_IDLE_TIMEOUT:
        found.append(Warning("GONGKAI_STAFF_IDLE_TIMEOUT is 0: idle staff sessions never end.",
                             id="gongkai.W003"))
    return found
