"""Records for the annual report's tests: applications, cases, fees, documents."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gongkai.core.models import Agency
from gongkai.info_requests.enums import ApplicantType, Outcome, Status
from gongkai.info_requests.models import (
    Application,
    FeeRecord,
    OgiLitigationCase,
    OgiReviewCase,
)

_n = itertools.count(1)


def application(agency: Agency, received: dt.date, *, closed: dt.date | None = None,
                outcome: Outcome | str = "",
                applicant: ApplicantType = ApplicantType.NATURAL_PERSON) -> Application:
    n = next(_n)
    status = Status.IN_PROGRESS if closed is None else (
        Status.REPLIED if outcome else Status.WITHDRAWN)
    return Application.objects.create(
        agency=agency, number=f"T{n:06d}", year=received.year, serial=n, code_hash="x",
        applicant_type=applicant, name="申请人", phone="13800000000", description="某信息",
        provision_form="paper", delivery_method="post", channel="online",
        submitted_at=timezone.make_aware(dt.datetime.combine(received, dt.time(9))),
        received_on=received, status=status, outcome=str(outcome), closed_on=closed,
        idempotency_key=f"k{n}",
    )


def fee(app: Application, amount: str, paid: dt.date | None) -> FeeRecord:
    return FeeRecord.objects.create(application=app, method="per_volume", units=10,
                                    amount=Decimal(amount), notice_on=paid or dt.date(2025, 3, 1),
                                    paid_on=paid)


def review(agency: Agency, filed: dt.date, outcome: str = "", concluded: dt.date | None = None,
           **fields: Any) -> OgiReviewCase:
    return OgiReviewCase.objects.create(agency=agency, case_number=f"复{next(_n)}",
                                        filed_on=filed, outcome=outcome,
                                        concluded_on=concluded, **fields)


def lawsuit(agency: Agency, filed: dt.date, outcome: str = "", concluded: dt.date | None = None,
            route: str = "direct") -> OgiLitigationCase:
    return OgiLitigationCase.objects.create(agency=agency, case_number=f"诉{next(_n)}",
                                            filed_on=filed, outcome=outcome,
                                            concluded_on=concluded, route=route)
