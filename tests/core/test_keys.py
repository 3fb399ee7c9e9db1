"""Field encryption, the key file, rotation, VERN_KEYS, pseudonyms, and a database file
that never holds a planted marker in clear (issue 3: personal data at rest)."""

import hashlib
import hmac
import json
import os
import shutil
import stat
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import duckdb
import pytest
import vern_process

from audits.access import directory
from audits.breaches import register as breaches
from audits.checking import findings, runner
from audits.core import clock, crypto, keys, pseudonyms, trail
from audits.core.crypto import CANARY, KeyProblem
from audits.core.errors import VernError
from audits.processors import register as processors
from audits.runtime import open_vern

VERN = str(Path(sys.executable).parent / "vern")
NOW = "2026-11-24T12:00:00+01:00"
COLUMNS = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"


def key_file(db: Path) -> Path:
    return db.with_suffix(".key")


def vern_cli(db: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), "--lang", "en", *args], capture_output=True, text=True,
                          input=input, timeout=120)


def make_finding(vern, name: str = "Acme AS") -> str:
    """One real finding (no processor agreement) through import and the processors check."""
    register = vern.store.path.parent / "register.csv"
    register.write_text(f"{COLUMNS}\n{name},CRM,NO,none,,,,\n", encoding="utf-8")
    processors.import_register(vern.store, register, "tester")
    result = runner.run(vern.store, vern.config, vern.checks["processors"], "cli", "tester")
    assert result.status == "succeeded"
    rows = findings.listing(vern.store)
    assert [r["rule"] for r in rows] == ["dpa_missing"]
    return rows[0]["fingerprint"]


def fail_a_run(vern, marker: str) -> runner.RunResult:
    """A processors register in the inbox, its file name holding `marker` (lower case), with an
    unknown mechanism: the run fails, naming the file (never a value in it)."""
    inbox = vern.config.inbox / "processors"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / f"register-{marker.lower()}.csv").write_text(
        f"{COLUMNS}\nBeta AS,CRM,NO,sccs,,,,\n", encoding="utf-8")
    result = runner.run(vern.store, vern.config, vern.checks["processors"], "cli", "tester")
    assert result.status == "failed"
    return result


def populate(vern) -> dict:
    """A value in every encrypted field; returns the clear texts."""
    fp = make_finding(vern)
    findings.set_status(vern.store, fp, "risk_accepted", "adviser", "Kari Nordmann agreed",
                        date(2027, 1, 31))
    run = fail_a_run(vern, "carrier-pigeon")
    with vern.store.transaction() as tx:
        pseudonym = pseudonyms.remember(tx, vern.store, "Ola.Nordmann@example.no")
    identity = pseudonyms.reidentify(vern.store, pseudonym, "adviser", "Access request from Ola")
    assert identity == "ola.nordmann@example.no"
    add_breach(vern)
    people = vern.store.path.parent / "people.csv"
    people.write_text("email,name,kind,handles_personal_data,started_on,left_on\n"
                      "kari.nordmann@example.no,Kari Nordmann,employee,yes,2024-01-01,\n", encoding="utf-8")
    directory.import_people(vern.store, people, "adviser")
    return {"fingerprint": fp, "reason": "Kari Nordmann agreed", "error": run.error,
            "pseudonym": pseudonym, "identity": identity, "reid_reason": "Access request from Ola"}


def add_breach(vern) -> int:
    """A breach with a person named in every free-text field, notified late and closed."""
    breach = breaches.add(vern.store, vern.config, "staff", {
        "title": "Kari Nordmann's list", "description": "Kari Nordmann sent it", "aware_at": "2026-11-20T09:00+01:00",
        "reported_by": "Kari Nordmann", "consequences": "Kari Nordmann exposed", "measures": "Kari Nordmann called"})
    breaches.add_information(vern.store, "staff", breach, "Kari Nordmann again")
    breaches.assess(vern.store, "adviser", breach, {"dpc": 1, "ei": 0.25, "cb": {}})
    breaches.decide(vern.store, "adviser", breach, True, False, "Kari Nordmann insisted")
    breaches.notify(vern.store, "adviser", breach, "authority", clock.parse_instant("2026-11-24T10:00+01:00"),
                    "Altinn 1", "Kari Nordmann was away")
    breaches.close(vern.store, "adviser", breach, "Kari Nordmann learned")
    return breach


# The encrypted columns populate() fills, written out by hand (tests/core/test_encrypted_columns.py
# checks the whole list against a database with every feature's data).
POPULATED = ("findings.status_reason", "finding_events.reason", "check_runs.error", "identities.identity",
             "reidentifications.reason", "breaches.title", "breaches.description", "breaches.reported_by",
             "breaches.consequences", "breaches.measures", "breaches.summary", "breach_decisions.reason",
             "breach_notifications.delay_reason", "breach_events.detail", "people.name", "people.email")


def raw_values(db: Path) -> dict[str, list[str]]:
    """Every non-null value of those columns, read straight from the file (store closed)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            column: [r[0] for r in con.execute(
                f"SELECT {column.split('.')[1]} FROM {column.split('.')[0]} "
                f"WHERE {column.split('.')[1]} IS NOT NULL ORDER BY rowid").fetchall()]
            for column in POPULATED
        }
    finally:
        con.close()


def all_rows(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    finally:
        con.close()


# -- encryption ------------------------------------------------------------------------------
def test_round_trip_and_context_binds_value_to_field(tmp_path):
    ring = crypto.new_ring(tmp_path / "k.key")
    clear = "Ola Nordmann, født 01.02.1980 — æøå"
    token = ring.encrypt(clear, "findings.status_reason")
    assert token.startswith("enc1:k1:")
    assert "Nordmann" not in token
    assert ring.decrypt(token, "findings.status_reason") == clear
    assert ring.encrypt(clear, "findings.status_reason") != token  # a fresh nonce each time
    assert ring.encrypt(None, "findings.status_reason") is None
    assert ring.decrypt(None, "findings.status_reason") is None
    with pytest.raises(KeyProblem) as caught:
        ring.decrypt(token, "finding_events.reason")
    assert str(caught.value) == (f"{tmp_path / 'k.key'}: key 'k1' does not decrypt "
                                 "finding_events.reason; wrong key file?")


def test_tampered_ciphertext_is_refused(tmp_path):
    ring = crypto.new_ring(tmp_path / "k.key")
    token = ring.encrypt("secret", "check_runs.error")
    body = crypto._unb64(token.split(":", 2)[2])
    flipped = body[:-1] + bytes([body[-1] ^ 1])
    with pytest.raises(KeyProblem):
        ring.decrypt(f"enc1:k1:{crypto._b64(flipped)}", "check_runs.error")


def test_another_ring_cannot_decrypt(tmp_path):
    mine, theirs = crypto.new_ring(tmp_path / "a.key"), crypto.new_ring(tmp_path / "b.key")
    token = mine.encrypt("secret", "identities.identity")
    with pytest.raises(KeyProblem) as caught:
        theirs.decrypt(token, "identities.identity")
    assert str(caught.value) == (f"{tmp_path / 'b.key'}: key 'k1' does not decrypt "
                                 "identities.identity; wrong key file?")


def test_stored_values_are_encrypted_and_read_back_clear(db):
    vern = open_vern(str(db))
    try:
        clear = populate(vern)
        assert findings.get(vern.store, clear["fingerprint"])["status_reason"] == clear["reason"]
        assert [e["reason"] for e in findings.history(vern.store, clear["fingerprint"])] == [
            None, clear["reason"]]
        assert runner.history(vern.store)[0]["error"] == clear["error"]
        assert "carrier-pigeon" in clear["error"]
    finally:
        vern.close()
    raw = raw_values(db)
    assert {field: len(values) for field, values in raw.items()} == {
        "findings.status_reason": 1, "finding_events.reason": 1, "check_runs.error": 1,
        "identities.identity": 2, "reidentifications.reason": 1, "breaches.title": 1,  # Ola, Kari
        "breaches.description": 1, "breaches.reported_by": 1, "breaches.consequences": 1,
        "breaches.measures": 1, "breaches.summary": 1, "breach_decisions.reason": 1,
        "breach_notifications.delay_reason": 1,
        "breach_events.detail": 3,  # information added, assessed, notified (the other events carry none)
        "people.name": 1, "people.email": 1}
    for values in raw.values():
        assert all(v.startswith("enc1:k1:") for v in values)
    flat = " ".join(v for values in raw.values() for v in values)
    for secret in ("Kari", "Nordmann", "carrier-pigeon", "nordmann", "Access request"):
        assert secret not in flat


# -- the key file ----------------------------------------------------------------------------
def test_fresh_database_creates_key_file_with_mode_0600(db):
    result = vern_cli(db, "init")
    assert result.returncode == 0, result.stderr
    path = key_file(db)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = json.loads(path.read_text())
    assert sorted(content) == ["encryption", "primary", "pseudonym", "trail", "version"]
    assert content["version"] == 2  # with the trail key (tests/core/test_trail_keys.py)
    assert content["primary"] == "k1"
    assert list(content["encryption"]) == ["k1"]
    assert len(crypto._unb64(content["encryption"]["k1"])) == 32
    assert len(crypto._unb64(content["pseudonym"])) == 32
    assert not path.with_name(path.name + ".new").exists()
    settings = dict(duckdb.connect(str(db), read_only=True).execute(
        "SELECT key, value FROM settings WHERE starts_with(key, 'key_check:')").fetchall())
    assert sorted(settings) == ["key_check:k1", "key_check:pseudonym", "key_check:trail"]
    ring = crypto.load(path, create=False)
    assert ring.decrypt(settings["key_check:k1"], "canary") == CANARY
    assert settings["key_check:pseudonym"] == ring.pseudonym(CANARY)


def test_keys_show_names_ids_never_keys(db):
    assert vern_cli(db, "init").returncode == 0
    result = vern_cli(db, "keys", "show")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"source": str(key_file(db)), "primary": "k1", "keys": ["k1"]}
    secret = json.loads(key_file(db).read_text())["encryption"]["k1"]
    assert secret not in result.stdout


def test_missing_key_file_stops_with_clear_message_and_creates_none(db):
    vern = open_vern(str(db))
    populate(vern)
    vern.close()
    key_file(db).unlink()
    before = db.read_bytes()
    expected = (f"the key file {key_file(db)} is missing, and this database holds data encrypted "
                "with it. Restore the key file from the backup that belongs to this database.")

    with pytest.raises(KeyProblem) as caught:
        keys.open_store(db, key_file(db))
    assert str(caught.value) == expected
    assert not key_file(db).exists()

    for args in (["findings", "list", "--json"], ["keys", "rotate"], ["init"]):
        result = vern_cli(db, *args)
        assert result.returncode == 1, args
        assert result.stderr == f"vern: {expected}\n"
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
        assert not key_file(db).exists()
        assert not key_file(db).with_name("vern.key.new").exists()
    assert db.read_bytes() == before


def _two_databases(tmp_path) -> tuple[Path, Path]:
    first, second = tmp_path / "a" / "vern.duckdb", tmp_path / "b" / "vern.duckdb"
    for path in (first, second):
        vern = open_vern(str(path))
        populate(vern)
        vern.close()
    return first, second


def test_wrong_key_file_stops_and_never_overwrites(tmp_path, env):
    first, second = _two_databases(tmp_path)
    shutil.copyfile(key_file(second), key_file(first))  # another database's keys
    os.chmod(key_file(first), 0o600)
    db_before, keys_before, rows_before = first.read_bytes(), key_file(first).read_bytes(), all_rows(first)
    expected = f"{key_file(first)}: key 'k1' does not decrypt canary; wrong key file?"

    with pytest.raises(KeyProblem) as caught:
        keys.open_store(first, key_file(first))
    assert str(caught.value) == expected

    fingerprint = rows_before["findings"][0][0]
    for args in (["findings", "list", "--json"],
                 ["findings", "set-status", fingerprint, "acknowledged", "--reason", "new"],
                 ["keys", "rotate"], ["keys", "prune"], ["trail", "verify"]):
        result = vern_cli(first, *args)
        assert result.returncode == 1, args
        assert result.stderr == f"vern: {expected}\n"
        assert "Traceback" not in result.stderr
    assert first.read_bytes() == db_before
    assert key_file(first).read_bytes() == keys_before
    assert all_rows(first) == rows_before


def test_wrong_pseudonym_key_stops(db):
    open_vern(str(db)).close()
    content = json.loads(key_file(db).read_text())
    content["pseudonym"] = crypto._b64(b"\x01" * 32)
    key_file(db).write_text(json.dumps(content))
    before = db.read_bytes()
    with pytest.raises(KeyProblem) as caught:
        keys.open_store(db, key_file(db))
    assert str(caught.value) == (f"{key_file(db)}: the pseudonym key is not the one this "
                                 "database was written with")
    assert db.read_bytes() == before


def test_key_file_without_the_databases_key_id_stops(db):
    open_vern(str(db)).close()
    content = json.loads(key_file(db).read_text())
    content["encryption"] = {"k2": content["encryption"]["k1"]}
    content["primary"] = "k2"
    key_file(db).write_text(json.dumps(content))
    result = vern_cli(db, "findings", "list", "--json")
    assert result.returncode == 1
    assert result.stderr == f"vern: {key_file(db)} has no key 'k1', which this database uses\n"


def test_corrupt_key_file_stops_and_is_kept(db):
    open_vern(str(db)).close()
    key_file(db).write_text("not json at all")
    result = vern_cli(db, "findings", "list", "--json")
    assert result.returncode == 1
    assert result.stderr == f"vern: {key_file(db)} is not a Vern key file (not JSON)\n"
    assert key_file(db).read_text() == "not json at all"


# -- rotation --------------------------------------------------------------------------------
def test_rotate_re_encrypts_every_field_and_prune_drops_the_old_key(db):
    vern = open_vern(str(db))
    clear = populate(vern)
    vern.close()
    old_tokens = raw_values(db)
    assert all(v.startswith("enc1:k1:") for values in old_tokens.values() for v in values)

    result = vern_cli(db, "keys", "rotate")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "key k2 is now primary; 19 values re-encrypted\n"  # every value populate() wrote

    new_tokens = raw_values(db)
    assert {f: len(v) for f, v in new_tokens.items()} == {f: len(v) for f, v in old_tokens.items()}
    for field, values in new_tokens.items():
        assert all(v.startswith("enc1:k2:") for v in values), field
    content = json.loads(key_file(db).read_text())
    assert content["primary"] == "k2"
    assert sorted(content["encryption"]) == ["k1", "k2"]
    assert stat.S_IMODE(key_file(db).stat().st_mode) == 0o600

    # the old key still decrypts what it wrote, until pruned
    ring = crypto.load(key_file(db), create=False)
    for field, values in old_tokens.items():
        for token in values:
            assert ring.decrypt(token, field) is not None
    assert ring.decrypt(old_tokens["findings.status_reason"][0], "findings.status_reason") == clear["reason"]

    vern = open_vern(str(db))
    try:
        assert findings.get(vern.store, clear["fingerprint"])["status_reason"] == clear["reason"]
        assert findings.history(vern.store, clear["fingerprint"])[-1]["reason"] == clear["reason"]
        assert runner.history(vern.store)[0]["error"] == clear["error"]
        assert pseudonyms.reidentify(vern.store, clear["pseudonym"], "adviser", "again") == clear["identity"]
        entry = trail.listing(vern.store, action="keys")[0]
        assert (entry["actor"], entry["action"], entry["object"], entry["details"]) == (
            "cli:tester", "keys.rotate", "k2", {"re_encrypted": 19})
        assert vern.store.value("SELECT count(*) FROM settings WHERE key = 'key_check:k2'") == 1
    finally:
        vern.close()

    result = vern_cli(db, "keys", "prune")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "removed k1\n"
    content = json.loads(key_file(db).read_text())
    assert content["primary"] == "k2"
    assert list(content["encryption"]) == ["k2"]
    assert content["primary"] != "k1"
    assert stat.S_IMODE(key_file(db).stat().st_mode) == 0o600
    ring = crypto.load(key_file(db), create=False)
    with pytest.raises(KeyProblem) as caught:
        ring.decrypt(old_tokens["findings.status_reason"][0], "findings.status_reason")
    assert str(caught.value) == f"{key_file(db)} has no key 'k1', which this database uses"

    assert vern_cli(db, "keys", "prune").stdout == "no unused keys\n"
    result = vern_cli(db, "keys", "show")
    assert json.loads(result.stdout) == {"source": str(key_file(db)), "primary": "k2", "keys": ["k2"]}
    vern = open_vern(str(db))
    try:
        assert findings.get(vern.store, clear["fingerprint"])["status_reason"] == clear["reason"]
        assert vern.store.value("SELECT count(*) FROM settings WHERE key = 'key_check:k1'") == 0
        entry = trail.listing(vern.store, action="keys.prune")[0]
        assert (entry["object"], entry["details"]) == ("k1", {"removed": 1})
        assert trail.verify(vern.store)[1] is None
    finally:
        vern.close()


def test_prune_refuses_while_a_key_is_still_in_use(db):
    vern = open_vern(str(db))
    try:
        populate(vern)
        keys.rotate(vern.store, "admin")
        # a value written by k1 that rotation never saw (e.g. restored from elsewhere)
        with vern.store.transaction() as tx:
            tx.execute("UPDATE check_runs SET error = ?", [vern.store.keys.encrypt_with(
                "k1", "old error", "check_runs.error")])
        with pytest.raises(VernError) as refused:
            keys.prune(vern.store, "admin")
        assert "k1: check_runs.error (2)" in str(refused.value)  # both runs
        assert sorted(json.loads(key_file(db).read_text())["encryption"]) == ["k1", "k2"]
        assert runner.history(vern.store)[0]["error"] == "old error"
    finally:
        vern.close()


# -- keys from the environment ---------------------------------------------------------------
def test_vern_keys_environment(db, monkeypatch, tmp_path):
    ring = crypto.new_ring(tmp_path / "unused.key")
    monkeypatch.setenv("VERN_KEYS", ring.to_json())
    vern = open_vern(str(db))
    try:
        clear = populate(vern)
        assert keys.describe(vern.store) == {"source": "VERN_KEYS", "primary": "k1", "keys": ["k1"]}
    finally:
        vern.close()
    assert not key_file(db).exists()
    assert not (tmp_path / "unused.key").exists()
    token = raw_values(db)["findings.status_reason"][0]
    assert ring.decrypt(token, "findings.status_reason") == clear["reason"]

    result = vern_cli(db, "findings", "list", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["status_reason"] == clear["reason"]

    before = raw_values(db)
    result = vern_cli(db, "keys", "rotate")
    assert result.returncode == 1
    assert result.stderr == "vern: the keys come from VERN_KEYS; change them there, not through Vern\n"
    assert raw_values(db) == before
    assert not key_file(db).exists()
    vern = open_vern(str(db))
    try:
        assert trail.listing(vern.store, action="keys") == []
    finally:
        vern.close()


def test_prune_with_vern_keys_is_refused_before_anything_changes(db, monkeypatch, tmp_path):
    ring = crypto.new_ring(tmp_path / "unused.key").with_new_key()  # k1 and k2, k2 primary
    monkeypatch.setenv("VERN_KEYS", ring.to_json())
    open_vern(str(db)).close()
    result = vern_cli(db, "keys", "prune")
    assert result.returncode == 1
    assert result.stderr == "vern: the keys come from VERN_KEYS; change them there, not through Vern\n"
    con = duckdb.connect(str(db), read_only=True)
    try:
        # refused means nothing happened: no prune in the trail, k1's check value kept
        assert con.execute("SELECT count(*) FROM trail WHERE action = 'keys.prune'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM settings WHERE key = 'key_check:k1'").fetchone()[0] == 1
    finally:
        con.close()


def test_wrong_vern_keys_stops(db, monkeypatch, tmp_path):
    vern = open_vern(str(db))
    populate(vern)
    vern.close()
    before = db.read_bytes()
    monkeypatch.setenv("VERN_KEYS", crypto.new_ring(tmp_path / "other.key").to_json())
    result = vern_cli(db, "findings", "list", "--json")
    assert result.returncode == 1
    assert result.stderr == "vern: VERN_KEYS: key 'k1' does not decrypt canary; wrong key file?\n"
    monkeypatch.setenv("VERN_KEYS", "{broken")
    result = vern_cli(db, "findings", "list", "--json")
    assert result.returncode == 1
    assert result.stderr == "vern: VERN_KEYS is not a Vern key file (not JSON)\n"
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


# -- pseudonyms ------------------------------------------------------------------------------
def test_pseudonyms_stable_normalised_keyed_and_opaque(tmp_path):
    ring = crypto.new_ring(tmp_path / "a.key")
    other = crypto.new_ring(tmp_path / "b.key")
    identity = "Ola.Nordmann@Example.no"
    expected = "p-" + hmac.new(ring.pseudonym_key, b"ola.nordmann@example.no",
                               hashlib.sha256).hexdigest()[:16]
    assert ring.pseudonym(identity) == expected
    assert ring.pseudonym("  ola.nordmann@example.NO\t") == expected
    assert ring.pseudonym("OLA.NORDMANN@EXAMPLE.NO") == expected
    assert ring.pseudonym(identity) == ring.pseudonym(identity)
    assert other.pseudonym(identity) != expected
    assert ring.pseudonym("kari.nordmann@example.no") != expected
    for value in (identity, "kari", "Ola Nordmann"):
        pseudonym = ring.pseudonym(value)
        assert len(pseudonym) == 18 and pseudonym.startswith("p-")
        assert all(c in "0123456789abcdef" for c in pseudonym[2:])
        assert value.lower() not in pseudonym
        for part in value.lower().replace("@", ".").replace(" ", ".").split("."):
            assert part not in pseudonym


def test_pseudonyms_survive_reopening_and_are_separate_from_encryption(db):
    vern = open_vern(str(db))
    with vern.store.transaction() as tx:
        first = pseudonyms.remember(tx, vern.store, "Kari@example.no")
    vern.close()
    vern = open_vern(str(db))
    try:
        with vern.store.transaction() as tx:
            assert pseudonyms.remember(tx, vern.store, " kari@EXAMPLE.no ") == first
        assert vern.store.value("SELECT count(*) FROM identities") == 1
        ring = vern.store.keys
        assert ring.pseudonym_key not in ring.keys.values()
    finally:
        vern.close()
    content = json.loads(key_file(db).read_text())
    assert content["pseudonym"] != content["encryption"]["k1"]


def test_reidentify_needs_reason_and_known_pseudonym(db):
    vern = open_vern(str(db))
    try:
        with vern.store.transaction() as tx:
            pseudonym = pseudonyms.remember(tx, vern.store, "kari@example.no")
        with pytest.raises(VernError) as caught:
            pseudonyms.reidentify(vern.store, pseudonym, "adviser", "   ")
        assert str(caught.value) == "reason: re-identifying a person needs a written reason"
        with pytest.raises(VernError) as caught:
            pseudonyms.reidentify(vern.store, "p-0000000000000000", "adviser", "why")
        assert str(caught.value) == "pseudonym: 'p-0000000000000000' is not known"
        assert vern.store.value("SELECT count(*) FROM reidentifications") == 0
    finally:
        vern.close()
    result = vern_cli(db, "reidentify", pseudonym, "--reason", "Access request 2026-17")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "kari@example.no\n"
    vern = open_vern(str(db))
    try:
        entry = trail.listing(vern.store, action="pseudonym")[0]
        assert (entry["actor"], entry["action"], entry["object"], entry["details"]) == (
            "cli:tester", "pseudonym.reidentify", pseudonym, {})
        token = vern.store.value("SELECT reason FROM reidentifications WHERE trail_seq = ?", [entry["seq"]])
        assert vern.store.keys.decrypt(token, "reidentifications.reason") == "Access request 2026-17"
    finally:
        vern.close()


# -- the database file never holds a planted marker in clear ---------------------------------
def test_database_file_never_holds_marker_in_clear(db):
    marker = "MARKER" + uuid.uuid4().hex[:12].upper()
    control = "CONTROL" + uuid.uuid4().hex[:12].upper()  # plain, not personal: must be found
    needle = marker.lower().encode()
    vern = open_vern(str(db))
    fp = make_finding(vern, name=f"{control} AS")
    findings.set_status(vern.store, fp, "risk_accepted", "adviser", f"{marker} said it is fine",
                        date(2027, 1, 31))
    run = fail_a_run(vern, marker)
    assert marker.lower() in run.error  # the marker did reach the run's error
    assert marker.lower() in runner.history(vern.store)[0]["error"]
    with vern.store.transaction() as tx:
        pseudonym = pseudonyms.remember(tx, vern.store, f"{marker}@example.no")
    assert pseudonyms.reidentify(vern.store, pseudonym, "adviser", f"{marker} asked for access") \
        == f"{marker.lower()}@example.no"

    def scan(paths):
        for path in paths:
            data = path.read_bytes().lower()
            assert needle not in data, f"marker in clear in {path.name}"

    scan(db.parent.glob("*.wal"))  # before the checkpoint: the write-ahead log
    vern.store.value("CHECKPOINT")
    vern.close()
    files = [db, *db.parent.glob("*.wal")]
    scan(files)
    assert control.lower().encode() in db.read_bytes().lower()  # the scan does see clear text

    result = vern_cli(db, "trail", "list", "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) >= 5
    assert marker.lower() not in result.stdout.lower()
