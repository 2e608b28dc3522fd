"""The outcome vocabulary maps one-to-one onto table 三 of the annual report."""

from __future__ import annotations

import pytest

from gongkai.info_requests.enums import (
    OUTCOME_RULES,
    REPORT_ROWS,
    ApplicantCategory,
    ApplicantType,
    Outcome,
    OutcomeGroup,
    cite,
    outcome_for_report_row,
)

# Copied by hand from /work/shared/reference/annual-report-format.md §3.2 (the 2021 format,
# 国办公开办函〔2021〕30号): the rows under “三、本年度办理结果”, in order, group labels
# （三）…（六） and （七）总计 left out (they hold no outcome of their own).
TABLE_3_ROWS = """
（一）予以公开
（二）部分公开（区分处理的，只计这一情形，不计其他情形）
1.属于国家秘密
2.其他法律行政法规禁止公开
3.危及“三安全一稳定”
4.保护第三方合法权益
5.属于三类内部事务信息
6.属于四类过程性信息
7.属于行政执法案卷
8.属于行政查询事项
1.本机关不掌握相关政府信息
2.没有现成信息需要另行制作
3.补正后申请内容仍不明确
1.信访举报投诉类申请
2.重复申请
3.要求提供公开出版物
4.无正当理由大量反复申请
5.要求行政机关确认或重新出具已获取信息
1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请
2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请
3.其他
""".strip().splitlines()

GROUP_SIZES = {OutcomeGroup.GRANTED: 1, OutcomeGroup.PARTIALLY_GRANTED: 1,
               OutcomeGroup.WITHHELD: 8, OutcomeGroup.CANNOT_PROVIDE: 3,
               OutcomeGroup.NOT_PROCESSED: 5, OutcomeGroup.OTHER: 3}


def test_every_outcome_has_exactly_one_rule():
    assert set(OUTCOME_RULES) == set(Outcome)


def test_the_outcome_to_row_mapping_is_a_bijection_onto_table_3():
    rows = [rule.report_row for rule in OUTCOME_RULES.values()]
    assert len(rows) == len(set(rows)) == 21            # injective
    assert set(rows) == set(REPORT_ROWS)                 # onto the listed rows
    assert list(REPORT_ROWS.values()) == TABLE_3_ROWS    # … which are the printed rows, in order


@pytest.mark.parametrize("outcome", list(Outcome))
def test_each_outcome_label_is_its_rows_wording(outcome):
    row_label = REPORT_ROWS[OUTCOME_RULES[outcome].report_row]
    # The row prints a number (“1.” or “（一）”) before the statutory wording.
    assert row_label.endswith(str(outcome.label))
    assert len(row_label) - len(str(outcome.label)) in (2, 3)
    assert outcome_for_report_row(OUTCOME_RULES[outcome].report_row) is outcome


def test_the_groups_have_the_tables_sizes():
    sizes: dict[OutcomeGroup, int] = {}
    for rule in OUTCOME_RULES.values():
        sizes[rule.group] = sizes.get(rule.group, 0) + 1
        assert rule.report_row.split(".")[0] in "123456"
    assert sizes == GROUP_SIZES


@pytest.mark.parametrize(
    ("outcome", "citation"),
    [
        (Outcome.PARTIALLY_GRANTED, "《条例》第三十七条"),
        (Outcome.WITHHELD_THIRD_PARTY_RIGHTS, "《条例》第十五条、《条例》第三十六条第（三）项"),
        (Outcome.NEEDS_CREATION, "《条例》第三十八条"),
        (Outcome.STILL_UNCLEAR_AFTER_CORRECTION, "《条例》第三十条"),
        (Outcome.PETITION_OR_COMPLAINT, "《条例》第三十九条第一款"),
        (Outcome.FEE_NOT_PAID, "《条例》第四十二条、《政府信息公开信息处理费管理办法》"),
        (Outcome.CONFIRMATION_REQUESTED, ""),
    ],
)
def test_it_cites_the_article_an_outcome_rests_on(outcome, citation):
    assert cite(outcome) == citation


def test_only_natural_persons_are_in_the_first_column_group():
    assert [t.category for t in ApplicantType] == [ApplicantCategory.NATURAL_PERSON] + [
        ApplicantCategory.ORGANIZATION] * 5
    assert [str(t.label) for t in ApplicantType] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def test_an_unknown_row_has_no_outcome():
    with pytest.raises(KeyError):
        outcome_for_report_row("7")
