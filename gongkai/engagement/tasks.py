"""Background tasks of 专题与公众参与 (django-tasks; the database worker runs them).

Only row ids go into the stored arguments: names and addresses stay in their tables. Each
mail goes through the mail outbox keyed by the task result (``gongkai.core.mail``): one
mail per enqueue, even when a killed worker's task is requeued and runs again — while a
new request (a second confirmation link asked for) is a new task and a new mail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.mail import EmailMessage
from django_tasks import TaskContext, task

from gongkai.core import mail
from gongkai.engagement.enums import RegistrationMail, RegistrationStatus


@task(takes_context=True)
def send_registration_mail(context: TaskContext, registration_id: int, mail_kind: str) -> bool:
    result = mail.send_once(
        mail.task_key(context.task_result.id),
        registration_mail,
        params={"registration": registration_id, "mail": mail_kind},
    )
    return result.outcome in (mail.MailOutcome.SENT, mail.MailOutcome.ALREADY_SENT)


def registration_mail(params: Mapping[str, Any]) -> EmailMessage | None:
    from gongkai.engagement.mail import registration_message
    from gongkai.engagement.models import Registration

    registration = (
        Registration.objects.select_related("event").filter(pk=params["registration"]).first()
    )
    if registration is None or not registration.email:
        return None
    kind = RegistrationMail(params["mail"])
    # A reminder queued before a cancellation is not sent.
    if kind == RegistrationMail.REMINDER and registration.status != RegistrationStatus.CONFIRMED:
        return None
    return registration_message(registration, kind)


@task(takes_context=True)
def send_subscription_confirmation(context: TaskContext, subscription_id: int) -> bool:
    result = mail.send_once(
        mail.task_key(context.task_result.id),
        subscription_mail,
        params={"subscription": subscription_id},
    )
    return result.outcome in (mail.MailOutcome.SENT, mail.MailOutcome.ALREADY_SENT)


def subscription_mail(params: Mapping[str, Any]) -> EmailMessage | None:
    from gongkai.engagement.mail import confirmation_message
    from gongkai.engagement.models import Subscription

    subscription = (
        Subscription.objects.select_related("subscriber")
        .filter(pk=params["subscription"], status="pending")
        .first()
    )
    if subscription is None:
        return None
    return confirmation_message(subscription)
