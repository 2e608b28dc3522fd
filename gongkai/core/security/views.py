"""Admin screens: the second-factor step (enrol or verify) and the user's login history."""

from __future__ import annotations

from typing import Any, cast

import segno
from django.contrib.auth import logout
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from gongkai.core.models import LoginRecord
from gongkai.core.security import services
from gongkai.core.security.forms import TotpForm
from gongkai.core.security.middleware import TOTP_KEY

PENDING_KEY = "gk_totp_pending"


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return wanted
    return reverse("wagtailadmin_home")


@never_cache
@sensitive_post_parameters("code")
def totp(request: HttpRequest) -> HttpResponse:
    user = cast(AbstractBaseUser, request.user)
    enrolled = services.has_totp(user)
    form = TotpForm(request.POST or None)
    if not enrolled:
        secret = request.session.get(PENDING_KEY) or services.new_totp_secret()
        request.session[PENDING_KEY] = secret
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if enrolled:
            ok = services.verify_totp(user=user, code=code, request=request)
        else:
            ok = services.confirm_totp(user=user, secret=secret, code=code, request=request)
        if ok:
            request.session.pop(PENDING_KEY, None)
            request.session.cycle_key()  # a new session id once fully signed in
            request.session[TOTP_KEY] = True
            return HttpResponseRedirect(_next_url(request))
        if services.locked_until(user.get_username(), timezone.now()) is not None:
            logout(request)
            return HttpResponseRedirect(reverse("wagtailadmin_login"))
        form.add_error("code", "动态口令不正确或已使用，请输入身份验证器中新显示的口令。")
    context: dict[str, Any] = {"form": form, "enrolled": enrolled, "next": _next_url(request)}
    if not enrolled:
        uri = services.provisioning_uri(user, secret)
        context["secret_groups"] = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
        # segno writes a plain <svg> with a path: no script, no inline style (CSP-safe).
        context["qr_svg"] = mark_safe(segno.make(uri, error="m").svg_inline(
            scale=4, title="身份验证器二维码"))
    return render(request, "core/admin/totp.html", context)


@never_cache
def login_history(request: HttpRequest) -> HttpResponse:
    records = LoginRecord.objects.filter(user_id=cast(int, request.user.pk))[:100]
    return render(request, "core/admin/login_history.html", {"records": records})
