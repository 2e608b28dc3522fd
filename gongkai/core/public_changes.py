"""The one list of *unscheduled* changes to what the public may see, and who hears of them.

Publishing, unpublishing, moving, renaming or deleting a page, and saving or deleting a
view restriction, a site, an agency or a redirect change what the public gets without
anything having been scheduled; apps add their own models (:func:`watch`: a statistics
release, a theme). Everything that keeps a copy of public output subscribes
(:func:`subscribe`): the short-lived page caches (``core.page_cache``) and nginx's
micro-cache (``core.edge_cache``). A new kind of change is therefore added once and reaches
every copy. (Scheduled changes — a release second, a page's ``expire_at`` — need no signal:
the caches bound their lifetimes by them.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Callback = Callable[[], None]
_subscribers: dict[str, Callback] = {}


def subscribe(name: str, callback: Callback) -> None:
    """Call *callback* after every unscheduled change (once per signal; the subscribers
    collapse repeats within a transaction themselves)."""
    _subscribers[name] = callback


def notify() -> None:
    for callback in list(_subscribers.values()):
        callback()


def watch(models: Iterable[type[Any]], label: str) -> None:
    """Treat saving or deleting an object of one of *models* as a public change."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        for action, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(_changed, sender=model,
                           dispatch_uid=f"gongkai_public_{label}_{action}_{model.__name__}")


def connect() -> None:
    """The changes every installation has (called once, by the core app)."""
    from django.db.models.signals import post_delete
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import (
        page_published,
        page_slug_changed,
        page_unpublished,
        post_page_move,
    )

    from gongkai.core.models import Agency

    for name, signal in (
        ("published", page_published),
        ("unpublished", page_unpublished),
        ("moved", post_page_move),
        ("slug", page_slug_changed),
    ):
        signal.connect(_changed, dispatch_uid=f"gongkai_public_page_{name}")
    post_delete.connect(_page_deleted, dispatch_uid="gongkai_public_page_delete")
    watch((PageViewRestriction, Site, Agency, Redirect), "core")


def _changed(sender: Any, **kwargs: Any) -> None:
    notify()


def _page_deleted(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    from wagtail.models import Page

    # Deleting a page sends post_delete once per model of its inheritance chain and per
    # deleted descendant; any of them is reason enough.
    if isinstance(instance, Page):
        notify()
