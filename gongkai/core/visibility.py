"""The public-visibility rule for pages: one place, used by every channel.

A page is visible to the public when it is live, carries no view restriction, and its
expiry time (if any) has not passed *now* — compared at request time, so a late
``publish_scheduled`` run never leaves an expired page on show. Pages, the API, feeds,
the sitemap and listings all filter through :func:`visible_pages`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from wagtail.models import Page

Q_T = TypeVar("Q_T", bound=QuerySet[Any])


def visible_pages(queryset: Q_T, now: dt.datetime | None = None) -> Q_T:
    moment = now or timezone.now()
    return queryset.live().public().filter(  # type: ignore[attr-defined,no-any-return]
        Q(expire_at__isnull=True) | Q(expire_at__gt=moment)
    )


def search_document_visibility(now: dt.datetime) -> Q:
    """The rule for indexed documents: inside their window (release time reached, expiry
    not passed) at *now*. Only public things are indexed at all; the window covers what
    is indexed ahead of its release (embargo) or stays indexed until a job removes it."""
    return (Q(visible_from__isnull=True) | Q(visible_from__lte=now)) & (
        Q(visible_until__isnull=True) | Q(visible_until__gt=now)
    )


def search_document_hidden(now: dt.datetime) -> Q:
    """Exactly the complement of :func:`search_document_visibility`, written so that the
    indexes on both columns find the (few) hidden documents without a scan."""
    return Q(visible_from__gt=now) | Q(visible_until__lte=now)


def visible_search_documents(queryset: Q_T, now: dt.datetime | None = None) -> Q_T:
    return queryset.filter(  # type: ignore[no-any-return]
        search_document_visibility(now or timezone.now())
    )


def is_page_visible(page: Page, now: dt.datetime | None = None) -> bool:
    moment = now or timezone.now()
    if not page.live or (page.expire_at is not None and page.expire_at <= moment):
        return False
    return not page.get_view_restrictions().exists()


class PublicPageMixin:
    """Serves a page only while the visibility rule allows (previews excepted)."""

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request, "is_preview", False):
            page: Page = self  # type: ignore[assignment]
            if not page.live or (page.expire_at is not None and page.expire_at <= timezone.now()):
                raise Http404
        return super().serve(request, *args, **kwargs)  # type: ignore[misc,no-any-return]

    @property
    def agency(self) -> Any:
        from gongkai.core.agencies import agency_for_page

        cache_name = "_gongkai_agency"
        if not hasattr(self, cache_name):
            setattr(self, cache_name, agency_for_page(self))  # type: ignore[arg-type]
        return getattr(self, cache_name)
