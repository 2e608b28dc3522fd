"""State changes of core: agencies' staff and groups, the holiday table.

Each function owns its transaction, its permission check and its audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from gongkai.core import audit
from gongkai.core.agencies import has_role
from gongkai.core.enums import HolidayKind, StaffRole
from gongkai.core.models import Agency, AgencyMembership, HolidayDate, HolidaySchedule
from gongkai.core.selectors import forget_calendar

Actor = AbstractBaseUser | AnonymousUser | None

# Wagtail page permissions each role gets on the agency's own section, and nowhere else.
ROLE_PAGE_PERMISSIONS: dict[StaffRole, tuple[str, ...]] = {
    StaffRole.EDITOR: ("add_page", "change_page"),
    StaffRole.REVIEWER: (),
    StaffRole.APPROVER: ("change_page", "publish_page"),
    StaffRole.ADMIN: ("add_page", "change_page", "publish_page", "bulk_delete_page",
                      "lock_page", "unlock_page"),
}
ROLE_COLLECTION_PERMISSIONS: dict[StaffRole, tuple[str, ...]] = {
    StaffRole.EDITOR: ("add_document", "change_document", "choose_document",
                       "add_image", "change_image", "choose_image"),
    StaffRole.REVIEWER: ("choose_document", "choose_image"),
    StaffRole.APPROVER: ("choose_document", "choose_image", "change_document", "change_image"),
    StaffRole.ADMIN: ("add_document", "change_document", "choose_document", "delete_document",
                      "add_image", "change_image", "choose_image", "delete_image"),
}


def _is_superuser(actor: Actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_superuser", False) and actor.is_active)


def group_name(agency: Agency, role: StaffRole) -> str:
    return f"{agency.short_name}｜{role.label}"


def agency_collection(agency: Agency) -> Collection:
    """The agency's own collection for documents and images."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=agency.short_name).first()
    if existing is not None:
        return existing
    return root.add_child(name=agency.short_name)  # type: ignore[no-any-return]


def role_group(agency: Agency, role: StaffRole) -> Group:
    group, _created = Group.objects.get_or_create(name=group_name(agency, role))
    return group


@transaction.atomic
def ensure_agency_groups(agency: Agency) -> dict[StaffRole, Group]:
    """Create (or repair) the agency's role groups and their permissions.

    Page permissions are granted on the agency's section root only, so they cover the
    agency's own pages; sections of other agencies are never below it.
    """
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    collection = agency_collection(agency)
    groups: dict[StaffRole, Group] = {}
    for role in StaffRole:
        group = role_group(agency, role)
        group.permissions.add(access_admin)
        if agency.home_page is not None:
            for codename in ROLE_PAGE_PERMISSIONS[role]:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=agency.home_page,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=codename
                    ),
                )
        for codename in ROLE_COLLECTION_PERMISSIONS[role]:
            app = "wagtaildocs" if codename.endswith("document") else "wagtailimages"
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection,
                permission=Permission.objects.get(content_type__app_label=app, codename=codename),
            )
        groups[role] = group
    return groups


@transaction.atomic
def add_staff_member(*, agency: Agency, user: AbstractBaseUser, role: StaffRole,
                     by: Actor) -> AgencyMembership:
    """Give ``user`` a role in ``agency``. Only the agency's admins and superusers may."""
    if not (_is_superuser(by) or (by is not None and has_role(by, agency, StaffRole.ADMIN))):
        raise PermissionDenied(_("只有本单位管理员可以添加工作人员。"))
    membership, _created = AgencyMembership.objects.get_or_create(
        user=user, agency=agency, role=role
    )
    user.groups.add(ensure_agency_groups(agency)[role])  # type: ignore[attr-defined]
    audit.record(action="agency.staff_added", actor=by, agency=agency, target=membership,
                 data={"user": user.get_username(), "role": role.value})
    return membership


@transaction.atomic
def remove_staff_member(*, membership: AgencyMembership, by: Actor) -> None:
    agency = membership.agency
    if not (_is_superuser(by) or (by is not None and has_role(by, agency, StaffRole.ADMIN))):
        raise PermissionDenied(_("只有本单位管理员可以移除工作人员。"))
    role = StaffRole(membership.role)
    membership.user.groups.remove(role_group(agency, role))
    audit.record(action="agency.staff_removed", actor=by, agency=agency,
                 data={"user": membership.user.get_username(), "role": role.value})
    membership.delete()


@dataclass(frozen=True)
class HolidayEntry:
    date: dt.date
    kind: HolidayKind
    name: str = ""


def _check_entries(year: int, entries: Iterable[HolidayEntry]) -> list[HolidayEntry]:
    checked: list[HolidayEntry] = []
    seen: set[dt.date] = set()
    for entry in entries:
        if entry.date in seen:
            raise ValidationError(_("日期 %(date)s 重复。") % {"date": entry.date.isoformat()})
        seen.add(entry.date)
        # A notice may reach one day into the neighbouring year (2023's 元旦 began on
        # 2022-12-31), never further.
        if abs(entry.date.year - year) > 1:
            raise ValidationError(
                _("日期 %(date)s 不属于 %(year)s 年的安排。")
                % {"date": entry.date.isoformat(), "year": year}
            )
        if entry.kind == HolidayKind.WORKING_WEEKEND and entry.date.weekday() < 5:
            raise ValidationError(
                _("调休上班日 %(date)s 不是周末，无需登记。") % {"date": entry.date.isoformat()}
            )
        checked.append(entry)
    return checked


@transaction.atomic
def save_holiday_schedule(
    *,
    year: int,
    notice_title: str,
    entries: Iterable[HolidayEntry],
    by: Actor,
    notice_number: str = "",
    notice_date: dt.date | None = None,
    source_url: str = "",
    note: str = "",
) -> HolidaySchedule:
    """Enter or replace a year's official schedule. Platform administrators only."""
    if by is not None and not _is_superuser(by):
        raise PermissionDenied(_("只有平台管理员可以维护节假日安排。"))
    checked = _check_entries(year, entries)
    schedule, created = HolidaySchedule.objects.update_or_create(
        year=year,
        defaults={"notice_title": notice_title, "notice_number": notice_number,
                  "notice_date": notice_date, "source_url": source_url, "note": note},
    )
    schedule.dates.all().delete()
    HolidayDate.objects.bulk_create(
        HolidayDate(schedule=schedule, date=e.date, kind=e.kind, name=e.name) for e in checked
    )
    audit.record(
        action="workdays.schedule_created" if created else "workdays.schedule_replaced",
        actor=by, target=schedule,
        data={"year": year, "days_off": sum(e.kind == HolidayKind.DAY_OFF for e in checked),
              "working_weekend_days": sum(e.kind == HolidayKind.WORKING_WEEKEND
                                          for e in checked)},
    )
    transaction.on_commit(forget_calendar)
    return schedule


# What an agency's own administrator may change; the rest (name, code, slug, parent) is the
# platform administrator's.
AGENCY_SELF_SERVICE_FIELDS = frozenset({
    "office_name", "office_address", "office_postcode", "office_hours", "office_phone",
    "office_fax", "office_email", "office_web", "consultation_phone", "supervision_phone",
    "sponsor", "organizer", "contact", "site_code", "icp_number", "police_number", "conac_url",
})


@transaction.atomic
def update_agency_details(*, agency: Agency, changes: dict[str, object], by: Actor) -> Agency:
    """Change an agency's data: its own admins for the office/hotline/footer fields,
    platform administrators for everything."""
    if not changes:
        return agency
    if not _is_superuser(by):
        if by is None or not has_role(by, agency, StaffRole.ADMIN):
            raise PermissionDenied(_("只有本单位管理员可以修改本单位信息。"))
        forbidden = set(changes) - AGENCY_SELF_SERVICE_FIELDS
        if forbidden:
            raise PermissionDenied(_("这些信息只能由平台管理员修改：%(fields)s")
                                   % {"fields": "、".join(sorted(forbidden))})
    for name, value in changes.items():
        setattr(agency, name, value)
    agency.full_clean()
    agency.save(update_fields=list(changes))
    audit.record(action="agency.updated", actor=by, agency=agency, target=agency,
                 data={"fields": sorted(changes)})
    return agency
