"""Invented content of the county/district bureaus (their real figures are in statistics.py)."""

from __future__ import annotations

import datetime as dt

from gongkai.catalog.enums import Article20Item, Genre
from gongkai.demo.agencies import AGENCIES, CITY_SLUG, AgencySpec
from gongkai.demo.city import INVENTED, THEME_OPEN_GOV, THEME_STATISTICS
from gongkai.demo.specs import ItemSpec, at, p


def _review_rules(spec: AgencySpec, order: int) -> ItemSpec:
    return ItemSpec(
        agency=spec.slug, column="zfxxgkzd", slug="baomi-shencha-zhidu",
        title=f"{spec.name}政府信息公开保密审查制度",
        formed_on=dt.date(2021, 4, 6), published_at=at(2021, 4, 8, 9, order),
        theme=THEME_OPEN_GOV, genre=Genre.OTHER, keywords="保密审查 政府信息公开",
        summary="拟公开信息“先审查、后公开”的分工和程序。", demo_note=INVENTED,
        body=p(f"第一条 为做好{spec.name}政府信息公开前的保密审查，根据《中华人民共和国政府信息"
               "公开条例》第十七条，参照《鞍山市统计局政府信息公开保密审查制度》，制定本制度。",
               "第二条 拟公开的信息经保密审查员审查、分管领导审核后方可发布。",
               "第三条 能够识别或者推断单个统计调查对象身份的资料不得公开。",
               "第四条 本制度自印发之日起施行。"),
    )


def _inspection_plan(spec: AgencySpec, order: int) -> ItemSpec:
    # Alternate years so the county catalogs do not all look alike.
    year = 2024 if order % 2 else 2025
    return ItemSpec(
        agency=spec.slug, column="xzzf", slug=f"{year}-shuangsuiji-jihua",
        title=f"{spec.name}{year}年“双随机、一公开”统计执法检查抽查计划",
        formed_on=dt.date(year, 3, 11), published_at=at(year, 3, 14, 10, order),
        theme=THEME_STATISTICS, genre=Genre.OTHER, article20_item=Article20Item.OTHER_REQUIRED,
        keywords="双随机一公开 抽查计划", summary=f"{year}年本辖区统计执法随机抽查安排。",
        demo_note=INVENTED,
        body=p("一、抽查对象：从本辖区统计调查对象名录库中随机抽取，抽查比例不低于3%。",
               "二、检查人员：从统计执法检查人员名录库中随机选派。",
               f"三、时间安排：{year}年4月至10月。检查结果在本平台“行政执法”栏目公示。"),
    )


def county_items() -> list[ItemSpec]:
    items: list[ItemSpec] = []
    counties = [spec for spec in AGENCIES if spec.slug != CITY_SLUG]
    for order, spec in enumerate(counties, start=1):
        items += [_review_rules(spec, order), _inspection_plan(spec, order)]
    return items
