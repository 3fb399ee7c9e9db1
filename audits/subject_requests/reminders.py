"""Reminder mails to the privacy advisers as a data-subject request's due date nears
(GDPR Art. 12(3): answered within one month of receipt, or within the extension of two
further months the person was told of within the first month).

Thresholds, in Oslo calendar days before the due date in force (the extended one once
extended): 7, 1, 0 (the due day) and -1 (the day after: overdue). A threshold is reached
from Oslo midnight of `due - days`. Only the latest threshold reached is mailed: a request
logged with one day left gets the 1-day mail, not two at once. A threshold is recorded in
`request_reminders` per (request, due date) together with every earlier one, in one
transaction with its trail entry, and only after the SMTP server accepted the mail — so
each is sent once across runs and restarts, a failed send is tried again by the next run,
and an extension (a new due date) starts the thresholds anew. Answered and refused requests
get nothing.

The mail names neither the requester, their address, nor any text someone typed (not even
the channel): mail leaves our control. It gives the request number, its kind, the dates,
the days left, whether it was extended, what to do, and the dashboard link.
"""

import logging
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any, NamedTuple

from audits.core import clock, trail
from audits.core.config import Config
from audits.core.errors import VernError
from audits.core.i18n import t
from audits.core.store import Store
from audits.io import mail
from audits.subject_requests import register as subject_requests

log = logging.getLogger(__name__)
THRESHOLDS = (7, 1, 0, -1)  # days before the due date in force, earliest first
ACTOR = "scheduler"
PAGE = "/requests"  # the dashboard page of the requests
_running = threading.Lock()  # one sender at a time in this process

# The open requests, without the requester or any free text: the mail needs none of it.
OPEN_REQUESTS = f"""
    SELECT id, kind, received_at, due_on, extended_due_on, {subject_requests.DUE_IN_FORCE} AS due_now
    FROM requests WHERE list_contains($open, status) ORDER BY due_now, id"""


class Sent(NamedTuple):
    request_id: int
    due_on: date  # the due date in force the reminder was about
    days: int  # the threshold


def due(due_now: date, today: date) -> int | None:
    """The latest threshold reached by Oslo's `today` for an open request, else None."""
    reached = [days for days in THRESHOLDS if today >= due_now - timedelta(days=days)]
    return min(reached) if reached else None


def _left(days_left: int) -> tuple[str, str]:
    """How far the due date is, for the subject, in bokmål and English."""
    if days_left > 1:
        return f"svarfrist om {days_left} dager", f"due in {days_left} days"
    if days_left == 1:
        return "svarfrist i morgen", "due tomorrow"
    if days_left == 0:
        return "svarfrist i dag", "due today"
    return "svarfristen er oversittet", "overdue"


def _days(days_left: int) -> tuple[str, str]:
    if days_left > 0:
        return f"Dager igjen: {days_left}", f"Days left: {days_left}"
    if days_left == 0:
        return "Dager igjen: 0 – svarfristen er i dag.", "Days left: 0 – the request is due today."
    late = -days_left
    return (f"Dager igjen: ingen – svarfristen gikk ut for {late} {'dag' if late == 1 else 'dager'} siden.",
            f"Days left: none – the due date passed {late} {'day' if late == 1 else 'days'} ago.")


def _todo(days_left: int, extended: bool) -> tuple[str, str]:
    """What the adviser does (Art. 12(3)): answer, or extend while the first month runs."""
    if days_left < 0:
        return ("Svar nå, og si hvorfor det tok tid (personvernforordningen art. 12 nr. 3).",
                "Answer now, and say why it took longer (GDPR Art. 12(3)).")
    if extended:
        return ("Svar innen fristen; den er alt forlenget og kan ikke forlenges mer "
                "(personvernforordningen art. 12 nr. 3).",
                "Answer by the due date; it has been extended already and cannot be extended again "
                "(GDPR Art. 12(3)).")
    return ("Svar innen fristen, eller forleng den med to måneder: registrer begrunnelsen og si fra til "
            "personen innen den første måneden (personvernforordningen art. 12 nr. 3).",
            "Answer by the due date, or extend it by two further months: record the reason and tell the "
            "person within the first month (GDPR Art. 12(3)).")


def link(config: Config) -> str:
    """The requests page of the dashboard, or "" when no dashboard URL is configured."""
    url = (config.breaches.get("dashboard_url") or "").rstrip("/")
    return url + PAGE if url else ""


def compose(record: dict[str, Any], today: date, config: Config) -> tuple[str, str]:
    """(subject, body) in bokmål and English, built from the number, kind and dates only:
    never the requester, an address or anything a person typed."""
    number, due_now = record["id"], record["due_now"]
    days_left = (due_now - today).days
    extended = record["extended_due_on"] is not None
    def kind(lang: str) -> str:
        return subject_requests.kind_words(record["kind"], lang)

    def weekday(lang: str) -> str:
        return t(f"requests.weekday.{due_now.weekday()}", lang)

    received = subject_requests.received_on(record["received_at"]).isoformat()
    left_nb, left_en = _left(days_left)
    days_nb, days_en = _days(days_left)
    todo_nb, todo_en = _todo(days_left, extended)
    url = link(config)
    subject = f"Vern: henvendelse nr. {number} – {left_nb} / request no. {number} – {left_en}"
    body = [
        f"Henvendelse nr. {number}, {kind('nb')}, er ennå ikke besvart.",
        f"Mottatt: {received}",
        f"Svarfrist: {weekday('nb')} {due_now.isoformat()}",
        days_nb,
        f"Forlenget: ja (den opprinnelige fristen var {record['due_on'].isoformat()})" if extended
        else "Forlenget: nei",
        todo_nb,
        f"Henvendelsen i Vern: {url}" if url else "Se henvendelsen i Vern.",
        "",
        f"Request no. {number}, {kind('en')}, has not been answered yet.",
        f"Received: {received}",
        f"Due: {weekday('en')} {due_now.isoformat()}",
        days_en,
        f"Extended: yes (it was due {record['due_on'].isoformat()})" if extended else "Extended: no",
        todo_en,
        f"The request in Vern: {url}" if url else "See the request in Vern.",
        "",
        "-- ",
        "Vern sender denne påminnelsen automatisk 7 dager og 1 dag før svarfristen, på fristdagen "
        "og dagen etter.",
        "Vern sends this reminder automatically 7 days and 1 day before the due date, on the due day "
        "and on the day after.",
    ]
    return subject, "\n".join(body) + "\n"


def threshold_words(days: int) -> str:
    """A threshold as the command line names it: 7-day, 1-day, due-day, overdue."""
    return f"{days}-day" if days > 0 else "due-day" if days == 0 else "overdue"


def _handled(store: Store) -> dict[tuple[int, date], int]:
    """(request id, due date) -> the latest threshold recorded (the smallest number of days)."""
    rows = store.rows("SELECT request_id, due_on, min(days) AS days FROM request_reminders "
                      "GROUP BY request_id, due_on")
    return {(row["request_id"], row["due_on"]): row["days"] for row in rows}


def _record(store: Store, actor: str, sent: Sent) -> None:
    with store.transaction() as tx:
        tx.executemany("INSERT INTO request_reminders (request_id, due_on, days, sent_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT DO NOTHING",
                       [[sent.request_id, sent.due_on, days, clock.now()]
                        for days in THRESHOLDS if days >= sent.days])
        trail.append(tx, actor, "request.reminder", str(sent.request_id), {"days": sent.days})


def sending(store: Store, config: Config, actor: str = ACTOR) -> Iterator[Sent]:
    """Mail every reminder that is due and not yet sent, yielding each once it is recorded.

    Raises VernError when the mail server cannot take a mail: that reminder (and the ones
    after it in this run) stay unrecorded, so the next run tries again."""
    settings = config.mail
    if not mail.configured(settings):
        return
    with _running:
        today = clock.today()
        handled = _handled(store)
        for record in store.rows(OPEN_REQUESTS, {"open": list(subject_requests.OPEN)}):
            days = due(record["due_now"], today)
            if days is None:
                continue
            latest = handled.get((record["id"], record["due_now"]))
            if latest is not None and latest <= days:
                continue
            subject, body = compose(record, today, config)
            mail.send(settings, list(settings["advisers"]), subject, body)
            sent = Sent(record["id"], record["due_now"], days)
            _record(store, actor, sent)
            log.info("reminder for request %s at %s days sent", sent.request_id, days)
            yield sent


def send_due(store: Store, config: Config, actor: str = ACTOR) -> list[Sent]:
    """The reminders `sending` sent, as a list."""
    return list(sending(store, config, actor))


def require_mail(config: Config) -> None:
    """For a person asking to send now: no mail settings is an error, not silence."""
    if not mail.configured(config.mail):
        raise VernError("mail is not configured: set mail.host and mail.advisers in the configuration "
                        "to send reminder mails")


def scheduled(vern) -> None:
    """The scheduler's job: the open Vern's store and configuration; never raises into the
    scheduler (the next run tries again)."""
    try:
        send_due(vern.store, vern.config)
    except Exception as error:
        log.warning("request reminders failed: %s", type(error).__name__)
