from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import validate_django_db

from gongkai.core.models import Agency
from gongkai.site.models import PlatformHomePage
from gongkai.testing import make_agency, make_platform

# Building an agency's section publishes about twenty pages, so the two agencies most tests
# use are built once per test database; each test's changes are rolled back as usual.
SHARED_AGENCIES = {
    "anshan": {"name": "鞍山市统计局", "short_name": "鞍山市局"},
    "haicheng": {"name": "海城市统计局", "short_name": "海城市局"},
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transactional test gets ``serialized_rollback=True``.

    A transactional test's flush without serialized rollback runs ``post_migrate``, which
    recreates content types and permissions under new ids and leaves out what migrations
    seeded (page root, locale, themes, holidays). A later serialized test on the same
    worker then fails to reload the migrated state (unique clash on
    ``django_content_type``), and data built from content type ids cached before the flush
    points at rows that no longer exist. With every transactional test serialized, a flush
    never runs ``post_migrate``: each one starts from the migrated state with the ids the
    whole session uses, whatever ran before it on the worker.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        if marker is not None:
            transaction, reset_sequences, databases, serialized, apps = validate_django_db(marker)
            if (transaction or "live_server" in fixtures) and not serialized:
                item.add_marker(
                    pytest.mark.django_db(
                        transaction=True,
                        reset_sequences=reset_sequences,
                        databases=databases,
                        serialized_rollback=True,
                        available_apps=apps,
                    ),
                    append=False,  # before the test's own mark, so that it is the closest
                )
        elif "transactional_db" in fixtures or "live_server" in fixtures:
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        make_platform()
        for slug, fields in SHARED_AGENCIES.items():
            if not Agency.objects.filter(slug=slug).exists():
                make_agency(slug, **fields)


_reloaded_on_this_worker: set[str] = set()


@pytest.fixture(autouse=True)
def _migrated_state_for_the_first_transactional_test(
    request: pytest.FixtureRequest, django_db_blocker: Any
) -> None:
    """The first transactional test on a worker starts from the migrated state too.

    Django reloads the migrated state (serialized_rollback) when each transactional test
    starts: after a flush for every later one, but for the first one on top of the
    session's data (the shared agencies). That resets the child counts of the page root
    and the root collection, so a new agency's collection takes a path already in use,
    and brings back Wagtail's welcome page. Flush and reload once, so the first one starts
    where every later one does. (Runs after pytest-django's own autouse fixture, which
    has already set up the transactional test.)
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not validate_django_db(marker)[0] or _reloaded_on_this_worker:
        return
    from django.core.management import call_command
    from django.db import connection

    migrated = getattr(connection, "_test_serialized_contents", None)
    if migrated is None:
        return
    with django_db_blocker.unblock():
        # As Django's own flush between transactional tests: no post_migrate, and the
        # sequences stay ahead of the reloaded rows' ids.
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            inhibit_post_migrate=True,
            reset_sequences=False,
        )
        connection.creation.deserialize_db_from_string(migrated)
    _reloaded_on_this_worker.add(connection.alias)


def _shared_agency(slug: str) -> Agency:
    # Tests with transaction=True flush the database; rebuild what they removed.
    agency = Agency.objects.filter(slug=slug).select_related("home_page").first()
    return agency or make_agency(slug, **SHARED_AGENCIES[slug])


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: a rolled-back test must not leave behind cached
    site root paths or a cached working-day calendar built from its own data."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def platform(db: Any) -> PlatformHomePage:
    return make_platform()


@pytest.fixture
def anshan(platform: PlatformHomePage) -> Agency:
    return _shared_agency("anshan")


@pytest.fixture
def haicheng(platform: PlatformHomePage) -> Agency:
    return _shared_agency("haicheng")
