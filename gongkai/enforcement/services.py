"""Every state change of 统计执法公开: transaction, permission check, audit entry, follow-ups.

The draw itself is computed by :mod:`gongkai.enforcement.draw` (pure); these functions
store its inputs and record, and refuse what the rules forbid: a draw before the lists
are frozen, a seed entered before the freeze, a second draw on the same frozen lists
without a recorded reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from gongkai.core import audit
from gongkai.core.agencies import has_role
from gongkai.core.enums import StaffRole
from gongkai.core.models import Agency
from gongkai.core.search.indexing import enqueue
from gongkai.core.text.pii import allowed_for_agency
from gongkai.enforcement import draw as drawing
from gongkai.enforcement import importers, rules
from gongkai.enforcement.enums import (
    CatalogKind,
    InspectionOutcome,
    PartyKind,
    PenaltyEventKind,
    PenaltyStatus,
)
from gongkai.enforcement.models import (
    CatalogPublication,
    Draw,
    Enterprise,
    Exclusion,
    InspectionPlan,
    InspectionResult,
    Inspector,
    ListFreeze,
    PenaltyDecision,
    PenaltyEvent,
)
from gongkai.enforcement.search import SOURCE as PENALTY_SOURCE

Actor = AbstractBaseUser | AnonymousUser | None
STAFF_ROLES = (StaffRole.EDITOR, StaffRole.APPROVER, StaffRole.ADMIN)
DECIDING_ROLES = (StaffRole.APPROVER, StaffRole.ADMIN)
MIN_REASON = 10
ENFORCEMENT_COLUMN = "xzzf"


class ServiceError(Exception):
    """A refusal the user can act on; the message is Chinese."""


class ImportRefused(ServiceError):
    """A list file with bad rows: nothing was stored."""

    def __init__(self, errors: list[importers.RowError]) -> None:
        self.errors = errors
        super().__init__(f"文件有{len(errors)}处错误，未导入任何数据。")


def _user(by: Actor) -> Any:
    return by if isinstance(by, AbstractBaseUser) else None


def _require(by: Actor, agency: Agency, roles: tuple[StaffRole, ...]) -> None:
    """``by=None`` is the system itself (demo loader, console commands run by operators)."""
    if by is None:
        return
    if not has_role(by, agency, *roles):
        raise PermissionDenied("没有该机关统计执法公开的操作权限。")


def _reason(text: str, what: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_REASON:
        raise ServiceError(f"请写明{what}（至少{MIN_REASON}个字）。")
    return text


# --- Plans and lists -------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, agency: Agency, year: int, title: str, items: str, by: Actor,
                scope: str = "", schedule: str = "", sample_size: int = 10,
                team_size: int = 2, is_demo: bool = False) -> InspectionPlan:
    _require(by, agency, STAFF_ROLES)
    if InspectionPlan.objects.filter(agency=agency, year=year).exists():
        raise ServiceError(f"{year}年度的抽查计划已经存在。")
    if not title.strip() or not items.strip():
        raise ServiceError("请填写计划名称和抽查事项。")
    if team_size < 2:
        raise ServiceError("每个检查组至少需要2名执法检查人员。")
    plan = InspectionPlan.objects.create(
        agency=agency, year=year, title=title.strip(), items=items.strip(), scope=scope,
        schedule=schedule, sample_size=sample_size, team_size=team_size, is_demo=is_demo)
    audit.record(action="enforcement.plan_created", actor=by, agency=agency, target=plan,
                 data={"year": year, "title": plan.title})
    return plan


@transaction.atomic
def load_enterprises(plan: InspectionPlan, *, filename: str, data: bytes, by: Actor) -> int:
    """Replace the plan's 检查对象名录 with the file's rows — all or nothing. Rows that stay
    keep their exclusions."""
    _require(by, plan.agency, STAFF_ROLES)
    try:
        rows = importers.read_rows(filename, data)
        items, errors = importers.parse_enterprises(rows)
    except importers.TableError as exc:
        raise ImportRefused([importers.RowError(0, str(exc))]) from exc
    if errors:
        raise ImportRefused(errors)
    wanted = {c.uscc: c for c in items}
    plan.enterprises.exclude(uscc__in=list(wanted)).delete()
    existing = {e.uscc: e for e in plan.enterprises.all()}
    for code, item in wanted.items():
        row = existing.get(code) or Enterprise(plan=plan, uscc=code)
        row.name, row.region, row.industry = item.name, item.region, item.industry
        row.save()
    audit.record(action="enforcement.enterprises_loaded", actor=by, agency=plan.agency,
                 target=plan, data={"file": filename, "rows": len(items)})
    return len(items)


@transaction.atomic
def load_inspectors(plan: InspectionPlan, *, filename: str, data: bytes, by: Actor) -> int:
    """Replace the plan's 执法检查人员名录 — all or nothing."""
    _require(by, plan.agency, STAFF_ROLES)
    try:
        rows = importers.read_rows(filename, data)
        items, errors = importers.parse_inspectors(rows)
    except importers.TableError as exc:
        raise ImportRefused([importers.RowError(0, str(exc))]) from exc
    if errors:
        raise ImportRefused(errors)
    wanted = {i.cert_no: i for i in items}
    plan.inspectors.exclude(cert_no__in=list(wanted)).delete()
    existing = {i.cert_no: i for i in plan.inspectors.all()}
    for cert, item in wanted.items():
        row = existing.get(cert) or Inspector(plan=plan, cert_no=cert)
        row.name, row.agency_name = item.name, item.agency
        row.save()
    audit.record(action="enforcement.inspectors_loaded", actor=by, agency=plan.agency,
                 target=plan, data={"file": filename, "rows": len(items)})
    return len(items)


@transaction.atomic
def add_exclusion(plan: InspectionPlan, *, cert_no: str, uscc: str, reason: str,
                  by: Actor) -> Exclusion:
    """Record that an inspector must not inspect an enterprise (回避)."""
    _require(by, plan.agency, STAFF_ROLES)
    inspector = plan.inspectors.filter(cert_no=cert_no.strip()).first()
    enterprise = plan.enterprises.filter(uscc=uscc.strip().upper()).first()
    if inspector is None:
        raise ServiceError(f"执法检查人员名录中没有执法证号{cert_no}。")
    if enterprise is None:
        raise ServiceError(f"检查对象名录中没有统一社会信用代码{uscc}。")
    if not reason.strip():
        raise ServiceError("请填写回避理由。")
    exclusion, created = Exclusion.objects.get_or_create(
        plan=plan, inspector=inspector, enterprise=enterprise,
        defaults={"reason": reason.strip()[:200], "created_by": _user(by)})
    if created:
        audit.record(action="enforcement.exclusion_added", actor=by, agency=plan.agency,
                     target=plan, data={"cert_no": inspector.cert_no, "uscc": enterprise.uscc,
                                        "reason": exclusion.reason})
    return exclusion


def current_inputs(plan: InspectionPlan) -> drawing.FrozenInputs:
    return drawing.FrozenInputs(
        candidates=tuple(drawing.Candidate(e.uscc, e.name, e.region, e.industry)
                         for e in plan.enterprises.all()),
        inspectors=tuple(drawing.Inspector(i.cert_no, i.name, i.agency_name)
                         for i in plan.inspectors.all()),
        exclusions=tuple(drawing.Exclusion(x.inspector.cert_no, x.enterprise.uscc)
                         for x in plan.exclusions.select_related("inspector", "enterprise")),
    )


@transaction.atomic
def freeze_lists(plan: InspectionPlan, *, seed_source: str, by: Actor,
                 seed_source_url: str = "", now: dt.datetime | None = None) -> ListFreeze:
    """Freeze the lists and declare the seed source: published at once, before the draw."""
    _require(by, plan.agency, DECIDING_ROLES)
    source = seed_source.strip()
    if len(source) < 6:
        raise ServiceError("请写明随机数来源（事先确定、届时公开的数值，例如某期彩票开奖号码）。")
    inputs = current_inputs(plan)
    if len(inputs.candidates) < plan.sample_size:
        raise ServiceError(f"检查对象名录只有{len(inputs.candidates)}家，少于计划抽取的"
                           f"{plan.sample_size}家。")
    if len(inputs.inspectors) < plan.team_size:
        raise ServiceError("执法检查人员名录人数不足一个检查组。")
    hashes = inputs.hashes
    freeze = ListFreeze.objects.create(
        plan=plan, frozen_at=now or timezone.now(),
        candidates_csv=drawing.candidates_csv(inputs.candidates),
        inspectors_csv=drawing.inspectors_csv(inputs.inspectors),
        exclusions_csv=drawing.exclusions_csv(inputs.exclusions),
        candidate_count=len(inputs.candidates), inspector_count=len(inputs.inspectors),
        seed_source=source, seed_source_url=seed_source_url.strip(), frozen_by=_user(by),
        **hashes)
    audit.record(action="enforcement.lists_frozen", actor=by, agency=plan.agency, target=freeze,
                 data={**hashes, "seed_source": source})
    return freeze


def frozen_inputs(freeze: ListFreeze) -> drawing.FrozenInputs:
    """The inputs as frozen, read back from the canonical texts (checked against the
    published hashes, so a changed row in the database is caught before any draw)."""
    import csv
    import io

    def rows(text: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(text)))[1:]

    for text, digest in ((freeze.candidates_csv, freeze.candidates_sha256),
                         (freeze.inspectors_csv, freeze.inspectors_sha256),
                         (freeze.exclusions_csv, freeze.exclusions_sha256)):
        if drawing.sha256_text(text) != digest:
            raise ServiceError("冻结名录与公布的哈希值不一致，不能摇号。")
    return drawing.FrozenInputs(
        candidates=tuple(drawing.Candidate(*row) for row in rows(freeze.candidates_csv)),
        inspectors=tuple(drawing.Inspector(*row) for row in rows(freeze.inspectors_csv)),
        exclusions=tuple(drawing.Exclusion(*row) for row in rows(freeze.exclusions_csv)),
    )


# --- The draw --------------------------------------------------------------------------------


@transaction.atomic
def run_draw(freeze: ListFreeze, *, seed_value: str, by: Actor, reason: str = "",
             now: dt.datetime | None = None) -> Draw:
    """Run the draw on a frozen list with the declared seed's value, append it to the
    agency's chain. A second draw on the same frozen lists needs a recorded reason."""
    plan = freeze.plan
    agency = Agency.objects.select_for_update().get(pk=plan.agency_id)  # one chain writer
    _require(by, agency, DECIDING_ROLES)
    moment = now or timezone.now()
    seed = drawing.normalise_seed(seed_value)
    if not seed:
        raise ServiceError("请填写随机数（公布的数值原文）。")
    if moment <= freeze.frozen_at:
        raise ServiceError("摇号只能在名录冻结并公布之后进行。")
    earlier = freeze.draws.count()
    redraw_reason = ""
    if earlier:
        redraw_reason = _reason(reason, "对同一冻结名录重新摇号的理由")
    last = Draw.objects.filter(agency=agency).order_by("-sequence").first()
    inputs = frozen_inputs(freeze)
    try:
        record = drawing.build_record(
            agency={"name": agency.name, "code": agency.code},
            plan={"key": plan.key, "year": plan.year, "title": plan.title},
            sequence=(last.sequence + 1) if last else 1, inputs=inputs,
            frozen_at=freeze.frozen_at.isoformat(), seed_source=freeze.seed_source,
            seed_value=seed, seed_entered_at=moment.isoformat(),
            sample_size=plan.sample_size, team_size=plan.team_size,
            drawn_at=moment.isoformat(),
            prev_hash=last.record_hash if last else drawing.GENESIS_HASH,
            redraw_reason=redraw_reason)
    except drawing.DrawError as exc:
        raise ServiceError(str(exc)) from exc
    made = Draw.objects.create(
        agency=agency, freeze=freeze, sequence=record["sequence"], seed_value=seed,
        record=record, record_hash=record["record_hash"], prev_hash=record["prev_hash"],
        redraw_reason=redraw_reason, drawn_at=moment, drawn_by=_user(by))
    audit.record(action="enforcement.draw_run", actor=by, agency=agency, target=made,
                 data={"sequence": made.sequence, "record_hash": made.record_hash,
                       "seed": seed, "redraw_reason": redraw_reason})
    return made


@transaction.atomic
def record_result(draw: Draw, *, uscc: str, outcome: InspectionOutcome, by: Actor,
                  inspected_on: dt.date | None = None, note: str = "") -> InspectionResult:
    _require(by, draw.agency, STAFF_ROLES)
    assignment = next((a for a in draw.assignments if a["uscc"] == uscc), None)
    if assignment is None:
        raise ServiceError("该企业不在本次摇号抽中的名单中。")
    result = InspectionResult.objects.create(
        draw=draw, uscc=uscc, name=assignment["name"], outcome=outcome,
        inspected_on=inspected_on, note=note.strip()[:300], recorded_by=_user(by))
    audit.record(action="enforcement.result_recorded", actor=by, agency=draw.agency,
                 target=draw, data={"uscc": uscc, "outcome": str(outcome)})
    return result


# --- Publication in the catalog --------------------------------------------------------------


def _plan_html(plan: InspectionPlan) -> str:
    items = "".join(f"<li>{escape(item)}</li>" for item in plan.item_list)
    parts = [f"<p>{escape(plan.agency.name)}{plan.year}年度统计执法“双随机、一公开”抽查计划。</p>",
             f"<h2>抽查事项</h2><ol>{items}</ol>"]
    if plan.scope:
        parts.append(f"<h2>抽查范围与比例</h2><p>{escape(plan.scope)}</p>")
    if plan.schedule:
        parts.append(f"<h2>时间安排</h2><p>{escape(plan.schedule)}</p>")
    parts.append(f"<p>计划抽取检查对象{plan.sample_size}家，每家由{plan.team_size}名执法检查人员"
                 "实施检查。抽取方法公开、可验证：名录冻结并公布哈希值后，以事先公布的公开随机数"
                 "排序抽取，任何人都可以下载摇号记录自行复算。</p>")
    return "".join(parts)


def _results_rows(draw: Draw) -> list[list[str]]:
    latest: dict[str, InspectionResult] = {}
    for result in draw.results.order_by("recorded_at", "id"):
        latest[result.uscc] = result
    rows = []
    for assignment in draw.assignments:
        found = latest.get(assignment["uscc"])
        outcome = (str(InspectionOutcome(found.outcome).label) if found
                   else str(InspectionOutcome.PENDING.label))
        rows.append([str(assignment["rank"]), assignment["name"], assignment["uscc"], outcome,
                     found.note if found else ""])
    return rows


def _column(agency: Agency) -> Any:
    from gongkai.catalog.models import ColumnPage

    if agency.home_page is None:
        raise ServiceError("该机关尚未建立政务公开栏目。")
    column = ColumnPage.objects.descendant_of(agency.home_page).filter(
        slug=ENFORCEMENT_COLUMN).first()
    if column is None:
        raise ServiceError("找不到“行政执法”栏目。")
    return column


def _catalog_item(*, agency: Agency, title: str, summary: str, body: list[Any], slug: str,
                  formed_on: dt.date, by: Actor, publish: bool, is_demo: bool) -> Any:
    """A catalog item in the agency's 行政执法 column, with the statutory metadata. Left as a
    draft for the agency's 保密审查 → 审核发布 workflow unless ``publish`` (an approver's
    own decision); publication issues the 索引号 as for any item."""
    from gongkai.catalog.enums import Article20Item, Genre
    from gongkai.catalog.models import DisclosureItemPage, ThemeCategory

    column = _column(agency)
    theme = (ThemeCategory.objects.filter(code="0201").first()
             or ThemeCategory.objects.order_by("code").first())
    if theme is None:
        raise ServiceError("尚未设置主题分类。")
    taken = set(column.get_children().values_list("slug", flat=True))
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    page = DisclosureItemPage(
        title=title[:255], slug=candidate, live=False, formed_on=formed_on, theme=theme,
        summary=summary[:500], genre=Genre.ANNOUNCEMENT, keywords="双随机 抽查 统计执法",
        # 国发〔2019〕5号 requires 双随机 plans and results to be published: an item under
        # 第二十条（十五）(其他依规定应当主动公开的信息).
        article20_item=Article20Item.OTHER_REQUIRED, body=body, is_demo=is_demo,
        demo_note="演示用的虚构内容。" if is_demo else "")
    column.add_child(instance=page)
    revision = page.save_revision(user=_user(by))
    if publish:
        revision.publish(user=_user(by))
        page.refresh_from_db()
    return page


@transaction.atomic
def publish_plan(plan: InspectionPlan, *, by: Actor, publish: bool = False,
                 formed_on: dt.date | None = None) -> CatalogPublication:
    """Put the 抽查计划 in the catalog (once per plan)."""
    _require(by, plan.agency, DECIDING_ROLES if publish else STAFF_ROLES)
    existing = plan.publications.filter(kind=CatalogKind.PLAN).first()
    if existing is not None and existing.page_id is not None:
        raise ServiceError("抽查计划已经在政府信息公开目录中。")
    from gongkai.catalog.blocks import text_block

    page = _catalog_item(
        agency=plan.agency, title=plan.title, by=by, publish=publish, is_demo=plan.is_demo,
        summary=f"{plan.year}年度统计执法“双随机、一公开”抽查计划：抽查事项、范围、比例和抽取方法。",
        body=[text_block(_plan_html(plan))], slug=f"sjcjh-{plan.year}",
        formed_on=formed_on or timezone.localdate())
    publication, _created = CatalogPublication.objects.update_or_create(
        plan=plan, kind=CatalogKind.PLAN, defaults={"page": page})
    audit.record(action="enforcement.plan_published", actor=by, agency=plan.agency, target=plan,
                 data={"page_id": page.pk, "live": page.live})
    return publication


@transaction.atomic
def publish_results(draw: Draw, *, by: Actor, publish: bool = False,
                    formed_on: dt.date | None = None, public_url: str = "") -> CatalogPublication:
    """Put the 抽查结果 of a draw in the catalog, linked to the verifiable draw record."""
    from gongkai.catalog.blocks import table_block, text_block

    plan = draw.freeze.plan
    _require(by, plan.agency, DECIDING_ROLES if publish else STAFF_ROLES)
    existing = plan.publications.filter(kind=CatalogKind.RESULTS).first()
    if existing is not None and existing.page_id is not None:
        raise ServiceError("本计划的抽查结果已经在政府信息公开目录中。")
    link = (f'<a href="{escape(public_url)}">摇号记录（可下载复算）</a>' if public_url
            else "摇号记录")
    intro = (f"<p>{escape(plan.agency.name)}{plan.year}年度统计执法“双随机、一公开”抽查结果。"
             f"抽查对象由第{draw.sequence}次摇号产生，{link}的哈希值为 "
             f"<code>{draw.record_hash}</code>。</p>")
    page = _catalog_item(
        agency=plan.agency, title=f"{plan.year}年度统计执法“双随机、一公开”抽查结果",
        by=by, publish=publish, is_demo=plan.is_demo,
        summary=f"{plan.year}年度“双随机”抽查对象名单及检查结果。",
        body=[text_block(intro),
              table_block(f"{plan.year}年度抽查结果", ["序号", "企业名称", "统一社会信用代码",
                                                      "检查结果", "说明"], _results_rows(draw))],
        slug=f"sjcjg-{plan.year}", formed_on=formed_on or timezone.localdate())
    publication, _created = CatalogPublication.objects.update_or_create(
        plan=plan, kind=CatalogKind.RESULTS, defaults={"page": page, "draw": draw})
    audit.record(action="enforcement.results_published", actor=by, agency=plan.agency,
                 target=draw, data={"page_id": page.pk, "live": page.live})
    return publication


# --- 行政处罚 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PenaltyData:
    case_number: str
    party_kind: PartyKind
    party_name: str
    facts: str
    legal_basis: str
    penalty: str
    decided_on: dt.date
    party_code: str = ""
    fine_amount: Decimal | None = None


def _check_penalty(data: PenaltyData) -> None:
    from gongkai.core.validators import is_valid_uscc

    for label, value in (("案号", data.case_number), ("当事人", data.party_name),
                         ("主要违法事实", data.facts), ("处罚依据", data.legal_basis),
                         ("处罚内容", data.penalty)):
        if not value.strip():
            raise ServiceError(f"请填写{label}。")
    if data.party_kind == PartyKind.ORGANISATION:
        if data.party_code and not is_valid_uscc(data.party_code.strip().upper()):
            raise ServiceError("统一社会信用代码校验未通过。")
    elif data.party_code:
        raise ServiceError("当事人为自然人时不登记代码或证件号码。")
    if data.fine_amount is not None and data.fine_amount < 0:
        raise ServiceError("罚款金额不能为负数。")
    if data.decided_on > timezone.localdate():
        raise ServiceError("处罚决定日期不能晚于今天。")


def _snapshot(decision: PenaltyDecision) -> dict[str, Any]:
    return {"case_number": decision.case_number, "party_kind": decision.party_kind,
            "party_name": decision.party_name, "party_code": decision.party_code,
            "facts": decision.facts, "legal_basis": decision.legal_basis,
            "penalty": decision.penalty, "decided_on": decision.decided_on.isoformat(),
            "fine_amount": str(decision.fine_amount) if decision.fine_amount is not None
            else None}


def _event(decision: PenaltyDecision, kind: PenaltyEventKind, on: dt.date, by: Actor,
           notice: str = "") -> PenaltyEvent:
    event = PenaltyEvent.objects.create(decision=decision, kind=kind, on=on, notice=notice,
                                        snapshot=_snapshot(decision), by=_user(by))
    audit.record(action=f"enforcement.penalty_{kind}", actor=by, agency=decision.agency,
                 target=decision, data={"case_number": decision.case_number, "on": on,
                                        "notice": notice})
    return event


@transaction.atomic
def record_penalty(*, agency: Agency, data: PenaltyData, by: Actor,
                   is_demo: bool = False) -> PenaltyDecision:
    _require(by, agency, STAFF_ROLES)
    _check_penalty(data)
    if PenaltyDecision.objects.filter(agency=agency,
                                      case_number=data.case_number.strip()).exists():
        raise ServiceError("该案号已经登记。")
    decision = PenaltyDecision.objects.create(
        agency=agency, case_number=data.case_number.strip(), party_kind=data.party_kind,
        party_name=data.party_name.strip(), party_code=data.party_code.strip().upper(),
        facts=data.facts.strip(), legal_basis=data.legal_basis.strip(),
        penalty=data.penalty.strip(), fine_amount=data.fine_amount, decided_on=data.decided_on,
        is_demo=is_demo)
    _event(decision, PenaltyEventKind.RECORDED, data.decided_on, by)
    return decision


def _refresh_public_copy(decision: PenaltyDecision) -> None:
    copy = rules.public_copy(party_kind=decision.party_kind, party_name=decision.party_name,
                             facts=decision.facts, basis=decision.legal_basis,
                             penalty=decision.penalty,
                             allowed=allowed_for_agency(decision.agency))
    decision.published_party = copy.party
    decision.published_facts = copy.facts
    decision.published_basis = copy.basis
    decision.published_penalty = copy.penalty


@transaction.atomic
def publish_penalty(decision: PenaltyDecision, *, by: Actor,
                    now: dt.datetime | None = None) -> PenaltyDecision:
    """Publish the masked public copy (within 7 working days: rules.publication_deadline)."""
    decision = PenaltyDecision.objects.select_for_update().get(pk=decision.pk)
    _require(by, decision.agency, DECIDING_ROLES)
    if decision.status != PenaltyStatus.RECORDED:
        raise ServiceError("该处罚决定已经公开或已撤销。")
    moment = now or timezone.now()
    _refresh_public_copy(decision)
    decision.status = PenaltyStatus.PUBLISHED
    decision.published_at = moment
    decision.save()
    _event(decision, PenaltyEventKind.PUBLISHED, timezone.localdate(moment), by)
    enqueue(PENALTY_SOURCE, [decision.pk])
    return decision


CHANGEABLE = ("party_name", "party_code", "facts", "legal_basis", "penalty", "fine_amount")


@transaction.atomic
def change_penalty(decision: PenaltyDecision, *, changes: Mapping[str, Any], notice: str,
                   on: dt.date, by: Actor) -> PenaltyDecision:
    """A decision changed (by 复议, 诉讼 or the agency itself): the record and, if published,
    the public copy are updated, with a public notice. The old text stays in the history."""
    decision = PenaltyDecision.objects.select_for_update().get(pk=decision.pk)
    _require(by, decision.agency, DECIDING_ROLES)
    if decision.status == PenaltyStatus.REVOKED:
        raise ServiceError("已撤销的处罚决定不能变更。")
    text = _reason(notice, "变更说明")
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise ServiceError("不能变更：" + "、".join(sorted(unknown)))
    for name, value in changes.items():
        setattr(decision, name, value.strip() if isinstance(value, str) else value)
    _check_penalty(PenaltyData(
        case_number=decision.case_number, party_kind=PartyKind(decision.party_kind),
        party_name=decision.party_name, facts=decision.facts,
        legal_basis=decision.legal_basis, penalty=decision.penalty,
        decided_on=decision.decided_on, party_code=decision.party_code,
        fine_amount=decision.fine_amount))
    decision.notice = "\n".join(n for n in (decision.notice, f"{on:%Y年%-m月%-d日}：{text}") if n)
    if decision.status != PenaltyStatus.RECORDED:
        _refresh_public_copy(decision)
        decision.status = PenaltyStatus.CHANGED
    decision.save()
    _event(decision, PenaltyEventKind.CHANGED, on, by, notice=text)
    if decision.published_at is not None:
        enqueue(PENALTY_SOURCE, [decision.pk])
    return decision


@transaction.atomic
def revoke_penalty(decision: PenaltyDecision, *, notice: str, on: dt.date,
                   by: Actor) -> PenaltyDecision:
    """行政处罚法第四十八条: a revoked decision's information is withdrawn (within 3 days)
    and the reason published. The public copy is emptied; the notice stays public."""
    decision = PenaltyDecision.objects.select_for_update().get(pk=decision.pk)
    _require(by, decision.agency, DECIDING_ROLES)
    if decision.status == PenaltyStatus.REVOKED:
        raise ServiceError("该处罚决定已经撤销。")
    text = _reason(notice, "撤销说明")
    decision.status = PenaltyStatus.REVOKED
    decision.published_facts = decision.published_basis = decision.published_penalty = ""
    decision.notice = "\n".join(n for n in (decision.notice, f"{on:%Y年%-m月%-d日}：{text}") if n)
    decision.save()
    _event(decision, PenaltyEventKind.REVOKED, on, by, notice=text)
    if decision.published_at is not None:
        enqueue(PENALTY_SOURCE, [decision.pk])
    return decision
