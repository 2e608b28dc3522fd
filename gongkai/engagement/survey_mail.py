"""The e-mail of a survey in 邮箱验证 mode: the one-time answer link."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.core.mail import EmailMessage
from django.utils import timezone

from gongkai.engagement.invitations import LINK_MAX_AGE
from gongkai.engagement.mail import FOOTER, absolute
from gongkai.engagement.models import SurveyPage


def survey_link_url(survey: SurveyPage, token: str) -> str:
    return absolute(f"{survey.url}?{urlencode({'t': token})}")


def survey_link_message(
    survey: SurveyPage, email: str, token: str, _params: Mapping[str, Any]
) -> EmailMessage:
    until = timezone.localtime(timezone.now() + LINK_MAX_AGE).strftime("%Y年%m月%d日")
    body = (
        f"您好：\n\n您（或有人用本邮箱）申请参加问卷调查“{survey.title}”。\n\n"
        f"请通过以下链接作答（{until}前有效）：\n{survey_link_url(survey, token)}\n\n"
        "每个邮箱只计一份答卷；本链接只用于您本人，请勿转发。"
        "我们不保存您的邮箱地址，只保存无法还原的校验值，用于防止重复计入。"
    ) + FOOTER
    return EmailMessage(subject=f"问卷调查答卷链接：{survey.title}", body=body, to=[email])
