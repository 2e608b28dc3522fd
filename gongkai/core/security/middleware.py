"""Idle timeout and the second-factor gate for signed-in staff.

Only admin URLs are gated: the public site has no staff-only content outside the admin, and
checking every public request would cost a session write each time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from gongkai.core.enums import LoginOutcome
from gongkai.core.security import services
from gongkai.core.security.rules import is_idle_expired
from gongkai.core.security.signals import current_actor

SEEN_KEY = "gk_seen"
TOTP_KEY = "gk_totp_ok"
# Write the last-seen time at most this often: a session write per request is wasteful.
SEEN_RESOLUTION = 30


def _exempt(path: str) -> bool:
    names = ("gk_totp", "wagtailadmin_logout", "wagtailadmin_login")
    return any(path.startswith(reverse(name)) for name in names) or path.startswith(
        settings.STATIC_URL)


class StaffSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.path.startswith(self.admin_prefix):
            response = self._gate(request)
            if response is not None:
                return response
            token = current_actor.set(cast(AbstractBaseUser, request.user))
            try:
                return self.get_response(request)
            finally:
                current_actor.reset(token)
        return self.get_response(request)

    def _gate(self, request: HttpRequest) -> HttpResponse | None:
        now = timezone.now().timestamp()
        seen = request.session.get(SEEN_KEY)
        if is_idle_expired(seen, now, settings.GONGKAI_STAFF_IDLE_TIMEOUT):
            user = cast(AbstractBaseUser, request.user)
            services.record_logout(user=user, request=request,
                                   outcome=LoginOutcome.IDLE_TIMEOUT)
            request._gk_idle = True  # type: ignore[attr-defined]  # the logout signal skips it
            logout(request)
            messages.warning(request, "您已较长时间未操作，为保护账户安全已自动退出，请重新登录。")
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('wagtailadmin_login')}?{query}")
        if seen is None or now - seen >= SEEN_RESOLUTION:
            request.session[SEEN_KEY] = int(now)
        if (not request.session.get(TOTP_KEY) and not _exempt(request.path)
                and services.totp_required(request.user)):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('gk_totp')}?{query}")
        return None
