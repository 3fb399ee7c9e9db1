"""Reminders to the privacy advisers, by mail and by every chat channel, as a data-subject
request's due date nears
(GDPR Art. 12(3): answered within one month of receipt, or within the extension of two
further months the person was told of within the first month).

Thresholds, in Oslo calendar days before the due date in force (the extended one once
extended): 7, 1, 0 (the due day) and -1 (the day after: overdue). A threshold is reached
from Oslo midnight of `due - days`. Only the latest threshold reached is sent: a request
logged with one day left gets the 1-day reminder, not two at once. A threshold is recorded
in `request_reminders` per (request, due date) together with every earlier one, in one
transaction with its trail entry and the reminder's alerts (one per channel), so each is
sent once across runs and restarts, and an extension (a new due date) starts the
thresholds anew. The outbox sends them at once and, when a mail server or chat service is
down, tries again with backoff and shows the failure on the overview
(audits/alerts/outbox.py). Answered and refused requests get nothing.

The reminder names neither the requester, their address, nor any text someone typed (not
even the channel): mail and chat leave our control. It gives the request number, its kind,
the dates, the days left, whether it was extended, what to do, and the dashboard link. By
mail it is a letter of its own in both languages (`compose`), written when it is sent.
"""

import logging
import threading
from datetime import date, timedelta
from typing import Any, NamedTuple

from audits.alerts import outbox
from audits.core import clock, trail
from audits.core.config import Config
from audits.core.errors import VernError
from audits.core.i18n import t
from audits.core.store import Store
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


def _left(days_left: int, lang: str) -> str:
    """How far the due date is, for the subject."""
    if days_left > 1:
        return t("requests.reminder.due_in", lang, n=days_left)
    return t({1: "requests.reminder.due_tomorrow", 0: "requests.reminder.due_today"}.get(
        days_left, "requests.reminder.overdue"), lang)


def _days(days_left: int, lang: str) -> str:
    if days_left > 0:
        return t("requests.reminder.days_left", lang, n=days_left)
    if days_left == 0:
        return t("requests.reminder.days_today", lang)
    return t("requests.reminder.days_late", lang, n=-days_left)


def _todo(days_left: int, extended: bool, lang: str) -> str:
    """What the adviser does (Art. 12(3)): answer, or extend while the first month runs."""
    if days_left < 0:
        return t("requests.reminder.todo_late", lang)
    return t("requests.reminder.todo_extended" if extended else "requests.reminder.todo", lang)


def link(config: Config) -> str:
    """The requests page of the dashboard, or "" when no dashboard URL is configured."""
    url = (config.breaches.get("dashboard_url") or "").rstrip("/")
    return url + PAGE if url else ""


def _words(facts: dict[str, Any], today: date, url: str, lang: str) -> list[str]:
    """The body's lines in one language."""
    due_now = date.fromisoformat(facts["due_on"])
    days_left = (due_now - today).days
    return [
        t("requests.reminder.not_answered", lang, id=facts["request"],
          kind=subject_requests.kind_words(facts["kind"], lang)),
        t("requests.reminder.received", lang, day=facts["received_on"]),
        t("requests.reminder.due", lang, weekday=t(f"requests.weekday.{due_now.weekday()}", lang),
          day=due_now.isoformat()),
        _days(days_left, lang),
        (t("requests.reminder.extended", lang, due=facts["first_due_on"]) if facts["extended"]
         else t("requests.reminder.not_extended", lang)),
        _todo(days_left, facts["extended"], lang),
        t("requests.reminder.link", lang, url=url) if url else t("requests.reminder.no_link", lang),
    ]


def compose(facts: dict[str, Any], today: date, config: Config) -> tuple[str, str]:
    """The mail's (subject, body) in bokmål and English, from the reminder's facts in the
    outbox (`_facts`), with the days left on Oslo's `today`: the number, kind and dates
    only, never the requester, an address or anything a person typed."""
    days_left = (date.fromisoformat(facts["due_on"]) - today).days
    subject = " / ".join(t("requests.reminder.subject", lang, id=facts["request"], left=_left(days_left, lang))
                         for lang in ("nb", "en"))
    url = link(config)
    body = [*_words(facts, today, url, "nb"), "", *_words(facts, today, url, "en"), "",
            "-- ", t("requests.reminder.footer", "nb"), t("requests.reminder.footer", "en")]
    return f"Vern: {subject}", "\n".join(body) + "\n"


def _facts(sent: Sent, record: dict[str, Any], today: date) -> dict[str, Any]:
    """What the outbox keeps of a reminder, for the chat card and the mail alike."""
    return {"request": sent.request_id, "kind": record["kind"], "days": sent.days,
            "days_left": (sent.due_on - today).days, "due_on": sent.due_on.isoformat(),
            "extended": record["extended_due_on"] is not None,
            "received_on": subject_requests.received_on(record["received_at"]).isoformat(),
            "first_due_on": record["due_on"].isoformat()}


def threshold_words(days: int) -> str:
    """A threshold as the command line names it: 7-day, 1-day, due-day, overdue."""
    return f"{days}-day" if days > 0 else "due-day" if days == 0 else "overdue"


def _handled(store: Store) -> dict[tuple[int, date], int]:
    """(request id, due date) -> the latest threshold recorded (the smallest number of days)."""
    rows = store.rows("SELECT request_id, due_on, min(days) AS days FROM request_reminders "
                      "GROUP BY request_id, due_on")
    return {(row["request_id"], row["due_on"]): row["days"] for row in rows}


def _record(store: Store, config: Config, actor: str, sent: Sent, record: dict[str, Any], today: date) -> None:
    with store.transaction() as tx:
        tx.executemany("INSERT INTO request_reminders (request_id, due_on, days, sent_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT DO NOTHING",
                       [[sent.request_id, sent.due_on, days, clock.now()]
                        for days in THRESHOLDS if days >= sent.days])
        trail.append(tx, actor, "request.reminder", str(sent.request_id), {"days": sent.days})
        outbox.queue(tx, config, "request_reminder", _facts(sent, record, today), clock.now())


def queue_due(store: Store, config: Config, actor: str = ACTOR) -> list[Sent]:
    """Queue every reminder that is due and not yet queued, one alert per channel; the
    reminders queued. The outbox sends them (`send_due`, `vern serve`)."""
    if not outbox.channels(config):
        return []
    queued = []
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
            sent = Sent(record["id"], record["due_now"], days)
            _record(store, config, actor, sent, record, today)
            log.info("reminder for request %s at %s days queued", sent.request_id, days)
            queued.append(sent)
    return queued


def send_due(store: Store, config: Config, actor: str = ACTOR) -> list[Sent]:
    """Queue the reminders due (`queue_due`) and send what the outbox holds; those queued.
    A channel that fails is tried again by the outbox, never by queuing the reminder twice."""
    queued = queue_due(store, config, actor)
    if queued:
        outbox.deliver(store, config)
    return queued


def require_mail(config: Config) -> None:
    """For a person asking to send now: neither mail nor a chat channel is an error, not silence."""
    if not outbox.channels(config):
        raise VernError("requests.refused.no_mail")


def scheduled(vern) -> None:
    """The scheduler's job: the open Vern's store and configuration; never raises into the
    scheduler (the next run tries again)."""
    try:
        send_due(vern.store, vern.config)
    except Exception as error:
        log.warning("request reminders failed: %s", type(error).__name__)
