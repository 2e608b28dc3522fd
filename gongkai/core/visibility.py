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
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from gongkai.core import page_cache

Q_T = TypeVar("Q_T", bound=QuerySet[Any])


def visible_pages(queryset: Q_T, now: dt.datetime | None = None) -> Q_T:
    moment = now or timezone.now()
    queryset = queryset.live().filter(  # type: ignore[attr-defined]
        Q(expire_at__isnull=True) | Q(expire_at__gt=moment)
    )
    private = Q()
    for path in restricted_paths():
        # Wagtail's private_q (``.public()``), from the cached paths instead of a query of
        # every restriction on each call: a restricted page and everything below it.
        private |= Q(path__startswith=path)
    return queryset.exclude(private) if private else queryset  # type: ignore[no-any-return]


def restricted_paths() -> tuple[str, ...]:
    """The tree paths of the pages carrying a view restriction, outermost only (a section
    inside a restricted section adds nothing). Cached; a restriction saved or deleted, or a
    page moved, starts a new cache generation (core/page_cache.py)."""
    return page_cache.cached(page_cache.key("restricted-paths"), _load_restricted_paths)


def _load_restricted_paths() -> tuple[tuple[str, ...], int]:
    outermost: list[str] = []
    for path in sorted(set(PageViewRestriction.objects.values_list("page__path", flat=True))):
        if not any(path.startswith(kept) for kept in outermost):
            outermost.append(path)
    return tuple(outermost), page_cache.TIMEOUT


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

    def get_view_restrictions(self) -> QuerySet[PageViewRestriction]:
        """Wagtail's rule (the restrictions of the page and its ancestors, an alias
        answering for its source) in one query instead of two: the ancestors are known
        from the page's tree path."""
        page: Page = self  # type: ignore[assignment]
        if page.alias_of_id is not None or not page.path:
            return super().get_view_restrictions()  # type: ignore[misc,no-any-return]
        steplen = Page.steplen
        ancestor_paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
        sources = (Page.objects.filter(path__in=ancestor_paths)
                   .annotate(source=Coalesce("alias_of_id", "id")).values("source"))
        restrictions: QuerySet[PageViewRestriction] = PageViewRestriction.objects.filter(
            page_id__in=sources
        )
        return restrictions

    @property
    def agency(self) -> Any:
        from gongkai.core.agencies import agency_for_page

        cache_name = "_gongkai_agency"
        if not hasattr(self, cache_name):
            setattr(self, cache_name, agency_for_page(self))  # type: ignore[arg-type]
        return getattr(self, cache_name)
