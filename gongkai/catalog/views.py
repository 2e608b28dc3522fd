"""The platform-wide 政府信息公开目录 (every agency's items, filterable by agency)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongkai.catalog import selectors
from gongkai.catalog.models import ITEMS_PER_PAGE
from gongkai.core.agencies import attach_agencies
from gongkai.core.models import Agency


@require_GET
def platform_catalog(request: HttpRequest) -> HttpResponse:
    agencies = Agency.objects.filter(home_page__live=True).order_by("sort_order", "id")
    slug = request.GET.get("agency") or ""
    agency = agencies.filter(slug=slug).first() if slug else None
    filters = selectors.CatalogFilters.from_query(request.GET)
    items = selectors.CachedCountPaginator(selectors.public_items(agency=agency, filters=filters),
                                           ITEMS_PER_PAGE,
                                           selectors.catalog_count_key(agency, filters))
    page = items.get_page(request.GET.get("page"))
    attach_agencies(page.object_list)  # the 发布机构 column, in one query for the page
    return render(request, "catalog/platform_catalog.html", {
        "filters": filters,
        "filter_choices": selectors.filter_choices(agency),
        "agency_choices": agencies,
        "selected_agency": agency.slug if agency else "",
        "items": page,
    })
