"""Admin wiring of core: permission policies first (Wagtail 8 requires them registered
before any view looks one up), then the 平台管理 menu group with its three screens."""

from __future__ import annotations

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from gongkai.core.models import Agency, AuditLogEntry, HolidaySchedule
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
