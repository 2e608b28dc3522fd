"""Each cell of the generated report comes from the records behind it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongkai.annual_reports import compute
from gongkai.annual_reports.cells import to_tables
from gongkai.annual_reports.format import FEE_CELL, active_cell, app_cell, review_cell
from gongkai.annual_reports.rules import check, has_errors
from gongkai.annual_reports.tests.factories import application, fee, lawsuit, review
from gongkai.catalog.enums import Article20Item, Genre, Validity
from gongkai.info_requests.enums import ApplicantType, Outcome
from gongkai.testing import column, make_item

pytestmark = pytest.mark.django_db

D = dt.date
COMPANY = ApplicantType.COMMERCIAL_ENTERPRISE


def fig(agency, year, cell):  # type: ignore[no-untyped-def]
    return compute.compute(agency, year).figures[cell.key]


def test_new_applications_are_counted_by_applicant_type_in_the_year_of_receipt(anshan):
    application(anshan, D(2025, 3, 1))
    application(anshan, D(2025, 12, 31), applicant=COMPANY)
    application(anshan, D(2025, 6, 1), applicant=COMPANY)
    application(anshan, D(2024, 12, 31))  # last year's
    application(anshan, D(2026, 1, 1))  # next year's
    figures = compute.compute(anshan, 2025).figures
    assert figures[app_cell("new", "natural_person").key] == 1
    assert figures[app_cell("new", "commercial_enterprise").key] == 2
    assert figures[app_cell("new", "total").key] == 3


def test_every_outcome_lands_in_its_own_row(anshan):
    application(anshan, D(2025, 2, 1), closed=D(2025, 2, 20), outcome=Outcome.GRANTED)
    application(anshan, D(2025, 2, 1), closed=D(2025, 2, 20), outcome=Outcome.PARTIALLY_GRANTED)
    application(anshan, D(2025, 2, 1), closed=D(2025, 3, 1), outcome=Outcome.NOT_HELD,
                applicant=ApplicantType.LEGAL_SERVICE_PROVIDER)
    application(anshan, D(2025, 2, 1), closed=D(2025, 3, 1), outcome=Outcome.FEE_NOT_PAID)
    application(anshan, D(2025, 2, 1), closed=D(2025, 3, 1))  # withdrawn: （六）3.其他
    figures = compute.compute(anshan, 2025).figures
    assert figures[app_cell("1", "natural_person").key] == 1
    assert figures[app_cell("2", "total").key] == 1
    assert figures[app_cell("4.1", "legal_service_provider").key] == 1
    assert figures[app_cell("6.2", "total").key] == 1
    assert figures[app_cell("6.3", "total").key] == 1
    assert figures[app_cell("total", "total").key] == 5
    assert figures[app_cell("3.1", "total").key] == 0


def test_open_applications_carry_over_into_the_next_year_and_balance(anshan):
    application(anshan, D(2024, 12, 20))  # still open
    application(anshan, D(2024, 12, 10), closed=D(2025, 1, 10), outcome=Outcome.GRANTED)
    application(anshan, D(2024, 11, 1), closed=D(2024, 11, 20), outcome=Outcome.GRANTED)
    application(anshan, D(2025, 12, 28), applicant=COMPANY)  # carried into 2026
    y2024 = compute.compute(anshan, 2024)
    y2025 = compute.compute(anshan, 2025)
    assert y2024.figures[app_cell("carried_forward", "total").key] == 2
    assert y2025.figures[app_cell("carried_over", "total").key] == 2
    assert y2025.figures[app_cell("carried_forward", "total").key] == 2
    assert y2025.figures[app_cell("carried_forward", "commercial_enterprise").key] == 1
    # R1 per column and X1 across the years hold by construction.
    findings = check(to_tables(y2025.figures), to_tables(y2024.figures))
    assert not has_errors(findings), [f.message for f in findings]


def test_review_and_litigation_cases_fill_table_four(anshan):
    review(anshan, D(2025, 3, 1), "upheld", D(2025, 5, 1))
    review(anshan, D(2025, 11, 1))  # pending
    review(anshan, D(2025, 11, 1), "corrected", D(2026, 1, 15))  # result after 31 Dec
    review(anshan, D(2024, 10, 1), "other", D(2025, 2, 1))  # earlier case concluded this year
    review(anshan, D(2024, 10, 1), "upheld", D(2024, 12, 1))  # last year's
    lawsuit(anshan, D(2025, 4, 1), "corrected", D(2025, 9, 1))
    lawsuit(anshan, D(2025, 4, 1), route="after_review")
    figures = compute.compute(anshan, 2025).figures
    assert figures[review_cell("review", "upheld").key] == 1
    assert figures[review_cell("review", "other").key] == 1
    assert figures[review_cell("review", "pending").key] == 2
    assert figures[review_cell("review", "total").key] == 4
    assert figures[review_cell("litigation_direct", "corrected").key] == 1
    assert figures[review_cell("litigation_after_review", "pending").key] == 1


def test_normative_documents_issued_abolished_and_in_force(anshan):
    zcwj = column(anshan)
    item = Article20Item.RULES_AND_NORMATIVE_DOCUMENTS
    make_item(zcwj, formed_on=D(2025, 3, 1), article20_item=item)
    make_item(zcwj, formed_on=D(2023, 3, 1), article20_item=item, validity=Validity.REPEALED,
              validity_changed_on=D(2025, 6, 1))
    make_item(zcwj, formed_on=D(2022, 3, 1), article20_item=item)
    make_item(zcwj, formed_on=D(2025, 4, 1), article20_item=item, publish=False)  # draft
    make_item(zcwj, formed_on=D(2025, 4, 1))  # not 第二十条（一）
    make_item(zcwj, formed_on=D(2025, 5, 1), article20_item=item, genre=Genre.ORDER)
    figures = compute.compute(anshan, 2025).figures
    assert figures[active_cell("normative_documents", "issued").key] == 1
    assert figures[active_cell("normative_documents", "abolished").key] == 1
    assert figures[active_cell("normative_documents", "in_force").key] == 2
    assert figures[active_cell("regulations", "issued").key] == 1
    in_2024 = compute.compute(anshan, 2024).figures
    assert in_2024[active_cell("normative_documents", "in_force").key] == 2


def test_processing_fees_paid_in_the_year_go_to_section_six(anshan):
    app = application(anshan, D(2025, 2, 1))
    fee(app, "120.00", D(2025, 3, 1))
    fee(app, "30.50", D(2025, 4, 1))
    fee(app, "99.00", None)  # notice not paid
    result = compute.compute(anshan, 2025)
    assert "150.50元" in compute.other_matters_text(result.facts)
    assert result.figures[FEE_CELL.key] == Decimal(0)  # 行政事业性收费 is not the 信息处理费


def test_drill_down_lists_exactly_the_records_of_a_cell(anshan):
    a = application(anshan, D(2025, 2, 1), closed=D(2025, 2, 20), outcome=Outcome.GRANTED)
    application(anshan, D(2025, 2, 1), closed=D(2025, 2, 20), outcome=Outcome.NOT_HELD)
    records = compute.records_for(anshan, 2025, app_cell("1", "total").key)
    assert records is not None
    assert [r.label for r in records] == [a.number]
    assert compute.records_for(anshan, 2025, active_cell("licensing", "decisions").key) is None


def test_missing_enforcement_module_degrades_to_a_note(anshan):
    result = compute.compute(anshan, 2025)
    assert result.figures[active_cell("penalty", "decisions").key] >= 0
    assert "二:penalty" in result.sources


def test_every_cell_of_table_three_agrees_with_its_drill_down(anshan):
    import random

    from gongkai.annual_reports.format import APPLICATION_COLUMN_KEYS, APPLICATION_ROW_KEYS

    rng = random.Random(7)
    outcomes = ["", *Outcome.values]
    for _ in range(60):
        received = D(2024, 10, 1) + dt.timedelta(days=rng.randrange(500))
        closed = (None if rng.random() < 0.2
                  else received + dt.timedelta(days=rng.randrange(1, 60)))
        application(anshan, received, closed=closed,
                    outcome=rng.choice(outcomes) if closed else "",
                    applicant=rng.choice(list(ApplicantType)))
    figures = compute.compute(anshan, 2025).figures
    for row in APPLICATION_ROW_KEYS:
        for col in APPLICATION_COLUMN_KEYS:
            key = app_cell(row, col).key
            records = compute.records_for(anshan, 2025, key)
            assert records is not None and len(records) == figures[key], key
    assert not has_errors(check(to_tables(figures)))
