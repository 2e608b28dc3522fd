"""Demo 统计执法公开 for 鞍山市统计局: the 2026 “双随机” plan with its lists, a completed
verifiable draw with its results in the catalog, and a few 行政处罚决定.

Everything goes through gongkai.enforcement.services with explicit dates. The enterprises
and people are invented (“示例”, “（虚构）”); their 统一社会信用代码 pass the GB 32100 check
but use the serial block MA0DEMxxx, so they are recognisably demo data. The draw's seed
value is an invented lottery result, labelled as such on the plan. The 抽查事项 follow
国家统计局《统计执法“双随机”抽查办法（试行）》(2017) as summarised in
/work/shared/reference/requests-and-participation.md §5.1.

Idempotent: a plan that exists is completed, not duplicated; a decision whose 案号 exists
is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from gongkai.core.models import Agency
from gongkai.core.validators import uscc_check_char
from gongkai.enforcement import services
from gongkai.enforcement.enums import CatalogKind, InspectionOutcome, PartyKind
from gongkai.enforcement.models import InspectionPlan, PenaltyDecision

CITY = "anshan"
YEAR = 2026
TZ = ZoneInfo("Asia/Shanghai")
FROZEN_AT = dt.datetime(2026, 5, 8, 10, 0, tzinfo=TZ)
DRAWN_AT = dt.datetime(2026, 5, 11, 9, 30, tzinfo=TZ)
SEED_SOURCE = "中国福利彩票双色球第2026053期（2026年5月10日开奖）开奖号码"
SEED_VALUE = "红球 04 09 13 22 27 31 蓝球 12（示例数值，虚构）"
ITEMS = ("依法设置原始记录、统计台账情况\n按时、如实报送统计资料情况\n"
         "统计资料审核、签署、交接、归档等管理制度执行情况\n配合统计调查、接受统计检查情况")
DIVISIONS = (("210302", "铁东区"), ("210303", "铁西区"), ("210304", "立山区"),
             ("210311", "千山区"), ("210381", "海城市"), ("210321", "台安县"),
             ("210323", "岫岩满族自治县"))
TRADES = (("钢材加工", "制造业"), ("机械制造", "制造业"), ("建材", "制造业"),
          ("商贸", "批发和零售业"), ("物流", "交通运输、仓储和邮政业"),
          ("建筑工程", "建筑业"), ("菱镁制品", "制造业"), ("食品", "制造业"))
INSPECTOR_NAMES = ("示例执法员甲", "示例执法员乙", "示例执法员丙", "示例执法员丁",
                   "示例执法员戊", "示例执法员己", "示例执法员庚", "示例执法员辛",
                   "示例执法员壬", "示例执法员癸")


def demo_uscc(division: str, n: int) -> str:
    first17 = f"91{division}MA0DEM{n:03d}"
    return first17 + uscc_check_char(first17)


def enterprises_csv() -> bytes:
    lines = ["统一社会信用代码,企业名称,所在地区,行业"]
    for n in range(1, 49):
        code, region = DIVISIONS[n % len(DIVISIONS)]
        trade, industry = TRADES[n % len(TRADES)]
        lines.append(f"{demo_uscc(code, n)},{region}示例{trade}有限公司{n:02d}（虚构）,"
                     f"{region},{industry}")
    return ("\n".join(lines) + "\n").encode()


def inspectors_csv() -> bytes:
    lines = ["执法证号,姓名,所在单位"]
    for n, name in enumerate(INSPECTOR_NAMES, start=1):
        unit = "鞍山市统计局" if n <= 6 else "鞍山市统计局执法监督科"
        lines.append(f"210300{2026}{n:04d},{name},{unit}")
    return ("\n".join(lines) + "\n").encode()


def ensure_enforcement(agencies: dict[str, Agency], admin: Any) -> None:
    agency = agencies[CITY]
    plan = _plan(agency, admin)
    freeze = plan.freezes.order_by("frozen_at").first()
    draw = freeze.draws.order_by("sequence").first() if freeze is not None else None
    if draw is None:
        freeze = freeze or services.freeze_lists(
            plan, seed_source=SEED_SOURCE, by=admin, now=FROZEN_AT,
            seed_source_url="https://www.cwl.gov.cn/")
        draw = services.run_draw(freeze, seed_value=SEED_VALUE, by=admin, now=DRAWN_AT)
        _results(draw, admin)
    if not plan.publications.filter(kind=CatalogKind.PLAN).exists():
        services.publish_plan(plan, by=admin, publish=True, formed_on=dt.date(2026, 4, 20))
    if not plan.publications.filter(kind=CatalogKind.RESULTS).exists():
        from django.urls import reverse

        services.publish_results(draw, by=admin, publish=True, formed_on=dt.date(2026, 6, 30),
                                 public_url=reverse("enforcement:draw",
                                                    args=[agency.slug, draw.sequence]))
    _penalties(agency, admin)
    _link_column(agency, admin)


def _link_column(agency: Agency, admin: Any) -> None:
    """The 行政执法 column points to the draws and decisions (kept on their own pages)."""
    from django.urls import reverse

    from gongkai.catalog.models import ColumnPage

    if agency.home_page is None:
        return
    column = ColumnPage.objects.descendant_of(agency.home_page).filter(slug="xzzf").first()
    url = reverse("enforcement:index", args=[agency.slug])
    if column is None or url in column.intro:
        return
    column.intro = (f'<p>统计执法“双随机、一公开”抽查计划、可验证的抽查摇号记录和行政处罚决定见'
                    f'<a href="{url}">统计执法公开</a>。</p>')
    column.save_revision(user=admin).publish(user=admin)


def _plan(agency: Agency, admin: Any) -> InspectionPlan:
    plan = InspectionPlan.objects.filter(agency=agency, year=YEAR).first()
    if plan is None:
        plan = services.create_plan(
            agency=agency, year=YEAR, items=ITEMS,
            title=f"{agency.name}{YEAR}年度统计执法“双随机、一公开”抽查计划",
            by=admin, is_demo=True, sample_size=8, team_size=2,
            scope="检查对象名录库为本市“四上”企业中的示例企业（48家，虚构）；"
                  "按不低于15%的比例随机抽取8家。",
            schedule="2026年5月至6月实施检查，6月30日前公开抽查结果。")
    if not plan.enterprises.exists():
        services.load_enterprises(plan, filename="检查对象名录.csv", data=enterprises_csv(),
                                  by=admin)
    if not plan.inspectors.exists():
        services.load_inspectors(plan, filename="执法检查人员名录.csv", data=inspectors_csv(),
                                 by=admin)
    if not plan.exclusions.exists():
        # Chosen so that the demo draw shows a skip (the pair would otherwise be drawn
        # together under the demo agency's code and seed).
        services.add_exclusion(plan, cert_no="21030020260005", uscc=demo_uscc("210304", 2),
                               reason="近亲属在该企业任职（示例）", by=admin)
    return plan


def _results(draw: Any, admin: Any) -> None:
    outcomes = [InspectionOutcome.NO_PROBLEM] * len(draw.assignments)
    outcomes[2] = InspectionOutcome.CORRECTED
    outcomes[5] = InspectionOutcome.CASE_OPENED
    notes = {InspectionOutcome.CORRECTED: "未按规定设置统计台账，已责令限期改正（示例）",
             InspectionOutcome.CASE_OPENED: "涉嫌虚报统计资料，已立案调查（示例）"}
    for n, (assignment, outcome) in enumerate(zip(draw.assignments, outcomes, strict=True)):
        services.record_result(draw, uscc=assignment["uscc"], outcome=outcome, by=admin,
                               inspected_on=dt.date(2026, 5, 18) + dt.timedelta(days=2 * n),
                               note=notes.get(outcome, ""))


def _decision(agency: Agency, admin: Any, data: services.PenaltyData,
              published: dt.date | None) -> PenaltyDecision | None:
    if PenaltyDecision.objects.filter(agency=agency, case_number=data.case_number).exists():
        return None
    decision = services.record_penalty(agency=agency, data=data, by=admin, is_demo=True)
    if published is not None:
        decision = services.publish_penalty(
            decision, by=admin, now=dt.datetime.combine(published, dt.time(10), tzinfo=TZ))
    return decision


def _penalties(agency: Agency, admin: Any) -> None:
    basis = "《中华人民共和国统计法》第四十一条第二款第（二）项"
    _decision(agency, admin, services.PenaltyData(
        case_number="鞍统罚决字〔2026〕1号", party_kind=PartyKind.ORGANISATION,
        party_name="立山区示例建材有限公司09（虚构）", party_code=demo_uscc("210304", 9),
        facts="经查，该公司在2025年统计年报中虚报营业收入，虚报率为37.6%。",
        legal_basis=basis, penalty="警告，并处罚款人民币五万元。",
        fine_amount=Decimal("50000"), decided_on=dt.date(2026, 7, 14)), dt.date(2026, 7, 20))
    _decision(agency, admin, services.PenaltyData(
        case_number="鞍统罚决字〔2026〕2号", party_kind=PartyKind.NATURAL_PERSON,
        party_name="王示例",
        facts="当事人王示例作为铁西区示例商贸有限公司11（虚构）统计负责人，"
              "于2026年3月指使统计人员篡改月度统计报表。联系电话13904125678（示例）。",
        legal_basis="《中华人民共和国统计法》第三十七条、第四十一条",
        penalty="对王示例处以警告，并处罚款人民币一万元。", fine_amount=Decimal("10000"),
        decided_on=dt.date(2026, 8, 3)), dt.date(2026, 8, 7))
    revoked = _decision(agency, admin, services.PenaltyData(
        case_number="鞍统罚决字〔2026〕3号", party_kind=PartyKind.ORGANISATION,
        party_name="海城市示例菱镁制品有限公司13（虚构）", party_code=demo_uscc("210381", 13),
        facts="经查，该公司未按规定设置原始记录和统计台账，经责令改正拒不改正。",
        legal_basis="《中华人民共和国统计法》第四十二条", penalty="警告，并处罚款人民币二万元。",
        fine_amount=Decimal("20000"), decided_on=dt.date(2026, 9, 1)), dt.date(2026, 9, 4))
    if revoked is not None:
        services.revoke_penalty(
            revoked, by=admin, on=dt.date(2026, 10, 27),
            notice="经行政复议，复议机关以认定事实不清为由撤销该处罚决定，"
                   "本机关依法撤回公开信息（示例）。")
    today = timezone.localdate()
    _decision(agency, admin, services.PenaltyData(
        case_number=f"鞍统罚决字〔{today.year}〕9号", party_kind=PartyKind.ORGANISATION,
        party_name="铁东区示例物流有限公司04（虚构）", party_code=demo_uscc("210302", 4),
        facts="该公司拒绝提供统计检查所需的原始记录和凭证。", legal_basis=basis,
        penalty="警告。", decided_on=today - dt.timedelta(days=2)), None)
