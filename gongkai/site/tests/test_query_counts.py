"""A page's number of queries must not grow with the number of items it lists.

Each list page is rendered with a few items and with three times as many (or more); the
query count must be the same (an N+1 query — one more query per listed item — fails here
before it slows the site). Public pages first, then the staff lists that grow longest
(the Wagtail explorer of a column, the dashboard, the 依申请公开 and 互动交流 queues).

Both renders start from an empty cache, so what the pages cache (core/page_cache.py) is
rebuilt each time and counted too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongkai.core.enums import StaffRole
from gongkai.testing import column, make_item, make_user, valid_uscc

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    cache.clear()  # the same cold start for both renders
    client.get(url)  # warm what is process-wide (site root, content types)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


# --- builders: n more of each kind of listed thing, numbered from start ---------------------


def _add_items(agency: Any, n: int, start: int) -> None:
    for i in range(start, start + n):
        make_item(
            column(agency), title=f"关于统计工作的通知第{i}号", doc_number=f"鞍统发〔2024〕{i}号"
        )


def _staff(agency: Any, role: StaffRole = StaffRole.APPROVER) -> Any:
    from django.contrib.auth import get_user_model

    name = f"qc-{agency.slug}-{role.value}"
    found = get_user_model().objects.filter(username=name).first()
    return found or make_user(name, agency=agency, role=role)


def _add_messages(agency: Any, n: int, start: int) -> None:
    """互动交流 letters, answered and published (the public list shows those)."""
    from gongkai.consultations.tests.helpers import NOW, replied

    drafter = _staff(agency, StaffRole.EDITOR)
    reviewer = _staff(agency, StaffRole.APPROVER)
    with time_machine.travel(NOW, tick=False):
        for i in range(start, start + n):
            replied(agency, drafter, reviewer, key=f"qc{i}", title=f"统计咨询第{i}号")


def _add_open_messages(agency: Any, n: int, start: int) -> None:
    from gongkai.consultations.tests.helpers import NOW, submit

    with time_machine.travel(NOW, tick=False):
        for i in range(start, start + n):
            submit(agency, key=f"qo{i}", title=f"待办咨询第{i}号")


def _add_releases(agency: Any, n: int, start: int) -> None:
    """Releases on the 发布日程 (scheduled ahead, one a day)."""
    from gongkai.official_stats import services

    first = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=2)
    for i in range(start, start + n):
        services.create_release(
            None, agency, title=f"主要统计数据第{i}期", scheduled_at=first + dt.timedelta(days=i)
        )


def _add_penalties(agency: Any, n: int, start: int) -> None:
    """Published 行政处罚 decisions."""
    from gongkai.enforcement import services
    from gongkai.enforcement.enums import PartyKind

    approver = _staff(agency)
    for i in range(start, start + n):
        decision = services.record_penalty(
            agency=agency,
            by=approver,
            data=services.PenaltyData(
                case_number=f"鞍统罚〔2026〕{i}号",
                party_kind=PartyKind.ORGANISATION,
                party_name=f"鞍山示例有限公司{i}",
                party_code=valid_uscc(f"91210300MA{i:07d}"),
                facts="该公司2025年统计年报虚报营业收入。",
                legal_basis="《中华人民共和国统计法》第四十一条",
                penalty="罚款20000元。",
                decided_on=timezone.localdate() - dt.timedelta(days=1),
                fine_amount=Decimal("20000"),
            ),
        )
        services.publish_penalty(decision, by=approver)


def _add_applications(agency: Any, n: int, start: int) -> None:
    """依申请公开 applications registered at the counter (the workbench queue lists them)."""
    from gongkai.info_requests import services
    from gongkai.info_requests.enums import Channel
    from gongkai.info_requests.tests.helpers import person

    staff = _staff(agency, StaffRole.EDITOR)
    for i in range(start, start + n):
        services.register_offline_application(
            person(description=f"申请公开2024年统计公报第{i}项"),
            agency=agency,
            channel=Channel.IN_PERSON,
            submitted_on=timezone.localdate(),
            by=staff,
        )


@dataclass(frozen=True)
class ListPage:
    url: Callable[[Any], str]
    add: Callable[[Any, int, int], None] = _add_items
    staff: bool = False  # rendered for a logged-in approver of the agency


PAGES: dict[str, ListPage] = {
    # The catalog's own pages.
    "column": ListPage(lambda agency: column(agency).url),
    "catalog": ListPage(lambda agency: f"/{agency.slug}/zwgk/xxgkml/"),
    "catalog filtered": ListPage(lambda agency: f"/{agency.slug}/zwgk/xxgkml/?year=2026&genre="),
    "platform catalog": ListPage(lambda agency: "/xxgkml/"),
    "platform home": ListPage(lambda agency: "/"),
    "agency home": ListPage(lambda agency: f"/{agency.slug}/"),
    "政务公开 index": ListPage(lambda agency: f"/{agency.slug}/zwgk/"),
    "rss feed": ListPage(lambda agency: f"/feeds/{agency.slug}/rss.xml"),
    "column atom feed": ListPage(lambda agency: f"/feeds/column/{column(agency).pk}/atom.xml"),
    "sitemap": ListPage(lambda agency: "/sitemap.xml"),
    "site search": ListPage(lambda agency: "/search/?q=统计工作"),
    # The other apps' public lists.
    "互动交流 list": ListPage(lambda agency: f"/hdjl/{agency.slug}/", _add_messages),
    "release calendar": ListPage(lambda agency: "/sjfb/rc/", _add_releases),
    "行政处罚 list": ListPage(lambda agency: f"/zfgk/{agency.slug}/xzcf/", _add_penalties),
    # Staff lists.
    "staff: explorer of a column": ListPage(
        lambda agency: reverse("wagtailadmin_explore", args=[column(agency).pk]), staff=True
    ),
    "staff: dashboard": ListPage(lambda agency: reverse("wagtailadmin_home"), staff=True),
    "staff: 依申请公开 queue": ListPage(
        lambda agency: reverse("info_requests_admin:queue"), _add_applications, staff=True
    ),
    "staff: 互动交流 queue": ListPage(
        lambda agency: reverse("consultations_admin:queue"), _add_open_messages, staff=True
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_queries_do_not_grow_with_the_items_shown(
    name: str, client: Client, anshan: Any
) -> None:
    page = PAGES[name]
    if page.staff:
        client.force_login(_staff(anshan))
    page.add(anshan, 2, 1)
    url = page.url(anshan)
    few = _queries(client, url)
    page.add(anshan, 4, 100)  # three times as many
    many = _queries(client, url)
    assert many == few, f"{name}: {few} queries with 2 items, {many} with 6"
