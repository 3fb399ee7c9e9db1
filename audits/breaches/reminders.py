"""Reminders to the privacy advisers as a breach's notification deadline nears: by mail,
and by the chat channels through the alerts outbox.

Thresholds: 48, 24 and 6 hours before the deadline, and the deadline itself. A threshold
is reached at the exact instant `deadline - hours` (UTC arithmetic, like the clock). Only
the most recent threshold reached is mailed: a breach logged with 5 hours left gets the
6-hour mail, not three at once. A threshold is recorded in `breach_reminders` together
with every earlier one, in one transaction with its trail entry, and only after the SMTP
server accepted the mail — so each is sent once across runs and restarts, and a failed
send is tried again by the next run. (A crash between the server's acceptance and the
commit would send that one mail again: at least once, never silently lost.)

The mail names no title, description or person: free text about a breach may hold
personal data, and mail leaves our control. It gives the breach number, the time left,
the deadline in Oslo time, whom to notify and the dashboard link.

Mail and chat, without sending anything twice: the mail goes from here as it always has
(both languages, the SMTP server's own error when it fails); the chat channels get the same
reminder through the outbox (`by_mail=False`), queued in the transaction that records the
threshold, so each is queued once and the outbox retries it with backoff. With chat channels
and no mail, the threshold is recorded when it is queued.
"""

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from audits.alerts import outbox
from audits.breaches import register as breaches
from audits.core import clock, trail
from audits.core.config import Config
from audits.core.i18n import t
from audits.core.store import Store
from audits.io import mail

log = logging.getLogger(__name__)
THRESHOLDS = breaches.WARNING_HOURS  # hours before the deadline, earliest first
ACTOR = "scheduler"
_running = threading.Lock()  # one sender at a time in this process


def _instant(record: dict[str, Any], key: str) -> datetime:
    value = record[key]
    return value if isinstance(value, datetime) else clock.parse_instant(value, key)


def _deadline(record: dict[str, Any]) -> datetime:
    return _instant(record, "deadline_at")


def due(record: dict[str, Any], now: datetime) -> int | None:
    """The most recent threshold reached for a breach whose clock runs, else None."""
    if not record.get("clock_running"):
        return None
    return breaches.warning_reached(_deadline(record) - now)


def _duration(delta: timedelta, lang: str) -> str:
    hours, minutes = divmod(int(abs(delta).total_seconds() // 60), 60)
    return t("breaches.reminder.duration", lang, hours=hours, minutes=minutes)


def _words(record: dict[str, Any], hours: int, left: timedelta, shown: str, link: str, lang: str) -> list[str]:
    """The body's lines in one language."""
    number = record["id"]
    who = (t("breaches.reminder.to.authority", lang) if record["notify_recipient"] == "authority"
           else t("breaches.reminder.to.controller", lang, name=record["notify_to"] or "?"))
    act = t("breaches.reminder.act_link", lang, link=link) if link else t("breaches.reminder.act", lang)
    if not hours:
        act += " " + t("breaches.reminder.late", lang)
    return [
        t("breaches.reminder.not_notified", lang, id=number, who=who),
        t("breaches.reminder.left" if hours else "breaches.reminder.reached", lang, left=_duration(left, lang)),
        t("breaches.reminder.deadline", lang, at=shown),
        act,
    ]


def compose(record: dict[str, Any], hours: int, now: datetime, config: Config) -> tuple[str, str]:
    """(subject, body) in bokmål and English. Built from numbers, instants and the
    recipient's name only: never the title, description or anything a reporter typed."""
    deadline = _deadline(record)
    shown = f"{clock.show(deadline)} (UTC{clock.local(deadline).isoformat()[-6:]})"
    link = config.breaches.get("dashboard_url") or ""
    subject = " / ".join(t("breaches.reminder.subject" if hours else "breaches.reminder.subject_due", lang,
                           id=record["id"], hours=hours) for lang in ("nb", "en"))
    body = [*_words(record, hours, deadline - now, shown, link, "nb"), "",
            *_words(record, hours, deadline - now, shown, link, "en"), "",
            "-- ", t("breaches.reminder.footer", "nb"), t("breaches.reminder.footer", "en")]
    return f"Vern: {subject}", "\n".join(body) + "\n"


def _handled(store: Store) -> dict[int, int]:
    """Breach id -> the latest threshold recorded (the smallest number of hours)."""
    rows = store.rows("SELECT breach_id, min(hours) AS hours FROM breach_reminders GROUP BY breach_id")
    return {row["breach_id"]: row["hours"] for row in rows}


def _record(store: Store, config: Config, record: dict[str, Any], hours: int, now: datetime) -> None:
    breach_id = record["id"]
    with store.transaction() as tx:
        for threshold in THRESHOLDS:
            if threshold >= hours:
                tx.execute("INSERT INTO breach_reminders (breach_id, hours, sent_at) VALUES (?, ?, ?) "
                           "ON CONFLICT DO NOTHING", [breach_id, threshold, now])
        breaches._event(tx, store, breach_id, ACTOR, "reminded", f"{hours} h")
        trail.append(tx, ACTOR, "breach.reminder", str(breach_id), {"hours": hours})
        outbox.queue(tx, config, "breach_reminder", {  # numbers and instants only, as in the mail
            "breach": breach_id, "hours": hours, "aware_at": clock.iso_utc(_instant(record, "aware_at")),
            "deadline_at": clock.iso_utc(_deadline(record)),
            "recipient": "authority" if record["notify_recipient"] == "authority" else "controller"},
            now, by_mail=False)


def send_due(store: Store, config: Config) -> list[tuple[int, int]]:
    """Mail every reminder that is due and not yet sent, and queue it for the chat
    channels; returns (breach id, hours) sent.

    Raises VernError when the mail server cannot take a mail: that reminder (and the
    ones after it in this run) stay unrecorded, so the next run tries again."""
    settings = config.mail
    mailing = mail.configured(settings)
    if not mailing and not config.alert_channels:
        return []
    sent: list[tuple[int, int]] = []
    with _running:
        now = clock.now()
        handled = _handled(store)
        for record in breaches.listing(store, open_only=True):
            hours = due(record, now)
            if hours is None:
                continue
            latest = handled.get(record["id"])
            if latest is not None and latest <= hours:
                continue
            if mailing:
                subject, body = compose(record, hours, now, config)
                mail.send(settings, list(settings["advisers"]), subject, body)
            _record(store, config, record, hours, now)
            log.info("reminder for breach %s at %s hours sent", record["id"], hours)
            sent.append((record["id"], hours))
    return sent


def scheduled(vern) -> None:
    """The scheduler's job: the open Vern's store and configuration, nothing opened anew;
    never raises into the scheduler (the next interval tries again)."""
    try:
        send_due(vern.store, vern.config)
    except Exception as error:
        log.warning("breach reminders failed: %s", type(error).__name__)
