"""Read-only catalog API. Only what ``visible_pages`` allows is ever returned."""


import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from gongkai.catalog.enums import Genre, Validity
from gongkai.catalog.models import DisclosureItemPage
from gongkai.catalog.selectors import CatalogFilters, public_items
from gongkai.core.models import Agency

router = Router(tags=["政府信息公开目录"])


class ItemOut(Schema):
    id: int
    index_number: str = Field(description="索引号")
    title: str = Field(description="名称")
    summary: str = Field(description="内容概述")
    formed_on: dt.date = Field(description="生成日期（成文日期）")
    published_at: dt.datetime | None = Field(description="发布日期")
    publisher: str = Field(description="发布机构")
    doc_number: str = Field(description="文号")
    theme: str = Field(description="主题分类")
    genre: str = Field(description="体裁分类")
    keywords: list[str]
    validity: str = Field(description="有效性")
    validity_changed_on: dt.date | None
    disclosure_method: str = Field(description="公开方式")
    article20_item: str
    url: str

    @staticmethod
    def resolve_published_at(obj: DisclosureItemPage) -> dt.datetime | None:
        return obj.first_published_at

    @staticmethod
    def resolve_publisher(obj: DisclosureItemPage) -> str:
        return obj.publisher_name

    @staticmethod
    def resolve_theme(obj: DisclosureItemPage) -> str:
        return obj.theme.full_name

    @staticmethod
    def resolve_genre(obj: DisclosureItemPage) -> str:
        return str(Genre(obj.genre).label)

    @staticmethod
    def resolve_validity(obj: DisclosureItemPage) -> str:
        return str(Validity(obj.validity).label)

    @staticmethod
    def resolve_disclosure_method(obj: DisclosureItemPage) -> str:
        return obj.get_disclosure_method_display()

    @staticmethod
    def resolve_keywords(obj: DisclosureItemPage) -> list[str]:
        return obj.keyword_list

    @staticmethod
    def resolve_url(obj: DisclosureItemPage) -> str:
        return obj.get_url() or ""


class ItemFilters(Schema):
    agency: str | None = Field(None, description="机构网址标识，例如 anshan")
    theme: int | None = Field(None, description="主题分类编号")
    genre: str | None = Field(None, description="体裁分类代码")
    year: int | None = Field(None, description="发布年份")
    validity: str | None = Field(None, description="有效性：valid / expired / repealed")
    q: str | None = Field(None, description="关键词（名称、文号、关键词、内容概述、索引号）")
    index_number: str | None = Field(None, description="索引号（精确匹配）")


@router.get("/items", response=list[ItemOut], summary="公开信息列表")
@paginate(PageNumberPagination, page_size=20)
def list_items(request: HttpRequest, filters: Query[ItemFilters]):  # type: ignore[no-untyped-def]
    agency = None
    if filters.agency:
        agency = get_object_or_404(Agency, slug=filters.agency)
    queryset = public_items(agency=agency, filters=CatalogFilters.from_query(filters.dict()))
    if filters.index_number:
        queryset = queryset.filter(index_number_record__value=filters.index_number)
    return queryset


@router.get("/items/{item_id}", response=ItemOut, summary="公开信息详情")
def get_item(request: HttpRequest, item_id: int) -> DisclosureItemPage:
    return get_object_or_404(public_items(), pk=item_id)
