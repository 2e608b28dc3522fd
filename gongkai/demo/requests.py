"""Demo 依申请公开 cases: about 40 invented applications across the demo agencies, in every
state and with every outcome of table 三, created through the services with explicit
dates so that the clock, the event log and the caches agree.

* Closed cases use fixed dates in 2025–2026, several across 春节 and 国庆 (the clock counts
  the 调休 days); open cases are placed relative to the day of loading, so that the queue
  always has overdue, at-risk and fresh cases.
* Applicants are obviously invented (“示例申请人甲”…; organisations marked （虚构）). Their
  居民身份证 numbers pass the checksum but all use region 210300 and birth date 1990-01-01,
  so they are recognisably demo data (docs/demo.md).
* Idempotent: each case has a fixed idempotency key; a case that exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from gongkai.core.models import Agency
from gongkai.core.text.pii import id_check_digit
from gongkai.info_requests import fees, publication, services
from gongkai.info_requests.enums import (
    ApplicantType,
    Channel,
    DeliveryMethod,
    EventKind,
    FeeMethod,
    IdType,
    Outcome,
    ProvisionForm,
)
from gongkai.info_requests.models import Application

DEMO_REGION = "210300"
DEMO_BIRTH = "19900101"
KEY_PREFIX = "demo-ysq-"
STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def demo_id_number(n: int) -> str:
    """A 居民身份证 number that passes the checksum but is plainly demo data."""
    first17 = f"{DEMO_REGION}{DEMO_BIRTH}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def applicant(n: int, description: str, kind: ApplicantType) -> services.ApplicantData:
    if kind == ApplicantType.NATURAL_PERSON:
        return services.ApplicantData(
            applicant_type=kind, name=f"示例申请人{STEMS[n % len(STEMS)]}{n:02d}",
            id_type=IdType.RESIDENT_ID, id_number=demo_id_number(n),
            phone=f"1390412{n:04d}", address=f"辽宁省鞍山市示例路{n}号", postcode="114000",
            description=description, provision_form=ProvisionForm.PAPER,
            delivery_method=DeliveryMethod.POST)
    return services.ApplicantData(
        applicant_type=kind, name=f"示例{STEMS[n % len(STEMS)]}{kind.label}（虚构）",
        contact_person=f"示例联系人{n:02d}", phone=f"0412-555{n:04d}",
        description=description, provision_form=ProvisionForm.EMAIL,
        delivery_method=DeliveryMethod.EMAIL)


# --- The cases ---------------------------------------------------------------------------------

# A step: (kind, day, data). ``day`` is a date for fixed cases, or the number of days
# before the day of loading for relative ones. Kinds: an EventKind value, or "confirm",
# "reply", "withdraw", "letter" (a filled-in reply letter), "publish", "assign".
Step = tuple[str, Any, dict[str, Any]]


@dataclass(frozen=True)
class DemoCase:
    key: str
    agency: str
    description: str
    submitted: Any  # date, or days before the day of loading
    steps: tuple[Step, ...] = ()
    channel: Channel = Channel.IN_PERSON
    kind: ApplicantType = ApplicantType.NATURAL_PERSON
    tags: frozenset[str] = field(default_factory=frozenset)


D = dt.date
R = Outcome
ORG = ApplicantType


def reply(outcome: Outcome, on: Any) -> Step:
    return ("reply", on, {"outcome": outcome.value})


def fee_notice(on: Any, pages: int, pay_by: Any) -> Step:
    quote = fees.quote(FeeMethod.PER_VOLUME, pages=pages)
    return (EventKind.FEE_NOTICE_SENT, on, {"method": FeeMethod.PER_VOLUME.value,
                                             "units": pages, "amount": str(quote.amount),
                                             "pay_by": pay_by})


CORRECTION = {"items": ["请写明所需信息的年份", "请写明所需信息的文号或标题"]}

CASES: tuple[DemoCase, ...] = (
    # Closed, one per outcome of table 三 (the two lapse outcomes by their events).
    DemoCase("01", "anshan", "2024年鞍山市国民经济和社会发展统计公报的编制说明", D(2025, 3, 3),
             (("letter", D(2025, 3, 20), {"outcome": R.GRANTED.value}),
              reply(R.GRANTED, D(2025, 3, 20)), ("publish", D(2025, 3, 21), {}))),
    DemoCase("02", "anshan", "2024年规模以上工业企业主要指标分行业数据", D(2026, 2, 11),
             (("letter", D(2026, 3, 6), {"outcome": R.PARTIALLY_GRANTED.value}),
              reply(R.PARTIALLY_GRANTED, D(2026, 3, 6)), ("publish", D(2026, 3, 9), {})),
             kind=ORG.RESEARCH_INSTITUTION, tags=frozenset({"spring_festival"})),
    DemoCase("03", "anshan", "2025年统计执法检查中涉密的统计调查方案", D(2025, 4, 7),
             (reply(R.WITHHELD_STATE_SECRET, D(2025, 4, 25)),)),
    DemoCase("04", "haicheng", "某企业统计报表中的原始数据", D(2025, 5, 12),
             (reply(R.WITHHELD_PROHIBITED_BY_LAW, D(2025, 5, 30)),)),
    DemoCase("05", "haicheng", "辖区重点企业安全生产风险评估底数", D(2025, 6, 2),
             (reply(R.WITHHELD_THREE_SECURITIES_ONE_STABILITY, D(2025, 6, 20)),)),
    DemoCase("06", "taian", "某商贸公司2024年销售额和纳税数据", D(2025, 9, 26),
             ((EventKind.THIRD_PARTY_CONSULTATION_STARTED, D(2025, 9, 29),
               {"party": "示例商贸有限公司（虚构）"}),
              (EventKind.THIRD_PARTY_CONSULTATION_ENDED, D(2025, 10, 14),
               {"party": "示例商贸有限公司（虚构）"}),
              reply(R.WITHHELD_THIRD_PARTY_RIGHTS, D(2025, 10, 31))),
             kind=ORG.COMMERCIAL_ENTERPRISE, tags=frozenset({"national_day", "consultation"})),
    DemoCase("07", "taian", "本局2025年度人事考核内部管理规定", D(2025, 7, 1),
             (reply(R.WITHHELD_INTERNAL_AFFAIRS, D(2025, 7, 18)),)),
    DemoCase("08", "xiuyan", "2025年统计工作会议讨论记录和内部请示", D(2025, 8, 4),
             (reply(R.WITHHELD_PROCESS_INFORMATION, D(2025, 8, 22)),)),
    DemoCase("09", "xiuyan", "对某企业统计违法案件的全部案卷材料", D(2025, 9, 1),
             (reply(R.WITHHELD_ENFORCEMENT_FILE, D(2025, 9, 19)),)),
    DemoCase("10", "tiedong", "查询本人是否被列入统计严重失信企业名单", D(2025, 10, 9),
             (reply(R.WITHHELD_ADMINISTRATIVE_QUERY, D(2025, 10, 30)),),
             tags=frozenset({"national_day"})),
    DemoCase("11", "tiedong", "2010年以前的全区人口普查原始登记表", D(2026, 1, 5),
             (("letter", D(2026, 1, 23), {"outcome": R.NOT_HELD.value}),
              reply(R.NOT_HELD, D(2026, 1, 23)), ("publish", D(2026, 1, 26), {}))),
    DemoCase("12", "tiexi", "按街道、按月份重新汇总的2025年社会消费品零售额", D(2026, 2, 12),
             (reply(R.NEEDS_CREATION, D(2026, 3, 12)),), tags=frozenset({"spring_festival"})),
    DemoCase("13", "tiexi", "相关统计文件", D(2025, 11, 3),
             ((EventKind.CORRECTION_REQUESTED, D(2025, 11, 5), CORRECTION),
              (EventKind.CORRECTION_RECEIVED, D(2025, 11, 14), {}),
              reply(R.STILL_UNCLEAR_AFTER_CORRECTION, D(2025, 12, 5))),
             tags=frozenset({"correction"})),
    DemoCase("14", "lishan", "举报某单位统计数据造假并要求查处", D(2025, 12, 1),
             (reply(R.PETITION_OR_COMPLAINT, D(2025, 12, 12)),)),
    DemoCase("15", "lishan", "2024年鞍山市国民经济和社会发展统计公报的编制说明（再次申请）",
             D(2025, 4, 1), (reply(R.REPEATED_APPLICATION, D(2025, 4, 15)),)),
    DemoCase("16", "qianshan", "《鞍山统计年鉴2025》纸质版一册", D(2026, 1, 12),
             (reply(R.PUBLICATION_REQUESTED, D(2026, 1, 20)),)),
    DemoCase("17", "qianshan", "2000年以来每月全部统计报表（本月第35件同类申请）",
             D(2026, 3, 2),
             ((EventKind.REASONS_REQUESTED, D(2026, 3, 4), {}),
              reply(R.EXCESSIVE_WITHOUT_REASON, D(2026, 4, 10)))),
    DemoCase("18", "anshan", "请确认此前答复中的统计数据是否真实并重新盖章", D(2026, 5, 6),
             (reply(R.CONFIRMATION_REQUESTED, D(2026, 5, 15)),)),
    DemoCase("19", "haicheng", "统计资料", D(2026, 4, 1),
             ((EventKind.CORRECTION_REQUESTED, D(2026, 4, 3),
               {**CORRECTION, "deadline": D(2026, 4, 24)}),
              (EventKind.CORRECTION_LAPSED, D(2026, 4, 27), {})),
             tags=frozenset({"correction"})),
    DemoCase("20", "taian", "2015—2025年全县农业普查全部汇总表（约240页）", D(2026, 5, 11),
             (fee_notice(D(2026, 5, 14), 240, D(2026, 6, 11)),
              (EventKind.FEE_DEADLINE_LAPSED, D(2026, 6, 12), {})),
             tags=frozenset({"fee"})),
    DemoCase("21", "xiuyan", "2025年统计信息化项目的采购合同（已由财政部门公开）", D(2026, 6, 1),
             (reply(R.OTHER, D(2026, 6, 12)),)),
    # More closed cases: fees paid, extension, consultation of another agency, 当场答复, online.
    DemoCase("22", "anshan", "2020—2025年全市分县区常住人口数据（约150页）", D(2025, 9, 24),
             (fee_notice(D(2025, 9, 26), 150, D(2025, 10, 24)),
              (EventKind.FEE_PAID, D(2025, 10, 13), {}),
              reply(R.GRANTED, D(2025, 10, 31))),
             kind=ORG.LEGAL_SERVICE_PROVIDER, tags=frozenset({"fee", "national_day"})),
    DemoCase("23", "haicheng", "2025年海城市居民人均可支配收入的计算口径", D(2026, 2, 9),
             ((EventKind.EXTENSION_APPROVED, D(2026, 3, 5), {"days": 15}),
              (EventKind.EXTENSION_NOTIFIED, D(2026, 3, 6), {}),
              reply(R.GRANTED, D(2026, 3, 20))),
             tags=frozenset({"extension", "spring_festival"})),
    DemoCase("24", "tiedong", "2025年铁东区重点项目投资完成情况", D(2026, 9, 28),
             ((EventKind.AGENCY_CONSULTATION_STARTED, D(2026, 9, 29),
               {"party": "鞍山市铁东区发展和改革局（示例）"}),
              (EventKind.AGENCY_CONSULTATION_ENDED, D(2026, 10, 16),
               {"party": "鞍山市铁东区发展和改革局（示例）"}),
              reply(R.PARTIALLY_GRANTED, D(2026, 10, 30))),
             tags=frozenset({"consultation", "national_day"})),
    DemoCase("25", "tiexi", "统计专业技术资格考试报名时间", D(2026, 4, 8),
             (("reply_on_the_spot", D(2026, 4, 8), {"outcome": R.GRANTED.value}),)),
    DemoCase("26", "lishan", "2025年立山区统计公报", D(2026, 4, 20),
             (("confirm", D(2026, 4, 21), {}), reply(R.GRANTED, D(2026, 5, 8))),
             channel=Channel.ONLINE, kind=ORG.PUBLIC_INTEREST_ORGANIZATION),
    DemoCase("27", "qianshan", "2025年千山区人口抽样调查结果", D(2026, 6, 15),
             (("withdraw", D(2026, 6, 22), {}),)),
    DemoCase("28", "anshan", "2025年全市规模以上服务业营业收入", D(2026, 9, 25),
             (("confirm", D(2026, 9, 27), {}), reply(R.GRANTED, D(2026, 10, 23))),
             channel=Channel.FAX, kind=ORG.OTHER_ORGANIZATION, tags=frozenset({"national_day"})),
    # Open cases, relative to the day of loading.
    DemoCase("31", "anshan", "2025年全市统计执法检查计划", 2, channel=Channel.ONLINE),
    DemoCase("32", "haicheng", "2025年海城市城镇新增就业人数", 1, channel=Channel.ORDINARY_LETTER),
    DemoCase("33", "anshan", "2026年上半年全市居民消费价格指数", 55,
             (("assign", 54, {"username": "anshan_editor"}),), tags=frozenset({"overdue"})),
    DemoCase("34", "taian", "2025年台安县粮食产量调查结果", 45, tags=frozenset({"overdue"})),
    DemoCase("35", "tiedong", "2026年铁东区固定资产投资月度数据", 26,
             tags=frozenset({"at_risk"})),
    DemoCase("36", "xiuyan", "2026年岫岩县旅游收入统计方法", 3),
    DemoCase("37", "tiexi", "统计信息", 9,
             ((EventKind.CORRECTION_REQUESTED, 7, CORRECTION),), tags=frozenset({"correction"})),
    DemoCase("38", "lishan", "某物业公司2025年营业收入", 16,
             ((EventKind.THIRD_PARTY_CONSULTATION_STARTED, 11,
               {"party": "示例物业服务有限公司（虚构）"}),),
             tags=frozenset({"consultation"})),
    DemoCase("39", "qianshan", "2026年千山区农村居民人均可支配收入", 21,
             ((EventKind.EXTENSION_APPROVED, 7, {"days": 20}),
              (EventKind.EXTENSION_NOTIFIED, 6, {})), tags=frozenset({"extension"})),
    DemoCase("40", "anshan", "2015年以来全市各行业法人单位名录（约120页）", 12,
             (fee_notice(5, 120, -15),), kind=ORG.COMMERCIAL_ENTERPRISE,
             tags=frozenset({"fee"})),
    DemoCase("41", "haicheng", "1980—2025年海城市历年统计年鉴电子版", 25,
             ((EventKind.REASONS_REQUESTED, 20, {}),
              (EventKind.DELAYED_REPLY, 18, {"until": -10}))),
)


# --- Loading -----------------------------------------------------------------------------------


@dataclass
class RequestSummary:
    created: int = 0
    kept: int = 0


class _Builder:
    def __init__(self, agencies: dict[str, Agency], admin: AbstractBaseUser, today: dt.date):
        self.agencies, self.admin, self.today = agencies, admin, today

    def day(self, value: Any) -> dt.date:
        """A fixed date, or ``value`` days before today (negative: after)."""
        if isinstance(value, dt.date):
            return value
        return self.today - dt.timedelta(days=int(value))

    def data(self, raw: dict[str, Any]) -> dict[str, Any]:
        return {k: (self.day(v) if k in ("pay_by", "until", "deadline") else v)
                for k, v in raw.items()}

    def submit(self, case: DemoCase, n: int) -> Application:
        agency = self.agencies[case.agency]
        data = applicant(n, case.description, case.kind)
        key = KEY_PREFIX + case.key
        submitted = self.day(case.submitted)
        if case.channel == Channel.ONLINE:
            moment = timezone.make_aware(dt.datetime.combine(submitted, dt.time(9, 30)))
            return services.submit_application(data, agency=agency, idempotency_key=key,
                                               now=moment).application
        return services.register_offline_application(
            data, agency=agency, channel=case.channel, submitted_on=submitted, by=self.admin,
            idempotency_key=key).application

    def run(self, application: Application, step: Step) -> None:
        kind, when, raw = step
        on = self.day(when)
        actions: dict[str, Callable[[], object]] = {
            "confirm": lambda: services.confirm_receipt(application, on, by=self.admin),
            "reply": lambda: services.reply(
                application, Outcome(raw["outcome"]), on, by=self.admin,
                letter=application.letters.filter(kind=raw["outcome"]).first()),
            "reply_on_the_spot": lambda: services.reply(
                application, Outcome(raw["outcome"]), on, by=self.admin, on_the_spot=True),
            "withdraw": lambda: services.withdraw(application, on, by=self.admin),
            "letter": lambda: self.letter(application, raw["outcome"], on),
            "publish": lambda: publication.publish_reply(application, by=self.admin,
                                                         is_demo=True),
            "assign": lambda: self.assign(application, raw["username"]),
        }
        if kind in actions:
            actions[kind]()
        else:
            services.record_event(application, EventKind(kind), on, self.data(raw),
                                  by=self.admin, note="示例数据")
        application.refresh_from_db()

    def letter(self, application: Application, outcome: str, on: dt.date) -> None:
        letter = publication.draft_letter(application, outcome, by=self.admin, today=on)
        body = re.sub(r"【请填写：([^】]*)】", r"（示例：\1）", letter.body)
        services.update_letter(letter, body, by=self.admin)

    def assign(self, application: Application, username: str) -> None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            services.assign(application, user, by=self.admin)


def ensure_requests(agencies: dict[str, Agency], admin: AbstractBaseUser,
                    today: dt.date | None = None) -> RequestSummary:
    """Create the demo cases that do not exist yet (call inside the loader's transaction)."""
    summary = RequestSummary()
    builder = _Builder(agencies, admin, today or timezone.localdate())
    for n, case in enumerate(CASES, start=1):
        if case.agency not in agencies:
            continue
        if Application.objects.filter(idempotency_key=KEY_PREFIX + case.key).exists():
            summary.kept += 1
            continue
        application = builder.submit(case, n)
        for step in case.steps:
            builder.run(application, step)
        summary.created += 1
    return summary
