"""GET /api/search: the site search as JSON (described in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gongkai.core.search.backends.base import Sort
from gongkai.core.search.service import MAX_PAGE_SIZE, search
from gongkai.core.search.views import filters_from

router = Router(tags=["站内搜索"])


class SearchParams(Schema):
    q: str = Field("", max_length=1000, description="关键词；多个关键词用空格分开，须同时出现")
    page: int = Field(1, ge=1, le=10000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    sort: Sort = Field(Sort.RELEVANCE, description="relevance（相关度）或 date（时间）")
    agency: str = Field("", description="机构标识（slug）")
    column: int | None = Field(None, description="栏目页面ID")
    theme: str = Field("", description="主题分类编码")
    year: int | None = Field(None, description="发布年份")
    validity: str = Field("", description="有效性：valid / expired / repealed")
    type: str = Field("", description="信息类型：item / interpretation / column …")


class SearchHitOut(Schema):
    title: str
    url: str
    snippet: str = Field(description="摘要（HTML，命中词以 <mark> 标出，其余已转义）")
    published_at: dt.datetime
    agency: str
    content_type: str
    column: str


class FacetOut(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    query: str
    count: int = Field(description="匹配的条数；count_is_exact 为 false 时表示“至少”这么多")
    count_is_exact: bool = Field(
        description="false：匹配超过1000条，结果与分类统计只涵盖最新的1000条")
    page: int
    page_size: int
    pages: int
    results: list[SearchHitOut]
    facets: dict[str, list[FacetOut]]


@router.get("/search", response=SearchOut, summary="站内搜索",
            description="只返回已向社会公开的信息（已发布、未过期、已到发布时间）。")
def api_search(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    query = request.GET.copy()
    if params.type:
        query["type"] = params.type
    filters, _agency = filters_from(query)
    results = search(params.q, filters=filters, sort=params.sort, page=params.page,
                     page_size=params.page_size)
    return SearchOut(
        query=results.query.normalized,
        count=results.total,
        count_is_exact=results.total_is_exact,
        page=results.page,
        page_size=results.page_size,
        pages=results.pages,
        results=[SearchHitOut(title=hit.title, url=request.build_absolute_uri(hit.url),
                              snippet=str(hit.snippet_html), published_at=hit.published_at,
                              agency=hit.agency_name, content_type=hit.content_type_label,
                              column=hit.column_title) for hit in results.hits],
        facets={name: [FacetOut(value=v.value, label=v.label, count=v.count) for v in values]
                for name, values in results.facets.items()},
    )
