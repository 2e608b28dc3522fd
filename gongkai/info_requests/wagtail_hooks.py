"""依申请公开 in the Wagtail admin: the workbench's URLs and its menu item."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from gongkai.core.agencies import agencies_for
from gongkai.info_requests import admin_views as views
from gongkai.info_requests.admin_intake import IntakeView
from gongkai.info_requests.admin_remedies import RemediesView

workbench_urls = [
    path("", views.QueueView.as_view(), name="queue"),
    path("register/", IntakeView.as_view(), name="intake"),
    path("remedies/", RemediesView.as_view(), name="remedies"),
    path("<int:pk>/", views.CaseView.as_view(), name="case"),
    path("<int:pk>/action/<slug:action>/", views.ActionView.as_view(), name="action"),
    path("<int:pk>/letters/new/", views.NewLetterView.as_view(), name="new_letter"),
    path("letters/<int:letter_pk>/", views.LetterView.as_view(), name="letter"),
    path("letters/<int:letter_pk>/send/", views.SendLetterView.as_view(), name="send_letter"),
    path("letters/<int:letter_pk>/<str:fmt>/", views.LetterFileView.as_view(),
         name="letter_file"),
]


@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def register_workbench_urls() -> list[URLPattern | URLResolver]:
    return [path("info-requests/", include((workbench_urls, views.NS), namespace=views.NS))]


class AgencyStaffMenuItem(MenuItem):  # type: ignore[misc]
    """Shown to staff of at least one agency (superusers included)."""

    def is_shown(self, request: HttpRequest) -> bool:
        return agencies_for(request.user).exists()


@hooks.register("register_admin_menu_item")  # type: ignore[untyped-decorator]
def register_workbench_menu_item() -> MenuItem:
    return AgencyStaffMenuItem(_("依申请公开"), reverse_lazy(f"{views.NS}:queue"),
                               name="gongkai-info-requests", icon_name="mail", order=240)
