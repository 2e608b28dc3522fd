"""Demo content of 专题与公众参与 for 鞍山市统计局.

Facts: the 2022 “5·15政务公开日” campaign follows the bureau's own 2022 report (restored by
the legacy importer, see gongkai/demo/city.py): a working meeting, an activity plan, publicity
through work and training meetings for the county bureaus and the statisticians of “三上”
enterprises, information kept up to date on the platform, and the aim of raising the public's
awareness (认知度). Everything else here — dates of 2026 events, names, phone numbers,
e-mail addresses (example.com), answers and download counts — is invented for the demo.

Idempotent: pages are found by slug under the city bureau's 专题专栏; registrations,
responses, subscriptions and download counts are only created when none exist yet.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from gongkai.catalog.models import ColumnPage, DisclosureItemPage
from gongkai.core.models import Agency
from gongkai.core.services import agency_collection
from gongkai.demo.agencies import CITY_SLUG
from gongkai.demo.files import demo_pdf
from gongkai.demo.specs import p
from gongkai.engagement import responses, selectors, services
from gongkai.engagement.enums import (
    Audience,
    CampaignKind,
    EventKind,
    ResponseRule,
    SubscriptionKind,
    SurveyKind,
)
from gongkai.engagement.models import (
    CampaignNews,
    CampaignPage,
    EventPage,
    MaterialDownloadDay,
    Registration,
    SurveyField,
    SurveyPage,
    SurveyResponse,
    TrainingMaterial,
    TrainingMaterialsPage,
)

REPORT_2022_SLUG = "2022-515-zhengwu-gongkai-ri"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
ORGANIZATIONS = ("鞍钢集团示例分公司", "海城市示例纺织有限公司", "台安县示例农业合作社",
                 "岫岩示例玉器有限公司", "铁西区示例商贸有限公司", "千山区示例物流有限公司")


@dataclass
class EngagementSummary:
    pages_created: int = 0
    registrations_created: int = 0
    responses_created: int = 0
    subscriptions_created: int = 0


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def _child(parent: Any, model: type[Any], slug: str, admin: AbstractBaseUser,
           tally: EngagementSummary, **fields: Any) -> Any:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision(user=admin).publish(user=admin)
    page.refresh_from_db()
    tally.pages_created += 1
    return page


def _document(agency: Agency, title: str, filename: str) -> Any:
    Document = get_document_model()
    existing = Document.objects.filter(title=title, collection=agency_collection(agency)).first()
    return existing or Document.objects.create(
        title=title, file=ContentFile(demo_pdf(), name=filename),
        collection=agency_collection(agency))


# --- Campaigns -------------------------------------------------------------------------------


def campaign_2022(topics: ColumnPage, admin: AbstractBaseUser,
                  summary: EngagementSummary) -> CampaignPage:
    report = DisclosureItemPage.objects.child_of(topics).filter(slug=REPORT_2022_SLUG).first()
    campaign = _child(
        topics, CampaignPage, "2022-515", admin, summary,
        title="2022年“5·15政务公开日”专题", kind=CampaignKind.OPEN_GOV_DAY, year=2022,
        starts_on=dt.date(2022, 5, 9), ends_on=dt.date(2022, 5, 20),
        intro="根据鞍山市人民政府办公厅关于组织开展全市第十六届“5·15政务公开日”活动的通知，"
              "本局开展集中宣传活动。",
        plan=p("一、提高认识、加强领导：召开相关工作会议，结合统计工作实际制定活动方案，明确宣传重点和工作任务。",
               "二、明确任务、认真实施：围绕统计系统政务公开和政务服务工作特点开展宣传。",
               "三、强化举措、务求实效：利用工作会议、业务培训会议等载体，面向各县（市）区和“三上”"
               "企业统计员宣传政务公开政务服务工作。"),
        summary=p("活动开展情况见下方总结报告（据受损的历史副本自动修复）。"),
        final_report=report)
    if report is not None and campaign.final_report_id != report.pk:
        campaign.final_report = report
        campaign.save_revision(user=admin).publish(user=admin)
    return campaign  # type: ignore[no-any-return]


def campaign_2026(topics: ColumnPage, admin: AbstractBaseUser,
                  summary: EngagementSummary) -> CampaignPage:
    campaign = _child(
        topics, CampaignPage, "2026-515", admin, summary,
        title="2026年“5·15政务公开日”专题", kind=CampaignKind.OPEN_GOV_DAY, year=2026,
        starts_on=dt.date(2026, 5, 8), ends_on=dt.date(2026, 5, 22),
        intro="以“政务公开进基层，统计数据惠民生”为主题，开展政府开放日、政策宣讲和认知度调查。",
        plan=p("一、活动主题：政务公开进基层，统计数据惠民生。",
               "二、活动时间：2026年5月8日至5月22日，5月15日集中开展政府开放日活动。",
               "三、活动内容：（一）举办政府开放日，邀请市民走进统计局，了解统计数据的生产和发布流程；"
               "（二）面向县区统计局和“三上”企业统计人员开展政务公开和统计法治培训；"
               "（三）开展政务公开认知度问卷调查；（四）在平台集中公开活动信息。",
               "四、工作要求：各县（市）区统计局结合实际组织开展，活动结束后5个工作日内报送总结。"))
    if not CampaignNews.objects.filter(page=campaign).exists():
        for order, (day, title, body) in enumerate((
            (dt.date(2026, 5, 8), "我局召开2026年“5·15政务公开日”活动部署会",
             "会议传达了市政府办公室关于开展“5·15政务公开日”活动的通知，部署了政府开放日、培训和认知度调查等工作。"),
            (dt.date(2026, 5, 15), "“走进统计”政府开放日活动顺利举办",
             "市民代表参观了统计数据采集处理中心，听取了居民消费价格调查工作介绍，并就统计数据查询和依申请公开提出问题。"),
            (dt.date(2026, 5, 20), "政务公开认知度调查结果发布",
             "本次调查共收回问卷一百余份，调查结果已在本专题公开。"),
        )):
            campaign.news.add(CampaignNews(sort_order=order, date=day, title=title, body=body))
        # Children go through a revision, so the editor shows them and a later publish keeps them.
        campaign.save_revision(user=admin).publish(user=admin)
    return campaign  # type: ignore[no-any-return]


def campaign_open_day(topics: ColumnPage, admin: AbstractBaseUser,
                      summary: EngagementSummary, today: dt.date) -> CampaignPage:
    return _child(  # type: ignore[no-any-return]
        topics, CampaignPage, f"{today.year}-tongji-kaifangri", admin, summary,
        title=f"{today.year}年统计开放日", kind=CampaignKind.STATS_OPEN_DAY, year=today.year,
        intro="统计开放日邀请社会公众走进统计机构，了解统计调查、数据处理和数据发布工作。",
        plan=p("每场活动名额有限，请在线报名；名额已满时可登记候补，有人取消时按报名先后递补。"))


# --- Events ----------------------------------------------------------------------------------


def _event(parent: Any, slug: str, admin: AbstractBaseUser, summary: EngagementSummary,
           start: dt.datetime, **fields: Any) -> EventPage:
    return _child(parent, EventPage, slug, admin, summary, starts_at=start,  # type: ignore[no-any-return]
                  ends_at=start + dt.timedelta(hours=2, minutes=30), **fields)


def _people(event: EventPage, count: int, when: dt.datetime, rng: random.Random,
            summary: EngagementSummary, organization: bool = False) -> list[Registration]:
    """Fictitious registrants: a surname plus 某某 and a number in an unused range."""
    made = []
    for n in range(count):
        made.append(services.register(
            event_id=event.pk, name=f"{rng.choice(SURNAMES)}某某{n + 1:02d}",
            phone=f"1390412{event.pk % 100:02d}{n:02d}",
            organization=rng.choice(ORGANIZATIONS) if organization else "",
            now=when + dt.timedelta(minutes=7 * n)))
    summary.registrations_created += len(made)
    return made


def ensure_events(campaign_2026_page: CampaignPage, open_day: CampaignPage,
                  topics: ColumnPage, admin: AbstractBaseUser, summary: EngagementSummary,
                  now: dt.datetime) -> None:
    rng = random.Random(515)  # noqa: S311 — reproducible demo data
    held = _event(campaign_2026_page, "2026-zhengfu-kaifangri", admin, summary,
                  local(2026, 5, 15, 9, 0), title="“走进统计”政府开放日",
                  kind=EventKind.GOV_OPEN_DAY, audience=Audience.PUBLIC, capacity=30,
                  place="鞍山市统计局（胜利南路示例大厦8层）数据处理中心",
                  registration_closes_at=local(2026, 5, 14, 17, 0),
                  description=p("参观统计数据采集处理中心，了解居民消费价格调查等统计调查的开展方式，"
                                "现场解答统计数据查询和政府信息公开申请的问题。"))
    if not held.registrations.exists():
        for registration in _people(held, 24, local(2026, 5, 9, 10), rng, summary)[:21]:
            services.set_attendance(registration_id=registration.pk, attended=True, by=admin,
                                    now=local(2026, 5, 15, 8, 50))
    start = timezone.localtime(now).replace(hour=9, minute=30, second=0, microsecond=0)
    upcoming = _event(open_day, "gongzhong-kaifangri-1", admin, summary,
                      start + dt.timedelta(days=14), title="统计开放日·公众开放日（第一场）",
                      kind=EventKind.PUBLIC_OPEN_DAY, audience=Audience.PUBLIC, capacity=20,
                      place="鞍山市统计局（胜利南路示例大厦8层）",
                      description=p("面向社会公众。介绍统计数据的生产和发布，演示在本平台查询统计数据。"))
    if not upcoming.registrations.exists():
        _people(upcoming, 8, now - dt.timedelta(days=2), rng, summary)
    full = _event(open_day, "gongzhong-kaifangri-2", admin, summary,
                  start + dt.timedelta(days=15), title="统计开放日·公众开放日（第二场，小组参观）",
                  kind=EventKind.PUBLIC_OPEN_DAY, audience=Audience.PUBLIC, capacity=6,
                  place="鞍山市统计局（胜利南路示例大厦8层）",
                  description=p("小组参观，名额6人。名额已满时可登记候补。"))
    if not full.registrations.exists():
        _people(full, 9, now - dt.timedelta(days=3), rng, summary)  # 6 confirmed, 3 waiting
    training = _event(topics, "sanshang-qiye-peixun", admin, summary,
                      start + dt.timedelta(days=21, hours=5),
                      title="“三上”企业统计人员政务公开与统计法治培训",
                      kind=EventKind.TRAINING, audience=Audience.ENTERPRISE, capacity=60,
                      place="鞍山市统计局二楼培训室",
                      description=p("培训内容：统计法律法规、统计数据质量、企业一套表联网直报常见问题、"
                                    "政府信息公开工作要求。请携带本单位统计台账。"))
    if not training.registrations.exists():
        _people(training, 17, now - dt.timedelta(days=1), rng, summary, organization=True)


# --- Materials --------------------------------------------------------------------------------


MATERIALS = (
    (Audience.ENTERPRISE, "统计法律法规要点（企业统计人员培训课件）", "tongjifa-yaodian.pdf",
     "《中华人民共和国统计法》及其实施条例中与企业统计人员相关的要点。"),
    (Audience.ENTERPRISE, "企业一套表联网直报常见问题解答", "yitaobiao-wenda.pdf",
     "报表填报、审核和报送中的常见问题。"),
    (Audience.COUNTY, "县区统计局政府信息公开工作要点", "xianqu-zhengwu-gongkai.pdf",
     "主动公开目录维护、依申请公开办理时限和年度报告编制要求。"),
    (Audience.COUNTY, "政府信息公开申请办理流程图", "yishenqing-liucheng.pdf",
     "从登记、补正、延期到答复的办理流程与法定时限。"),
)


def ensure_materials(agency: Agency, topics: ColumnPage, admin: AbstractBaseUser,
                     summary: EngagementSummary, today: dt.date) -> TrainingMaterialsPage:
    page = _child(topics, TrainingMaterialsPage, "peixun-ziliao", admin, summary,
                  title="培训资料",
                  intro="面向“三上”企业统计人员和县区统计局的培训资料，可直接下载。")
    if not TrainingMaterial.objects.filter(page=page).exists():
        for order, (audience, title, filename, description) in enumerate(MATERIALS):
            page.items.add(TrainingMaterial(
                sort_order=order, audience=audience, title=title, description=description,
                document=_document(agency, title, filename)))
        page.save_revision(user=admin).publish(user=admin)
    if not MaterialDownloadDay.objects.filter(material__page=page).exists():
        rng = random.Random(2026)  # noqa: S311
        for material in TrainingMaterial.objects.filter(page=page):
            for back in range(1, 30, 3):
                MaterialDownloadDay.objects.create(material=material,
                                                   day=today - dt.timedelta(days=back),
                                                   count=rng.randint(1, 9))
    return page  # type: ignore[no-any-return]


# --- Survey ----------------------------------------------------------------------------------


QUESTIONS = (
    ("您是否知道鞍山市统计局政府信息公开平台？", "radio", "知道并使用过\n知道但没用过\n不知道"),
    ("您通过哪些渠道获取统计信息？（可多选）", "checkboxes",
     "政府信息公开平台\n微信公众号\n报纸、电视\n统计年鉴\n其他"),
    ("您是否知道可以依申请获取政府信息？", "radio", "知道\n不知道"),
    ("您对本局政务公开工作的总体评价（1分最低，5分最高）", "scale", ""),
    ("您希望我们公开哪些信息？有什么建议？", "multiline", ""),
)
ANSWER_WEIGHTS: tuple[tuple[int, ...], ...] = ((45, 35, 20), (60, 40, 25, 15, 5), (55, 45),
                                               (3, 7, 20, 42, 28))
SUGGESTIONS = ("希望多公开县区的分行业数据", "统计公报能否提供Excel格式下载", "",
               "希望数据发布前能提前公布日程", "", "平台在手机上查看更方便一些就好了", "")


def _publish_survey(campaign: CampaignPage, survey: SurveyPage, questions: Any,
                    admin: AbstractBaseUser, summary: EngagementSummary) -> None:
    """Add the questions, put the survey under its campaign and publish it."""
    for order, (label, kind, choices) in enumerate(questions):
        survey.form_fields.add(SurveyField(label=label, field_type=kind, choices=choices,
                                           required=kind != "multiline", sort_order=order))
    campaign.add_child(instance=survey)
    survey.save_revision(user=admin).publish(user=admin)
    survey.refresh_from_db()
    summary.pages_created += 1


def ensure_survey(campaign: CampaignPage, admin: AbstractBaseUser,
                  summary: EngagementSummary) -> SurveyPage:
    survey = SurveyPage.objects.child_of(campaign).filter(slug="renzhidu-diaocha").first()
    if survey is None:
        survey = SurveyPage(
            slug="renzhidu-diaocha", title="2026年政务公开认知度调查", kind=SurveyKind.AWARENESS,
            closes_at=local(2026, 5, 22, 17, 0), results_published=True,
            intro=p("为了解社会公众对本局政务公开工作的认知度，特开展本次问卷调查。问卷匿名，约需2分钟。"),
            thank_you_text=p("感谢您的参与！"),
            results_note=p("调查于2026年5月8日至22日在本平台开展，同一浏览器只计一份答卷。"))
        _publish_survey(campaign, survey, QUESTIONS, admin, summary)
    if not SurveyResponse.objects.filter(page=survey).exists():
        _responses(survey, summary)
    return survey


def _responses(survey: SurveyPage, summary: EngagementSummary) -> None:
    rng = random.Random(20260515)  # noqa: S311
    fields = list(survey.form_fields.order_by("sort_order"))
    for n in range(128):
        data: dict[str, Any] = {}
        for f, weights in zip(fields, ANSWER_WEIGHTS, strict=False):
            options = ([str(i) for i in range(1, 6)] if f.field_type == "scale"
                       else [c.strip() for c in f.choices.splitlines()])
            if f.field_type == "checkboxes":
                data[f.clean_name] = [o for o, w in zip(options, weights, strict=True)
                                      if rng.randrange(100) < w] or [options[0]]
            else:
                data[f.clean_name] = rng.choices(options, weights=weights)[0]
        data[fields[-1].clean_name] = rng.choice(SUGGESTIONS)
        services.submit_survey_response(survey=survey, data=data, nullifier=f"demo-{n:04d}",
                                        now=local(2026, 5, 10))
        summary.responses_created += 1
    # Spread the submission times over the survey's fortnight (the field is auto_now_add).
    for n, response in enumerate(SurveyResponse.objects.filter(page=survey).order_by("pk")):
        SurveyResponse.objects.filter(pk=response.pk).update(
            submit_time=local(2026, 5, 8 + n % 14, 8 + n % 12, n % 60))


# The 邀请码 survey: a satisfaction survey of the training's “三上” enterprise statisticians,
# answered with one-time codes (load_demo prints them; docs/demo.md).
INVITED_SURVEY_SLUG = "sanshang-peixun-manyidu"
DEMO_INVITATIONS = 5
TRAINING_QUESTIONS = [
    ("您对本次培训的总体评价", "scale", ""),
    ("培训内容对您的统计工作是否有帮助？", "radio", "很有帮助\n有一定帮助\n帮助不大"),
    ("希望今后培训增加哪些内容？", "checkboxes",
     "统计法律法规\n联网直报操作\n统计指标解释\n数据质量核查"),
    ("意见和建议", "multiline", ""),
]


def ensure_invited_survey(campaign: CampaignPage, admin: AbstractBaseUser,
                          summary: EngagementSummary) -> SurveyPage:
    survey = SurveyPage.objects.child_of(campaign).filter(slug=INVITED_SURVEY_SLUG).first()
    if survey is None:
        survey = SurveyPage(
            slug=INVITED_SURVEY_SLUG, title="“三上”企业统计人员培训满意度调查",
            kind=SurveyKind.SATISFACTION, response_rule=ResponseRule.INVITATION,
            intro=p("本问卷面向参加统计业务培训的“三上”企业统计人员，凭培训通知中的邀请码作答，"
                    "每个邀请码只计一份答卷。"),
            thank_you_text=p("感谢您的参与！"))
        _publish_survey(campaign, survey, TRAINING_QUESTIONS, admin, summary)
    if not survey.invitation_batches.exists():
        responses.generate_invitations(survey=survey, count=DEMO_INVITATIONS,
                                       label="三上企业统计人员（演示）", by=admin)
    return survey


def demo_invitation_lines() -> list[str]:
    """What load_demo prints: the demo survey's codes (recomputed from their rows, so a second
    run prints the same ones) with their links and whether each was used."""
    from gongkai.engagement.mail import absolute

    survey = SurveyPage.objects.filter(slug=INVITED_SURVEY_SLUG).first()
    batch = survey.invitation_batches.order_by("pk").first() if survey is not None else None
    if survey is None or batch is None:
        return []
    lines = [f"邀请码模式的演示问卷“{survey.title}”：{absolute(survey.url)}"]
    for invitation, code in selectors.invitation_codes(batch):
        state = "已使用" if invitation.used_at else "未使用"
        lines.append(f"  {code}（{state}）  {absolute(survey.url)}?code={code}")
    return lines


# --- Subscriptions ---------------------------------------------------------------------------


def ensure_subscriptions(agencies: dict[str, Agency], topics: ColumnPage,
                         summary: EngagementSummary) -> None:
    city = agencies[CITY_SLUG]
    wanted = (
        ("reader01@example.com", SubscriptionKind.AGENCY, city.slug),
        ("reader01@example.com", SubscriptionKind.RELEASE_CALENDAR, city.slug),
        ("reader02@example.com", SubscriptionKind.COLUMN, str(topics.pk)),
        ("reader03@example.com", SubscriptionKind.THEME, "0201"),
        ("reader04@example.com", SubscriptionKind.AGENCY, agencies.get("haicheng", city).slug),
    )
    for email, kind, key in wanted:
        if selectors.subscription_target_label(kind, key) is None:
            continue
        subscription = services.subscribe(email=email, kind=kind, key=key)
        if subscription.status != "confirmed":
            services.confirm_subscription(subscription_id=subscription.pk,
                                          token=services.confirm_token(subscription))
            summary.subscriptions_created += 1


def ensure_engagement(agencies: dict[str, Agency], admin: AbstractBaseUser,
                      now: dt.datetime | None = None) -> EngagementSummary:
    """Create what is missing (call inside the loader's transaction)."""
    now = now or timezone.now()
    summary = EngagementSummary()
    city = agencies.get(CITY_SLUG)
    if city is None or city.home_page is None:
        return summary
    topics = ColumnPage.objects.descendant_of(city.home_page).filter(slug="ztzl").first()
    if topics is None:
        return summary
    campaign_2022(topics, admin, summary)
    spring = campaign_2026(topics, admin, summary)
    open_day = campaign_open_day(topics, admin, summary, timezone.localdate(now))
    ensure_events(spring, open_day, topics, admin, summary, now)
    ensure_materials(city, topics, admin, summary, timezone.localdate(now))
    ensure_survey(spring, admin, summary)
    ensure_invited_survey(open_day, admin, summary)
    ensure_subscriptions(agencies, topics, summary)
    return summary
