"""The demo content (gongkai/demo/enforcement.py): a verifiable draw, published results,
masked and revoked decisions, and nothing created twice."""

from __future__ import annotations

import pytest

from gongkai.demo.enforcement import ensure_enforcement
from gongkai.enforcement import selectors
from gongkai.enforcement.enums import PenaltyStatus
from gongkai.enforcement.models import Draw, InspectionResult, PenaltyDecision
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_its_draw_verifies(anshan):
    admin = make_user("demo-admin", superuser=True)
    ensure_enforcement({"anshan": anshan}, admin)
    ensure_enforcement({"anshan": anshan}, admin)
    assert Draw.objects.filter(agency=anshan).count() == 1
    assert InspectionResult.objects.count() == 8
    assert PenaltyDecision.objects.filter(agency=anshan).count() == 4
    assert selectors.verify_stored_chain(anshan).ok
    plan = anshan.inspection_plans.get()
    assert all(p.page is not None and p.page.live for p in plan.publications.all())
    assert plan.publications.count() == 2
    person = PenaltyDecision.objects.get(party_kind="natural_person")
    assert person.published_party == "王**" and "王示例" not in person.published_facts
    assert PenaltyDecision.objects.filter(status=PenaltyStatus.REVOKED).count() == 1
    assert selectors.public_decisions(agency=anshan).count() == 3
