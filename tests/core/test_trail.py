"""The audit trail, chained with HMAC-SHA256 under the trail key (issue 15): every change
appends; `vern trail verify` catches an edited, a deleted, an inserted entry — the first,
a middle and the last — a trail recomputed with SHA-256 or another key, one cut short
(against the head recorded outside the database), emptied or dropped; after a break Vern
records on in a new segment instead of chaining onto it; `vern trail list` filters."""

import base64
import hashlib
import hmac
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import vern_process

from audits.accounts import users
from audits.checking import findings, runner
from audits.core import keys, pseudonyms, trail
from audits.processors import register as processors
from audits.runtime import open_vern

VERN = str(Path(sys.executable).parent / "vern")
NOW = "2026-11-24T12:00:00+01:00"
AT = "2026-11-24T11:00:00Z"
GENESIS = "0" * 64
COLUMNS = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"


def vern_cli(db: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), "--lang", "en", *args], capture_output=True, text=True,
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


def trail_key(db: Path) -> bytes:
    return base64.urlsafe_b64decode(json.loads(db.with_suffix(".key").read_text())["trail"])


def heads_file(db: Path) -> Path:
    return db.with_suffix(".trail-heads")


# The rule, written out: an entry's chain value is HMAC-SHA256(trail key, previous value, a
# newline, and the JSON array [seq, at_utc, actor, action, object, details] without spaces).
def content(seq: int, at: str, actor: str, action: str, obj: str, details: str) -> bytes:
    return json.dumps([seq, at, actor, action, obj, details], ensure_ascii=False, separators=(",", ":")).encode()


def mac(key: bytes, prev: str, *entry) -> str:
    return hmac.new(key, prev.encode() + b"\n" + content(*entry), hashlib.sha256).hexdigest()


def sha(prev: str, *entry) -> str:
    """The chain before issue 15, which anyone can recompute."""
    return hashlib.sha256(prev.encode() + b"\n" + content(*entry)).hexdigest()


def head_signature(key: bytes, seq: int, value: str, at: str = AT) -> str:
    return hmac.new(key, f"vern trail head\n{seq}\n{value}\n{at}".encode(), hashlib.sha256).hexdigest()


def forged(seq: int, prev: str, key: bytes | None = None) -> list:
    """An entry made by someone who knows the algorithm: with SHA-256, or with a key of their own."""
    entry = (seq, AT, "mallory", "users.disable", "kari", "{}")
    digest = mac(key, prev, *entry) if key else sha(prev, *entry)
    return [*entry, prev, digest]


INSERT = "INSERT INTO trail (seq, at_utc, actor, action, object, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"


@pytest.fixture
def seven(db):
    """A database whose trail holds seven entries: the one every database begins with and six
    exports; closed."""
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


def assert_intact(db: Path, count: int) -> None:
    result = vern_cli(db, "trail", "verify")
    assert result.returncode == 0, result.stderr
    top = hashes(db)[max(hashes(db))]
    signature = head_signature(trail_key(db), max(hashes(db)), top, entries_at(db)[max(hashes(db))])
    assert result.stdout == f"{count} entries intact; head {top} (entry {max(hashes(db))}, signature {signature[:16]})\n"


def entries_at(db: Path) -> dict[int, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT seq, at_utc FROM trail").fetchall())
    finally:
        con.close()


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
        (1, "vern", "trail.start", "", {}),  # every database begins its trail when it is created
        (2, "alice", "processors.import", "register.csv", {"rows": 1}),
        (3, "alice", "check.run", "processors",
         {"run": 1, "status": "succeeded", "findings": 1, "evidence_rows": 1}),
        (4, "alice", "finding.status", fp, {"from": "open", "to": "acknowledged", "review_on": None}),
        (5, "admin1", "users.add", "bob", {"roles": ["staff"]}),
        (6, "bob", "sign_in", "bob", {"method": "password"}),
        (7, "bob", "sign_in.failed", "bob", {"reason": "wrong password", "locked": False}),
        (8, "anonymous", "sign_in.failed", "", {"reason": "unknown user"}),
        (9, "admin1", "users.set_password", "bob", {}),
        (10, "admin1", "users.disable", "bob", {}),
        (11, "alice", "export", "findings.csv", {"rows": 1}),
        (12, "alice", "pseudonym.reidentify", pseudonym, {}),
        (13, "admin1", "keys.rotate", "k2", {"re_encrypted": 4}),
        (14, "alice", "check.run", "processors", {"run": 2, "status": "failed"}),
    ]
    flat = json.dumps(entries(db))
    for personal in ("kari", "nobody-here", "seen it", "access request", "horse", "pigeon"):
        assert personal not in flat

    assert_intact(db, 14)


# What `vern demo` does to its eight data-subject requests, in order (audits/demo/subject_requests.py):
# answered on time; answered late, unverified; extended and answered; overdue; an erasure with two
# of its systems done; a restriction extended; an objection just in; a marketing opt-out answered.
DEMO_REQUEST_STEPS = [(1, "add"), (1, "verify"), (1, "search"), (1, "answer"), (2, "add"), (2, "answer"),
                      (3, "add"), (3, "verify"), (3, "extend"), (3, "answer"), (4, "add"), (4, "verify"),
                      (5, "add"), (5, "verify"), (5, "erase"), (5, "erase"), (6, "add"), (6, "extend"),
                      (7, "add"), (8, "add"), (8, "verify"), (8, "answer")]
# What `vern demo` does to its five breaches, in order (audits/demo/loader.py).
DEMO_BREACH_STEPS = [(1, "add"), (2, "add"), (2, "assess"), (2, "decide"), (3, "add"), (3, "assess"),
                     (3, "decide"), (3, "notify"), (4, "add"), (4, "assess"), (4, "decide"), (4, "close"),
                     (5, "add")]


@pytest.mark.parametrize(("actor", "nb", "en"), [
    ("cli:root", "root (kommandolinjen)", "root (command line)"),
    ("cli", "kommandolinjen", "the command line"),
    ("vern", "Vern (automatisk)", "Vern (automatic)"),
    ("schedule", "Vern (planlagt)", "Vern (scheduled)"),
    ("scheduler", "Vern (planlagt)", "Vern (scheduled)"),
    ("kari.nordmann@example.org", "kari.nordmann@example.org", "kari.nordmann@example.org"),
    ("adviser", "adviser", "adviser"),
])
def test_an_actor_is_named_in_words_where_people_read_it(actor, nb, en):
    assert (trail.actor_name(actor, "nb"), trail.actor_name(actor, "en")) == (nb, en)


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
        ("vern", "trail.start", ""),
        ("cli:tester", "processors.import", "processors.csv"),
        # The demo's directory and access logs (audits/demo/access.py), imported the real way.
        ("cli:tester", "people.import", "people.csv"),
        ("cli:tester", "systems.import", "systems.csv"),
        ("cli:tester", "grants.import", "grants.csv"),
        *[("cli:tester", "access_logs.import", fmt) for fmt in ("m365", "gworkspace", "cloudtrail", "csv")],
        # ...and its training records (audits/demo/training.py): the LMS export, then the xAPI statements.
        ("cli:tester", "training.import", "csv"),
        ("cli:tester", "training.import", "xapi"),
        # ...its record of processing activities (audits/demo/activities.py)...
        ("cli:tester", "activities.import", "behandlingsprotokoll.json"),
        # ...its inventories (audits/demo/retention.py): the events drive before and after a
        # recorded deletion, the other systems, then a deletion the next CRM inventory will confirm...
        ("cli:tester", "inventory.import", "Arrangementer (Google Drive)"),
        ("cli:tester", "retention.deletion", "Arrangementer (Google Drive)"),
        ("cli:tester", "inventory.import", "Arrangementer (Google Drive)"),
        ("cli:tester", "inventory.import", "SuperOffice CRM"),
        ("cli:tester", "inventory.import", "Medlemsregister (SharePoint)"),
        ("cli:tester", "inventory.import", "Medlemsdata (AWS S3)"),
        ("cli:tester", "retention.deletion", "SuperOffice CRM"),
        # ...and its consent register and campaign sends (audits/demo/consent.py).
        ("cli:tester", "consents.import", "samtykkeregister.csv"),
        ("cli:tester", "campaigns.import", "utsendelseslogg.csv"),
        ("cli:tester", "demo.load", ""),
        ("cli:tester", "users.add", "adviser"),
        ("cli:tester", "users.add", "staff"),
        ("cli:tester", "users.add", "board"),
        ("cli:tester", "users.add", "admin"),
        # ...its organisation profile, from the association's privacy statement...
        ("cli:tester", "organisation.changed", ""),
        *[("cli:tester", f"request.{action}", str(request)) for request, action in DEMO_REQUEST_STEPS],
        *[("cli:tester", f"breach.{action}", str(breach)) for breach, action in DEMO_BREACH_STEPS],
        ("cli:tester", "users.add", "ola"),
        ("cli:tester", "users.set_password", "ola"),
        ("cli:tester", "users.disable", "ola"),
        ("cli:tester", "keys.rotate", "k2"),
    ]
    assert [e[4] for e in entries(db)[2:5]] == [{"rows": 12}, {"rows": 6}, {"rows": 18}]
    assert [e[4] for e in entries(db)[9:11]] == [{"files": 1, "completions": 2, "added": 2},
                                                 {"files": 1, "completions": 5, "added": 5}]
    assert [e[4] for e in entries(db)[11:21]] == [
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
    assert entries(db)[21][4] == {"processors": 11}
    # A request is named by its number and kind only; the objection and the opt-out, given with
    # an address, withdraw the person's consents; the erasure gets a task per system holding
    # personal data (5 of the demo's 6 systems: not the public website).
    assert [e[4] for e in entries(db) if e[2] == "request.add"] == [
        {"kind": "access"}, {"kind": "rectification"}, {"kind": "portability"}, {"kind": "access"},
        {"kind": "erasure", "erasure_tasks": 5}, {"kind": "restriction"},
        {"kind": "objection", "consent_withdrawn": True}, {"kind": "marketing_opt_out", "consent_withdrawn": True}]
    count = 31 + len(DEMO_REQUEST_STEPS) + len(DEMO_BREACH_STEPS)
    assert len(got) == count
    assert_intact(db, count)


def test_each_chain_value_is_an_hmac_under_the_trail_key(seven):
    """Worked out here from the rule, with the key from the key file — not the SHA-256 of before."""
    con = duckdb.connect(str(seven), read_only=True)
    rows = con.execute("SELECT seq, at_utc, actor, action, object, details, prev_hash, hash "
                       "FROM trail ORDER BY seq").fetchall()
    con.close()
    key = trail_key(seven)
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert rows[0][:6] == (1, AT, "vern", "trail.start", "", "{}")
    assert rows[3][:6] == (4, AT, "actor3", "export", "report-3.csv", '{"rows":3}')
    prev = GENESIS
    for seq, at, actor, action, obj, details, prev_hash, value in rows:
        assert prev_hash == prev
        assert value == mac(key, prev, seq, at, actor, action, obj, details)
        assert value != sha(prev, seq, at, actor, action, obj, details)
        prev = value


def test_verify_intact_prints_the_signed_head(seven):
    assert_intact(seven, 7)
    key, head = trail_key(seven), hashes(seven)[7]
    # ...and the head recorded outside the database after each commit is that same head, signed.
    assert heads_file(seven).read_text().splitlines()[-1] == f"7 {head} {AT} {head_signature(key, 7, head)}"
    result = vern_cli(seven, "trail", "verify", "--head", hashes(seven)[5])
    assert result.returncode == 0


def test_a_new_database_begins_its_trail(db):
    assert vern_cli(db, "init").returncode == 0
    assert entries(db) == [(1, "vern", "trail.start", "", {})]
    assert_intact(db, 1)


# -- tampering: the first, a middle and the last entry ---------------------------------------------
@pytest.mark.parametrize(("seq", "intact"), [(1, 0), (4, 3), (7, 6)])
def test_an_edited_entry_is_caught(seven, seq, intact):
    raw(seven, ("UPDATE trail SET actor = 'someone-else' WHERE seq = ?", [seq]))
    assert_broken(seven, f"{intact} intact entries: entry {seq} was changed (its content no longer matches its hash)")


def test_edited_details_are_caught(seven):
    raw(seven, ("UPDATE trail SET details = ? WHERE seq = 4", ['{"rows":300}']))
    assert_broken(seven, "3 intact entries: entry 4 was changed (its content no longer matches its hash)")


@pytest.mark.parametrize("seq", [1, 4, 7])
def test_an_edited_entry_with_its_hash_recomputed_with_sha256_is_caught(seven, seq):
    """Whoever knows the algorithm but not the key: the entry itself no longer verifies."""
    details = '{"rows":300}'
    con = duckdb.connect(str(seven))
    at, actor, action, obj, prev = con.execute(
        "SELECT at_utc, actor, action, object, prev_hash FROM trail WHERE seq = ?", [seq]).fetchone()
    con.execute("UPDATE trail SET details = ?, hash = ? WHERE seq = ?",
                [details, sha(prev, seq, at, actor, action, obj, details), seq])
    con.close()
    assert_broken(seven, f"{seq - 1} intact entries: entry {seq} was forged: its hash was computed without "
                         "the trail key")


def test_an_edited_entry_with_its_hash_recomputed_under_another_key_is_caught(seven):
    details, other = '{"rows":300}', b"k" * 32
    prev = hashes(seven)[3]
    raw(seven, ("UPDATE trail SET details = ?, hash = ? WHERE seq = 4",
                [details, mac(other, prev, 4, AT, "actor3", "export", "report-3.csv", details)]))
    assert_broken(seven, "3 intact entries: entry 4 was changed (its content no longer matches its hash)")


@pytest.mark.parametrize("sign", ["sha256", "another key"])
def test_a_trail_recomputed_from_the_start_fails_at_the_first_entry(seven, sign):
    other = b"m" * 32
    con = duckdb.connect(str(seven))
    rows = con.execute("SELECT seq, at_utc, actor, action, object, details FROM trail ORDER BY seq").fetchall()
    prev = GENESIS
    for seq, at, actor, action, obj, details in rows:
        if seq == 4:
            details = '{"rows":0}'
        value = sha(prev, seq, at, actor, action, obj, details) if sign == "sha256" else \
            mac(other, prev, seq, at, actor, action, obj, details)
        con.execute("UPDATE trail SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?", [details, prev, value, seq])
        prev = value
    con.close()
    problem = ("entry 1 was forged: its hash was computed without the trail key" if sign == "sha256"
               else "entry 1 was changed (its content no longer matches its hash)")
    assert_broken(seven, f"0 intact entries: {problem}")


def test_a_deleted_entry_is_caught(seven):
    raw(seven, ("DELETE FROM trail WHERE seq = 4",))
    assert_broken(seven, "3 intact entries: entry 4 was removed (entry 5 follows entry 3)")


def test_the_deleted_first_entry_is_caught(seven):
    raw(seven, ("DELETE FROM trail WHERE seq = 1",))
    assert_broken(seven, "0 intact entries: entry 1 was removed (entry 2 follows entry 0)")


def test_deleted_entries_are_caught(seven):
    raw(seven, ("DELETE FROM trail WHERE seq IN (4, 5)",))
    assert_broken(seven, "3 intact entries: entry 4 to 5 was removed (entry 6 follows entry 3)")


def test_a_deleted_entry_with_renumbering_is_caught(seven):
    raw(seven, ("DELETE FROM trail WHERE seq = 4",),
        ("UPDATE trail SET seq = seq + 100 WHERE seq > 4",),
        ("UPDATE trail SET seq = seq - 101 WHERE seq > 100",))
    assert [e[0] for e in entries(seven)] == [1, 2, 3, 4, 5, 6]
    assert_broken(seven, "3 intact entries: entry 4 was removed (the entries after it were renumbered)")


def test_the_deleted_last_entry_is_caught_by_the_head_recorded_outside_the_database(seven):
    raw(seven, ("DELETE FROM trail WHERE seq = 7",))
    assert_broken(seven, f"6 intact entries: entry 7, the head recorded in {heads_file(seven)} on "
                         "2026-11-24 12:00, is gone: entries were removed from the end, or the trail rewritten")


def test_a_tail_cut_off_is_caught_also_with_a_head_given_by_hand(seven):
    recorded = hashes(seven)[7]
    raw(seven, ("DELETE FROM trail WHERE seq > 4",))
    heads_file(seven).unlink()  # even without the head file, a head printed in a report catches it
    assert_broken(seven, f"4 intact entries: the head {recorded[:16]}… recorded earlier is gone: "
                         "entries were removed from the end, or the trail rewritten", "--head", recorded)


def _without_primary_key() -> tuple:
    """Someone with the file can drop the primary key that keeps numbers unique."""
    return (("CREATE TABLE trail_copy AS SELECT * FROM trail",), ("DROP TABLE trail",),
            ("ALTER TABLE trail_copy RENAME TO trail",))


def test_an_inserted_entry_with_a_duplicate_number_is_caught(seven):
    raw(seven, *_without_primary_key(), (INSERT, forged(4, hashes(seven)[3])))
    assert [e[0] for e in entries(seven)] == [1, 2, 3, 4, 4, 5, 6, 7]
    assert_broken(seven, "4 intact entries: entry 4 was inserted (two entries are numbered 4)")


@pytest.mark.parametrize(("key", "problem"), [
    (None, "entry 4 was forged: its hash was computed without the trail key"),
    (b"x" * 32, "entry 4 was changed (its content no longer matches its hash)")])
def test_an_inserted_entry_with_renumbering_is_caught(seven, key, problem):
    raw(seven, ("UPDATE trail SET seq = seq + 100 WHERE seq >= 4",),
        ("UPDATE trail SET seq = seq - 99 WHERE seq > 100",),
        (INSERT, forged(4, hashes(seven)[3], key)))
    assert [e[0] for e in entries(seven)] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert entries(seven)[3][1] == "mallory"
    assert_broken(seven, f"3 intact entries: {problem}")


@pytest.mark.parametrize("without_head_file", [False, True])
def test_an_emptied_trail_is_caught(seven, without_head_file):
    raw(seven, ("DELETE FROM trail",))
    if without_head_file:
        heads_file(seven).unlink()  # the database itself proves it began a trail
    assert_broken(seven, "0 intact entries: the trail is empty (every database begins it when it is created)")


@pytest.mark.parametrize("how", ["DROP TABLE trail", "ALTER TABLE trail RENAME TO kept"])
def test_a_dropped_or_renamed_trail_table_is_a_break_not_a_traceback(seven, how):
    raw(seven, (how,))
    result = vern_cli(seven, "trail", "verify")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    # Vern recreates the table and records on in a new segment after the last head it recorded.
    [(seq, actor, action, obj, details)] = entries(seven)
    assert (seq, actor, action, obj) == (8, "vern", "trail.segment", "")
    assert details == {"after": 0, "break": "missing",
                       "detail": "the trail table is missing from the database (dropped or renamed)"}
    assert result.stderr == (
        "vern: audit trail broken after 0 intact entries: the trail table is missing from the database "
        "(dropped or renamed)\n"
        "  recording resumed in a new segment at entry 8\n"
        f"  the segment from entry 8 is intact: 1 entry; head {hashes(seven)[8]}\n")


# -- the head file: a crash leaves it behind; an edit is caught --------------------------------------
def test_a_head_file_one_step_behind_is_accepted(seven):
    """The head is written after the commit: a crash in between leaves the file behind, or its
    last line half written."""
    lines = heads_file(seven).read_text().splitlines(keepends=True)
    heads_file(seven).write_text("".join(lines[:-1]) + lines[-1][:40])
    assert_intact(seven, 7)


def test_an_edited_head_file_is_caught(seven):
    lines = heads_file(seven).read_text().splitlines(keepends=True)
    seq, value, at, _ = lines[-1].split()
    heads_file(seven).write_text("".join(lines[:-1]) + f"{seq} {value} {at} {'0' * 64}\n")
    assert_broken(seven, f"7 intact entries: the last line of {heads_file(seven)} is not signed with the trail key")
    heads_file(seven).write_text("".join(lines[:-1]) + "\x00\xff garbage\n")
    assert_broken(seven, f"7 intact entries: the last line of {heads_file(seven)} is not a head Vern wrote")


def test_the_head_file_stays_small(db, monkeypatch):
    """Past its limit the file is rewritten, atomically, with its newest lines only."""
    from audits.core import trail_heads

    monkeypatch.setattr(trail_heads, "MAX_BYTES", 2000)
    monkeypatch.setattr(trail_heads, "KEEP_BYTES", 600)
    vern = open_vern(str(db))
    try:
        for number in range(40):
            trail.record(vern.store, "alice", "export", f"{number}.csv")
    finally:
        vern.close()
    lines = heads_file(db).read_text().splitlines()
    assert heads_file(db).stat().st_size <= 2000 + 200
    assert len(lines) < 41  # one line a commit, 41 commits: compacted
    key, head = trail_key(db), hashes(db)[41]
    assert lines[-1] == f"41 {head} {AT} {head_signature(key, 41, head)}"
    assert oct(heads_file(db).stat().st_mode & 0o777) == "0o600"
    assert_intact(db, 41)


# -- after a break: a new segment, never chained onto the break ----------------------------------------
def test_after_a_break_vern_records_on_in_a_new_segment(seven):
    """The trail check (hourly, and at server start) verifies every entry; the next change then
    lands in the new segment."""
    raw(seven, ("UPDATE trail SET details = ? WHERE seq = 4", ['{"rows":300}']))
    assert vern_cli(seven, "checks", "run", "trail").returncode == 0
    result = vern_cli(seven, "users", "add", "ola", "--role", "staff", "--password-stdin",
                      input="a long password!\n")
    assert result.returncode == 0, result.stderr
    assert [e[:4] for e in entries(seven)[7:]] == [(8, "vern", "trail.segment", ""),
                                                   (9, "cli:tester", "check.run", "trail"),
                                                   (10, "cli:tester", "users.add", "ola")]
    assert entries(seven)[7][4] == {"after": 3, "break": "changed",
                                    "detail": "entry 4 was changed (its content no longer matches its hash)"}
    # The segment's first entry is chained from the last intact entry, never from the break.
    con = duckdb.connect(str(seven), read_only=True)
    [(prev,)] = con.execute("SELECT prev_hash FROM trail WHERE seq = 8").fetchall()
    con.close()
    assert prev == hashes(seven)[3]
    assert_broken(seven, "3 intact entries: entry 4 was changed (its content no longer matches its hash)\n"
                         "  recording resumed in a new segment at entry 8\n"
                         f"  the segment from entry 8 is intact: 3 entries; head {hashes(seven)[10]}")
    # A later edit in the new segment is a break of its own.
    raw(seven, ("UPDATE trail SET object = 'kari' WHERE seq = 10",))
    assert_broken(seven, "3 intact entries: entry 4 was changed (its content no longer matches its hash)\n"
                         "  recording resumed in a new segment at entry 8\n"
                         "  then broken after 2 intact entries: entry 10 was changed (its content no longer "
                         "matches its hash)")


def test_after_a_cut_off_tail_the_new_segment_takes_the_next_number(seven):
    raw(seven, ("DELETE FROM trail WHERE seq > 5",))
    result = vern_cli(seven, "users", "add", "ola", "--role", "staff", "--password-stdin",
                      input="a long password!\n")
    assert result.returncode == 0, result.stderr
    lost = (f"entry 7, the head recorded in {heads_file(seven)} on 2026-11-24 12:00, is gone: entries were "
            "removed from the end, or the trail rewritten")
    assert [e[:3] for e in entries(seven)[5:]] == [(8, "vern", "trail.segment"), (9, "cli:tester", "users.add")]
    assert entries(seven)[5][4] == {"after": 5, "break": "truncated", "detail": lost}
    assert_broken(seven, f"5 intact entries: {lost}\n"
                         "  recording resumed in a new segment at entry 8\n"
                         f"  the segment from entry 8 is intact: 2 entries; head {hashes(seven)[9]}")


def test_require_intact_names_the_problem(seven, env):
    raw(seven, ("DELETE FROM trail WHERE seq = 3",))
    store = keys.open_store(seven, seven.with_suffix(".key"))
    try:
        assert trail.verify(store) == (2, "entry 3 was removed (entry 4 follows entry 2)")
        from audits.core.errors import VernError
        with pytest.raises(VernError) as caught:
            trail.require_intact(store)
        assert str(caught.value) == ("the audit trail is broken after 2 intact entries: "
                                     "entry 3 was removed (entry 4 follows entry 2)")
    finally:
        store.close()


# -- listing ---------------------------------------------------------------------------------
@pytest.fixture
def varied(db, monkeypatch):
    monkeypatch.setenv("VERN_NOW", "2026-11-19T09:00:00+01:00")  # the database, and its first entry
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
    assert [r["seq"] for r in rows] == [7, 6, 5, 4, 3, 2, 1]
    assert sorted(rows[0]) == ["action", "actor", "at_utc", "details", "hash", "object", "prev_hash", "seq"]
    assert rows[-1] == {**rows[-1], "at_utc": "2026-11-19T08:00:00Z", "actor": "vern",
                        "action": "trail.start", "object": "", "details": {}, "prev_hash": "0" * 64}
    assert rows[-2] == {**rows[-2], "at_utc": "2026-11-20T08:00:00Z", "actor": "alice",
                        "action": "users.add", "object": "u1", "details": {"n": "u1"},
                        "prev_hash": rows[-1]["hash"]}


def test_list_filters_by_actor_action_and_since(varied):
    def seqs(*args):
        return [r["seq"] for r in listed(varied, *args)]

    assert seqs("--actor", "alice") == [7, 6, 5, 4, 2]
    assert seqs("--action", "users") == [6, 4, 3, 2]  # a family, not a prefix ('usersx' is not in it)
    assert seqs("--action", "users.add") == [6, 3, 2]
    assert seqs("--since", "2026-11-22T09:00:00+01:00") == [7, 6, 5, 4]
    assert seqs("--since", "2026-11-22T08:00:00Z") == [7, 6, 5, 4]
    assert seqs("--actor", "alice", "--action", "users", "--since", "2026-11-21T00:00:00+01:00") == [6, 4]
    assert seqs("--actor", "carol") == []
    assert seqs("--limit", "2") == [7, 6]


def test_list_since_refuses_a_naive_time(varied):
    result = vern_cli(varied, "trail", "list", "--json", "--since", "2026-11-22T09:00")
    assert result.returncode == 1
    assert result.stderr == "vern: --since: has no UTC offset (write e.g. 2026-03-28T10:00+01:00)\n"


def test_list_since_compares_instants_not_text(db, monkeypatch):
    """An entry half a second after --since is after it (the clock is not always on whole seconds)."""
    monkeypatch.setenv("VERN_NOW", "2026-11-24T10:00:00+00:00")  # the database's first entry
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
