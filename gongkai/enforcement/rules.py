"""The law of 统计执法公开 as pure functions: the calendar and ``today`` are arguments.

* 行政处罚决定 are published within 7 working days of the decision (行政执法公示制度,
  国办发〔2018〕118号: 行政处罚决定自作出之日起7个工作日内公开). The day of the decision
  is day zero, as for every working-day period in gongkai (core.workdays).
* The public copy of a decision of a natural person is masked: the name keeps the surname
  (张某某 style: 张**), and personal data in the texts is masked by the core detector.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gongkai.core.text import pii
from gongkai.core.workdays import WorkdayCalendar, add_working_days
from gongkai.enforcement.enums import PartyKind, PublicationState

PUBLICATION_WORKING_DAYS = 7


@dataclass(frozen=True)
class PublicationDeadline:
    due: dt.date
    state: PublicationState
    schedule_missing: bool = False

    @property
    def overdue(self) -> bool:
        return self.state in (PublicationState.OVERDUE, PublicationState.LATE)


def publication_deadline(*, decided_on: dt.date, published_on: dt.date | None,
                         today: dt.date, calendar: WorkdayCalendar) -> PublicationDeadline:
    """The publication deadline of a decision and where the decision stands against it."""
    result = add_working_days(calendar, decided_on, PUBLICATION_WORKING_DAYS)
    if published_on is not None:
        state = PublicationState.ON_TIME if published_on <= result.value else PublicationState.LATE
    else:
        state = PublicationState.DUE if today <= result.value else PublicationState.OVERDUE
    return PublicationDeadline(result.value, state, result.schedule_missing)


def masked_name(name: str) -> str:
    """A natural person's name with only the surname kept (张三 → 张*)."""
    name = name.strip()
    if not name:
        return name
    return pii.mask_value(pii.Kind.NAME, name)


@dataclass(frozen=True)
class PublicCopy:
    party: str
    facts: str
    basis: str
    penalty: str


def public_copy(*, party_kind: str, party_name: str, facts: str, basis: str, penalty: str,
                allowed: set[str] | frozenset[str] = frozenset()) -> PublicCopy:
    """What the public sees of a decision. A natural person's name is masked wherever it
    occurs; personal data (ID numbers, phones, cards, e-mail, labelled names) is masked in
    every text whoever the party is — an organisation's decision may still name people."""

    def clean(text: str) -> str:
        if party_kind == PartyKind.NATURAL_PERSON and party_name.strip():
            text = text.replace(party_name.strip(), masked_name(party_name))
        return pii.mask_personal_data(text, allowed=allowed)

    party = (masked_name(party_name) if party_kind == PartyKind.NATURAL_PERSON
             else party_name.strip())
    return PublicCopy(party=party, facts=clean(facts), basis=clean(basis),
                      penalty=clean(penalty))
