"""Agency scoping: the one helper every staff query goes through."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from wagtail.models import Page

from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency, AgencyMembership


def agencies_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Agency]:
    """The agencies a staff member may work on (all of them for a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    if getattr(user, "is_superuser", False):
        return Agency.objects.all()
    return Agency.objects.filter(memberships__user_id=user.pk).distinct()


def scope_to_user(queryset: QuerySet[Any], user: AbstractBaseUser | AnonymousUser,
                  agency_field: str = "agency") -> QuerySet[Any]:
    """Filter any queryset with an agency foreign key to the user's agencies."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    return queryset.filter(**{f"{agency_field}__in": agencies_for(user)})


def has_role(user: AbstractBaseUser | AnonymousUser, agency: Agency, *roles: StaffRole) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    memberships = AgencyMembership.objects.filter(user_id=user.pk, agency=agency)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()


def agency_for_page(page: Page) -> Agency | None:
    """The agency whose section contains ``page`` (the deepest section root above it)."""
    return _deepest_agency(_agencies_by_home_path(), page.path)


def attach_agencies(pages: Iterable[Page]) -> None:
    """Resolve ``page.agency`` for a whole list at once (a listing of items from many
    agencies would otherwise ask once per item)."""
    pages = list(pages)
    if not pages:
        return
    homes = _agencies_by_home_path()
    for page in pages:
        page._gongkai_agency = _deepest_agency(homes, page.path)


def _deepest_agency(homes: dict[str, Agency], path: str) -> Agency | None:
    for end in range(len(path), Page.steplen - 1, -Page.steplen):  # deepest first
        found = homes.get(path[:end])
        if found is not None:
            return found
    return None


def _agencies_by_home_path() -> dict[str, Agency]:
    """Every agency with a section, by the tree path of its home page (home page
    included), cached: every public page needs its agency, and the list changes only when
    an agency or a page is saved, moved or deleted (core/page_cache.py)."""
    from gongkai.core import page_cache

    def load() -> tuple[dict[str, Agency], int]:
        agencies = Agency.objects.select_related("home_page").filter(home_page__isnull=False)
        return ({a.home_page.path: a for a in agencies if a.home_page is not None},
                page_cache.TIMEOUT)

    return page_cache.cached(page_cache.key("agencies-by-home-path"), load)


def pages_of_agency(agency: Agency) -> QuerySet[Any]:
    """The agency's section: its root page and everything below it."""
    if agency.home_page is None:
        return Page.objects.none()  # type: ignore[no-any-return]
    return Page.objects.descendant_of(  # type: ignore[no-any-return]
        agency.home_page, inclusive=True
    )
