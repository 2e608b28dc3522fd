"""行政处罚决定: the 7-working-day deadline, masking, change and revocation with notices,
the one visibility rule, search, and the figures for the annual report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from gongkai.core.search.indexing import process_outbox
from gongkai.core.search.service import search
from gongkai.core.text.pii import id_check_digit
from gongkai.core.workdays import WorkdayCalendar, YearSchedule
from gongkai.enforcement import rules, selectors, services
from gongkai.enforcement.enums import PartyKind, PenaltyStatus, PublicationState
from gongkai.enforcement.models import PenaltyEvent
from gongkai.enforcement.tests.factories import uscc

ID_NUMBER = "21030219900101123" + id_check_digit("21030219900101123")
NOW = dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)
# 2026 国庆: 10-01..10-07 off (the fixture calendar need not be the official one).
CALENDAR = WorkdayCalendar.from_schedules([YearSchedule(
    2026, frozenset(dt.date(2026, 10, d) for d in range(1, 8)), frozenset())])


def test_the_deadline_is_seven_working_days_after_the_decision_skipping_holidays():
    due = rules.publication_deadline(decided_on=dt.date(2026, 9, 29), published_on=None,
                                     today=dt.date(2026, 9, 30), calendar=CALENDAR)
    # 9-30 (1), 10-8 (2), 10-9 (3), 10-12..10-15 (4-7)
    assert due.due == dt.date(2026, 10, 15) and due.state == PublicationState.DUE


@pytest.mark.parametrize(("published_on", "today", "state"), [
    (None, dt.date(2026, 10, 15), PublicationState.DUE),
    (None, dt.date(2026, 10, 16), PublicationState.OVERDUE),
    (dt.date(2026, 10, 15), dt.date(2026, 11, 1), PublicationState.ON_TIME),
    (dt.date(2026, 10, 16), dt.date(2026, 11, 1), PublicationState.LATE),
])
def test_the_admin_state_follows_the_deadline(published_on, today, state):
    result = rules.publication_deadline(decided_on=dt.date(2026, 9, 29),
                                        published_on=published_on, today=today,
                                        calendar=CALENDAR)
    assert result.state == state


def test_a_natural_persons_name_is_masked_everywhere_and_personal_data_too():
    copy = rules.public_copy(
        party_kind=PartyKind.NATURAL_PERSON, party_name="王小明",
        facts="王小明在担任统计人员期间伪造统计资料，联系电话13904121234。",
        basis="《中华人民共和国统计法》第四十一条", penalty="对王小明处以罚款5000元。")
    assert copy.party == "王**"
    assert "王小明" not in copy.facts + copy.penalty
    assert "139****1234" in copy.facts
    assert copy.basis == "《中华人民共和国统计法》第四十一条"


def test_an_organisation_keeps_its_name():
    copy = rules.public_copy(party_kind=PartyKind.ORGANISATION, party_name="鞍山某某钢材有限公司",
                             facts="鞍山某某钢材有限公司虚报统计资料。", basis="统计法",
                             penalty="警告")
    assert copy.party == "鞍山某某钢材有限公司" and copy.facts.startswith("鞍山某某钢材")


def person(case: str = "鞍统罚决字〔2026〕1号", decided_on: dt.date = dt.date(2026, 10, 12)
           ) -> services.PenaltyData:
    return services.PenaltyData(
        case_number=case, party_kind=PartyKind.NATURAL_PERSON, party_name="李建国",
        facts="李建国作为统计负责人，指使他人篡改统计资料，身份证号" + ID_NUMBER + "。",
        legal_basis="《中华人民共和国统计法》第三十七条", penalty="对李建国处以警告。",
        decided_on=decided_on)


def company(case: str, decided_on: dt.date, fine: str = "20000") -> services.PenaltyData:
    return services.PenaltyData(
        case_number=case, party_kind=PartyKind.ORGANISATION, party_name="鞍山示例化工有限公司",
        party_code=uscc(77), facts="该公司2025年统计年报虚报营业收入。",
        legal_basis="《中华人民共和国统计法》第四十一条", penalty=f"罚款{fine}元。",
        decided_on=decided_on, fine_amount=Decimal(fine))


pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_recorded_decision_is_invisible_until_published_and_then_masked(
        frozen_time, client, anshan, approver):
    decision = services.record_penalty(agency=anshan, data=person(), by=approver)
    url = reverse("enforcement:penalty", args=[anshan.slug, decision.pk])
    assert client.get(url).status_code == 404
    assert decision not in selectors.public_decisions()
    services.publish_penalty(decision, by=approver)
    page = client.get(url).content.decode()
    assert "李**" in page and "李建国" not in page and ID_NUMBER not in page
    listing = client.get(reverse("enforcement:penalties", args=[anshan.slug])).content.decode()
    assert "鞍统罚决字〔2026〕1号" in listing


def test_a_published_decision_is_found_by_search_and_a_revoked_one_is_not(
        frozen_time, anshan, approver):
    decision = services.record_penalty(agency=anshan, data=company("鞍统罚〔2026〕9号",
                                                                   dt.date(2026, 10, 12)),
                                       by=approver)
    services.publish_penalty(decision, by=approver)
    process_outbox(now=NOW)
    assert any("鞍统罚〔2026〕9号" in hit.title for hit in search("示例化工").hits)
    services.revoke_penalty(decision, notice="经行政复议，该处罚决定被撤销，依法撤回公开信息。",
                            on=dt.date(2026, 10, 19), by=approver)
    process_outbox(now=NOW)
    assert not search("示例化工").hits


def test_revocation_withdraws_the_content_and_publishes_the_reason(
        frozen_time, client, anshan, approver):
    decision = services.record_penalty(agency=anshan, data=company("鞍统罚〔2026〕3号",
                                                                   dt.date(2026, 10, 12)),
                                       by=approver)
    services.publish_penalty(decision, by=approver)
    services.revoke_penalty(decision, notice="经行政复议，该处罚决定被撤销，依法撤回公开信息。",
                            on=dt.date(2026, 10, 19), by=approver)
    page = client.get(reverse("enforcement:penalty", args=[anshan.slug, decision.pk])
                      ).content.decode()
    assert "该决定已撤销" in page and "经行政复议" in page
    assert "虚报营业收入" not in page
    with pytest.raises(services.ServiceError):
        services.revoke_penalty(decision, notice="再次撤销说明再次撤销说明",
                                on=dt.date(2026, 10, 19), by=approver)
    kinds = list(PenaltyEvent.objects.filter(decision=decision).values_list("kind", flat=True))
    assert kinds == ["recorded", "published", "revoked"]


def test_a_change_updates_the_public_copy_and_keeps_the_old_text_in_the_history(
        frozen_time, client, anshan, approver):
    decision = services.record_penalty(agency=anshan, data=company("鞍统罚〔2026〕4号",
                                                                   dt.date(2026, 10, 12)),
                                       by=approver)
    services.publish_penalty(decision, by=approver)
    with pytest.raises(services.ServiceError, match="变更说明"):
        services.change_penalty(decision, changes={"penalty": "罚款1万元。"}, notice="改",
                                on=dt.date(2026, 10, 16), by=approver)
    services.change_penalty(decision, changes={"penalty": "罚款10000元。",
                                               "fine_amount": Decimal("10000")},
                            notice="经行政复议决定，罚款金额变更为10000元。",
                            on=dt.date(2026, 10, 16), by=approver)
    decision.refresh_from_db()
    assert decision.status == PenaltyStatus.CHANGED
    assert decision.published_penalty == "罚款10000元。"
    page = client.get(reverse("enforcement:penalty", args=[anshan.slug, decision.pk])
                      ).content.decode()
    assert "罚款金额变更为10000元" in page and "罚款20000元" not in page
    history = PenaltyEvent.objects.filter(decision=decision).order_by("at", "id")
    assert history[1].snapshot["penalty"] == "罚款20000元。"


def test_the_annual_report_counts_decisions_made_in_the_year(frozen_time, anshan, haicheng,
                                                             approver):
    services.record_penalty(agency=anshan, data=company("A〔2026〕1号", dt.date(2026, 3, 2)),
                            by=approver)
    revoked = services.record_penalty(agency=anshan,
                                      data=company("A〔2026〕2号", dt.date(2026, 6, 1), "5000"),
                                      by=approver)
    services.revoke_penalty(revoked, notice="本机关自行纠正，撤销该处罚决定并撤回信息。",
                            on=dt.date(2026, 6, 9), by=approver)
    services.record_penalty(agency=anshan, data=company("A〔2025〕9号", dt.date(2025, 12, 31)),
                            by=approver)
    figures = selectors.penalty_figures(anshan, 2026)
    assert (figures.penalty_decisions, figures.revoked, figures.compulsory_measures) == (2, 1, 0)
    assert figures.fines_total == Decimal("20000")
    assert selectors.penalty_figures(haicheng, 2026).penalty_decisions == 0
    assert [d.case_number for d in selectors.decisions_in_year(anshan, 2026)] == [
        "A〔2026〕1号", "A〔2026〕2号"]


def test_it_refuses_a_code_for_a_natural_person_and_a_bad_code_for_an_organisation(
        frozen_time, anshan, approver):
    with pytest.raises(services.ServiceError, match="自然人"):
        services.record_penalty(agency=anshan, data=services.PenaltyData(
            **{**person().__dict__, "party_code": "210302199001011234"}), by=approver)
    with pytest.raises(services.ServiceError, match="校验"):
        services.record_penalty(agency=anshan, data=services.PenaltyData(
            **{**company("X", dt.date(2026, 10, 1)).__dict__,
               "party_code": "91210300MA00000010"}), by=approver)


def test_the_sitemap_lists_only_published_decisions(frozen_time, client, anshan, approver):
    shown = services.record_penalty(agency=anshan, data=company("S〔2026〕1号",
                                                                dt.date(2026, 10, 12)),
                                    by=approver)
    hidden = services.record_penalty(agency=anshan, data=company("S〔2026〕2号",
                                                                 dt.date(2026, 10, 12)),
                                     by=approver)
    services.publish_penalty(shown, by=approver)
    body = client.get("/sitemap.xml").content.decode()
    assert f"/zfgk/{anshan.slug}/xzcf/{shown.pk}/" in body
    assert f"/zfgk/{anshan.slug}/xzcf/{hidden.pk}/" not in body
