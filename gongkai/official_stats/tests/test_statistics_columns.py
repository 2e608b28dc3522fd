"""The 统计公报 / 统计年鉴 columns under 统计数据, and the section's links to the channels."""

from __future__ import annotations

from django.test import Client

from gongkai.catalog.models import ColumnPage
from gongkai.core.models import Agency, AuditLogEntry
from gongkai.official_stats.columns import ensure_statistics_columns, statistics_column
from gongkai.testing import CommandRunner

cmd = CommandRunner("statistics")


def child_titles(agency: Agency) -> list[str]:
    section = statistics_column(agency)
    assert section is not None
    return [c.title for c in ColumnPage.objects.child_of(section).order_by("path")]


def drop_children(agency: Agency) -> None:
    section = statistics_column(agency)
    assert section is not None
    for column in ColumnPage.objects.child_of(section):
        column.delete()


def test_a_new_agency_gets_the_bulletin_and_yearbook_columns(anshan: Agency) -> None:
    assert child_titles(anshan) == ["统计公报", "统计年鉴"]


def test_an_older_agency_gets_the_missing_columns_once(anshan: Agency) -> None:
    drop_children(anshan)
    created = ensure_statistics_columns(anshan)
    assert [c.slug for c in created] == ["tjgb", "tjnj"]
    assert all(c.live for c in created)
    assert child_titles(anshan) == ["统计公报", "统计年鉴"]
    assert AuditLogEntry.objects.filter(action="statistics.columns_added").count() == 1
    assert ensure_statistics_columns(anshan) == []
    assert child_titles(anshan) == ["统计公报", "统计年鉴"]


def test_a_renamed_column_is_kept_as_the_editor_left_it(anshan: Agency) -> None:
    section = statistics_column(anshan)
    assert section is not None
    ColumnPage.objects.child_of(section).filter(slug="tjnj").update(title="统计年鉴（电子版）")
    assert ensure_statistics_columns(anshan) == []
    assert child_titles(anshan) == ["统计公报", "统计年鉴（电子版）"]


def test_the_console_adds_the_columns_to_every_agency(anshan: Agency, haicheng: Agency) -> None:
    drop_children(anshan)
    drop_children(haicheng)
    out, _err = cmd.run("columns")
    assert "新建栏目 4 个" in out
    assert child_titles(haicheng) == ["统计公报", "统计年鉴"]
    out, _err = cmd.run("columns")
    assert "新建栏目 0 个" in out


def test_the_statistics_section_leads_to_the_calendar_data_and_columns(
        client: Client, anshan: Agency) -> None:
    section = statistics_column(anshan)
    assert section is not None
    html = client.get(section.url).content.decode()
    assert 'href="/sjfb/rc/"' in html
    assert 'href="/sjfb/data/"' in html
    assert f'href="{section.url}tjgb/"' in html
    assert f'href="{section.url}tjnj/"' in html


def test_other_columns_do_not_show_the_statistics_links(client: Client, anshan: Agency) -> None:
    assert anshan.home_page is not None
    other = ColumnPage.objects.descendant_of(anshan.home_page).get(slug="tjgb")
    assert 'href="/sjfb/rc/"' not in client.get(other.url).content.decode()


def test_the_demo_moves_an_older_loads_bulletins_into_the_bulletin_column(anshan: Agency) -> None:
    from gongkai.catalog.enums import Genre
    from gongkai.catalog.models import DisclosureItemPage
    from gongkai.demo.official_stats import ensure_statistics_columns as ensure_demo_columns
    from gongkai.testing import make_item

    drop_children(anshan)
    section = statistics_column(anshan)
    assert section is not None
    bulletin = make_item(section, genre=Genre.STATISTICAL_BULLETIN)
    other = make_item(section, genre=Genre.NOTICE)
    assert ensure_demo_columns({"anshan": anshan}, None) == 2
    assert ensure_demo_columns({"anshan": anshan}, None) == 0
    moved = DisclosureItemPage.objects.get(pk=bulletin.pk)
    assert moved.get_parent().slug == "tjgb" and "/tjsj/tjgb/" in moved.url
    assert DisclosureItemPage.objects.get(pk=other.pk).get_parent().pk == section.pk
