"""Reminders to the privacy advisers as a breach's notification deadline nears, by mail
and by every chat channel, through the alerts outbox.

Thresholds: 48, 24 and 6 hours before the deadline, and the deadline itself. A threshold
is reached at the exact instant `deadline - hours` (UTC arithmetic, like the clock). Only
the most recent threshold reached is sent: a breach logged with 5 hours left gets the
6-hour reminder, not three at once. A threshold is recorded in `breach_reminders` together
with every earlier one, in one transaction with its trail entry and the reminder's alerts
(one per channel), so each is sent once across runs and restarts. The outbox sends them at
once and, when a mail server or chat service is down, tries again with backoff and shows
the failure on the overview (audits/alerts/outbox.py).

The reminder names no title, description or person: free text about a breach may hold
personal data, and mail and chat leave our control. It gives the breach number, the time
left, the deadline in Oslo time, whom to notify and the dashboard link. By mail it is a
letter of its own in both languages (`compose`), written when it is sent.
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

log = logging.getLogger(__name__)
THRESHOLDS = breaches.WARNING_HOURS  # hours before the deadline, earliest first
ACTOR = "scheduler"
_running = threading.Lock()  # one sender at a time in this process


def due(record: dict[str, Any], now: datetime) -> int | None:
    """The most recent threshold reached for a breach whose clock runs, else None."""
    if not record.get("clock_running"):
        return None
    return breaches.warning_reached(_instant(record["deadline_at"]) - now)


def _instant(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else clock.parse_instant(value)


def _duration(delta: timedelta, lang: str) -> str:
    hours, minutes = divmod(int(abs(delta).total_seconds() // 60), 60)
    return t("breaches.reminder.duration", lang, hours=hours, minutes=minutes)


def _words(facts: dict[str, Any], left: timedelta, shown: str, link: str, lang: str) -> list[str]:
    """The body's lines in one language."""
    hours = facts["hours"]
    who = (t("breaches.reminder.to.authority", lang) if facts["recipient"] == "authority"
           else t("breaches.reminder.to.controller", lang, name=facts.get("controller") or "?"))
    act = t("breaches.reminder.act_link", lang, link=link) if link else t("breaches.reminder.act", lang)
    if not hours:
        act += " " + t("breaches.reminder.late", lang)
    return [
        t("breaches.reminder.not_notified", lang, id=facts["breach"], who=who),
        t("breaches.reminder.left" if hours else "breaches.reminder.reached", lang, left=_duration(left, lang)),
        t("breaches.reminder.deadline", lang, at=shown),
        act,
    ]


def compose(facts: dict[str, Any], now: datetime, config: Config) -> tuple[str, str]:
    """The mail's (subject, body) in bokmål and English, from the reminder's facts in the
    outbox (`_facts`), with the time left at `now`: numbers, instants and the controller's
    name only, never the title, description or anything a reporter typed."""
    deadline, hours = _instant(facts["deadline_at"]), facts["hours"]
    shown = f"{clock.show(deadline)} (UTC{clock.local(deadline).isoformat()[-6:]})"
    link = config.breaches.get("dashboard_url") or ""
    subject = " / ".join(t("breaches.reminder.subject" if hours else "breaches.reminder.subject_due", lang,
                           id=facts["breach"], hours=hours) for lang in ("nb", "en"))
    body = [*_words(facts, deadline - now, shown, link, "nb"), "",
            *_words(facts, deadline - now, shown, link, "en"), "",
            "-- ", t("breaches.reminder.footer", "nb"), t("breaches.reminder.footer", "en")]
    return f"Vern: {subject}", "\n".join(body) + "\n"


def _facts(record: dict[str, Any], hours: int) -> dict[str, Any]:
    """What the outbox keeps of a reminder, for the chat card and the mail alike."""
    facts = {"breach": record["id"], "hours": hours, "aware_at": clock.iso_utc(_instant(record["aware_at"])),
             "deadline_at": clock.iso_utc(_instant(record["deadline_at"])),
             "recipient": "authority" if record["notify_recipient"] == "authority" else "controller"}
    if facts["recipient"] == "controller":
        facts["controller"] = record["notify_to"] or ""  # an organisation, as the mail always named it
    return facts


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
        outbox.queue(tx, config, "breach_reminder", _facts(record, hours), now)


def send_due(store: Store, config: Config) -> list[tuple[int, int]]:
    """Queue every reminder that is due and not yet queued, one alert per channel, and send
    what the outbox holds; returns (breach id, hours) queued. A channel that fails is tried
    again by the outbox, never by queuing the reminder twice."""
    if not outbox.channels(config):
        return []
    queued: list[tuple[int, int]] = []
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
            _record(store, config, record, hours, now)
            log.info("reminder for breach %s at %s hours queued", record["id"], hours)
            queued.append((record["id"], hours))
    if queued:
        outbox.deliver(store, config)
    return queued


def scheduled(vern) -> None:
    """The scheduler's job: the open Vern's store and configuration, nothing opened anew;
    never raises into the scheduler (the next interval tries again)."""
    try:
        send_due(vern.store, vern.config)
    except Exception as error:
        log.warning("breach reminders failed: %s", type(error).__name__)
