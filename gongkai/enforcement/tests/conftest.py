from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gongkai.core.enums import StaffRole
from gongkai.enforcement import services
from gongkai.enforcement.models import InspectionPlan, ListFreeze
from gongkai.enforcement.tests.factories import enterprises_csv, inspectors_csv
from gongkai.testing import make_user

FROZEN_AT = dt.datetime(2026, 5, 8, 9, 0, tzinfo=dt.UTC)
DRAWN_AT = dt.datetime(2026, 5, 12, 9, 0, tzinfo=dt.UTC)
SEED = "双色球第2026053期开奖号码：03 07 12 19 25 31 + 09"


@pytest.fixture
def approver(anshan: Any) -> Any:
    return make_user("zf-approver", agency=anshan, role=StaffRole.APPROVER)


@pytest.fixture
def plan(anshan: Any, approver: Any) -> InspectionPlan:
    made = services.create_plan(agency=anshan, year=2026, title="2026年度统计执法“双随机”抽查计划",
                                items="依法设置原始记录和统计台账\n按时报送统计资料", by=approver,
                                sample_size=4)
    services.load_enterprises(made, filename="e.csv", data=enterprises_csv(20), by=approver)
    services.load_inspectors(made, filename="i.csv", data=inspectors_csv(6), by=approver)
    return made


@pytest.fixture
def freeze(plan: InspectionPlan, approver: Any) -> ListFreeze:
    return services.freeze_lists(plan, seed_source="福利彩票双色球第2026053期开奖号码",
                                 by=approver, now=FROZEN_AT)


def today() -> dt.date:
    return timezone.localdate()
