"""The edge (nginx micro-)cache rule: what may be stored, until when, and the purge.

The nginx side is exercised with a real nginx by bench/web_stack.py (publish visible at
once, an embargoed release never early through the cache).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.views.decorators.cache import never_cache

from gongkai.core import edge_cache
from gongkai.core.edge_cache import HEADER, edge_expiry, is_shareable, stale_allowed
from gongkai.testing import column, make_item

# The services take the acting user; None is the system (no permission check).
SYSTEM: Any = None
NOW = dt.datetime(2026, 12, 3, 9, 30, 0, 250_000, tzinfo=dt.UTC)
NOW_S = int(NOW.timestamp())


# --- edge_expiry: pure --------------------------------------------------------------------------


def test_it_keeps_a_page_for_the_micro_ttl_when_nothing_is_scheduled() -> None:
    # Served while nginx's clock reads NOW_S .. NOW_S + 29: 30 seconds.
    assert edge_expiry(NOW, 30, None) == NOW_S + 29


def test_it_ends_the_entry_before_the_next_scheduled_change() -> None:
    release = NOW + dt.timedelta(seconds=10, milliseconds=500)
    # Last second served: the one before the change's second, never the change's own.
    assert edge_expiry(NOW, 30, release) == NOW_S + 9


def test_it_does_not_cache_within_the_second_before_a_change() -> None:
    assert edge_expiry(NOW, 30, NOW + dt.timedelta(milliseconds=700)) is None
    assert edge_expiry(NOW, 30, NOW - dt.timedelta(seconds=1)) is None


def test_it_caches_nothing_when_the_micro_ttl_is_zero() -> None:
    assert edge_expiry(NOW, 0, None) is None


# --- stale_allowed: pure --------------------------------------------------------------------------

EXPIRY = NOW_S + 9  # nginx serves the entry through second EXPIRY; stale would be EXPIRY + 1


@pytest.mark.parametrize(
    ("strict_at", "allowed"),
    [
        (None, True),  # micro TTL or a release: the copy may be shown during the next second
        (EXPIRY + 2, True),  # a page expiry after the stale second is untouched by it
        (EXPIRY + 1.5, False),  # a page expires during the stale second
        (EXPIRY + 1, False),  # ... or at its start
        (EXPIRY + 0.25, False),  # ... or before it
    ],
)
def test_a_copy_is_shown_stale_only_where_no_page_expires_meanwhile(
    strict_at: float | None, allowed: bool
) -> None:
    moment = None if strict_at is None else dt.datetime.fromtimestamp(strict_at, tz=dt.UTC)
    assert stale_allowed(EXPIRY, moment) is allowed


# --- is_shareable: which responses ----------------------------------------------------------------


@pytest.fixture
def rf() -> RequestFactory:
    return RequestFactory()


def _request(rf: RequestFactory, path: str = "/anshan/", method: str = "get", **extra: Any) -> Any:
    request = getattr(rf, method)(path, **extra)
    request.elder_mode = False
    request.script_mode = "simplified"
    return request


def test_an_anonymous_public_page_is_shareable(rf: RequestFactory) -> None:
    assert is_shareable(_request(rf), HttpResponse("page"))


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_it_is_not_shareable_when_the_visitor_has_a_session_or_messages(
    rf: RequestFactory, cookie: str
) -> None:
    request = _request(rf)
    request.COOKIES[cookie] = "x"
    assert not is_shareable(request, HttpResponse("page"))


def test_it_is_not_shareable_when_the_request_carries_credentials(rf: RequestFactory) -> None:
    request = _request(rf, HTTP_AUTHORIZATION="Bearer token")
    assert not is_shareable(request, HttpResponse("page"))


def test_it_is_not_shareable_when_the_response_sets_a_cookie(rf: RequestFactory) -> None:
    response = HttpResponse("form with a CSRF token")
    response.set_cookie("csrftoken", "secret")
    assert not is_shareable(_request(rf), response)


def test_it_is_not_shareable_when_the_view_says_never_cache(rf: RequestFactory) -> None:
    response = never_cache(lambda request: HttpResponse("查询码 result"))(_request(rf))
    assert not is_shareable(_request(rf), response)
    private = HttpResponse("x")
    private["Cache-Control"] = "private, max-age=60"
    assert not is_shareable(_request(rf), private)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_writes_are_never_shareable(rf: RequestFactory, method: str) -> None:
    assert not is_shareable(_request(rf, method=method), HttpResponse("ok"))


@pytest.mark.parametrize("path", ["/admin/pages/", "/documents/3/a.pdf", "/mode/elder/"])
def test_the_admin_documents_and_mode_switches_are_never_shareable(
    rf: RequestFactory, path: str
) -> None:
    assert not is_shareable(_request(rf, path), HttpResponse("x"))


def test_the_api_is_shareable_only_where_it_says_public(rf: RequestFactory) -> None:
    request = _request(rf, "/api/v1/stats/tables/A/data")
    assert not is_shareable(request, HttpResponse("{}"))
    public = HttpResponse("{}")
    public["Cache-Control"] = "public, max-age=300"
    assert is_shareable(request, public)


def test_it_is_not_shareable_when_the_body_varies_on_an_unkeyed_header(rf: RequestFactory) -> None:
    response = HttpResponse("x")
    response["Vary"] = "Cookie, Accept-Encoding"
    assert is_shareable(_request(rf), response)
    response["Vary"] = "Cookie, Authorization"
    assert not is_shareable(_request(rf), response)


def test_it_is_not_shareable_when_nginx_keyed_another_reading_mode(rf: RequestFactory) -> None:
    # nginx read "gk_script=pinyin; gk_script=simplified" as pinyin, Django as simplified:
    # storing the simplified page under the pinyin key would show it to pinyin readers.
    request = _request(rf, HTTP_X_GONGKAI_EDGE_VARIANT="|pinyin")
    assert not is_shareable(request, HttpResponse("x"))
    request = _request(rf, HTTP_X_GONGKAI_EDGE_VARIANT="|")
    assert is_shareable(request, HttpResponse("x"))
    elder = _request(rf, HTTP_X_GONGKAI_EDGE_VARIANT="elder|traditional")
    elder.elder_mode, elder.script_mode = True, "traditional"
    assert is_shareable(elder, HttpResponse("x"))


# --- The middleware on real pages (frozen time) -------------------------------------------------


def _header(client: Client, url: str, **extra: Any) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    return str(response[HEADER])


@pytest.mark.django_db
def test_a_public_page_gets_the_micro_ttl(client: Client, anshan: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        assert _header(client, f"/{anshan.slug}/") == f"@{NOW_S + 29}"


@pytest.mark.django_db
@override_settings(GONGKAI_EDGE_CACHE_SECONDS=0)
def test_nothing_is_cached_when_the_edge_cache_is_off(client: Client, anshan: Any) -> None:
    assert _header(client, f"/{anshan.slug}/") == "0"


@pytest.mark.django_db
def test_every_public_page_expires_before_the_next_statistics_release(
    client: Client, anshan: Any
) -> None:
    from gongkai.official_stats import services

    at = dt.datetime(2026, 12, 3, 9, 31, tzinfo=dt.UTC)  # releases are on the minute
    at_s = int(at.timestamp())
    with time_machine.travel(at - dt.timedelta(hours=1), tick=False):
        services.create_release(
            SYSTEM, anshan, title="本月数据", scheduled_at=at, now=timezone.now()
        )
    with time_machine.travel(at - dt.timedelta(seconds=11.75), tick=False):
        assert _header(client, f"/{anshan.slug}/") == f"@{at_s - 1}"
        assert _header(client, "/sjfb/rc/") == f"@{at_s - 1}"
    with time_machine.travel(at - dt.timedelta(seconds=0.5), tick=False):
        # nginx's clock still reads the second before: it may serve this until the second.
        assert _header(client, f"/{anshan.slug}/") == f"@{at_s - 1}"
    # From the release second on the next one counts (none): the micro TTL again.
    with time_machine.travel(at + dt.timedelta(seconds=1.25), tick=False):
        assert _header(client, f"/{anshan.slug}/") == f"@{at_s + 1 + 29}"


@pytest.mark.django_db
def test_pages_expire_before_a_page_leaves_the_site(client: Client, anshan: Any) -> None:
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        make_item(column(anshan), expire_at=NOW + dt.timedelta(seconds=5))
    with time_machine.travel(NOW, tick=False):
        assert _header(client, f"/{anshan.slug}/") == f"@{NOW_S + 4}"


@pytest.mark.django_db
def test_a_page_ending_at_a_release_may_be_shown_stale_for_one_second(
    client: Client, anshan: Any
) -> None:
    from gongkai.official_stats import services

    at = dt.datetime(2026, 12, 3, 9, 31, tzinfo=dt.UTC)
    with time_machine.travel(at - dt.timedelta(hours=1), tick=False):
        services.create_release(
            SYSTEM, anshan, title="本月数据", scheduled_at=at, now=timezone.now()
        )
    with time_machine.travel(at - dt.timedelta(seconds=5), tick=False):
        response = client.get(f"/{anshan.slug}/")
    assert "stale-while-revalidate=1" in response["Cache-Control"]
    # nginx 1.22 reads the directive only from a Cache-Control line before X-Accel-Expires.
    names = [name.lower() for name in response.headers]
    assert names.index("cache-control") < names.index(HEADER.lower())
    assert names[-1] == HEADER.lower()


@pytest.mark.django_db
def test_a_page_is_never_shown_stale_past_a_page_expiry(client: Client, anshan: Any) -> None:
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        make_item(column(anshan), expire_at=NOW + dt.timedelta(seconds=5))
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/{anshan.slug}/")
    assert response[HEADER] == f"@{NOW_S + 4}"
    assert "stale-while-revalidate" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_an_uncacheable_response_is_never_allowed_stale(client: Client) -> None:
    response = client.get("/ysqgk/track/")
    assert response[HEADER] == "0"
    assert "stale-while-revalidate" not in response.get("Cache-Control", "")


# --- The schedule lookup, kept per process under a shared generation ---------------------------


@pytest.fixture
def shared_generation(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from gongkai.core import page_cache

    monkeypatch.setattr(page_cache, "generation_is_shared", lambda: True)
    edge_cache._memo.clear()
    yield
    edge_cache._memo.clear()


ON_MINUTE = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)  # releases are on the minute


def _release_at(agency: Any, at: dt.datetime) -> Any:
    from gongkai.official_stats import services

    with time_machine.travel(at - dt.timedelta(hours=1), tick=False):
        return services.create_release(
            SYSTEM, agency, title="本月数据", scheduled_at=at, now=timezone.now()
        )


@pytest.mark.django_db
def test_the_schedule_is_read_once_while_nothing_changes(
    anshan: Any, shared_generation: None, django_assert_num_queries: Any
) -> None:
    at = ON_MINUTE + dt.timedelta(minutes=10)
    _release_at(anshan, at)
    first = edge_cache.scheduled_changes(ON_MINUTE)
    assert first.next_change == at
    with django_assert_num_queries(0):
        later = edge_cache.scheduled_changes(ON_MINUTE + dt.timedelta(minutes=9))
    assert later.next_change == at


@pytest.mark.django_db
def test_the_schedule_is_read_again_after_a_public_change(
    anshan: Any, shared_generation: None
) -> None:
    later = ON_MINUTE + dt.timedelta(minutes=10)
    _release_at(anshan, later)
    assert edge_cache.scheduled_changes(ON_MINUTE).next_change == later
    # Another release, earlier: saving it is a public change (a new generation).
    sooner = ON_MINUTE + dt.timedelta(minutes=2)
    _release_at(anshan, sooner)
    assert edge_cache.scheduled_changes(ON_MINUTE).next_change == sooner


@pytest.mark.django_db
def test_the_schedule_is_read_again_once_its_next_change_has_passed(
    anshan: Any, shared_generation: None
) -> None:
    first, second = ON_MINUTE + dt.timedelta(minutes=1), ON_MINUTE + dt.timedelta(minutes=5)
    _release_at(anshan, first)
    _release_at(anshan, second)
    assert edge_cache.scheduled_changes(ON_MINUTE).next_change == first
    assert edge_cache.scheduled_changes(first).next_change == second
    # A moment before the kept answer's own start is never answered from it.
    assert edge_cache.scheduled_changes(ON_MINUTE).next_change == first


@pytest.mark.django_db
def test_the_schedule_is_read_again_after_the_page_cache_timeout(
    anshan: Any, shared_generation: None, django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gongkai.core import page_cache

    _release_at(anshan, ON_MINUTE + dt.timedelta(minutes=10))
    clock = [1000.0]
    monkeypatch.setattr(edge_cache, "clock", lambda: clock[0])
    edge_cache.scheduled_changes(ON_MINUTE)
    clock[0] += page_cache.TIMEOUT - 1
    with django_assert_num_queries(0):
        edge_cache.scheduled_changes(ON_MINUTE)
    clock[0] += 1  # a bump lost to a Redis outage is caught up with after TIMEOUT
    with CaptureQueriesContext(connection) as queries:
        edge_cache.scheduled_changes(ON_MINUTE)
    assert len(queries) >= 1


def test_a_new_schedule_source_is_strict_unless_it_says_otherwise() -> None:
    sources = edge_cache._SCHEDULE_SOURCES
    assert sources["page-expiry"].strict is True
    assert sources["statistics-release"].strict is False


def test_the_generation_is_renewed_before_nginx_is_purged() -> None:
    from gongkai.core import public_changes

    # After a commit the callbacks run in subscription order; the purge lets requests in
    # that must not find a schedule kept under the transaction's generation.
    names = list(public_changes._subscribers)
    assert names.index("page_cache") < names.index("edge")


@pytest.mark.django_db
def test_without_a_shared_cache_every_request_reads_the_schedule(anshan: Any) -> None:
    _release_at(anshan, ON_MINUTE + dt.timedelta(minutes=10))
    edge_cache.scheduled_changes(ON_MINUTE)
    with CaptureQueriesContext(connection) as queries:
        edge_cache.scheduled_changes(ON_MINUTE + dt.timedelta(minutes=1))
    assert len(queries) >= 1


@pytest.mark.django_db
def test_a_logged_in_editor_never_gets_a_cacheable_page(client: Client, anshan: Any) -> None:
    from gongkai.testing import make_user

    client.force_login(make_user("editor", superuser=True))  # type: ignore[arg-type]
    assert _header(client, f"/{anshan.slug}/") == "0"


@pytest.mark.django_db
def test_the_tracking_form_is_never_cacheable(client: Client) -> None:
    assert _header(client, "/ysqgk/track/") == "0"


# --- Purge: after the commit, once per transaction ------------------------------------------------


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """A commit inside the test's transaction: the on-commit callbacks registered in the
    block run, and the list is emptied as a real commit empties it."""
    from django.db import connection

    @contextlib.contextmanager
    def committed() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield
        connection.run_on_commit.clear()

    return committed


@pytest.fixture
def purges(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(edge_cache.HttpPurger, "purge_all", lambda self: calls.append(self.urls))
    return calls


@pytest.mark.django_db
@override_settings(GONGKAI_EDGE_PURGE_URLS=["http://127.0.0.1:9/_edge/purge"])
def test_publishing_a_page_purges_after_the_commit_once(
    anshan: Any, purges: list[tuple[str, ...]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_item(column(anshan))
        make_item(column(anshan))
        assert purges == []  # not before the commit: a request in between would re-store
    assert purges == [("http://127.0.0.1:9/_edge/purge",)]
    assert len(callbacks) >= 1


@pytest.mark.django_db
@override_settings(GONGKAI_EDGE_PURGE_URLS=["http://127.0.0.1:9/_edge/purge"])
def test_unpublishing_and_deleting_purge(
    anshan: Any, purges: list[tuple[str, ...]], commit: Any
) -> None:
    with commit():
        item = make_item(column(anshan))
    with commit():
        item.unpublish()
    assert len(purges) == 2
    with commit():
        item.delete()
    assert len(purges) == 3


@pytest.mark.django_db
@override_settings(GONGKAI_EDGE_PURGE_URLS=["http://127.0.0.1:9/_edge/purge"])
def test_a_release_cancelled_or_postponed_purges(
    anshan: Any, purges: list[tuple[str, ...]], commit: Any
) -> None:
    from gongkai.official_stats import services

    at = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    with commit():
        release = services.create_release(SYSTEM, anshan, title="本月数据", scheduled_at=at)
    assert len(purges) == 1
    with commit():
        services.postpone_release(SYSTEM, release, at + dt.timedelta(days=1), reason="数据核查")
    assert len(purges) == 2
    with commit():
        services.cancel_release(SYSTEM, release, reason="数据核查")
    assert len(purges) == 3


@pytest.mark.django_db
def test_a_rolled_back_change_does_not_purge(
    anshan: Any, purges: list[tuple[str, ...]], django_capture_on_commit_callbacks: Any
) -> None:
    with (
        override_settings(GONGKAI_EDGE_PURGE_URLS=["http://127.0.0.1:9/_edge/purge"]),
        django_capture_on_commit_callbacks(execute=True),
    ):
        try:
            with transaction.atomic():
                make_item(column(anshan))
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert purges == []


def test_without_a_purge_url_nothing_is_sent() -> None:
    assert isinstance(edge_cache.purger(), edge_cache.NoEdgeCache)


# --- The HTTP purger against a real server --------------------------------------------------------


@pytest.fixture
def purge_server() -> Iterator[tuple[str, list[str]]]:
    received: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/_edge/purge", received
    finally:
        server.shutdown()
        server.server_close()


def test_the_http_purger_posts_to_every_nginx(purge_server: tuple[str, list[str]]) -> None:
    url, received = purge_server
    edge_cache.HttpPurger([url, url]).purge_all()
    assert received == ["POST /_edge/purge", "POST /_edge/purge"]


def test_a_failed_purge_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    edge_cache.HttpPurger(["http://127.0.0.1:9/_edge/purge"], timeout=0.5).purge_all()
    assert "edge cache purge failed" in caplog.text
