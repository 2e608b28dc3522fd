"""Public forms of 专题与公众参与. Messages are Chinese and sit at their field; a field with
an error gets ``aria-invalid`` and ``aria-describedby`` pointing at the message."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from gongkai.engagement.enums import SubscriptionKind

EMAIL_INVALID = "电子邮箱格式不正确，例如 zhang@example.com。"
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{6,18}[0-9]$")


class AccessibleFormMixin:
    """Points each widget at its help text and, after validation, at its error."""

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:
            if name not in self.fields:
                continue
            described = [f"id_{name}-error"]
            if self.fields[name].help_text:
                described.append(f"id_{name}-help")
            widget = self.fields[name].widget
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = " ".join(described)


class RegistrationForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50,
                           error_messages={"required": "请填写姓名。"})
    organization = forms.CharField(label="工作单位", max_length=100, required=False,
                                   help_text="参加培训的请填写所在单位。")
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱", required=False,
                             help_text="填写后可收到报名确认、候补递补和活动提醒邮件，以及取消报名的链接。",
                             error_messages={"invalid": EMAIL_INVALID})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.input_type = "tel"  # type: ignore[attr-defined]
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_phone(self) -> str:
        value: str = self.cleaned_data.get("phone", "").strip()
        if value and not PHONE_RE.match(value):
            raise ValidationError("手机号码格式不正确，例如 13800000000。")
        return value

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not self.errors and not data.get("phone") and not data.get("email"):
            self.add_error("phone", "请填写手机号码或电子邮箱中的至少一项。")
        return data


class SubscribeForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(label="电子邮箱",
                             error_messages={"required": "请填写电子邮箱。",
                                             "invalid": EMAIL_INVALID})
    kind = forms.ChoiceField(label="订阅类型", choices=SubscriptionKind.choices,
                             widget=forms.HiddenInput)
    key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class InvitationCodeForm(AccessibleFormMixin, forms.Form):
    """The invitation code of a survey in 邀请码 mode (prefilled from the link's ``?code=``)."""

    invitation_code = forms.CharField(
        label="邀请码", max_length=40,
        help_text="邀请码在您收到的邀请通知中，形如 ABCD-EFGH-JKLM，不区分大小写。",
        error_messages={"required": "请填写邀请码。"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitation_code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class SurveyEmailForm(AccessibleFormMixin, forms.Form):
    """The e-mail of a survey in 邮箱验证 mode: where the one-time answer link goes."""

    respondent_email = forms.EmailField(
        label="电子邮箱",
        help_text="我们将向该邮箱发送一次性答卷链接。每个邮箱只计一份答卷；"
                  "本站不保存邮箱地址，只保存无法还原的校验值。",
        error_messages={"required": "请填写电子邮箱。", "invalid": EMAIL_INVALID})
    subscribe = forms.BooleanField(label="同时订阅本机构的政务公开信息更新（需邮件确认）",
                                   required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["respondent_email"].widget.attrs["autocomplete"] = "email"
