"""Shared data for the 依申请公开 tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongkai.core.text.pii import id_check_digit
from gongkai.info_requests.enums import ApplicantType, DeliveryMethod, IdType, ProvisionForm
from gongkai.info_requests.services import ApplicantData

ID_FIRST17 = "21030219800101123"
VALID_ID = ID_FIRST17 + id_check_digit(ID_FIRST17)
BAD_CHECK_ID = ID_FIRST17 + ("0" if VALID_ID[-1] != "0" else "1")
ADDRESS = "辽宁省鞍山市铁东区胜利南路99号3单元"
TODAY = dt.date(2024, 10, 10)  # a Thursday after National Day 2024


def person(**fields: Any) -> ApplicantData:
    values: dict[str, Any] = {
        "applicant_type": ApplicantType.NATURAL_PERSON, "name": "张三",
        "id_type": IdType.RESIDENT_ID, "id_number": VALID_ID, "phone": "13812345678",
        "email": "zhang@example.com", "address": ADDRESS, "postcode": "114000",
        "description": "2023年鞍山市国民经济和社会发展统计公报的编制说明",
        "provision_form": ProvisionForm.PAPER, "delivery_method": DeliveryMethod.POST,
    }
    values.update(fields)
    return ApplicantData(**values)


def organisation(**fields: Any) -> ApplicantData:
    values: dict[str, Any] = {
        "applicant_type": ApplicantType.RESEARCH_INSTITUTION, "name": "鞍山市某研究院",
        "contact_person": "李四", "phone": "0412-2221234", "email": "li@example.com",
        "description": "2023年规模以上工业企业名录", "provision_form": ProvisionForm.EMAIL,
        "delivery_method": DeliveryMethod.EMAIL,
    }
    values.update(fields)
    return ApplicantData(**values)


def form_data(**fields: Any) -> dict[str, Any]:
    """A valid POST of the public form (natural person)."""
    values: dict[str, Any] = {
        "applicant_category": "natural_person", "name": "张三", "id_type": "resident_id",
        "id_number": VALID_ID, "phone": "13812345678", "email": "zhang@example.com",
        "address": ADDRESS, "postcode": "114000",
        "description": "2023年鞍山市国民经济和社会发展统计公报的编制说明",
        "purpose": "", "provision_form": "paper", "delivery_method": "post",
        "action": "submit", "checked": "1",
    }
    values.update(fields)
    return {k: v for k, v in values.items() if v is not None}
