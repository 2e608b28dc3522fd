"""Sign-in events and permission changes, whichever screen or command caused them.

Permission changes made outside gongkai's services (Wagtail's user and group screens, the
Django shell) still reach the audit log and still respect 三员分立, because they are caught
here at the model layer: a group change that would combine two platform duties is refused.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.http import HttpRequest

from gongkai.core import audit
from gongkai.core.security import services

# The staff member whose request is running (set by StaffSecurityMiddleware), so changes
# caught at the model layer name who made them.
current_actor: ContextVar[AbstractBaseUser | None] = ContextVar("current_actor", default=None)


def on_logged_in(sender: Any, request: HttpRequest | None, user: AbstractBaseUser,
                 **kwargs: Any) -> None:
    services.record_success(user=user, request=request)


def on_login_failed(sender: Any, credentials: dict[str, Any],
                    request: HttpRequest | None = None, **kwargs: Any) -> None:
    username = str(credentials.get("username") or credentials.get(
        get_user_model().USERNAME_FIELD) or "")
    if username:
        services.record_failure(username=username, request=request)


def on_logged_out(sender: Any, request: HttpRequest | None,
                  user: AbstractBaseUser | None, **kwargs: Any) -> None:
    if user is not None and not (request is not None and getattr(request, "_gk_idle", False)):
        services.record_logout(user=user, request=request)


def _group_names(pks: set[int]) -> set[str]:
    return set(Group.objects.filter(pk__in=pks).values_list("name", flat=True))


def _check_user(user: Any, adding: set[str]) -> None:
    current = set(user.groups.values_list("name", flat=True))
    roles = {role for role, name in services.GROUP_NAMES.items() if name in current | adding}
    services.check_combination(roles, is_superuser=bool(user.is_superuser))


def on_groups_changed(sender: Any, instance: Any, action: str, reverse: bool, model: Any,
                      pk_set: set[int] | None, **kwargs: Any) -> None:
    if action == "pre_add" and pk_set:
        if reverse:  # group.user_set.add(users)
            for user in model.objects.filter(pk__in=pk_set):
                _check_user(user, {instance.name})
        else:
            _check_user(instance, _group_names(pk_set))
    if action in {"post_add", "post_remove", "post_clear"}:
        users = (list(model.objects.filter(pk__in=pk_set or set())) if reverse else [instance])
        groups = [instance.name] if reverse else sorted(_group_names(pk_set or set()))
        for user in users:
            audit.record(action=f"auth.groups_{action.removeprefix('post_')}",
                         actor=current_actor.get(), target=cast(Any, user),
                         data={"groups": groups})


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="gk_logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid="gk_login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="gk_logged_out")
    User = get_user_model()
    m2m_changed.connect(on_groups_changed, sender=cast(Any, User).groups.through,
                        dispatch_uid="gk_groups_changed")
