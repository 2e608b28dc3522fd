"""Wagtail signals the catalog listens to."""

from __future__ import annotations

from typing import Any

from wagtail.signals import page_published

from gongkai.catalog.models import DisclosureItemPage, ThemeCategory
from gongkai.core import public_changes


def _issue_number_on_publish(sender: Any, instance: Any, revision: Any = None,
                             **kwargs: Any) -> None:
    from gongkai.catalog.services import issue_index_number

    if isinstance(instance, DisclosureItemPage):
        issue_index_number(page=instance, actor=getattr(revision, "user", None))


page_published.connect(_issue_number_on_publish, dispatch_uid="gongkai_issue_index_number")


# The catalog's theme filter is cached (selectors.filter_choices) and shown on public pages.
public_changes.watch((ThemeCategory,), "catalog_themes")
