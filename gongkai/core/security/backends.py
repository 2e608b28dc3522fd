"""The authentication backend that refuses a locked account even with the right password,
for every way in (the admin login form, the shell, any future API login)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from gongkai.core.security import services


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        if username and services.locked_until(username, timezone.now()) is not None:
            # PermissionDenied stops Django trying other backends and sends
            # user_login_failed, which records the attempt as made on a locked account.
            raise PermissionDenied("account locked")
        return super().authenticate(request, username=username, password=password, **kwargs)
