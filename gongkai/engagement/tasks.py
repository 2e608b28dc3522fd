"""Background tasks of 专题与公众参与 (django-tasks; the database worker runs them).

Only row ids go into the stored arguments: names and addresses stay in their tables.
"""

from __future__ import annotations

from django_tasks import task

from gongkai.engagement.enums import RegistrationMail, RegistrationStatus


@task()
def send_registration_mail(registration_id: int, mail: str) -> bool:
    from gongkai.engagement.mail import registration_message
    from gongkai.engagement.models import Registration

    registration = Registration.objects.select_related("event").filter(
        pk=registration_id).first()
    if registration is None or not registration.email:
        return False
    kind = RegistrationMail(mail)
    # A reminder queued before a cancellation is not sent.
    if kind == RegistrationMail.REMINDER and registration.status != RegistrationStatus.CONFIRMED:
        return False
    registration_message(registration, kind).send()
    return True


@task()
def send_subscription_confirmation(subscription_id: int) -> bool:
    from gongkai.engagement.mail import confirmation_message
    from gongkai.engagement.models import Subscription

    subscription = Subscription.objects.select_related("subscriber").filter(
        pk=subscription_id, status="pending").first()
    if subscription is None:
        return False
    confirmation_message(subscription).send()
    return True
