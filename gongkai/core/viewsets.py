"""Wagtail admin screens of core: 机构管理, 节假日安排 and the 审计日志.

Who may do what is decided by the permission policies below (registered for their models
in wagtail_hooks.py, as Wagtail 8 requires), not by Django model permissions:

* 节假日安排 and 审计日志: platform administrators (active superusers) only;
* 机构管理: a platform administrator sees and creates every agency; an agency's own
  单位管理员 (ADMIN role) sees and edits only that agency's office, hotlines and footer;
  nobody deletes an agency here.

Every save goes through a service (``save_holiday_schedule``, ``create_agency``) or records
an audit entry itself, so the admin leaves the same trail as the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import django_filters  # type: ignore[import-untyped]
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, Q, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy

from gongkai.core.agencies import agencies_for, has_role
from gongkai.core.api import missing_warning
from gongkai.core.enums import HolidayKind, PlatformRole, StaffRole
from gongkai.core.forms import AgencyForm, AgencyOfficeForm, HolidayScheduleForm
from gongkai.core.management.commands.workdays import nearby_missing_years
from gongkai.core.models import Agency, AgencyMembership, AuditLogEntry, HolidaySchedule
from gongkai.core.services import save_holiday_schedule, update_agency_details

User = AbstractBaseUser | AnonymousUser
ALL_ACTIONS = frozenset({"add", "change", "delete", "view"})


def is_platform_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_superuser", False))


def administered_agencies(user: User) -> QuerySet[Agency]:
    """The agencies whose details ``user`` may edit: all for a platform administrator,
    else those where the user holds the 单位管理员 role."""
    agencies = agencies_for(user)
    if not user.is_authenticated or is_platform_admin(user):
        return agencies  # none for anonymous visitors, all for platform administrators
    admin_of = AgencyMembership.objects.filter(user_id=cast(int, user.pk), role=StaffRole.ADMIN)
    return agencies.filter(pk__in=admin_of.values("agency_id"))


# --- Permission policies ------------------------------------------------------------------


class PlatformAdminPolicy(BasePermissionPolicy):  # type: ignore[misc]
    """Only platform administrators, and only for the listed actions."""

    def __init__(self, model: type[Model], actions: Iterable[str] = ALL_ACTIONS) -> None:
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user: User, action: str) -> bool:
        return action in self.actions and is_platform_admin(user)

    def user_has_any_permission(self, user: User, actions: Iterable[str]) -> bool:
        return bool(self.actions.intersection(actions)) and is_platform_admin(user)

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet[Any]:
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if self.actions.intersection(actions) else users.none()


class AgencyPolicy(BasePermissionPolicy):  # type: ignore[misc]
    """Platform administrators: view, add and change every agency. An agency's 单位管理员:
    view and change that agency. Nobody deletes an agency from the admin."""

    ADMIN_ACTIONS = frozenset({"add", "change", "view"})
    STAFF_ACTIONS = frozenset({"change", "view"})

    def _allowed(self, user: User) -> frozenset[str]:
        if is_platform_admin(user):
            return self.ADMIN_ACTIONS
        return frozenset()

    def user_has_permission(self, user: User, action: str) -> bool:
        return self.user_has_any_permission(user, [action])

    def user_has_any_permission(self, user: User, actions: Iterable[str]) -> bool:
        wanted = frozenset(actions)
        if wanted & self._allowed(user):
            return True
        return bool(wanted & self.STAFF_ACTIONS) and administered_agencies(user).exists()

    def user_has_permission_for_instance(self, user: User, action: str,
                                         instance: Agency) -> bool:
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user: User, actions: Iterable[str],
                                             instance: Agency) -> bool:
        wanted = frozenset(actions)
        if wanted & self._allowed(user):
            return True
        return bool(wanted & self.STAFF_ACTIONS) and has_role(user, instance, StaffRole.ADMIN)

    def instances_user_has_any_permission_for(self, user: User,
                                              actions: Iterable[str]) -> QuerySet[Agency]:
        if frozenset(actions) & (self.ADMIN_ACTIONS | self.STAFF_ACTIONS):
            return administered_agencies(user)
        return Agency.objects.none()

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet[Any]:
        wanted = frozenset(actions)
        users = get_user_model().objects.filter(is_active=True)
        if not wanted & (self.ADMIN_ACTIONS | self.STAFF_ACTIONS):
            return users.none()
        admins = Q(is_superuser=True)
        if wanted & self.STAFF_ACTIONS:
            admins |= Q(agency_memberships__role=StaffRole.ADMIN)
        return users.filter(admins).distinct()


holiday_schedule_policy = PlatformAdminPolicy(HolidaySchedule, actions={"add", "change", "view"})
class AuditorPolicy(PlatformAdminPolicy):
    """The audit log: the 安全审计员 of 三员分立 reads it; so does a superuser while the
    platform is being set up. Nobody changes it (it is append-only anyway)."""

    def _may(self, user: User) -> bool:
        from gongkai.core.security.services import is_auditor

        return is_platform_admin(user) or (user.is_active and is_auditor(user))

    def user_has_permission(self, user: User, action: str) -> bool:
        return action in self.actions and self._may(user)

    def user_has_any_permission(self, user: User, actions: Iterable[str]) -> bool:
        return bool(self.actions.intersection(actions)) and self._may(user)

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet[Any]:
        from gongkai.core.security.services import GROUP_NAMES

        if not self.actions.intersection(actions):
            return get_user_model().objects.none()
        auditors = Q(groups__name=GROUP_NAMES[PlatformRole.AUDITOR])
        return get_user_model().objects.filter(
            Q(is_superuser=True) | auditors, is_active=True).distinct()


audit_log_policy = AuditorPolicy(AuditLogEntry, actions={"view"})
agency_policy = AgencyPolicy(Agency)


class PolicyOnlyViewSet(ModelViewSet):  # type: ignore[misc]
    """A viewset whose access follows from its permission policy alone: it offers no Django
    permissions to tick in the group editor (they would have no effect)."""

    copy_view_enabled = False
    add_to_admin_menu = False  # shown in the 平台管理 group instead

    def get_permissions_to_register(self) -> QuerySet[Permission]:
        return Permission.objects.none()


# --- 节假日安排 --------------------------------------------------------------------------------


class HolidayScheduleIndexView(generic.IndexView):  # type: ignore[misc]
    def get_base_queryset(self) -> QuerySet[HolidaySchedule]:
        return HolidaySchedule.objects.annotate(
            days_off=Count("dates", filter=Q(dates__kind=HolidayKind.DAY_OFF)),
            working_weekend_days=Count("dates", filter=Q(dates__kind=HolidayKind.WORKING_WEEKEND)),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        missing = nearby_missing_years(HolidaySchedule.objects.values_list("year", flat=True))
        context["missing_years"] = missing
        context["missing_warning"] = missing_warning(missing)
        return context


class HolidayScheduleSaveMixin:
    """Create and edit both save through ``save_holiday_schedule`` (validation + audit)."""

    request: HttpRequest
    form: HolidayScheduleForm
    object: HolidaySchedule | None
    log_action = "wagtail.edit"

    def save_instance(self) -> HolidaySchedule:
        data = self.form.cleaned_data
        schedule = save_holiday_schedule(
            year=data["year"], notice_title=data["notice_title"], entries=self.form.entries,
            by=self.request.user, notice_number=data["notice_number"],
            notice_date=data["notice_date"], source_url=data["source_url"], note=data["note"],
        )
        log(instance=schedule, action=self.log_action, user=self.request.user)
        return schedule

    def form_valid(self, form: HolidayScheduleForm) -> HttpResponse:
        try:
            response: HttpResponse = super().form_valid(form)  # type: ignore[misc]
        except ValidationError as error:
            # The service's checks (e.g. a weekday entered as 调休上班): shown on the dates.
            form.add_error("dates", error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return response
        self.produced_error_message = self.get_error_message()  # type: ignore[attr-defined]
        return self.form_invalid(form)  # type: ignore[attr-defined,no-any-return]


class HolidayScheduleCreateView(HolidayScheduleSaveMixin, generic.CreateView):  # type: ignore[misc]
    log_action = "wagtail.create"


class HolidayScheduleEditView(HolidayScheduleSaveMixin, generic.EditView):  # type: ignore[misc]
    pass


class HolidayScheduleViewSet(PolicyOnlyViewSet):
    model = HolidaySchedule
    icon = "date"
    menu_label = _("节假日安排")
    menu_order = 200
    name = "holiday_schedules"
    add_to_reference_index = False
    index_view_class = HolidayScheduleIndexView
    add_view_class = HolidayScheduleCreateView
    edit_view_class = HolidayScheduleEditView
    list_display = [
        "year", "notice_title", "notice_number", "notice_date",
        Column("days_off", label=_("放假天数"), sort_key="days_off"),
        Column("working_weekend_days", label=_("调休上班天数"), sort_key="working_weekend_days"),
    ]
    ordering = ["-year"]
    index_template_name = "core/admin/holiday_schedule_index.html"
    create_template_name = "core/admin/holiday_schedule_form.html"
    edit_template_name = "core/admin/holiday_schedule_form.html"

    def get_form_class(self, for_update: bool = False) -> type[Form]:
        return HolidayScheduleForm


# --- 机构管理 ------------------------------------------------------------------------------


class AgencyIndexView(generic.IndexView):  # type: ignore[misc]
    def get_base_queryset(self) -> QuerySet[Agency]:
        return administered_agencies(self.request.user).select_related("parent")


class AgencyObjectMixin:
    """Views of one agency: refused (403) unless the user may change that agency."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        agency = get_object_or_404(Agency, pk=unquote(str(kwargs["pk"])))
        if not agency_policy.user_has_permission_for_instance(request.user, "change", agency):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc,no-any-return]


class AgencyEditView(AgencyObjectMixin, generic.EditView):  # type: ignore[misc]
    def get_form_class(self) -> type[Form]:
        return AgencyForm if is_platform_admin(self.request.user) else AgencyOfficeForm

    def save_instance(self) -> Agency:
        # The form has validated the fields it shows; the service decides who may change
        # what, saves and writes the audit entry.
        changes = {name: self.form.cleaned_data[name] for name in self.form.changed_data}
        agency = update_agency_details(agency=self.object, changes=changes,
                                       by=self.request.user)
        log(instance=agency, action="wagtail.edit", user=self.request.user)
        return agency


class AgencyCreateView(generic.CreateView):  # type: ignore[misc]
    def is_valid(self, form: AgencyForm) -> bool:
        from gongkai.site.models import PlatformHomePage

        if not PlatformHomePage.objects.exists():
            form.add_error(None, _("尚未建立平台首页，无法新增机构。"))
        return bool(super().is_valid(form))

    def save_instance(self) -> Agency:
        from gongkai.site.models import PlatformHomePage
        from gongkai.site.services import create_agency

        fields = {name: self.form.cleaned_data[name] for name in self.form._meta.fields}
        agency = create_agency(parent_page=PlatformHomePage.objects.first(),
                               by=self.request.user, **fields)
        log(instance=agency, action="wagtail.create", user=self.request.user)
        return agency


class AgencyHistoryView(AgencyObjectMixin, generic.history.HistoryView):  # type: ignore[misc]
    pass


class AgencyUsageView(AgencyObjectMixin, generic.usage.UsageView):  # type: ignore[misc]
    pass


class AgencyViewSet(PolicyOnlyViewSet):
    model = Agency
    icon = "site"
    menu_label = _("机构管理")
    menu_order = 100
    name = "agencies"
    index_view_class = AgencyIndexView
    add_view_class = AgencyCreateView
    edit_view_class = AgencyEditView
    history_view_class = AgencyHistoryView
    usage_view_class = AgencyUsageView
    list_display = ["name", "short_name", "code", "level", "parent", "office_phone"]
    search_fields = ["name", "short_name", "code"]
    search_backend_name = None

    def get_form_class(self, for_update: bool = False) -> type[Form]:
        return AgencyForm


# --- 审计日志 ------------------------------------------------------------------------------


AUDIT_LABELS = {
    "seq": _("序号"), "at": _("时间"), "actor_label": _("操作人"), "action": _("操作"),
    "agency": _("机构"), "target_type": _("对象类型"), "target_id": _("对象编号"),
    "data": _("内容"), "prev_hash": _("上一条哈希"), "hash": _("本条哈希"),
}


class AuditLogFilterSet(WagtailFilterSet):  # type: ignore[misc]
    action = django_filters.CharFilter(label=_("操作（前缀）"), lookup_expr="startswith")
    actor_label = django_filters.CharFilter(label=_("操作人"))
    agency = django_filters.ModelChoiceFilter(label=_("机构"), queryset=Agency.objects.all())

    class Meta:
        model = AuditLogEntry
        fields = ["action", "actor_label", "agency"]


class AuditLogInspectView(generic.InspectView):  # type: ignore[misc]
    def get_field_label(self, field_name: str, field: Any) -> str:
        return str(AUDIT_LABELS.get(field_name) or super().get_field_label(field_name, field))


class AuditLogViewSet(PolicyOnlyViewSet):
    """Read only: the log is append-only and its rows are never edited."""

    model = AuditLogEntry
    icon = "list-ul"
    menu_label = _("审计日志")
    menu_order = 300
    name = "audit_log"
    add_to_reference_index = False
    inspect_view_enabled = True
    inspect_view_class = AuditLogInspectView
    list_display = [
        Column("seq", label=AUDIT_LABELS["seq"], sort_key="seq"),
        DateColumn("at", label=AUDIT_LABELS["at"], sort_key="at"),
        *(Column(name, label=AUDIT_LABELS[name])
          for name in ("actor_label", "action", "agency", "target_type", "target_id")),
    ]
    filterset_class = AuditLogFilterSet
    ordering = ["-seq"]
    list_per_page = 50
    inspect_view_fields = list(AUDIT_LABELS)

    def get_urlpatterns(self) -> list[URLPattern]:
        # Only the listing and the detail view: there is no form to add, edit or delete.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


class PlatformAdminGroup(ModelViewSetGroup):  # type: ignore[misc]
    menu_label = _("平台管理")
    menu_icon = "cogs"
    menu_order = 800
    items = (AgencyViewSet, HolidayScheduleViewSet, AuditLogViewSet)
