"""Seed the benchmark database: the platform, one agency and N published disclosure items.

Run with the environment of the database to seed (DATABASE_URL, SECRET_KEY …), after
`gongkai migrate`:

    python bench/seed.py --items 10000

Wagtail's own path (``add_child`` + ``save_revision().publish()``) costs 60-140 ms and about
90 queries per item on the 2-core bench machine, so 10,000 items would take 10-25 minutes.
The seed therefore builds most items in bulk and the newest few the ordinary way:

* the *history* (all items but the last ``--real``) is inserted in bulk: treebeard paths
  computed in Python, ``wagtailcore_page`` rows with ``bulk_create``, the
  ``catalog_disclosureitempage`` rows with one multi-row INSERT per batch, one revision and
  the create/publish log entries per item, the live/latest revision pointers set, and the
  parent columns' ``numchild`` updated — the same rows Wagtail writes when publishing;
* every history item then gets its 索引号 in the register, in order of publication, so
  serials run per agency and year as in production: the rows and counters
  ``gongkai.catalog.services.issue_index_number`` writes, in bulk (10,000 calls of the
  service would take minutes), without its per-item audit log entry. The seed checks that
  the service then finds these numbers (it is idempotent) and that the next number it
  issues continues the series;
* the newest ``--real`` items are created and published through Wagtail itself (which
  issues their numbers through the ``page_published`` signal). They are the reference:
  ``check_equivalence`` compares a bulk item with a Wagtail-made one field by field and
  fails the seed if they differ in anything but their own values.

What the bulk path leaves out: the search index and the reference index, which Wagtail
updates in background tasks (the ``db_worker``), not while rendering pages, and the audit
log entries of the history's index numbers. On PostgreSQL the seed ends with VACUUM ANALYZE
(ANALYZE when reused), as autovacuum would shortly after such a load in production.

If the agency already exists with exactly N visible items, each with a 索引号, the
database is reused. The last line printed is a JSON object (URLs to benchmark, counts,
timings); the exit status is 3 if the database holds a different, partial seed (the caller
then recreates the database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AGENCY_SLUG = "bench"
# Bump when the generated items change: a database seeded with another version is rebuilt.
SEED_VERSION = 2
AGENCY_SHORT_NAME = f"基准局v{SEED_VERSION}"
COLUMNS = ("zcwj", "tjxx", "tzgg", "xzzf")
BATCH = 500
EXIT_PARTIAL_SEED = 3
# The history starts here; the newest bulk item is published yesterday.
HISTORY_START = dt.date(2019, 1, 1)

BODY = "".join(
    f"<p>{text}</p>"
    for text in (
        "为贯彻落实《中华人民共和国统计法》和《中华人民共和国政府信息公开条例》，"
        "进一步做好统计数据发布和政府信息公开工作，现将有关事项通知如下。",
        "一、各单位要高度重视统计数据质量，严格执行统计调查制度，依法依规组织实施各项统计调查，"
        "确保基础数据真实、准确、完整、及时。",
        "二、统计数据发布实行统一管理。主要统计指标数据由本局按照发布日程表统一对外发布，"
        "其他单位和个人不得擅自发布。",
        "三、加强统计执法监督检查，严肃查处统计造假、弄虚作假行为，对发现的问题依法依纪处理。",
        "四、本通知自印发之日起施行。执行中遇到的问题，请及时与本局办公室联系。",
    )
)
TOPICS = ("统计数据发布", "统计调查制度", "统计执法检查", "经济普查", "人口抽样调查",
          "农业统计年报", "工业生产情况", "居民消费价格", "固定资产投资", "统计信息化建设")


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()


def item_body(i: int, year: int) -> list[Any]:
    """Text, and for every third item a data table, as a statistics bureau publishes."""
    from gongkai.catalog.blocks import table_block, text_block

    body = [text_block(BODY)]
    if i % 3 == 0:
        rows = [[name, f"{1000 + (i * k) % 9000}", f"{(i + k) % 90 / 10:.1f}"]
                for k, name in enumerate(("地区生产总值（亿元）", "规模以上工业增加值（亿元）",
                                          "固定资产投资（亿元）", "社会消费品零售总额（亿元）",
                                          "居民人均可支配收入（元）", "城镇调查失业率（%）"), 1)]
        body.append(table_block(f"{year}年主要经济指标", ["指标", "数值", "同比增长（%）"],
                                rows))
    return body


def item_fields(i: int, published: dt.datetime, theme_ids: list[int]) -> dict[str, Any]:
    """The catalog fields of item number ``i`` (deterministic, varied like real data)."""
    from django.utils import timezone

    from gongkai.catalog.enums import Article20Item, Genre, Validity

    genres = list(Genre.values)
    year = published.year
    topic = TOPICS[i % len(TOPICS)]
    formed_on = published.date() - dt.timedelta(days=i % 15)
    fields: dict[str, Any] = {
        "title": f"关于做好{year}年{topic}工作的通知（第{i + 1}号）",
        "slug": f"item-{i + 1:05d}",
        "summary": f"本文件部署{year}年{topic}相关工作，明确工作要求和时间安排。",
        "formed_on": formed_on,
        "doc_number": f"基统发〔{year}〕{i % 900 + 1}号" if i % 3 else "",
        "theme_id": theme_ids[i % len(theme_ids)],
        "genre": genres[i % len(genres)],
        "keywords": f"统计 {topic} {year}年",
        "validity": Validity.VALID,
        "article20_item": (Article20Item.RULES_AND_NORMATIVE_DOCUMENTS if i % 5 == 0
                           else Article20Item.NONE),
        "body": item_body(i, year),
    }
    if i % 30 == 7:
        fields["validity"] = Validity.EXPIRED
        fields["validity_changed_on"] = formed_on + dt.timedelta(days=200)
    elif i % 30 == 19:
        fields["validity"] = Validity.REPEALED
        fields["validity_changed_on"] = formed_on + dt.timedelta(days=100)
    if fields.get("validity_changed_on") and fields["validity_changed_on"] > timezone.localdate():
        fields["validity_changed_on"] = formed_on
    return fields


def publication_times(count: int, end: dt.datetime) -> list[dt.datetime]:
    """``count`` publication moments spread evenly from HISTORY_START to ``end``."""
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime.combine(HISTORY_START, dt.time(9, 30)))
    step = (end - start) / max(count, 1)
    return [start + step * k for k in range(count)]


def visible_item_count(agency: Any) -> tuple[int, int]:
    from gongkai.catalog.models import IndexNumber
    from gongkai.catalog.selectors import public_items

    items = public_items(agency=agency)
    return items.count(), IndexNumber.objects.filter(page__in=items.values("pk")).count()


def bulk_history(columns: list[Any], count: int, theme_ids: list[int]) -> list[Any]:
    """Insert ``count`` published items under ``columns`` (round robin), oldest first."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, F, OuterRef, Subquery
    from django.db.models.functions import Cast
    from django.utils import timezone
    from modelcluster.models import get_serializable_data_for_fields
    from wagtail.models import Page, PageLogEntry, Revision

    from gongkai.catalog.models import DisclosureItemPage

    item_ct = ContentType.objects.get_for_model(DisclosureItemPage)
    page_ct = ContentType.objects.get_for_model(Page)
    yesterday = timezone.now() - dt.timedelta(days=1)
    moments = publication_times(count, yesterday)
    added = dict.fromkeys((c.pk for c in columns), 0)
    items: list[DisclosureItemPage] = []
    for i, published in enumerate(moments):
        parent = columns[i % len(columns)]
        added[parent.pk] += 1
        fields = item_fields(i, published, theme_ids)
        item = DisclosureItemPage(
            **fields,
            draft_title=fields["title"],
            path=DisclosureItemPage._get_path(parent.path, parent.depth + 1,
                                              parent.numchild + added[parent.pk]),
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{fields['slug']}/",
            locale_id=parent.locale_id,
            content_type=item_ct,
            live=True,
            has_unpublished_changes=False,
            first_published_at=published,
            last_published_at=published,
            latest_revision_created_at=published,
        )
        items.append(item)

    page_fields = [f.attname for f in Page._meta.concrete_fields if f.attname != "id"]
    pages = [Page(**{name: getattr(item, name) for name in page_fields}) for item in items]
    Page.objects.bulk_create(pages, batch_size=BATCH)
    for item, page in zip(items, pages, strict=True):
        assert page.pk is not None, "the database did not return the new page ids"
        item.id = item.page_ptr_id = page.pk  # both halves of the multi-table key

    local_fields = DisclosureItemPage._meta.local_concrete_fields
    for start in range(0, len(items), BATCH):
        DisclosureItemPage._base_manager._insert(items[start:start + BATCH], fields=local_fields)

    revisions = []
    for item in items:
        # What save_revision() stores: the page as it was before publish() stamped it.
        content = get_serializable_data_for_fields(item)
        content.update(first_published_at=None, last_published_at=None,
                       latest_revision_created_at=None, live_revision=None,
                       wagtail_admin_comments=[], attachments=[])
        revisions.append(Revision(
            content_type=item_ct, base_content_type=page_ct, object_id=str(item.pk),
            created_at=item.first_published_at, object_str=item.title, content=content,
        ))
    Revision.objects.bulk_create(revisions, batch_size=BATCH)
    # One UPDATE instead of bulk_update's CASE per row: point each page at its revision.
    revision_of_page = Revision.objects.filter(
        base_content_type=page_ct, object_id=Cast(OuterRef("pk"), CharField())
    ).order_by("-pk").values("pk")[:1]
    Page.objects.filter(pk__gte=pages[0].pk, pk__lte=pages[-1].pk, content_type=item_ct).update(
        latest_revision=Subquery(revision_of_page), live_revision=Subquery(revision_of_page)
    )
    for item, revision in zip(items, revisions, strict=True):
        item.latest_revision_id = item.live_revision_id = revision.pk

    logs = []
    for item, revision in zip(items, revisions, strict=True):
        for action, rev in (("wagtail.create", None), ("wagtail.publish", revision)):
            logs.append(PageLogEntry(content_type=item_ct, label=item.title, action=action,
                                     data={}, timestamp=item.first_published_at,
                                     page_id=item.pk, revision=rev, content_changed=True))
    PageLogEntry.objects.bulk_create(logs, batch_size=BATCH)

    for column in columns:
        Page.objects.filter(pk=column.pk).update(numchild=F("numchild") + added[column.pk])
    return items


def bulk_index_numbers(agency: Any, items: list[Any]) -> dict[int, int]:
    """Register a 索引号 for each history item, in order of publication.

    The same register rows and counters ``issue_index_number`` writes, for a fresh agency,
    minus its per-item audit log entry. Returns the last serial per year.
    """
    from django.utils import timezone

    from gongkai.catalog.models import IndexNumber, IndexNumberCounter
    from gongkai.catalog.services import format_index_number

    last_serial: dict[int, int] = {}
    numbers = []
    for item in sorted(items, key=lambda it: (it.first_published_at, it.pk)):
        year = timezone.localtime(item.first_published_at).year
        serial = last_serial[year] = last_serial.get(year, 0) + 1
        numbers.append(IndexNumber(
            value=format_index_number(agency.index_prefix, year, serial), agency=agency,
            year=year, serial=serial, page_id=item.pk, page_title=item.title[:255],
            issued_at=item.first_published_at,
        ))
    IndexNumber.objects.bulk_create(numbers, batch_size=BATCH)
    IndexNumberCounter.objects.bulk_create(
        IndexNumberCounter(agency=agency, year=year, last_serial=serial)
        for year, serial in last_serial.items()
    )
    return last_serial


def real_items(columns: list[Any], start: int, count: int, theme_ids: list[int]) -> list[Any]:
    """The newest items, created and published through Wagtail (the reference)."""
    from django.utils import timezone

    from gongkai.catalog.models import ColumnPage, DisclosureItemPage

    made = []
    for k in range(count):
        i = start + k
        parent = ColumnPage.objects.get(pk=columns[i % len(columns)].pk)  # fresh numchild
        item = DisclosureItemPage(**item_fields(i, timezone.now(), theme_ids))
        parent.add_child(instance=item)
        item.save_revision().publish()
        made.append(DisclosureItemPage.objects.get(pk=item.pk))
    return made


# Fields whose values are the item's own; every other field must match between a bulk item
# and a Wagtail-made one.
OWN_VALUES = {
    "id", "page_ptr_id", "path", "title", "draft_title", "slug", "url_path", "translation_key",
    "first_published_at", "last_published_at", "latest_revision_created_at", "latest_revision_id",
    "live_revision_id", "summary", "formed_on", "doc_number", "theme_id", "genre", "keywords",
    "validity", "validity_changed_on", "article20_item", "body",
}


def check_equivalence(bulk: Any, real: Any) -> None:
    """Fail if a bulk-made item differs from a Wagtail-made one beyond its own values."""
    from wagtail.models import PageLogEntry

    from gongkai.catalog.models import DisclosureItemPage, IndexNumber

    differences = []
    for field in DisclosureItemPage._meta.concrete_fields:
        name = field.attname
        if name not in OWN_VALUES and getattr(bulk, name) != getattr(real, name):
            differences.append(f"{name}: bulk={getattr(bulk, name)!r} real={getattr(real, name)!r}")
    for item in (bulk, real):
        blocks = item.body.raw_data
        if not blocks or any(set(b) != {"type", "value", "id"} or not b["id"] for b in blocks):
            differences.append(f"item {item.pk}: body blocks {blocks!r:.200}")
        if item.live_revision_id is None or item.live_revision_id != item.latest_revision_id:
            differences.append(f"item {item.pk}: live/latest revision not set")
        if not IndexNumber.objects.filter(page_id=item.pk).exists():
            differences.append(f"item {item.pk}: no 索引号")
        revision = item.latest_revision
        if set(revision.content) != set(real.latest_revision.content):
            differences.append(f"item {item.pk}: revision content keys differ")
        actions = sorted(PageLogEntry.objects.filter(page_id=item.pk)
                         .values_list("action", flat=True))
        if actions != ["wagtail.create", "wagtail.publish"]:
            differences.append(f"item {item.pk}: log entries {actions}")
    bulk.full_clean()
    if differences:
        raise SystemExit("bulk items differ from Wagtail-made ones:\n  " + "\n  ".join(differences))


def urls(agency: Any, item: Any, bulk_item: Any) -> dict[str, str]:
    from gongkai.catalog.models import CatalogPage, ThemeCategory

    catalog = CatalogPage.objects.descendant_of(agency.home_page).get(slug="xxgkml")
    top_theme = ThemeCategory.objects.get(code="02")
    list_url = catalog.get_url()
    return {
        "item": item.get_url(),
        "bulk_item": bulk_item.get_url(),
        "list": list_url,
        "list_filtered": f"{list_url}?theme={top_theme.pk}&year=2024",
        "list_search": f"{list_url}?q=%E7%BB%8F%E6%B5%8E%E6%99%AE%E6%9F%A5",  # q=经济普查
    }


def refresh_statistics(fresh: bool) -> None:
    """PostgreSQL: plan with statistics of the seeded tables, as autovacuum keeps them.

    Right after a bulk load the planner still believes the tables are empty and picks
    nested loops over 10,000 rows; in production autovacuum analyzes such a table within a
    minute. SQLite is left as Django leaves it (no ANALYZE).
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if fresh else "ANALYZE")


def seed(total: int, real: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from gongkai.catalog.models import DisclosureItemPage, IndexNumber, ThemeCategory
    from gongkai.catalog.services import issue_index_number
    from gongkai.core.models import Agency
    from gongkai.testing import column, make_agency, make_platform

    agency = Agency.objects.filter(slug=AGENCY_SLUG).first()
    result: dict[str, Any] = {"database": connection.vendor, "items": total}
    if agency is not None:
        visible, numbered = visible_item_count(agency)
        if visible != total or numbered != total or agency.short_name != AGENCY_SHORT_NAME:
            print(f"The database holds a partial or different seed ({visible} items, "
                  f"{numbered} numbered, version {agency.short_name!r}; {total} items, "
                  f"version {AGENCY_SHORT_NAME!r} wanted).", file=sys.stderr)
            raise SystemExit(EXIT_PARTIAL_SEED)
        items = DisclosureItemPage.objects.descendant_of(agency.home_page)
        newest = items.order_by("-first_published_at", "-id").first()
        oldest = items.order_by("first_published_at", "id").first()
        refresh_statistics(fresh=False)
        return {**result, "reused": True, "urls": urls(agency, newest, oldest)}

    history = total - real
    theme_ids = list(ThemeCategory.objects.order_by("code").values_list("pk", flat=True))
    started = time.perf_counter()
    with transaction.atomic():
        make_platform()
        agency = make_agency(AGENCY_SLUG, "基准测试市统计局", short_name=AGENCY_SHORT_NAME)
        columns = [column(agency, slug) for slug in COLUMNS]
    result["agency_seconds"] = round(time.perf_counter() - started, 2)

    started = time.perf_counter()
    with transaction.atomic():
        bulk = bulk_history(columns, history, theme_ids)
    result["bulk_insert_seconds"] = round(time.perf_counter() - started, 2)

    started = time.perf_counter()
    with transaction.atomic():
        last_serial = bulk_index_numbers(agency, bulk)
    result["index_numbers_seconds"] = round(time.perf_counter() - started, 2)

    started = time.perf_counter()
    with transaction.atomic():
        made = real_items(columns, history, real, theme_ids)
    seconds = time.perf_counter() - started
    result["wagtail_publish_ms_per_item"] = round(seconds / max(real, 1) * 1000, 1)
    result["wagtail_publish_estimate_for_all_seconds"] = round(seconds / max(real, 1) * total)

    check_equivalence(DisclosureItemPage.objects.get(pk=bulk[-1].pk), made[-1])
    # The register continues where the bulk history left it, and the service agrees with it.
    first_real = IndexNumber.objects.get(page_id=made[0].pk)
    assert first_real.serial == last_serial.get(first_real.year, 0) + 1, first_real
    registered = IndexNumber.objects.get(page_id=bulk[0].pk)
    assert issue_index_number(page=bulk[0]) == registered, "issue_index_number not idempotent"
    visible, numbered = visible_item_count(agency)
    assert visible == numbered == total, (visible, numbered, total)
    refresh_statistics(fresh=True)
    return {**result, "reused": False, "urls": urls(agency, made[-1], bulk[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=20,
                        help="how many of the newest items to publish through Wagtail")
    args = parser.parse_args()
    setup_django()
    started = time.perf_counter()
    result = seed(args.items, min(args.real, args.items))
    result["seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
