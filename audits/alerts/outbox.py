"""The alerts outbox. An alert is queued in the same transaction as what it tells of, so
saving a breach never waits for a mail server or a chat service, and nothing is lost while
one is down. `deliver` sends what is due, right after the save and every few seconds from
`vern serve`; a send that fails is tried again after 1, 2, 4 … minutes (sooner or later as
the service's Retry-After asks), and after MAX_ATTEMPTS it is shown as failed."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from audits.alerts import messages
from audits.alerts.channels import Channel, SendFailed, post
from audits.core import clock
from audits.core.errors import VernError
from audits.io import mail

if TYPE_CHECKING:  # annotations only
    from audits.core.config import Config
    from audits.core.store import Store

log = logging.getLogger(__name__)
MAIL = "mail"
REMOVED = "removed"  # a channel taken out of the configuration after the alert was queued
BACKOFF_MINUTES = (1, 2, 4, 8, 15, 30, 60)  # the wait after the 1st, 2nd … failed try
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1  # about two hours of trying
_delivering = threading.Lock()  # the page's send right after a save and the scheduled one


def channels(config: Config) -> dict[str, Channel | None]:
    """Every channel in force, by its name in the outbox (mail has no Channel)."""
    found: dict[str, Channel | None] = {MAIL: None} if mail.configured(config.mail) else {}
    return found | {channel.ref: channel for channel in config.alert_channels}


def queue(tx, config: Config, event: str, data: dict[str, Any], now: datetime, *,
          by_mail: bool = True) -> list[str]:
    """One alert per channel in force, inside the caller's transaction; the channels' names.
    `by_mail=False` for what its feature mails itself (the digest, in full): the chat
    channels only, so no adviser gets the same mail twice."""
    names = [name for name in channels(config) if by_mail or name != MAIL]
    for name in names:
        tx.execute("INSERT INTO alerts (created_at, event, data, channel, next_at) VALUES (?, ?, ?, ?, ?)",
                   [now, event, json.dumps(data), name, now])
    return names


def deliver(store: Store, config: Config, now: datetime | None = None) -> dict[str, int]:
    """Send every alert that is due; how many were sent, are to be tried again, and failed."""
    import httpx  # imported here: 0.1 s that only sending needs

    now = now or clock.now()
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    in_force = channels(config)
    with _delivering, httpx.Client() as client:
        for row in store.rows("SELECT * FROM alerts WHERE status = 'pending' AND next_at <= ? ORDER BY id", [now]):
            try:
                if row["channel"] not in in_force:
                    raise SendFailed(REMOVED)
                _send(client, config, in_force[row["channel"]], row, now)
            except SendFailed as failed:
                counts[_failed(store, row, failed, now)] += 1
            else:
                with store.transaction() as tx:
                    tx.execute("UPDATE alerts SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
                               "problem = NULL WHERE id = ?", [now, row["id"]])
                counts["sent"] += 1
    return counts


def _send(client, config: Config, channel: Channel | None, row: dict[str, Any], now: datetime) -> None:
    alert = messages.render(row["event"], json.loads(row["data"]), config)
    if channel is not None:
        return post(client, channel, alert, now)
    subject, body = messages.mail_text(alert, config, now)
    try:
        mail.send(config.mail, list(config.mail["advisers"]), subject, body)
    except VernError as error:  # its words name the server and the cause, never a recipient
        log.warning("mail alert not sent: %s", error)
        raise SendFailed("smtp") from None  # the server is named in the log, not in the outbox


def _failed(store: Store, row: dict[str, Any], failed: SendFailed, now: datetime) -> str:
    attempts = row["attempts"] + 1
    gone = attempts >= MAX_ATTEMPTS or failed.problem == REMOVED
    wait = timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])
    if failed.retry_after is not None:
        wait = max(timedelta(seconds=failed.retry_after), timedelta(seconds=5))
    log.warning("alert %s to %s failed (%s), try %d", row["id"], row["channel"], failed.problem, attempts)
    with store.transaction() as tx:
        tx.execute("UPDATE alerts SET status = ?, attempts = ?, next_at = ?, problem = ? WHERE id = ?",
                   ["failed" if gone else "pending", attempts, now + wait, failed.problem, row["id"]])
    return "failed" if gone else "retrying"


def about_breach(store: Store, number: int) -> dict[str, list[str]]:
    """How the alert that breach `number` was logged went: channel names by status."""
    rows = store.rows("SELECT channel, status FROM alerts WHERE event = 'breach_logged' "
                      "AND CAST(data->>'breach' AS BIGINT) = ? ORDER BY id", [number])
    return {status: [r["channel"] for r in rows if r["status"] == status] for status in ("sent", "pending", "failed")}


def failures(store: Store, since: datetime) -> list[dict[str, Any]]:
    """Alerts queued since `since` that have not got through: given up on ('failed'), or
    failed at least once and still being tried ('pending'); newest first, for the overview."""
    rows = store.rows("SELECT id, created_at, event, data, channel, status, attempts, next_at, problem "
                      "FROM alerts WHERE (status = 'failed' OR (status = 'pending' AND attempts > 0)) "
                      "AND created_at >= ? ORDER BY id DESC", [since])
    return [row | {"data": json.loads(row["data"])} for row in rows]


def test(config: Config) -> list[tuple[str, str | None]]:
    """`vern alerts test`: a test message straight to every channel, not through the outbox;
    (channel, None when taken or why not) for each."""
    import httpx

    now, results = clock.now(), []
    with httpx.Client() as client:
        for name, channel in channels(config).items():
            try:
                _send(client, config, channel, {"event": "test", "data": "{}"}, now)
            except SendFailed as failed:
                results.append((name, failed.problem))
            else:
                results.append((name, None))
    return results
