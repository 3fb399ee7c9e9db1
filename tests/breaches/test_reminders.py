"""Reminder mails at 48, 24, 6 and 0 hours before a breach's deadline, through a real SMTP
server on loopback (aiosmtpd), each sent exactly once across runs and restarts."""

import email
import email.policy
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from audits import scheduler
from audits.alerts import outbox
from audits.breaches import register as breaches
from audits.breaches import reminders
from audits.core import clock, trail
from audits.core.config import load
from audits.core.errors import VernError
from audits.runtime import open_vern
from conftest import Inbox, free_port

MARKER = "MARKER-Kari-Nordmann-12345678901"
NOW = clock.parse_instant("2026-11-24T12:00+01:00")  # conftest's frozen clock
DEADLINE = NOW + timedelta(hours=72)  # for a breach noticed at NOW


def configure(vern, port, extra="", advisers='["personvern@vern.example", "dpo@vern.example"]'):
    path = vern.store.path.parent / "vern.toml"
    path.write_text(
        f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f'sender = "vern@vern.example"\nadvisers = {advisers}\n{extra}'
        '[breaches]\ndashboard_url = "https://vern.example/avvik"\nreminder_minutes = 7\n',
        encoding="utf-8")
    vern.config = load(path, vern.store.path, vern.checks)
    return path


def at(monkeypatch, instant):
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(instant))


def add(vern, aware_at=NOW, **extra):
    return breaches.add(vern.store, vern.config, "test", {
        "title": f"Medlemsliste sendt feil {MARKER}", "description": f"Sendt til {MARKER}@example.com",
        "aware_at": aware_at.isoformat(), **extra})


def reminder_mails(inbox) -> list[dict]:
    """What the reminders mailed: the breach's own alert, mailed by the outbox with them, left out."""
    return [m for m, parsed in zip(inbox.received, inbox.messages(), strict=True)
            if "Nytt avvik meldt" not in parsed["Subject"]]


def parsed(mails: list[dict]) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(m["raw"], policy=email.policy.default) for m in mails]


def recorded(vern, breach_id):
    return sorted(r["hours"] for r in vern.store.rows(
        "SELECT hours FROM breach_reminders WHERE breach_id = ?", [breach_id]))


def test_each_threshold_fires_at_its_edge_and_not_a_second_before(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    number = add(vern)
    assert reminders.send_due(vern.store, vern.config) == []
    for hours in (48, 24, 6, 0):
        edge = DEADLINE - timedelta(hours=hours)
        at(monkeypatch, edge - timedelta(seconds=1))
        assert reminders.send_due(vern.store, vern.config) == [], hours
        at(monkeypatch, edge)
        assert reminders.send_due(vern.store, vern.config) == [(number, hours)]
        assert reminders.send_due(vern.store, vern.config) == []  # again: nothing
    assert recorded(vern, number) == [0, 6, 24, 48]
    assert len(reminder_mails(smtp)) == 4
    subjects = [m["Subject"] for m in parsed(reminder_mails(smtp))]
    assert "48 timer til fristen" in subjects[0] and "48 hours to the deadline" in subjects[0]
    assert "6 timer" in subjects[2] and "fristen er nådd" in subjects[3]
    assert all(m["to"] == ["personvern@vern.example", "dpo@vern.example"] for m in reminder_mails(smtp))
    assert all(m["from"] == "vern@vern.example" for m in reminder_mails(smtp))
    # Each one is in the audit trail, by the scheduler, with its threshold.
    entries = trail.listing(vern.store, action="breach.reminder")
    assert sorted((e["actor"], e["object"], e["details"]["hours"]) for e in entries) == [
        ("scheduler", str(number), h) for h in (0, 6, 24, 48)]
    assert trail.verify(vern.store)[1] is None
    kinds = [e["kind"] for e in breaches.get(vern.store, None, number)["timeline"]]
    assert kinds.count("reminded") == 4


def test_due_is_the_latest_threshold_reached_and_none_without_a_running_clock():
    record = {"clock_running": True, "deadline_at": clock.iso_utc(DEADLINE)}
    assert reminders.due(record, DEADLINE - timedelta(hours=48, seconds=1)) is None
    assert reminders.due(record, DEADLINE - timedelta(hours=48)) == 48
    assert reminders.due(record, DEADLINE - timedelta(hours=7)) == 24
    assert reminders.due(record, DEADLINE - timedelta(hours=5)) == 6
    assert reminders.due(record, DEADLINE + timedelta(days=3)) == 0
    assert reminders.due({**record, "clock_running": False}, DEADLINE) is None


def test_sent_once_across_runs_and_across_a_restart(vern, smtp, monkeypatch):
    config_path = configure(vern, smtp.port)
    number = add(vern)
    at(monkeypatch, DEADLINE - timedelta(hours=30))
    assert reminders.send_due(vern.store, vern.config) == [(number, 48)]
    for _ in range(3):
        assert reminders.send_due(vern.store, vern.config) == []
    database = vern.store.path
    vern.close()
    reopened = open_vern(str(database), str(config_path))
    try:
        assert reopened.config.mail["advisers"]  # the same configuration, read anew
        assert reminders.send_due(reopened.store, reopened.config) == []
        assert len(reminder_mails(smtp)) == 1
        at(monkeypatch, DEADLINE - timedelta(hours=24))
        assert reminders.send_due(reopened.store, reopened.config) == [(number, 24)]
        reopened.close()
        reopened = open_vern(str(database), str(config_path))
        assert reminders.send_due(reopened.store, reopened.config) == []
        assert len(reminder_mails(smtp)) == 2
    finally:
        reopened.close()


def test_a_breach_logged_late_gets_only_the_latest_threshold(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    number = add(vern, aware_at=NOW - timedelta(hours=67))  # 5 hours left
    assert reminders.send_due(vern.store, vern.config) == [(number, 6)]
    assert len(reminder_mails(smtp)) == 1
    assert recorded(vern, number) == [6, 24, 48]
    assert reminders.send_due(vern.store, vern.config) == []
    at(monkeypatch, NOW + timedelta(hours=5))
    assert reminders.send_due(vern.store, vern.config) == [(number, 0)]
    # Noticed after its deadline had passed already: one mail, the deadline one.
    overdue = add(vern, aware_at=NOW - timedelta(hours=100))
    assert reminders.send_due(vern.store, vern.config) == [(overdue, 0)]
    assert recorded(vern, overdue) == [0, 6, 24, 48]
    assert len(reminder_mails(smtp)) == 3


def test_notified_or_decided_not_to_notify_gets_no_more_reminders(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    notified, undecided, declined, closed = (add(vern) for _ in range(4))
    at(monkeypatch, DEADLINE - timedelta(hours=48))
    assert sorted(reminders.send_due(vern.store, vern.config)) == [
        (notified, 48), (undecided, 48), (declined, 48), (closed, 48)]
    low = {"dpc": 1, "ei": 0.25, "cb": {"confidentiality": 0, "integrity": 0, "availability": 0,
                                        "malicious": False}, "data_unintelligible": False}
    breaches.notify(vern.store, "test", notified, "authority", clock.now(), "DT-2026-1")
    for number in (declined, closed):
        assessed = breaches.assess(vern.store, "test", number, low)
        assert assessed["proposed"]["notify_authority"] is False
        breaches.decide(vern.store, "test", number, False, False)
    breaches.close(vern.store, "test", closed, "Rutine for utsending endret.")
    at(monkeypatch, DEADLINE + timedelta(hours=1))
    assert reminders.send_due(vern.store, vern.config) == [(undecided, 0)]
    assert len(reminder_mails(smtp)) == 5


def test_the_mail_names_no_title_or_description_and_the_deadline_in_oslo_time(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    # Noticed before the end of summer time; the deadline falls after it (CET, UTC+01:00).
    aware = clock.parse_instant("2026-10-23T12:00+02:00")
    at(monkeypatch, aware + timedelta(hours=30))
    number = add(vern, aware_at=aware)
    assert reminders.send_due(vern.store, vern.config) == [(number, 48)]
    raw = reminder_mails(smtp)[0]["raw"]
    assert MARKER.encode() not in raw and b"Medlemsliste" not in raw and b"Sendt til" not in raw
    message = parsed(reminder_mails(smtp))[0]
    body = message.get_content()
    assert MARKER not in body and MARKER not in message["Subject"]
    assert f"nr. {number}" in body and f"no. {number}" in body
    assert "2026-10-26 11:00 (UTC+01:00)" in body  # 72 h of elapsed time: 11:00, not 12:00
    assert "Tid igjen: 42 t 0 min" in body and "Time left: 42 h 0 min" in body
    assert "Datatilsynet" in body
    assert "https://vern.example/avvik" in body
    assert message.get_content_type() == "text/plain"


def test_a_processor_breach_names_the_controller_to_notify(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    number = add(vern, acting_as="processor", controller_name="Vern Bergen lokallag")
    # processor_notice_hours = 24 by default: the 48- and 24-hour thresholds are reached at once.
    assert reminders.send_due(vern.store, vern.config) == [(number, 24)]
    body = parsed(reminder_mails(smtp))[0].get_content()
    assert "Vern Bergen lokallag" in body and "Datatilsynet" not in body
    assert "2026-11-25 12:00 (UTC+01:00)" in body


def reminder_alerts(vern):
    return vern.store.rows("SELECT channel, status, attempts, problem FROM alerts "
                           "WHERE event = 'breach_reminder' ORDER BY id")


def test_a_server_that_is_down_gets_the_reminder_when_it_is_back(vern, monkeypatch):
    """Queued once, with its threshold recorded; shown as failing while the server is down;
    tried again after the outbox's backoff. Never queued twice, never lost."""
    port = free_port()  # nothing listens here yet
    configure(vern, port)
    number = add(vern, aware_at=NOW - timedelta(hours=50))
    assert reminders.send_due(vern.store, vern.config) == [(number, 24)]
    assert recorded(vern, number) == [24, 48]
    failing = outbox.failures(vern.store, NOW - timedelta(hours=1))  # the overview's list, newest first
    assert [(f["event"], f["channel"], f["status"], f["problem"]) for f in failing] == [
        ("breach_reminder", "mail", "pending", "smtp"), ("breach_logged", "mail", "pending", "smtp")]
    assert reminders.send_due(vern.store, vern.config) == []
    reminders.scheduled(vern)  # the scheduler's job: nothing queued twice
    assert len(reminder_alerts(vern)) == 1

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert outbox.deliver(vern.store, vern.config, NOW + timedelta(seconds=30))["sent"] == 0  # not yet
        assert outbox.deliver(vern.store, vern.config, NOW + timedelta(minutes=1))["sent"] == 2  # and the alert
        assert [m["Subject"] for m in parsed(reminder_mails(inbox))] == [f"Vern: avvik nr. {number} – 24 timer til fristen / "
                                    f"breach no. {number} – 24 hours to the deadline"]
        # A server that answers but refuses the mail: tried again, not lost.
        inbox.refuse = True
        later = add(vern, aware_at=NOW - timedelta(hours=50))
        assert reminders.send_due(vern.store, vern.config) == [(later, 24)]
        assert [a["status"] for a in reminder_alerts(vern)] == ["sent", "pending"]
        inbox.refuse = False
        assert outbox.deliver(vern.store, vern.config, NOW + timedelta(minutes=1))["sent"] == 2
        assert len(reminder_mails(inbox)) == 2
    finally:
        controller.stop()


def test_no_advisers_or_no_host_sends_nothing(vern, smtp):
    number = add(vern, aware_at=NOW - timedelta(hours=50))
    assert reminders.send_due(vern.store, vern.config) == []  # the defaults: no mail host
    configure(vern, smtp.port, advisers="[]")
    assert reminders.send_due(vern.store, vern.config) == []
    assert smtp.received == [] and recorded(vern, number) == []


def test_login_uses_the_password_from_the_environment(vern, monkeypatch):
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-from-env", handled=False)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        configure(vern, controller.port, extra='username = "vern-mailer"\n')
        number = add(vern, aware_at=NOW - timedelta(hours=50))
        monkeypatch.delenv("VERN_SMTP_PASSWORD", raising=False)
        assert reminders.send_due(vern.store, vern.config) == [(number, 24)]
        assert seen == [] and reminder_alerts(vern)[0]["problem"] == "smtp"
        monkeypatch.setenv("VERN_SMTP_PASSWORD", "wrong")
        assert outbox.deliver(vern.store, vern.config, NOW + timedelta(minutes=1))["retrying"] == 2  # and the alert
        assert seen[-1] == (b"vern-mailer", b"wrong") and reminder_mails(inbox) == []
        monkeypatch.setenv("VERN_SMTP_PASSWORD", "s3cret-from-env")
        assert outbox.deliver(vern.store, vern.config, NOW + timedelta(minutes=3))["sent"] == 2
        assert seen[-1] == (b"vern-mailer", b"s3cret-from-env")
        assert len(reminder_mails(inbox)) == 1
    finally:
        controller.stop()


def test_clear_text_only_to_loopback_and_tls_failure_names_the_host(vern, smtp):
    from audits.io import mail

    settings = {**vern.config.mail, "host": "mail.vern.example", "port": 25, "security": "none",
                "sender": "vern@vern.example"}
    with pytest.raises(VernError, match="mail.vern.example.*loopback"):
        mail.send(settings, ["a@vern.example"], "s", "b")
    # TLS from the first byte against a server that speaks plain SMTP.
    settings = {**settings, "host": "127.0.0.1", "port": smtp.port, "security": "ssl"}
    with pytest.raises(VernError, match=f"127.0.0.1:{smtp.port}"):
        mail.send(settings, ["a@vern.example"], "s", "b")
    assert smtp.received == []


def test_the_scheduler_runs_the_reminder_job_at_the_configured_interval(vern, smtp):
    configure(vern, smtp.port)
    number = add(vern, aware_at=NOW - timedelta(hours=50))
    started = scheduler.start(vern)
    try:
        job = started.get_job("breach-reminders")
        assert job is not None
        assert job.trigger.interval == timedelta(minutes=7)
        assert job.misfire_grace_time == 3600 and job.max_instances == 1
        deadline = time.monotonic() + 30
        while not recorded(vern, number) and time.monotonic() < deadline:
            time.sleep(0.1)  # next_run_time is now: it runs at start
        assert recorded(vern, number) == [24, 48]
        # One reminder mail for both thresholds; the alert of the new breach goes on its own.
        deadline = time.monotonic() + 30
        while len(smtp.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        reminders_sent = [s for s in smtp.subjects() if "til fristen" in s]
        assert len(smtp.received) == 2 and len(reminders_sent) == 1, smtp.subjects()
    finally:
        started.shutdown()
        vern.scheduler = None
