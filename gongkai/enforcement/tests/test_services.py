"""Plans, lists and draws through the services: all-or-nothing imports, the freeze, the
chain, and the refusals the rules require."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from gongkai.core.enums import StaffRole
from gongkai.enforcement import draw as drawing
from gongkai.enforcement import selectors, services
from gongkai.enforcement.enums import InspectionOutcome
from gongkai.enforcement.models import Draw, Enterprise
from gongkai.enforcement.tests.conftest import DRAWN_AT, FROZEN_AT, SEED
from gongkai.enforcement.tests.factories import enterprises_csv, uscc
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


def test_a_file_with_one_bad_row_is_refused_whole_with_each_error_by_row(plan, approver):
    bad = enterprises_csv(3, extra=f"91210300MA0000001X,校验位错误公司,铁东区,制造业\n"
                                    f"{uscc(2)},重复的公司,铁东区,制造业\n,,,\n{uscc(9)},,,\n")
    with pytest.raises(services.ImportRefused) as refused:
        services.load_enterprises(plan, filename="e.csv", data=bad, by=approver)
    messages = [str(e) for e in refused.value.errors]
    assert messages[0].startswith("第5行：统一社会信用代码校验位不正确")
    assert messages[1].startswith("第6行：与第3行重复")
    assert messages[2] == "第8行：企业名称为空。"
    assert plan.enterprises.count() == 20  # the earlier list is untouched


def test_it_reads_an_xlsx_list_and_keeps_the_exclusions_of_rows_that_stay(plan, approver):
    services.add_exclusion(plan, cert_no="210300200001", uscc=uscc(1), reason="曾在该企业任职",
                           by=approver)
    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", "统一社会信用代码", "行业"])
    for n in range(1, 6):
        sheet.append([f"企业{n}", uscc(n), "制造业"])
    buffer = io.BytesIO()
    book.save(buffer)
    count = services.load_enterprises(plan, filename="名录.XLSX", data=buffer.getvalue(),
                                      by=approver)
    assert count == 5
    assert list(plan.enterprises.values_list("name", flat=True)[:2]) == ["企业1", "企业2"]
    assert plan.exclusions.count() == 1


def test_a_file_without_the_required_columns_is_refused(plan, approver):
    with pytest.raises(services.ImportRefused) as refused:
        services.load_inspectors(plan, filename="i.csv", data="姓名\n张三\n".encode(),
                                 by=approver)
    assert "缺少列：执法证号" in str(refused.value.errors[0])


def test_staff_of_another_agency_cannot_touch_the_plan(plan, haicheng):
    outsider = make_user("zf-outsider", agency=haicheng, role=StaffRole.ADMIN)
    with pytest.raises(PermissionDenied):
        services.freeze_lists(plan, seed_source="双色球第2026053期开奖号码", by=outsider)


def test_an_editor_may_load_lists_but_not_run_the_draw(anshan, plan, freeze):
    editor = make_user("zf-editor", agency=anshan, role=StaffRole.EDITOR)
    services.load_inspectors(plan, filename="i.csv", data="执法证号,姓名\nA1,甲\nA2,乙\n".encode(),
                             by=editor)
    with pytest.raises(PermissionDenied):
        services.run_draw(freeze, seed_value=SEED, by=editor, now=DRAWN_AT)


def test_the_draw_uses_the_frozen_lists_not_later_edits(plan, freeze, approver):
    Enterprise.objects.filter(plan=plan).delete()
    made = services.run_draw(freeze, seed_value=SEED, by=approver, now=DRAWN_AT)
    assert len(made.assignments) == 4
    assert made.record["freeze"]["candidates_sha256"] == freeze.candidates_sha256
    assert drawing.verify_record(made.record).ok


def test_a_seed_entered_before_the_freeze_is_refused(freeze, approver):
    with pytest.raises(services.ServiceError, match="冻结并公布之后"):
        services.run_draw(freeze, seed_value=SEED, by=approver, now=FROZEN_AT)


def test_a_second_draw_on_the_same_frozen_list_needs_a_recorded_reason(freeze, approver):
    first = services.run_draw(freeze, seed_value=SEED, by=approver, now=DRAWN_AT)
    with pytest.raises(services.ServiceError, match="重新摇号的理由"):
        services.run_draw(freeze, seed_value=SEED, by=approver, now=DRAWN_AT)
    with pytest.raises(services.ServiceError):
        services.run_draw(freeze, seed_value=SEED, by=approver, reason="重来", now=DRAWN_AT)
    second = services.run_draw(freeze, seed_value=SEED + " 补", by=approver, now=DRAWN_AT,
                               reason="第一次摇号时录入的开奖号码期数有误，经负责人批准重新摇号")
    assert second.sequence == 2 and second.prev_hash == first.record_hash
    assert second.record["redraw_reason"].startswith("第一次摇号")
    assert selectors.verify_stored_chain(plan_agency(freeze)).ok


def plan_agency(freeze):
    return freeze.plan.agency


def test_a_changed_frozen_list_in_the_database_stops_the_draw(freeze, approver):
    freeze.candidates_csv = freeze.candidates_csv.replace("有限公司", "公司", 1)
    freeze.save()
    with pytest.raises(services.ServiceError, match="哈希值不一致"):
        services.run_draw(freeze, seed_value=SEED, by=approver, now=DRAWN_AT)


def test_an_edited_or_deleted_stored_draw_shows_in_the_chain_check(freeze, approver):
    services.run_draw(freeze, seed_value=SEED, by=approver, now=DRAWN_AT)
    services.run_draw(freeze, seed_value=SEED + "x", by=approver, now=DRAWN_AT,
                      reason="演练：测试记录链能否发现删除的摇号")
    third = services.run_draw(freeze, seed_value=SEED + "y", by=approver, now=DRAWN_AT,
                              reason="演练：测试记录链能否发现删除的摇号")
    agency = freeze.plan.agency
    Draw.objects.filter(agency=agency, sequence=2).delete()
    assert not selectors.verify_stored_chain(agency).ok
    record = dict(third.record)
    record["result"] = {**record["result"], "enterprises": record["result"]["enterprises"][:1]}
    Draw.objects.filter(pk=third.pk).update(record=record)
    failures = {c.name for c in selectors.verify_stored_chain(agency).failures}
    assert {"#3 result", "#3 record_hash", "#3 sequence", "#3 prev_hash"} <= failures


def test_chains_are_per_agency(freeze, approver, haicheng):
    services.run_draw(freeze, seed_value=SEED, by=approver, now=DRAWN_AT)
    assert selectors.chain_document(haicheng)["draws"] == []
    document = json.loads(json.dumps(selectors.chain_document(freeze.plan.agency)))
    assert drawing.verify_document(document).ok


def test_results_are_recorded_only_for_drawn_enterprises(freeze, approver):
    made = services.run_draw(freeze, seed_value=SEED, by=approver, now=DRAWN_AT)
    drawn = made.assignments[0]["uscc"]
    services.record_result(made, uscc=drawn, outcome=InspectionOutcome.NO_PROBLEM, by=approver)
    not_drawn = next(e.uscc for e in freeze.plan.enterprises.all()
                     if e.uscc not in {a["uscc"] for a in made.assignments})
    with pytest.raises(services.ServiceError):
        services.record_result(made, uscc=not_drawn, outcome=InspectionOutcome.NO_PROBLEM,
                               by=approver)


def test_plan_and_results_go_to_the_catalog_with_statutory_metadata(freeze, approver):
    from gongkai.catalog.enums import Article20Item

    plan = freeze.plan
    draft = services.publish_plan(plan, by=approver).page.specific
    assert not draft.live and draft.article20_item == Article20Item.OTHER_REQUIRED
    assert draft.get_parent().slug == "xzzf"
    with pytest.raises(services.ServiceError):
        services.publish_plan(plan, by=approver)
    made = services.run_draw(freeze, seed_value=SEED, by=approver, now=DRAWN_AT)
    services.record_result(made, uscc=made.assignments[0]["uscc"],
                           outcome=InspectionOutcome.CORRECTED, by=approver)
    page = services.publish_results(made, by=approver, publish=True).page.specific
    page.refresh_from_db()
    assert page.live and page.index_number  # a 索引号 was issued on publication
    table = next(block for block in page.body if block.block_type == "table")
    rows = table.value["data"]
    assert rows[1][3] == "发现问题，已责令改正" and rows[2][3] == "检查中"
    assert made.record_hash in str(page.body)
