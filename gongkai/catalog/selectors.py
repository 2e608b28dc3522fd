"""Read functions of the catalog. Every public read goes through ``visible_pages``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.functional import cached_property

from gongkai.catalog.enums import Genre, Validity
from gongkai.catalog.models import DisclosureItemPage, ThemeCategory
from gongkai.core import page_cache
from gongkai.core.agencies import pages_of_agency
from gongkai.core.models import Agency
from gongkai.core.search.pages import SOURCE as PAGE_SOURCE
from gongkai.core.search.service import matching_object_ids
from gongkai.core.visibility import visible_pages


@dataclass(frozen=True)
class CatalogFilters:
    theme: int | None = None
    genre: str = ""
    year: int | None = None
    validity: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> CatalogFilters:
        def as_int(name: str) -> int | None:
            try:
                return int(params.get(name) or "")
            except ValueError:
                return None

        genre = params.get("genre") or ""
        validity = params.get("validity") or ""
        return cls(
            theme=as_int("theme"),
            genre=genre if genre in Genre.values else "",
            year=as_int("year"),
            validity=validity if validity in Validity.values else "",
            q=(params.get("q") or "").strip()[:100],
        )

    @property
    def active(self) -> bool:
        return any([self.theme, self.genre, self.year, self.validity, self.q])


def public_items(*, agency: Agency | None = None,
                 filters: CatalogFilters | None = None) -> QuerySet[DisclosureItemPage]:
    queryset = visible_pages(DisclosureItemPage.objects.all())
    if agency is not None:
        if agency.home_page is None:
            return queryset.none()
        queryset = queryset.descendant_of(agency.home_page)
    f = filters or CatalogFilters()
    if f.theme:
        queryset = queryset.filter(Q(theme_id=f.theme) | Q(theme__parent_id=f.theme))
    if f.genre:
        queryset = queryset.filter(genre=f.genre)
    if f.year:
        queryset = queryset.filter(first_published_at__year=f.year)
    if f.validity:
        queryset = queryset.filter(validity=f.validity)
    if f.q:
        # The site search's index and matching rule (title, 文号, 索引号, summary, body and
        # attachments; 繁体 and full-width folded), combined with the catalog filters.
        matching = matching_object_ids(f.q, source=PAGE_SOURCE)
        if matching is not None:
            queryset = queryset.filter(id__in=matching)
    return queryset.select_related("index_number_record", "theme", "theme__parent").order_by(
        "-first_published_at", "-id"
    )


def filter_choices(agency: Agency | None) -> dict[str, Any]:
    return {
        "themes": page_cache.cached(page_cache.key("catalog-themes"), _top_themes),
        "genres": Genre.choices,
        "validities": Validity.choices,
        "years": catalog_years(agency),
    }


def catalog_years(agency: Agency | None) -> list[int]:
    """The years in which the agency's visible items were first published, newest first.
    Cached (publishing, unpublishing, moving or deleting a page starts a new generation;
    an entry never outlives the next expiry among the items)."""
    return page_cache.cached(page_cache.key("catalog-years", agency.pk if agency else "all"),
                             lambda: _load_catalog_years(agency))


def _load_catalog_years(agency: Agency | None) -> tuple[list[int], int]:
    # The 索引号 register stores the local year of first publication, the same value as
    # first_published_at__year: read as a column it spares the database converting every
    # item's timestamp (in Python, once per row, on SQLite). COALESCE evaluates the
    # conversion only for an item without a number (normally none).
    visible = public_items(agency=agency).order_by()
    years = (visible.annotate(y=Coalesce("index_number_record__year",
                                         ExtractYear("first_published_at")))
             .values_list("y", flat=True).distinct().order_by("-y"))
    next_expiry = visible.aggregate(next_expiry=Min("expire_at"))["next_expiry"]
    return [y for y in years if y], page_cache.timeout_until(next_expiry)


def _top_themes() -> tuple[list[dict[str, Any]], int]:
    themes = ThemeCategory.objects.filter(parent__isnull=True).order_by("sort_order")
    return [{"id": t.id, "name": t.name} for t in themes], page_cache.TIMEOUT


class CachedCountPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator whose ``count`` (a ``COUNT(*)`` over every matching item, the costliest
    query of a long list) is kept in the cache under *count_key*, no longer than until the
    next expiry among the items counted. ``count_key=None`` counts every time."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, count_key: str | None) -> None:
        super().__init__(object_list, per_page)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return super().count
        return page_cache.cached(self.count_key, self._count_and_next_expiry)

    def _count_and_next_expiry(self) -> tuple[int, int]:
        queryset: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        found = queryset.order_by().aggregate(n=Count("pk"), next_expiry=Min("expire_at"))
        return int(found["n"]), page_cache.timeout_until(found["next_expiry"])


def catalog_count_key(agency: Agency | None, filters: CatalogFilters) -> str | None:
    """The cache key of a catalog's item count, or None for a keyword search (its matches
    follow the search index, which background tasks update after publishing)."""
    if filters.q:
        return None
    return page_cache.key("catalog-count", agency.pk if agency else "all", filters.theme or "",
                          filters.genre, filters.year or "", filters.validity)


def find_doc_number_duplicate(agency: Agency, doc_number: str,
                              exclude_pk: int | None = None) -> DisclosureItemPage | None:
    candidates = DisclosureItemPage.objects.filter(
        doc_number=doc_number, path__startswith=agency.home_page.path if agency.home_page else "-"
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    return candidates.only("id", "title").first()


def items_of_agency(agency: Agency) -> QuerySet[DisclosureItemPage]:
    """All items (drafts included) of an agency, for staff screens."""
    return DisclosureItemPage.objects.filter(
        id__in=pages_of_agency(agency).values("id")
    )


def published_on(item: DisclosureItemPage) -> dt.date | None:
    if item.first_published_at is None:
        return None
    from django.utils import timezone

    return timezone.localtime(item.first_published_at).date()


def document_is_public(document: Any) -> bool:
    """Whether the public may download a document: it must be attached to, or linked from,
    a page that the visibility rule shows. An attachment of a draft stays private."""
    from wagtail.models import Page, ReferenceIndex

    from gongkai.catalog.models import DisclosureAttachment

    attached_to = DisclosureAttachment.objects.filter(document=document).values("page_id")
    if visible_pages(Page.objects.filter(id__in=attached_to)).exists():
        return True
    from django.contrib.contenttypes.models import ContentType

    page_type = ContentType.objects.get_for_model(Page)
    sources = ReferenceIndex.get_references_to(document).filter(base_content_type=page_type)
    page_ids = [int(pk) for pk in sources.values_list("object_id", flat=True) if pk.isdigit()]
    return bool(page_ids) and visible_pages(Page.objects.filter(id__in=page_ids)).exists()


# --- The annual report (gongkai.annual_reports reads these) ------------------------------


def article20_item1_documents(agency: Agency, *, rules: bool) -> QuerySet[DisclosureItemPage]:
    """The agency's published 第二十条第（一）项 documents (drafts never count), excluding
    解读: 规章 (``rules=True``; published as 政府令, genre 命令（令）) or 行政规范性文件
    (every other genre)."""
    from gongkai.catalog.enums import Article20Item

    queryset = items_of_agency(agency).filter(
        article20_item=Article20Item.RULES_AND_NORMATIVE_DOCUMENTS,
        first_published_at__isnull=False, interpretationpage__isnull=True,
    )
    return (queryset.filter(genre=Genre.ORDER) if rules
            else queryset.exclude(genre=Genre.ORDER))


def issued_in(queryset: QuerySet[DisclosureItemPage], year: int) -> QuerySet[DisclosureItemPage]:
    """本年制发: 成文日期 in the year."""
    return queryset.filter(formed_on__year=year)


def abolished_in(queryset: QuerySet[DisclosureItemPage],
                 year: int) -> QuerySet[DisclosureItemPage]:
    """本年废止: became 失效 or 废止 in the year."""
    return queryset.exclude(validity=Validity.VALID).filter(validity_changed_on__year=year)


def in_force_at_end_of(queryset: QuerySet[DisclosureItemPage],
                       year: int) -> QuerySet[DisclosureItemPage]:
    """现行有效 on 31 December: made by then and not yet 失效/废止 (an item marked 失效
    without a date counts as no longer in force)."""
    end = dt.date(year, 12, 31)
    return queryset.filter(formed_on__lte=end).filter(
        Q(validity=Validity.VALID) | Q(validity_changed_on__gt=end)
    )


def proactive_items_published_in(agency: Agency, year: int) -> QuerySet[DisclosureItemPage]:
    """Items first published in the year (主动公开), for the report's 总体情况."""
    from gongkai.catalog.enums import DisclosureMethod

    return items_of_agency(agency).filter(
        first_published_at__year=year, disclosure_method=DisclosureMethod.PROACTIVE,
        interpretationpage__isnull=True,
    )
