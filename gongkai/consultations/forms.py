"""The public forms of 互动交流: a message, a confidential report, tracking and rating.

No JavaScript, no CAPTCHA. Each form has a honeypot field (``website``), hidden from sight
by CSS but labelled “请勿填写” for screen readers; a filled honeypot is treated as a bot.
Errors sit at their fields with ``aria-invalid`` / ``aria-describedby``; a form shown again
after an error keeps what was typed (it is bound to the POST).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from gongkai.consultations.enums import Kind, Rating, ViolationKind
from gongkai.consultations.services import BODY_MAX, TITLE_MAX, MessageData, ReportData
from gongkai.core.text.pii import digits_of
from gongkai.core.validators import validate_phone

HONEYPOT = "website"


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class AccessibleForm(forms.Form):
    """Help and error ids for aria-describedby; the honeypot field."""

    website = forms.CharField(label="请勿填写", required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            described = [f"id_{name}-error"]
            if self.fields[name].help_text:
                described.append(f"id_{name}-help")
            self.fields[name].widget.attrs["aria-invalid"] = "true"
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())

    @property
    def visible_fields_without_honeypot(self) -> list[Any]:
        return [f for f in self if f.name != HONEYPOT]


def clean_phone_value(value: str, *, required: bool) -> str:
    value = value.strip()
    if not value:
        if required:
            raise ValidationError("请填写联系电话。")
        return value
    try:
        validate_phone(value)
    except ValidationError:
        raise ValidationError("电话号码只能包含数字、区号分隔符“-”和“转”。") from None
    if len(digits_of(value)) < 7:
        raise ValidationError("电话号码位数不足，请填写手机号码或带区号的固定电话。")
    return value


def clean_email_value(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError("电子邮箱格式不正确，例如 zhang@example.com。") from None
    return value


def contact_key(phone: str, email: str) -> str:
    """The contact used by the per-contact rate limit: the phone's digits, else the e-mail."""
    digits = digits_of(phone)
    return digits[-11:] if digits else email.strip().lower()


class MessageForm(AccessibleForm):
    kind = forms.ChoiceField(label="留言类型", choices=Kind.choices, widget=forms.RadioSelect,
                             error_messages=_required("请选择留言类型。"))
    title = forms.CharField(label="标题", max_length=TITLE_MAX,
                            help_text=f"不超过{TITLE_MAX}字。",
                            error_messages={"required": "请填写标题。",
                                            "max_length": f"标题不能超过{TITLE_MAX}字。"})
    body = forms.CharField(label="留言内容", max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=f"不超过{BODY_MAX}字。请勿填写身份证号码等个人信息。",
                           error_messages={"required": "请填写留言内容。",
                                           "max_length": f"留言内容不能超过{BODY_MAX}字。"})
    name = forms.CharField(label="姓名", max_length=50, error_messages=_required("请填写姓名。"))
    phone = forms.CharField(label="联系电话", max_length=40,
                            error_messages=_required("请填写联系电话。"),
                            help_text="仅用于联系您，不会公开。")
    email = forms.CharField(label="电子邮箱", max_length=254, required=False,
                            help_text="选填，不会公开。")
    publish_consent = forms.TypedChoiceField(
        label="是否同意公开", widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", "同意公开留言及答复（公开时隐去姓名、电话等个人信息）"),
                 ("no", "不同意公开")],
        error_messages=_required("请选择是否同意公开。"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"  # type: ignore[attr-defined]
        self.fields["email"].widget.input_type = "email"  # type: ignore[attr-defined]

    def clean_phone(self) -> str:
        return clean_phone_value(self.cleaned_data.get("phone", ""), required=True)

    def clean_email(self) -> str:
        return clean_email_value(self.cleaned_data.get("email", ""))

    def clean_title(self) -> str:
        value: str = self.cleaned_data.get("title", "").strip()
        if not value:
            raise ValidationError("请填写标题。")
        return value

    def clean_body(self) -> str:
        value: str = self.cleaned_data.get("body", "").strip()
        if len(value) < 5:
            raise ValidationError("留言内容过短，请写明您要咨询、投诉或建议的事项。")
        return value

    def message_data(self) -> MessageData:
        d = self.cleaned_data
        return MessageData(kind=d["kind"], title=d["title"], body=d["body"],
                           name=d["name"].strip(), phone=d["phone"], email=d["email"],
                           publish_consent=bool(d["publish_consent"]))


class ReportForm(AccessibleForm):
    violation_kind = forms.ChoiceField(label="举报事项类型", choices=ViolationKind.choices,
                                       widget=forms.RadioSelect,
                                       error_messages=_required("请选择举报事项类型。"))
    subject = forms.CharField(label="被举报单位或个人", max_length=200,
                              error_messages=_required("请填写被举报单位或个人。"))
    region = forms.CharField(label="涉及地区", max_length=100, required=False,
                             help_text="选填，例如：海城市。")
    description = forms.CharField(
        label="举报内容", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8}),
        help_text="请写明违法行为的时间、地点、涉及的统计数据和线索。",
        error_messages={"required": "请填写举报内容。",
                        "max_length": f"举报内容不能超过{BODY_MAX}字。"})
    anonymous = forms.TypedChoiceField(
        label="是否匿名", widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("no", "实名举报（身份信息加密保存，严格保密）"), ("yes", "匿名举报")],
        error_messages=_required("请选择实名或匿名举报。"))
    name = forms.CharField(label="姓名", max_length=50, required=False,
                           help_text="实名举报时填写。")
    phone = forms.CharField(label="联系电话", max_length=40, required=False,
                            help_text="实名举报时填写电话或电子邮箱，便于反馈核查结果。")
    email = forms.CharField(label="电子邮箱", max_length=254, required=False)
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def clean_phone(self) -> str:
        return clean_phone_value(self.cleaned_data.get("phone", ""), required=False)

    def clean_email(self) -> str:
        return clean_email_value(self.cleaned_data.get("email", ""))

    def clean_description(self) -> str:
        value: str = self.cleaned_data.get("description", "").strip()
        if len(value) < 5:
            raise ValidationError("举报内容过短，请写明违法行为和线索。")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("anonymous") is False:
            if not cleaned.get("name", "").strip() and "name" not in self.errors:
                self.add_error("name", "实名举报请填写姓名。")
            if not cleaned.get("phone") and not cleaned.get("email") \
                    and "phone" not in self.errors and "email" not in self.errors:
                self.add_error("phone", "实名举报请填写联系电话或电子邮箱。")
        return cleaned

    def report_data(self) -> ReportData:
        d = self.cleaned_data
        anonymous = bool(d["anonymous"])
        return ReportData(
            violation_kind=d["violation_kind"], subject=d["subject"], region=d["region"],
            description=d["description"], anonymous=anonymous,
            name="" if anonymous else d["name"], phone="" if anonymous else d["phone"],
            email="" if anonymous else d["email"], address="" if anonymous else d["address"])




class TrackForm(AccessibleForm):
    number = forms.CharField(label="编号", max_length=40, error_messages=_required("请填写编号。"))
    code = forms.CharField(label="查询码", max_length=20,
                           help_text="提交时显示的8位查询码，不区分大小写。",
                           error_messages=_required("请填写查询码。"),
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))


class RatingForm(TrackForm):
    rating = forms.ChoiceField(label="对答复的评价", choices=Rating.choices,
                               widget=forms.RadioSelect, error_messages=_required("请选择评价。"))
