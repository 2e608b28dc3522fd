"""Factories and helpers for the test suites of every app (no database dumps)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from wagtail.models import Page, Site

from gongkai.catalog.blocks import text_block
from gongkai.catalog.models import ColumnPage, DisclosureItemPage, ThemeCategory
from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency, AgencyMembership
from gongkai.core.services import ensure_agency_groups
from gongkai.core.validators import uscc_check_char
from gongkai.site.models import PlatformHomePage

_serial = itertools.count(1)


def valid_uscc(first17: str) -> str:
    """A 统一社会信用代码 with the right check character for the given 17 characters."""
    return first17 + uscc_check_char(first17)


def make_platform() -> PlatformHomePage:
    """The platform home page as the root of the default site (created once)."""
    home = PlatformHomePage.objects.first()
    if home is None:
        # Every transactional test reloads the migrated state (serialized_rollback, set for
        # all of them in gongkai/conftest.py), so the page tree's root is always there.
        root = Page.get_first_root_node()
        home = PlatformHomePage(title="测试平台", slug="platform")
        root.add_child(instance=home)
        home.save_revision().publish()
    # Always re-assert the site: a serialized rollback may have restored Wagtail's default.
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or site.root_page_id != home.pk:
        Site.objects.update_or_create(is_default_site=True, defaults={
            "hostname": "testserver", "port": 80, "root_page": home, "site_name": "测试平台"})
        Site.objects.exclude(root_page=home).delete()
    return home


def make_agency(slug: str = "", name: str = "", **fields: Any) -> Agency:
    from gongkai.site.services import create_agency

    n = next(_serial)
    slug = slug or f"agency{n}"
    defaults: dict[str, Any] = {
        "name": name or f"测试统计局{n}",
        "short_name": fields.pop("short_name", None) or f"测试局{n}",
        "slug": slug,
        "code": valid_uscc(f"1121030000{n:07d}"),
        "office_name": "办公室",
        "office_address": "辽宁省鞍山市测试路1号",
        "office_hours": "周一至周五 8:30—11:30，13:30—17:00",
        "office_phone": "0412-2220000",
    }
    defaults.update(fields)
    return create_agency(parent_page=make_platform(), by=None, **defaults)


def column(agency: Agency, slug: str = "zcwj") -> ColumnPage:
    assert agency.home_page is not None
    return ColumnPage.objects.descendant_of(agency.home_page).get(slug=slug)


def theme() -> ThemeCategory:
    return ThemeCategory.objects.get(code="0201")  # 国民经济管理、国有资产监管\统计


def make_item(parent: ColumnPage, *, publish: bool = True, **fields: Any) -> DisclosureItemPage:
    n = next(_serial)
    defaults: dict[str, Any] = {
        "title": f"测试公开信息{n}",
        "formed_on": dt.date(2024, 3, 1),
        "theme": theme(),
        "summary": "测试内容概述",
        "body": [text_block("<p>正文</p>")],
    }
    defaults.update(fields)
    # A page added to the tree is live unless told otherwise; a draft must not be.
    item = DisclosureItemPage(live=publish, **defaults)
    parent.add_child(instance=item)
    revision = item.save_revision()
    if publish:
        revision.publish()
        item.refresh_from_db()
    return item


def make_user(username: str, *, agency: Agency | None = None, role: StaffRole | None = None,
              superuser: bool = False, password: str = "test-pass-123") -> AbstractUser:
    User = get_user_model()
    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.com", password)
    else:
        user = User.objects.create_user(username, f"{username}@example.com", password)
    if agency is not None and role is not None:
        AgencyMembership.objects.create(user=user, agency=agency, role=role)
        user.groups.add(ensure_agency_groups(agency)[role])
    return user  # type: ignore[return-value]


def require_service(name: str, reachable: bool, detail: str) -> None:
    """Skip a test whose service is missing — but fail it in CI, where it must be there."""
    import os

    import pytest

    if reachable:
        return
    message = f"{name} is not reachable ({detail})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}: CI=true requires it")
    pytest.skip(message)


def refused(response: Any) -> bool:
    """Whether the admin refused a request: Wagtail turns PermissionDenied into a redirect to
    the dashboard (or the login page) rather than a 403."""
    from django.urls import reverse

    if response.status_code == 403:
        return True
    return bool(response.status_code == 302 and (
        response["Location"] == reverse("wagtailadmin_home")
        or response["Location"].startswith(reverse("wagtailadmin_login"))
    ))


class CommandRunner:
    """Runs one management command as the tests of a console command need it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def run(self, *args: str, **options: Any) -> tuple[str, str]:
        """(stdout, stderr) of a successful run."""
        from io import StringIO

        from django.core.management import call_command

        out, err = StringIO(), StringIO()
        call_command(self.name, *args, stdout=out, stderr=err, **options)
        return out.getvalue(), err.getvalue()

    def run_json(self, *args: str) -> dict[str, Any]:
        import json

        out, _err = self.run(*args, "--json")
        answer: dict[str, Any] = json.loads(out)
        return answer

    def fails(self, *args: str) -> str:
        """The message of a run refused with exit status 2 (bad input)."""
        import pytest
        from django.core.management.base import CommandError

        with pytest.raises(CommandError) as caught:
            self.run(*args)
        assert caught.value.returncode == 2
        return str(caught.value)
