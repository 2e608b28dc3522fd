"""The public search page: server-rendered, works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from gongkai.core.models import Agency
from gongkai.core.search.backends.base import FacetValue, SearchFilters, Sort
from gongkai.core.search.service import hot_searches, record_search, search

FACET_TITLES = {
    "agency": "发布机构",
    "content_type": "信息类型",
    "column": "所属栏目",
    "theme": "主题分类",
    "year": "发布年份",
    "validity": "有效性",
}
# facet name -> query parameter
FACET_PARAMS = {"agency": "agency", "content_type": "type", "column": "column",
                "theme": "theme", "year": "year", "validity": "validity"}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def filters_from(params: QueryDict) -> tuple[SearchFilters, Agency | None]:
    agency = None
    agency_param = (params.get("agency") or "")[:60]
    if agency_param:
        agency = Agency.objects.filter(slug=agency_param).first()
        if agency is None and agency_param.isdigit():
            agency = Agency.objects.filter(pk=int(agency_param)).first()
    filters = SearchFilters(
        agency_ids=(agency.pk,) if agency else (),
        column_id=_int(params.get("column")),
        theme_code=(params.get("theme") or "")[:20],
        year=_int(params.get("year")),
        validity=(params.get("validity") or "")[:10],
        content_type=(params.get("type") or "")[:40],
    )
    return filters, agency


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    url: str
    selected: bool


def _facet_links(params: QueryDict, facets: dict[str, list[FacetValue]],
                 agency_slugs: dict[str, str]) -> list[tuple[str, list[FacetLink]]]:
    groups: list[tuple[str, list[FacetLink]]] = []
    for name, values in facets.items():
        param = FACET_PARAMS[name]
        current = params.get(param, "")
        links = []
        ordered = sorted(values, key=lambda v: -int(v.value)) if name == "year" else values
        for value in ordered:
            raw = agency_slugs.get(value.value, value.value) if name == "agency" else value.value
            selected = current in {raw, value.value}
            query = params.copy()
            query.pop("page", None)
            if selected:
                query.pop(param, None)
            else:
                query[param] = raw
            label = f"{value.label}年" if name == "year" else value.label
            links.append(FacetLink(label, value.count, f"?{query.urlencode()}", selected))
        groups.append((FACET_TITLES[name], links))
    return groups


def _suggestions(raw: str, filters: SearchFilters) -> list[dict[str, Any]]:
    """What to try after a search found nothing: broader variants that do find things."""
    out: list[dict[str, Any]] = []
    if not filters.is_empty:
        total = search(raw, with_facets=False, page_size=1).total
        if total:
            out.append({"text": "不限筛选条件", "url": f"?{urlencode({'q': raw})}",
                        "count": total})
    words = raw.split()
    if len(words) > 1:
        for word in words[:5]:
            total = search(word, with_facets=False, page_size=1).total
            if total:
                out.append({"text": word, "url": f"?{urlencode({'q': word})}", "count": total})
    return out


@require_GET
def site_search(request: HttpRequest) -> HttpResponse:
    params = request.GET
    raw = (params.get("q") or "").strip()
    filters, agency = filters_from(params)
    sort = Sort.NEWEST if params.get("sort") == "date" else Sort.RELEVANCE
    page = _int(params.get("page")) or 1
    results = search(raw, filters=filters, sort=sort, page=page)
    if raw and page == 1 and results.total:
        record_search(results.query)
    agency_slugs = {str(pk): slug for pk, slug in Agency.objects.values_list("pk", "slug")}
    context = {
        "q": raw,
        "results": results,
        "sort": sort.value,
        "first_number": (results.page - 1) * results.page_size + 1,
        "selected_agency": agency,
        "facet_groups": _facet_links(params, results.facets, agency_slugs),
        "hot": hot_searches(),
        "suggestions": _suggestions(raw, filters) if raw and not results.total else [],
        "sort_relevance_url": _with(params, sort=None),
        "sort_date_url": _with(params, sort="date"),
        "prev_url": _with(params, page=str(page - 1)) if page > 1 else "",
        "next_url": _with(params, page=str(page + 1)) if page < results.pages else "",
    }
    return render(request, "core/search.html", context)


def _with(params: QueryDict, **changes: str | None) -> str:
    query = params.copy()
    if "sort" in changes or any(key != "page" for key in changes):
        query.pop("page", None)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return f"?{query.urlencode()}"
