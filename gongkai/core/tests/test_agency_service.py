from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongkai.core.enums import StaffRole
from gongkai.core.models import AuditLogEntry
from gongkai.core.services import update_agency_details
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


def test_an_agency_admin_changes_the_office_details_with_an_audit_entry(anshan):
    admin = make_user("svc_admin", agency=anshan, role=StaffRole.ADMIN)
    update_agency_details(agency=anshan, changes={"office_phone": "0412-5550000"}, by=admin)
    anshan.refresh_from_db()
    assert anshan.office_phone == "0412-5550000"
    entry = AuditLogEntry.objects.filter(action="agency.updated").latest("seq")
    assert entry.actor == admin and entry.data == {"fields": ["office_phone"]}


def test_an_agency_admin_cannot_change_the_code(anshan):
    admin = make_user("svc_admin2", agency=anshan, role=StaffRole.ADMIN)
    with pytest.raises(PermissionDenied):
        update_agency_details(agency=anshan, changes={"code": "91350100M000100Y43"}, by=admin)


def test_another_agencys_admin_cannot_change_anything(anshan, haicheng):
    other = make_user("svc_other", agency=haicheng, role=StaffRole.ADMIN)
    with pytest.raises(PermissionDenied):
        update_agency_details(agency=anshan, changes={"office_phone": "0412-1"}, by=other)


def test_bad_values_are_refused(anshan):
    admin = make_user("svc_super", superuser=True)
    with pytest.raises(ValidationError):
        update_agency_details(agency=anshan, changes={"office_phone": "电话号码"}, by=admin)
