"""Wagtail's user screens, with 三员分立 checked as a form error rather than at save time.

The model-layer guard in signals.py refuses the same combinations whatever the path; this
only makes the admin show the refusal next to the 用户组 field instead of failing the save.
"""

from __future__ import annotations

from typing import Any

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from gongkai.core.security import services


def _check(form: forms.ModelForm[Any]) -> None:
    data = form.cleaned_data
    groups = data.get("groups")
    if groups is None:
        return
    names = {group.name for group in groups}
    roles = {role for role, name in services.GROUP_NAMES.items() if name in names}
    is_superuser = bool(data.get("is_superuser", getattr(form.instance, "is_superuser", False)))
    try:
        services.check_combination(roles, is_superuser=is_superuser)
    except services.SeparationOfDutiesError as exc:
        form.add_error("groups", exc.messages[0])


class SeparatedUserCreationForm(UserCreationForm):  # type: ignore[misc]
    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        _check(self)
        return cleaned


class SeparatedUserEditForm(UserEditForm):  # type: ignore[misc]
    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        _check(self)
        return cleaned


class SeparatedUserViewSet(UserViewSet):  # type: ignore[misc]
    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm[Any]]:
        return SeparatedUserEditForm if for_update else SeparatedUserCreationForm
