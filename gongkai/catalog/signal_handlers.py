"""Wagtail signals the catalog listens to."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published

from gongkai.catalog.models import DisclosureItemPage, ThemeCategory
from gongkai.core import page_cache


def _issue_number_on_publish(sender: Any, instance: Any, revision: Any = None,
                             **kwargs: Any) -> None:
    from gongkai.catalog.services import issue_index_number

    if isinstance(instance, DisclosureItemPage):
        issue_index_number(page=instance, actor=getattr(revision, "user", None))


page_published.connect(_issue_number_on_publish, dispatch_uid="gongkai_issue_index_number")


def _themes_changed(sender: Any, **kwargs: Any) -> None:
    page_cache.bump()  # the catalog's theme filter is cached (selectors.filter_choices)


post_save.connect(_themes_changed, sender=ThemeCategory, dispatch_uid="gongkai_themes_saved")
post_delete.connect(_themes_changed, sender=ThemeCategory, dispatch_uid="gongkai_themes_deleted")
