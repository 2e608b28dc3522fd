"""What the pages of 专题与公众参与 contribute to the site search (core.search.pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.search.pages import PageIndexFields
from gongkai.core.search.text import html_to_text

if TYPE_CHECKING:
    from gongkai.engagement.models import (
        CampaignPage,
        EventPage,
        SurveyPage,
        TrainingMaterialsPage,
    )


def campaign_fields(page: CampaignPage) -> PageIndexFields:
    news = "\n".join(f"{n.title} {n.body}" for n in page.news.all())
    return PageIndexFields(
        content_type="campaign", content_type_label=_("专题"), summary=page.intro,
        body="\n".join([html_to_text(page.plan or ""), news, html_to_text(page.summary or "")]),
        year=page.year)


def event_fields(page: EventPage) -> PageIndexFields:
    start = timezone.localtime(page.starts_at)
    return PageIndexFields(
        content_type="event", content_type_label=_("活动"),
        summary=f"{start:%Y年%m月%d日 %H:%M} {page.place}",
        body=html_to_text(page.description or ""), year=start.year)


def materials_fields(page: TrainingMaterialsPage) -> PageIndexFields:
    return PageIndexFields(
        content_type="materials", content_type_label=_("培训资料"), summary=page.intro,
        body="\n".join(f"{m.title} {m.description}" for m in page.items.all()))


def survey_fields(page: SurveyPage) -> PageIndexFields:
    return PageIndexFields(content_type="survey", content_type_label=_("问卷调查"),
                           body=html_to_text(page.intro or ""))
