"""Data-subject requests (GDPR Art. 12(3), 12(6)) through `vern dsr`, and the check `requests`.

Every test drives the command line as a subprocess against a real DuckDB file. Today is
2026-11-24 (a Tuesday, winter time in Oslo, UTC+01:00) unless a test sets VERN_NOW for one
call to stand on either side of an edge. The reference request, received Thursday
2026-10-15, is due Monday 2026-11-16 (15 November is a Sunday) and, once extended, Friday
2027-01-15.
"""

import json
import os
import subprocess
from itertools import count
from pathlib import Path

import duckdb
import pytest

from conftest import FIXED_NOW, VERN

KARI = "kari@example.org"
OCT_15 = "2026-10-15T10:00:00+02:00"  # due 2026-11-16; extended 2027-01-15
OCT_26 = "2026-10-26T09:00:00+01:00"  # due 2026-11-26: two days left today
_files = count(1)


# -- helpers --------------------------------------------------------------------------
def cli(db: Path, *args: str, now: str = FIXED_NOW) -> subprocess.CompletedProcess:
    return subprocess.run([VERN, "--db", str(db), *args], capture_output=True, text=True, timeout=120,
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


def add(db: Path, received_at: str, kind: str = "access", now: str = FIXED_NOW) -> dict:
    path = request_file(db, {"received_at": received_at, "kind": kind, "channel": "e-post", "requester": KARI})
    return ok(db, "dsr", "add", "--file", str(path), now=now)


def findings(db: Path, now: str = FIXED_NOW) -> dict[tuple[str, str], dict]:
    """Run the check `requests`; its open findings by (rule, subject), with their details."""
    result = cli(db, "checks", "run", "requests", now=now)
    assert result.returncode == 0, result.stderr
    rows = ok(db, "findings", "list", "--check", "requests", "--json", now=now)
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
    extended = ok(db, "dsr", "extend", "1", "--reason", "Mange år med e-post å gå gjennom")
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
    ({**GOOD, "received_at": "2026-10-15T10:00:00"}, "field received_at: '2026-10-15T10:00:00' has no UTC offset"),
    ({**GOOD, "kind": "complaint"}, "field kind: 'complaint' is not one of access, rectification"),
    ({k: v for k, v in GOOD.items() if k != "requester"}, "field requester: required"),
    ({**GOOD, "requester": "   "}, "field requester: required"),
    ({**GOOD, "received_at": "2026-11-24T12:00:01+01:00"}, "field received_at: lies in the future"),
    ({**GOOD, "e_mail": KARI}, "field e_mail: unknown"),
    ({**GOOD, "email": "kari.example"}, "field email: not an email address"),
    ({**GOOD, "kind": "marketing_opt_out"}, "field email: required for a marketing opt-out"),
    ('{"received_at": "2026-10-15T10:00:00+02:00",', "line 1: not JSON"),
    ([GOOD], "must be a JSON object"),
])
def test_add_refuses_a_bad_file_naming_file_and_field_and_writes_nothing(db, body, problem):
    path = request_file(db, body)
    message = refused(db, "dsr", "add", "--file", str(path))
    assert message.startswith(f"vern: {path}: nothing was imported.")
    assert problem in message
    assert ok(db, "dsr", "list", "--json") == []
    assert trail_actions(db) == []


def test_add_accepts_a_request_received_this_very_instant(db):
    assert add(db, "2026-11-24T11:00:00Z")["days_left"] == 30  # due Thursday 24 December


@pytest.mark.parametrize(("args", "problem"), [
    (("extend", "1", "--reason", "  "), "vern: reason: an extension needs a reason (Art. 12(3))"),
    (("refuse", "1", "--ground", ""), "vern: ground: a refusal needs its legal ground (Art. 12(4))"),
    (("verify", "1", "--how", " "), "vern: how: say how the identity was verified"),
    (("answer", "1", "--at", "2026-11-20T10:00:00"), "has no UTC offset"),
    (("answer", "1", "--at", "2026-11-25T10:00:00+01:00"), "vern: at: lies in the future"),
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
    assert f"vern: request 1 is {status}: it is no longer open" in refused(db, "dsr", *change)
    assert ok(db, "dsr", "show", "1", "--json") == before
    assert [a for a, _ in trail_actions(db)] == ["request.add", f"request.{close[0]}"]


@pytest.mark.parametrize("args", [("show", "9", "--json"), ("answer", "9", "--at", "2026-11-20T10:00:00+01:00"),
                                  ("extend", "9", "--reason", "Komplisert"), ("refuse", "9", "--ground", "12(5)"),
                                  ("verify", "9", "--how", "BankID")])
def test_an_unknown_request_is_refused(db, args):
    add(db, OCT_15)
    assert "vern: no request 9" in refused(db, "dsr", *args)
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


@pytest.mark.parametrize(("told_on", "notified"), [
    (("--told-on", "2026-11-16"), True),    # on the original due date: within the first month
    (("--told-on", "2026-10-20"), True),
    (("--told-on", "2026-11-17"), False),   # the day after
    ((), False),                            # never
])
def test_an_extension_must_be_told_within_the_first_month(db, told_on, notified):
    add(db, OCT_15)
    ok(db, "dsr", "extend", "1", "--reason", "Mange arkiver", *told_on)
    found = findings(db)
    if notified:
        assert found == {}
    else:
        assert list(found) == [("dsr_extension_not_notified", "#1")]
        assert found[("dsr_extension_not_notified", "#1")]["due"] == "2026-11-16"


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
    assert result.stdout.startswith("6 entries intact; head ")


def test_an_extension_told_outside_receipt_and_today_and_an_answer_before_receipt_are_refused(tmp_path, env):
    db = tmp_path / "v.duckdb"
    request = tmp_path / "r.json"
    request.write_text(json.dumps({"received_at": "2026-10-31T10:00:00+01:00", "kind": "access",
                                   "channel": "e-post", "requester": "ola@example.org"}))
    assert subprocess.run([VERN, "--db", str(db), "dsr", "add", "--file", str(request)],
                          capture_output=True).returncode == 0
    for args, message in ((["extend", "1", "--reason", "x", "--told-on", "2026-12-01"], "told_on: must lie"),
                          (["extend", "1", "--reason", "x", "--told-on", "2026-10-30"], "told_on: must lie"),
                          (["answer", "1", "--at", "2026-10-01T10:00:00+01:00"], "at: before the request")):
        result = subprocess.run([VERN, "--db", str(db), "dsr", *args], capture_output=True, text=True)
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
