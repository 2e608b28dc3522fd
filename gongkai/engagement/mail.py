"""The e-mails of 专题与公众参与: what they say and the links they carry.

Registration and subscription messages are sent by tasks (``tasks``); the digest by
``services.send_digests``. All of them go out through the mail outbox (``gongkai.core.mail``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from gongkai.engagement import services
from gongkai.engagement.enums import RegistrationMail
from gongkai.engagement.models import DigestItem, Registration, Subscriber, Subscription

FOOTER = "\n\n本邮件由系统自动发送，请勿直接回复。"


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def cancel_url(registration: Registration) -> str:
    return absolute(reverse("engagement:cancel_registration", args=[
        registration.pk, services.cancellation_token(registration)]))


def _when(registration: Registration) -> str:
    start = timezone.localtime(registration.event.starts_at)
    end = timezone.localtime(registration.event.ends_at)
    return f"{start:%Y年%m月%d日 %H:%M}—{end:%H:%M}"


REGISTRATION_TEXT = {
    RegistrationMail.CONFIRMED: ("报名成功", "您已成功报名“{title}”。"),
    RegistrationMail.WAITLISTED: ("已进入候补名单",
                                  "“{title}”名额已满，您已进入候补名单。有人取消报名时，"
                                  "我们将按报名先后为您递补并邮件通知。"),
    RegistrationMail.PROMOTED: ("候补转为正式报名",
                                "“{title}”有名额空出，您的候补报名已转为正式报名。"),
    RegistrationMail.CANCELLED: ("已取消报名", "您已取消“{title}”的报名。"),
    RegistrationMail.REMINDER: ("活动提醒", "您报名的“{title}”即将开始，请准时参加。"),
}


def registration_message(registration: Registration, mail: RegistrationMail) -> EmailMessage:
    subject, lead = REGISTRATION_TEXT[mail]
    event = registration.event
    lines = [f"{registration.name}，您好：", "", lead.format(title=event.title), "",
             f"时间：{_when(registration)}", f"地点：{event.place}",
             f"活动页面：{absolute(event.url or '/')}"]
    if mail != RegistrationMail.CANCELLED:
        lines += ["", f"如需取消报名，请访问：{cancel_url(registration)}"]
    return EmailMessage(subject=f"{subject}：{event.title}", body="\n".join(lines) + FOOTER,
                        to=[registration.email])


def confirmation_message(subscription: Subscription) -> EmailMessage:
    confirm = absolute(reverse("engagement:confirm_subscription", args=[
        subscription.pk, services.confirm_token(subscription)]))
    body = (f"您好：\n\n有人（希望是您本人）用本邮箱订阅了“{subscription.label}”"
            f"（{subscription.get_kind_display()}）的更新提醒。\n\n"
            f"确认订阅请访问：{confirm}\n\n如果这不是您的操作，请忽略本邮件，"
            "不确认就不会收到任何订阅邮件。") + FOOTER
    return EmailMessage(subject=f"请确认订阅：{subscription.label}", body=body,
                        to=[subscription.subscriber.email])


def digest_message(subscriber: Subscriber, items: list[DigestItem]) -> EmailMessage:
    unsubscribe_all = absolute(reverse("engagement:unsubscribe_all", args=[
        subscriber.pk, services.unsubscribe_all_token(subscriber)]))
    lines = ["您好：", "", "您订阅的内容有以下更新：", ""]
    for item in items:
        published = timezone.localtime(item.published_at)
        lines.append(f"· {item.title}（{published:%Y-%m-%d}）\n  {absolute(item.url)}")
    lines += ["", "退订单项订阅："]
    for sub in subscriber.subscriptions.filter(status="confirmed").order_by("pk"):
        link = absolute(reverse("engagement:unsubscribe", args=[
            sub.pk, services.unsubscribe_token(sub)]))
        lines.append(f"· {sub.label}：{link}")
    lines += ["", f"退订全部：{unsubscribe_all}"]
    # RFC 8058: mail clients unsubscribe with one POST to the List-Unsubscribe URL.
    headers = {"List-Unsubscribe": f"<{unsubscribe_all}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return EmailMessage(subject=f"订阅更新（{len(items)}条）", body="\n".join(lines) + FOOTER,
                        to=[subscriber.email], headers=headers)

