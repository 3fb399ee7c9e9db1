"""What an alert says, from the facts the outbox keeps: numbers, instants and the names of
organisations. Never a title, a description or anything a reporter typed: an alert
travels through other companies' chat services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from audits.alerts.channels import Alert
from audits.core import clock
from audits.core.i18n import t

if TYPE_CHECKING:  # annotations only
    from audits.core.config import Config


def _when(iso: str, lang: str) -> str:
    return t("alerts.oslo_time", lang, at=clock.show(clock.parse_instant(iso)))


def _recipient(data: dict[str, Any], lang: str) -> str:
    return t(f"alerts.to.{data['recipient']}", lang)


def _breach(event: str, data: dict[str, Any], lang: str) -> tuple[str, list[tuple[str, str]]]:
    title = t(f"alerts.title.{event}", lang, n=data["breach"], hours=data.get("hours", 0))
    facts = [(t("alerts.aware", lang), _when(data["aware_at"], lang)),
             (t("alerts.deadline", lang), _when(data["deadline_at"], lang)),
             (t("alerts.tell", lang), _recipient(data, lang))]
    return title, facts


def render(event: str, data: dict[str, Any], config: Config) -> Alert:
    """The alert for `event` in the configured language, with the dashboard's link."""
    lang = config.language
    if event in ("breach_logged", "breach_reminder"):
        title, facts = _breach(event, data, lang)
    elif event == "check_failed":
        title, facts = t("alerts.title.check_failed", lang, check=data["check"]), []
    else:  # "test"
        title, facts = t("alerts.title.test", lang), []
    return Alert(event, title, facts, config.breaches.get("dashboard_url") or "", data)


def mail_text(alert: Alert, lang: str) -> tuple[str, str]:
    """(subject, body) of the same alert by mail."""
    lines = [f"{label}: {value}" for label, value in alert.facts]
    if alert.link:
        lines += ["", t("alerts.open", lang, link=alert.link)]
    return f"Vern: {alert.title}", "\n".join(lines) + "\n"


def channel_names(names: list[str], config: Config, lang: str) -> str:
    """The channels as a person names them: "e-post til 2 rådgivere, Teams"."""
    said = []
    for name in names:
        kind = name.split(":", 1)[0]
        said.append(t("alerts.channel.mail", lang, n=len(config.mail.get("advisers") or []))
                    if kind == "mail" else t(f"alerts.channel.{kind}", lang))
    return ", ".join(said)


def told(store, config: Config, number: int, lang: str) -> list[tuple[str, str]]:
    """The truth about the advisers' alert of breach `number`, as (kind, sentence) with kind
    "sent" or "not_sent": sent on which channels, still being tried, or no channel at all
    (then whom to call, from the organisation's profile)."""
    from audits.alerts import outbox
    from audits.organisation import profile

    went = outbox.about_breach(store, number)
    lines = []
    if went["sent"]:
        lines.append(("sent", t("alerts.told.sent", lang, channels=channel_names(went["sent"], config, lang))))
    if went["pending"] or went["failed"]:
        lines.append(("not_sent", t("alerts.told.pending", lang,
                                    channels=channel_names(went["pending"] + went["failed"], config, lang))))
    if not went["sent"]:
        contact = profile.load(store, config)
        if contact["contact_name"] and contact["contact_phone"]:
            lines.append(("not_sent", t("alerts.told.call", lang, name=contact["contact_name"],
                                        phone=contact["contact_phone"])))
        else:
            lines.append(("not_sent", t("alerts.told.tell", lang)))
    return lines
