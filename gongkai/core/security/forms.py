"""The admin sign-in form: Wagtail's, with the lockout explained in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.admin.forms.auth import LoginForm

from gongkai.core.security import services


class LockoutLoginForm(LoginForm):  # type: ignore[misc]
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[no-any-return]
        except ValidationError:
            username = self.cleaned_data.get("username") or ""
            until = services.locked_until(username, timezone.now()) if username else None
            if until is not None:
                local = timezone.localtime(until)
                raise ValidationError(
                    f"该账户因连续多次登录失败已被锁定，请于{local:%H:%M}后再试，"
                    "或联系安全管理员解锁。", code="locked") from None
            raise


class TotpForm(forms.Form):
    code = forms.CharField(
        label="动态口令", max_length=8, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": "", "pattern": "[0-9 ]*"}),
        help_text="身份验证器应用中显示的6位数字。",
    )
