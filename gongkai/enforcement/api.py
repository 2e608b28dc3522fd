"""Public JSON API of 统计执法公开 (mounted by gongkai/api.py at /api/v1/enforcement/).

Draw records are returned exactly as published (the DRAW_FILE); penalty decisions only
through ``selectors.public_decisions`` and only their masked public copy.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from gongkai.core.models import Agency
from gongkai.enforcement import selectors
from gongkai.enforcement.models import Draw, PenaltyDecision

router = Router(tags=["统计执法公开"])


class DrawOut(Schema):
    sequence: int = Field(description="摇号序号（本机关记录链中的位置）")
    plan: str = Field(description="抽查计划")
    drawn_at: dt.datetime
    record_hash: str
    prev_hash: str
    redraw_reason: str = Field(description="重新摇号理由（首次摇号为空）")

    @staticmethod
    def resolve_plan(obj: Draw) -> str:
        return obj.freeze.plan.title


class PenaltyOut(Schema):
    id: int
    case_number: str = Field(description="案号")
    party: str = Field(description="当事人（自然人只保留姓氏）")
    party_code: str = Field(description="统一社会信用代码（组织）")
    decided_on: dt.date = Field(description="处罚决定日期")
    published_at: dt.datetime | None
    status: str = Field(description="状态")
    facts: str = Field(description="主要违法事实（撤销后为空）")
    legal_basis: str
    penalty: str
    notice: str = Field(description="变更或撤销说明")

    @staticmethod
    def resolve_party(obj: PenaltyDecision) -> str:
        return obj.published_party

    @staticmethod
    def resolve_party_code(obj: PenaltyDecision) -> str:
        return obj.party_code if obj.party_kind == "organisation" else ""

    @staticmethod
    def resolve_status(obj: PenaltyDecision) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_facts(obj: PenaltyDecision) -> str:
        return obj.published_facts

    @staticmethod
    def resolve_legal_basis(obj: PenaltyDecision) -> str:
        return obj.published_basis

    @staticmethod
    def resolve_penalty(obj: PenaltyDecision) -> str:
        return obj.published_penalty


@router.get("/{agency}/draws", response=list[DrawOut], summary="摇号记录列表")
def list_draws(request: HttpRequest, agency: str) -> Any:
    return selectors.agency_draws(get_object_or_404(Agency, slug=agency))


@router.get("/{agency}/draws/{sequence}",
            summary="摇号记录文件（可用 gongkai enforcement verify 验证）")
def get_draw(request: HttpRequest, agency: str, sequence: int) -> dict[str, Any]:
    found = get_object_or_404(Draw, agency__slug=agency, sequence=sequence)
    record: dict[str, Any] = found.record
    return record


@router.get("/{agency}/chain", summary="摇号记录链")
def get_chain(request: HttpRequest, agency: str) -> dict[str, Any]:
    return selectors.chain_document(get_object_or_404(Agency, slug=agency))


@router.get("/{agency}/penalties", response=list[PenaltyOut], summary="行政处罚决定列表")
@paginate(PageNumberPagination, page_size=20)
def list_penalties(request: HttpRequest, agency: str):  # type: ignore[no-untyped-def]
    return selectors.public_decisions(agency=get_object_or_404(Agency, slug=agency))


@router.get("/{agency}/penalties/{decision_id}", response=PenaltyOut, summary="行政处罚决定详情")
def get_penalty(request: HttpRequest, agency: str, decision_id: int) -> PenaltyDecision:
    return get_object_or_404(
        selectors.public_decisions(agency=get_object_or_404(Agency, slug=agency)),
        pk=decision_id)
