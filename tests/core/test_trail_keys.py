"""The trail key and the key file (issue 15, items 6 and 10): a new key file holds a trail
key; an older one gets it the first time it is opened; VERN_KEYS without one, a foreign one,
and a key file that is a directory, binary, not JSON or of the wrong shape each stop Vern
with a message naming the file — never a traceback. A trail written before issue 15
(SHA-256, built by hand here) is upgraded without losing its history, a break included."""

import base64
import hashlib
import hmac
import json
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import vern_process

from audits.core import trail
from audits.runtime import open_vern

VERN = str(Path(sys.executable).parent / "vern")
AT = "2026-11-24T11:00:00Z"
GENESIS = "0" * 64
CANARY = "vern key check"


def vern_cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), "--lang", "en", *args], capture_output=True, text=True, timeout=120)


def key_file(db: Path) -> Path:
    return db.with_suffix(".key")


def heads_file(db: Path) -> Path:
    return db.with_suffix(".trail-heads")


def b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text)


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def content(seq: int, actor: str, action: str, obj: str, details: str) -> bytes:
    return json.dumps([seq, AT, actor, action, obj, details], separators=(",", ":")).encode()


def mac(key: bytes, prev: str, *entry) -> str:
    return hmac.new(key, prev.encode() + b"\n" + content(*entry), hashlib.sha256).hexdigest()


def sha(prev: str, *entry) -> str:
    return hashlib.sha256(prev.encode() + b"\n" + content(*entry)).hexdigest()


def assert_refused(db: Path, message: str) -> None:
    result = vern_cli(db, "trail", "verify")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"vern: {message}\n"


# -- the trail key in the key file ---------------------------------------------------------------
def test_a_new_key_file_holds_a_trail_key_bound_to_the_database(db):
    assert vern_cli(db, "init").returncode == 0
    content = json.loads(key_file(db).read_text())
    assert sorted(content) == ["encryption", "primary", "pseudonym", "trail", "version"]
    assert content["version"] == 2
    trail_key = b64(content["trail"])
    assert len(trail_key) == 32
    assert trail_key not in (b64(content["pseudonym"]), b64(content["encryption"]["k1"]))
    assert stat.S_IMODE(key_file(db).stat().st_mode) == 0o600
    [(check,)] = query(db, "SELECT value FROM settings WHERE key = 'key_check:trail'")
    assert check == hmac.new(trail_key, CANARY.encode(), hashlib.sha256).hexdigest()
    # the key itself is nowhere in the database
    assert content["trail"].encode() not in db.read_bytes() and trail_key not in db.read_bytes()


def test_a_foreign_trail_key_is_refused_and_nothing_changes(db):
    assert vern_cli(db, "init").returncode == 0
    content = json.loads(key_file(db).read_text())
    content["trail"] = base64.urlsafe_b64encode(b"f" * 32).decode()
    key_file(db).write_text(json.dumps(content))
    before = query(db, "SELECT * FROM trail")
    assert_refused(db, f"{key_file(db)}: the trail key is not the one this database's audit trail is chained with")
    assert query(db, "SELECT * FROM trail") == before


def test_vern_keys_without_a_trail_key_says_what_to_add(db, monkeypatch, tmp_path):
    keys = {"version": 1, "primary": "k1", "encryption": {"k1": base64.urlsafe_b64encode(b"e" * 32).decode()},
            "pseudonym": base64.urlsafe_b64encode(b"p" * 32).decode()}
    monkeypatch.setenv("VERN_KEYS", json.dumps(keys))
    assert_refused(db, 'VERN_KEYS has no trail key: add "trail" with 32 random bytes in URL-safe base64 (for '
                       "example from `openssl rand 32 | basenc --base64url`) to it, and keep it with the other keys")
    keys |= {"version": 2, "trail": base64.urlsafe_b64encode(b"t" * 32).decode()}
    monkeypatch.setenv("VERN_KEYS", json.dumps(keys))
    result = vern_cli(db, "trail", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 entries intact; head ")
    assert not key_file(db).exists()
    # The head is recorded where the key file would be: beside the database, or at [keys] path.
    [(seq, value)] = query(db, "SELECT seq, hash FROM trail")
    assert value == mac(b"t" * 32, GENESIS, 1, "vern", "trail.start", "", "{}")
    assert heads_file(db).read_text().split()[:2] == [str(seq), value]


# -- a key file that is not one: a clear message, exit 1, the file kept ------------------------------
BAD_KEY_FILES = [
    (b"\xff\xfe\x00binary", "is not a Vern key file (not UTF-8 text)"),
    (b"not json at all", "is not a Vern key file (not JSON)"),
    (b"[" * 60_000, "is not a Vern key file (not JSON)"),
    (b"[]", "is not a Vern key file (it is not a JSON object)"),
    (b'{"version": 3}', "is not a Vern key file (its version is not 1 or 2)"),
    (b'{"version": 2, "primary": "k1"}', 'is not a Vern key file ("encryption" does not map key ids to keys)'),
    (b'{"version": 2, "primary": "k1", "encryption": {"k1": "c2hvcnQ="}}',
     "is not a Vern key file (encryption key 'k1' is not 32 bytes in URL-safe base64)"),
    (b'{"version": 2, "primary": "k1", "encryption": {"k1": 7}}',
     "is not a Vern key file (encryption key 'k1' is not 32 bytes in URL-safe base64)"),
    (b"{" + b" " * (70 * 1024) + b"}", "is not a Vern key file (larger than 64 KiB)"),
]


@pytest.mark.parametrize(("data", "problem"), BAD_KEY_FILES)
def test_a_key_file_that_is_not_one_is_named(db, data, problem):
    assert vern_cli(db, "init").returncode == 0
    key_file(db).write_bytes(data)
    before = query(db, "SELECT * FROM trail")
    assert_refused(db, f"{key_file(db)} {problem}")
    assert key_file(db).read_bytes() == data
    assert query(db, "SELECT * FROM trail") == before


def test_a_key_file_with_a_bad_trail_or_pseudonym_key_is_named(db):
    assert vern_cli(db, "init").returncode == 0
    good = json.loads(key_file(db).read_text())
    for name, value, problem in (("trail", "!!", "the trail key"), ("trail", None, "the trail key"),
                                 ("pseudonym", "AAAA", "the pseudonym key")):
        key_file(db).write_text(json.dumps({**good, name: value}))
        assert_refused(db, f"{key_file(db)} is not a Vern key file ({problem} is not 32 bytes in URL-safe base64)")


def test_a_key_file_that_is_a_directory_is_named(db):
    assert vern_cli(db, "init").returncode == 0
    key_file(db).unlink()
    key_file(db).mkdir()
    assert_refused(db, f"the key file {key_file(db)} is a directory, not a Vern key file")
    assert key_file(db).is_dir()


def test_a_head_file_that_is_a_directory_is_named(db):
    assert vern_cli(db, "init").returncode == 0
    heads_file(db).unlink()
    heads_file(db).mkdir()
    assert_refused(db, f"the trail head file {heads_file(db)} is a directory; it must be the file Vern writes")


# -- a trail from before issue 15, upgraded ---------------------------------------------------------
OLD_ENTRIES = [("cli:kari", "processors.import", "register.csv", '{"rows":3}'),
               ("kari", "sign_in", "kari", '{"method":"password"}'),
               ("kari", "finding.status", "abc123", '{"from":"open","to":"acknowledged"}'),
               ("cli:ola", "users.add", "per", '{"roles":["staff"]}'),
               ("kari", "export", "findings.csv", '{"rows":1}')]


def old_database(db: Path, edit_third: bool = False) -> dict[int, str]:
    """A database as Vern left it before issue 15: a trail chained with SHA-256 (written here
    by hand), a version 1 key file without a trail key, no head file, migration 0013 not
    applied (nor any later one). Returns the old hashes."""
    open_vern(str(db)).close()
    content = json.loads(key_file(db).read_text())
    del content["trail"]
    key_file(db).write_text(json.dumps({**content, "version": 1}))
    heads_file(db).unlink()
    con = duckdb.connect(str(db))
    try:
        con.execute("DELETE FROM trail")
        con.execute("ALTER TABLE trail DROP COLUMN legacy_hash")
        con.execute("DELETE FROM settings WHERE key = 'key_check:trail'")
        con.execute("DELETE FROM schema_version WHERE version >= 13")
        for column in ("activity", "processor", "systems", "record_category"):  # migration 0014
            con.execute(f"ALTER TABLE findings DROP COLUMN {column}")
        con.execute("DROP TABLE alerts")  # migration 0015
        con.execute("DROP SEQUENCE alert_id")
        con.execute("DROP TABLE sessions")  # migration 0016
        con.execute("DROP TABLE drafts")
        con.execute("ALTER TABLE breaches DROP COLUMN subject_categories")  # migration 0017
        for table in ("source_cursors", "source_pulls"):  # migration 0018
            con.execute(f"DROP TABLE {table}")
        con.execute("DROP SEQUENCE source_pull_id")
        con.execute("DROP TABLE source_gaps")  # migration 0019
        con.execute("DROP TABLE people_sources")  # migration 0020
        con.execute("DROP TABLE backup_events")  # migration 0021
        con.execute("DROP SEQUENCE backup_event_id")
        prev, old = GENESIS, {}
        for seq, (actor, action, obj, details) in enumerate(OLD_ENTRIES, 1):
            old[seq] = sha(prev, seq, actor, action, obj, details)
            if edit_third and seq == 3:
                details = '{"from":"open","to":"resolved"}'  # edited after it was hashed
            con.execute("INSERT INTO trail VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [seq, AT, actor, action, obj, details, prev, old[seq]])
            prev = old[seq]
    finally:
        con.close()
    return old


def test_an_old_trail_is_upgraded_keeping_every_entry_and_its_old_hash(db):
    old = old_database(db)
    result = vern_cli(db, "trail", "verify")
    assert result.returncode == 0, result.stderr
    content = json.loads(key_file(db).read_text())
    assert content["version"] == 2 and len(b64(content["trail"])) == 32  # added, atomically
    assert stat.S_IMODE(key_file(db).stat().st_mode) == 0o600
    assert not key_file(db).with_name("vern.key.new").exists()
    key = b64(content["trail"])
    rows = query(db, "SELECT seq, actor, action, object, details, prev_hash, hash, legacy_hash FROM trail ORDER BY seq")
    assert [r[1:5] for r in rows[:5]] == OLD_ENTRIES
    assert [r[7] for r in rows] == [old[1], old[2], old[3], old[4], old[5], None]
    prev = GENESIS
    for seq, actor, action, obj, details, prev_hash, value, _ in rows:
        assert (prev_hash, value) == (prev, mac(key, prev, seq, actor, action, obj, details))
        prev = value
    assert rows[5][:5] == (6, "vern", "trail.upgrade", "",
                           json.dumps({"legacy_entries": 5, "legacy_head": old[5]}, separators=(",", ":")))
    assert result.stdout.startswith(f"6 entries intact; head {rows[5][6]} (entry 6, signature ")
    assert query(db, "SELECT count(*) FROM settings WHERE key = 'trail_upgrade'") == [(0,)]
    # upgraded once: opening again changes nothing, and an edit of an old entry is caught
    assert vern_cli(db, "trail", "verify").stdout == result.stdout
    con = duckdb.connect(str(db))
    con.execute("UPDATE trail SET actor = 'mallory' WHERE seq = 2")
    con.close()
    assert_refused(db, "audit trail broken after 1 intact entry: entry 2 was changed "
                       "(its content no longer matches its hash)")


def test_an_old_trail_already_broken_is_upgraded_with_the_break_on_record(db):
    old = old_database(db, edit_third=True)
    result = vern_cli(db, "trail", "verify")
    assert result.returncode == 1
    rows = query(db, "SELECT seq, action, details, prev_hash, hash FROM trail ORDER BY seq")
    # The two intact entries are chained anew; the broken part keeps its old hashes, unvouched.
    assert [r[4] == old[r[0]] for r in rows[:5]] == [False, False, True, True, True]
    assert rows[5][:3] == (6, "trail.upgrade", json.dumps(
        {"after": 2, "break": "changed", "detail": "entry 3 was changed (its content no longer matches its hash)",
         "legacy_entries": 5, "legacy_head": old[5]}, separators=(",", ":")))
    assert rows[5][3] == rows[1][4]  # chained from the last intact entry, not over the break
    assert result.stderr == (
        "vern: audit trail broken after 2 intact entries: entry 3 was changed (its content no longer matches "
        "its hash)\n  recording resumed in a new segment at entry 6\n"
        f"  the segment from entry 6 is intact: 1 entry; head {rows[5][4]}\n")


@pytest.fixture
def seven_entries(db):
    vern = open_vern(str(db))
    try:
        for number in range(6):
            trail.record(vern.store, "alice", "export", f"{number}.csv")
    finally:
        vern.close()
    return db


def test_a_replayed_upgrade_mark_does_not_seal_a_forged_trail(seven_entries):
    """Someone with the database file recomputes the trail with SHA-256 and asks for the
    upgrade again: the head recorded outside the database says this trail was already keyed."""
    db = seven_entries
    con = duckdb.connect(str(db))
    rows = con.execute("SELECT seq, actor, action, object, details FROM trail ORDER BY seq").fetchall()
    prev = GENESIS
    for seq, actor, action, obj, details in rows:
        value = sha(prev, seq, actor, action, obj, details)
        con.execute("UPDATE trail SET prev_hash = ?, hash = ? WHERE seq = ?", [prev, value, seq])
        prev = value
    con.execute("INSERT INTO settings VALUES ('trail_upgrade', 'pending')")
    con.close()
    assert_refused(db, "audit trail broken after 0 intact entries: entry 1 was forged: its hash was computed "
                       "without the trail key")
    assert query(db, "SELECT count(*) FROM trail WHERE action = 'trail.upgrade'") == [(0,)]




def test_an_emptied_trail_dressed_up_as_a_new_database_is_not_begun_again(seven_entries):
    """Someone empties the trail and removes what marks the database as keyed: the head file
    beside the key says this key's trail began long ago."""
    db = seven_entries
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM trail")
    con.execute("DELETE FROM settings WHERE starts_with(key, 'key_check:')")
    con.execute("INSERT INTO settings VALUES ('trail_upgrade', 'pending')")
    con.close()
    assert_refused(db, "audit trail broken after 0 intact entries: the trail is empty (every database begins "
                       "it when it is created)")
    assert query(db, "SELECT count(*) FROM trail") == [(0,)]
