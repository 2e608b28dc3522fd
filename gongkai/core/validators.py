"""Validators for codes that Chinese public administration uses."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 统一社会信用代码. The alphabet excludes I, O, Z, S, V.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# GB 11714-1997: 组织机构代码, 8 characters + check character (the hyphen is dropped).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_RE = re.compile(r"^[0-9A-Z]{8}[0-9X]$")


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    total = sum(value(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_uscc(code: str) -> bool:
    return bool(_USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17]


def is_valid_org_code(code: str) -> bool:
    return bool(_ORG_RE.match(code)) and org_code_check_char(code[:8]) == code[8]


def validate_agency_code(value: str) -> None:
    """An agency's 统一社会信用代码 (18) or 组织机构代码 (9, without the hyphen)."""
    code = value.strip().upper()
    if len(code) == 18:
        if not is_valid_uscc(code):
            raise ValidationError(_("统一社会信用代码校验未通过，请核对后重新输入。"), code="uscc")
        return
    if len(code) == 9:
        if not is_valid_org_code(code):
            raise ValidationError(
                _("组织机构代码校验未通过，请核对后重新输入（不含“-”）。"), code="org"
            )
        return
    raise ValidationError(
        _("请输入18位统一社会信用代码或9位组织机构代码（不含“-”）。"), code="length"
    )


# 文号: 发文机关代字 + 〔年份〕 + 发文顺序号 + 号, e.g. 鞍统发〔2022〕3号 (GB/T 9704-2012).
DOC_NUMBER_RE = re.compile(
    r"^(?P<prefix>[\u4e00-\u9fffA-Za-z]{1,20})"
    r"〔(?P<year>(19|20)\d{2})〕"
    r"(?P<serial>[1-9]\d{0,4})号$"
)
_WRONG_BRACKETS = re.compile(r"[\[\]【】()（）{}［］]")


def parse_doc_number(value: str) -> tuple[str, int, int]:
    match = DOC_NUMBER_RE.match(value.strip())
    if not match:
        raise ValueError(value)
    return match["prefix"], int(match["year"]), int(match["serial"])


def validate_doc_number(value: str) -> None:
    text = value.strip()
    if DOC_NUMBER_RE.match(text):
        return
    if _WRONG_BRACKETS.search(text):
        raise ValidationError(
            _("文号的年份应使用六角括号“〔〕”，例如：鞍统发〔2022〕3号。"), code="brackets"
        )
    raise ValidationError(
        _("文号格式不正确。应为“发文机关代字〔年份〕序号号”，例如：鞍统发〔2022〕3号。"),
        code="format",
    )


_PHONE_RE = re.compile(r"^[0-9０-９\-－（）() ,，、/转]{5,60}$")


def validate_phone(value: str) -> None:
    if value and not _PHONE_RE.match(value.strip()):
        raise ValidationError(_("电话号码只能包含数字、区号分隔符“-”和“转”。"), code="phone")
