"""The hash-chained audit trail: every change appends; `vern trail verify` catches an
edited, a deleted, an inserted entry and a truncated tail; `vern trail list` filters."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from audits import findings, keys, processors, pseudonyms, runner, trail, users
from audits.runtime import open_vern

VERN = str(Path(sys.executable).parent / "vern")
NOW = "2026-11-24T12:00:00+01:00"
AT = "2026-11-24T11:00:00Z"
COLUMNS = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"


def vern_cli(db: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([VERN, "--db", str(db), *args], capture_output=True, text=True,
                          input=input, timeout=120)


def entries(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT seq, actor, action, object, details FROM trail ORDER BY seq").fetchall()
    finally:
        con.close()
    return [(seq, actor, action, obj, json.loads(details)) for seq, actor, action, obj, details in rows]


def raw(db: Path, *statements: tuple) -> None:
    """Tamper with the file directly, as someone with disk access would (store closed)."""
    con = duckdb.connect(str(db))
    try:
        for statement in statements:
            con.execute(*statement)
    finally:
        con.close()


def hashes(db: Path) -> dict[int, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT seq, hash FROM trail ORDER BY seq").fetchall())
    finally:
        con.close()


def forged(seq: int, prev_hash: str, action: str = "users.disable", obj: str = "kari") -> list:
    """An entry whose own hash is right: made by someone who knows the algorithm."""
    details = "{}"
    digest = trail._hash(prev_hash, trail._canonical(seq, AT, "mallory", action, obj, details))
    return [seq, AT, "mallory", action, obj, details, prev_hash, digest]


@pytest.fixture
def six(db):
    """A database whose trail holds six entries; closed."""
    vern = open_vern(str(db))
    try:
        for number in range(1, 7):
            trail.record(vern.store, f"actor{number}", "export", f"report-{number}.csv", {"rows": number})
    finally:
        vern.close()
    return db


def assert_broken(db: Path, message: str, *extra: str) -> None:
    result = vern_cli(db, "trail", "verify", *extra)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"vern: audit trail broken after {message}\n"
    assert "Traceback" not in result.stderr


# -- every change appends --------------------------------------------------------------------
def test_every_change_appends_an_entry(db):
    vern = open_vern(str(db))
    try:
        store = vern.store
        register = db.parent / "register.csv"
        register.write_text(f"{COLUMNS}\nAcme AS,CRM,NO,none,,,,\n", encoding="utf-8")
        processors.import_register(store, register, "alice")
        assert runner.run(store, vern.config, vern.checks["processors"], "cli", "alice").status == "succeeded"
        fp = findings.listing(store)[0]["fingerprint"]
        findings.set_status(store, fp, "acknowledged", "alice", "seen it")
        users.add(store, "admin1", "bob", ["staff"], "correct horse battery")
        assert users.authenticate(store, "bob", "correct horse battery").ok
        assert not users.authenticate(store, "bob", "wrong horse battery").ok
        assert not users.authenticate(store, "nobody-here", "whatever password").ok
        users.set_password(store, "admin1", "bob", "another long password")
        users.set_disabled(store, "admin1", "bob", True)
        trail.record(store, "alice", "export", "findings.csv", {"rows": 1})
        with store.transaction() as tx:
            pseudonym = pseudonyms.remember(tx, store, "kari@example.no")
        pseudonyms.reidentify(store, pseudonym, "alice", "access request")
        keys.rotate(store, "admin1")
        inbox = vern.config.inbox / "processors"
        inbox.mkdir(parents=True)
        (inbox / "register.csv").write_text(f"{COLUMNS}\nAcme AS,CRM,NO,pigeon,,,,\n", encoding="utf-8")
        assert runner.run(store, vern.config, vern.checks["processors"], "cli", "alice").status == "failed"
    finally:
        vern.close()

    assert entries(db) == [
        (1, "alice", "processors.import", "register.csv", {"rows": 1}),
        (2, "alice", "check.run", "processors",
         {"run": 1, "status": "succeeded", "findings": 1, "evidence_rows": 1}),
        (3, "alice", "finding.status", fp, {"from": "open", "to": "acknowledged", "review_on": None}),
        (4, "admin1", "users.add", "bob", {"roles": ["staff"]}),
        (5, "bob", "sign_in", "bob", {"method": "password"}),
        (6, "bob", "sign_in.failed", "bob", {"reason": "wrong password", "locked": False}),
        (7, "anonymous", "sign_in.failed", "", {"reason": "unknown user"}),
        (8, "admin1", "users.set_password", "bob", {}),
        (9, "admin1", "users.disable", "bob", {}),
        (10, "alice", "export", "findings.csv", {"rows": 1}),
        (11, "alice", "pseudonym.reidentify", pseudonym, {}),
        (12, "admin1", "keys.rotate", "k2", {"re_encrypted": 4}),
        (13, "alice", "check.run", "processors", {"run": 2, "status": "failed"}),
    ]
    flat = json.dumps(entries(db))
    for personal in ("kari", "nobody-here", "seen it", "access request", "horse", "pigeon"):
        assert personal not in flat

    result = vern_cli(db, "trail", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"13 entries intact; head {hashes(db)[13]}\n"


# What `vern demo` does to its eight data-subject requests, in order (audits/demo_requests.py):
# answered on time; answered late, unverified; extended and answered; overdue; an erasure with two
# of its systems done; a restriction extended; an objection just in; a marketing opt-out answered.
DEMO_REQUEST_STEPS = [(1, "add"), (1, "verify"), (1, "search"), (1, "answer"), (2, "add"), (2, "answer"),
                      (3, "add"), (3, "verify"), (3, "extend"), (3, "answer"), (4, "add"), (4, "verify"),
                      (5, "add"), (5, "verify"), (5, "erase"), (5, "erase"), (6, "add"), (6, "extend"),
                      (7, "add"), (8, "add"), (8, "verify"), (8, "answer")]
# What `vern demo` does to its five breaches, in order (audits/demo.py).
DEMO_BREACH_STEPS = [(1, "add"), (2, "add"), (2, "assess"), (2, "decide"), (3, "add"), (3, "assess"),
                     (3, "decide"), (3, "notify"), (4, "add"), (4, "assess"), (4, "decide"), (4, "close"),
                     (5, "add")]


def test_cli_changes_append_with_the_cli_actor(db):
    for args, stdin in ((["demo"], None),
                        (["users", "add", "ola", "--role", "staff", "--password-stdin"], "a long password!\n"),
                        (["users", "set-password", "ola", "--password-stdin"], "another password!\n"),
                        (["users", "disable", "ola"], None),
                        (["keys", "rotate"], None)):
        result = vern_cli(db, *args, input=stdin)
        assert result.returncode == 0, (args, result.stderr)
    got = [(actor, action, obj) for _, actor, action, obj, _ in entries(db)]
    assert got == [
        ("cli:tester", "processors.import", "processors.csv"),
        # The demo's directory and access logs (audits/demo_access.py), imported the real way.
        ("cli:tester", "people.import", "people.csv"),
        ("cli:tester", "systems.import", "systems.csv"),
        ("cli:tester", "grants.import", "grants.csv"),
        *[("cli:tester", "access_logs.import", fmt) for fmt in ("m365", "gworkspace", "cloudtrail", "csv")],
        # ...and its training records (audits/demo_training.py): the LMS export, then the xAPI statements.
        ("cli:tester", "training.import", "csv"),
        ("cli:tester", "training.import", "xapi"),
        # ...its record of processing activities (audits/demo_activities.py)...
        ("cli:tester", "activities.import", "behandlingsprotokoll.json"),
        # ...its inventories (audits/demo_retention.py): the events drive before and after a
        # recorded deletion, the other systems, then a deletion the next CRM inventory will confirm...
        ("cli:tester", "inventory.import", "Arrangementer (Google Drive)"),
        ("cli:tester", "retention.deletion", "Arrangementer (Google Drive)"),
        ("cli:tester", "inventory.import", "Arrangementer (Google Drive)"),
        ("cli:tester", "inventory.import", "SuperOffice CRM"),
        ("cli:tester", "inventory.import", "Medlemsregister (SharePoint)"),
        ("cli:tester", "inventory.import", "Medlemsdata (AWS S3)"),
        ("cli:tester", "retention.deletion", "SuperOffice CRM"),
        # ...and its consent register and campaign sends (audits/demo_consent.py).
        ("cli:tester", "consents.import", "samtykkeregister.csv"),
        ("cli:tester", "campaigns.import", "utsendelseslogg.csv"),
        ("cli:tester", "demo.load", ""),
        ("cli:tester", "users.add", "adviser"),
        ("cli:tester", "users.add", "staff"),
        ("cli:tester", "users.add", "board"),
        ("cli:tester", "users.add", "admin"),
        *[("cli:tester", f"request.{action}", str(request)) for request, action in DEMO_REQUEST_STEPS],
        *[("cli:tester", f"breach.{action}", str(breach)) for breach, action in DEMO_BREACH_STEPS],
        ("cli:tester", "users.add", "ola"),
        ("cli:tester", "users.set_password", "ola"),
        ("cli:tester", "users.disable", "ola"),
        ("cli:tester", "keys.rotate", "k2"),
    ]
    assert [e[4] for e in entries(db)[1:4]] == [{"rows": 12}, {"rows": 6}, {"rows": 18}]
    assert [e[4] for e in entries(db)[8:10]] == [{"files": 1, "completions": 2, "added": 2},
                                                 {"files": 1, "completions": 5, "added": 5}]
    assert [e[4] for e in entries(db)[10:20]] == [
        {"activities": 9},
        {"file": "arrangementer-forrige.csv", "records": 55},
        {"category": "event_participant", "count": 20, "deleted_on": "2026-11-03", "id": 1},  # 3 weeks ago
        {"file": "arrangementer.csv", "records": 35},
        {"file": "superoffice-kontakter.csv", "records": 105},
        {"file": "medlemsregister.csv", "records": 42},
        {"file": "medlemsdata.csv", "records": 30},
        {"category": "prospect", "count": 12, "deleted_on": "2026-11-23", "id": 2},  # yesterday
        {"rows": 68},
        {"added": 138, "rows": 138},  # 128 marketing sends and 10 booking confirmations
    ]
    assert entries(db)[20][4] == {"processors": 11}
    # A request is named by its number and kind only; the objection and the opt-out, given with
    # an address, withdraw the person's consents; the erasure gets a task per system holding
    # personal data (5 of the demo's 6 systems: not the public website).
    assert [e[4] for e in entries(db) if e[2] == "request.add"] == [
        {"kind": "access"}, {"kind": "rectification"}, {"kind": "portability"}, {"kind": "access"},
        {"kind": "erasure", "erasure_tasks": 5}, {"kind": "restriction"},
        {"kind": "objection", "consent_withdrawn": True}, {"kind": "marketing_opt_out", "consent_withdrawn": True}]
    result = vern_cli(db, "trail", "verify")
    assert result.returncode == 0
    count = 29 + len(DEMO_REQUEST_STEPS) + len(DEMO_BREACH_STEPS)
    assert len(got) == count
    assert result.stdout == f"{count} entries intact; head {hashes(db)[count]}\n"


def test_chain_links_every_entry(six):
    con = duckdb.connect(str(six), read_only=True)
    rows = con.execute("SELECT seq, at_utc, prev_hash, hash FROM trail ORDER BY seq").fetchall()
    con.close()
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0][2] == "0" * 64
    for before, after in zip(rows, rows[1:], strict=False):
        assert after[2] == before[3]
    assert {r[1] for r in rows} == {AT}
    assert len({r[3] for r in rows}) == 6


def test_verify_intact_and_empty(six, tmp_path, env):
    result = vern_cli(six, "trail", "verify")
    assert result.returncode == 0
    assert result.stdout == f"6 entries intact; head {hashes(six)[6]}\n"
    result = vern_cli(six, "trail", "verify", "--head", hashes(six)[6])
    assert result.returncode == 0
    assert result.stdout == f"6 entries intact; head {hashes(six)[6]}\n"
    empty = tmp_path / "empty.duckdb"
    result = vern_cli(empty, "trail", "verify")
    assert result.returncode == 0
    assert result.stdout == f"0 entries intact; head {'0' * 64}\n"


# -- tampering -------------------------------------------------------------------------------
def test_edited_entry_is_caught(six):
    raw(six, ("UPDATE trail SET details = ? WHERE seq = 3", ['{"rows":300}']))
    assert_broken(six, "2 intact entries: entry 3 was changed (its content no longer matches its hash)")


def test_edited_actor_is_caught(six):
    raw(six, ("UPDATE trail SET actor = 'someone-else' WHERE seq = 5",))
    assert_broken(six, "4 intact entries: entry 5 was changed (its content no longer matches its hash)")


def test_edited_entry_with_recomputed_hash_is_caught_by_the_next_link(six):
    prev = hashes(six)[2]
    details = '{"rows":300}'
    digest = trail._hash(prev, trail._canonical(3, AT, "actor3", "export", "report-3.csv", details))
    raw(six, ("UPDATE trail SET details = ?, hash = ? WHERE seq = 3", [details, digest]))
    assert_broken(six, "3 intact entries: entry 3 was changed or inserted (entry 4 does not link to it)")


def test_deleted_entry_is_caught(six):
    raw(six, ("DELETE FROM trail WHERE seq = 3",))
    assert_broken(six, "2 intact entries: entry 3 was removed (entry 4 follows entry 2)")


def test_deleted_first_entry_is_caught(six):
    raw(six, ("DELETE FROM trail WHERE seq = 1",))
    assert_broken(six, "0 intact entries: entry 1 was removed (entry 2 follows entry 0)")


def test_deleted_entries_are_caught(six):
    raw(six, ("DELETE FROM trail WHERE seq IN (3, 4)",))
    assert_broken(six, "2 intact entries: entry 3 to 4 was removed (entry 5 follows entry 2)")


def test_deleted_entry_with_renumbering_is_caught(six):
    raw(six, ("DELETE FROM trail WHERE seq = 3",),
        ("UPDATE trail SET seq = seq + 100 WHERE seq > 3",),
        ("UPDATE trail SET seq = seq - 101 WHERE seq > 100",))
    assert [e[0] for e in entries(six)] == [1, 2, 3, 4, 5]
    assert_broken(six, "2 intact entries: entry 3 was removed (the entries after it were renumbered)")


def _without_primary_key(db: Path) -> tuple:
    """Someone with the file can drop the primary key that keeps numbers unique."""
    return (("CREATE TABLE trail_copy AS SELECT * FROM trail",), ("DROP TABLE trail",),
            ("ALTER TABLE trail_copy RENAME TO trail",))


def test_inserted_entry_with_a_duplicate_number_is_caught(six):
    entry = forged(3, hashes(six)[2])
    raw(six, *_without_primary_key(six), ("INSERT INTO trail VALUES (?, ?, ?, ?, ?, ?, ?, ?)", entry))
    assert [e[0] for e in entries(six)] == [1, 2, 3, 3, 4, 5, 6]
    assert_broken(six, "3 intact entries: entry 3 was inserted (two entries are numbered 3)")


def test_inserted_entry_with_renumbering_is_caught(six):
    entry = forged(3, hashes(six)[2])
    raw(six, ("UPDATE trail SET seq = seq + 100 WHERE seq >= 3",),
        ("UPDATE trail SET seq = seq - 99 WHERE seq > 100",),
        ("INSERT INTO trail VALUES (?, ?, ?, ?, ?, ?, ?, ?)", entry))
    assert [e[0] for e in entries(six)] == [1, 2, 3, 4, 5, 6, 7]
    assert entries(six)[2][1] == "mallory"
    assert_broken(six, "3 intact entries: entry 3 was inserted (the entries after it were renumbered)")


def test_truncated_tail_is_caught_with_the_head_recorded_earlier(six):
    recorded = hashes(six)[6]
    raw(six, ("DELETE FROM trail WHERE seq > 4",))
    # Without the head, a shorter trail looks whole: that is why the head is printed.
    result = vern_cli(six, "trail", "verify")
    assert result.returncode == 0
    assert result.stdout == f"4 entries intact; head {hashes(six)[4]}\n"
    assert_broken(six, f"4 intact entries: the head {recorded[:16]}… recorded earlier is gone: "
                       "entries were removed from the end, or the trail rewritten", "--head", recorded)
    result = vern_cli(six, "trail", "verify", "--head", hashes(six)[4])
    assert result.returncode == 0


def test_rewritten_chain_is_caught_with_the_head(six):
    recorded = hashes(six)[6]
    con = duckdb.connect(str(six))
    rows = con.execute("SELECT seq, at_utc, actor, action, object, details FROM trail ORDER BY seq").fetchall()
    prev = "0" * 64
    for seq, at, actor, action, obj, details in rows:
        if seq == 3:
            details = '{"rows":0}'
        digest = trail._hash(prev, trail._canonical(seq, at, actor, action, obj, details))
        con.execute("UPDATE trail SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                    [details, prev, digest, seq])
        prev = digest
    con.close()
    assert vern_cli(six, "trail", "verify").returncode == 0
    assert_broken(six, f"6 intact entries: the head {recorded[:16]}… recorded earlier is gone: "
                       "entries were removed from the end, or the trail rewritten", "--head", recorded)


def test_require_intact_names_the_problem(six, env):
    raw(six, ("DELETE FROM trail WHERE seq = 2",))
    store = keys.open_store(six, six.with_suffix(".key"))
    try:
        assert trail.verify(store) == (1, "entry 2 was removed (entry 3 follows entry 1)")
        from audits.errors import VernError
        with pytest.raises(VernError) as caught:
            trail.require_intact(store)
        assert str(caught.value) == ("the audit trail is broken after 1 intact entries: "
                                     "entry 2 was removed (entry 3 follows entry 1)")
    finally:
        store.close()


# -- listing ---------------------------------------------------------------------------------
@pytest.fixture
def varied(db, monkeypatch):
    vern = open_vern(str(db))
    try:
        for at, actor, action, obj in (
            ("2026-11-20T09:00:00+01:00", "alice", "users.add", "u1"),
            ("2026-11-21T09:00:00+01:00", "bob", "users.add", "u2"),
            ("2026-11-22T09:00:00+01:00", "alice", "users.disable", "u1"),
            ("2026-11-23T09:00:00+01:00", "alice", "finding.status", "f1"),
            ("2026-11-24T09:00:00+01:00", "alice", "users.add", "u3"),
            ("2026-11-24T10:00:00+01:00", "alice", "usersx", "u4"),
        ):
            monkeypatch.setenv("VERN_NOW", at)
            trail.record(vern.store, actor, action, obj, {"n": obj})
    finally:
        vern.close()
    return db


def listed(db: Path, *args: str) -> list[dict]:
    result = vern_cli(db, "trail", "list", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_list_json_shape(varied):
    rows = listed(varied)
    assert [r["seq"] for r in rows] == [6, 5, 4, 3, 2, 1]
    assert sorted(rows[0]) == ["action", "actor", "at_utc", "details", "hash", "object", "prev_hash", "seq"]
    assert rows[-1] == {**rows[-1], "at_utc": "2026-11-20T08:00:00Z", "actor": "alice",
                        "action": "users.add", "object": "u1", "details": {"n": "u1"},
                        "prev_hash": "0" * 64}


def test_list_filters_by_actor_action_and_since(varied):
    def seqs(*args):
        return [r["seq"] for r in listed(varied, *args)]

    assert seqs("--actor", "alice") == [6, 5, 4, 3, 1]
    assert seqs("--action", "users") == [5, 3, 2, 1]  # a family, not a prefix ('usersx' is not in it)
    assert seqs("--action", "users.add") == [5, 2, 1]
    assert seqs("--since", "2026-11-22T09:00:00+01:00") == [6, 5, 4, 3]
    assert seqs("--since", "2026-11-22T08:00:00Z") == [6, 5, 4, 3]
    assert seqs("--actor", "alice", "--action", "users", "--since", "2026-11-21T00:00:00+01:00") == [5, 3]
    assert seqs("--actor", "carol") == []
    assert seqs("--limit", "2") == [6, 5]


def test_list_since_refuses_a_naive_time(varied):
    result = vern_cli(varied, "trail", "list", "--json", "--since", "2026-11-22T09:00")
    assert result.returncode == 1
    assert result.stderr == "vern: --since: has no UTC offset (write e.g. 2026-03-28T10:00+01:00)\n"


def test_list_since_compares_instants_not_text(db, monkeypatch):
    """An entry half a second after --since is after it (the clock is not always on whole seconds)."""
    vern = open_vern(str(db))
    try:
        monkeypatch.setenv("VERN_NOW", "2026-11-24T11:00:00.500000+00:00")
        trail.record(vern.store, "alice", "export", "a.csv")
        monkeypatch.setenv("VERN_NOW", "2026-11-24T11:00:01+00:00")
        trail.record(vern.store, "alice", "export", "b.csv")
    finally:
        vern.close()
    assert [r["object"] for r in listed(db, "--since", "2026-11-24T11:00:00Z")] == ["b.csv", "a.csv"]
    assert [r["object"] for r in listed(db, "--since", "2026-11-24T11:00:00.600Z")] == ["b.csv"]
