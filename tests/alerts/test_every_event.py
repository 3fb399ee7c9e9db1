"""The chat channels carry every alert, not only a new breach: the breach and request
reminders, a failed check run and the weekly digest's headline, through the outbox (so
retries and the overview's failed alerts cover them all). What each feature mailed before
it still mails itself, once; no alert holds a title, a free text or a person. Real SMTP and
HTTP servers on loopback, a real DuckDB file."""

import base64
import hashlib
import hmac
import json
import re
import shutil
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import vern_process
from test_outbox import SECRET, channels_toml

from audits import scheduler
from audits.alerts import messages, outbox
from audits.alerts.channels import Alert, Channel, request
from audits.breaches import register as breaches
from audits.breaches import reminders
from audits.checking import runner
from audits.checking.api import Check, Rule, Severity
from audits.core import clock
from audits.core.errors import VernError
from audits.core.i18n import Text
from audits.reporting import digest
from audits.subject_requests import register as subject_requests
from audits.subject_requests import reminders as request_reminders
from audits.subject_requests.reminders import Sent
from conftest import FIXED_NOW, VERN, config_with, page_text

MARKER = "MARKER-Kari-Nordmann-12345678901"
NOW = clock.parse_instant(FIXED_NOW)


def at(monkeypatch, instant) -> None:
    monkeypatch.setenv("VERN_NOW", instant if isinstance(instant, str) else clock.iso_utc(instant))


def add_breach(vern, aware_at=NOW) -> int:
    return breaches.add(vern.store, vern.config, "test", {
        "title": f"Medlemsliste sendt feil {MARKER}", "description": f"Sendt til {MARKER}@example.com",
        "aware_at": aware_at.isoformat()})


def queued(vern) -> list[tuple[str, str]]:
    return [(r["event"], r["channel"].split(":")[0]) for r in vern.store.rows(
        "SELECT event, channel FROM alerts ORDER BY id")]


def slack_texts(httpserver) -> list[str]:
    """Each Slack message as its reader sees it: the title, then the facts and the link."""
    said = [json.loads(request.data) for request, _ in httpserver.log if request.path == "/slack"]
    return [f"{m['text']}\n{m['blocks'][1]['text']['text']}" for m in said]


def everything_sent(httpserver, smtp=None) -> str:
    sent = "".join(request.get_data(as_text=True) for request, _ in httpserver.log)
    return sent + "".join(m["raw"].decode() for m in (smtp.received if smtp else []))


def sent_by(vern) -> list[tuple[str, str, str]]:
    return [(r["event"], r["channel"].split(":")[0], r["status"]) for r in vern.store.rows(
        "SELECT event, channel, status FROM alerts ORDER BY id")]


def test_a_breach_reminder_goes_once_by_mail_and_to_slack_through_the_outbox(vern, smtp, httpserver, monkeypatch):
    httpserver.expect_request("/slack", method="POST").respond_with_data("ok")
    vern.config = config_with(vern, channels_toml(httpserver, "slack", mail_port=smtp.port))
    number = add_breach(vern)  # its own alert is queued for mail and Slack
    at(monkeypatch, NOW + timedelta(hours=24))
    assert reminders.send_due(vern.store, vern.config) == [(number, 48)]
    # One alert per channel, sent at once with what the outbox held (the new breach's alert).
    assert sent_by(vern) == [("breach_logged", "mail", "sent"), ("breach_logged", "slack", "sent"),
                             ("breach_reminder", "mail", "sent"), ("breach_reminder", "slack", "sent")]
    assert reminders.send_due(vern.store, vern.config) == []  # nothing twice
    assert outbox.deliver(vern.store, vern.config)["sent"] == 0
    # By mail the reminder is its own letter in both languages; in chat, the card.
    assert smtp.subjects()[1] == (
        f"Vern: avvik nr. {number} – 48 timer til fristen / breach no. {number} – 48 hours to the deadline")
    assert "Tid igjen: 48 t 0 min" in smtp.messages()[1].get_content()
    assert slack_texts(httpserver)[1] == (
        f"Avvik nr. {number}: 48 timer til fristen\n"
        "Kjent siden: 24. nov. 2026 kl. 12.00 (norsk tid)\nFrist for melding: 27. nov. 2026 kl. 12.00 (norsk tid)\n"
        "Skal varsles: Datatilsynet\nhttps://vern.example.org")
    assert len(smtp.received) == 2
    assert MARKER not in everything_sent(httpserver, smtp) and "Medlemsliste" not in everything_sent(httpserver)

    at(monkeypatch, NOW + timedelta(hours=72))
    assert reminders.send_due(vern.store, vern.config) == [(number, 0)]
    assert slack_texts(httpserver)[-1].startswith(f"Avvik nr. {number}: fristen er nådd\n")
    assert "fristen er nådd" in smtp.subjects()[-1]


def test_with_chat_only_the_reminders_are_recorded_and_go_to_chat(vern, httpserver, monkeypatch):
    httpserver.expect_request("/slack", method="POST").respond_with_data("ok")
    vern.config = config_with(vern, channels_toml(httpserver, "slack"))  # no [mail]
    number = add_breach(vern, aware_at=NOW - timedelta(hours=50))
    assert reminders.send_due(vern.store, vern.config) == [(number, 24)]
    assert sorted(r["hours"] for r in vern.store.rows("SELECT hours FROM breach_reminders")) == [24, 48]
    assert sent_by(vern) == [("breach_logged", "slack", "sent"), ("breach_reminder", "slack", "sent")]
    assert slack_texts(httpserver)[-1].startswith(f"Avvik nr. {number}: 24 timer til fristen\n")

    at(monkeypatch, "2026-10-15T10:00:00+02:00")
    request = subject_requests.add(vern.store, "test", {
        "received_at": "2026-10-15T10:00:00+02:00", "kind": "access", "channel": f"e-post {MARKER}",
        "requester": f"{MARKER} Storgata 1", "email": "ola.marker@example.org"})
    at(monkeypatch, clock.parse_instant("2026-11-16T08:00:00+01:00"))  # the due day, a Monday
    assert request_reminders.send_due(vern.store, vern.config) == [Sent(request, date(2026, 11, 16), 0)]
    assert request_reminders.send_due(vern.store, vern.config) == []
    request_reminders.require_mail(vern.config)  # a chat channel is somewhere to send: `vern dsr remind` runs

    assert sent_by(vern)[-1] == ("request_reminder", "slack", "sent")
    assert slack_texts(httpserver)[-1] == (
        f"Henvendelse nr. {request}: svarfrist i dag\n"
        "Type: innsyn (art. 15)\nSvarfrist: 16. nov. 2026\nForlenget: nei\nhttps://vern.example.org/requests")
    sent = everything_sent(httpserver)
    assert MARKER not in sent and "Storgata" not in sent and "example.org\"" not in sent.replace(
        "vern.example.org", "")


class Exploding(Check):
    id = "exploding"
    title = Text("Eksploderer", "Explodes")
    area = "test"
    schedule = "0 5 * * *"
    rules = (Rule("never", Severity.low, "Art. 5", Text("n", "n"), Text("n", "n"), Text("n", "n")),)
    raise_refusal = False

    def evaluate(self, ctx):
        if self.raise_refusal:
            raise VernError("checks.interrupted")
        raise RuntimeError(f"row 3 of the evidence: {MARKER}")  # an error may quote the evidence


def test_a_failed_check_run_alerts_by_mail_and_chat_with_its_name_and_the_kind_only(vern, smtp, httpserver):
    httpserver.expect_request("/slack", method="POST").respond_with_data("ok")
    config = config_with(vern, channels_toml(httpserver, "slack", mail_port=smtp.port))
    assert runner.run(vern.store, config, Exploding, "schedule").status == "failed"
    assert queued(vern) == [("check_failed", "mail"), ("check_failed", "slack")]
    assert outbox.deliver(vern.store, config)["sent"] == 2
    assert slack_texts(httpserver) == [
        "Kontrollen Eksploderer feilet\nÅrsak: feil i kontrollen (RuntimeError); se Kontroller i Vern\n"
        "https://vern.example.org"]
    [mail] = smtp.messages()
    assert mail["Subject"] == "Vern: Kontrollen Eksploderer feilet"
    assert MARKER not in everything_sent(httpserver, smtp) and "row 3" not in everything_sent(httpserver, smtp)

    class Refused(Exploding):
        raise_refusal = True

    runner.run(vern.store, config, Refused, "manual")
    outbox.deliver(vern.store, config)
    assert slack_texts(httpserver)[-1].startswith(
        "Kontrollen Eksploderer feilet\nÅrsak: kontrollen fikk ikke det den trenger (innstillinger eller filer)")


def test_the_digest_is_mailed_once_and_its_headline_goes_to_chat(demo_vern, smtp, httpserver):
    httpserver.expect_request("/slack", method="POST").respond_with_data("ok")
    demo_vern.config = config_with(demo_vern, channels_toml(httpserver, "slack", mail_port=smtp.port))
    before = len(queued(demo_vern))
    digest.send(demo_vern)
    assert smtp.subjects() == ["Vern – ukesammendrag"]
    assert queued(demo_vern)[before:] == [("digest", "slack")]  # not by mail: the digest itself went
    outbox.deliver(demo_vern.store, demo_vern.config)
    [headline] = [text for text in slack_texts(httpserver) if text.startswith("Ukesammendrag")]
    assert headline.splitlines()[0] == "Ukesammendrag: 46 saker i køen"
    assert [line.split(": ")[0] for line in headline.splitlines()[1:4]] == ["Nye funn", "Lukket av Vern", "Avvik meldt"]
    assert "Bærbar" not in headline and "#" not in headline  # no item of the queue, no Markdown


def test_the_overview_shows_each_alert_that_did_not_get_through(vern, dashboard, httpserver, monkeypatch):
    monkeypatch.delenv("VERN_TEST_WEBHOOK_SECRET", raising=False)
    httpserver.expect_request("/slack", method="POST").respond_with_data("down", status=503)
    vern.config = config_with(vern, channels_toml(httpserver, "slack", "webhook"))
    first = add_breach(vern)
    tried = clock.now()
    for _ in range(outbox.MAX_ATTEMPTS):  # both given up: Slack answers 503, the webhook has no secret
        outbox.deliver(vern.store, vern.config, tried)
        tried += timedelta(hours=2)
    number = add_breach(vern)
    outbox.deliver(vern.store, vern.config, tried)  # failed once each: tried again later
    states = [(r["channel"].split(":")[0], r["status"], r["attempts"]) for r in outbox.failures(vern.store, NOW)]
    assert states == [("webhook", "pending", 1), ("slack", "pending", 1),
                      ("webhook", "failed", outbox.MAX_ATTEMPTS), ("slack", "failed", outbox.MAX_ATTEMPTS)]

    at_nb = dashboard("overview", "nb", ("admin",))
    assert not at_nb.exception, at_nb.exception
    assert at_nb.subheader[0].value == "Varsler som ikke kom fram"
    [table] = [shown.value.reset_index().map(lambda said: said.replace("\u00a0", " "))  # (no break in a date)
               for shown in at_nb.table]  # a table that wraps: every column in sight
    rows, rows_csv = table.to_dict("records"), table.to_csv()
    assert rows[0] == {"Kanal": "webhook (kanal 2)", "Varsel": f"Nytt avvik meldt: nr. {number}",
                      "Laget": "24. nov. 2026 kl. 12.00", "Forsøk": "1",
                      "Siste problem": "hemmeligheten for webhooken mangler eller er ugyldig (se secret_env)",
                      "Status": rows[0]["Status"]}
    assert rows[0]["Status"].startswith("prøver igjen ")
    assert rows[1]["Siste problem"] == "feil hos tjenesten (HTTP 503)"
    assert rows[3] == {"Kanal": "Slack (kanal 1)", "Varsel": f"Nytt avvik meldt: nr. {first}",
                      "Laget": "24. nov. 2026 kl. 12.00", "Forsøk": str(outbox.MAX_ATTEMPTS),
                      "Siste problem": "feil hos tjenesten (HTTP 503)", "Status": "gitt opp"}

    at_en = dashboard("overview", "en", ("adviser",))
    [table] = [shown.value.reset_index().map(lambda said: said.replace("\u00a0", " ")) for shown in at_en.table]
    assert table.iloc[3].to_dict() == {
        "Channel": "Slack (channel 1)", "Alert": f"New breach logged: no. {first}",
        "Queued": "2026-11-24 12:00", "Tries": str(outbox.MAX_ATTEMPTS),
        "Last problem": "an error at the service (HTTP 503)", "Status": "given up"}
    shown = page_text(at_nb) + page_text(at_en) + rows_csv + table.to_csv()
    assert "http://localhost" not in shown and "127.0.0.1" not in shown  # a webhook's URL is a secret
    assert MARKER not in page_text(at_nb)  # the admin reads no title


@pytest.mark.parametrize(("problem", "nb"), [
    ("timeout", "tjenesten svarte ikke i tide"),
    ("ConnectError", "fikk ikke kontakt med tjenesten"),
    ("HTTP 429", "tjenesten ba oss vente (HTTP 429)"),
    ("HTTP 404", "tjenesten avviste meldingen (HTTP 404): sjekk adressen i konfigurasjonen"),
    ("smtp", "e-postserveren tok ikke imot e-posten"),
    ("removed", "kanalen er tatt ut av konfigurasjonen"),
    ("ReadError", "sending feilet (ReadError)"),
])
def test_each_problem_is_said_in_plain_words(problem, nb):
    assert messages.problem_words(problem, "nb") == nb


def test_the_readme_shows_a_receiver_how_to_verify_what_the_code_signs(monkeypatch):
    """The README's verification, run as written against a request Vern signs."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [snippet] = re.findall(r"By hand, in Python:\n\n  ```python\n(.*?)  ```", readme, re.S)
    monkeypatch.setenv("VERN_TEST_WEBHOOK_SECRET", SECRET)
    raw_body, headers = request(Channel("webhook", "https://receiver.invalid", "VERN_TEST_WEBHOOK_SECRET"),
                                Alert("test", "Test", [], "", {}), clock.now())
    for body, expected in ((raw_body, True), (raw_body.replace(b"Test", b"Tast"), False)):
        seen = {"base64": base64, "hashlib": hashlib, "hmac": hmac, "time": time, "secret": SECRET,
                "headers": headers, "raw_body": body}
        monkeypatch.setattr(time, "time", lambda: clock.now().timestamp())  # the receiver's clock
        exec(textwrap.dedent(snippet), seen)  # noqa: S102 (our own README)
        assert seen["ok"] is expected


def test_with_chat_only_vern_serve_runs_the_reminder_and_digest_jobs(vern, httpserver):
    disabled = "".join(f"[checks.{check}]\nenabled = false\n" for check in vern.checks)
    vern.config = config_with(vern, channels_toml(httpserver, "slack") + disabled)  # no [mail]
    started = scheduler.start(vern)
    try:
        jobs = {job.id for job in started.get_jobs()}
        assert {scheduler.ALERTS_JOB, scheduler.REMINDER_JOB, scheduler.REQUEST_REMINDER_JOB,
                scheduler.DIGEST_JOB} <= jobs
    finally:
        started.shutdown()
        vern.scheduler = None


def test_vern_checks_run_alerts_the_advisers_of_a_failed_run_at_once(vern, db_path, smtp):
    vern.config = config_with(vern, channels_toml(None, mail_port=smtp.port))  # mail only
    folder = vern.config.inbox / "training"
    folder.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[1] / "training" / "fixtures" / "bad" / "bad-date.csv", folder)
    vern.close()
    done = vern_process.run([VERN, "checks", "run", "training"], capture_output=True, text=True)
    assert done.returncode == 1 and "bad-date.csv" in done.stdout  # the person running it reads why
    [mail] = smtp.messages()
    assert mail["Subject"] == "Vern: Kontrollen Personvernopplæring feilet"
    assert "Årsak: kontrollen fikk ikke det den trenger" in mail.get_content()
    assert "bad-date" not in mail.get_content()  # a file's name, a line, a value: not in an alert
