"""Creating an agency with its public section, its staff groups and its review workflow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from gongkai.catalog.enums import ColumnKind
from gongkai.catalog.models import (
    ApplyEntryPage,
    CatalogPage,
    ColumnPage,
    ConfidentialityReviewTask,
    GuidePage,
    OpenGovIndexPage,
)
from gongkai.core import audit
from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency
from gongkai.core.services import ensure_agency_groups
from gongkai.site.models import AgencyHomePage

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class ColumnSpec:
    title: str
    slug: str
    kind: ColumnKind = ColumnKind.GENERIC
    children: tuple[ColumnSpec, ...] = ()
    intro: str = ""


# The standard 政府信息公开 structure (国办公开办函〔2019〕61号) with a statistics bureau's
# 法定主动公开内容 sub-columns.
STATUTORY_COLUMNS = (
    ColumnSpec("机构职能", "jgzn"),
    ColumnSpec("政策文件", "zcwj"),
    ColumnSpec("政策解读", "zcjd"),
    ColumnSpec("统计信息", "tjxx"),
    ColumnSpec("行政执法", "xzzf"),
    ColumnSpec("财政预决算", "czyjs"),
    ColumnSpec("通知公告", "tzgg"),
)
TOP_COLUMNS = (
    ColumnSpec("统计数据", "tjsj", ColumnKind.STATISTICS,
               intro="<p>统计公报、统计数据发布与数据解读。</p>",
               # Existing agencies get these from gongkai.official_stats.columns.
               children=(ColumnSpec("统计公报", "tjgb"), ColumnSpec("统计年鉴", "tjnj"))),
    ColumnSpec("互动交流", "hdjl", ColumnKind.INTERACTION,
               intro="<p>咨询、投诉、建议和常见问题。</p>"),
    ColumnSpec("专题专栏", "ztzl", ColumnKind.TOPICS,
               intro="<p>“5·15政务公开日”、统计开放日等专题。</p>"),
)


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _add_columns(parent: Page, specs: tuple[ColumnSpec, ...]) -> None:
    for spec in specs:
        column = _publish(parent, ColumnPage(title=spec.title, slug=spec.slug, kind=spec.kind,
                                             intro=spec.intro,
                                             show_in_navigation=spec.kind != ColumnKind.GENERIC))
        _add_columns(column, spec.children)


def build_section(agency: Agency, parent: Page) -> AgencyHomePage:
    """The agency's home page and its standard columns, published."""
    home = _publish(parent, AgencyHomePage(title=agency.name, slug=agency.slug))
    zwgk = _publish(home, OpenGovIndexPage(
        title="政务公开", slug="zwgk",
        intro="<p>依照《中华人民共和国政府信息公开条例》公开本机关政府信息。</p>",
    ))
    _publish(zwgk, GuidePage(title="政府信息公开指南", slug="zfxxgkzn"))
    _publish(zwgk, ColumnPage(title="政府信息公开制度", slug="zfxxgkzd", kind=ColumnKind.SYSTEM))
    statutory = _publish(zwgk, ColumnPage(title="法定主动公开内容", slug="fdzdgknr",
                                          kind=ColumnKind.STATUTORY))
    _add_columns(statutory, STATUTORY_COLUMNS)
    _publish(zwgk, ColumnPage(title="政府信息公开年报", slug="zfxxgknb",
                              kind=ColumnKind.ANNUAL_REPORTS))
    _publish(zwgk, ApplyEntryPage(
        title="依申请公开", slug="ysqgk",
        body=("<p>公民、法人或者其他组织可以向本机关的政府信息公开工作机构申请获取政府信息"
              "（《条例》第二十七条）。申请方式、受理机构和办理流程见政府信息公开指南。</p>"),
    ))
    _publish(zwgk, CatalogPage(title="政府信息公开目录", slug="xxgkml"))
    _add_columns(home, TOP_COLUMNS)
    return home  # type: ignore[return-value]


def ensure_agency_workflow(agency: Agency) -> Workflow:
    """保密审查 → 审核发布, assigned to the agency's section."""
    groups = ensure_agency_groups(agency)
    workflow, _created = Workflow.objects.get_or_create(name=f"{agency.short_name}信息发布审核")
    if not workflow.workflow_tasks.exists():
        review = ConfidentialityReviewTask.objects.create(name=f"{agency.short_name}保密审查")
        review.groups.set([groups[StaffRole.REVIEWER]])
        approval = GroupApprovalTask.objects.create(name=f"{agency.short_name}审核发布")
        approval.groups.set([groups[StaffRole.APPROVER], groups[StaffRole.ADMIN]])
        WorkflowTask.objects.create(workflow=workflow, task=review, sort_order=0)
        WorkflowTask.objects.create(workflow=workflow, task=approval, sort_order=1)
    if agency.home_page is not None:
        WorkflowPage.objects.update_or_create(page=agency.home_page,
                                              defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def create_agency(*, parent_page: Page, by: Actor, **fields: Any) -> Agency:
    """Register an agency and give it a public section, staff groups and a workflow."""
    if by is not None and not getattr(by, "is_superuser", False):
        raise PermissionDenied(_("只有平台管理员可以新增机构。"))
    agency = Agency(**fields)
    agency.full_clean()
    agency.save()
    agency.home_page = build_section(agency, parent_page)
    agency.save(update_fields=["home_page"])
    ensure_agency_groups(agency)
    ensure_agency_workflow(agency)
    audit.record(action="agency.created", actor=by, agency=agency, target=agency,
                 data={"name": agency.name, "code": agency.code})
    return agency
