"""The demo content (idempotent, every kind and state) and the public API."""

from __future__ import annotations

import pytest

from gongkai.consultations import services
from gongkai.consultations.models import FaqEntry, Message, ViolationReport
from gongkai.consultations.tests.helpers import replied, submit
from gongkai.demo.consultations import ensure_consultations
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_kind_and_state_and_a_second_run_creates_nothing(
        anshan, haicheng, editor, county_editor):  # editors draft, the admin reviews
    admin = make_user("demo-admin", superuser=True)
    agencies = {"anshan": anshan, "haicheng": haicheng}
    first = ensure_consultations(agencies, admin)
    counts = (Message.objects.count(), FaqEntry.objects.count(),
              ViolationReport.objects.count())
    second = ensure_consultations(agencies, admin)
    assert (Message.objects.count(), FaqEntry.objects.count(),
            ViolationReport.objects.count()) == counts
    assert first.created == counts[0] and second.created == 0 and second.kept == counts[0]
    assert set(Message.objects.values_list("kind", flat=True)) == {
        "consultation", "complaint", "suggestion"}
    assert set(Message.objects.values_list("status", flat=True)) == {
        "pending", "drafted", "reviewed", "replied", "rejected"}
    assert Message.objects.filter(published_at__isnull=False).exclude(rating="").exists()
    assert Message.objects.filter(received_by=anshan, agency=haicheng).exists()  # forwarded
    assert ViolationReport.objects.get().anonymous is False


def test_the_api_serves_only_published_masked_exchanges_and_figures(client, anshan, editor,
                                                                   reviewer):
    published = services.publish(replied(anshan, editor, reviewer, key="a",
                                         body="我是张伟，电话13812345678，想咨询数据。"),
                                 by=editor)
    replied(anshan, editor, reviewer, key="b", title="未公开")
    submit(anshan, "c")
    rows = client.get("/api/v1/consultations/anshan/exchanges").json()
    assert [r["number"] for r in rows] == [published.number]
    assert "张伟" not in rows[0]["body"] and "13812345678" not in rows[0]["body"]
    figures = client.get("/api/v1/consultations/anshan/figures/2026").json()
    assert (figures["received"], figures["answered"], figures["open"]) == (3, 2, 1)
