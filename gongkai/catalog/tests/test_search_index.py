"""The site search follows every change of public pages, through the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from gongkai.catalog.models import DisclosureAttachment
from gongkai.core.models import SearchDocument, SearchOutbox, SearchTermCount
from gongkai.core.search import indexing
from gongkai.core.search.query import parse
from gongkai.core.search.service import hot_searches, record_search, search
from gongkai.testing import column, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run a block as if committed: on-commit hooks (the outbox task) execute."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def urls(query: str, **kwargs: Any) -> set[str]:
    return {hit.url for hit in search(query, page_size=100, **kwargs).hits}


def test_a_published_item_is_found_after_commit(anshan, committed):
    with committed():
        item = make_item(column(anshan), title="鞍山市独特检索标题甲", summary="概述")
    assert urls("独特检索标题甲") == {item.url}
    assert not SearchOutbox.objects.exists()


def test_a_draft_is_never_indexed(anshan, committed):
    with committed():
        make_item(column(anshan), publish=False, title="草稿独特标题乙")
    assert urls("草稿独特标题乙") == set()


def test_unpublishing_removes_the_item(anshan, committed):
    with committed():
        item = make_item(column(anshan), title="将撤回的独特标题丙")
    with committed():
        item.unpublish()
    assert urls("独特标题丙") == set()


def test_publishing_an_edit_replaces_the_old_text(anshan, committed):
    with committed():
        item = make_item(column(anshan), title="修改前独特标题丁")
    item.title = "修改后独特标题丁"
    with committed():
        item.save_revision().publish()
    assert urls("修改前独特标题丁") == set()
    assert urls("修改后独特标题丁") == {item.url}


def test_a_draft_edit_of_a_live_item_does_not_leak_into_search(anshan, committed):
    with committed():
        item = make_item(column(anshan), title="已发布独特标题戊")
    item.title = "未发布的修改稿戊"
    with committed():
        item.save_revision()
    assert urls("未发布的修改稿戊") == set()
    assert urls("已发布独特标题戊") == {item.url}


def test_moving_an_item_updates_its_url(anshan, committed):
    with committed():
        item = make_item(column(anshan, "zcwj"), title="将移动的独特标题己")
    target = column(anshan, "tzgg")
    with committed():
        item.move(target, pos="last-child")
    item.refresh_from_db()
    assert urls("将移动的独特标题己") == {item.url}
    assert "/tzgg/" in item.url


def test_deleting_an_item_removes_it(anshan, committed):
    with committed():
        item = make_item(column(anshan), title="将删除的独特标题庚")
    with committed():
        item.delete()
    assert urls("将删除的独特标题庚") == set()
    assert not SearchDocument.objects.filter(title__contains="独特标题庚").exists()


def test_a_view_restriction_hides_the_item(anshan, committed):
    with committed():
        item = make_item(column(anshan), title="受限访问独特标题辛")
    with committed():
        PageViewRestriction.objects.create(page=item, restriction_type="password",
                                           password="secret")
    assert urls("受限访问独特标题辛") == set()


def test_a_scheduled_item_appears_only_when_published(anshan, committed):
    go_live = timezone.now() + dt.timedelta(hours=1)
    with committed():
        item = make_item(column(anshan), publish=False, title="定时发布独特标题壬")
        item.go_live_at = go_live
        item.save_revision(approved_go_live_at=go_live)
    assert urls("定时发布独特标题壬") == set()
    with time_machine.travel(go_live + dt.timedelta(minutes=1)), committed():
        call_command("publish_scheduled")
    assert urls("定时发布独特标题壬") == {item.url}


def test_an_expired_item_is_not_returned_even_before_the_cron_job(anshan, committed):
    with committed():
        item = make_item(column(anshan), title="到期下线独特标题癸",
                         expire_at=timezone.now() + dt.timedelta(hours=1))
    assert urls("到期下线独特标题癸") == {item.url}
    later = timezone.now() + dt.timedelta(hours=2)
    assert urls("到期下线独特标题癸", now=later) == set()


def test_attachment_text_is_searchable(anshan, committed):
    document = get_document_model().objects.create(
        title="附件", file=ContentFile("附件正文含有独特短语子丑寅卯。".encode(), name="note.txt"))
    with committed():
        item = make_item(column(anshan), publish=False, title="带附件的信息")
        DisclosureAttachment.objects.create(page=item, document=document)
        item.save_revision().publish()
    assert urls("子丑寅卯") == {item.url}


def test_a_lost_task_only_delays_indexing(anshan, committed, monkeypatch):
    monkeypatch.setattr(indexing, "schedule_processing", lambda: None)
    with committed():
        item = make_item(column(anshan), title="任务丢失独特标题甲乙")
    assert urls("任务丢失独特标题甲乙") == set()
    assert SearchOutbox.objects.exists()
    call_command("search", "process")
    assert urls("任务丢失独特标题甲乙") == {item.url}
    assert not SearchOutbox.objects.exists()


def test_a_failing_apply_keeps_the_work_for_a_retry(anshan, committed, monkeypatch):
    monkeypatch.setattr(indexing, "schedule_processing", lambda: None)
    with committed():
        item = make_item(column(anshan), title="失败重试独特标题丙丁")

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(indexing, "apply", boom)
    with pytest.raises(RuntimeError):
        indexing.process_outbox()
    row = SearchOutbox.objects.get(object_id=item.pk)
    assert row.attempts == 1 and row.claimed_at is None and "unavailable" in row.last_error
    monkeypatch.undo()
    indexing.process_outbox()
    assert urls("失败重试独特标题丙丁") == {item.url}


def test_a_claim_is_exclusive_until_it_times_out(anshan):
    SearchOutbox.objects.create(source="page", object_id=anshan.home_page_id)
    now = timezone.now()
    _token, rows = indexing._claim(now, 10)
    assert len(rows) == 1
    assert indexing._claim(now, 10)[1] == []
    assert len(indexing._claim(now + indexing.CLAIM_TIMEOUT + dt.timedelta(seconds=1), 10)[1]) == 1


def test_check_reports_missing_and_stale_entries_and_rebuild_repairs_them(anshan, committed):
    with committed():
        first = make_item(column(anshan), title="检查用独特标题一")
        second = make_item(column(anshan), title="检查用独特标题二")
    assert indexing.check().ok
    SearchDocument.objects.filter(source="page", object_id=first.pk).delete()
    SearchDocument.objects.filter(source="page", object_id=second.pk).update(content_hash="x")
    report = indexing.check()
    assert f"page:{first.pk}" in report.missing
    assert f"page:{second.pk}" in report.stale
    with pytest.raises(CommandError):
        call_command("search", "check")
    call_command("search", "rebuild")
    assert indexing.check().ok
    assert urls("检查用独特标题") == {first.url, second.url}


def test_search_page_shows_highlighted_results(client, anshan, committed):
    with committed():
        item = make_item(column(anshan), title="页面展示独特标题甲丙")
    response = client.get("/search/", {"q": "独特标题甲丙"})
    assert response.status_code == 200
    body = response.content.decode()
    assert item.url in body
    assert "<mark>独特标题甲丙</mark>" in body
    assert "找到 1 条" in body


def test_no_results_page_suggests_what_to_try(client, anshan, committed):
    with committed():
        make_item(column(anshan), title="建议测试独特标题乙丁")
    response = client.get("/search/", {"q": "建议测试独特标题乙丁 完全不存在词"})
    body = response.content.decode()
    assert "找到 0 条" in body
    assert "建议测试独特标题乙丁</a>（1 条）" in body
    assert "政府信息公开目录" in body


@pytest.mark.parametrize("query", ["", "。。。", '"统计" AND *', "统计" * 500,
                                   "NEAR(统计 公开, 2)", "\\'\""])
def test_search_page_survives_hostile_queries(client, anshan, query):
    assert client.get("/search/", {"q": query}).status_code == 200
    assert client.get("/api/search", {"q": query}).status_code == 200


def test_api_search_returns_count_and_results(client, anshan, committed):
    with committed():
        item = make_item(column(anshan), title="接口独特标题戊己")
    response = client.get("/api/search", {"q": "接口独特标题戊己", "page": 1, "page_size": 100})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert data["results"][0]["title"] == "接口独特标题戊己"
    assert data["results"][0]["url"].endswith(item.url)
    assert client.get("/api/search", {"q": "统计", "page_size": 101}).status_code == 422
    schema = client.get("/api/schema/").json()
    assert "/api/search" in schema["paths"]


def test_hot_searches_count_terms_only_above_a_threshold(settings):
    settings.GONGKAI_HOT_SEARCH_MIN_COUNT = 3
    today = dt.date(2026, 5, 15)
    for _ in range(3):
        record_search(parse("统计公报"), today=today)
    record_search(parse("政务公开"), today=today)
    assert hot_searches(today=today) == ["统计公报"]


@pytest.mark.parametrize("query", ["13812345678", "210302199001011234", "zhang@example.com",
                                   "6222020200112233445"])
def test_hot_searches_never_record_what_could_identify_a_person(query):
    record_search(parse(query), today=dt.date(2026, 5, 15))
    assert not SearchTermCount.objects.exists()
