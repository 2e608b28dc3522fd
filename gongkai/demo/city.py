"""Invented content of 鞍山市统计局, and its one real legacy report.

Everything here except the “5·15政务公开日” report is invented for the demo: document
numbers, dates and texts are made up, so each item is ``is_demo=True`` with a note.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from gongkai.catalog.enums import Article20Item, Genre, Validity
from gongkai.catalog.legacy import legacy_key
from gongkai.core.text.decode import decode_bytes
from gongkai.core.text.restore import restore
from gongkai.demo.agencies import CITY_SLUG
from gongkai.demo.figures import DATA_DIR
from gongkai.demo.specs import AttachmentSpec, ItemSpec, at, p

THEME_OPEN_GOV = "0101"    # 综合政务\政务公开
THEME_STATISTICS = "0201"  # 国民经济管理、国有资产监管\统计
THEME_FINANCE = "0301"     # 财政、金融、审计\财政
THEME_PERSONNEL = "1401"   # 劳动、人事、监察\人事工作

INVENTED = "文号、日期和正文均为演示虚构。"
SEED_REPORT = DATA_DIR / "000_49653b5ed2e607b9.txt"
RESTORED_NOTE = ("【说明】本文为本局历史原文，据旧网站上的受损副本（繁体字并夹注拼音）"
                 "自动修复为规范简体文本；受损原文和修复报告留存备查。")


def _city(**fields: Any) -> ItemSpec:
    fields.setdefault("demo_note", INVENTED)
    return ItemSpec(agency=CITY_SLUG, **fields)


# --- 政府信息公开制度 ---------------------------------------------------------------------

def system_items() -> list[ItemSpec]:
    return [
        _city(column="zfxxgkzd", slug="xxgk-gongzuo-zhidu-2019",
              title="鞍山市统计局政府信息公开工作制度", doc_number="鞍统办发〔2019〕9号",
              formed_on=dt.date(2019, 12, 20), published_at=at(2019, 12, 23),
              republished_at=at(2021, 3, 17, 9, 0),
              validity=Validity.REPEALED, validity_changed_on=dt.date(2021, 3, 15),
              theme=THEME_OPEN_GOV, genre=Genre.OTHER, keywords="政府信息公开 工作制度",
              summary="本局政府信息公开工作的职责分工和基本程序。已废止。",
              body=p("第一条 为规范本局政府信息公开工作，根据《中华人民共和国政府信息公开条例》，"
                     "结合本局工作实际，制定本制度。",
                     "第二条 局办公室是本局政府信息公开工作机构，"
                     "负责组织实施本局政府信息公开工作。",
                     "第三条 各科室负责本科室职责范围内政府信息的梳理、报送和更新。",
                     "本制度已于2021年3月15日废止，由《鞍山市统计局政府信息公开保密审查制度》"
                     "和《鞍山市统计局政府信息主动公开制度》代替。")),
        _city(column="zfxxgkzd", slug="baomi-shencha-zhidu",
              title="鞍山市统计局政府信息公开保密审查制度", doc_number="鞍统办发〔2021〕2号",
              formed_on=dt.date(2021, 3, 15), published_at=at(2021, 3, 17, 9, 0),
              theme=THEME_OPEN_GOV, genre=Genre.OTHER, keywords="保密审查 政府信息公开",
              summary="拟公开的政府信息在公开前依照《条例》第十七条进行保密审查的分工和程序。",
              body=p("第一条 为做好政府信息公开前的保密审查，防止泄露国家秘密、工作秘密，"
                     "保护商业秘密和个人隐私，根据《中华人民共和国保守国家秘密法》《中华人民共和国政府信息公开"
                     "条例》第十七条，制定本制度。",
                     "第二条 坚持“先审查、后公开”和“一事一审”原则。未经保密审查的信息不得公开。",
                     "第三条 拟公开的信息由承办科室信息编辑人员录入，经保密审查员审查并确认不涉及"
                     "国家秘密、工作秘密、商业秘密和个人隐私后，报分管领导审核发布。",
                     "第四条 统计调查中获得的能够识别或者推断单个统计调查对象身份的资料，任何单位和"
                     "个人不得对外提供、泄露（《中华人民共和国统计法》第三十九条）。",
                     "第五条 对是否涉密不能确定的，应当依照法律、法规和国家有关规定"
                     "报有关主管部门或者保密行政管理部门确定。",
                     "第六条 保密审查记录留存备查。本制度自印发之日起施行。")),
        _city(column="zfxxgkzd", slug="zhudong-gongkai-zhidu",
              title="鞍山市统计局政府信息主动公开制度", doc_number="鞍统办发〔2021〕3号",
              formed_on=dt.date(2021, 3, 15), published_at=at(2021, 3, 17, 9, 10),
              theme=THEME_OPEN_GOV, genre=Genre.OTHER, keywords="主动公开 政府信息公开",
              summary="主动公开的范围、时限、方式和目录编制要求。",
              body=p("第一条 本局依照《中华人民共和国政府信息公开条例》第十九条、第二十条，主动公开"
                     "涉及公众利益调整、需要公众广泛知晓或者需要公众参与决策的政府信息。",
                     "第二条 属于主动公开范围的政府信息，自该信息形成或者变更之日起20个工作日内予以"
                     "公开（《条例》第二十六条）。",
                     "第三条 主动公开的信息通过本局政务公开平台发布，并编入政府信息公开目录，标注"
                     "索引号、生成日期、发布机构、文号和有效性。",
                     "第四条 规范性文件失效或者废止的，应当及时在原公开页面标注。",
                     "第五条 本制度自印发之日起施行。")),
    ]


# --- 机构职能 -----------------------------------------------------------------------------

def organisation_items() -> list[ItemSpec]:
    return [
        _city(column="jgzn", slug="zhuyao-zhize", title="鞍山市统计局主要职责",
              formed_on=dt.date(2022, 1, 10), published_at=at(2022, 1, 12, 9, 0),
              changed_on=dt.date(2024, 3, 20), republished_at=at(2024, 3, 22, 9, 0),
              theme=THEME_STATISTICS, genre=Genre.OTHER,
              article20_item=Article20Item.ORGANISATION, keywords="机构职能 主要职责",
              summary="本局的主要职责（2024年3月20日更新）。",
              demo_note="职责表述为演示示例，不是本局“三定”规定原文。",
              body=p("（一）贯彻执行国家、省统计工作的方针政策和法律法规，组织实施全市统计工作。",
                     "（二）组织实施全市统计调查，依法收集、汇总、审核和发布全市国民经济和社会发展"
                     "统计数据。",
                     "（三）组织实施全市人口普查、经济普查、农业普查等重大国情国力普查。",
                     "（四）依法查处统计违法行为，组织实施统计执法检查。",
                     "（五）管理和公布全市统计资料，开展统计分析和统计咨询服务。",
                     "（六）完成市委、市政府交办的其他任务。",
                     "（2024年3月20日根据职责调整更新本页内容。）")),
        _city(column="jgzn", slug="neishe-jigou", title="鞍山市统计局内设机构及联系方式",
              formed_on=dt.date(2024, 3, 20), published_at=at(2024, 3, 22, 9, 10),
              theme=THEME_STATISTICS, genre=Genre.OTHER,
              article20_item=Article20Item.ORGANISATION, keywords="内设机构 联系方式",
              summary="办公室、综合统计科、统计执法监督科等内设机构的职责和联系电话。",
              demo_note="机构设置和电话号码均为演示示例。",
              body=p("办公室：负责机关日常运转、政务公开、信访和安全保密工作。电话：0412-5551201。",
                     "综合统计科：负责国民经济核算和综合统计分析。电话：0412-5551211。",
                     "统计执法监督科：负责统计执法检查和统计违法举报受理。电话：0412-5551221。",
                     "人口与社会科技统计科：负责人口、劳动工资和社会科技统计。电话：0412-5551231。")),
    ]


# --- 政策文件 and 政策解读 ------------------------------------------------------------------

def _policy(slug: str, title: str, doc_number: str, formed: dt.date, published: dt.datetime,
            summary: str, paragraphs: tuple[str, ...], **extra: Any) -> ItemSpec:
    return _city(column="zcwj", slug=slug, title=title, doc_number=doc_number, formed_on=formed,
                 published_at=published, summary=summary, body=p(*paragraphs),
                 theme=THEME_STATISTICS, genre=Genre.NOTICE,
                 article20_item=Article20Item.RULES_AND_NORMATIVE_DOCUMENTS, **extra)


def _interpretation(document: ItemSpec, slug: str, title: str, published: dt.datetime,
                    paragraphs: tuple[str, ...]) -> ItemSpec:
    return _city(column="zcjd", slug=slug, title=title, formed_on=document.formed_on,
                 published_at=published, body=p(*paragraphs), theme=THEME_STATISTICS,
                 genre=Genre.INTERPRETATION, keywords="政策解读",
                 summary=f"对《{document.title}》（{document.doc_number}）的解读。",
                 interprets=((document.column, document.slug),))


def policy_items() -> list[ItemSpec]:
    inspection_2021 = _policy(
        "2021-shuangsuiji-xize", "关于印发《鞍山市“双随机、一公开”统计执法检查工作细则》的通知",
        "鞍统发〔2021〕5号", dt.date(2021, 5, 10), at(2021, 5, 14, 9, 0),
        "规定统计执法检查对象和执法检查人员的随机抽取、检查实施和结果公开。",
        ("各县（市）区统计局，局机关各科室：",
         "现将《鞍山市“双随机、一公开”统计执法检查工作细则》印发给你们，请认真贯彻执行。",
         "附件：鞍山市“双随机、一公开”统计执法检查工作细则（略）"),
        keywords="双随机一公开 统计执法", validity=Validity.EXPIRED,
        validity_changed_on=dt.date(2024, 1, 15), republished_at=at(2024, 1, 18, 9, 10),
    )
    quality = _policy(
        "2022-shuju-zhiliang", "关于印发《鞍山市统计局统计数据质量管理办法》的通知",
        "鞍统发〔2022〕3号", dt.date(2022, 3, 18), at(2022, 3, 22, 9, 0),
        "明确统计数据生产各环节的质量控制责任和数据核查程序。",
        ("各县（市）区统计局，局机关各科室：",
         "为防范和惩治统计造假、弄虚作假，提高统计数据质量，现将《鞍山市统计局统计数据质量"
         "管理办法》印发给你们，请结合实际认真贯彻落实。",
         "附件：鞍山市统计局统计数据质量管理办法（略）"),
        keywords="统计数据质量 防范统计造假",
    )
    projects = _policy(
        "2023-diaocha-xiangmu", "关于进一步规范统计调查项目管理的通知", "鞍统发〔2023〕4号",
        dt.date(2023, 4, 12), at(2023, 4, 14, 9, 0),
        "部门统计调查项目须依法审批或备案，未经审批或备案不得组织实施。",
        ("市直各有关部门，各县（市）区统计局：",
         "一、部门统计调查项目应当依照《中华人民共和国统计法》和《部门统计调查项目管理办法》"
         "报请审批或者备案；未经审批或者备案的，不得组织实施。",
         "二、统计调查表应当标明表号、制定机关、批准或者备案文号、有效期限等标志。",
         "三、本局将对统计调查项目执行情况进行监督检查，并将结果予以公开。"),
        keywords="统计调查项目 审批 备案",
    )
    inspection_2024 = _policy(
        "2024-tongji-zhifa-xize", "关于印发《鞍山市统计执法检查工作细则（2024年修订）》的通知",
        "鞍统发〔2024〕2号", dt.date(2024, 1, 15), at(2024, 1, 18, 9, 0),
        "修订统计执法检查的立案、调查、处理和公开程序，原鞍统发〔2021〕5号同时失效。",
        ("各县（市）区统计局，局机关各科室：",
         "现将修订后的《鞍山市统计执法检查工作细则》印发给你们，自印发之日起施行。"
         "《关于印发〈鞍山市“双随机、一公开”统计执法检查工作细则〉的通知》（鞍统发〔2021〕5号）"
         "同时失效。",
         "附件：鞍山市统计执法检查工作细则（2024年修订）（略）"),
        keywords="统计执法 检查细则",
    )
    release = _policy(
        "2024-shuju-fabu", "关于印发《鞍山市统计局统计数据发布管理办法》的通知",
        "鞍统发〔2024〕6号", dt.date(2024, 9, 2), at(2024, 9, 5, 9, 0),
        "统计数据按发布日程表定时发布，发布前严格保密，修订须说明原因。",
        ("各县（市）区统计局，局机关各科室：",
         "为规范统计数据发布，保障公众平等获取统计信息，现将《鞍山市统计局统计数据发布管理"
         "办法》印发给你们，请遵照执行。",
         "附件：鞍山市统计局统计数据发布管理办法（略）"),
        keywords="统计数据发布 发布日程",
    )
    interpretations = [
        _interpretation(inspection_2021, "2021-shuangsuiji-xize-jiedu",
                        "《鞍山市“双随机、一公开”统计执法检查工作细则》解读",
                        at(2021, 5, 14, 9, 30),
                        ("一、制定背景：落实国务院推广随机抽查规范事中事后监管的要求。",
                         "二、主要内容：检查对象从统计调查对象名录库中随机抽取，执法检查人员从执法"
                         "人员名录库中随机选派，检查结果按规定向社会公开。",
                         "三、适用范围：全市各级统计机构组织的统计执法检查。")),
        _interpretation(quality, "2022-shuju-zhiliang-jiedu",
                        "《鞍山市统计局统计数据质量管理办法》政策解读", at(2022, 3, 22, 9, 30),
                        ("一、为什么制定：从源头防范统计造假、弄虚作假。",
                         "二、管什么：覆盖统计设计、数据采集、审核、汇总、发布全过程。",
                         "三、怎么管：建立数据质量责任制和数据核查制度，发现问题依法处理。")),
        _interpretation(projects, "2023-diaocha-xiangmu-jiedu",
                        "《关于进一步规范统计调查项目管理的通知》解读", at(2023, 4, 14, 9, 30),
                        ("一、背景：部分部门存在未经批准擅自开展统计调查的情况，加重了基层负担。",
                         "二、要点：统计调查项目必须依法审批或备案；调查表须标明法定标志。",
                         "三、对调查对象的意义：对未标明法定标志的调查表，调查对象可以拒绝填报。")),
        _interpretation(inspection_2024, "2024-tongji-zhifa-xize-jiedu",
                        "《鞍山市统计执法检查工作细则（2024年修订）》解读", at(2024, 1, 18, 9, 30),
                        ("一、修订原因：与新修订的统计执法相关规定衔接，统一全市执法程序。",
                         "二、主要变化：增加执法检查结果公示要求，细化立案、调查和处理时限。",
                         "三、原细则（鞍统发〔2021〕5号）自本细则印发之日起失效。")),
        _interpretation(release, "2024-shuju-fabu-jiedu",
                        "《鞍山市统计局统计数据发布管理办法》解读", at(2024, 9, 5, 9, 30),
                        ("一、定时发布：主要统计数据按年初公布的发布日程表发布。",
                         "二、发布前保密：发布前任何单位和个人不得对外提供拟发布数据。",
                         "三、数据修订：修订已发布数据的，同时说明修订原因。")),
    ]
    return [inspection_2021, quality, projects, inspection_2024, release, *interpretations]


# --- 行政执法 -----------------------------------------------------------------------------

def enforcement_items() -> list[ItemSpec]:
    return [
        _city(column="xzzf", slug="zhifa-shixiang-qingdan",
              title="鞍山市统计局统计行政执法事项清单",
              formed_on=dt.date(2024, 2, 26), published_at=at(2024, 2, 28, 9, 0),
              theme=THEME_STATISTICS, genre=Genre.OTHER, article20_item=Article20Item.PENALTIES,
              keywords="行政执法事项 统计执法",
              summary="统计行政处罚、行政检查事项的名称、依据和实施主体。",
              body=p("一、行政处罚：对拒绝提供统计资料或者经催报后仍未按时提供统计资料的行为的处罚。"
                     "依据：《中华人民共和国统计法》第四十一条。",
                     "二、行政处罚：对提供不真实或者不完整的统计资料的行为的处罚。依据：《中华人民"
                     "共和国统计法》第四十一条。",
                     "三、行政检查：对统计调查对象执行统计法律法规情况的检查。依据：《中华人民共和国"
                     "统计法》第三十五条。")),
        _city(column="xzzf", slug="2024-shuangsuiji-jihua",
              title="鞍山市统计局2024年“双随机、一公开”统计执法检查抽查计划",
              # Published late on purpose: more than 20 working days after formed_on, the
              # example the 第二十六条 timeliness report must flag.
              formed_on=dt.date(2024, 3, 4), published_at=at(2024, 4, 19, 14, 0),
              theme=THEME_STATISTICS, genre=Genre.OTHER,
              article20_item=Article20Item.OTHER_REQUIRED, keywords="双随机一公开 抽查计划",
              summary="2024年随机抽取统计调查对象开展执法检查的比例、时间和方式。",
              demo_note=INVENTED + "本条有意在生成后超过20个工作日才公开，用作第二十六条时效示例。",
              body=p("一、抽查对象：从全市“四上”企业统计调查对象名录库中随机抽取，抽查比例不低于3%。",
                     "二、检查人员：从统计执法检查人员名录库中随机选派，每组不少于2人。",
                     "三、时间安排：2024年5月至10月。",
                     "四、结果公开：检查结果自作出之日起20个工作日内在本平台公示。")),
        _city(column="xzzf", slug="2024-shuangsuiji-jieguo",
              title="鞍山市统计局2024年“双随机、一公开”统计执法检查结果公示",
              formed_on=dt.date(2024, 11, 20), published_at=at(2024, 11, 25, 9, 0),
              theme=THEME_STATISTICS, genre=Genre.ANNOUNCEMENT,
              article20_item=Article20Item.OTHER_REQUIRED, keywords="双随机一公开 检查结果",
              summary="2024年共随机抽查统计调查对象42家，发现问题的已依法处理。",
              demo_note=INVENTED + "抽查数量为虚构，未列出任何真实企业。",
              body=p("2024年，本局按照抽查计划随机抽取统计调查对象42家开展统计执法检查。",
                     "检查发现，3家单位存在统计台账不健全问题，已责令限期改正；未发现统计造假、"
                     "弄虚作假行为。",
                     "（演示内容，不列示被检查单位名称。）")),
        _city(column="xzzf", slug="2025-shuangsuiji-jihua",
              title="鞍山市统计局2025年“双随机、一公开”统计执法检查抽查计划",
              formed_on=dt.date(2025, 3, 10), published_at=at(2025, 3, 12, 9, 0),
              theme=THEME_STATISTICS, genre=Genre.OTHER,
              article20_item=Article20Item.OTHER_REQUIRED, keywords="双随机一公开 抽查计划",
              summary="2025年随机抽查的对象范围、比例和时间安排。",
              body=p("一、抽查对象：全市“四上”企业及部门统计调查项目执行单位，抽查比例不低于3%。",
                     "二、时间安排：2025年4月至10月。",
                     "三、结果公开：检查结果在本平台“行政执法”栏目公示。")),
    ]


# --- 财政预决算 ---------------------------------------------------------------------------

def _budget_table(caption: str, rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td>{escape(a)}</td><td>{escape(b)}</td></tr>" for a, b in rows)
    return (f'<table class="data-table"><caption>{escape(caption)}</caption><thead><tr>'
            f'<th scope="col">项目</th><th scope="col">金额（万元）</th></tr></thead>'
            f"<tbody>{cells}</tbody></table>")


def budget_items() -> list[ItemSpec]:
    note = "预决算金额为演示虚构的示例数据。"
    return [
        _city(column="czyjs", slug="2023-bumen-yusuan", title="鞍山市统计局2023年部门预算",
              formed_on=dt.date(2023, 2, 10), published_at=at(2023, 2, 14, 9, 0),
              theme=THEME_FINANCE, genre=Genre.OTHER, article20_item=Article20Item.BUDGETS,
              keywords="部门预算", summary="2023年收支预算总表（示例数据）。", demo_note=note,
              body=p("按照预算公开的要求，现公开本局2023年部门预算。")
              + _budget_table("2023年收支预算总表（示例数据）",
                              [("一般公共预算拨款收入", "1,286.40"), ("基本支出", "1,032.15"),
                               ("项目支出", "254.25"), ("“三公”经费", "6.80")])),
        _city(column="czyjs", slug="2023-bumen-juesuan", title="鞍山市统计局2023年部门决算",
              formed_on=dt.date(2024, 8, 20), published_at=at(2024, 8, 22, 9, 0),
              theme=THEME_FINANCE, genre=Genre.OTHER, article20_item=Article20Item.BUDGETS,
              keywords="部门决算", summary="2023年收支决算总表（示例数据）。", demo_note=note,
              body=p("按照决算公开的要求，现公开本局2023年部门决算。")
              + _budget_table("2023年收支决算总表（示例数据）",
                              [("本年收入合计", "1,301.72"), ("基本支出", "1,040.38"),
                               ("项目支出", "258.06"), ("“三公”经费", "5.92")])),
    ]


# --- 通知公告 -----------------------------------------------------------------------------

def _exam_signup(year: int, formed: dt.date, published: dt.datetime,
                 attachments: tuple[AttachmentSpec, ...] = ()) -> ItemSpec:
    return _city(column="tzgg", slug=f"{year}-tongji-zige-kaoshi-baoming",
                 title=f"关于{year}年度统计专业技术资格考试报名有关事项的通知",
                 formed_on=formed, published_at=published, theme=THEME_PERSONNEL,
                 genre=Genre.NOTICE, keywords="统计专业技术资格考试 报名",
                 summary=f"{year}年度初级、中级统计师考试的报名条件、时间和方式。",
                 attachments=attachments,
                 body=p("各有关单位、各位报考人员：",
                        f"{year}年度统计专业技术资格考试报名工作即将开始，现将本市有关事项通知如下：",
                        "一、报考条件按照全国统一规定执行。",
                        "二、报名方式：考生登录全国专业技术人员资格考试服务平台进行网上报名。",
                        "三、资格审核：本市报考人员的资格审核由市统计局会同市人力资源和社会保障局"
                        "组织实施。",
                        "四、咨询电话：0412-5551203（工作日8:30—11:30，13:30—17:00）。"))


def notice_items() -> list[ItemSpec]:
    return [
        _city(column="tzgg", slug="wujingpu-qingcha",
              title="关于做好第五次全国经济普查单位清查工作的通知",
              formed_on=dt.date(2023, 8, 1), published_at=at(2023, 8, 3, 9, 0),
              theme=THEME_STATISTICS, genre=Genre.NOTICE, keywords="第五次全国经济普查 单位清查",
              summary="部署全市经济普查单位清查的时间安排、工作要求和数据质量控制。",
              body=p("各县（市）区统计局：",
                     "根据第五次全国经济普查工作安排，现就做好本市单位清查工作通知如下：",
                     "一、清查对象为本市行政区域内的全部法人单位、产业活动单位和个体经营户。",
                     "二、清查工作于2023年8月至12月进行，各地要按时完成清查底册核实。",
                     "三、普查对象的单个资料严格保密，不得用于统计以外的目的。")),
        _exam_signup(2024, dt.date(2024, 7, 8), at(2024, 7, 9, 9, 0), (
            AttachmentSpec("pdf", "2024-tongji-kaoshi-baoming-xuzhi.pdf",
                           "2024年度统计专业技术资格考试报名须知（示例PDF）"),)),
        _city(column="tzgg", slug="2024-tongji-zige-zhengshu",
              title="关于领取2024年度统计专业技术资格考试合格证书的通知",
              formed_on=dt.date(2025, 1, 6), published_at=at(2025, 1, 7, 9, 0),
              theme=THEME_PERSONNEL, genre=Genre.NOTICE, keywords="统计专业技术资格考试 证书",
              summary="证书领取的时间、地点和所需材料。",
              body=p("2024年度统计专业技术资格考试合格人员的证书已到，请于2025年1月13日至1月24日"
                     "（工作日）到市统计局办公室领取。",
                     "领取时请携带本人身份证原件；委托他人代领的，另需提供委托书和代领人身份证。")),
        _city(column="tzgg", slug="2025-fabu-richeng", title="鞍山市统计局2025年统计数据发布日程表",
              formed_on=dt.date(2025, 1, 20), published_at=at(2025, 1, 21, 9, 0),
              theme=THEME_STATISTICS, genre=Genre.ANNOUNCEMENT,
              article20_item=Article20Item.STATISTICS, keywords="发布日程表 统计数据发布",
              summary="2025年各月主要统计数据的发布日期。",
              body=p("为方便社会公众及时获取统计信息，现公布本局2025年统计数据发布日程表：",
                     "一、月度主要经济指标：每月下旬发布上月数据（1月、2月数据合并发布）。",
                     "二、季度地区生产总值：季后第一个月下旬发布。",
                     "三、2024年国民经济和社会发展统计公报：2025年4月发布。",
                     "如遇特殊情况调整发布日期，将提前在本平台公告。")),
        _exam_signup(2025, dt.date(2025, 7, 7), at(2025, 7, 8, 9, 0)),
        _city(column="tzgg", slug="2026-tongji-kaifangri",
              title="关于举办2026年“统计开放日”活动的公告",
              formed_on=dt.date(2026, 9, 14), published_at=at(2026, 9, 15, 9, 0),
              theme=THEME_STATISTICS, genre=Genre.ANNOUNCEMENT, keywords="统计开放日",
              summary="9月20日“中国统计开放日”当天开放数据发布厅，欢迎公众参观。",
              body=p("9月20日是“中国统计开放日”。本局将于当日开放数据发布厅，介绍统计数据的生产和"
                     "发布流程，欢迎社会公众参观。",
                     "报名方式：拨打咨询电话0412-5551203预约，名额有限，约满为止。")),
    ]


def draft_item(formed_on: dt.date) -> ItemSpec:
    """An unpublished draft whose 第二十六条 deadline is a few working days away."""
    return _city(column="tzgg", slug="tongji-fazhi-xuanchuan", published_at=None,
                 title=f"关于开展{formed_on.year}年度统计法治宣传活动的通知",
                 formed_on=formed_on, theme=THEME_STATISTICS, genre=Genre.NOTICE,
                 keywords="统计法治宣传", summary="部署统计法治宣传活动（待审核发布）。",
                 demo_note=INVENTED + "本条为未发布的草稿，用作第二十六条临近时限的示例。",
                 body=p("各县（市）区统计局，局机关各科室：",
                        "为深入学习宣传《中华人民共和国统计法》，营造依法统计的良好氛围，现就开展"
                        "统计法治宣传活动通知如下：（草稿，待保密审查和审核发布）"))


# --- 专题专栏 -----------------------------------------------------------------------------

def seed_report() -> ItemSpec:
    """The bureau's real 2022 “5·15政务公开日” report, restored from its damaged copy.

    The only copy found online is damaged (traditional characters with pinyin in brackets,
    folded punctuation); it goes through the legacy restorer like any imported page, the
    restored text is published and the original and the report are kept for staff.
    """
    original = decode_bytes(SEED_REPORT.read_bytes()).text
    restored = restore(original)
    lines = [line for line in restored.text.split("\n") if line.strip()]
    body = (f"<p><strong>{RESTORED_NOTE}</strong></p>"
            + "".join(f"<p>{escape(line, quote=False)}</p>" for line in lines))
    # formed_on is an assumption: the report's own date line (2022年5月20日); the date it
    # went online on the bureau's old site is not known, so it is published the same day.
    return ItemSpec(
        agency=CITY_SLUG, column="ztzl", slug="2022-515-zhengwu-gongkai-ri",
        title="鞍山市统计局2022年“5·15政务公开日”活动开展情况报告",
        formed_on=dt.date(2022, 5, 20), published_at=at(2022, 5, 20, 16, 0), body=body,
        theme=THEME_OPEN_GOV, genre=Genre.REPORT, article20_item=Article20Item.NONE,
        keywords="5·15政务公开日 政务公开",
        summary="本局2022年“5·15政务公开日”集中宣传活动的开展情况（据受损副本自动修复）。",
        source="鞍山市统计局（历史原文）", is_demo=False,
        original_text=original, restoration_report=restored.report.as_dict(),
        legacy_key=legacy_key(CITY_SLUG, SEED_REPORT.name),
    )


def topic_items() -> list[ItemSpec]:
    return [
        seed_report(),
        _city(column="ztzl", slug="2025-515-huodong-fangan",
              title="鞍山市统计局2025年“5·15政务公开日”活动方案",
              formed_on=dt.date(2025, 5, 6), published_at=at(2025, 5, 8, 9, 0),
              theme=THEME_OPEN_GOV, genre=Genre.OTHER, keywords="5·15政务公开日 活动方案",
              summary="活动主题、时间安排和宣传形式。",
              body=p("一、活动主题：政务公开进基层，统计数据惠民生。",
                     "二、活动时间：2025年5月15日前后。",
                     "三、活动内容：开展政府信息公开政策宣讲，解读统计数据发布制度，现场解答群众"
                     "关于统计数据查询和依申请公开的问题。")),
    ]


def city_items(draft_formed_on: dt.date) -> list[ItemSpec]:
    return [*system_items(), *organisation_items(), *policy_items(), *enforcement_items(),
            *budget_items(), *notice_items(), *topic_items(), draft_item(draft_formed_on)]
