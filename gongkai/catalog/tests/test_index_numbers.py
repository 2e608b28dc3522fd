from __future__ import annotations

import pytest

from gongkai.catalog.models import IndexNumber
from gongkai.catalog.services import format_index_number, issue_index_number
from gongkai.testing import column, make_item

pytestmark = pytest.mark.django_db


def test_it_formats_index_numbers_as_prefix_year_serial():
    assert format_index_number("11210300MB1234567X", 2024, 7) == "11210300MB1234567X/2024-00007"


def test_it_issues_an_index_number_on_first_publication(anshan):
    item = make_item(column(anshan))
    year = item.first_published_at.astimezone().year
    assert item.index_number == f"{anshan.code}/{year}-00001"


def test_it_numbers_items_per_agency_in_sequence(anshan, haicheng):
    first = make_item(column(anshan))
    second = make_item(column(anshan))
    other = make_item(column(haicheng))
    assert first.index_number.endswith("-00001")
    assert second.index_number.endswith("-00002")
    assert other.index_number.endswith("-00001")
    assert other.index_number.startswith(haicheng.code)


def test_it_never_changes_the_number_when_republished(anshan):
    item = make_item(column(anshan))
    number = item.index_number
    item.title = "修改后的标题"
    item.save_revision().publish()
    item.refresh_from_db()
    assert item.index_number == number
    assert issue_index_number(page=item).value == number
    assert IndexNumber.objects.count() == 1


def test_it_never_reuses_the_number_of_a_deleted_item(anshan):
    doomed = make_item(column(anshan))
    number = doomed.index_number
    doomed.delete()
    assert IndexNumber.objects.filter(value=number, page__isnull=True).exists()
    successor = make_item(column(anshan))
    assert successor.index_number != number
    assert successor.index_number.endswith("-00002")


def test_it_gives_drafts_no_number(anshan):
    draft = make_item(column(anshan), publish=False)
    assert draft.index_number == ""
