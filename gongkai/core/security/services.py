"""Every change to a staff account's sign-in state goes through here, with an audit entry.

Sign-in events are written twice on purpose: to ``LoginRecord`` (the login history a user
reads of their own account) and to the hash-chained audit log (what the auditor verifies).
Secrets, codes and passwords never reach either.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gongkai.core import audit, crypto
from gongkai.core.enums import LoginOutcome, PlatformRole
from gongkai.core.models import LoginRecord, StaffAuthState
from gongkai.core.security.rules import LockoutPolicy, lock_until

Actor = AbstractBaseUser | AnonymousUser | None
TOTP_ISSUER = "gongkai 政务公开平台"


def policy() -> LockoutPolicy:
    return LockoutPolicy(
        max_failures=settings.GONGKAI_LOGIN_MAX_FAILURES,
        window=dt.timedelta(minutes=settings.GONGKAI_LOGIN_FAILURE_WINDOW_MINUTES),
        lock_for=dt.timedelta(minutes=settings.GONGKAI_LOGIN_LOCK_MINUTES),
    )


def _client(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {"ip_address": None, "user_agent": ""}
    # Behind nginx REMOTE_ADDR is the proxy; deploy/nginx sets X-Real-IP and gunicorn's
    # forwarded_allow_ips makes REMOTE_ADDR the client's address.
    return {"ip_address": request.META.get("REMOTE_ADDR") or None,
            "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:200]}


def _user_named(username: str) -> AbstractBaseUser | None:
    User = get_user_model()
    return cast(AbstractBaseUser | None,
                User.objects.filter(**{User.USERNAME_FIELD: username}).first())


def state_of(user: AbstractBaseUser) -> StaffAuthState:
    state, _created = StaffAuthState.objects.get_or_create(user=user)  # type: ignore[misc]
    return state


def locked_until(username: str, now: dt.datetime) -> dt.datetime | None:
    user = _user_named(username)
    if user is None:
        return None
    state = StaffAuthState.objects.filter(user=user).first()  # type: ignore[misc]
    if state is not None and state.locked_until is not None and state.locked_until > now:
        return state.locked_until
    return None


def _log(*, user: AbstractBaseUser | None, username: str, outcome: LoginOutcome,
         request: HttpRequest | None, now: dt.datetime) -> None:
    LoginRecord.objects.create(user=user, username=username[:150], at=now,  # type: ignore[misc]
                               outcome=outcome, **_client(request))
    audit.record(action=f"auth.{outcome}", actor=user,
                 data={"username": username[:150], "ip": _client(request)["ip_address"]})


def record_success(*, user: AbstractBaseUser, request: HttpRequest | None,
                   now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        _log(user=user, username=user.get_username(), outcome=LoginOutcome.SUCCESS,
             request=request, now=now)
        StaffAuthState.objects.filter(user=user).update(locked_until=None)  # type: ignore[misc]


def record_failure(*, username: str, request: HttpRequest | None,
                   now: dt.datetime | None = None) -> dt.datetime | None:
    """Log a failed attempt and lock the account when the policy says so. Returns the
    time the account is locked until, if it is."""
    now = now or timezone.now()
    with transaction.atomic():
        user = _user_named(username)
        already = locked_until(username, now)
        outcome = LoginOutcome.LOCKED if already else LoginOutcome.BAD_PASSWORD
        _log(user=user, username=username, outcome=outcome, request=request, now=now)
        if user is None or already:
            return already
        return _maybe_lock(user, LoginOutcome.BAD_PASSWORD, LoginOutcome.SUCCESS, now)


def _maybe_lock(user: AbstractBaseUser, failure: LoginOutcome, success: LoginOutcome,
                now: dt.datetime) -> dt.datetime | None:
    """Lock the account if the failures of one kind since the last success of that step
    reach the policy's limit (passwords and TOTP codes are counted apart)."""
    records = LoginRecord.objects.filter(user_id=user.pk)
    last_success = (records.filter(outcome=success).order_by("-at")
                    .values_list("at", flat=True).first())
    failures = records.filter(outcome=failure, at__gt=now - policy().window)
    if last_success is not None:
        failures = failures.filter(at__gt=last_success)
    until = lock_until(list(failures.values_list("at", flat=True)), now, policy())
    if until is not None:
        state = state_of(user)
        state.locked_until = until
        state.save(update_fields=["locked_until"])
        audit.record(action="auth.account_locked", actor=None, target=user,
                     data={"until": until.isoformat(), "after": failure.value})
    return until


def record_logout(*, user: AbstractBaseUser, request: HttpRequest | None,
                  outcome: LoginOutcome = LoginOutcome.LOGOUT) -> None:
    _log(user=user, username=user.get_username(), outcome=outcome, request=request,
         now=timezone.now())


def unlock(*, user: AbstractBaseUser, by: Actor) -> None:
    _require_security_admin(by)
    with transaction.atomic():
        StaffAuthState.objects.filter(user=user).update(locked_until=None)  # type: ignore[misc]
        audit.record(action="auth.account_unlocked", actor=by, target=user)


# --- TOTP second factor ----------------------------------------------------------------------

def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: AbstractBaseUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=TOTP_ISSUER)


def matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The 30-second time step the code belongs to (the current one or a neighbour, for
    clock drift), or None if it matches none."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    for drift in (0, -1, 1):
        moment = now + dt.timedelta(seconds=30 * drift)
        if totp.at(moment) == code:
            return int(totp.timecode(moment))
    return None


def confirm_totp(*, user: AbstractBaseUser, secret: str, code: str,
                 request: HttpRequest | None, now: dt.datetime | None = None) -> bool:
    """Enrol: the first correct code from the new secret turns the second factor on."""
    now = now or timezone.now()
    step = matching_step(secret, code, now)
    with transaction.atomic():
        if step is None:
            _log(user=user, username=user.get_username(), outcome=LoginOutcome.BAD_TOTP,
                 request=request, now=now)
            return False
        state = state_of(user)
        state.totp_secret_encrypted = crypto.encrypt(secret)
        state.totp_confirmed_at = now
        state.totp_last_step = step
        state.save()
        audit.record(action="auth.totp_enrolled", actor=user, target=user)
        return True


def verify_totp(*, user: AbstractBaseUser, code: str, request: HttpRequest | None,
                now: dt.datetime | None = None) -> bool:
    """Second step of a sign-in. A code is accepted once: a replayed code fails."""
    now = now or timezone.now()
    with transaction.atomic():
        state = StaffAuthState.objects.select_for_update().filter(user=user).first()  # type: ignore[misc]
        if state is None or not state.has_totp:
            return False
        step = matching_step(crypto.decrypt(state.totp_secret_encrypted), code, now)
        ok = step is not None and step > state.totp_last_step
        if ok:
            state.totp_last_step = cast(int, step)
            state.save(update_fields=["totp_last_step"])
        _log(user=user, username=user.get_username(),
             outcome=LoginOutcome.TOTP_OK if ok else LoginOutcome.BAD_TOTP,
             request=request, now=now)
        if not ok:
            _maybe_lock(user, LoginOutcome.BAD_TOTP, LoginOutcome.TOTP_OK, now)
        return ok


def reset_totp(*, user: AbstractBaseUser, by: Actor) -> None:
    """A lost phone: the security administrator clears the factor; the user enrols again."""
    _require_security_admin(by)
    with transaction.atomic():
        StaffAuthState.objects.filter(user=user).update(  # type: ignore[misc]
            totp_secret_encrypted="", totp_confirmed_at=None, totp_last_step=0)
        audit.record(action="auth.totp_reset", actor=by, target=user)


def has_totp(user: AbstractBaseUser | AnonymousUser) -> bool:
    if user.pk is None:
        return False
    state = StaffAuthState.objects.filter(user_id=user.pk).first()
    return bool(state and state.has_totp)


def totp_required(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Who must pass the second factor: everyone who enrolled, and every staff account
    when the platform requires it (GONGKAI_STAFF_2FA = "required", the production default)."""
    if not user.is_authenticated:
        return False
    return settings.GONGKAI_STAFF_2FA == "required" or has_totp(user)


# --- 三员分立 ------------------------------------------------------------------------------

GROUP_NAMES = {
    PlatformRole.SYSTEM_ADMIN: "平台｜系统管理员",
    PlatformRole.SECURITY_ADMIN: "平台｜安全管理员",
    PlatformRole.AUDITOR: "平台｜安全审计员",
}
GROUP_PERMISSIONS = {
    PlatformRole.SYSTEM_ADMIN: ("wagtailadmin.access_admin", "core.view_agency",
                                "core.add_agency", "core.change_agency",
                                "core.add_holidayschedule", "core.change_holidayschedule",
                                "core.view_holidayschedule"),
    PlatformRole.SECURITY_ADMIN: ("wagtailadmin.access_admin", "auth.add_user",
                                  "auth.change_user", "auth.view_user", "auth.view_group"),
    PlatformRole.AUDITOR: ("wagtailadmin.access_admin", "core.view_auditlogentry",
                           "core.view_loginrecord"),
}


class SeparationOfDutiesError(ValidationError):
    pass


def platform_group(role: PlatformRole) -> Group:
    from django.contrib.auth.models import Permission

    group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
    wanted = []
    for dotted in GROUP_PERMISSIONS[role]:
        app_label, codename = dotted.split(".")
        wanted.extend(Permission.objects.filter(content_type__app_label=app_label,
                                                codename=codename))
    group.permissions.set(wanted)
    return group


def platform_roles(user: AbstractBaseUser | AnonymousUser) -> set[PlatformRole]:
    if not user.is_authenticated:
        return set()
    names = set(cast(Any, user).groups.values_list("name", flat=True))
    return {role for role, name in GROUP_NAMES.items() if name in names}


def is_auditor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return PlatformRole.AUDITOR in platform_roles(user)


def is_security_admin(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return (bool(getattr(user, "is_superuser", False))
            or PlatformRole.SECURITY_ADMIN in platform_roles(user))


def _require_security_admin(by: Actor) -> None:
    if not is_security_admin(by):
        raise PermissionDenied("只有安全管理员可以进行此操作。")


def check_combination(roles: set[PlatformRole], *, is_superuser: bool) -> None:
    """三员分立: one account holds at most one platform duty, and a superuser none (a
    superuser already holds every power)."""
    if len(roles) > 1:
        labels = "、".join(str(role.label) for role in sorted(roles))
        raise SeparationOfDutiesError(f"三员分立：一个账户不能同时担任{labels}。")
    if roles and is_superuser:
        raise SeparationOfDutiesError("三员分立：超级管理员账户不能再担任平台三员角色。")


def assign_platform_role(*, user: AbstractBaseUser, role: PlatformRole, by: Actor) -> None:
    _require_security_admin(by)
    if by is not None and by.pk == user.pk:
        raise PermissionDenied("不能为自己分配平台角色。")
    with transaction.atomic():
        check_combination(platform_roles(user) | {role},
                          is_superuser=bool(getattr(user, "is_superuser", False)))
        cast(Any, user).groups.add(platform_group(role))
        audit.record(action="auth.platform_role_assigned", actor=by, target=user,
                     data={"role": role.value})


def revoke_platform_role(*, user: AbstractBaseUser, role: PlatformRole, by: Actor) -> None:
    _require_security_admin(by)
    with transaction.atomic():
        cast(Any, user).groups.remove(platform_group(role))
        audit.record(action="auth.platform_role_revoked", actor=by, target=user,
                     data={"role": role.value})
