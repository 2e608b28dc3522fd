"""Factories for the engagement tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency
from gongkai.core.services import agency_collection
from gongkai.engagement.models import (
    CampaignPage,
    EventPage,
    SurveyField,
    SurveyPage,
    TrainingMaterial,
    TrainingMaterialsPage,
)
from gongkai.testing import column

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOW = dt.datetime(2026, 5, 6, 9, 0, tzinfo=dt.UTC)
_n = itertools.count(1)


def publish(parent: Any, page: Any) -> Any:
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_campaign(agency: Agency, **fields: Any) -> CampaignPage:
    n = next(_n)
    defaults: dict[str, Any] = {"title": f"测试专题{n}", "slug": f"campaign-{n}", "year": 2026}
    defaults.update(fields)
    return publish(column(agency, "ztzl"), CampaignPage(**defaults))


def make_event(parent: Any, *, capacity: int = 2, starts_at: dt.datetime | None = None,
               **fields: Any) -> EventPage:
    n = next(_n)
    start = starts_at or timezone.now() + dt.timedelta(days=10)
    defaults: dict[str, Any] = {
        "title": f"政府开放日{n}", "slug": f"event-{n}", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2), "place": "鞍山市统计局三楼会议室",
        "capacity": capacity}
    defaults.update(fields)
    return publish(parent, EventPage(**defaults))


QUESTIONS = [
    ("您是否了解本局的政府信息公开平台？", "radio", "了解\n听说过\n不了解"),
    ("您通过哪些渠道获取统计信息？", "checkboxes", "门户网站\n微信公众号\n报纸"),
    ("您对政务公开工作的总体评价", "scale", ""),
    ("意见和建议", "multiline", ""),
]


def make_survey(parent: Any, **fields: Any) -> SurveyPage:
    n = next(_n)
    defaults: dict[str, Any] = {"title": f"认知度调查{n}", "slug": f"survey-{n}"}
    defaults.update(fields)
    survey = SurveyPage(**defaults)
    for order, (label, kind, choices) in enumerate(QUESTIONS):
        survey.form_fields.add(SurveyField(label=label, field_type=kind, choices=choices,
                                           required=kind != "multiline", sort_order=order))
    return publish(parent, survey)


def survey_answers(survey: SurveyPage, **overrides: Any) -> dict[str, Any]:
    names = [f.clean_name for f in survey.form_fields.all()]
    data: dict[str, Any] = {names[0]: "了解", names[1]: ["门户网站", "报纸"], names[2]: "4",
                            names[3]: "希望多发布县区数据"}
    data.update(overrides)
    return data


def make_document(agency: Agency, title: str = "培训课件") -> Any:
    return get_document_model().objects.create(
        title=title, file=ContentFile(PDF, name="kejian.pdf"),
        collection=agency_collection(agency))


def make_materials(agency: Agency, parent: Any | None = None) -> TrainingMaterialsPage:
    n = next(_n)
    page = TrainingMaterialsPage(title=f"培训资料{n}", slug=f"materials-{n}")
    page.items.add(TrainingMaterial(title="统计法律法规解读", audience="enterprise",
                                    document=make_document(agency)))
    page.items.add(TrainingMaterial(title="县区统计局政务公开工作要点", audience="county",
                                    document=make_document(agency, "要点")))
    return publish(parent or column(agency, "ztzl"), page)


def invited_survey(agency: Agency, *, count: int = 3,
                   **fields: Any) -> tuple[SurveyPage, list[str]]:
    """A survey in 邀请码 mode with one batch of ``count`` codes (returned in order)."""
    from gongkai.engagement.enums import ResponseRule
    from gongkai.engagement.responses import generate_invitations
    from gongkai.engagement.selectors import invitation_codes
    from gongkai.testing import make_user

    survey = make_survey(make_campaign(agency), response_rule=ResponseRule.INVITATION, **fields)
    staff = make_user(f"inviter{next(_n)}", agency=agency, role=StaffRole.EDITOR)
    batch = generate_invitations(survey=survey, count=count, label="县区统计局", by=staff)
    return survey, [code for _invitation, code in invitation_codes(batch)]
