"""统计执法公开 in the Wagtail admin: its URLs and its menu item."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gongkai.core.agencies import agencies_for
from gongkai.enforcement import admin_views as views

admin_urls = [
    path("", views.HomeView.as_view(), name="home"),
    path("plans/<int:pk>/", views.PlanView.as_view(), name="plan"),
    path("penalties/<int:pk>/", views.PenaltyView.as_view(), name="penalty"),
]


@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def register_enforcement_urls() -> list[URLPattern | URLResolver]:
    return [path("enforcement/", include((admin_urls, views.NS), namespace=views.NS))]


class AgencyStaffMenuItem(MenuItem):  # type: ignore[misc]
    def is_shown(self, request: HttpRequest) -> bool:
        return agencies_for(request.user).exists()


@hooks.register("register_admin_menu_item")  # type: ignore[untyped-decorator]
def register_enforcement_menu_item() -> MenuItem:
    return AgencyStaffMenuItem("统计执法公开", reverse_lazy(f"{views.NS}:home"),
                               name="gongkai-enforcement", icon_name="form", order=260)
