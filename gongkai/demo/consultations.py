"""Demo 互动交流: messages of each kind in each state, published exchanges with ratings, the
常见问题, hotline settings and one confidential 统计违法举报 (gongkai/consultations).

Idempotent: every message and report has a fixed idempotency key, FAQ entries are looked up
by question, settings by agency; a second run creates nothing twice. Dates are relative to
the day of loading, so the queue always shows something due, overdue and answered. The
texts are invented but typical of what a municipal statistics bureau receives (topics from
鞍山市统计局's published 统计公报, 经济普查 and 联网直报 practice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from gongkai.consultations import services
from gongkai.consultations.models import ConsultationSettings, FaqEntry, Message, ViolationReport
from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency, AgencyMembership

KEY_PREFIX = "demo-hdjl-"


@dataclass(frozen=True)
class DemoMessage:
    key: str
    agency: str
    kind: str
    title: str
    body: str
    name: str
    days_ago: int
    consent: bool = True
    reply: str = ""
    stop_at: str = "replied"  # pending | drafted | reviewed | replied | rejected | forwarded
    reply_after_days: int = 3  # working time taken, in calendar days after submission
    rating: str = ""
    publish: bool = False
    forward_to: str = ""
    reason: str = ""


MESSAGES: tuple[DemoMessage, ...] = (
    DemoMessage("ly-01", "anshan", "consultation", "在哪里查询鞍山市2024年统计公报",
                "您好，我想查阅鞍山市2024年国民经济和社会发展统计公报，请问在网站哪个栏目？"
                "我的电话13904121234。", "王建国", 40,
                reply="2024年鞍山市国民经济和社会发展统计公报已在本局门户网站“数据发布—统计公报”"
                "栏目公开，也可在“政府信息公开—法定主动公开内容”中查阅。如需纸质资料，可到本局"
                "统计资料室查阅，咨询电话见“咨询、监督电话”页面。", rating="satisfied",
                publish=True),
    DemoMessage("ly-02", "anshan", "consultation", "联网直报平台密码遗失如何重置",
                "我公司统计人员离职，一套表联网直报平台的登录密码无人知晓，请问如何办理重置？",
                "李秀英", 30,
                reply="请企业统计负责人持加盖公章的《联网直报账号密码重置申请表》到本局专业科室"
                "办理，或通过联网直报门户“找回密码”功能，以备案手机号验证后自行重置。",
                rating="basically_satisfied", publish=True, reply_after_days=8),
    DemoMessage("ly-03", "anshan", "complaint", "入户调查时间过晚影响休息",
                "住户调查的调查员多次在晚上九点以后入户记账回访，影响家人休息，希望改进。",
                "赵丽", 25,
                reply="感谢您的监督。经核实，调查员为配合住户白天上班时间安排了晚间回访。我局已要求"
                "调查员提前预约、原则上在晚八点前完成入户，并对相关人员进行了提醒。",
                rating="unsatisfied", publish=True),
    DemoMessage("ly-04", "anshan", "suggestion", "建议公布分县区居民消费价格数据",
                "建议每月发布各县（市）区的居民消费价格指数，便于基层比较物价变化。",
                "孙志强", 20, consent=False,
                reply="感谢您的建议。居民消费价格调查的样本按全市设计，分县区数据代表性不足，暂不"
                "单独发布；我局将在年度统计年鉴中增加相关说明。"),
    DemoMessage("ly-05", "anshan", "consultation", "第五次全国经济普查数据何时公布",
                "请问鞍山市第五次全国经济普查的主要数据公报什么时候发布？", "周敏", 4,
                reply="鞍山市第五次全国经济普查主要数据公报已按省统一部署发布，详见“数据发布”栏目。",
                stop_at="drafted"),
    DemoMessage("ly-06", "anshan", "complaint", "街道要求个体户重复填报统计表",
                "我是个体工商户，街道和市场监管所分别让我填写经营情况表，内容基本一样。",
                "吴海燕", 3,
                reply="经核实，街道收集的是经济普查清查底册核对信息，并非统计报表，已协调街道避免"
                "重复收集。", stop_at="reviewed"),
    DemoMessage("ly-07", "anshan", "consultation", "个人社保缴费基数如何查询",
                "请问怎样查询本人2025年的社保缴费基数？", "郑凯", 12, stop_at="rejected",
                reason="该事项不属于本机关职责，请向鞍山市人力资源和社会保障局咨询（12333）。"),
    DemoMessage("ly-08", "anshan", "suggestion", "建议统计数据提供可下载的表格格式",
                "网站上的统计月报只有图片，建议同时提供Excel下载。", "钱磊", 1,
                stop_at="pending"),
    DemoMessage("ly-09", "anshan", "consultation", "海城市规模以上工业企业名录如何获取",
                "我想了解海城市规模以上工业企业名录，需要向哪个单位申请？", "冯雪", 6,
                stop_at="forwarded", forward_to="haicheng",
                reason="该事项属于海城市统计局职责范围，已转海城市统计局办理。"),
    DemoMessage("ly-10", "haicheng", "consultation", "海城市2025年上半年GDP数据",
                "请问海城市2025年上半年地区生产总值在哪里可以看到？", "陈刚", 35,
                reply="海城市2025年上半年主要经济指标已在本局网站“数据发布”栏目公开。",
                rating="satisfied", publish=True),
    DemoMessage("ly-11", "haicheng", "complaint", "统计调查员未出示证件",
                "前几天有人自称统计局调查员入户，未出示统计调查证，请问是否属实？",
                "韩梅", 15, stop_at="pending"),
)

FAQ: dict[str, tuple[tuple[str, str], ...]] = {
    "anshan": (
        ("统计数据在哪里查询？", "本局发布的统计公报、统计月报和统计年鉴均在门户网站“数据发布”"
         "栏目公开，也可通过站内搜索查找。"),
        ("企业联网直报平台密码遗失怎么办？", "可通过联网直报门户“找回密码”功能以备案手机号"
         "自行重置，或由企业统计负责人持加盖公章的申请表到本局专业科室办理。"),
        ("如何核实统计调查员身份？", "统计调查员入户时应出示统计调查证或统计执法证件。如有疑问，"
         "可拨打本局咨询电话核实。"),
        ("统计调查对象的个人信息会被泄露吗？", "《中华人民共和国统计法》规定，统计调查中获得的"
         "能够识别或者推断单个统计调查对象身份的资料应当予以保密，不得用于统计以外的目的。"),
    ),
    "haicheng": (
        ("海城市统计数据在哪里发布？", "海城市统计局的统计信息在本局网站“数据发布”栏目公开。"),
        ("如何举报统计造假？", "可通过本网站“统计违法举报”页面、举报电话或信函举报，"
         "举报人信息严格保密，也可匿名举报。"),
    ),
}


@dataclass
class ConsultationSummary:
    created: int = 0
    kept: int = 0
    faq_created: int = 0
    reports_created: int = 0
    notes: list[str] = field(default_factory=list)


def _member(agency: Agency, roles: tuple[StaffRole, ...],
            exclude: AbstractBaseUser | None = None) -> AbstractBaseUser | None:
    memberships = AgencyMembership.objects.filter(agency=agency, role__in=roles,
                                                  user__is_active=True).select_related("user")
    for membership in memberships.order_by("id"):
        if exclude is None or membership.user.pk != exclude.pk:
            user: AbstractBaseUser = membership.user
            return user
    return None


def _settings(agency: Agency) -> None:
    if ConsultationSettings.objects.filter(agency=agency).exists():
        return
    tail = agency.consultation_phone.rsplit("-", 1)[-1][:3] if agency.consultation_phone else ""
    ConsultationSettings.objects.create(
        agency=agency, complaint_days=10 if agency.slug == "anshan" else 5,
        report_phone=f"0412-{tail}1210" if tail else "",
        other_phones=f"统计执法监督电话：0412-{tail}1209" if tail else "")


def _run(spec: DemoMessage, agencies: dict[str, Agency], admin: AbstractBaseUser,
         today: dt.date) -> None:
    agency = agencies[spec.agency]
    submitted = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=spec.days_ago),
                                                        dt.time(10, 15)))
    message = services.submit_message(
        services.MessageData(kind=spec.kind, title=spec.title, body=spec.body, name=spec.name,
                             phone="13800000000", publish_consent=spec.consent),
        agency=agency, idempotency_key=KEY_PREFIX + spec.key, now=submitted).message
    Message.objects.filter(pk=message.pk).update(is_demo=True)
    day = submitted.date()
    if spec.stop_at == "pending":
        return
    if spec.stop_at == "forwarded":
        services.forward(message, agencies[spec.forward_to], spec.reason, by=admin,
                         on=day + dt.timedelta(days=1))
        return
    if spec.stop_at == "rejected":
        services.reject(message, spec.reason, by=admin, on=day + dt.timedelta(days=2))
        return
    drafter = _member(agency, (StaffRole.EDITOR,)) or admin
    reviewer = admin if drafter.pk != admin.pk else _member(
        agency, (StaffRole.REVIEWER, StaffRole.APPROVER, StaffRole.ADMIN), exclude=admin)
    reply_day = min(day + dt.timedelta(days=spec.reply_after_days), today)
    services.draft_reply(message, spec.reply, by=drafter, on=reply_day)
    if spec.stop_at == "drafted" or reviewer is None:
        return
    services.review_reply(message, by=reviewer, approve=True, on=reply_day)
    if spec.stop_at == "reviewed":
        return
    message = services.send_reply(message, by=drafter, on=reply_day)
    moment = timezone.make_aware(dt.datetime.combine(reply_day, dt.time(16, 0)))
    if spec.publish:
        message = services.publish(message, by=admin, now=moment)
    if spec.rating:
        services.rate(message, spec.rating, now=moment + dt.timedelta(days=1))


def _report(agency: Agency, admin: AbstractBaseUser, today: dt.date) -> bool:
    key = KEY_PREFIX + "jb-01"
    if ViolationReport.objects.filter(idempotency_key=key).exists():
        return False
    submitted = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=9),
                                                        dt.time(14, 40)))
    report = services.submit_report(services.ReportData(
        violation_kind="fabrication", subject="某建材有限公司（示例）", region="铁西区",
        description="该公司2025年在联网直报中报送的营业收入明显高于实际经营规模，"
                    "疑似虚报统计数据。", anonymous=False, name="示例举报人",
        phone="13900000000"), agency=agency, idempotency_key=key, now=submitted).report
    ViolationReport.objects.filter(pk=report.pk).update(is_demo=True)
    services.update_report(report, by=admin, status="accepted",
                           text="初审：属于统计违法行为，报分管领导同意后受理，转执法监督科核查。")
    services.update_report(report, by=admin, text="您的举报已受理，我局正在依法核查。",
                           to_reporter=True)
    return True


def ensure_consultations(agencies: dict[str, Agency], admin: AbstractBaseUser,
                         today: dt.date | None = None) -> ConsultationSummary:
    """Create what a previous run did not (call inside the loader's transaction)."""
    today = today or timezone.localdate()
    summary = ConsultationSummary()
    for agency in agencies.values():
        _settings(agency)
    for spec in MESSAGES:
        if spec.agency not in agencies or (spec.forward_to and spec.forward_to not in agencies):
            continue
        if Message.objects.filter(idempotency_key=KEY_PREFIX + spec.key).exists():
            summary.kept += 1
            continue
        _run(spec, agencies, admin, today)
        summary.created += 1
    for slug, entries in FAQ.items():
        if slug not in agencies:
            continue
        for order, (question, answer) in enumerate(entries, start=1):
            if FaqEntry.objects.filter(agency=agencies[slug], question=question).exists():
                continue
            services.save_faq(agencies[slug], question=question, answer=answer,
                              sort_order=order, by=admin)
            summary.faq_created += 1
    if "anshan" in agencies and _report(agencies["anshan"], admin, today):
        summary.reports_created += 1
    return summary
