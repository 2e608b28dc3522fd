"""Background tasks of 依申请公开 (django-tasks; the database worker runs them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _
from django_tasks import task

from gongkai.core import mail


@task()
def send_submission_email(application_id: int) -> bool:
    """E-mail the applicant the 申请编号 and 查询码, once per application (the mail outbox's
    key ``ysqgk-submission:<id>``: a task requeued after a worker died does not send it
    twice). Only the application's id goes into the task's stored arguments; the code is
    derived here (``selectors.derive_code``), so it is never written to the task table. The
    message never contains ID numbers or addresses."""
    result = mail.send_once(
        f"ysqgk-submission:{application_id}",
        submission_message,
        params={"application": application_id},
    )
    return result.outcome in (mail.MailOutcome.SENT, mail.MailOutcome.ALREADY_SENT)


def submission_message(params: Mapping[str, Any]) -> EmailMessage | None:
    from gongkai.info_requests.models import Application
    from gongkai.info_requests.selectors import derive_code, format_code

    application = (
        Application.objects.select_related("agency").filter(pk=params["application"]).first()
    )
    if application is None or not application.email:
        return None
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    body = _(
        "您好：\n\n"
        "%(agency)s已收到您的政府信息公开申请。\n\n"
        "申请编号：%(number)s\n"
        "查询码：%(code)s\n\n"
        "请妥善保存查询码，凭申请编号和查询码可在 %(url)s 查询办理进度。"
        "网上提交的申请，以双方确认之日为收到申请之日（《中华人民共和国政府信息公开条例》第三十一条）。\n\n"
        "本邮件由系统自动发送，请勿直接回复。"
    ) % {
        "agency": application.agency.name,
        "number": application.number,
        "code": format_code(derive_code(application.idempotency_key)),
        "url": f"{base}/ysqgk/track/",
    }
    return EmailMessage(
        subject=_("政府信息公开申请已提交（%(number)s）") % {"number": application.number},
        body=body,
        to=[application.email],
    )
