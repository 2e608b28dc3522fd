"""A public page's number of queries must not grow with the number of items it lists.

Each page is rendered with a few items and with many more; the query count must be the
same (an N+1 query — one more query per listed item — fails here before it slows the site).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongkai.testing import column, make_item

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    cache.clear()  # the same cold start for both renders
    client.get(url)  # warm what is process-wide (site root, content types)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _add_items(agency: Any, n: int, start: int) -> None:
    for i in range(start, start + n):
        make_item(column(agency), title=f"关于统计工作的通知第{i}号",
                  doc_number=f"鞍统发〔2024〕{i}号")


PAGES: dict[str, Callable[[Any], str]] = {
    "column": lambda agency: column(agency).url,
    "catalog": lambda agency: f"/{agency.slug}/zwgk/xxgkml/",
    "platform catalog": lambda agency: "/xxgkml/",
    "agency home": lambda agency: f"/{agency.slug}/",
    "rss feed": lambda agency: f"/feeds/{agency.slug}/rss.xml",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_public_page_queries_do_not_grow_with_the_items_shown(name: str, client: Client,
                                                              anshan: Any) -> None:
    url = PAGES[name](anshan)
    _add_items(anshan, 2, 1)
    few = _queries(client, url)
    _add_items(anshan, 12, 100)
    many = _queries(client, url)
    assert many == few, f"{name}: {few} queries with 2 items, {many} with 14"
