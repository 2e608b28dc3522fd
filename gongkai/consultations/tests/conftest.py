from __future__ import annotations

from typing import Any

import pytest
import time_machine

from gongkai.consultations.tests.helpers import NOW
from gongkai.core.enums import StaffRole
from gongkai.testing import make_user


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def editor(anshan: Any) -> Any:
    return make_user("hdjl-editor", agency=anshan, role=StaffRole.EDITOR)


@pytest.fixture
def reviewer(anshan: Any) -> Any:
    return make_user("hdjl-reviewer", agency=anshan, role=StaffRole.APPROVER)


@pytest.fixture
def county_editor(haicheng: Any) -> Any:
    return make_user("hdjl-hc-editor", agency=haicheng, role=StaffRole.EDITOR)
