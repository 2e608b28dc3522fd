"""Admin wiring of core: permission policies first (Wagtail 8 requires them registered
before any view looks one up), then the 平台管理 menu group with its three screens."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLPattern, path, reverse
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from gongkai.core.models import Agency, AuditLogEntry, HolidaySchedule
from gongkai.core.security import views as security_views
from gongkai.core.viewsets import (
    PlatformAdminGroup,
    agency_policy,
    audit_log_policy,
    holiday_schedule_policy,
)

register_permission_policy(Agency, agency_policy)
register_permission_policy(HolidaySchedule, holiday_schedule_policy)
register_permission_policy(AuditLogEntry, audit_log_policy)


@hooks.register("register_admin_viewset")  # type: ignore[untyped-decorator]
def register_platform_admin() -> PlatformAdminGroup:
    return PlatformAdminGroup()


# --- staff sign-in security (docs/security.md) -------------------------------------------

@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def register_security_urls() -> list[URLPattern]:
    return [
        path("security/totp/", security_views.totp, name="gk_totp"),
        path("security/logins/", security_views.login_history, name="gk_login_history"),
    ]


@hooks.register("register_account_menu_item")  # type: ignore[untyped-decorator]
def login_history_item(request: HttpRequest) -> dict[str, str]:
    return {"url": reverse("gk_login_history"), "label": "登录记录",
            "help_text": "查看本账户的登录、动态口令和退出记录"}
