"""互动交流 in the Wagtail admin: workbench URLs, menu items and the dashboard panel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gongkai.consultations import admin_views as views
from gongkai.core.agencies import agencies_for

workbench_urls = [
    path("", views.QueueView.as_view(), name="queue"),
    path("<int:pk>/", views.MessageView.as_view(), name="message"),
    path("<int:pk>/action/<slug:action>/", views.MessageView.as_view(), name="action"),
    path("reports/", views.ReportListView.as_view(), name="reports"),
    path("reports/<int:pk>/", views.ReportView.as_view(), name="report"),
    path("faq/", views.FaqListView.as_view(), name="faq"),
    path("faq/new/", views.FaqEditView.as_view(), name="faq_new"),
    path("faq/<int:pk>/", views.FaqEditView.as_view(), name="faq_edit"),
    path("settings/<slug:agency_slug>/", views.SettingsView.as_view(), name="settings"),
]


@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def register_workbench_urls() -> list[URLPattern | URLResolver]:
    return [path("consultations/", include((workbench_urls, views.NS), namespace=views.NS))]


class AgencyStaffMenuItem(MenuItem):  # type: ignore[misc]
    def is_shown(self, request: HttpRequest) -> bool:
        return agencies_for(request.user).exists()


@hooks.register("register_admin_menu_item")  # type: ignore[untyped-decorator]
def register_messages_menu_item() -> MenuItem:
    return AgencyStaffMenuItem("互动交流", reverse_lazy(f"{views.NS}:queue"),
                               name="gongkai-consultations", icon_name="mail", order=242)


@hooks.register("register_admin_menu_item")  # type: ignore[untyped-decorator]
def register_reports_menu_item() -> MenuItem:
    return AgencyStaffMenuItem("统计违法举报", reverse_lazy(f"{views.NS}:reports"),
                               name="gongkai-violation-reports", icon_name="warning",
                               order=243)


@hooks.register("construct_homepage_panels")  # type: ignore[untyped-decorator]
def add_figures_panel(request: HttpRequest, panels: list[Any]) -> None:
    agencies = list(agencies_for(request.user)[:20])
    if agencies:
        panels.append(views.FiguresPanel(agencies))
