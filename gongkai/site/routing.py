"""Routing a request to its page in two queries instead of two per URL segment.

Wagtail's ``Page.route`` walks down the tree: for each segment of the path one query for
the child with that slug and one for its specific object (12 queries for an item five
levels down). Every page already stores its whole address in ``url_path``
(indexed by this app's migration 0002), so a site root can find all the pages along the
path in one query and the specific target in a second.

The result is the walk's own result: the shortcut is taken only when every page on the
way routes the default way (a page type that overrides ``route``, such as a routable
page, may claim the rest of the path itself) and the pages found form one chain of
parent and child; otherwise, or when nothing matches, Wagtail's walk decides (and answers
404 where it would).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from wagtail.models import Page


class UrlPathRoutingMixin:
    """For page types that can be a site root (the platform home, an agency home with a
    domain of its own)."""

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        if path_components:
            target = _target_by_url_path(self, path_components)  # type: ignore[arg-type]
            if target is not None:
                # The last step of the walk, by the target itself: live or 404.
                return _specific(target).route(request, [])
        return super().route(request, path_components)  # type: ignore[misc]


def _target_by_url_path(root: Page, components: list[str]) -> Page | None:
    prefixes = [
        root.url_path + "".join(f"{c}/" for c in components[:n])
        for n in range(1, len(components) + 1)
    ]
    chain = list(
        Page.objects.filter(url_path__in=prefixes, path__startswith=root.path).order_by("depth")
    )
    if not _is_chain_below(root, chain, len(components)):
        return None
    if not all(_routes_by_default(page) for page in chain[:-1]):
        return None
    parent: Page = root
    for page in chain:
        # As the walk does: the parent is known, get_parent() needs no query.
        page._cached_parent_obj = parent
        parent = page
    return chain[-1]


def _specific(page: Page) -> Page:
    """The page as its own type, with what the page type names in
    ``route_select_related`` (the rows its template always shows) in the same query."""
    model = ContentType.objects.get_for_id(page.content_type_id).model_class()
    related: tuple[str, ...] = getattr(model, "route_select_related", ())
    if model is None or not related or isinstance(page, model):
        return page.specific  # type: ignore[no-any-return]
    specific: Page = model._default_manager.select_related(*related).get(pk=page.pk)
    specific._cached_parent_obj = page._cached_parent_obj
    return specific


def _is_chain_below(root: Page, chain: list[Page], length: int) -> bool:
    """One page per segment, each the child of the one before (duplicate slugs, which
    Wagtail forbids among siblings but a bulk import could create, fall back to the walk)."""
    if len(chain) != length:
        return False
    parent = root
    for page in chain:
        if page.depth != parent.depth + 1 or page.path[: -Page.steplen] != parent.path:
            return False
        parent = page
    return True


def _routes_by_default(page: Page) -> bool:
    model = ContentType.objects.get_for_id(page.content_type_id).model_class()
    route = getattr(model, "route", None)
    return route is Page.route or route is UrlPathRoutingMixin.route
