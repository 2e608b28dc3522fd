"""The public application form (《条例》第二十九条) and the tracking form.

No JavaScript: both applicant groups (自然人, 法人或其他组织) are on the page and the radio
choice decides which is required. Every message is Chinese and sits at its field; the
fields with errors get ``aria-invalid`` and ``aria-describedby`` pointing at the message.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email

from gongkai.core.text.pii import digits_of, id_check_digit, is_valid_id18
from gongkai.core.uploads import check_upload
from gongkai.core.validators import is_valid_uscc, validate_phone
from gongkai.info_requests.enums import (
    ApplicantCategory,
    ApplicantType,
    DeliveryMethod,
    IdType,
    ProvisionForm,
)
from gongkai.info_requests.services import MAX_ATTACHMENTS, ApplicantData

ORGANIZATION_KINDS = [(t.value, t.label) for t in ApplicantType
                      if t != ApplicantType.NATURAL_PERSON]
DESCRIPTION_MAX = 2000

# Which fields each applicant group requires (validated in ``clean``; all are optional to
# the browser, since both groups are on the page).
PERSON_REQUIRED = {"name": "请填写姓名。", "id_type": "请选择身份证件类型。",
                   "id_number": "请填写身份证件号码。"}
ORGANIZATION_REQUIRED = {"org_name": "请填写法人或其他组织的名称。",
                         "org_kind": "请选择组织类型。",
                         "contact_person": "请填写联系人姓名。"}


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def resident_id_error(value: str) -> str:
    """The Chinese message for a bad 居民身份证号码, or "" when it is valid."""
    if re.fullmatch(r"\d{17}[\dX]", value) is None:
        return "居民身份证号码应为18位，由17位数字和1位数字或字母X组成。"
    if is_valid_id18(value):
        return ""
    if id_check_digit(value[:17]) != value[17]:
        return "居民身份证号码校验位不正确，请核对后重新输入。"
    return "居民身份证号码中的出生日期无效，请核对后重新输入。"


def normalise_id(value: str) -> str:
    """Full-width digits and spaces removed, the check letter upper-case."""
    kept = re.sub(r"[\s\u3000-]", "", value)
    return "".join(str(int(c)) if c.isdigit() else c for c in kept).upper()


class ApplicationForm(forms.Form):
    applicant_category = forms.ChoiceField(
        label="申请人类型", choices=ApplicantCategory.choices, widget=forms.RadioSelect,
        initial=ApplicantCategory.NATURAL_PERSON,
        error_messages=_required("请选择申请人类型。"))
    # 自然人
    name = forms.CharField(label="姓名", max_length=50, required=False)
    id_type = forms.ChoiceField(label="身份证件类型", choices=[("", "请选择"), *IdType.choices],
                                required=False, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(label="身份证件号码", max_length=40, required=False)
    # 法人或其他组织
    org_name = forms.CharField(label="名称", max_length=100, required=False)
    org_kind = forms.ChoiceField(label="组织类型", choices=[("", "请选择"), *ORGANIZATION_KINDS],
                                 required=False)
    org_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False,
                               help_text="选填。18位，由数字和大写字母组成。")
    legal_representative = forms.CharField(label="法定代表人或负责人", max_length=50,
                                           required=False)
    contact_person = forms.CharField(label="联系人", max_length=50, required=False)
    # Contact
    phone = forms.CharField(label="联系电话", max_length=40,
                            error_messages=_required("请填写联系电话。"))
    email = forms.CharField(label="电子邮箱", max_length=254, required=False,
                            help_text="填写后，申请编号和查询码将发送到该邮箱。")
    address = forms.CharField(label="通信地址", max_length=200, required=False,
                              help_text="选择邮寄的，必须填写。")
    postcode = forms.CharField(label="邮政编码", max_length=6, required=False)
    # The request
    description = forms.CharField(
        label="所需政府信息的名称、文号或者其他特征性描述", max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请尽量写明文件名称、文号、形成时间、发布机关等，便于查找。",
        error_messages={"required": "请描述所需的政府信息。",
                        "max_length": f"描述不能超过{DESCRIPTION_MAX}字。"})
    purpose = forms.CharField(label="用途", max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}), help_text="选填。")
    provision_form = forms.ChoiceField(
        label="政府信息的提供形式", choices=ProvisionForm.choices, widget=forms.RadioSelect,
        initial=ProvisionForm.PAPER, error_messages=_required("请选择提供形式。"))
    delivery_method = forms.ChoiceField(
        label="获取信息的方式", choices=DeliveryMethod.choices, widget=forms.RadioSelect,
        initial=DeliveryMethod.POST, error_messages=_required("请选择获取信息的方式。"))
    attachments = MultipleFileField(
        label="附件", required=False,
        help_text=f"选填，最多{MAX_ATTACHMENTS}个，如身份证件复印件、营业执照等。"
                  "支持 PDF、Word、Excel、OFD、TXT 等格式。")
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-help"
        self.fields["email"].widget.input_type = "email"  # type: ignore[attr-defined]
        self.fields["phone"].widget.input_type = "tel"  # type: ignore[attr-defined]
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            described = [f"id_{name}-error"]
            if self.fields[name].help_text:
                described.append(f"id_{name}-help")
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = " ".join(described)

    # fields

    def clean_email(self) -> str:
        value: str = self.cleaned_data.get("email", "").strip()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError("电子邮箱格式不正确，例如 zhang@example.com。") from None
        return value

    def clean_phone(self) -> str:
        value: str = self.cleaned_data.get("phone", "").strip()
        try:
            validate_phone(value)
        except ValidationError:
            raise ValidationError("电话号码只能包含数字、区号分隔符“-”和“转”。") from None
        if len(digits_of(value)) < 7:
            raise ValidationError("电话号码位数不足，请填写手机号码或带区号的固定电话。")
        return value

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data.get("postcode", "").strip()
        if value and not re.fullmatch(r"\d{6}", value):
            raise ValidationError("邮政编码应为6位数字。")
        return value

    def clean_org_code(self) -> str:
        value: str = self.cleaned_data.get("org_code", "").strip().upper()
        if value and not is_valid_uscc(value):
            raise ValidationError("统一社会信用代码有误，请核对（18位，最后一位为校验码）。")
        return value

    def clean_description(self) -> str:
        value: str = self.cleaned_data.get("description", "").strip()
        if len(value) < 4:
            raise ValidationError("描述过短，请写明所需政府信息的名称、文号或其他特征。")
        return value

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(f"附件最多{MAX_ATTACHMENTS}个。")
        messages = []
        for upload in files:
            try:
                check_upload(upload)
            except ValidationError as error:
                messages.append(f"{upload.name}：{error.messages[0]}")
        if messages:
            raise ValidationError(messages)
        return files

    # the groups

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        category = cleaned.get("applicant_category")
        required = (PERSON_REQUIRED if category == ApplicantCategory.NATURAL_PERSON
                    else ORGANIZATION_REQUIRED if category == ApplicantCategory.ORGANIZATION
                    else {})
        for name, message in required.items():
            if not str(cleaned.get(name, "")).strip() and name not in self.errors:
                self.add_error(name, message)
        if category == ApplicantCategory.NATURAL_PERSON:
            self._clean_id(cleaned)
        delivery = cleaned.get("delivery_method")
        if delivery == DeliveryMethod.POST and not cleaned.get("address", "").strip():
            self.add_error("address", "选择邮寄的，请填写通信地址。")
        wants_email = (delivery == DeliveryMethod.EMAIL
                       or cleaned.get("provision_form") == ProvisionForm.EMAIL)
        if wants_email and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "选择以电子邮件提供或获取的，请填写电子邮箱。")
        return cleaned

    def _clean_id(self, cleaned: dict[str, Any]) -> None:
        raw = cleaned.get("id_number", "")
        if not raw or "id_number" in self.errors:
            return
        value = normalise_id(raw)
        if cleaned.get("id_type") == IdType.RESIDENT_ID:
            message = resident_id_error(value)
            if message:
                self.add_error("id_number", message)
                return
        cleaned["id_number"] = value

    def applicant_data(self) -> ApplicantData:
        """The cleaned form as the service's input (call after ``is_valid()``)."""
        data = self.cleaned_data
        person = data["applicant_category"] == ApplicantCategory.NATURAL_PERSON
        return ApplicantData(
            applicant_type=ApplicantType.NATURAL_PERSON if person
            else ApplicantType(data["org_kind"]),
            name=data["name"] if person else data["org_name"],
            id_type=data["id_type"] if person else "",
            id_number=data["id_number"] if person else "",
            org_code="" if person else data["org_code"],
            legal_representative="" if person else data["legal_representative"],
            contact_person="" if person else data["contact_person"],
            phone=data["phone"], email=data["email"], address=data["address"],
            postcode=data["postcode"], description=data["description"],
            purpose=data["purpose"], provision_form=data["provision_form"],
            delivery_method=data["delivery_method"],
        )


class TrackForm(forms.Form):
    number = forms.CharField(label="申请编号", max_length=40,
                             help_text="例如 YSQ-ANSHAN-2024-00012。",
                             error_messages=_required("请填写申请编号。"))
    code = forms.CharField(label="查询码", max_length=20,
                           help_text="提交申请时显示的8位查询码，不区分大小写。",
                           error_messages=_required("请填写查询码。"),
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["aria-describedby"] = f"id_{name}-help"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = (
                    f"id_{name}-error id_{name}-help")
