"""The personal-data detector and masking (gongkai.core.text.pii)."""

from __future__ import annotations

import pytest

from gongkai.core.text.pii import (
    Kind,
    allowed_for_agency,
    find_personal_data,
    id_check_digit,
    is_valid_id15,
    is_valid_id18,
    luhn_ok,
    mask,
    mask_personal_data,
)


def an_id(first17: str = "21030219850312123") -> str:
    return first17 + id_check_digit(first17)


def a_card(prefix: str = "622202020000000000") -> str:
    """A card number with a valid Luhn check digit appended."""
    for digit in "0123456789":
        if luhn_ok(prefix + digit):
            return prefix + digit
    raise AssertionError


def wrong_check(valid: str) -> str:
    last = valid[-1]
    return valid[:-1] + ("1" if last != "1" else "2")


ID = an_id()
ID_X = next(an_id(f"11010119900101{n:03d}") for n in range(1000)
            if an_id(f"11010119900101{n:03d}").endswith("X"))
CARD = a_card()


def kinds(text: str, **kwargs: object) -> list[tuple[str, str]]:
    return [(f.kind.value, f.value) for f in find_personal_data(text, **kwargs)]  # type: ignore[arg-type]


# --- Checksums ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "valid"), [
    ("11010519491231002X", True),      # the GB 11643 standard's own example
    ("110105194912310021", False),     # same digits, wrong check character
    ("11010519491331002X", False),     # month 13
    ("11010519490230002X", False),     # 30 February
    ("11010530491231002X", False),     # born in 3049
    ("01010519491231002X", False),     # area code cannot start with 0
    (ID, True),
    (wrong_check(ID), False),
])
def test_it_validates_18_digit_id_numbers_by_date_and_check_digit(value, valid):
    assert is_valid_id18(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("110105491231002", True),
    ("110105491331002", False),
    ("110105490230002", False),
])
def test_it_validates_15_digit_id_numbers_by_date(value, valid):
    assert is_valid_id15(value) is valid


@pytest.mark.parametrize(("value", "valid"), [
    ("4111111111111111", True),
    ("4111111111111112", False),
    (CARD, True),
    (wrong_check(CARD), False),
])
def test_it_checks_card_numbers_with_luhn(value, valid):
    assert luhn_ok(value) is valid


# --- What is found -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (f"身份证号：{ID}。", [("id_card", ID)]),
    (f"身份证号码{ID_X.lower()}", [("id_card", ID_X.lower())]),
    ("身份证号 110105491231002，", [("id_card", "110105491231002")]),
    ("手机13800138000", [("mobile", "13800138000")]),
    ("手机：+86 138-0013-8000。", [("mobile", "+86 138-0013-8000")]),
    ("手机：138 0013 8000", [("mobile", "138 0013 8000")]),
    ("手机：１３８００１３８０００", [("mobile", "１３８００１３８０００")]),
    ("电话：0412-2220000", [("landline", "0412-2220000")]),
    ("电话 010-62345678转123", [("landline", "010-62345678转123")]),
    ("电话（0412）2220000", [("landline", "（0412）2220000")]),
    ("电话：2220000", [("landline", "2220000")]),
    (f"账号 {CARD}", [("bank_card", CARD)]),
    ("卡号 4111 1111 1111 1111", [("bank_card", "4111 1111 1111 1111")]),
    ("邮箱 zhang.san@example.com。", [("email", "zhang.san@example.com")]),
    ("姓名：张三，性别：男", [("name", "张三")]),
    ("申请人：欧阳修文", [("name", "欧阳修文")]),
    ("举报人： 李四于2022年3月", [("name", "李四")]),
    ("联系人：王小明 电话：0412-2220000", [("name", "王小明"), ("landline", "0412-2220000")]),
])
def test_it_finds_personal_data(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize("text", [
    # Checksums and dates that do not hold.
    f"身份证号：{wrong_check(ID)}",
    "编号 110105491331002",
    f"卡号 {wrong_check(CARD)}",
    # Numbers inside longer codes and numbers.
    "12345678901234567890",
    f"1{ID}",
    f"{ID}0",
    "统一社会信用代码：91210300MA0UABCD1X",
    f"统一社会信用代码：{ID}",
    "索引号：11210300MB1234567X/2022-00001",
    f"索引号：{ID}/2022-00001",
    "鞍统发〔2022〕5号",
    "2022-03-01 2022年3月1日 20220301",
    "金额 13800138000.50 元，1,380,013,800 元",
    "增长 0.13800138000",
    "编号 A13800138000",
    "版本 v13800138000",
    "138001380001",
    "23800138000",
    "12800138000",
    # Table rows of numbers (pdftotext keeps them on one line).
    "合计   135 2000 1234 5678 90",
    "4111 1111 1111 1111 2222",
    # Names: anonymised, titles, organisations, no label.
    "申请人：张某",
    "申请人：李某某",
    "申请人：王**",
    "联系人：王老师",
    "申请人：鞍山市统计局",
    "申请人：某公司",
    "张三提出申请",
    "姓名：",
    # Not an e-mail address.
    "@example 或 a@b",
])
def test_it_does_not_flag_near_misses(text):
    assert kinds(text) == []


def test_an_id_number_that_passes_luhn_is_reported_once_as_an_id():
    findings = find_personal_data(f"号码{ID}")
    assert [f.kind for f in findings] == [Kind.ID_CARD]


def test_offsets_point_at_the_value():
    text = f"甲{ID}乙 13800138000 丙"
    for finding in find_personal_data(text):
        assert text[finding.start:finding.end] == finding.value


# --- Masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "masked"), [
    (f"身份证号：{ID}", f"身份证号：{ID[:4]}**********{ID[-4:]}"),
    ("身份证号：110105491231002", "身份证号：1101*******1002"),
    ("手机13800138000", "手机138****8000"),
    ("手机 +86 138-0013-8000", "手机 +86 138-****-8000"),
    ("电话：0412-2220000转123", "电话：0412-*****00转***"),
    ("电话 010-62345678", "电话 010-******78"),
    (f"卡号{CARD}", f"卡号{CARD[:4]}{'*' * (len(CARD) - 8)}{CARD[-4:]}"),
    ("卡号 4111 1111 1111 1111", "卡号 4111 **** **** 1111"),
    ("邮箱 zhangsan@example.com", "邮箱 z***@example.com"),
    ("姓名：张三，", "姓名：张*，"),
    ("申请人：欧阳修文", "申请人：欧阳**"),
])
def test_it_masks_what_it_finds(text, masked):
    assert mask_personal_data(text) == masked
    # Masked text is clean.
    assert find_personal_data(masked) == []


def test_it_masks_the_middle_of_an_id_number():
    finding = find_personal_data(ID)[0]
    assert finding.masked == ID[:4] + "*" * 10 + ID[-4:]
    assert ID[4:14] not in finding.masked


def test_mask_keeps_the_text_around_several_findings():
    text = "甲13800138000乙zhangsan@example.com丙"
    assert mask(text, find_personal_data(text)) == "甲138****8000乙z***@example.com丙"


# --- Allowed numbers -----------------------------------------------------------------------


class AgencyLike:
    office_phone = "0412-2220000"
    office_fax = "0412－2220009"
    consultation_phone = "0412-2220001，13900000000"
    supervision_phone = ""
    office_email = "Ban@AnShan.gov.cn"
    contact = "电话：0412-2220002"


def test_allowed_for_agency_lists_its_numbers_with_and_without_area_code():
    allowed = allowed_for_agency(AgencyLike())
    assert {"04122220000", "2220000", "04122220009", "04122220001", "13900000000",
            "ban@anshan.gov.cn", "04122220002"} <= allowed


@pytest.mark.parametrize("text", [
    "咨询电话：0412-2220000",
    "电话：（0412）2220001",
    "电话：2220000",
    "传真：0412 2220009",
    "手机：139-0000-0000",
    "手机：+86 13900000000",
    "邮箱 ban@anshan.gov.cn",
    "监督电话：0412-2220002转8",
])
def test_the_agencys_own_contacts_are_not_flagged(text):
    assert kinds(text, allowed=allowed_for_agency(AgencyLike())) == []


def test_other_numbers_are_still_flagged_next_to_allowed_ones():
    text = "电话：0412-2220000，手机：13800138000"
    assert kinds(text, allowed=allowed_for_agency(AgencyLike())) == [
        ("mobile", "13800138000")]


def test_allowed_accepts_plain_strings_in_any_format():
    assert kinds("电话：0412-2220000", allowed=["0412 2220000"]) == []
    assert kinds("邮箱 a.b@example.com", allowed=["A.B@Example.com"]) == []


# --- Regression: a real annual report ------------------------------------------------------

# Copied from /work/shared/real-reports/huaian-city-gov-2024.txt (淮安市人民政府
# 2024年政府信息公开工作年度报告, extracted with pdftotext -layout), lines 12-14 and 127.
HUAIAN_EXCERPT = """\
如对本报告有疑问，请与淮安市人民政府办公室联系（地址：淮
安市翔宇南道 1 号，邮编：223001，电话：0517-83605210，电
子邮箱：hazwgkc@163.com）。
一、本年新收政府信息公开申请数量                3001        53       0        0    61       4   3119
"""


class Huaian:
    office_phone = "0517-83605210"
    office_fax = ""
    consultation_phone = ""
    supervision_phone = ""
    office_email = "hazwgkc@163.com"
    contact = ""


def test_a_real_reports_agency_contacts_are_not_flagged_once_in_the_settings():
    assert kinds(HUAIAN_EXCERPT) == [("landline", "0517-83605210"),
                                     ("email", "hazwgkc@163.com")]
    assert kinds(HUAIAN_EXCERPT, allowed=allowed_for_agency(Huaian())) == []


@pytest.mark.parametrize("text", [
    "咨询电话：0412-5551203（工作日8:30—11:30）",
    "监督电话 (0412)5551209",
    "传真：0412-5551202",
    "统计执法监督科：负责统计执法检查和统计违法举报受理。电话：0412-5551221。",
    "办公室：负责机关日常运转。电话：0412-5551201",
])
def test_office_numbers_of_named_units_and_service_lines_are_not_personal(text):
    assert kinds(text) == []


@pytest.mark.parametrize("text", [
    "举报人：张三，电话：0412-5551234",
    "办公室：负责日常工作。联系人张三。住址某某。电话：0412-5551234",
    "举报人电话：0412-5551234",
    "咨询电话：13800138000",  # a mobile is always reported
])
def test_personal_numbers_next_to_office_words_are_still_reported(text):
    assert any(kind in ("landline", "mobile") for kind, _value in kinds(text))
