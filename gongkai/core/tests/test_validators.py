"""Validators for codes of Chinese public administration."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gongkai.core.validators import (
    is_valid_org_code,
    is_valid_uscc,
    org_code_check_char,
    parse_doc_number,
    uscc_check_char,
    validate_agency_code,
    validate_doc_number,
    validate_phone,
)
from gongkai.testing import valid_uscc


def error_code(validator, value: str) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return str(caught.value.code)


# --- 统一社会信用代码 (GB 32100-2015) --------------------------------------------------------


def test_it_accepts_a_published_credit_code():
    assert is_valid_uscc("91350100M000100Y43")
    assert uscc_check_char("91350100M000100Y4") == "3"
    validate_agency_code("91350100M000100Y43")
    validate_agency_code(" 91350100m000100y43 ")  # trimmed and upper-cased first


@pytest.mark.parametrize(
    "first17", ["11210300MB1234567", "12210300MB0000001", "91210300MA0QC1234", "11100000000013127"]
)
def test_it_accepts_codes_with_the_computed_check_character(first17):
    code = valid_uscc(first17)
    assert is_valid_uscc(code)
    validate_agency_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",   # wrong check character
        "91350100M000100Y4I",   # I is not in the alphabet
        "9135010OM000100Y43",   # O is not in the alphabet (nor in the check)
        "91350100M000100S43",   # S is not in the alphabet
    ],
)
def test_it_rejects_a_bad_credit_code(code):
    assert not is_valid_uscc(code)
    assert error_code(validate_agency_code, code) == "uscc"


# --- 组织机构代码 (GB 11714-1997) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("first8", "check"),
    [
        # 1·3+2·7+3·9+4·10+5·5+6·8+7·4+8·2 = 201; 201 mod 11 = 3; 11−3 = 8
        ("12345678", "8"),
        # D=13: 39+14+9+40+15+40+24+18 = 199; 199 mod 11 = 1; 11−1 = 10 → X
        ("D2143569", "X"),
        # 1·3+4·2 = 11; 11 mod 11 = 0; 11−0 = 11 → 0
        ("10000004", "0"),
    ],
)
def test_it_computes_the_organisation_code_check_character(first8, check):
    assert org_code_check_char(first8) == check
    assert is_valid_org_code(first8 + check)
    validate_agency_code(first8 + check)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("123456789", "org"),       # wrong check character
        ("D2143569-X", "length"),   # the hyphen must be dropped
        ("12345", "length"),
        ("", "length"),
    ],
)
def test_it_rejects_a_bad_organisation_code(code, expected):
    assert error_code(validate_agency_code, code) == expected


def test_it_explains_the_length_rule_in_chinese():
    with pytest.raises(ValidationError, match="18位统一社会信用代码或9位组织机构代码"):
        validate_agency_code("12345")


# --- 文号 (GB/T 9704-2012) -------------------------------------------------------------------


@pytest.mark.parametrize("number",
                         ["鞍统发〔2022〕3号", "国办发明电〔2026〕7号", "辽统字〔2019〕128号"])
def test_it_accepts_a_well_formed_document_number(number):
    validate_doc_number(number)


def test_it_parses_a_document_number():
    assert parse_doc_number("鞍统发〔2022〕3号") == ("鞍统发", 2022, 3)
    with pytest.raises(ValueError):
        parse_doc_number("鞍统发[2022]3号")


@pytest.mark.parametrize("number", ["鞍统发[2022]3号", "鞍统发【2022】3号", "鞍统发（2022）3号",
                                    "鞍统发(2022)3号", "鞍统发［2022］3号"])
def test_it_names_the_wrong_brackets(number):
    with pytest.raises(ValidationError, match="六角括号") as caught:
        validate_doc_number(number)
    assert caught.value.code == "brackets"


@pytest.mark.parametrize("number", ["鞍统发2022年3号", "鞍统发〔2022〕03号", "鞍统发〔2022〕3",
                                    "〔2022〕3号", "鞍统发〔22〕3号"])
def test_it_explains_the_format(number):
    with pytest.raises(ValidationError, match="文号格式不正确") as caught:
        validate_doc_number(number)
    assert caught.value.code == "format"


# --- Phone numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["0412-2220000", "0412-2220000转8001", "（0412）2220000",
                                   "0412-2220000，0412-2220001", "12345", ""])
def test_it_accepts_phone_numbers(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["call me", "0412-222000a", "1234", "12345@qq.com"])
def test_it_rejects_what_is_not_a_phone_number(phone):
    with pytest.raises(ValidationError, match="电话号码只能包含数字") as caught:
        validate_phone(phone)
    assert caught.value.code == "phone"
