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
    if data["recipient"] == "authority":
        return t("alerts.to_authority", lang)
    return t("alerts.to_controller", lang, name=data.get("controller") or "?")


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
