"""All the demo content in one list, in the order it is published."""

from __future__ import annotations

import datetime as dt

from gongkai.core.workdays import WorkdayCalendar
from gongkai.demo.city import city_items
from gongkai.demo.counties import county_items
from gongkai.demo.specs import ItemSpec
from gongkai.demo.statistics import statistics_items

PLATFORM_TITLE = "鞍山市统计局政务公开平台"
PLATFORM_SLUG = "pingtai"
PLATFORM_INTRO = (
    "<p>本平台为政务公开平台的演示站点，收录鞍山市统计局及其7个县（市）区统计局的示例内容。"
    "标注“示例”的机构资料和信息为演示虚构；统计数据类信息注明了真实来源和数据等级。</p>"
)
GUIDE_BODY = (
    "<p>本指南第一至三部分根据本机关资料自动生成。本演示站点中的机构地址、电话、电子邮箱和"
    "备案编号均为示例，不是真实信息。</p>"
    "<p>本指南自发布之日起施行，本机关机构或联系方式发生变化的，将及时更新。</p>"
)
# The draft's 第二十六条 clock: formed this many working days before today, so the
# deadline (20 working days) falls within the warning window of the timeliness report.
DRAFT_AGE_WORKING_DAYS = 15


def working_days_before(calendar: WorkdayCalendar, today: dt.date, days: int) -> dt.date:
    """The working day ``d`` with exactly ``days`` working days after it up to ``today``
    (the counting of the statutes: ``d`` itself not counted, ``today`` counted)."""
    current = today
    counted = 0
    while counted < days:
        if calendar.is_working_day(current):
            counted += 1
        current -= dt.timedelta(days=1)
    while not calendar.is_working_day(current):
        current -= dt.timedelta(days=1)
    return current


def publication_order(spec: ItemSpec) -> dt.datetime:
    # Drafts last; everything else by publication moment, so index-number serials rise
    # with the dates. sorted() is stable: a document listed before its 解读 stays first.
    return spec.published_at or dt.datetime.max.replace(tzinfo=dt.UTC)


def all_items(draft_formed_on: dt.date) -> list[ItemSpec]:
    items = [*city_items(draft_formed_on), *statistics_items(), *county_items()]
    return sorted(items, key=publication_order)
