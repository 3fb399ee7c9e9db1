"""Time limits in months (Reg. 1182/71 art. 3), with Norwegian public holidays."""

from datetime import date

import pytest

from audits.core.legal_dates import EXTENDED_MONTHS, due_on, months_later, public_holiday, working_day


@pytest.mark.parametrize(("received", "due"), [
    (date(2026, 3, 10), date(2026, 4, 10)),   # a Friday: the same date next month
    (date(2027, 1, 31), date(2027, 3, 1)),    # 28 February 2027 is a Sunday: Monday 1 March
    (date(2026, 1, 31), date(2026, 3, 2)),    # 28 February 2026 is a Saturday: Monday 2 March
    (date(2028, 1, 31), date(2028, 2, 29)),   # leap year: 29 February, a Tuesday
    (date(2027, 2, 28), date(2027, 3, 30)),   # 28 March 2027 is Easter Sunday, 29th Easter Monday
    (date(2026, 3, 4), date(2026, 4, 7)),     # 4 April 2026 is Easter Saturday; 5 and 6 April holidays
    (date(2026, 11, 25), date(2026, 12, 28)), # 25 December a Friday, 26th Saturday, 27th Sunday
    (date(2026, 11, 24), date(2026, 12, 24)), # Christmas Eve is no public holiday
    (date(2027, 4, 17), date(2027, 5, 18)),   # 17 May 2027 is both Constitution Day and Whit Monday
])
def test_one_month_from_receipt(received, due):
    assert due_on(received) == due


def test_a_month_ends_on_the_same_date_or_the_months_last_day():
    assert months_later(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_later(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert months_later(date(2026, 3, 31), 1) == date(2026, 4, 30)
    assert months_later(date(2026, 1, 15), 1) == date(2026, 2, 15)
    assert working_day(date(2026, 3, 2)) == date(2026, 3, 2)  # a Monday stays


@pytest.mark.parametrize(("received", "due"), [
    (date(2026, 1, 31), date(2026, 4, 30)),   # three months from receipt: 30 April, a Thursday
    (date(2025, 11, 30), date(2026, 3, 2)),   # 28 February 2026 (a Saturday) → Monday 2 March
    (date(2026, 9, 25), date(2026, 12, 28)),  # 25 December → 26 (Sat), 27 (Sun) → Monday 28
    (date(2027, 12, 31), date(2028, 3, 31)),  # 31 March 2028 is a Friday
])
def test_the_extended_due_date_is_three_months_from_receipt(received, due):
    assert due_on(received, EXTENDED_MONTHS) == due


@pytest.mark.parametrize(("day", "holiday"), [
    (date(2026, 1, 1), True), (date(2026, 4, 2), True), (date(2026, 4, 3), True), (date(2026, 4, 5), True),
    (date(2026, 4, 6), True), (date(2026, 5, 1), True), (date(2026, 5, 14), True), (date(2026, 5, 17), True),
    (date(2026, 5, 24), True), (date(2026, 5, 25), True), (date(2026, 12, 25), True), (date(2026, 12, 26), True),
    (date(2026, 12, 24), False), (date(2026, 12, 31), False), (date(2026, 11, 29), False),  # an ordinary Sunday
])
def test_norwegian_public_holidays(day, holiday):
    assert public_holiday(day) is holiday
