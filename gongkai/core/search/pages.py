"""Wagtail pages as a search source, and the signals that feed the outbox.

A page type takes part by defining ``search_index_fields()`` (returning a
:class:`PageIndexFields`); this module adds what every page has: its URL, agency,
publication time and expiry. Only pages the public-visibility rule shows are indexed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from gongkai.core.agencies import agency_for_page
from gongkai.core.search.indexing import enqueue
from gongkai.core.search.registry import IndexEntry, register_source
from gongkai.core.visibility import visible_pages

SOURCE = "page"


@dataclass(frozen=True)
class PageIndexFields:
    """What a page type contributes; the rest comes from the page itself."""

    content_type: str
    content_type_label: str
    summary: str = ""
    body: str = ""
    attachments: str = ""
    column_id: int | None = None
    column_title: str = ""
    theme_code: str = ""
    theme_name: str = ""
    year: int | None = None
    validity: str = ""
    validity_label: str = ""


def indexable_page_models() -> list[type[Page]]:
    return [model for model in get_page_models() if hasattr(model, "search_index_fields")]


class PageSource:
    name = SOURCE

    def entries(self, object_ids: Sequence[int]) -> dict[int, IndexEntry]:
        models = indexable_page_models()
        if not models:
            return {}
        pages = visible_pages(Page.objects.filter(id__in=list(object_ids)).type(*models))
        out: dict[int, IndexEntry] = {}
        agencies: dict[str, Any] = {}
        for page in pages.specific().select_related("locale"):
            out[page.pk] = self._entry(page, agencies)
        return out

    def _entry(self, page: Any, agencies: dict[str, Any]) -> IndexEntry:
        fields: PageIndexFields = page.search_index_fields()
        section = page.path[: Page.steplen * 3]
        if section not in agencies:
            agencies[section] = agency_for_page(page)
        agency = agencies[section]
        published = page.first_published_at or page.last_published_at or timezone.now()
        return IndexEntry(
            url=page.get_url() or page.url_path,
            title=page.title,
            published_at=published,
            agency_id=agency.pk if agency else None,
            visible_until=page.expire_at,
            year=fields.year or timezone.localtime(published).year,
            **{name: value for name, value in fields.__dict__.items() if name != "year"},
        )

    def all_ids(self) -> Iterable[int]:
        models = indexable_page_models()
        if not models:
            return []
        return list(visible_pages(Page.objects.type(*models))
                    .order_by("first_published_at", "id").values_list("id", flat=True))

    def visible_ids(self, object_ids: Sequence[int], now: dt.datetime) -> set[int]:
        return set(visible_pages(Page.objects.filter(id__in=list(object_ids)), now)
                   .values_list("id", flat=True))


# --- signals: every change that alters what search should show ------------------------


def _subtree_ids(page: Page) -> list[int]:
    return list(Page.objects.descendant_of(page, inclusive=True).values_list("id", flat=True))


def _on_publish_change(sender: Any, instance: Page, **kwargs: Any) -> None:
    # A column's title or URL appears in its items' entries, so the subtree follows.
    enqueue(SOURCE, _subtree_ids(instance))


def _on_move(sender: Any, instance: Page, **kwargs: Any) -> None:
    enqueue(SOURCE, _subtree_ids(instance))


def _on_delete(sender: Any, instance: Page, **kwargs: Any) -> None:
    enqueue(SOURCE, [instance.pk])


def _on_restriction_change(sender: Any, instance: PageViewRestriction, **kwargs: Any) -> None:
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        enqueue(SOURCE, _subtree_ids(page))


def connect() -> None:
    register_source(PageSource())
    page_published.connect(_on_publish_change, dispatch_uid="gk_search_published")
    page_unpublished.connect(_on_publish_change, dispatch_uid="gk_search_unpublished")
    post_page_move.connect(_on_move, dispatch_uid="gk_search_moved")
    post_delete.connect(_on_delete, sender=Page, dispatch_uid="gk_search_deleted")
    post_save.connect(_on_restriction_change, sender=PageViewRestriction,
                      dispatch_uid="gk_search_restricted")
    post_delete.connect(_on_restriction_change, sender=PageViewRestriction,
                        dispatch_uid="gk_search_unrestricted")
