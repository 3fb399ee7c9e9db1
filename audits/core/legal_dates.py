"""Time limits in months, as Regulation (EEC, Euratom) No 1182/71 art. 3 counts them:
a period of months ends on the same date of the last month, or on that month's last day
where the date does not exist; a period that would end on a Saturday, a Sunday or a
Norwegian public holiday ends at the end of the next working day.

The data-subject request clock (GDPR Art. 12(3)) runs one month from receipt, extendable by
two further months: three months from receipt in all.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

if TYPE_CHECKING:  # annotations only
    import holidays

ANSWER_MONTHS = 1
EXTENDED_MONTHS = 3  # the month, and two further months


@cache
def _norway(year: int) -> holidays.HolidayBase:
    import holidays  # imported here: holidays costs 0.08 s at every command's start

    # holidays 0.10x does not count ordinary Sundays as holidays (include_sundays=False);
    # weekends are judged separately below.
    return holidays.Norway(years=year)


def public_holiday(day: date) -> bool:
    return day in _norway(day.year)


def working_day(day: date) -> date:
    """The day itself, or the next day that is no Saturday, Sunday or public holiday."""
    while day.weekday() >= 5 or public_holiday(day):
        day += timedelta(days=1)
    return day


def months_later(day: date, months: int) -> date:
    """The same date `months` later, or that month's last day (31 January + 1 = 28/29 February)."""
    return day + relativedelta(months=months)


def due_on(received: date, months: int = ANSWER_MONTHS) -> date:
    """The last day to answer a request received on `received` (an Oslo date)."""
    return working_day(months_later(received, months))
