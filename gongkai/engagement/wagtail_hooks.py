"""公众参与 in the Wagtail admin: its URLs and its menu item."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gongkai.core.agencies import agencies_for
from gongkai.engagement import admin_views as views

admin_urls = [
    path("", views.IndexView.as_view(), name="index"),
    path("events/<int:pk>/checkin/", views.CheckInView.as_view(), name="checkin"),
    path("surveys/<int:pk>/results/", views.SurveyResultsView.as_view(), name="survey_results"),
    path("surveys/<int:pk>/results.xlsx", views.SurveyExportView.as_view(), name="survey_export"),
    path("surveys/<int:pk>/invitations/", views.InvitationsView.as_view(),
         name="survey_invitations"),
    path("surveys/<int:pk>/invitations/<int:batch>.<str:fmt>", views.InvitationExportView.as_view(),
         name="invitation_export"),
]


@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def register_engagement_urls() -> list[URLPattern | URLResolver]:
    return [path("engagement/", include((admin_urls, views.NS), namespace=views.NS))]


class AgencyStaffMenuItem(MenuItem):  # type: ignore[misc]
    def is_shown(self, request: HttpRequest) -> bool:
        return agencies_for(request.user).exists()


@hooks.register("register_admin_menu_item")  # type: ignore[untyped-decorator]
def register_engagement_menu_item() -> MenuItem:
    return AgencyStaffMenuItem(_("公众参与"), reverse_lazy(f"{views.NS}:index"),
                               name="gongkai-engagement", icon_name="group", order=260)
