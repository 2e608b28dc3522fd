from __future__ import annotations

import io
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from gongkai.catalog.enums import Genre, Validity
from gongkai.catalog.models import (
    DisclosureItemPage,
    IndexNumber,
    IndexNumberCounter,
    InterpretationPage,
)
from gongkai.core.enums import AgencyLevel, StaffRole
from gongkai.core.models import Agency, AgencyMembership
from gongkai.core.selectors import load_calendar
from gongkai.core.services import agency_collection
from gongkai.core.workdays import add_working_days, working_days_between
from gongkai.demo import figures
from gongkai.demo.city import RESTORED_NOTE, SEED_REPORT
from gongkai.demo.statistics import CENSUS_DOCUMENT, CITY_PORTAL_DOCUMENT
from gongkai.site.models import PlatformHomePage

pytestmark = pytest.mark.django_db

COUNTY_SLUGS = {"haicheng", "taian", "xiuyan", "tiedong", "tiexi", "lishan", "qianshan"}
# The only sources an item may have without being marked 示例.
REAL_SOURCES = {CENSUS_DOCUMENT, CITY_PORTAL_DOCUMENT, "鞍山市统计局（历史原文）"}


@dataclass(frozen=True)
class LoadedDemo:
    output: str
    var_dir: Path



def body_html(item) -> str:
    """The item's body as rendered HTML (text and tables)."""
    return "".join(str(block.render()) for block in item.body)


def table_rows(item) -> list[list[str]]:
    return [row for block in item.body if block.block_type == "table"
            for row in block.value["data"]]

def _start_from_an_empty_site() -> None:
    """Remove the platform and agencies the session shares (gongkai/conftest.py).

    load_demo keeps whatever it finds, so on top of them it would only add content; the
    demo is tested as on a new installation. The module's transaction restores them.
    """
    IndexNumber.objects.all().delete()
    IndexNumberCounter.objects.all().delete()
    for platform in PlatformHomePage.objects.all():
        platform.delete()
    Agency.objects.update(parent=None)
    Agency.objects.all().delete()
    Site.objects.all().delete()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo once for the module, inside a transaction rolled back at the end."""
    var_dir = tmp_path_factory.mktemp("demo-var")
    with (django_db_blocker.unblock(),
          override_settings(VAR_DIR=var_dir, MEDIA_ROOT=var_dir / "media"),
          transaction.atomic()):
        _start_from_an_empty_site()
        out = io.StringIO()
        call_command("load_demo", verbosity=0, stdout=out)
        yield LoadedDemo(output=out.getvalue(), var_dir=var_dir)
        transaction.set_rollback(True)


@pytest.fixture
def static_without_manifest(settings):
    # Templates use {% static %}; the tests have no collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _item(slug: str, agency: str = "anshan") -> DisclosureItemPage:
    home = Agency.objects.get(slug=agency).home_page
    return DisclosureItemPage.objects.descendant_of(home).get(slug=slug)


def _counts() -> dict[str, int]:
    return {
        "agencies": Agency.objects.count(),
        "pages": Page.objects.count(),
        "items": DisclosureItemPage.objects.count(),
        "index_numbers": IndexNumber.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": AgencyMembership.objects.count(),
        "documents": get_document_model().objects.count(),
        "sites": Site.objects.count(),
    }


def test_it_loads_the_city_bureau_and_its_seven_county_bureaus(demo):
    city = Agency.objects.get(slug="anshan")
    assert city.name == "鞍山市统计局"
    assert city.level == AgencyLevel.CITY
    assert city.parent is None
    counties = Agency.objects.filter(parent=city)
    assert set(counties.values_list("slug", flat=True)) == COUNTY_SLUGS
    assert {a.level for a in counties} == {AgencyLevel.COUNTY}
    assert all(a.is_demo and a.office_hours and a.office_fax and a.supervision_phone
               for a in Agency.objects.all())
    platform = PlatformHomePage.objects.get()
    assert platform.live and platform.primary_agency == city
    site = Site.objects.get()
    assert (site.hostname, site.port, site.is_default_site) == ("127.0.0.1", 8000, True)
    assert site.root_page.specific == platform
    assert not Page.objects.filter(depth=2).exclude(pk=platform.pk).exists()


def test_every_agency_has_content_and_the_total_is_in_range(demo):
    for agency in Agency.objects.all():
        published = DisclosureItemPage.objects.live().descendant_of(agency.home_page)
        assert published.count() >= 3, agency.slug
    # The catalog content proper: the generated annual report the demo publishes is extra.
    from gongkai.annual_reports.models import AnnualReport

    generated = AnnualReport.objects.filter(page__isnull=False).values("page_id")
    assert 40 <= DisclosureItemPage.objects.live().exclude(pk__in=generated).count() <= 62
    assert "新建 8" in demo.output


def test_it_is_idempotent(demo):
    User = get_user_model()
    before = _counts()
    password_hash = User.objects.get(username="admin").password
    password_file = demo.var_dir / "demo-admin-password.txt"
    saved = password_file.read_text(encoding="utf-8")

    out = io.StringIO()
    call_command("load_demo", verbosity=0, stdout=out)

    assert _counts() == before
    assert User.objects.get(username="admin").password == password_hash
    assert password_file.read_text(encoding="utf-8") == saved
    assert "http://127.0.0.1:8000/admin/" in out.getvalue()
    assert str(password_file) in out.getvalue()
    assert "新建 0，保留 8" in out.getvalue()


def test_it_prints_and_saves_the_admin_password_on_the_first_run(demo):
    password_file = demo.var_dir / "demo-admin-password.txt"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    logins = dict(line.split("\t")[:2] for line in password_file.read_text().splitlines()
                  if not line.startswith("#"))
    assert set(logins) == {"admin", "anshan_editor", "anshan_reviewer", "anshan_approver",
                           "haicheng_editor"}
    assert f"密码：{logins['admin']}" in demo.output
    assert "http://127.0.0.1:8000/admin/" in demo.output
    User = get_user_model()
    for username, password in logins.items():
        assert User.objects.get(username=username).check_password(password)
    assert User.objects.get(username="admin").is_superuser
    reviewer = AgencyMembership.objects.get(user__username="anshan_reviewer")
    assert (reviewer.agency.slug, reviewer.role) == ("anshan", StaffRole.REVIEWER)


def test_every_invented_item_is_marked_demo(demo):
    for item in DisclosureItemPage.objects.all():
        if item.is_demo:
            assert item.demo_note, item.title
            continue
        # Not marked 示例: it must be real and say where it comes from.
        assert item.source in REAL_SOURCES, item.title
        assert "数据来源" in body_html(item) or "历史原文" in body_html(item), item.title
    for item in [i for i in DisclosureItemPage.objects.all() if "数据等级" in body_html(i)]:
        official_only = not any(f"{g}级" in body_html(item) for g in ("B", "C", "D"))
        assert item.is_demo != official_only, item.title


def test_real_statistics_cite_their_official_source_and_keep_published_values(demo):
    census = _item("qipu-gongbao-2")
    assert not census.is_demo
    assert census.genre == Genre.STATISTICAL_BULLETIN and census.article20_item == "20-4"
    assert figures.CENSUS_BULLETIN_URL in body_html(census)
    # Published shares are shown as published, never recomputed (300764/3325372 = 9.04 %).
    assert ["台安县", "300764", "9.05"] in table_rows(census)
    haicheng = _item("2020-tongjigongbao", "haicheng")
    assert haicheng.is_demo and figures.HAICHENG_2020_MIRROR_URL in body_html(haicheng)
    assert "547.9" in body_html(haicheng) and "与上年持平" in body_html(haicheng)


def test_figures_all_have_a_grade():
    assert len(figures.all_figures()) == 118
    assert {f.grade for f in figures.all_figures()} == {"A", "B", "B/D", "C", "D"}


def test_it_publishes_the_seed_report_restored_and_keeps_the_original(demo):
    report = _item("2022-515-zhengwu-gongkai-ri")
    assert report.live and not report.is_demo
    assert report.get_parent().slug == "ztzl"
    assert report.genre == Genre.REPORT and report.article20_item == "none"
    assert str(report.formed_on) == "2022-05-20"
    source = report.body[0].value.source
    assert source.startswith(f"<p><strong>{RESTORED_NOTE}</strong></p>")
    assert "待修复" not in source and "(wù)" not in source and "政務" not in source
    assert "<p>2022年我局按照市委、市政府政务公开有关要求，不断拓展公开内容，" in source
    assert "面向各县（市）区" in source
    assert report.original_text == SEED_REPORT.read_text(encoding="utf-8")
    assert report.restoration_report["annotations_stripped"] == 207
    assert report.restoration_report["traditional_left"] == 0
    assert report.legacy_key


def test_the_demo_is_searchable_as_soon_as_it_is_loaded(demo):
    from gongkai.core.search.service import search

    report = _item("2022-515-zhengwu-gongkai-ri")
    assert "站内搜索索引：" in demo.output
    for query in ["我局按照市委", "政務公開 集中宣传"]:  # restored text, 繁体 query
        assert report.url in {hit.url for hit in search(query, page_size=100).hits}, query
    # The damaged original is kept for staff only; it is not what the index holds.
    from gongkai.core.models import SearchDocument

    indexed = SearchDocument.objects.get(source="page", object_id=report.pk)
    assert "(wù)" not in indexed.body and "政務" not in indexed.body


def test_a_rerun_replaces_a_seed_report_published_damaged_by_an_older_demo(demo):
    from gongkai.catalog.blocks import text_block

    old = _item("2022-515-zhengwu-gongkai-ri")
    old.body = [text_block("<p>政務(wù)公開</p>")]
    old.legacy_key = ""
    old.save_revision().publish()
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    upgraded = _item("2022-515-zhengwu-gongkai-ri")
    assert upgraded.legacy_key and "(wù)" not in upgraded.body[0].value.source
    revisions = upgraded.revisions.count()
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    assert _item("2022-515-zhengwu-gongkai-ri").revisions.count() == revisions


def test_index_numbers_carry_the_year_of_publication(demo):
    city = Agency.objects.get(slug="anshan")
    assert _item("xxgk-gongzuo-zhidu-2019").index_number == f"{city.code}/2019-00001"
    assert _item("qipu-gongbao-2").index_number.startswith(f"{city.code}/2021-")
    # Published in chronological order, so serials rise with the (back-dated) issue times.
    issued = list(IndexNumber.objects.filter(agency=city, year=2021)
                  .order_by("serial").values_list("issued_at", flat=True))
    assert len(issued) > 3 and issued == sorted(issued)


def test_it_has_examples_for_validity_changes_and_timeliness(demo):
    assert _item("xxgk-gongzuo-zhidu-2019").validity == Validity.REPEALED
    expired = _item("2021-shuangsuiji-xize")
    assert expired.validity == Validity.EXPIRED and expired.validity_changed_on
    assert _item("zhuyao-zhize").changed_on is not None
    calendar = load_calendar()
    late = _item("2024-shuangsuiji-jihua")
    deadline = add_working_days(calendar, late.formed_on, 20).value
    assert timezone.localtime(late.first_published_at).date() > deadline
    draft = _item("tongji-fazhi-xuanchuan")
    assert not draft.live and draft.first_published_at is None and draft.index_number == ""
    assert working_days_between(calendar, draft.formed_on, timezone.localdate()).value == 15


def test_policy_documents_have_interpretations(demo):
    documents = DisclosureItemPage.objects.descendant_of(
        Agency.objects.get(slug="anshan").home_page).filter(article20_item="20-1")
    assert documents.count() >= 3
    for document in documents:
        assert document.doc_number.startswith("鞍统发〔")
        assert InterpretationPage.objects.filter(
            interpreted_documents__document=document).exists(), document.title


def test_attachments_are_real_files_in_the_agency_collection(demo):
    city = Agency.objects.get(slug="anshan")
    documents = get_document_model().objects.filter(collection=agency_collection(city))
    pdf = documents.filter(file__endswith=".pdf").first()  # several items have a PDF
    assert pdf is not None
    with pdf.open_file() as handle:
        assert handle.read(8) == b"%PDF-1.4"
    xlsx = documents.get(file__endswith="anshan-qipu-xianqu-changzhurenkou.xlsx")
    with xlsx.open_file() as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    assert ["全市", 3325372, "—"] in [list(row) for row in sheet.iter_rows(values_only=True)]
    assert _item("qipu-gongbao-2").attachments.count() == 1


def test_public_pages_render(demo, client, static_without_manifest):
    assert client.get("/").status_code == 200
    census = _item("qipu-gongbao-2")
    response = client.get(census.url)
    assert response.status_code == 200
    assert "索引号" in response.text and census.index_number in response.text
    for catalog in ("/anshan/zwgk/xxgkml/", "/haicheng/zwgk/xxgkml/"):
        response = client.get(catalog)
        assert response.status_code == 200
        assert "索引号" in response.text
    demo_item = _item("2024-shuangsuiji-jihua")
    assert "本条为演示内容" in client.get(demo_item.url).text
    assert client.get(_item("tongji-fazhi-xuanchuan").url or "/missing/").status_code == 404
