"""The annual report in the Wagtail admin: URLs and the menu item."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gongkai.annual_reports import admin_checker  # noqa: F401 - registers the checker's hooks
from gongkai.annual_reports import admin_views as views
from gongkai.core.agencies import agencies_for

admin_urls = [
    path("", views.BoardView.as_view(), name="board"),
    path("generate/<int:agency_pk>/<int:year>/", views.GenerateView.as_view(), name="generate"),
    path("aggregate/<int:agency_pk>/<int:year>/", views.AggregateView.as_view(),
         name="aggregate"),
    path("<int:pk>/", views.ReportView.as_view(), name="report"),
    path("<int:pk>/cell/", views.CellView.as_view(), name="cell"),
    path("<int:pk>/action/<slug:action>/", views.ActionView.as_view(), name="action"),
    path("<int:pk>/file.<str:fmt>", views.FileView.as_view(), name="file"),
]


@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def register_admin_urls() -> list[URLPattern | URLResolver]:
    return [path("annual-reports/", include((admin_urls, views.NS), namespace=views.NS))]


class StaffMenuItem(MenuItem):  # type: ignore[misc]
    def is_shown(self, request: HttpRequest) -> bool:
        return agencies_for(request.user).exists()


@hooks.register("register_admin_menu_item")  # type: ignore[untyped-decorator]
def register_menu_item() -> MenuItem:
    return StaffMenuItem(_("年度报告"), reverse_lazy(f"{views.NS}:board"),
                         name="gongkai-annual-reports", icon_name="doc-full", order=260)
