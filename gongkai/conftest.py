from __future__ import annotations

from typing import Any

import pytest

from gongkai.core.models import Agency
from gongkai.site.models import PlatformHomePage
from gongkai.testing import make_agency, make_platform

# Building an agency's section publishes about twenty pages, so the two agencies most tests
# use are built once per test database; each test's changes are rolled back as usual.
SHARED_AGENCIES = {
    "anshan": {"name": "鞍山市统计局", "short_name": "鞍山市局"},
    "haicheng": {"name": "海城市统计局", "short_name": "海城市局"},
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        make_platform()
        for slug, fields in SHARED_AGENCIES.items():
            if not Agency.objects.filter(slug=slug).exists():
                make_agency(slug, **fields)


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
