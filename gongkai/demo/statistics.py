"""Statistical items built from the real figures in data/anshan-figures.csv.

Official (grade A) figures are published as the bureau's own items with their source
cited. Estimates and third-party figures (grades B–D) are published too, because they
show real shapes of local data, but as demo items: the bureau never released those pages.
Publication dates of the extracts are set by the demo; each assumption is commented.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from gongkai.catalog.enums import Article20Item, Genre
from gongkai.demo import figures as fg
from gongkai.demo.agencies import CITY_SLUG, agency_spec
from gongkai.demo.specs import AttachmentSpec, ItemSpec, at, p

THEME_STATISTICS = "0201"  # 国民经济管理、国有资产监管\统计
CENSUS_DATE = dt.date(2021, 6, 18)  # the bulletin's publication date on tjj.anshan.gov.cn
CENSUS_DOCUMENT = "鞍山市统计局《鞍山市第七次全国人口普查公报（第二号）》"
CITY_PORTAL_DOCUMENT = "鞍山市人民政府门户网站“行政区划及人口”页面"
# The portal page gives year-end 2022 figures but no date; the demo assumes the bureau
# republished them in March 2023.
HOUSEHOLD_2022_FORMED = dt.date(2023, 3, 20)

# The county rows of the census bulletin, in the bulletin's order.
CENSUS_ROWS = ("铁东区(含风景区)", "铁西区", "立山区", "千山区", "高新区", "开发区",
               "海城市", "台安县", "岫岩满族自治县")
# The bulletin row each county/district bureau reports.
CENSUS_REGION_OF_AGENCY = {
    "haicheng": "海城市", "taian": "台安县", "xiuyan": "岫岩满族自治县",
    "tiedong": "铁东区(含风景区)", "tiexi": "铁西区", "lishan": "立山区", "qianshan": "千山区",
}
HOUSEHOLD_REGION_OF_AGENCY = {"haicheng": "海城市", "taian": "台安县", "xiuyan": "岫岩满族自治县"}


def period_label(period: str) -> str:
    """"2021-01/2021-09" → "2021年1—9月"; "2020-11-01" → "2020年11月1日"; "2022" → "2022年"."""
    if "/" in period:
        start, end = period.split("/")
        return f"{start[:4]}年{int(start[5:7])}—{int(end[5:7])}月"
    if len(period) == 10:
        return f"{period[:4]}年{int(period[5:7])}月{int(period[8:10])}日"
    return f"{period}年"


def remark(figure: fg.Figure) -> str:
    """The wording the source used, when the note records it (e.g. 与上年持平)."""
    marker = "text says "
    return figure.note.split(marker, 1)[1] if marker in figure.note else ""


def census_table_city() -> str:
    rows = []
    for region in (*CENSUS_ROWS, "市辖区", "鞍山市"):
        label = "全市" if region == "鞍山市" else region
        rows.append([label, fg.census_population(region).value, fg.census_share(region)])
    return fg.html_table("2020年11月1日零时各县（市）区常住人口",
                         ["地区", "常住人口（人）", "占全市比重（%）"], rows)


def census_city_item() -> ItemSpec:
    total = fg.census_population("鞍山市")
    urban = fg.census_population("市辖区")
    body = (
        p("【说明】本页为根据鞍山市统计局2021年6月18日发布的《鞍山市第七次全国人口普查公报"
          "（第二号）》整理的数据摘录，不是公报全文。数据为普查初步汇总数，按公报原值列示。",
          f"2020年11月1日零时，全市常住人口为{total.value}人。其中，市辖区常住人口为"
          f"{urban.value}人，占全市常住人口的{fg.census_share('市辖区')}%。")
        + census_table_city()
        + p("注：铁东区数据含风景区；高新区、开发区为功能区，没有行政区划代码。各地区比重按公报"
            "原值列示，合计为100.00%，不按人口数重新计算（例如台安县公布为9.05%）。")
        + fg.source_paragraph(document=f"{CENSUS_DOCUMENT}，2021年6月18日",
                              url=fg.CENSUS_BULLETIN_URL, grade="A")
    )
    return ItemSpec(
        agency=CITY_SLUG, column="tjgb", slug="qipu-gongbao-2", formed_on=CENSUS_DATE,
        published_at=at(2021, 6, 18, 10, 0),
        title="鞍山市第七次全国人口普查公报（第二号）数据摘录：各县（市）区常住人口",
        summary="2020年11月1日零时全市及各县（市）区常住人口和占全市比重（普查初步汇总数）。",
        body=body, theme=THEME_STATISTICS, genre=Genre.STATISTICAL_BULLETIN,
        article20_item=Article20Item.STATISTICS, keywords="第七次全国人口普查 常住人口 县区",
        source=CENSUS_DOCUMENT, is_demo=False,
        attachments=(AttachmentSpec("xlsx-census", "anshan-qipu-xianqu-changzhurenkou.xlsx",
                                    "各县（市）区常住人口（Excel表格）"),),
    )


def census_county_item(agency: str, order: int) -> ItemSpec:
    region = CENSUS_REGION_OF_AGENCY[agency]
    population = fg.census_population(region)
    share = fg.census_share(region)
    name = agency_spec(agency).name.removesuffix("统计局")
    body = (
        p(f"根据{CENSUS_DOCUMENT}，2020年11月1日零时，{escape(region)}常住人口为"
          f"{population.value}人，占全市常住人口的{share}%。")
        + fg.html_table("第七次全国人口普查常住人口", ["地区", "常住人口（人）", "占全市比重（%）"],
                        [[region, population.value, share]])
        + (p("注：公报中铁东区数据含风景区。") if "风景区" in region else "")
        + fg.source_paragraph(document=f"{CENSUS_DOCUMENT}，2021年6月18日",
                              url=fg.CENSUS_BULLETIN_URL, grade="A",
                              remark="本页为本局转载的数据摘录，发布日期为演示设定。")
    )
    return ItemSpec(
        agency=agency, column="tjxx", slug="qipu-changzhurenkou", formed_on=CENSUS_DATE,
        published_at=at(2021, 6, 21, 9, 0 + order),
        title=f"{name}第七次全国人口普查常住人口数据",
        summary=f"2020年11月1日零时{region}常住人口及占全市比重（摘自市七普公报第二号）。",
        body=body, theme=THEME_STATISTICS, genre=Genre.STATISTICAL_BULLETIN,
        article20_item=Article20Item.STATISTICS, keywords="第七次全国人口普查 常住人口",
        source=CENSUS_DOCUMENT, is_demo=False,
    )


def household_city_item() -> ItemSpec:
    city_rows = [[f.indicator, f.value, f.unit]
                 for f in fg.from_source(fg.CITY_PORTAL_URL) if f.region == "鞍山市"]
    region_rows = [[f.region, f.value, f.unit]
                   for f in fg.from_source(fg.CITY_PORTAL_URL) if f.region != "鞍山市"]
    body = (
        p("【说明】本页数据摘自鞍山市人民政府门户网站“行政区划及人口”页面，为2022年户籍人口"
          "及人口变动数据。户籍人口与第七次全国人口普查的常住人口是不同的指标，不能直接比较。")
        + fg.html_table("2022年全市户籍人口及人口变动", ["指标", "数值", "单位"], city_rows)
        + fg.html_table("2022年末分地区户籍人口", ["地区", "户籍人口", "单位"], region_rows)
        + fg.source_paragraph(document=CITY_PORTAL_DOCUMENT, url=fg.CITY_PORTAL_URL, grade="A",
                              remark="原页面未注明发布日期，本页生成日期为演示设定。")
    )
    return ItemSpec(
        agency=CITY_SLUG, column="tjxx", slug="2022-hujirenkou", formed_on=HOUSEHOLD_2022_FORMED,
        published_at=at(2023, 3, 22, 9, 30), title="2022年鞍山市户籍人口及人口变动情况",
        summary="2022年全市户籍总户数、户籍人口（分性别、城乡、地区）及出生、死亡和自然增长情况。",
        body=body, theme=THEME_STATISTICS, genre=Genre.STATISTICAL_BULLETIN,
        article20_item=Article20Item.STATISTICS, keywords="户籍人口 出生率 死亡率 自然增长率",
        source=CITY_PORTAL_DOCUMENT, is_demo=False,
    )


def household_county_item(agency: str, order: int) -> ItemSpec:
    region = HOUSEHOLD_REGION_OF_AGENCY[agency]
    value = fg.figure("户籍人口(年末)", region, "2022")
    body = (
        p(f"2022年末，{escape(region)}户籍人口为{value.value}{value.unit}。")
        + fg.html_table("2022年末户籍人口", ["地区", "户籍人口", "单位"],
                        [[region, value.value, value.unit]])
        + fg.source_paragraph(document=CITY_PORTAL_DOCUMENT, url=fg.CITY_PORTAL_URL, grade="A",
                              remark="本页为本局转载的数据摘录，发布日期为演示设定。")
    )
    return ItemSpec(
        agency=agency, column="tjxx", slug="2022-hujirenkou", formed_on=HOUSEHOLD_2022_FORMED,
        published_at=at(2023, 3, 24, 10, order), title=f"2022年末{region}户籍人口",
        summary=f"2022年末{region}户籍人口（摘自鞍山市人民政府门户网站）。", body=body,
        theme=THEME_STATISTICS, genre=Genre.STATISTICAL_BULLETIN,
        article20_item=Article20Item.STATISTICS, keywords="户籍人口", source=CITY_PORTAL_DOCUMENT,
        is_demo=False,
    )


def _indicator_rows(items: list[fg.Figure]) -> list[list[str]]:
    return [[f.indicator, period_label(f.period), f.value, f.unit] for f in items]


def economy_2021_item() -> ItemSpec:
    body = (
        p("【注意】以下数字转引自第三方网站，该网页称数据来自鞍山市统计局；年份系根据行文"
          "（“两年平均增长”）和网页编号推断，未能找到统计局的原始发布页面。仅供演示，"
          "不是本局的正式统计数据。")
        + fg.html_table("2021年前三季度主要经济指标", ["指标", "时期", "数值", "单位"],
                        _indicator_rows(fg.from_source(fg.ECONOMY_2021_URL)))
        + fg.source_paragraph(document="第三方网站（大陆资讯）转引", url=fg.ECONOMY_2021_URL,
                              grade="C", remark="其中两项为1—8月数据。")
        + fg.html_table("2021年1—7月工业主要行业增加值增长", ["指标", "时期", "数值", "单位"],
                        _indicator_rows(fg.from_source(fg.INDUSTRY_2021_URL)))
        + fg.source_paragraph(document="第三方网站（大陆资讯）转引", url=fg.INDUSTRY_2021_URL,
                              grade="C")
    )
    # The article id of the source page encodes 2021-10-29; the demo dates the item so.
    return ItemSpec(
        agency=CITY_SLUG, column="tjxx", slug="2021-1-9-jingji", formed_on=dt.date(2021, 10, 29),
        published_at=at(2021, 10, 29, 15, 0),
        title="2021年1—9月鞍山市主要经济指标（第三方转引数据）",
        summary="地区生产总值、规模以上工业、社会消费品零售总额、固定资产投资等指标（C级数据）。",
        body=body, theme=THEME_STATISTICS, genre=Genre.OTHER,
        article20_item=Article20Item.STATISTICS, keywords="地区生产总值 经济运行 第三方转引",
        source="第三方网站转引（daluzixun.com）",
        demo_note="数据转引自第三方网站（C级），年份系推断，本局未发布过此页面。",
    )


def gdp_2022_item() -> ItemSpec:
    estimates = fg.from_source(fg.WORK_REPORT_2023_URL)
    later = fg.from_source(fg.GDP_2022_URL)
    rows = ([[f.indicator, f.value, f.unit, "预计数（B级）"] for f in estimates]
            + [[f.indicator, f.value, f.unit, "第三方转引（C级）"] for f in later])
    body = (
        p("2023年1月7日的鞍山市政府工作报告预计2022年地区生产总值增长2%左右；此后第三方网站"
          "转引的2022年数据为地区生产总值1863.2亿元、按可比价格计算增长0.3%。同一时期的同一"
          "指标出现两个数值，是因为前者是年初的预计数，后者是统计数。",
          "预计数不是统计数：在统计数据库中应作为不同版本（或标注观测状态）保存，不能混入正式"
          "统计序列。")
        + fg.html_table("2022年主要指标：预计数与统计数", ["指标", "数值", "单位", "性质"], rows)
        + fg.source_paragraph(document="2023年鞍山市政府工作报告（2023年1月7日，镜像页面）",
                              url=fg.WORK_REPORT_2023_URL, grade="B")
        + fg.source_paragraph(document="第三方行政区划资料页面", url=fg.GDP_2022_URL, grade="C",
                              remark="未能找到2022年统计公报原文。")
    )
    return ItemSpec(
        agency=CITY_SLUG, column="tjxx", slug="2022-gdp-shuoming", formed_on=dt.date(2023, 5, 10),
        published_at=at(2023, 5, 12, 9, 0),
        title="关于2022年鞍山市地区生产总值增速两个数值的说明（预计数与统计数）",
        summary="说明政府工作报告预计数（2%）与统计数（0.3%）的区别，附两者来源。", body=body,
        theme=THEME_STATISTICS, genre=Genre.OTHER, article20_item=Article20Item.STATISTICS,
        keywords="地区生产总值 预计数 数据修订", source="政府工作报告镜像及第三方网站",
        demo_note="演示用数据说明：预计数（B级）和统计数（C级）均非本局正式发布。",
    )


def haicheng_2020_item() -> ItemSpec:
    rows = [[f.indicator, f.value, f.unit, remark(f)]
            for f in fg.from_source(fg.HAICHENG_2020_MIRROR_URL)]
    body = (
        p("【注意】以下数据摘自第三方网站对《2020年海城市国民经济和社会发展统计公报》（海城市"
          "统计局）的镜像，未能核对公报原发布页面。")
        + fg.html_table("2020年海城市主要统计指标", ["指标", "数值", "单位", "原文表述"], rows)
        + fg.source_paragraph(document="2020年海城市国民经济和社会发展统计公报（第三方镜像）",
                              url=fg.HAICHENG_2020_MIRROR_URL, grade="C")
    )
    # The bulletin's own date is not in the data; the demo assumes the end of April 2021.
    return ItemSpec(
        agency="haicheng", column="tjgb", slug="2020-tongjigongbao", formed_on=dt.date(2021, 4, 30),
        published_at=at(2021, 5, 6, 9, 0),
        title="2020年海城市国民经济和社会发展统计公报（数据摘录）",
        summary="2020年海城市地区生产总值、三次产业、人口和财政收支主要数据。", body=body,
        theme=THEME_STATISTICS, genre=Genre.STATISTICAL_BULLETIN,
        article20_item=Article20Item.STATISTICS, keywords="统计公报 地区生产总值 海城市",
        source="海城市统计局2020年统计公报（第三方镜像）",
        demo_note="数据摘自第三方镜像（C级），发布日期为演示设定。",
    )


def yearbook_item() -> ItemSpec:
    """A 统计年鉴 entry: the yearbook files are attachments. The demo has no real yearbook,
    so the files are the census table above, labelled as a demo extract."""
    body = (
        p("【说明】统计年鉴以文件形式公开，请下载附件查看。本条目为演示内容：附件为根据"
          f"{CENSUS_DOCUMENT}整理的人口表格，不是《鞍山统计年鉴》原件。",
          "年鉴收录的数据以本局正式发布的统计公报和统计数据为准；表格数据也可以在“统计数据查询”"
          "中按指标、地区和时期查询和下载。")
        # No data grade here: the grades label real published figures, and this entry is not
        # a real yearbook (the demo tests hold graded-A-only pages to be the bureau's own).
        + p(f"数据来源：{CENSUS_DOCUMENT}，2021年6月18日（{escape(fg.CENSUS_BULLETIN_URL)}）。"
            "年鉴条目和发布日期为演示设定。")
    )
    # Assumed: the yearbook with the census tables came out at the end of 2021.
    return ItemSpec(
        agency=CITY_SLUG, column="tjnj", slug="2021-nianjian-renkou",
        formed_on=dt.date(2021, 12, 20), published_at=at(2021, 12, 24, 9, 0),
        title="鞍山统计年鉴（演示摘录）：第七次全国人口普查各县（市）区常住人口",
        summary="年鉴文件（Excel 表格和 PDF 说明）：2020年11月1日零时各县（市）区常住人口。",
        body=body, theme=THEME_STATISTICS, genre=Genre.OTHER,
        article20_item=Article20Item.STATISTICS, keywords="统计年鉴 常住人口 第七次全国人口普查",
        source=CENSUS_DOCUMENT,
        demo_note="演示用年鉴条目：附件整理自七普公报第二号，不是年鉴原件。",
        attachments=(AttachmentSpec("xlsx-census", "anshan-nianjian-2021-renkou.xlsx",
                                    "人口：各县（市）区常住人口（Excel表格）"),
                     AttachmentSpec("pdf", "anshan-nianjian-2021-shuoming.pdf",
                                    "年鉴编辑说明（PDF）")),
    )


def statistics_items() -> list[ItemSpec]:
    items = [census_city_item(), household_city_item(), economy_2021_item(), gdp_2022_item(),
             haicheng_2020_item(), yearbook_item()]
    items += [census_county_item(slug, n) for n, slug in enumerate(CENSUS_REGION_OF_AGENCY)]
    items += [household_county_item(slug, n) for n, slug in enumerate(HOUSEHOLD_REGION_OF_AGENCY)]
    return items
