"""The 机构管理 admin screens: each agency's 单位管理员 sees and edits only their own agency."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from gongkai.core.enums import StaffRole
from gongkai.core.forms import FOOTER_FIELDS, IDENTITY_FIELDS, OFFICE_FIELDS
from gongkai.core.models import Agency, AuditLogEntry
from gongkai.core.viewsets import administered_agencies, agency_policy
from gongkai.site.models import AgencyHomePage
from gongkai.testing import make_user, refused, valid_uscc

pytestmark = pytest.mark.django_db



def office_data(agency: Agency, **overrides: str) -> dict[str, str]:
    data = model_to_dict(agency, fields=[*OFFICE_FIELDS, *FOOTER_FIELDS])
    data = {key: "" if value is None else str(value) for key, value in data.items()}
    data.update(overrides)
    return data


def full_data(agency: Agency, **overrides: str) -> dict[str, str]:
    data = model_to_dict(agency, fields=[*IDENTITY_FIELDS, *OFFICE_FIELDS, *FOOTER_FIELDS])
    data = {key: "" if value is None else str(value) for key, value in data.items()
            if not (key == "is_demo" and not value)}
    data.update(overrides)
    return data


@pytest.fixture
def haicheng_admin(haicheng):
    return make_user("hc-admin", agency=haicheng, role=StaffRole.ADMIN)


@pytest.fixture
def superuser():
    return make_user("platform", superuser=True)


def test_it_lists_only_the_agency_of_an_agency_admin(client, anshan, haicheng, haicheng_admin):
    client.force_login(haicheng_admin)
    response = client.get(reverse("agencies:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "海城市统计局" in content
    assert "鞍山市统计局" not in content
    assert list(administered_agencies(haicheng_admin)) == [haicheng]


def test_it_lists_every_agency_for_a_platform_admin(client, anshan, haicheng, superuser):
    client.force_login(superuser)
    content = client.get(reverse("agencies:index")).content.decode()
    assert "海城市统计局" in content and "鞍山市统计局" in content


def test_it_refuses_another_agencys_edit_page(client, anshan, haicheng, haicheng_admin):
    client.force_login(haicheng_admin)
    url = reverse("agencies:edit", args=[anshan.pk])
    assert refused(client.get(url))
    assert refused(client.post(url, office_data(anshan, office_phone="0412-9999999")))
    anshan.refresh_from_db()
    assert anshan.office_phone == "0412-2220000"
    for name in ("history", "usage"):
        assert refused(client.get(reverse(f"agencies:{name}", args=[anshan.pk])))


def test_it_lets_an_agency_admin_edit_the_office_but_not_the_identity(
    client, haicheng, haicheng_admin
):
    client.force_login(haicheng_admin)
    url = reverse("agencies:edit", args=[haicheng.pk])
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="office_phone"' in content and 'name="icp_number"' in content
    assert 'name="code"' not in content and 'name="name"' not in content

    old_code = haicheng.code
    response = client.post(url, office_data(
        haicheng, office_phone="0412-3330000", supervision_phone="0412-3330001",
        icp_number="辽ICP备12345678号", code=valid_uscc("11210381MB0000000"), name="改名"))
    assert response.status_code == 302
    haicheng.refresh_from_db()
    assert haicheng.office_phone == "0412-3330000"
    assert haicheng.supervision_phone == "0412-3330001"
    assert haicheng.icp_number == "辽ICP备12345678号"
    assert haicheng.code == old_code and haicheng.name == "海城市统计局"
    entry = AuditLogEntry.objects.get(action="agency.updated")
    assert entry.agency_id == haicheng.pk and entry.actor_label == "hc-admin"
    assert set(entry.data["fields"]) == {"office_phone", "supervision_phone", "icp_number"}


def test_it_shows_validation_errors_in_chinese(client, haicheng, haicheng_admin):
    client.force_login(haicheng_admin)
    response = client.post(reverse("agencies:edit", args=[haicheng.pk]),
                           office_data(haicheng, office_phone="call me"))
    assert response.status_code == 200
    assert "电话号码只能包含数字" in response.content.decode()


@pytest.mark.parametrize("role", [StaffRole.EDITOR, StaffRole.REVIEWER, StaffRole.APPROVER])
def test_it_gives_other_staff_nothing(client, haicheng, role):
    client.force_login(make_user("staff", agency=haicheng, role=role))
    assert refused(client.get(reverse("agencies:index")))
    assert refused(client.get(reverse("agencies:edit", args=[haicheng.pk])))
    assert not agency_policy.user_has_permission_for_instance(
        make_user("other", agency=haicheng, role=role), "change", haicheng)


def test_it_refuses_agency_creation_to_agency_admins(client, haicheng, haicheng_admin):
    client.force_login(haicheng_admin)
    assert refused(client.get(reverse("agencies:add")))


def test_it_lets_a_platform_admin_create_an_agency_with_its_section(client, platform, superuser):
    client.force_login(superuser)
    data = {
        "name": "台安县统计局", "short_name": "台安县局", "slug": "taian",
        "code": valid_uscc("11210321MB1234567"), "level": "county", "parent": "",
        "sort_order": "3", "office_name": "办公室", "office_address": "台安县台安镇1号",
        "office_hours": "周一至周五 8:30—11:30，13:30—17:00", "office_phone": "0412-4820000",
    }
    response = client.post(reverse("agencies:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agency = Agency.objects.get(slug="taian")
    assert agency.home_page is not None
    assert isinstance(agency.home_page.specific, AgencyHomePage)
    assert agency.home_page.get_parent().pk == platform.pk
    assert AuditLogEntry.objects.filter(action="agency.created", agency=agency).exists()


def test_it_rejects_a_bad_credit_code(client, platform, superuser):
    client.force_login(superuser)
    data = {"name": "错号局", "short_name": "错号", "slug": "cuohao", "code": "91350100M000100Y44",
            "level": "city", "sort_order": "0", "office_name": "办公室",
            "office_address": "地址", "office_hours": "8:30", "office_phone": "0412-1"}
    response = client.post(reverse("agencies:add"), data)
    assert response.status_code == 200
    assert "统一社会信用代码校验未通过" in response.content.decode()
    assert not Agency.objects.filter(slug="cuohao").exists()


def test_it_lets_a_platform_admin_edit_the_identity_but_not_the_slug(
    client, anshan, superuser
):
    client.force_login(superuser)
    response = client.post(reverse("agencies:edit", args=[anshan.pk]),
                           full_data(anshan, short_name="鞍山统计", slug="changed"))
    assert response.status_code == 302
    anshan.refresh_from_db()
    assert anshan.short_name == "鞍山统计"
    assert anshan.slug == "anshan"


def test_it_never_deletes_an_agency(client, anshan, superuser):
    client.force_login(superuser)
    assert refused(client.post(reverse("agencies:delete", args=[anshan.pk])))
    assert Agency.objects.filter(pk=anshan.pk).exists()
