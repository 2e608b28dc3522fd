"""Shared builders for the 互动交流 tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongkai.consultations import services
from gongkai.consultations.models import Message
from gongkai.core.models import Agency

NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)  # Monday, 17:30 in Beijing


def data(**overrides: Any) -> services.MessageData:
    fields: dict[str, Any] = {
        "kind": "consultation", "title": "企业一套表联网直报账号如何找回",
        "body": "我单位统计人员离职，联网直报平台登录密码遗失，请问如何重置？",
        "name": "张伟", "phone": "13812345678", "email": "zhangwei@example.com",
        "publish_consent": True,
    }
    fields.update(overrides)
    return services.MessageData(**fields)


def submit(agency: Agency, key: str = "k1", **overrides: Any) -> services.Submission:
    return services.submit_message(data(**overrides), agency=agency, idempotency_key=key,
                                   now=NOW)


def replied(agency: Agency, drafter: Any, reviewer: Any, key: str = "k1",
            text: str = "请携带单位介绍信到市统计局执法监督科办理密码重置，电话0412-2221203。",
            **overrides: Any) -> Message:
    message = submit(agency, key, **overrides).message
    services.draft_reply(message, text, by=drafter)
    services.review_reply(message, by=reviewer, approve=True)
    return services.send_reply(message, by=drafter)


def form_post(**overrides: str) -> dict[str, str]:
    fields = {"kind": "complaint", "title": "统计调查员上门时间不合适",
              "body": "调查员多次在晚上九点后上门，影响休息，请改进。", "name": "李娜",
              "phone": "13912345678", "email": "", "publish_consent": "yes",
              "website": "", "idempotency_key": ""}
    fields.update(overrides)
    return fields
