"""The 统计公报 and 统计年鉴 columns under each agency's 统计数据 section.

New agencies get them from ``gongkai.site.services.create_agency`` (the children of the
``tjsj`` ColumnSpec). Agencies created before those children existed get them from
:func:`ensure_statistics_columns`, run by ``gongkai statistics columns`` and by
``gongkai load_demo``. It is idempotent: a column whose slug already exists is kept as is
(an editor may have renamed or moved it), so a second run creates nothing.

This is a service rather than a data migration because creating Wagtail pages needs the real
page models (tree paths, revisions, publication), which historical migration models lack.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from gongkai.catalog.enums import ColumnKind
from gongkai.catalog.models import ColumnPage
from gongkai.core import audit
from gongkai.core.models import Agency

Actor = AbstractBaseUser | AnonymousUser | None

STATISTICS_SLUG = "tjsj"
BULLETIN_SLUG = "tjgb"  # 统计公报
YEARBOOK_SLUG = "tjnj"  # 统计年鉴


def statistics_column(agency: Agency) -> ColumnPage | None:
    """The agency's 统计数据 section, or None when its site has none."""
    if agency.home_page is None:
        return None
    section: ColumnPage | None = (ColumnPage.objects.child_of(agency.home_page)
                                  .filter(kind=ColumnKind.STATISTICS).first())
    return section


def _child_specs() -> tuple[tuple[str, str], ...]:
    # The single definition of the children is the site's column structure.
    from gongkai.site.services import TOP_COLUMNS

    section = next(spec for spec in TOP_COLUMNS if spec.slug == STATISTICS_SLUG)
    return tuple((child.title, child.slug) for child in section.children)


@transaction.atomic
def ensure_statistics_columns(agency: Agency, *, by: Actor = None) -> list[ColumnPage]:
    """Add the missing 统计公报 / 统计年鉴 columns under the agency's 统计数据; returns the
    columns created (empty when nothing was missing or the agency has no 统计数据 section)."""
    section = statistics_column(agency)
    if section is None:
        return []
    existing = set(ColumnPage.objects.child_of(section).values_list("slug", flat=True))
    created: list[ColumnPage] = []
    for title, slug in _child_specs():
        if slug in existing:
            continue
        column = ColumnPage(title=title, slug=slug, kind=ColumnKind.GENERIC)
        section.add_child(instance=column)
        column.save_revision().publish()
        created.append(column)
    if created:
        audit.record(action="statistics.columns_added", actor=by, agency=agency, target=section,
                     data={"columns": [c.title for c in created]})
    return created
