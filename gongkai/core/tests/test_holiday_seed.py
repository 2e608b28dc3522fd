"""The seeded holiday table matches the official notices, date for date.

The lists below are copied by hand from /work/shared/reference/holidays.md, which was
checked against the notices themselves:

* 2020 国务院办公厅关于2020年部分节假日安排的通知 国办发明电〔2019〕16号 (2019-11-21), as
  extended by 国务院办公厅关于延长2020年春节假期的通知 国办发明电〔2020〕1号 (1月31日 off,
  2月1日 no longer a working day);
* 2021 国务院办公厅关于2021年部分节假日安排的通知 国办发明电〔2020〕27号 (2020-11-25);
* 2022 国务院办公厅关于2022年部分节假日安排的通知 (2021-10-25);
* 2023 国务院办公厅关于2023年部分节假日安排的通知 国办发明电〔2022〕16号 (2022-12-08);
* 2024 国务院办公厅关于2024年部分节假日安排的通知 (2023-10-25);
* 2025 国务院办公厅关于2025年部分节假日安排的通知 (2024-11-12; first year with 除夕 and
  5月2日 as public holidays);
* 2026 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).

OFF is the whole announced holiday period (weekend days inside it included); WORK is the
weekend days that are working days (调休上班). 2027's notice had not been read: it must not
be in the table.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.enums import HolidayKind
from gongkai.core.models import HolidayDate, HolidaySchedule

# year: (OFF periods, WORK days). "a..b" is a run of days, both ends included.
OFFICIAL: dict[int, tuple[str, str]] = {
    2020: ("2020-01-01 2020-01-24..2020-02-02 2020-04-04..2020-04-06 2020-05-01..2020-05-05 "
           "2020-06-25..2020-06-27 2020-10-01..2020-10-08",
           "2020-01-19 2020-04-26 2020-05-09 2020-06-28 2020-09-27 2020-10-10"),
    2021: ("2021-01-01..2021-01-03 2021-02-11..2021-02-17 2021-04-03..2021-04-05 "
           "2021-05-01..2021-05-05 2021-06-12..2021-06-14 2021-09-19..2021-09-21 "
           "2021-10-01..2021-10-07",
           "2021-02-07 2021-02-20 2021-04-25 2021-05-08 2021-09-18 2021-09-26 2021-10-09"),
    2022: ("2022-01-01..2022-01-03 2022-01-31..2022-02-06 2022-04-03..2022-04-05 "
           "2022-04-30..2022-05-04 2022-06-03..2022-06-05 2022-09-10..2022-09-12 "
           "2022-10-01..2022-10-07",
           "2022-01-29 2022-01-30 2022-04-02 2022-04-24 2022-05-07 2022-10-08 2022-10-09"),
    2023: ("2022-12-31..2023-01-02 2023-01-21..2023-01-27 2023-04-05 2023-04-29..2023-05-03 "
           "2023-06-22..2023-06-24 2023-09-29..2023-10-06",
           "2023-01-28 2023-01-29 2023-04-23 2023-05-06 2023-06-25 2023-10-07 2023-10-08"),
    2024: ("2024-01-01 2024-02-10..2024-02-17 2024-04-04..2024-04-06 2024-05-01..2024-05-05 "
           "2024-06-10 2024-09-15..2024-09-17 2024-10-01..2024-10-07",
           "2024-02-04 2024-02-18 2024-04-07 2024-04-28 2024-05-11 2024-09-14 2024-09-29 "
           "2024-10-12"),
    2025: ("2025-01-01 2025-01-28..2025-02-04 2025-04-04..2025-04-06 2025-05-01..2025-05-05 "
           "2025-05-31..2025-06-02 2025-10-01..2025-10-08",
           "2025-01-26 2025-02-08 2025-04-27 2025-09-28 2025-10-11"),
    2026: ("2026-01-01..2026-01-03 2026-02-15..2026-02-23 2026-04-04..2026-04-06 "
           "2026-05-01..2026-05-05 2026-06-19..2026-06-21 2026-09-25..2026-09-27 "
           "2026-10-01..2026-10-07",
           "2026-01-04 2026-02-14 2026-02-28 2026-05-09 2026-09-20 2026-10-10"),
}


def expand(spec: str) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for item in spec.split():
        first, _, last = item.partition("..")
        start = dt.date.fromisoformat(first)
        end = dt.date.fromisoformat(last) if last else start
        days.update(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    return frozenset(days)


def official_off(year: int) -> frozenset[dt.date]:
    return expand(OFFICIAL[year][0])


def official_work(year: int) -> frozenset[dt.date]:
    return expand(OFFICIAL[year][1])


def weekdays(days: frozenset[dt.date]) -> set[dt.date]:
    return {d for d in days if d.weekday() < 5}


def seeded(year: int, kind: HolidayKind) -> frozenset[dt.date]:
    return frozenset(HolidayDate.objects.filter(schedule__year=year, kind=kind)
                     .values_list("date", flat=True))


def test_it_copied_the_reference_without_typos():
    # Make-up working days are weekend days; no day is both off and working.
    for year in OFFICIAL:
        assert all(d.weekday() >= 5 for d in official_work(year)), year
        assert not official_off(year) & official_work(year), year
    # Spot checks against the reference's machine-readable summary.
    assert len(official_work(2024)) == 8
    assert dt.date(2020, 2, 1) in official_off(2020)
    assert dt.date(2020, 2, 1) not in official_work(2020)


@pytest.mark.django_db
@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_it_seeded_every_weekday_holiday(year):
    assert weekdays(seeded(year, HolidayKind.DAY_OFF)) == weekdays(official_off(year))


@pytest.mark.django_db
@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_it_seeded_every_make_up_working_day(year):
    assert seeded(year, HolidayKind.WORKING_WEEKEND) == official_work(year)


@pytest.mark.django_db
@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_it_seeded_nothing_that_changes_a_working_day(year):
    off = seeded(year, HolidayKind.DAY_OFF)
    # The whole official period is there; anything beyond it is a weekend (harmless).
    assert official_off(year) <= off
    assert all(d.weekday() >= 5 for d in off - official_off(year))


@pytest.mark.django_db
def test_it_seeded_2020_to_2026_with_their_notices():
    schedules = {s.year: s for s in HolidaySchedule.objects.all()}
    assert sorted(schedules) == sorted(OFFICIAL)
    for year, schedule in schedules.items():
        assert f"{year}年部分节假日安排的通知" in schedule.notice_title
    assert "国办发明电〔2020〕1号" in schedules[2020].notice_number
    assert schedules[2023].notice_number == "国办发明电〔2022〕16号"


@pytest.mark.django_db
def test_it_did_not_guess_2027():
    assert not HolidaySchedule.objects.filter(year=2027).exists()
    assert not HolidayDate.objects.filter(date__year=2027).exists()


@pytest.mark.django_db
def test_it_files_2022_12_31_under_the_2023_notice():
    assert HolidayDate.objects.get(date=dt.date(2022, 12, 31)).schedule.year == 2023
