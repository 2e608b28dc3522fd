"""Every change in 专题与公众参与 goes through here.

* Registrations: ``register`` (locks the event row: never over capacity), ``cancel_registration``
  (the registrant's signed link; promotes the first on the waiting list), ``set_attendance``
  (staff of the event's agency), ``claim_due_reminders``.
* Materials: ``record_download`` (a per-day counter, nothing about the visitor).
* Surveys: ``submit_survey_response`` (one per nullifier: a second submission counts once;
  the invitation-code and e-mail rules are in ``responses``).
* Subscriptions: ``subscribe`` (double opt-in), ``confirm_subscription``, ``unsubscribe``,
  ``unsubscribe_all``, ``notify_subscribers`` (the outbox other apps write to) and
  ``send_digests`` (the periodic command).

Refusals are ``ServiceError`` (a Chinese message for the visitor) or ``PermissionDenied``.
Personal data (names, phones, e-mail addresses) never reaches audit entries or log records.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.agencies import agency_for_page, has_role
from gongkai.engagement import tokens
from gongkai.engagement.enums import (
    RegistrationMail,
    RegistrationStatus,
    SubscriptionKind,
    SubscriptionStatus,
)
from gongkai.engagement.models import (
    DigestItem,
    EventPage,
    MaterialDownloadDay,
    Registration,
    Subscriber,
    Subscription,
    SurveyPage,
    SurveyResponse,
    TrainingMaterial,
)

logger = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser
REMINDER_AHEAD = dt.timedelta(hours=24)


class ServiceError(Exception):
    """A refusal with a message for the visitor (Chinese)."""


def _enqueue_registration_mail(registration_id: int, mail: RegistrationMail) -> None:
    from gongkai.engagement.tasks import send_registration_mail

    # After commit: a rolled-back registration sends nothing, and the task row (not the SMTP
    # server) is what must survive — the worker retries a failed send, the registration stays.
    transaction.on_commit(partial(send_registration_mail.enqueue, registration_id, mail.value))


# --- Registrations -----------------------------------------------------------------------------


def _normalise_phone(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def register(*, event_id: int, name: str, phone: str = "", email: str = "",
             organization: str = "", now: dt.datetime | None = None) -> Registration:
    """Register one person: confirmed while seats remain, otherwise on the waiting list.

    The event row is locked for the count and the insert, so concurrent sign-ups queue and
    the number of confirmed registrations never exceeds the capacity (on SQLite the
    project's IMMEDIATE transactions serialise writers the same way)."""
    now = now or timezone.now()
    name, email, phone = name.strip(), email.strip().lower(), _normalise_phone(phone)
    if not name or not (phone or email):
        raise ServiceError("请填写姓名，以及手机号码或电子邮箱中的至少一项。")
    with transaction.atomic():
        event = EventPage.objects.select_for_update(of=("self",)).get(pk=event_id)
        if not event.live or not event.registration_open(now):
            raise ServiceError("该活动报名已截止。")
        active = event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        same = Q(email=email) if email else Q(pk__in=[])
        if phone:
            same |= Q(phone=phone)
        if active.filter(same).exists():
            raise ServiceError("您已报名该活动，请勿重复报名。"
                               "如需取消，请使用报名确认邮件中的链接。")
        confirmed = active.filter(status=RegistrationStatus.CONFIRMED).count()
        status = (RegistrationStatus.CONFIRMED if confirmed < event.capacity
                  else RegistrationStatus.WAITLISTED)
        registration = Registration.objects.create(
            event=event, name=name, phone=phone, email=email, organization=organization.strip(),
            status=status, created_at=now,
            confirmed_at=now if status == RegistrationStatus.CONFIRMED else None)
        audit.record(action="engagement.registration.created", agency=agency_for_page(event),
                     target=registration, data={"event": event.pk, "status": status.value})
        if email:
            _enqueue_registration_mail(registration.pk, RegistrationMail(status.value))
    logger.info("registration %s", status.value,
                extra={"event": "event_registration", "event_page": event.pk})
    return registration


def cancellation_token(registration: Registration) -> str:
    return tokens.make_token(tokens.CANCEL_REGISTRATION, registration.pk, registration.nonce)


def registration_for_token(registration_id: int, token: str) -> Registration | None:
    registration = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if registration is None or not tokens.check_token(
            tokens.CANCEL_REGISTRATION, registration.pk, registration.nonce, token):
        return None
    return registration


def cancel_registration(*, registration_id: int, token: str,
                        now: dt.datetime | None = None) -> Registration:
    """The registrant cancels with the link from the e-mail; a confirmed seat passes to the
    first person on the waiting list. Cancelling twice changes nothing."""
    now = now or timezone.now()
    if registration_for_token(registration_id, token) is None:
        raise ServiceError("取消链接无效。")
    with transaction.atomic():
        registration = Registration.objects.get(pk=registration_id)
        event = EventPage.objects.select_for_update(of=("self",)).get(pk=registration.event_id)
        registration.refresh_from_db()  # under the event lock
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        if event.starts_at <= now:
            raise ServiceError("活动已开始，无法在线取消报名。")
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        agency = agency_for_page(event)
        audit.record(action="engagement.registration.cancelled", agency=agency,
                     target=registration, data={"event": event.pk})
        if registration.email:
            _enqueue_registration_mail(registration.pk, RegistrationMail.CANCELLED)
        if was_confirmed:
            _promote_from_waiting_list(event, now, agency)
    return registration


def _promote_from_waiting_list(event: EventPage, now: dt.datetime, agency: Any) -> None:
    """Fill free seats from the waiting list, first come first served (event row locked)."""
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    free = event.capacity - confirmed
    if free <= 0:
        return
    waiting = list(event.registrations.filter(status=RegistrationStatus.WAITLISTED)
                   .order_by("created_at", "id")[:free])
    for promoted in waiting:
        promoted.status = RegistrationStatus.CONFIRMED
        promoted.confirmed_at = now
        promoted.save(update_fields=["status", "confirmed_at"])
        audit.record(action="engagement.registration.promoted", agency=agency,
                     target=promoted, data={"event": event.pk})
        if promoted.email:
            _enqueue_registration_mail(promoted.pk, RegistrationMail.PROMOTED)


def set_attendance(*, registration_id: int, attended: bool, by: User,
                   now: dt.datetime | None = None) -> Registration:
    """Staff of the event's agency record (or undo) a check-in."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("event").get(
            pk=registration_id)
        agency = agency_for_page(registration.event)
        if agency is None or not has_role(by, agency):
            raise PermissionDenied
        if registration.status != RegistrationStatus.CONFIRMED:
            raise ServiceError("只有已确认的报名可以签到。")
        registration.checked_in_at = now if attended else None
        registration.save(update_fields=["checked_in_at"])
        audit.record(action="engagement.registration.attendance", actor=by, agency=agency,
                     target=registration, data={"attended": attended})
    return registration


def claim_due_reminders(now: dt.datetime | None = None) -> int:
    """Enqueue one reminder per confirmed registration of an event starting within 24 hours.
    Each is claimed with a conditional UPDATE, so overlapping runs never send two."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED, reminder_sent_at__isnull=True,
        event__starts_at__gt=now, event__starts_at__lte=now + REMINDER_AHEAD,
    ).exclude(email="").values_list("pk", flat=True)
    claimed = 0
    for pk in list(due):
        with transaction.atomic():
            if Registration.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                    reminder_sent_at=now) != 1:
                continue
            _enqueue_registration_mail(pk, RegistrationMail.REMINDER)
            claimed += 1
    return claimed


# --- Training materials ------------------------------------------------------------------------


def record_download(*, material: TrainingMaterial, day: dt.date) -> None:
    """Count one download: a number per material and day, nothing about the visitor."""
    rows = MaterialDownloadDay.objects.filter(material=material, day=day)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            MaterialDownloadDay.objects.create(material=material, day=day, count=1)
    except IntegrityError:  # another download created the day's row first
        rows.update(count=F("count") + 1)


# --- Surveys -----------------------------------------------------------------------------------


def submit_survey_response(*, survey: SurveyPage, data: Mapping[str, Any], nullifier: str,
                           now: dt.datetime | None = None) -> tuple[SurveyResponse, bool]:
    """One sheet per browser nullifier (the 按浏览器 rule); the invitation and e-mail rules
    are in ``responses``, which also holds the shared storing logic."""
    from gongkai.engagement.responses import submit_browser_response

    return submit_browser_response(survey=survey, data=data, nullifier=nullifier, now=now)


def set_results_published(*, survey: SurveyPage, published: bool, by: User) -> None:
    agency = agency_for_page(survey)
    if agency is None or not has_role(by, agency):
        raise PermissionDenied
    from gongkai.core import public_changes

    with transaction.atomic():
        SurveyPage.objects.filter(pk=survey.pk).update(results_published=published)
        audit.record(action="engagement.survey.results_published", actor=by, agency=agency,
                     target=survey, data={"published": published})
        # The results page and API appear or vanish without a page being published: the
        # page caches and nginx's micro-cache must hear of it (after the commit).
        public_changes.notify()


# --- Subscriptions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestEntry:
    """One published thing for the digest (what ``notify_subscribers`` takes)."""

    source: str          # stable id of the thing, e.g. "page:42" or "release:17"
    title: str
    url: str             # absolute path or URL
    published_at: dt.datetime


def confirm_token(subscription: Subscription) -> str:
    return tokens.make_token(tokens.CONFIRM_SUBSCRIPTION, subscription.pk,
                             subscription.subscriber.nonce)


def unsubscribe_token(subscription: Subscription) -> str:
    return tokens.make_token(tokens.UNSUBSCRIBE, subscription.pk, subscription.subscriber.nonce)


def unsubscribe_all_token(subscriber: Subscriber) -> str:
    return tokens.make_token(tokens.UNSUBSCRIBE_ALL, subscriber.pk, subscriber.nonce)


def subscribe(*, email: str, kind: SubscriptionKind, key: str,
              now: dt.datetime | None = None) -> Subscription:
    """Record a pending subscription and send the confirmation e-mail (double opt-in).

    The visitor sees the same answer whether the address was new, pending or already
    confirmed, so the form does not reveal who subscribes to what."""
    from gongkai.engagement.selectors import subscription_target_label

    now = now or timezone.now()
    email = email.strip().lower()
    label = subscription_target_label(kind, key)
    if label is None:
        raise ServiceError("订阅对象不存在。")
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(email=email,
                                                                defaults={"created_at": now})
        subscription, _created = Subscription.objects.get_or_create(
            subscriber=subscriber, kind=kind, key=key,
            defaults={"label": label, "created_at": now})
        if subscription.status == SubscriptionStatus.CONFIRMED:
            return subscription
        subscription.status = SubscriptionStatus.PENDING
        subscription.label = label
        subscription.save(update_fields=["status", "label"])
        audit.record(action="engagement.subscription.requested", target=subscription,
                     data={"kind": kind.value, "key": key})
        from gongkai.engagement.tasks import send_subscription_confirmation

        transaction.on_commit(partial(send_subscription_confirmation.enqueue, subscription.pk))
    return subscription


def subscription_for_token(purpose: str, subscription_id: int, token: str) -> Subscription:
    subscription = Subscription.objects.select_related("subscriber").filter(
        pk=subscription_id).first()
    if subscription is None or not tokens.check_token(
            purpose, subscription.pk, subscription.subscriber.nonce, token):
        raise ServiceError("链接无效或已失效。")
    return subscription


def unsubscribe_all_token_valid(subscriber_id: int, token: str) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    return subscriber is not None and tokens.check_token(
        tokens.UNSUBSCRIBE_ALL, subscriber.pk, subscriber.nonce, token)


def confirm_subscription(*, subscription_id: int, token: str,
                         now: dt.datetime | None = None) -> Subscription:
    now = now or timezone.now()
    subscription = subscription_for_token(tokens.CONFIRM_SUBSCRIPTION, subscription_id, token)
    with transaction.atomic():
        updated = Subscription.objects.filter(
            pk=subscription.pk, status=SubscriptionStatus.PENDING,
        ).update(status=SubscriptionStatus.CONFIRMED, confirmed_at=now)
        if updated:
            audit.record(action="engagement.subscription.confirmed", target=subscription)
    subscription.refresh_from_db()
    return subscription


def unsubscribe(*, subscription_id: int, token: str,
                now: dt.datetime | None = None) -> Subscription:
    now = now or timezone.now()
    subscription = subscription_for_token(tokens.UNSUBSCRIBE, subscription_id, token)
    with transaction.atomic():
        if Subscription.objects.filter(pk=subscription.pk).exclude(
                status=SubscriptionStatus.UNSUBSCRIBED).update(
                status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now):
            audit.record(action="engagement.subscription.unsubscribed", target=subscription)
    subscription.refresh_from_db()
    return subscription


def unsubscribe_all(*, subscriber_id: int, token: str, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    if not unsubscribe_all_token_valid(subscriber_id, token):
        raise ServiceError("链接无效或已失效。")
    subscriber = Subscriber.objects.get(pk=subscriber_id)
    with transaction.atomic():
        count = subscriber.subscriptions.exclude(status=SubscriptionStatus.UNSUBSCRIBED).update(
            status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now)
        if count:
            audit.record(action="engagement.subscription.unsubscribed_all", target=subscriber,
                         data={"count": count})
    return count


def notify_subscribers(kind: SubscriptionKind | str, key: str,
                       items: Iterable[DigestEntry]) -> int:
    """Queue published things for the subscribers of (kind, key): rows in the digest
    outbox, written in the caller's transaction so they exist exactly when the publication
    does. The same source queued twice for a target is kept once (a republished page is
    not news again). Returns how many rows were new.

    For other apps, e.g. official_stats announcing a release::

        notify_subscribers(SubscriptionKind.RELEASE_CALENDAR, agency.slug,
                           [DigestEntry(f"release:{r.pk}", r.title, r.url, r.published_at)])
    """
    kind = SubscriptionKind(kind)
    rows = [DigestItem(kind=kind, key=key, source=item.source[:80], title=item.title[:255],
                       url=item.url[:500], published_at=item.published_at) for item in items]
    if not rows:
        return 0
    with transaction.atomic():
        before = DigestItem.objects.filter(kind=kind, key=key).count()
        DigestItem.objects.bulk_create(rows, ignore_conflicts=True)
        return DigestItem.objects.filter(kind=kind, key=key).count() - before


@dataclass
class DigestRun:
    subscribers_sent: int = 0
    items_sent: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _items_for(subscriber: Subscriber, after: int, upto: int) -> list[DigestItem]:
    targets = Q(pk__in=[])
    for sub in subscriber.subscriptions.filter(status=SubscriptionStatus.CONFIRMED):
        # Only what was queued after the subscription was confirmed.
        targets |= Q(kind=sub.kind, key=sub.key, created_at__gte=sub.confirmed_at)
    seen: set[str] = set()
    out: list[DigestItem] = []
    for item in DigestItem.objects.filter(targets, pk__gt=after, pk__lte=upto).order_by(
            "-published_at", "-pk"):
        if item.url not in seen:  # one line per thing even when several targets match
            seen.add(item.url)
            out.append(item)
    return out


def send_digests(*, now: dt.datetime | None = None,
                 progress: Callable[[int], Any] | None = None) -> DigestRun:
    """Send every subscriber at most one digest of what was queued since their last one.

    The run looks at the outbox up to its highest id when it starts. Each digest goes
    through the mail outbox (``gongkai.core.mail``) keyed by the subscriber and their
    cursor, with the range of items stored at the first attempt: two overlapping runs cannot
    both send (the second finds the key claimed or sent), a failed send leaves the cursor
    where it was so the next run retries, and a process killed between the mail server's
    answer and the commit is retried with the same items and the same Message-ID, which mail
    clients recognise as the same message."""
    now = now or timezone.now()
    run = DigestRun()
    upto = DigestItem.objects.aggregate(top=Max("pk"))["top"] or 0
    candidates = list(Subscriber.objects.filter(
        digest_cursor__lt=upto, subscriptions__status=SubscriptionStatus.CONFIRMED,
    ).distinct().values_list("pk", flat=True))
    for pk in candidates:
        try:
            _send_digest(pk, upto, now, run)
        except Exception as exc:
            run.failed += 1
            run.errors.append(f"subscriber {pk}: {type(exc).__name__}")
            logger.warning("digest to subscriber %s failed", pk,
                           extra={"event": "digest_failed"})
        if progress is not None:
            progress(1)
    return run


def _send_digest(pk: int, upto: int, now: dt.datetime, run: DigestRun) -> None:
    from gongkai.core import mail

    subscriber = Subscriber.objects.get(pk=pk)
    cursor = subscriber.digest_cursor
    if cursor >= upto:
        run.skipped += 1  # another run got there first
        return
    if not _items_for(subscriber, cursor, upto):  # nothing for this subscriber: just move on
        _advance_cursor(subscriber, cursor, upto, None)
        return
    result = mail.send_once(f"engagement-digest:{pk}:{cursor}", partial(_digest_mail, pk),
                            params={"after": cursor, "upto": upto}, now=now)
    if result.outcome == mail.MailOutcome.IN_PROGRESS:
        run.skipped += 1
        return
    sent_upto = int(result.params["upto"])  # a retry sends (and skips) the first range
    if result.outcome == mail.MailOutcome.SENT:
        run.subscribers_sent += 1
        run.items_sent += len(_items_for(subscriber, cursor, sent_upto))
    _advance_cursor(subscriber, cursor, sent_upto,
                    now if result.outcome == mail.MailOutcome.SENT else None)


def _digest_mail(pk: int, params: Mapping[str, Any]) -> EmailMessage | None:
    from gongkai.engagement.mail import digest_message

    subscriber = Subscriber.objects.get(pk=pk)
    items = _items_for(subscriber, int(params["after"]), int(params["upto"]))
    return digest_message(subscriber, items) if items else None


def _advance_cursor(subscriber: Subscriber, cursor: int, upto: int,
                    sent_at: dt.datetime | None) -> None:
    """Move the cursor only from where this run found it (a parallel run may have moved it)."""
    changes: dict[str, Any] = {"digest_cursor": upto}
    if sent_at is not None:
        changes["last_digest_at"] = sent_at
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk, digest_cursor=cursor).update(**changes)
