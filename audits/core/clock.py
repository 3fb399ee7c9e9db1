"""One clock for the whole app.

Instants are aware datetimes in UTC; people see Europe/Oslo. `VERN_NOW` (an ISO 8601
instant with offset) freezes the clock so tests and demos are reproducible.
"""

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from audits.core.errors import VernError
from audits.core.i18n import Message

UTC = UTC
OSLO = ZoneInfo("Europe/Oslo")


def parse_instant(text: str, what: str = "instant") -> datetime:
    """An ISO 8601 instant with an offset, as UTC. A naive time is refused: it names no instant.
    The messages do not quote the text: it may be personal data in the wrong field."""
    try:
        return instant(text)
    except ValueError as error:
        raise VernError("text.refused", field=what, why=error.args[0]) from None


def instant(text: str) -> datetime:
    """parse_instant for field parsers: ValueError with the reason."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(Message("clock.not_instant")) from None
    if value.tzinfo is None:
        raise ValueError(Message("clock.no_offset"))
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(Message("input.out_of_range")) from None


def now() -> datetime:
    frozen = os.environ.get("VERN_NOW")
    if frozen:
        return parse_instant(frozen, "VERN_NOW")
    return datetime.now(UTC)


def today() -> date:
    """The calendar date in Oslo: what 'today' means for agreements and reviews."""
    return now().astimezone(OSLO).date()


def local(instant: datetime | None) -> datetime | None:
    return instant.astimezone(OSLO) if instant is not None else None


# Norwegian short month names (the forms of Norwegian CLDR), so a date does not depend on
# the server's locale.
MONTHS_NB = ("jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "des.")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def show(instant: datetime | None, lang: str | None = None) -> str:
    """An instant as people in Oslo read it, to the minute: 2. des. 2026 kl. 14.05 in
    bokmål; 2026-12-02 14:05 in English and wherever no reader is known (files, the CLI)."""
    if instant is None:
        return "—"
    moment = local(instant)
    if lang == "nb":
        return f"{show_day(moment.date(), lang)} kl. {moment:%H.%M}"
    return moment.strftime("%Y-%m-%d %H:%M")


def show_day(day: date | None, lang: str | None = None) -> str:
    """A calendar date: 2. des. 2026 in bokmål; 2026-12-02 in English and elsewhere."""
    if day is None:
        return "—"
    if lang == "nb":
        return f"{day.day}. {MONTHS_NB[day.month - 1]} {day.year}"
    return day.isoformat()


def show_month(day: date, lang: str | None = None) -> str:
    """The month a date falls in: des. 2026 in bokmål; Dec 2026 in English."""
    months = MONTHS_NB if lang == "nb" else MONTHS_EN
    return f"{months[day.month - 1]} {day.year}"


def show_day_month(day: date, lang: str | None = None) -> str:
    """A date within a year that is clear from elsewhere (a chart's ticks): 2. des. / 2 Dec."""
    if lang == "nb":
        return f"{day.day}. {MONTHS_NB[day.month - 1]}"
    return f"{day.day} {MONTHS_EN[day.month - 1]}"


def iso_utc(instant: datetime | None) -> str | None:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z") if instant else None
