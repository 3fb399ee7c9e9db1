"""Data-subject requests (GDPR Art. 12(3), 12(6)) through `vern dsr`, and the check `requests`.

Every test drives the command line in a process of its own against a real DuckDB file. Today is
2026-11-24 (a Tuesday, winter time in Oslo, UTC+01:00) unless a test sets VERN_NOW for one
call to stand on either side of an edge. The reference request, received Thursday
2026-10-15, is due Monday 2026-11-16 (15 November is a Sunday) and, once extended, Friday
2027-01-15.

Beyond the clock: the person behind a request (their email, kept as a pseudonym), the
withdrawal an opt-out or objection writes for the check `consent`, the systems searched,
and an erasure's per-system tasks (Art. 7(3), 17, 21(3)). Verifying at a given instant has
no command-line option: that one test calls audits.requests itself.
"""

import json
import os
import subprocess
from datetime import UTC, date, datetime
from itertools import count
from pathlib import Path

import duckdb
import pytest
import vern_process

from audits.core.errors import VernError
from audits.runtime import open_vern
from audits.subject_requests import register as subject_requests
from audits.subject_requests import reminders as request_reminders
from conftest import FIXED_NOW, VERN, copy_template

KARI = "kari@example.org"
OCT_15 = "2026-10-15T10:00:00+02:00"  # due 2026-11-16; extended 2027-01-15
OCT_26 = "2026-10-26T09:00:00+01:00"  # due 2026-11-26: two days left today
_files = count(1)


# -- helpers --------------------------------------------------------------------------
@pytest.fixture
def db(db, new_db_template):
    """The database the first command would create, copied (see `new_db_template`)."""
    return copy_template(new_db_template, db)


def cli(db: Path, *args: str, now: str = FIXED_NOW) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "VERN_NOW": now})


def ok(db: Path, *args: str, now: str = FIXED_NOW):
    """Run a command that must succeed; its JSON output."""
    result = cli(db, *args, now=now)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def refused(db: Path, *args: str, now: str = FIXED_NOW) -> str:
    """Run a command that must be refused: exit 1, a message, no traceback; the message."""
    result = cli(db, *args, now=now)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result.stderr


def request_file(db: Path, body) -> Path:
    path = db.parent / f"request-{next(_files)}.json"
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return path


def add(db: Path, received_at: str, kind: str = "access", now: str = FIXED_NOW, email: str | None = None) -> dict:
    body = {"received_at": received_at, "kind": kind, "channel": "e-post", "requester": KARI}
    path = request_file(db, body if email is None else {**body, "email": email})
    return ok(db, "dsr", "add", "--file", str(path), now=now)


def findings(db: Path, now: str = FIXED_NOW, check: str = "requests") -> dict[tuple[str, str], dict]:
    """Run the check (`requests` unless named); its open findings by (rule, subject), with their details."""
    result = cli(db, "checks", "run", check, now=now)
    assert result.returncode == 0, result.stderr
    rows = ok(db, "findings", "list", "--check", check, "--json", now=now)
    return {(r["rule"], r["subject"]): r["details"] for r in rows if r["status"] == "open"}


def trail_actions(db: Path) -> list[tuple[str, str]]:
    rows = ok(db, "trail", "list", "--json", "--action", "request")
    return [(r["action"], r["object"]) for r in reversed(rows)]


# -- add, list, show --------------------------------------------------------------------
def test_add_prints_the_request_with_its_due_date(db):
    assert add(db, OCT_15) == {
        "id": 1, "kind": "access", "status": "received", "channel": "e-post",
        "received_at": "2026-10-15T08:00:00Z", "due_on": "2026-11-16", "extended_due_on": None,
        "days_left": -8, "verified_at": None, "extended_at": None, "told_on": None, "answered_at": None,
        "logged_by": "cli:tester", "person": None, "systems_searched": [], "erasure_tasks": []}


def test_the_clock_counts_from_the_oslo_day_of_receipt(db):
    """23:30 UTC on 31 January is 00:30 on 1 February in Oslo: one month is 1 March (a Sunday),
    so Monday 2 March; three months is 1 May (Labour Day, a Friday), so Monday 4 May. From
    31 January it would have been 30 April."""
    added = add(db, "2026-01-31T23:30:00Z")
    assert (added["received_at"], added["due_on"]) == ("2026-01-31T23:30:00Z", "2026-03-02")
    extended = ok(db, "dsr", "extend", "1", "--reason", "Mange år med e-post å gå gjennom", "--told-on", "2026-02-10")
    assert extended["extended_due_on"] == "2026-05-04"
    assert extended["days_left"] == -204
    assert findings(db)[("dsr_overdue", "#1")]["received"] == "2026-02-01"


def test_a_request_late_in_the_evening_counts_from_the_next_oslo_day(db):
    """9 November 23:30 UTC is 10 November in Oslo: due Thursday 10 December, not 9 December."""
    added = add(db, "2026-11-09T23:30:00Z")
    assert (added["due_on"], added["days_left"]) == ("2026-12-10", 16)


def test_list_open_and_show(db):
    add(db, OCT_15, "erasure")
    add(db, OCT_26, "portability")
    ok(db, "dsr", "verify", "1", "--how", "BankID")
    ok(db, "dsr", "answer", "1", "--at", "2026-11-13T14:00:00+01:00")
    listed = ok(db, "dsr", "list", "--json")
    assert [(r["id"], r["kind"], r["status"], r["due_on"], r["days_left"]) for r in listed] == [
        (1, "erasure", "answered", "2026-11-16", None), (2, "portability", "received", "2026-11-26", 2)]
    assert [r["id"] for r in ok(db, "dsr", "list", "--json", "--open")] == [2]
    shown = ok(db, "dsr", "show", "1", "--json")
    assert shown["requester"] == KARI
    assert shown["verified_how"] == "BankID"
    assert (shown["status"], shown["answered_at"]) == ("answered", "2026-11-13T13:00:00Z")


def test_the_requester_is_shown_only_by_show(db):
    add(db, OCT_15)
    for args in (("dsr", "list", "--json"), ("dsr", "list"), ("dsr", "list", "--open"),
                 ("trail", "list", "--json")):
        result = cli(db, *args)
        assert result.returncode == 0, result.stderr
        assert KARI not in result.stdout + result.stderr, args
    assert all("requester" not in row for row in ok(db, "dsr", "list", "--json"))
    assert "requester" not in ok(db, "dsr", "verify", "1", "--how", "BankID")
    assert ok(db, "dsr", "show", "1", "--json")["requester"] == KARI


def test_the_requester_is_stored_encrypted(db):
    add(db, OCT_15)
    with duckdb.connect(str(db), read_only=True) as con:
        raw = con.execute("SELECT requester FROM requests").fetchone()[0]
    assert raw and KARI not in raw
    assert KARI.encode() not in db.read_bytes()


# -- refusals ---------------------------------------------------------------------------
GOOD = {"received_at": OCT_15, "kind": "access", "channel": "e-post", "requester": KARI}


@pytest.mark.parametrize(("body", "problem"), [
    ({**GOOD, "received_at": "2026-10-15T10:00:00"}, "field received_at: has no UTC offset"),
    ({**GOOD, "kind": "complaint"}, "field kind: not one of access, rectification"),
    ({k: v for k, v in GOOD.items() if k != "requester"}, "field requester: required"),
    ({**GOOD, "requester": "   "}, "field requester: required"),
    ({**GOOD, "received_at": "2026-11-24T12:00:01+01:00"}, "field received_at: lies in the future"),
    ({**GOOD, "e_mail": KARI}, "field e_mail: unknown"),
    ({**GOOD, "email": "kari.example"}, "field email: not an email address"),
    ({**GOOD, "kind": "marketing_opt_out"}, "field email: required for a marketing opt-out"),
    ('{"received_at": "2026-10-15T10:00:00+02:00",', "line 1, column 45: not valid JSON"),
    ([GOOD], "must be a JSON object"),
])
def test_add_refuses_a_bad_file_naming_file_and_field_and_writes_nothing(db, body, problem):
    path = request_file(db, body)
    message = refused(db, "--lang", "en", "dsr", "add", "--file", str(path))  # the English words
    assert message.startswith(f"vern: {path}: nothing was imported.")
    assert problem in message
    assert ok(db, "dsr", "list", "--json") == []
    assert trail_actions(db) == []


def test_add_accepts_a_request_received_this_very_instant(db):
    assert add(db, "2026-11-24T11:00:00Z")["days_left"] == 30  # due Thursday 24 December


@pytest.mark.parametrize(("args", "problem"), [
    (("extend", "1", "--reason", "  "), "vern: reason: en forlengelse må begrunnes (art. 12 nr. 3)"),
    (("refuse", "1", "--ground", ""), "vern: ground: et avslag må ha sitt rettslige grunnlag (art. 12 nr. 4)"),
    (("verify", "1", "--how", " "), "vern: how: si hvordan identiteten ble bekreftet"),
    (("answer", "1", "--at", "2026-11-20T10:00:00"), "mangler tidssone"),
    (("answer", "1", "--at", "2026-11-25T10:00:00+01:00"), "vern: at: ligger i fremtiden"),
])
def test_a_change_without_its_reason_is_refused_and_nothing_changes(db, args, problem):
    before = add(db, OCT_15)
    assert problem in refused(db, "dsr", *args)
    after = ok(db, "dsr", "show", "1", "--json")
    assert {k: after[k] for k in before} == before
    assert (after["extension_reason"], after["refusal_ground"], after["verified_how"]) == (None, None, None)
    assert trail_actions(db) == [("request.add", "1")]


@pytest.mark.parametrize("close", [("answer", "1", "--at", "2026-11-20T10:00:00+01:00"),
                                   ("refuse", "1", "--ground", "Art. 12(5): åpenbart grunnløs")])
@pytest.mark.parametrize("change", [("answer", "1", "--at", "2026-11-21T10:00:00+01:00"),
                                    ("extend", "1", "--reason", "Komplisert"),
                                    ("refuse", "1", "--ground", "Art. 12(5)"),
                                    ("verify", "1", "--how", "BankID")])
def test_a_closed_request_cannot_be_changed(db, close, change):
    add(db, OCT_15)
    status = ok(db, "dsr", *close)["status"]
    before = ok(db, "dsr", "show", "1", "--json")
    status = {"answered": "besvart", "refused": "avslått"}[status]
    assert f"vern: henvendelse 1 er {status}: den er ikke lenger åpen" in refused(db, "dsr", *change)
    assert ok(db, "dsr", "show", "1", "--json") == before
    assert [a for a, _ in trail_actions(db)] == ["request.add", f"request.{close[0]}"]


@pytest.mark.parametrize("args", [("show", "9", "--json"), ("answer", "9", "--at", "2026-11-20T10:00:00+01:00"),
                                  ("extend", "9", "--reason", "Komplisert"), ("refuse", "9", "--ground", "12(5)"),
                                  ("verify", "9", "--how", "BankID")])
def test_an_unknown_request_is_refused(db, args):
    add(db, OCT_15)
    assert "vern: henvendelse 9 finnes ikke" in refused(db, "dsr", *args)
    assert trail_actions(db) == [("request.add", "1")]


# -- the check `requests` ---------------------------------------------------------------
@pytest.mark.parametrize(("now", "expected"), [
    ("2026-11-16T12:00:00+01:00", {("dsr_due_soon", "#1"): 0}),   # the due date itself: not yet overdue
    ("2026-11-16T23:30:00+01:00", {("dsr_due_soon", "#1"): 0}),   # its last minutes in Oslo
    ("2026-11-16T23:30:00Z", {("dsr_overdue", "#1"): None}),      # 00:30 on the 17th in Oslo
    ("2026-11-17T12:00:00+01:00", {("dsr_overdue", "#1"): None}),
    ("2026-11-09T12:00:00+01:00", {("dsr_due_soon", "#1"): 7}),
    ("2026-11-08T12:00:00+01:00", {}),                            # eight days left
])
def test_overdue_and_due_soon_on_both_sides_of_their_edges(db, now, expected):
    add(db, OCT_15, now=now)
    found = findings(db, now=now)
    assert {key: details.get("days") for key, details in found.items()} == expected
    for details in found.values():
        assert (details["due"], details["received"], details["kind"]) == ("2026-11-16", "2026-10-15", "access")


@pytest.mark.parametrize(("now", "expected"), [
    (FIXED_NOW, {}),                                               # past the first month, within the extension
    ("2027-01-07T12:00:00+01:00", {}),                             # eight days left
    ("2027-01-08T12:00:00+01:00", {("dsr_due_soon", "#1"): 7}),
    ("2027-01-15T12:00:00+01:00", {("dsr_due_soon", "#1"): 0}),
    ("2027-01-16T12:00:00+01:00", {("dsr_overdue", "#1"): None}),
])
def test_once_extended_the_extended_due_date_counts(db, now, expected):
    add(db, OCT_15)
    extended = ok(db, "dsr", "extend", "1", "--reason", "Mange arkiver", "--told-on", "2026-11-10")
    assert (extended["due_on"], extended["extended_due_on"], extended["told_on"]) == (
        "2026-11-16", "2027-01-15", "2026-11-10")
    found = findings(db, now=now)
    assert {key: details.get("days") for key, details in found.items()} == expected
    assert all(details["due"] == "2027-01-15" for details in found.values())


def test_without_the_extension_the_same_request_is_overdue(db):
    add(db, OCT_15)
    assert list(findings(db)) == [("dsr_overdue", "#1")]


def test_once_extended_every_place_counts_from_the_extended_due_date(db, monkeypatch):
    """Art. 12(3): on 2027-01-13 the first due date (2026-11-16) is long past and the extended
    one (2027-01-15) two days off. Request #1 is open; #2 was answered on 2027-01-12, late by
    the first due date and on time by the extended one. Every place that judges the clock
    says due soon, on time — never overdue."""
    now = "2027-01-13T12:00:00+01:00"
    for request_id in ("1", "2"):
        add(db, OCT_15)
        ok(db, "dsr", "extend", request_id, "--reason", "Mange arkiver", "--told-on", "2026-11-10")
    ok(db, "dsr", "verify", "2", "--how", "BankID", now=now)
    ok(db, "dsr", "answer", "2", "--at", "2027-01-12T10:00:00+01:00", now=now)

    assert [(r["id"], r["days_left"]) for r in ok(db, "dsr", "list", "--json", now=now)] == [(1, 2), (2, None)]
    listed = cli(db, "dsr", "list", now=now).stdout.splitlines()
    assert "due 2027-01-15  2 days left" in listed[0] and "due 2027-01-15" in listed[1]
    queued = ok(db, "review", "list", "--kind", "request", "--json", now=now)["items"]
    assert [(r["item"], r["urgency"], r["due"]) for r in queued] == [("request:1", "high", "2027-01-15T00:00:00Z")]
    board = ok(db, "report", "board", "--json", now=now)["requests"]
    assert {k: board[k] for k in ("answered", "on_time", "late", "open", "overdue")} == {
        "answered": 1, "on_time": 1, "late": 0, "open": 1, "overdue": 0}
    assert findings(db, now=now) == {("dsr_due_soon", "#1"): {
        "kind": "access", "kind_nb": "innsyn (art. 15)", "kind_en": "access (Art. 15)",
        "received": "2026-10-15", "due": "2027-01-15", "days": 2}}

    monkeypatch.setenv("VERN_NOW", now)
    vern = open_vern(str(db))
    try:
        assert subject_requests.summary(vern.store) == {"open": 1, "due_soon": 1, "overdue": 0}
        reminded = vern.store.rows(request_reminders.OPEN_REQUESTS, {"open": list(subject_requests.OPEN)})
        assert [(r["id"], r["due_now"]) for r in reminded] == [(1, date(2027, 1, 15))]
        assert request_reminders.due(reminded[0]["due_now"], date(2027, 1, 13)) == 7  # not yet the 1-day one
    finally:
        vern.close()


@pytest.mark.parametrize(("told_on", "notified"), [
    (("--told-on", "2026-11-16"), True),    # on the original due date: within the first month
    (("--told-on", "2026-10-20"), True),
    ((), False),                            # never
])
def test_an_extension_must_be_told_within_the_first_month(db, told_on, notified):
    """Extended on the last day of the first month; judged today."""
    add(db, OCT_15)
    ok(db, "dsr", "extend", "1", "--reason", "Mange arkiver", *told_on, now="2026-11-16T12:00:00+01:00")
    found = findings(db)
    if notified:
        assert found == {}
    else:
        assert list(found) == [("dsr_extension_not_notified", "#1")]
        assert found[("dsr_extension_not_notified", "#1")]["due"] == "2026-11-16"


@pytest.mark.parametrize("told_on", [("--told-on", "2026-11-17"), ()])  # the day after, or never
def test_once_the_first_month_is_over_an_extension_not_told_in_it_is_refused(db, told_on):
    before = add(db, OCT_15)
    assert refused(db, "dsr", "extend", "1", "--reason", "Mange arkiver", *told_on) == (
        "vern: den første måneden endte 2026-11-16: en forlengelse gjelder bare hvis personen fikk beskjed om "
        "den innen da (art. 12 nr. 3); oppgi dagen personen fikk beskjed, eller svar nå\n")
    assert ok(db, "dsr", "list", "--json") == [before]
    assert trail_actions(db) == [("request.add", "1")]


@pytest.mark.parametrize(("verified", "expected"), [
    (True, set()),
    (False, {("dsr_identity_unverified", "#1")}),
])
def test_an_answer_needs_a_recorded_verification(db, verified, expected):
    add(db, OCT_26)
    if verified:
        assert ok(db, "dsr", "verify", "1", "--how", "BankID")["status"] == "in_progress"
    ok(db, "dsr", "answer", "1", "--at", "2026-11-23T15:00:00+01:00")
    assert set(findings(db)) == expected


def test_a_refusal_needs_no_verification(db):
    add(db, OCT_26)
    ok(db, "dsr", "refuse", "1", "--ground", "Art. 12(5): åpenbart grunnløs")
    assert findings(db) == {}


@pytest.mark.parametrize("close", [("answer", "--at", "2026-11-24T11:00:00+01:00"),
                                   ("refuse", "--ground", "Art. 12(5): åpenbart grunnløs")])
def test_a_closed_request_is_neither_overdue_nor_due_soon(db, close):
    add(db, OCT_15)
    add(db, OCT_26)
    assert set(findings(db)) == {("dsr_overdue", "#1"), ("dsr_due_soon", "#2")}
    for request_id in ("1", "2"):
        ok(db, "dsr", "verify", request_id, "--how", "BankID")
        ok(db, "dsr", close[0], request_id, *close[1:])
    assert findings(db) == {}
    assert [r["days_left"] for r in ok(db, "dsr", "list", "--json")] == [None, None]
    assert ok(db, "dsr", "list", "--json", "--open") == []


# -- audit trail ------------------------------------------------------------------------
def test_every_change_is_in_the_audit_trail_and_the_trail_holds(db):
    add(db, OCT_15)
    add(db, OCT_26)
    ok(db, "dsr", "verify", "1", "--how", "BankID")
    ok(db, "dsr", "extend", "1", "--reason", "Mange arkiver", "--told-on", "2026-11-10")
    ok(db, "dsr", "answer", "1", "--at", "2026-11-24T10:00:00+01:00")
    ok(db, "dsr", "refuse", "2", "--ground", "Art. 12(5): åpenbart grunnløs")
    assert trail_actions(db) == [("request.add", "1"), ("request.add", "2"), ("request.verify", "1"),
                                 ("request.extend", "1"), ("request.answer", "1"), ("request.refuse", "2")]
    entries = ok(db, "trail", "list", "--json", "--action", "request")
    assert {e["actor"] for e in entries} == {"cli:tester"}
    text = json.dumps(entries, ensure_ascii=False)
    for secret in (KARI, "BankID", "Mange arkiver", "grunnløs"):
        assert secret not in text
    result = cli(db, "trail", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("7 entries intact; head ")  # with the database's first entry


def test_an_extension_told_outside_receipt_and_today_and_an_answer_before_receipt_are_refused(tmp_path, env):
    db = tmp_path / "v.duckdb"
    request = tmp_path / "r.json"
    request.write_text(json.dumps({"received_at": "2026-10-31T10:00:00+01:00", "kind": "access",
                                   "channel": "e-post", "requester": "ola@example.org"}))
    assert vern_process.run([VERN, "--db", str(db), "dsr", "add", "--file", str(request)],
                          capture_output=True).returncode == 0
    for args, message in ((["extend", "1", "--reason", "x", "--told-on", "2026-12-01"], "told_on: må ligge"),
                          (["extend", "1", "--reason", "x", "--told-on", "2026-10-30"], "told_on: må ligge"),
                          (["answer", "1", "--at", "2026-10-01T10:00:00+01:00"], "at: før henvendelsen kom inn")):
        result = vern_process.run([VERN, "--db", str(db), "dsr", *args], capture_output=True, text=True)
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr


# -- the person behind a request: `email` -------------------------------------------------
OPT_OUT = "ola.optout@example.org"  # the address the marketing goes to (not the requester's)
OTHER = "per@example.org"
WITHDRAWING = ("marketing_opt_out", "objection")  # Art. 7(3), 21(2)-(3)


def stored(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def file_bytes(db: Path) -> bytes:
    """The database file and whatever DuckDB keeps beside it (its write-ahead log)."""
    return b"".join(path.read_bytes() for path in sorted(db.parent.glob(f"{db.name}*")))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_email_is_optional_and_stored_only_as_a_pseudonym(db):
    """Same address in any case, same person; another address, another person; the
    address itself never lands in the file, not even as the identity kept for re-identification."""
    assert add(db, OCT_15)["person"] is None
    assert add(db, OCT_15, email="   ")["person"] is None  # blanks are no address
    first = add(db, OCT_15, email=OPT_OUT)["person"]
    again = add(db, OCT_26, "erasure", email=" Ola.OptOut@Example.ORG ")["person"]
    other = add(db, OCT_26, email=OTHER)["person"]
    assert first.startswith("p-") and first == again and other not in (None, first)
    assert stored(db, "SELECT id, person FROM requests ORDER BY id") == [
        (1, None), (2, None), (3, first), (4, first), (5, other)]
    assert [r["person"] for r in ok(db, "dsr", "list", "--json")] == [None, None, first, first, other]
    raw = file_bytes(db).lower()
    for address in (OPT_OUT, OTHER):
        assert address.encode() not in raw
    assert b"ola.optout" not in raw


@pytest.mark.parametrize(("kind", "email", "problem"), [
    ("marketing_opt_out", None, "field email: required for a marketing opt-out (the address the marketing goes to)"),
    ("marketing_opt_out", "", "field email: required for a marketing opt-out"),
    ("marketing_opt_out", "   ", "field email: required for a marketing opt-out"),  # blanks are no address
    ("marketing_opt_out", "ola.optout@example", "field email: not an email address"),
    ("access", "ola.optout@@example.org", "field email: not an email address"),
    ("access", "o" * 243 + "@example.org", "field email: longer than 254 characters"),   # 255 characters
    ("access", 42, "field email: not an email address"),
])
def test_a_bad_or_missing_email_is_refused_without_echoing_it_and_nothing_is_written(db, kind, email, problem):
    body = {**GOOD, "kind": kind, **({} if email is None else {"email": email})}
    path = request_file(db, body)
    message = refused(db, "--lang", "en", "dsr", "add", "--file", str(path))  # the English words
    assert message.startswith(f"vern: {path}: nothing was imported.")
    assert problem in message
    if isinstance(email, str) and email:
        assert email not in message and email.split("@")[0] not in message
    for table in ("requests", "consents", "identities"):  # not even a pseudonym remembered
        assert stored(db, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert stored(db, "SELECT action FROM trail") == [("trail.start",)]  # the database's first entry only


def test_an_address_of_254_characters_is_accepted(db):
    assert add(db, OCT_15, email="o" * 242 + "@example.org")["person"].startswith("p-")


def test_only_an_opt_out_or_an_objection_with_an_email_withdraws_consent(db):
    """Each kind logged with the same address, and an objection without one: a withdrawal
    row (every purpose, '*', dated at receipt) only for requests 7 and 8."""
    kinds = ("access", "rectification", "erasure", "restriction", "portability", "automated_decision",
             "marketing_opt_out", "objection")
    person = {add(db, OCT_15, kind, email=OPT_OUT)["person"] for kind in kinds}
    assert len(person) == 1
    add(db, OCT_15, "objection")  # request 9: no address, nothing to withdraw
    assert sorted(stored(db, "SELECT * FROM consents")) == [
        (*person, "*", None, utc(OCT_15), "request #7", "request"),
        (*person, "*", None, utc(OCT_15), "request #8", "request")]
    details = {e["object"]: e["details"] for e in ok(db, "trail", "list", "--json", "--action", "request.add")}
    assert {k for k, d in details.items() if d.get("consent_withdrawn")} == {"7", "8"}
    assert details["9"] == {"kind": "objection"}


# -- an opt-out reaches the consent check ---------------------------------------------------
OPTED_OUT_AT = "2026-11-10T10:00:00+01:00"  # T: the opt-out is received
RESUBSCRIBED_AT = "2026-11-15T10:00:00+01:00"
REGISTER = [(OPT_OUT, "newsletter", "2026-01-05T09:30:00+01:00", "", "web form"),
            (OTHER, "newsletter", "2026-01-05T09:30:00+01:00", "", "web form")]
SENDS = [(OPT_OUT, "Nyhetsbrev", "newsletter", "2026-11-10T09:59:59+01:00"),   # T - 1 s: still consented
         (OPT_OUT, "Nyhetsbrev", "newsletter", OPTED_OUT_AT),                 # T: withdrawn at the send
         (OPT_OUT, "Nyhetsbrev", "newsletter", "2026-11-12T10:00:00+01:00"),  # after
         (OPT_OUT, "Nyhetsbrev", "newsletter", "2026-11-20T10:00:00+01:00"),  # after; after the re-subscription
         (OTHER, "Nyhetsbrev", "newsletter", "2026-11-12T10:00:00+01:00")]    # consented throughout


def import_csv(db: Path, kind: str, header: str, rows: list[tuple]) -> None:
    path = db.parent / f"{kind}-{next(_files)}.csv"
    path.write_text("\n".join([header, *(",".join(row) for row in rows)]) + "\n", encoding="utf-8")
    result = cli(db, "import", kind, str(path))
    assert result.returncode == 0, result.stderr


def consents(db: Path, rows: list[tuple]) -> None:
    import_csv(db, "consents", "email,purpose,given_at,withdrawn_at,source", rows)


def after_opt_out(db: Path) -> dict:
    """The consent check's findings: only marketing_after_opt_out, and its counts."""
    found = findings(db, check="consent")
    assert {rule for rule, _ in found} <= {"marketing_after_opt_out"}, found
    return {subject: {k: details[k] for k in ("count", "people", "first_at", "last_at")}
            for (_, subject), details in found.items()}


def test_an_opt_out_logged_as_a_request_reaches_the_consent_check(db):
    """The mailing tool never heard of the opt-out: its register still shows the consent.
    The sends at T and after it break the rule, the one a second before does not; re-importing
    the register does not undo the withdrawal; a consent given again after it covers later sends."""
    consents(db, REGISTER)
    add(db, OPTED_OUT_AT, "marketing_opt_out", email="Ola.Optout@Example.org")
    import_csv(db, "campaigns", "email,campaign,purpose,sent_at", SENDS)
    three = {"Nyhetsbrev (newsletter)": {"count": 3, "people": 1, "first_at": "2026-11-10T09:00:00Z",
                                         "last_at": "2026-11-20T09:00:00Z"}}
    assert after_opt_out(db) == three
    assert ok(db, "consent", "summary", "--json")["consents"] == [
        {"purpose": "newsletter", "valid": 1, "withdrawn": 1}]

    consents(db, REGISTER)  # the next export of the mailing tool: consent still "valid"
    assert after_opt_out(db) == three
    assert ok(db, "consent", "summary", "--json")["consents"] == [
        {"purpose": "newsletter", "valid": 1, "withdrawn": 1}]
    assert stored(db, "SELECT source, origin FROM consents WHERE origin = 'request'") == [("request #1", "request")]

    consents(db, [*REGISTER, (OPT_OUT, "newsletter", RESUBSCRIBED_AT, "", "web form")])  # subscribed again
    assert after_opt_out(db) == {"Nyhetsbrev (newsletter)": {
        "count": 2, "people": 1, "first_at": "2026-11-10T09:00:00Z", "last_at": "2026-11-12T09:00:00Z"}}
    assert ok(db, "consent", "summary", "--json")["consents"] == [
        {"purpose": "newsletter", "valid": 2, "withdrawn": 0}]


def test_an_objection_with_an_email_withdraws_as_an_opt_out_does(db):
    consents(db, REGISTER)
    add(db, OPTED_OUT_AT, "objection", email=OPT_OUT)
    add(db, OPTED_OUT_AT, "access", email=OTHER)  # no withdrawal: Per stays consented
    import_csv(db, "campaigns", "email,campaign,purpose,sent_at", SENDS)
    assert after_opt_out(db) == {"Nyhetsbrev (newsletter)": {
        "count": 3, "people": 1, "first_at": "2026-11-10T09:00:00Z", "last_at": "2026-11-20T09:00:00Z"}}


# -- systems searched -----------------------------------------------------------------------
# Known systems: the system list (Kaffemaskin, Kantine, Medlemsregister, Postkasse) and those
# the activities name (Medlemsregister, Regneark, Kantine). An erasure's tasks: the systems that
# hold personal data (Medlemsregister, Postkasse) and those named by an activity (Kantine,
# Medlemsregister, Regneark); Kaffemaskin is neither.
SYSTEMS = """name,holds_personal_data,classification,match
Medlemsregister,yes,confidential,
Postkasse,yes,internal,
Kantine,no,internal,
Kaffemaskin,no,open,
"""
ACTIVITIES = [{"name": "Medlemsadministrasjon", "systems": ["Medlemsregister", "Regneark"]},
              {"name": "Arrangementer", "systems": ["Regneark", "Kantine"]},
              {"name": "Innsamling"}]
KNOWN = "Kaffemaskin, Kantine, Medlemsregister, Postkasse, Regneark"
TASKS = [("Kantine", ["Arrangementer"]), ("Medlemsregister", ["Medlemsadministrasjon"]), ("Postkasse", []),
         ("Regneark", ["Arrangementer", "Medlemsadministrasjon"])]


def registry(db: Path, activities: list[dict] = ACTIVITIES) -> None:
    systems = db.parent / "systems.csv"
    systems.write_text(SYSTEMS, encoding="utf-8")
    protocol = db.parent / f"activities-{next(_files)}.json"
    protocol.write_text(json.dumps(activities), encoding="utf-8")
    for kind, path in (("systems", systems), ("activities", protocol)):
        result = cli(db, "import", kind, str(path))
        assert result.returncode == 0, result.stderr


def test_search_records_each_system_once_and_sets_the_request_in_progress(db):
    registry(db)
    add(db, OCT_26)
    searched = ok(db, "dsr", "search", "1", "--system", "Regneark", "--system", "Medlemsregister")
    assert (searched["status"], searched["systems_searched"]) == ("in_progress", ["Medlemsregister", "Regneark"])
    again = ok(db, "dsr", "search", "1", "--system", "Regneark", "--system", "Kaffemaskin", "--system", "Regneark")
    assert again["systems_searched"] == ["Kaffemaskin", "Medlemsregister", "Regneark"]
    assert stored(db, "SELECT system, searched_by FROM request_systems ORDER BY system") == [
        ("Kaffemaskin", "cli:tester"), ("Medlemsregister", "cli:tester"), ("Regneark", "cli:tester")]
    entries = ok(db, "trail", "list", "--json", "--action", "request.search")
    assert [e["details"] for e in reversed(entries)] == [{"systems": ["Medlemsregister", "Regneark"]},
                                                         {"systems": ["Kaffemaskin", "Regneark"]}]
    assert trail_actions(db) == [("request.add", "1"), ("request.search", "1"), ("request.search", "1")]


@pytest.mark.parametrize("systems", [("Ukjent",), ("Regneark", "Ukjent")])
def test_search_refuses_an_unknown_system_listing_the_known_ones_and_records_nothing(db, systems):
    registry(db)
    add(db, OCT_26)
    args = [arg for system in systems for arg in ("--system", system)]
    assert refused(db, "dsr", "search", "1", *args) == (
        f"vern: system: står ikke i systemlisten eller behandlingsaktivitetene (kjente: {KNOWN})\n")
    shown = ok(db, "dsr", "show", "1", "--json")
    assert (shown["status"], shown["systems_searched"]) == ("received", [])
    assert trail_actions(db) == [("request.add", "1")]


def test_search_without_any_system_known(db):
    add(db, OCT_26)
    assert "(kjente: ingen)" in refused(db, "dsr", "search", "1", "--system", "Regneark")


def test_search_is_refused_on_a_closed_request(db):
    registry(db)
    add(db, OCT_26)
    ok(db, "dsr", "answer", "1", "--at", "2026-11-20T10:00:00+01:00")
    assert refused(db, "dsr", "search", "1", "--system", "Regneark") == (
        "vern: henvendelse 1 er besvart: den er ikke lenger åpen\n")
    assert stored(db, "SELECT count(*) FROM request_systems") == [(0,)]


# -- erasure tasks (Art. 17) ----------------------------------------------------------------
KEPT = "Bokføringsloven § 13: gavekvittering 4711-Q"  # distinctive, to look for in the file


def tasks(record: dict) -> list[tuple]:
    return [(t["system"], t["activities"], t["outcome"]) for t in record["erasure_tasks"]]


def test_an_erasure_gets_one_task_per_system_with_the_activities_naming_it(db):
    registry(db)
    added = add(db, OCT_26, "erasure")
    assert tasks(added) == [(system, activities, None) for system, activities in TASKS]
    assert all((t["done_at"], t["done_by"]) == (None, None) for t in added["erasure_tasks"])
    assert add(db, OCT_26, "access")["erasure_tasks"] == []
    details = [e["details"] for e in reversed(ok(db, "trail", "list", "--json", "--action", "request.add"))]
    assert details == [{"kind": "erasure", "erasure_tasks": 4}, {"kind": "access"}]


def test_the_tasks_are_fixed_when_the_erasure_is_logged(db):
    registry(db)
    add(db, OCT_26, "erasure")
    registry(db, [{"name": "Nyhetsbrev", "systems": ["Mailchimp"]}])
    assert tasks(ok(db, "dsr", "show", "1", "--json")) == [(s, a, None) for s, a in TASKS]
    assert tasks(add(db, OCT_26, "erasure")) == [
        ("Mailchimp", ["Nyhetsbrev"], None), ("Medlemsregister", [], None), ("Postkasse", [], None)]


def test_an_erasure_with_no_system_known_has_no_tasks_and_can_be_answered(db):
    assert add(db, OCT_26, "erasure")["erasure_tasks"] == []
    assert refused(db, "dsr", "erase", "1", "--system", "Kantine", "--outcome", "erased") == (
        "vern: system: har ingen sletteoppgave (oppgaver: ingen)\n")
    assert ok(db, "dsr", "answer", "1", "--at", "2026-11-20T10:00:00+01:00")["status"] == "answered"


def test_erase_records_the_outcome_and_the_system_counts_as_searched(db):
    registry(db)
    add(db, OCT_26, "erasure")
    erased = ok(db, "dsr", "erase", "1", "--system", "Regneark", "--outcome", "erased")
    assert erased["status"] == "in_progress"
    assert erased["systems_searched"] == ["Regneark"]
    assert tasks(erased) == [("Kantine", ["Arrangementer"], None), ("Medlemsregister", ["Medlemsadministrasjon"], None),
                             ("Postkasse", [], None), ("Regneark", ["Arrangementer", "Medlemsadministrasjon"], "erased")]
    done = erased["erasure_tasks"][3]
    assert (done["done_at"], done["done_by"]) == ("2026-11-24T11:00:00Z", "cli:tester")
    ok(db, "dsr", "search", "1", "--system", "Regneark")  # already searched: still once
    assert ok(db, "dsr", "erase", "1", "--system", " Postkasse ", "--outcome", "nothing_found")[
        "systems_searched"] == ["Postkasse", "Regneark"]  # the name trimmed, as search trims it
    entries = ok(db, "trail", "list", "--json", "--action", "request.erase")
    assert [e["details"] for e in reversed(entries)] == [{"system": "Regneark", "outcome": "erased"},
                                                         {"system": "Postkasse", "outcome": "nothing_found"}]


@pytest.mark.parametrize(("args", "problem"), [
    (("--system", "Kantine", "--outcome", "kept"),
     "vern: note: å beholde opplysningene krever et rettslig grunnlag (art. 17 nr. 3)\n"),
    (("--system", "Kantine", "--outcome", "kept", "--note", "   "),
     "vern: note: å beholde opplysningene krever et rettslig grunnlag (art. 17 nr. 3)\n"),
    (("--system", "Kaffemaskin", "--outcome", "erased"),  # known, but holds no personal data and no activity names it
     "vern: system: har ingen sletteoppgave (oppgaver: Kantine, Medlemsregister, Postkasse, Regneark)\n"),
])
def test_erase_refuses_keeping_without_its_ground_and_a_system_without_a_task(db, args, problem):
    registry(db)
    before = add(db, OCT_26, "erasure")
    assert refused(db, "dsr", "erase", "1", *args) == problem
    assert ok(db, "dsr", "list", "--json") == [before]
    assert stored(db, "SELECT count(*) FROM request_systems") == [(0,)]
    assert stored(db, "SELECT action FROM trail WHERE action LIKE 'request.%'") == [("request.add",)]


def test_erase_is_refused_on_a_request_that_is_no_erasure(db):
    registry(db)
    add(db, OCT_26, "access")
    assert refused(db, "dsr", "erase", "1", "--system", "Kantine", "--outcome", "erased") == (
        "vern: henvendelse 1 gjelder ikke sletting\n")
    assert ok(db, "dsr", "show", "1", "--json")["systems_searched"] == []


def test_erase_is_refused_on_a_closed_request(db):
    registry(db)
    add(db, OCT_26, "erasure")
    ok(db, "dsr", "refuse", "1", "--ground", "Art. 17(3)(b): rettslig forpliktelse")
    assert refused(db, "dsr", "erase", "1", "--system", "Kantine", "--outcome", "erased") == (
        "vern: henvendelse 1 er avslått: den er ikke lenger åpen\n")


def test_an_erasure_is_answered_only_once_every_task_has_its_outcome(db):
    registry(db)
    add(db, OCT_26, "erasure")
    ok(db, "dsr", "verify", "1", "--how", "BankID")
    ok(db, "dsr", "erase", "1", "--system", "Medlemsregister", "--outcome", "erased")
    ok(db, "dsr", "erase", "1", "--system", "Regneark", "--outcome", "kept", "--note", KEPT)
    at = ("--at", "2026-11-23T15:00:00+01:00")
    assert refused(db, "dsr", "answer", "1", *at) == (
        "vern: slettingen er ikke registrert for Kantine, Postkasse (registrer utfallet for hvert system først, "
        "eller avslå henvendelsen med sitt rettslige grunnlag)\n")
    assert (ok(db, "dsr", "show", "1", "--json")["status"], [a for a, _ in trail_actions(db)][-1]) == (
        "in_progress", "request.erase")
    ok(db, "dsr", "erase", "1", "--system", "Kantine", "--outcome", "nothing_found")
    assert "slettingen er ikke registrert for Postkasse (" in refused(db, "dsr", "answer", "1", *at)
    ok(db, "dsr", "erase", "1", "--system", "Postkasse", "--outcome", "erased")
    answered = ok(db, "dsr", "answer", "1", *at)
    assert (answered["status"], answered["answered_at"]) == ("answered", "2026-11-23T14:00:00Z")
    assert [t["outcome"] for t in answered["erasure_tasks"]] == ["nothing_found", "erased", "erased", "kept"]
    assert findings(db) == {}


def test_an_erasure_may_be_refused_with_its_tasks_open(db):
    registry(db)
    add(db, OCT_26, "erasure")
    refusal = ok(db, "dsr", "refuse", "1", "--ground", "Art. 12(5): åpenbart grunnløs")
    assert refusal["status"] == "refused"
    assert [t["outcome"] for t in refusal["erasure_tasks"]] == [None, None, None, None]


def test_the_note_is_encrypted_and_shown_only_by_show(db):
    registry(db)
    add(db, OCT_26, "erasure")
    erased = ok(db, "dsr", "erase", "1", "--system", "Regneark", "--outcome", "kept", "--note", KEPT)
    assert all("note" not in task for task in erased["erasure_tasks"])
    assert all("note" not in task for row in ok(db, "dsr", "list", "--json") for task in row["erasure_tasks"])
    for args in (("dsr", "list", "--json"), ("dsr", "list"), ("trail", "list", "--json")):
        result = cli(db, *args)
        assert result.returncode == 0, result.stderr
        assert "4711-Q" not in result.stdout + result.stderr, args
    shown = ok(db, "dsr", "show", "1", "--json")
    assert [t["note"] for t in shown["erasure_tasks"]] == [None, None, None, KEPT]
    raw = stored(db, "SELECT note FROM erasure_tasks WHERE system = 'Regneark'")[0][0]
    assert raw and "4711-Q" not in raw
    assert b"4711-Q" not in file_bytes(db) and KEPT.encode() not in file_bytes(db)


# -- verify --at ------------------------------------------------------------------------------
@pytest.mark.parametrize(("at", "refusal"), [
    ("2026-11-20T09:59:59+01:00", "at: before the request was received"),   # a second before receipt
    ("2026-11-20T10:00:00+01:00", None),                                    # the instant of receipt
    ("2026-11-24T12:00:00+01:00", None),                                    # now
    ("2026-11-24T12:00:01+01:00", "at: lies in the future"),                # a second from now
])
def test_verification_lies_between_receipt_and_now(vern, at, refusal):
    request_id = subject_requests.add(vern.store, "test", {**GOOD, "received_at": "2026-11-20T10:00:00+01:00"})
    if refusal is None:
        subject_requests.verify(vern.store, "test", request_id, "BankID", utc(at))
        shown = subject_requests.get(vern.store, request_id)
        assert (shown["verified_at"], shown["verified_how"], shown["status"]) == (
            utc(at).strftime("%Y-%m-%dT%H:%M:%SZ"), "BankID", "in_progress")
    else:
        with pytest.raises(VernError, match=f"^{refusal}$"):
            subject_requests.verify(vern.store, "test", request_id, "BankID", utc(at))
        shown = subject_requests.get(vern.store, request_id)
        assert (shown["verified_at"], shown["verified_how"], shown["status"]) == (None, None, "received")


# -- the demo ----------------------------------------------------------------------------------
def test_the_demo_plants_one_request_per_rule_and_an_opt_out_the_consent_check_catches(db, cli_checked_template):
    """Now 2026-11-24 12:00 in Oslo; audits/demo/subject_requests.py dates each request `ago(days)`:
    #1 access, 40 days ago, verified, answered: nothing.
    #2 rectification, 50 days ago (5 Oct), answered without verification: dsr_identity_unverified.
    #3 portability, 100 days ago, extended and told 80 days ago, within its first month, answered: nothing.
    #4 access, 35 days ago (20 Oct), due Friday 20 Nov, open: dsr_overdue.
    #5 erasure, 26 days ago (29 Oct), due 29 Nov, a Sunday, so Monday 30 Nov, 6 days: dsr_due_soon.
    #6 restriction, 20 days ago (4 Nov), extended without telling: dsr_extension_not_notified by 4 Dec.
    #7 objection, 3 days ago (21 Nov), due 21 Dec: nothing yet. It withdraws Marte Nesheim
       (PEOPLE[30]), but no campaign went out after 21 Nov (the last, Julekampanje, 12 days ago).
    #8 marketing opt-out of Ingrid Fjellstad (PEOPLE[2]) 14 days ago (10 Nov 12:00 = 11:00Z).
    audits/demo/consent.py: she holds a fundraising consent (people 0-19, 360 days ago, never
    withdrawn), and Julekampanje (fundraising) went 12 days ago at 18:00 to people 0-19 but 12,
    one second apart: she is the third, at 18:00:02 (17:00:02Z), after her opt-out. Without #8
    that send is consented: the demo register alone plants only Nyhetsbrev november (3 people
    who withdrew a week before) and Julekampanje to 36-41 without consent (tests/consent/test_consent.py).
    """
    copy_template(cli_checked_template, db)  # `vern demo`, then `vern checks run`, at the fixed clock
    assert {key: details.get("days") for key, details in findings(db).items()} == {
        ("dsr_overdue", "#4"): None, ("dsr_due_soon", "#5"): 6, ("dsr_extension_not_notified", "#6"): None,
        ("dsr_identity_unverified", "#2"): None}
    consent = findings(db, check="consent")
    assert {key: (d["count"], d["people"]) for key, d in consent.items()} == {
        ("marketing_after_opt_out", "Nyhetsbrev november (newsletter)"): (3, 3),
        ("marketing_after_opt_out", "Julekampanje (fundraising)"): (1, 1),
        ("marketing_without_consent", "Julekampanje (fundraising)"): (6, 6)}
    julekampanje = consent[("marketing_after_opt_out", "Julekampanje (fundraising)")]
    assert (julekampanje["first_at"], julekampanje["last_at"]) == ("2026-11-12T17:00:02Z", "2026-11-12T17:00:02Z")
    opt_out = ok(db, "dsr", "show", "8", "--json")
    assert (opt_out["kind"], opt_out["received_at"]) == ("marketing_opt_out", "2026-11-10T11:00:00Z")
    withdrawals = "SELECT person, withdrawn_at, source FROM consents WHERE origin = 'request' ORDER BY source"
    assert stored(db, withdrawals) == [
        (ok(db, "dsr", "show", "7", "--json")["person"], utc("2026-11-21T12:00:00+01:00"), "request #7"),
        (opt_out["person"], utc("2026-11-10T12:00:00+01:00"), "request #8")]

    result = cli(db, "demo")  # loaded again: replaced, not doubled
    assert result.returncode == 0, result.stderr
    listed = ok(db, "dsr", "list", "--json")
    assert [(r["id"], r["kind"]) for r in listed] == [  # the same numbers: the findings stay on the same requests
        (3, "portability"), (2, "rectification"), (1, "access"), (4, "access"), (5, "erasure"),
        (6, "restriction"), (8, "marketing_opt_out"), (7, "objection")]
    assert stored(db, "SELECT count(*), count(DISTINCT person) FROM consents WHERE origin = 'request'") == [(2, 2)]
    assert {row[0] for row in stored(db, withdrawals)} == {opt_out["person"], listed[-1]["person"]}
