"""统计数据发布 in the Wagtail admin: the release workbench, and the codelist screens
(统计指标, 地区) for platform administrators."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from gongkai.core.agencies import agencies_for
from gongkai.core.viewsets import PlatformAdminPolicy, PolicyOnlyViewSet
from gongkai.official_stats import admin_views as views
from gongkai.official_stats.models import Indicator, Region

indicator_policy = PlatformAdminPolicy(Indicator, actions={"add", "change", "view"})
region_policy = PlatformAdminPolicy(Region, actions={"add", "change", "view"})
register_permission_policy(Indicator, indicator_policy)
register_permission_policy(Region, region_policy)

admin_urls = [
    path("", views.HomeView.as_view(), name="home"),
    path("codelists/", views.CodelistView.as_view(), name="codelists"),
    path("releases/<int:pk>/", views.ReleaseView.as_view(), name="release"),
]


@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def register_statistics_urls() -> list[URLPattern | URLResolver]:
    return [path("statistics/", include((admin_urls, views.NS), namespace=views.NS))]


class AgencyStaffMenuItem(MenuItem):  # type: ignore[misc]
    def is_shown(self, request: HttpRequest) -> bool:
        return agencies_for(request.user).exists()


@hooks.register("register_admin_menu_item")  # type: ignore[untyped-decorator]
def register_statistics_menu_item() -> MenuItem:
    return AgencyStaffMenuItem("统计数据发布", reverse_lazy(f"{views.NS}:home"),
                               name="gongkai-official-stats", icon_name="table", order=250)


class IndicatorViewSet(PolicyOnlyViewSet):
    model = Indicator
    icon = "list-ul"
    menu_label = "统计指标"
    name = "stat_indicators"
    add_to_reference_index = False
    list_display = ["code", "name", "parent", "unit", "frequency", "is_group"]
    search_fields = ["code", "name"]
    form_fields = ["code", "name", "parent", "is_group", "unit", "decimals", "frequency",
                   "definition", "caliber", "source", "notes", "sort_order"]
    ordering = ["sort_order", "code"]


class RegionViewSet(PolicyOnlyViewSet):
    model = Region
    icon = "site"
    menu_label = "地区"
    name = "stat_regions"
    add_to_reference_index = False
    list_display = ["code", "name", "is_administrative", "parent"]
    search_fields = ["code", "name"]
    form_fields = ["code", "name", "is_administrative", "parent", "valid_from", "valid_until",
                   "notes", "sort_order"]
    ordering = ["sort_order", "code"]


class CodelistGroup(ViewSetGroup):  # type: ignore[misc]
    items = (IndicatorViewSet, RegionViewSet)
    add_to_admin_menu = False


@hooks.register("register_admin_viewset")  # type: ignore[untyped-decorator]
def register_codelists() -> CodelistGroup:
    return CodelistGroup()
