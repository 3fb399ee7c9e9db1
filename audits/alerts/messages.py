"""What an alert says, from the facts the outbox keeps: numbers, instants and the names of
organisations. Never a title, a description or anything a reporter typed: an alert
travels through other companies' chat services."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from audits.alerts.channels import KINDS, Alert
from audits.core import clock
from audits.core.i18n import t

if TYPE_CHECKING:  # annotations only
    from audits.core.config import Config


def _when(iso: str, lang: str) -> str:
    return t("alerts.oslo_time", lang, at=clock.show(clock.parse_instant(iso), lang))


def _recipient(data: dict[str, Any], lang: str) -> str:
    return t(f"alerts.to.{data['recipient']}", lang)


def _breach(event: str, data: dict[str, Any], lang: str) -> tuple[str, list[tuple[str, str]]]:
    due = event == "breach_reminder" and not data.get("hours")
    title = t("alerts.title.breach_due" if due else f"alerts.title.{event}", lang,
              n=data["breach"], hours=data.get("hours", 0))
    facts = [(t("alerts.aware", lang), _when(data["aware_at"], lang)),
             (t("alerts.deadline", lang), _when(data["deadline_at"], lang)),
             (t("alerts.tell", lang), _recipient(data, lang))]
    return title, facts


def _request(data: dict[str, Any], lang: str) -> tuple[str, list[tuple[str, str]]]:
    """A request's reminder: its number, kind and due date (Art. 12(3)), never the requester."""
    from audits.subject_requests import register as subject_requests  # only this event needs it

    left, due = data["days_left"], date.fromisoformat(data["due_on"])
    said = "more" if left > 1 else {1: "tomorrow", 0: "today"}.get(left, "overdue")
    facts = [(t("alerts.request.kind", lang), subject_requests.kind_words(data["kind"], lang)),
             (t("alerts.request.due", lang), clock.show_day(due, lang)),
             (t("alerts.request.extended", lang), t(f"alerts.{'yes' if data['extended'] else 'no'}", lang))]
    return t(f"alerts.title.request.{said}", lang, n=data["request"], days=left), facts


def _check(data: dict[str, Any], lang: str) -> tuple[str, list[tuple[str, str]]]:
    """A failed check run: its name and the kind of failure, never the error's text (it may
    quote the evidence)."""
    name = data["name"].get(lang) or data["check"]
    cause = t(f"alerts.check.{data['kind']}", lang, fault=data.get("fault", ""))
    return t("alerts.title.check_failed", lang, check=name), [(t("alerts.check.cause", lang), cause)]


def _digest(data: dict[str, Any], lang: str) -> tuple[str, list[tuple[str, str]]]:
    """The weekly digest's headline: counts only (the digest itself goes by mail)."""
    facts = [(t("alerts.digest.new", lang), t("alerts.count", lang, n=data["new"])),
             (t("alerts.digest.closed", lang), t("alerts.count", lang, n=data["closed"])),
             (t("alerts.digest.breaches", lang), t("alerts.count", lang, n=data["breaches"]))]
    return t("alerts.title.digest", lang, n=data["queue"]), facts


def render(event: str, data: dict[str, Any], config: Config, lang: str | None = None) -> Alert:
    """The alert for `event` in `lang` (the configured language unless a reader is known),
    with the dashboard's link."""
    lang = lang or config.language
    link = (config.breaches.get("dashboard_url") or "").rstrip("/")
    if event in ("breach_logged", "breach_reminder"):
        title, facts = _breach(event, data, lang)
    elif event == "request_reminder":
        (title, facts), link = _request(data, lang), link and link + "/requests"
    elif event == "check_failed":
        title, facts = _check(data, lang)
    elif event == "digest":
        title, facts = _digest(data, lang)
    else:  # "test"
        title, facts = t("alerts.title.test", lang), []
    return Alert(event, title, facts, link, data)


def problem_words(problem: str | None, lang: str) -> str:
    """Why a send failed, in plain words: the outbox keeps a code, never a server's answer."""
    if not problem:
        return ""
    if problem.startswith("HTTP "):
        status = int(problem.split()[1])
        key = {429: "busy"}.get(status, "refused_server" if status >= 500 else "refused")
        return t(f"alerts.problem.{key}", lang, status=status)
    known = {"timeout", "secret", "smtp", "removed", "ConnectError"}
    return t(f"alerts.problem.{problem if problem in known else 'other'}", lang, code=problem)


def mail_text(alert: Alert, config: Config, now: datetime) -> tuple[str, str]:
    """(subject, body) of the same alert by mail. A reminder is a letter of its own, in
    both languages, with the time left at `now` (the feature's `compose`)."""
    if alert.event == "breach_reminder":
        from audits.breaches import reminders  # imported here: the reminders queue through this module

        return reminders.compose(alert.data, now, config)
    if alert.event == "request_reminder":
        from audits.subject_requests import reminders as request_reminders

        return request_reminders.compose(alert.data, clock.local(now).date(), config)
    lang = config.language
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


def channel_label(name: str, config: Config, lang: str) -> str:
    """One channel of the outbox as the overview names it: its kind, and which of the
    `[[alerts.channels]]` tables it is (never its URL, which is a secret)."""
    kind = name.split(":", 1)[0]
    if kind == "mail":
        return t("alerts.channel.mail", lang, n=len(config.mail.get("advisers") or []))
    said = t(f"alerts.channel.{kind}", lang) if kind in KINDS else kind
    numbers = [n for n, channel in enumerate(config.alert_channels, 1) if channel.ref == name]
    if not numbers:
        return t("alerts.channel.gone", lang, kind=said)
    return t("alerts.channel.which", lang, kind=said, n=numbers[0])


def _unbroken(shown: str) -> str:
    """An instant that wraps only before its time of day, in a narrow column."""
    day, _, time = shown.partition(" kl. ")
    return day.replace(" ", "\u00a0") + (f" kl.\u00a0{time}" if time else "")


def failed_rows(store, config: Config, lang: str, since) -> list[dict[str, str]]:
    """The alerts that have not got through, for the overview: which alert, when queued, the
    channel, what Vern does now, the last problem in plain words and the tries."""
    from audits.alerts import outbox

    return [{
        "alert": render(row["event"], row["data"], config, lang).title,
        "queued": _unbroken(clock.show(row["created_at"], lang)),
        "channel": channel_label(row["channel"], config, lang),
        "status": (t("alerts.failed.given_up", lang) if row["status"] == "failed"
                   else t("alerts.failed.retrying", lang, at=_unbroken(clock.show(row["next_at"], lang)))),
        "problem": problem_words(row["problem"], lang),
        "attempts": str(row["attempts"]),
    } for row in outbox.failures(store, since)]


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
