"""Reminder mails 7 and 1 days before a data-subject request's due date, on the due day and
the day after (GDPR Art. 12(3)), through a real SMTP server on loopback (aiosmtpd) and a real
DuckDB file, each sent exactly once per due date across runs and restarts.

The reference request, received Thursday 2026-10-15, is due Monday 2026-11-16 and, once
extended, Friday 2027-01-15. Oslo is on winter time (UTC+01:00) in November and January,
so an Oslo day begins at 23:00 UTC the day before.
"""

import json
import os
import time
from datetime import date, timedelta

import pytest
import vern_process

from audits import scheduler
from audits.alerts import outbox
from audits.core import clock, trail
from audits.core.config import load
from audits.core.errors import VernError
from audits.runtime import open_vern
from audits.subject_requests import register as subject_requests
from audits.subject_requests import reminders as request_reminders
from audits.subject_requests.reminders import Sent
from conftest import FIXED_NOW, VERN, free_port

MARKER = "MARKER-Ola-Nordmann-98765432109"  # in every free text a request can hold
RECEIVED = "2026-10-15T10:00:00+02:00"
DUE = date(2026, 11, 16)  # a Monday
EXTENDED_DUE = date(2027, 1, 15)  # a Friday


def mail_toml(port, extra=""):
    return (f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
            'sender = "vern@vern.example"\nadvisers = ["personvern@vern.example", "dpo@vern.example"]\n'
            '[breaches]\ndashboard_url = "https://vern.example/"\n' + extra)


def configure(vern, port, extra=""):
    path = vern.store.path.parent / "vern.toml"
    path.write_text(mail_toml(port, extra), encoding="utf-8")
    vern.config = load(path, vern.store.path, vern.checks)
    return path


def at(monkeypatch, instant):
    monkeypatch.setenv("VERN_NOW", instant if isinstance(instant, str) else clock.iso_utc(instant))


def oslo_midnight(day: date) -> str:
    """The instant Oslo's `day` begins, in winter time."""
    return f"{(day - timedelta(days=1)).isoformat()}T23:00:00Z"


def add(vern, monkeypatch, received=RECEIVED, kind="access", logged=None):
    """Log a request as the adviser would have on the day (received_at may not lie in the future)."""
    at(monkeypatch, logged or received)
    return subject_requests.add(vern.store, "test", {
        "received_at": received, "kind": kind, "channel": f"e-post {MARKER}",
        "requester": f"{MARKER} Storgata 1", "email": "ola.marker@example.org"})


def recorded(vern, request_id):
    return sorted((r["due_on"], r["days"]) for r in vern.store.rows(
        "SELECT due_on, days FROM request_reminders WHERE request_id = ?", [request_id]))


def send(vern):
    return request_reminders.send_due(vern.store, vern.config)


# -- when --------------------------------------------------------------------------------
def test_due_is_the_latest_threshold_reached_on_oslo_days():
    assert request_reminders.due(DUE, date(2026, 11, 8)) is None
    assert request_reminders.due(DUE, date(2026, 11, 9)) == 7
    assert request_reminders.due(DUE, date(2026, 11, 14)) == 7
    assert request_reminders.due(DUE, date(2026, 11, 15)) == 1
    assert request_reminders.due(DUE, date(2026, 11, 16)) == 0
    assert request_reminders.due(DUE, date(2026, 11, 17)) == -1
    assert request_reminders.due(DUE, date(2027, 3, 1)) == -1


def test_each_threshold_fires_at_oslo_midnight_of_its_day_and_not_a_minute_before(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    number = add(vern, monkeypatch)
    assert send(vern) == []
    for days in (7, 1, 0, -1):
        day = DUE - timedelta(days=days)
        midnight = oslo_midnight(day)  # e.g. 2026-11-08T23:00Z is 2026-11-09 00:00 in Oslo
        at(monkeypatch, midnight.replace("23:00:00", "22:59:00"))  # 23:59 the day before, in Oslo
        assert send(vern) == [], days
        at(monkeypatch, midnight)
        assert send(vern) == [Sent(number, DUE, days)]
        assert send(vern) == []  # again: nothing
    assert recorded(vern, number) == [(DUE, -1), (DUE, 0), (DUE, 1), (DUE, 7)]
    assert smtp.subjects() == [
        f"Vern: henvendelse nr. {number} – svarfrist om 7 dager / request no. {number} – due in 7 days",
        f"Vern: henvendelse nr. {number} – svarfrist i morgen / request no. {number} – due tomorrow",
        f"Vern: henvendelse nr. {number} – svarfrist i dag / request no. {number} – due today",
        f"Vern: henvendelse nr. {number} – svarfristen er oversittet / request no. {number} – overdue",
    ]
    assert all(m["to"] == ["personvern@vern.example", "dpo@vern.example"] for m in smtp.received)
    assert all(m["from"] == "vern@vern.example" for m in smtp.received)
    # Each one is in the audit trail, by the scheduler, with its threshold; the chain holds.
    entries = trail.listing(vern.store, action="request.reminder")
    assert sorted((e["actor"], e["object"], e["details"]["days"]) for e in entries) == [
        ("scheduler", str(number), d) for d in (-1, 0, 1, 7)]
    assert trail.verify(vern.store)[1] is None


def test_sent_once_across_runs_and_across_a_restart(vern, smtp, monkeypatch):
    config_path = configure(vern, smtp.port)
    number = add(vern, monkeypatch)
    at(monkeypatch, "2026-11-11T09:00:00+01:00")  # five days left: the 7-day mail
    assert send(vern) == [Sent(number, DUE, 7)]
    for _ in range(3):
        assert send(vern) == []
    database = vern.store.path
    vern.close()
    reopened = open_vern(str(database), str(config_path))
    try:
        assert send(reopened) == []
        at(monkeypatch, "2026-11-15T07:00:00+01:00")
        assert send(reopened) == [Sent(number, DUE, 1)]
        reopened.close()
        reopened = open_vern(str(database), str(config_path))
        assert send(reopened) == []
        assert len(smtp.received) == 2
    finally:
        reopened.close()


def test_a_request_logged_with_one_day_left_gets_only_the_one_day_mail(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    # Received Sunday 25 October, logged late: due Wednesday 25 November, tomorrow.
    number = add(vern, monkeypatch, received="2026-10-25T10:00:00+01:00", logged=FIXED_NOW)
    assert send(vern) == [Sent(number, date(2026, 11, 25), 1)]
    assert recorded(vern, number) == [(date(2026, 11, 25), 1), (date(2026, 11, 25), 7)]
    assert len(smtp.received) == 1 and "svarfrist i morgen" in smtp.subjects()[0]
    assert send(vern) == []
    at(monkeypatch, oslo_midnight(date(2026, 11, 25)))
    assert send(vern) == [Sent(number, date(2026, 11, 25), 0)]
    # Logged after its due date had passed already: one mail, the overdue one.
    overdue = add(vern, monkeypatch, received=RECEIVED, logged=FIXED_NOW)
    assert send(vern) == [Sent(overdue, DUE, -1)]
    assert recorded(vern, overdue) == [(DUE, -1), (DUE, 0), (DUE, 1), (DUE, 7)]
    assert len(smtp.received) == 3


def test_an_extension_starts_the_thresholds_anew(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    number = add(vern, monkeypatch)
    at(monkeypatch, "2026-11-09T08:00:00+01:00")
    assert send(vern) == [Sent(number, DUE, 7)]
    at(monkeypatch, "2026-11-10T08:00:00+01:00")
    subject_requests.extend(vern.store, "test", number, f"Mange systemer å søke i {MARKER}", date(2026, 11, 10))
    assert send(vern) == []
    for day in ("2026-11-15", "2026-11-16", "2026-11-17", "2027-01-07"):  # the old due date no longer counts
        at(monkeypatch, f"{day}T12:00:00+01:00")
        assert send(vern) == [], day
    at(monkeypatch, oslo_midnight(date(2027, 1, 8)))
    assert send(vern) == [Sent(number, EXTENDED_DUE, 7)]
    assert recorded(vern, number) == [(DUE, 7), (EXTENDED_DUE, 7)]
    body = smtp.messages()[-1].get_content()
    assert "Svarfrist: fredag 2027-01-15" in body and "Due: Friday 2027-01-15" in body
    assert "Forlenget: ja (den opprinnelige fristen var 2026-11-16)" in body
    assert "Extended: yes (it was due 2026-11-16)" in body
    assert "cannot be extended again" in body and "forleng den med to måneder" not in body
    assert MARKER not in body


def test_answered_and_refused_requests_get_nothing(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    received, in_progress, answered, refused = (add(vern, monkeypatch) for _ in range(4))
    at(monkeypatch, "2026-11-05T12:00:00+01:00")
    subject_requests.verify(vern.store, "test", in_progress, "BankID")
    subject_requests.answer(vern.store, "test", answered, clock.now())
    subject_requests.refuse(vern.store, "test", refused, "Åpenbart grunnløs (art. 12 nr. 5)")
    for day in ("2026-11-09", "2026-11-15", "2026-11-16", "2026-11-17"):
        at(monkeypatch, f"{day}T12:00:00+01:00")
        assert sorted(sent.request_id for sent in send(vern)) == [received, in_progress]
    assert recorded(vern, answered) == recorded(vern, refused) == []
    assert len(smtp.received) == 8


def test_a_refused_send_is_tried_again_by_the_outbox_never_queued_twice(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    number = add(vern, monkeypatch)
    at(monkeypatch, "2026-11-16T08:00:00+01:00")
    smtp.refuse = True
    assert send(vern) == [Sent(number, DUE, 0)]
    assert recorded(vern, number) == [(DUE, 0), (DUE, 1), (DUE, 7)]
    [failing] = outbox.failures(vern.store, clock.now() - timedelta(hours=1))
    assert (failing["event"], failing["channel"], failing["problem"]) == ("request_reminder", "mail", "smtp")
    assert send(vern) == []
    request_reminders.scheduled(vern)  # the scheduler's job: nothing queued twice
    smtp.refuse = False
    assert outbox.deliver(vern.store, vern.config, clock.now() + timedelta(minutes=1))["sent"] == 1
    assert smtp.subjects() == [f"Vern: henvendelse nr. {number} – svarfrist i dag / request no. {number} – due today"]
    assert outbox.failures(vern.store, clock.now() - timedelta(hours=1)) == []


def test_a_server_that_is_down_leaves_the_reminder_queued(vern, monkeypatch):
    port = free_port()  # nothing listens here
    configure(vern, port)
    number = add(vern, monkeypatch)
    at(monkeypatch, "2026-11-16T08:00:00+01:00")
    assert send(vern) == [Sent(number, DUE, 0)]
    assert [(a["status"], a["problem"]) for a in vern.store.rows("SELECT status, problem FROM alerts")] == [
        ("pending", "smtp")]


def test_without_mail_nothing_is_sent(vern, smtp, monkeypatch):
    number = add(vern, monkeypatch)
    at(monkeypatch, "2026-11-16T08:00:00+01:00")
    assert send(vern) == []  # the defaults: no mail host
    assert recorded(vern, number) == [] and smtp.received == []
    with pytest.raises(VernError, match="mail is not configured"):
        request_reminders.require_mail(vern.config)


# -- what ----------------------------------------------------------------------------------
def test_the_mail_names_no_requester_or_free_text(vern, smtp, monkeypatch):
    configure(vern, smtp.port)
    number = add(vern, monkeypatch)
    at(monkeypatch, "2026-10-20T12:00:00+02:00")
    subject_requests.verify(vern.store, "test", number, f"BankID {MARKER}")
    erasure = add(vern, monkeypatch, kind="erasure", logged="2026-10-20T12:00:00+02:00")
    subject_requests.refuse(vern.store, "test", add(vern, monkeypatch, logged="2026-10-20T12:00:00+02:00"),
                    f"Grunnløs {MARKER}")
    for day in ("2026-11-09", "2026-11-15", "2026-11-16", "2026-11-17"):
        at(monkeypatch, f"{day}T12:00:00+01:00")
        send(vern)
    assert len(smtp.received) == 8
    for raw in (m["raw"] for m in smtp.received):
        assert b"MARKER" not in raw and b"Storgata" not in raw and b"example.org" not in raw
        assert b"e-post" not in raw and b"BankID" not in raw
    body = smtp.messages()[0].get_content()
    assert body.splitlines()[:7] == [
        f"Henvendelse nr. {number}, innsyn (art. 15), er ennå ikke besvart.",
        "Mottatt: 2026-10-15",
        "Svarfrist: mandag 2026-11-16",
        "Dager igjen: 7",
        "Forlenget: nei",
        "Svar innen fristen, eller forleng den med to måneder: registrer begrunnelsen og si fra til "
        "personen innen den første måneden (personvernforordningen art. 12 nr. 3).",
        "Henvendelsen i Vern: https://vern.example/requests",
    ]
    assert "Request no. 1, access (Art. 15), has not been answered yet." in body
    assert "Due: Monday 2026-11-16" in body and "Days left: 7" in body and "Extended: no" in body
    assert "tell the person within the first month (GDPR Art. 12(3))" in body
    assert "The request in Vern: https://vern.example/requests" in body
    erasure_body = smtp.messages()[1].get_content()
    assert f"nr. {erasure}, sletting (art. 17)," in erasure_body and "erasure (Art. 17)" in erasure_body
    overdue = smtp.messages()[-1].get_content()
    assert "svarfristen gikk ut for 1 dag siden" in overdue and "passed 1 day ago" in overdue
    assert "Answer now, and say why it took longer" in overdue and "extend it" not in overdue
    assert all(m.get_content_type() == "text/plain" for m in smtp.messages())


def test_without_a_dashboard_url_the_mail_has_no_link(vern, smtp, monkeypatch):
    path = vern.store.path.parent / "vern.toml"
    path.write_text(mail_toml(smtp.port).replace('"https://vern.example/"', '""'), encoding="utf-8")
    vern.config = load(path, vern.store.path, vern.checks)
    add(vern, monkeypatch)
    at(monkeypatch, "2026-11-16T08:00:00+01:00")
    send(vern)
    body = smtp.messages()[0].get_content()
    assert "Se henvendelsen i Vern." in body and "See the request in Vern." in body
    assert "http" not in body


# -- the scheduler, the configuration, the command line ------------------------------------
def test_the_scheduler_registers_the_job_when_mail_is_configured_and_runs_it_at_start(vern, smtp, monkeypatch):
    configure(vern, smtp.port, '[requests]\nreminder_schedule = "30 6 * * 1-5"\n')
    number = add(vern, monkeypatch, received="2026-10-24T10:00:00+02:00", logged=FIXED_NOW)  # due today
    started = scheduler.start(vern)
    try:
        job = started.get_job("request-reminders")
        assert job.func is request_reminders.scheduled and job.args == (vern,)
        assert job.misfire_grace_time == 3600 and job.max_instances == 1 and job.coalesce is True
        assert str(job.trigger.timezone) == "Europe/Oslo"
        after = clock.parse_instant("2026-11-27T12:00+01:00")  # a Friday: next is Monday 06:30 Oslo
        assert job.trigger.get_next_fire_time(None, after).isoformat() == "2026-11-30T06:30:00+01:00"
        deadline = time.monotonic() + 30
        while not recorded(vern, number) and time.monotonic() < deadline:
            time.sleep(0.1)  # next_run_time is now: it runs at start
        assert recorded(vern, number)[0] == (date(2026, 11, 24), 0)
        while not smtp.received and time.monotonic() < deadline:
            time.sleep(0.1)  # recorded and queued first, then sent
        assert len(smtp.received) == 1
    finally:
        started.shutdown()
        vern.scheduler = None


def test_by_default_the_job_runs_daily_at_seven_and_without_mail_there_is_none(vern, smtp):
    configure(vern, smtp.port)
    started = scheduler.start(vern)
    try:
        fire = started.get_job("request-reminders").trigger.get_next_fire_time(
            None, clock.parse_instant(FIXED_NOW))
        assert fire.isoformat() == "2026-11-25T07:00:00+01:00"
    finally:
        started.shutdown()
        vern.scheduler = None
    vern.config = load(None, vern.store.path, vern.checks)
    started = scheduler.start(vern)
    try:
        assert started.get_job("request-reminders") is None
    finally:
        started.shutdown()
        vern.scheduler = None


@pytest.mark.parametrize("schedule", ["every morning", "0 25 * * *", "0 7 * * 8", ""])
def test_a_bad_reminder_schedule_is_refused_naming_the_file_and_key(tmp_path, schedule):
    path = tmp_path / "vern.toml"
    path.write_text(f'[requests]\nreminder_schedule = "{schedule}"\n', encoding="utf-8")
    with pytest.raises(VernError) as refused:
        load(path, tmp_path / "vern.duckdb", {})
    message = str(refused.value)
    assert message.startswith(f"configuration key requests.reminder_schedule: {schedule!r} is not a crontab line")
    assert str(path) in message


def cli(db, config, *args):
    return vern_process.run([VERN, "--db", str(db), "--config", str(config), *args], capture_output=True,
                          text=True, timeout=120, env=os.environ.copy())


def test_vern_dsr_remind_sends_now_and_prints_what_was_sent(db, smtp, monkeypatch):
    config = db.parent / "vern.toml"
    config.write_text("", encoding="utf-8")
    request = db.parent / "request.json"
    for received in (RECEIVED, "2026-10-25T10:00:00+01:00"):
        request.write_text(json.dumps({"received_at": received, "kind": "access", "channel": "e-post",
                                       "requester": MARKER}), encoding="utf-8")
        assert cli(db, config, "dsr", "add", "--file", str(request)).returncode == 0
    # Without mail settings: a clear message, exit 1, nothing recorded.
    result = cli(db, config, "dsr", "remind")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("vern: e-post er ikke satt opp: oppgi mail.host og mail.advisers") \
        and "Traceback" not in result.stderr
    config.write_text(mail_toml(smtp.port), encoding="utf-8")
    result = cli(db, config, "dsr", "remind")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["request 1: overdue reminder sent (due 2026-11-16)",
                                          "request 2: 1-day reminder sent (due 2026-11-25)"]
    assert len(smtp.received) == 2
    result = cli(db, config, "dsr", "remind")
    assert (result.returncode, result.stdout) == (0, "no reminders due\n")
    monkeypatch.setenv("VERN_NOW", "2026-11-25T08:00:00+01:00")
    result = cli(db, config, "dsr", "remind", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"request_id": 2, "due_on": "2026-11-25", "days": 0}]
    assert json.loads(cli(db, config, "dsr", "remind", "--json").stdout) == []
    entries = json.loads(cli(db, config, "trail", "list", "--json", "--action", "request.reminder").stdout)
    assert sorted((e["actor"], e["object"], e["details"]["days"]) for e in entries) == [
        ("cli:tester", "1", -1), ("cli:tester", "2", 0), ("cli:tester", "2", 1)]
    assert len(smtp.received) == 3
