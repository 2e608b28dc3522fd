"""Subscriptions: double opt-in, tokens, the outbox, digests sent once, one-click unsubscribe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.engagement import services
from gongkai.engagement.enums import SubscriptionKind, SubscriptionStatus
from gongkai.engagement.models import DigestItem, Subscriber, Subscription
from gongkai.testing import CommandRunner, column, make_item, theme

pytestmark = pytest.mark.django_db


def confirmed(email, kind, key):
    subscription = services.subscribe(email=email, kind=kind, key=key)
    return services.confirm_subscription(subscription_id=subscription.pk,
                                         token=services.confirm_token(subscription))


def test_subscribing_sends_a_confirmation_and_nothing_until_confirmed(
        client, anshan, mailoutbox, django_capture_on_commit_callbacks):
    url = reverse("engagement:subscribe") + f"?kind=agency&key={anshan.slug}"
    assert "鞍山市统计局" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Reader@Example.com", "kind": "agency",
                                     "key": anshan.slug})
    assert "确认邮件已发送" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.PENDING
    assert subscription.subscriber.email == "reader@example.com"
    assert len(mail.outbox) == 1
    confirm = reverse("engagement:confirm_subscription",
                      args=[subscription.pk, services.confirm_token(subscription)])
    assert confirm in mail.outbox[0].body
    make_item(column(anshan))
    assert services.send_digests().subscribers_sent == 0  # pending: nothing
    client.post(confirm)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED


def test_a_subscription_to_nothing_is_refused(client, anshan):
    assert client.get(reverse("engagement:subscribe") + "?kind=column&key=999999"
                      ).status_code == 404
    with pytest.raises(services.ServiceError):
        services.subscribe(email="a@example.com", kind=SubscriptionKind.THEME, key="nope")


def test_publishing_an_item_queues_it_for_its_columns_theme_and_agency(anshan):
    item = make_item(column(anshan))
    targets = set(DigestItem.objects.values_list("kind", "key"))
    assert (SubscriptionKind.AGENCY, anshan.slug) in targets
    assert (SubscriptionKind.THEME, theme().code) in targets
    assert (SubscriptionKind.COLUMN, str(column(anshan).pk)) in targets
    before = DigestItem.objects.count()
    item.save_revision().publish()  # republished: not news again
    assert DigestItem.objects.count() == before


def test_a_digest_goes_once_per_subscriber_per_run_and_never_twice(anshan, mailoutbox):
    confirmed("a@example.com", SubscriptionKind.AGENCY, anshan.slug)
    confirmed("a@example.com", SubscriptionKind.THEME, theme().code)
    confirmed("b@example.com", SubscriptionKind.COLUMN, str(column(anshan).pk))
    make_item(column(anshan), title="统计公报一")
    make_item(column(anshan), title="统计公报二")
    run = services.send_digests()
    assert run.subscribers_sent == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["a@example.com"].body.count("统计公报一") == 1  # two targets, one line
    assert "统计公报二" in by_address["b@example.com"].body
    again = services.send_digests()
    assert again.subscribers_sent == 0 and len(mail.outbox) == 2


def test_items_queued_before_confirmation_are_not_sent(anshan, mailoutbox):
    make_item(column(anshan), title="旧信息")
    confirmed("a@example.com", SubscriptionKind.AGENCY, anshan.slug)
    assert services.send_digests().subscribers_sent == 0


def test_a_failed_send_is_retried_by_the_next_run(anshan, mailoutbox, monkeypatch):
    confirmed("a@example.com", SubscriptionKind.AGENCY, anshan.slug)
    make_item(column(anshan), title="待发送信息")

    def broken(message, fail_silently=False):
        raise ConnectionRefusedError

    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", broken)
        assert services.send_digests().failed == 1
    assert services.send_digests().subscribers_sent == 1
    assert "待发送信息" in mail.outbox[0].body


def test_the_digest_has_rfc8058_one_click_unsubscribe(anshan, mailoutbox):
    confirmed("a@example.com", SubscriptionKind.AGENCY, anshan.slug)
    make_item(column(anshan))
    services.send_digests()
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.filter(status=SubscriptionStatus.CONFIRMED).exists()


def test_unsubscribe_tokens_cannot_be_guessed_or_used_for_someone_else(client, anshan):
    mine = confirmed("a@example.com", SubscriptionKind.AGENCY, anshan.slug)
    theirs = confirmed("b@example.com", SubscriptionKind.AGENCY, anshan.slug)
    my_token = services.unsubscribe_token(mine)
    for url in (reverse("engagement:unsubscribe", args=[theirs.pk, my_token]),
                reverse("engagement:unsubscribe", args=[theirs.pk, "f" * 48]),
                reverse("engagement:unsubscribe", args=[theirs.pk,
                                                        services.confirm_token(theirs)]),
                reverse("engagement:unsubscribe_all", args=[theirs.subscriber.pk, my_token])):
        assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == SubscriptionStatus.CONFIRMED
    client.post(reverse("engagement:unsubscribe", args=[mine.pk, my_token]))
    mine.refresh_from_db()
    assert mine.status == SubscriptionStatus.UNSUBSCRIBED


def test_other_apps_notify_release_calendar_subscribers(anshan, mailoutbox):
    confirmed("a@example.com", SubscriptionKind.RELEASE_CALENDAR, anshan.slug)
    entry = services.DigestEntry("release:1", "2026年4月鞍山市居民消费价格", "/sjfb/releases/1/",
                                 timezone.now() + dt.timedelta(minutes=1))
    assert services.notify_subscribers("release_calendar", anshan.slug, [entry]) == 1
    assert services.notify_subscribers("release_calendar", anshan.slug, [entry]) == 0
    services.send_digests()
    assert "居民消费价格" in mail.outbox[0].body


def test_the_command_sends_digests_and_says_how_many(anshan, mailoutbox):
    confirmed("a@example.com", SubscriptionKind.AGENCY, anshan.slug)
    make_item(column(anshan))
    out, _err = CommandRunner("subscriptions").run("send-digests")
    assert "已发送汇总邮件 1 封" in out
    assert Subscriber.objects.get().last_digest_at is not None
