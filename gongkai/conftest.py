from __future__ import annotations

import pytest

from gongkai.core.models import Agency
from gongkai.testing import make_agency, make_platform


@pytest.fixture
def platform(db):  # type: ignore[no-untyped-def]
    return make_platform()


@pytest.fixture
def anshan(platform) -> Agency:  # type: ignore[no-untyped-def]
    return make_agency("anshan", "鞍山市统计局", short_name="鞍山市局")


@pytest.fixture
def haicheng(platform) -> Agency:  # type: ignore[no-untyped-def]
    return make_agency("haicheng", "海城市统计局", short_name="海城市局")
