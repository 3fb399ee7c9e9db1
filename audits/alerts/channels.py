"""Where alerts go besides mail: chat channels, one `[[alerts.channels]]` table each.

- `teams`: a Microsoft Teams Workflows webhook, which takes an Adaptive Card (the old
  Office 365 connectors are being retired).
- `slack`: a Slack incoming webhook.
- `webhook`: anything else, JSON signed as Standard Webhooks sign (standardwebhooks.com:
  HMAC-SHA256 over id, timestamp and body, in the webhook-id, webhook-timestamp and
  webhook-signature headers), with the secret from the environment variable `secret_env`.

A webhook URL is itself a secret (whoever has it can post to the channel): it is never
stored in the database or printed. A channel is known by its kind and a hash of its URL.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from audits.core.errors import VernError
from audits.io.http_retry import retry_after

if TYPE_CHECKING:  # annotations only: httpx is imported when something is sent
    import httpx

KINDS = ("teams", "slack", "webhook")
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Channel:
    kind: str
    url: str
    secret_env: str = ""

    @property
    def ref(self) -> str:
        """How the outbox and the pages name this channel without its URL."""
        return f"{self.kind}:{hashlib.sha256(self.url.encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class Alert:
    """One alert in the reader's words: a title, facts as (label, value) lines, a link.
    `event` and `data` are the same facts as values, for a webhook's receiver."""

    event: str
    title: str
    facts: list[tuple[str, str]]
    link: str
    data: dict[str, Any]


class SendFailed(Exception):
    """A channel did not take the alert. `problem` says why as a code ("timeout", "HTTP 503",
    "secret" …; never the answer's body, which may echo what was sent); `retry_after` is the
    server's wish, in seconds."""

    def __init__(self, problem: str, retry_after: float | None = None):
        super().__init__(problem)
        self.problem, self.retry_after = problem, retry_after


def from_config(tables: Any) -> list[Channel]:
    """The channels of `[[alerts.channels]]`, each checked; refused naming the table and key."""
    if not isinstance(tables, list):
        raise VernError("alerts.config.not_tables")
    channels = []
    for number, table in enumerate(tables, 1):
        where = f"alerts.channels[{number}]"
        if not isinstance(table, dict):
            raise VernError("alerts.config.not_a_table", key=where)
        unknown = sorted(set(table) - {"kind", "url", "secret_env"})
        if unknown:
            raise VernError("alerts.config.unknown_key", key=f"{where}.{unknown[0]}")
        kind, url, secret_env = table.get("kind"), table.get("url"), table.get("secret_env", "")
        if kind not in KINDS:
            raise VernError("alerts.config.kind", key=f"{where}.kind", kinds=", ".join(KINDS))
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise VernError("alerts.config.url", key=f"{where}.url")
        if kind == "webhook" and not (isinstance(secret_env, str) and secret_env):
            raise VernError("alerts.config.secret_env", key=f"{where}.secret_env")
        if kind != "webhook" and secret_env:
            raise VernError("alerts.config.secret_env_not_here", key=f"{where}.secret_env")
        channels.append(Channel(kind, url, secret_env))
    return channels


def teams_card(alert: Alert) -> dict[str, Any]:
    """A Workflows 'post to a channel when a webhook request is received' message."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": alert.title, "weight": "Bolder", "size": "Medium", "wrap": True},
            {"type": "FactSet", "facts": [{"title": label, "value": value} for label, value in alert.facts]},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Vern", "url": alert.link}] if alert.link else [],
    }
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def slack_message(alert: Alert) -> dict[str, Any]:
    """Plain text blocks (no mrkdwn: nothing in an alert is to be read as markup)."""
    lines = [f"{label}: {value}" for label, value in alert.facts] + ([alert.link] if alert.link else [])
    return {
        "text": alert.title,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": alert.title[:150]}},
            {"type": "section", "text": {"type": "plain_text", "text": "\n".join(lines)}},
        ],
    }


def webhook_body(alert: Alert) -> dict[str, Any]:
    return {"type": f"vern.{alert.event}", "title": alert.title, "data": alert.data, "link": alert.link}


def request(channel: Channel, alert: Alert, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers to POST to `channel`."""
    shape = {"teams": teams_card, "slack": slack_message, "webhook": webhook_body}[channel.kind]
    body = json.dumps(shape(alert), ensure_ascii=False, separators=(",", ":"))
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if channel.kind == "webhook":
        from standardwebhooks.webhooks import Webhook  # imported here: only a webhook needs it

        secret = os.environ.get(channel.secret_env, "")
        if not secret:
            raise SendFailed("secret")
        message_id = f"msg_{uuid.uuid4().hex}"
        try:
            signature = Webhook(secret).sign(message_id, now, body)
        except Exception:  # noqa: BLE001 (the library raises several kinds for a secret not whsec_<base64>)
            raise SendFailed("secret") from None
        headers |= {"webhook-id": message_id, "webhook-timestamp": str(int(now.timestamp())),
                    "webhook-signature": signature}
    return body.encode("utf-8"), headers


def post(client: httpx.Client, channel: Channel, alert: Alert, now: datetime) -> None:
    """Send `alert` to `channel`; SendFailed when it is not taken."""
    import httpx

    body, headers = request(channel, alert, now)
    try:
        answer = client.post(channel.url, content=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except httpx.TimeoutException:
        raise SendFailed("timeout") from None
    except httpx.HTTPError as error:
        raise SendFailed(type(error).__name__) from None
    if answer.status_code >= 300:
        raise SendFailed(f"HTTP {answer.status_code}", retry_after(answer.headers.get("Retry-After")))
