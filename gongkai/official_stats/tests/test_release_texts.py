"""Release texts cite data through blocks: the numbers come from the release, a reference
that does not resolve is refused, and a later revision never changes an old text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from gongkai.core.models import Agency
from gongkai.official_stats import services
from gongkai.official_stats.enums import TextKind
from gongkai.official_stats.models import Release
from gongkai.official_stats.rendering import render_text
from gongkai.official_stats.services import ServiceError
from gongkai.official_stats.tests.core_data import AT, NOW, csv_bytes, make_codes


@pytest.fixture
def release(anshan: Agency, db: Any) -> Release:
    make_codes()
    with time_machine.travel(NOW, tick=False):
        release = services.create_release(None, anshan, title="三月", scheduled_at=AT)
        services.load_file(None, release, "d.csv", csv_bytes(
            "T01.RETAIL,210300,2026M03,77.70,初步,", "T01.IND,210381,2026M01-M03,5.3,,"))
    return release


def save(release: Release, *blocks: tuple[str, Any]) -> Any:
    with time_machine.travel(NOW, tick=False):
        return services.save_text(None, release, kind=TextKind.BULLETIN, title="公报",
                                  body=list(blocks))


def test_the_text_shows_the_published_value_with_its_decimals_and_status(
        release: Release) -> None:
    text = save(release, ("data_text", "零售总额{T01.RETAIL|210300|2026年3月}。"),
                ("data_table", {"caption": "工业", "indicators": "T01.IND",
                                "regions": "210381", "period": "2026年1-3月"}))
    html = render_text(text)
    assert "零售总额" in html
    assert ">77.70亿元</data>（初步）" in html
    assert "<caption>工业（2026年1—3月）</caption>" in html
    assert '<th scope="col">海城市</th>' in html
    assert ">5.3</data>" in html


@pytest.mark.parametrize("block", [
    ("data_text", "{T01.RETAIL|210300|2026M04}"),
    ("data_text", "{NOPE|210300|2026M03}"),
    ("data_table", {"caption": "x", "indicators": "T01.RETAIL", "regions": "999",
                    "period": "2026M03"}),
    ("data_table", {"caption": "x", "indicators": "T01.RETAIL", "regions": "210300",
                    "period": "M3"}),
])
def test_a_reference_that_does_not_resolve_is_refused(release: Release,
                                                      block: tuple[str, Any]) -> None:
    with pytest.raises(ServiceError):
        save(release, block)
    assert not release.texts.exists()


def test_a_later_revision_does_not_change_what_the_old_text_said(release: Release) -> None:
    text = save(release, ("data_text", "{T01.RETAIL|210300|2026M03}"))
    with time_machine.travel(AT + dt.timedelta(days=1), tick=False):
        revision = services.create_revision(None, release, title="修订", notice="年报修订",
                                            scheduled_at=AT + dt.timedelta(days=10))
        services.load_file(None, revision, "r.csv",
                           csv_bytes("T01.RETAIL,210300,2026M03,80.0,,"))
        revised_text = services.save_text(None, revision, kind=TextKind.BULLETIN,
                                          title="修订后", body=[
                                              ("data_text", "{T01.RETAIL|210300|2026M03}")])
    assert ">77.70" in render_text(text)
    assert ">80.0" in render_text(revised_text)
