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
    ancestor_paths = [page.path[:i] for i in range(Page.steplen, len(page.path) + 1, Page.steplen)]
    return (
        Agency.objects.filter(home_page__path__in=ancestor_paths)
        .order_by("-home_page__depth")
        .first()
    )


def attach_agencies(pages: Iterable[Page]) -> None:
    """Resolve ``page.agency`` for a whole list in one query (a listing of items from many
    agencies would otherwise ask once per item)."""
    pages = list(pages)
    if not pages:
        return
    homes = {a.home_page.path: a for a in Agency.objects.select_related("home_page")
             .filter(home_page__isnull=False) if a.home_page is not None}
    for page in pages:
        found = None
        for end in range(len(page.path), Page.steplen - 1, -Page.steplen):  # deepest first
            found = homes.get(page.path[:end])
            if found is not None:
                break
        page._gongkai_agency = found


def pages_of_agency(agency: Agency) -> QuerySet[Any]:
    """The agency's section: its root page and everything below it."""
    if agency.home_page is None:
        return Page.objects.none()  # type: ignore[no-any-return]
    return Page.objects.descendant_of(  # type: ignore[no-any-return]
        agency.home_page, inclusive=True
    )
