"""Catalog publications feed the subscription digest outbox.

The handler runs inside Wagtail's publish (and inside the caller's transaction when there is
one — the admin's publish and the workflow's approval both are), so the outbox rows exist
exactly when the publication does, like the search outbox (core.search.pages).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from wagtail.signals import page_published

from gongkai.core.agencies import agency_for_page
from gongkai.engagement.enums import SubscriptionKind
from gongkai.engagement.services import DigestEntry, notify_subscribers


def queue_publication(page: Any) -> int:
    """Queue a published disclosure item for its columns, its theme and its agency."""
    from gongkai.catalog.models import ColumnPage

    entry = DigestEntry(source=f"page:{page.pk}", title=page.title,
                        url=page.get_url() or page.url_path,
                        published_at=page.last_published_at or timezone.now())
    targets: list[tuple[SubscriptionKind, str]] = [
        (SubscriptionKind.COLUMN, str(pk))
        for pk in ColumnPage.objects.ancestor_of(page).values_list("pk", flat=True)]
    if getattr(page, "theme_id", None):
        targets.append((SubscriptionKind.THEME, page.theme.code))
    agency = agency_for_page(page)
    if agency is not None:
        targets.append((SubscriptionKind.AGENCY, agency.slug))
    with transaction.atomic():
        return sum(notify_subscribers(kind, key, [entry]) for kind, key in targets)


def _on_publish(sender: Any, instance: Any, revision: Any = None, **kwargs: Any) -> None:
    from gongkai.catalog.models import DisclosureItemPage
    from gongkai.core.visibility import is_page_visible

    # A page behind a view restriction is published but not public: no one is told.
    if isinstance(instance, DisclosureItemPage) and is_page_visible(instance):
        queue_publication(instance)


page_published.connect(_on_publish, dispatch_uid="gongkai_engagement_digest_outbox")
