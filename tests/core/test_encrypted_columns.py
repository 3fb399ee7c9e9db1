"""Encryption that cannot be forgotten (issue 15, item 1): a database holding every
feature's data is scanned column by column, and the columns holding ciphertext must be
exactly the ones written out here by hand — not the product's own declaration."""

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import vern_process

from audits.breaches import register as breaches
from audits.checking import findings, runner
from audits.core import clock, keys, pseudonyms
from audits.core.crypto import KeyProblem
from audits.core.errors import VernError
from audits.demo import loader as demo
from audits.reporting import review
from audits.runtime import open_vern
from audits.subject_requests import register as subject_requests
from conftest import copy_template

VERN = str(Path(sys.executable).parent / "vern")

# Every column that may hold a person's words, encrypted (AES-GCM, "enc1:<key>:…").
ENCRYPTED = {
    "findings.status_reason", "finding_events.reason", "review_decisions.note", "reidentifications.reason",
    "check_runs.error", "identities.identity", "labels.text",
    "breaches.title", "breaches.description", "breaches.reported_by", "breaches.consequences",
    "breaches.measures", "breaches.summary", "breaches.controller_name", "breach_decisions.reason",
    "breach_notifications.delay_reason", "breach_events.detail",
    "people.name", "people.email",
    "requests.requester", "requests.channel", "requests.verified_how", "requests.extension_reason",
    "requests.refusal_ground", "erasure_tasks.note",
    "deletions.evidence",
}
# Columns that checks group by: a keyed reference ("l-" and 24 hex digits) to an encrypted label.
LABELLED = {"people.district", "training_coverage.district", "access_events.object"}
REF = re.compile(r"l-[0-9a-f]{24}")


def vern_cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), "--lang", "en", *args], capture_output=True, text=True, timeout=300)


def every_feature(vern) -> None:
    """The demo (breaches in every state, requests, erasure tasks, deletions, people with
    districts, access logs with file names, failed check runs …) plus the decisions only a
    person makes: a finding's reason, a review note, a re-identification, a refusal, an
    erasure note."""
    demo.load(vern.store, vern.config, "test")
    runner.run_many(vern.store, vern.config, list(vern.checks.values()), "cli")
    found = findings.listing(vern.store)
    findings.set_status(vern.store, found[0]["fingerprint"], "acknowledged", "adviser", "Kari ringer tilbake")
    item = next(i["item"] for i in review.queue(vern.store, vern.config)["items"] if i["kind"] == "finding")
    review.decide(vern.store, vern.config, "adviser", [item], "resolved", "Ola ryddet opp")
    with vern.store.transaction() as tx:
        pseudonym = pseudonyms.remember(tx, vern.store, "ola@example.no")
    pseudonyms.reidentify(vern.store, pseudonym, "adviser", "Innsyn fra Ola")
    erasure = next(r for r in subject_requests.listing(vern.store, open_only=True) if r["kind"] == "erasure")
    open_task = next(t for t in erasure["erasure_tasks"] if t["outcome"] is None)
    subject_requests.erase(vern.store, "adviser", erasure["id"], open_task["system"], "kept", "Bokføringsloven § 13")
    still_open = next(r for r in subject_requests.listing(vern.store, open_only=True) if r["id"] != erasure["id"])
    subject_requests.refuse(vern.store, "adviser", still_open["id"], "Åpenbart grunnløs")
    breach = breaches.add(vern.store, vern.config, "staff", {
        "title": "Liste sendt feil", "aware_at": "2026-11-18T09:00:00+01:00"})
    breaches.assess(vern.store, "adviser", breach, {"dpc": 1, "ei": 0.25, "cb": {}})
    breaches.decide(vern.store, "adviser", breach, True, False, "Kari insisterte")  # overrides: a reason
    breaches.notify(vern.store, "adviser", breach, "authority", clock.parse_instant("2026-11-24T10:00+01:00"),
                    "Altinn 1", "Kari var bortreist")  # late: the reason for the delay
    inbox = vern.config.inbox / "processors"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "register.csv").write_text("name,countries\nBeta AS,NO\n", encoding="utf-8")
    assert runner.run(vern.store, vern.config, vern.checks["processors"], "cli").status == "failed"


def scan(db: Path, marker: str = "enc1:") -> dict[str, dict[str, int]]:
    """table.column → {"cipher": values that are ciphertext, "clear": other non-empty values,
    "refs": label references}, over every text column of every table."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE t.table_type = 'BASE TABLE' AND c.data_type IN ('VARCHAR', 'JSON', 'VARCHAR[]')").fetchall()
        found = {}
        for table, column in columns:
            value = f'CAST("{column}" AS VARCHAR)'
            skip = "AND NOT starts_with(key, 'key_check:')" if table == "settings" else ""
            cipher, clear, refs = con.execute(
                f"SELECT count(*) FILTER (WHERE contains({value}, '{marker}')), "
                f"count(*) FILTER (WHERE NOT starts_with({value}, 'enc1:') AND {value} <> ''), "
                f"count(*) FILTER (WHERE regexp_full_match({value}, '{REF.pattern}')) "
                f'FROM "{table}" WHERE "{column}" IS NOT NULL {skip}').fetchone()
            found[f"{table}.{column}"] = {"cipher": cipher, "clear": clear, "refs": refs}
        return found
    finally:
        con.close()


def test_ciphertext_lies_exactly_in_the_columns_named_here(db):
    vern = open_vern(str(db))
    try:
        every_feature(vern)
        vern.store.value("CHECKPOINT")
    finally:
        vern.close()
    columns = scan(db)
    holding_cipher = {name for name, counts in columns.items() if counts["cipher"]}
    assert holding_cipher == ENCRYPTED, (
        f"ciphertext outside the list: {sorted(holding_cipher - ENCRYPTED)}; "
        f"nothing encrypted in: {sorted(ENCRYPTED - holding_cipher)}")
    clear_inside = {name: counts["clear"] for name, counts in columns.items()
                    if name in ENCRYPTED and counts["clear"]}
    assert clear_inside == {}, "clear text in an encrypted column"
    for name in LABELLED:
        counts = columns[name]
        assert counts["refs"] > 0 and counts["refs"] == counts["clear"], name  # every value a reference


def test_label_columns_never_hold_the_names(db):
    """The demo's districts and file names are in the database only encrypted."""
    vern = open_vern(str(db))
    try:
        demo.load(vern.store, vern.config, "test")
        runner.run_many(vern.store, vern.config, [vern.checks["training"]], "cli")
        vern.store.value("CHECKPOINT")
    finally:
        vern.close()
    raw = db.read_bytes()
    for clear in ("Nordland", "Trøndelag", "Medlemsliste-Bergen", "medlemmer-alle.csv"):
        assert clear.encode() not in raw, clear
    con = duckdb.connect(str(db), read_only=True)
    try:
        districts = {r[0] for r in con.execute("SELECT DISTINCT district FROM people").fetchall()} - {None}
        coverage = {r[0] for r in con.execute("SELECT DISTINCT district FROM training_coverage").fetchall()}
    finally:
        con.close()
    assert districts and all(REF.fullmatch(d) for d in districts)
    assert coverage - {""} and coverage - {""} <= districts  # the trend groups by the same references


def test_rotate_then_prune_keeps_every_request_readable(db, env, cli_demo_template):
    """The issue's reproduction: `vern demo; vern keys rotate; vern keys prune; vern dsr show 1`."""
    copy_template(cli_demo_template, db)  # `vern demo`
    before = json.loads(vern_cli(db, "dsr", "list", "--json").stdout)
    first = json.loads(vern_cli(db, "dsr", "show", "1", "--json").stdout)
    assert first["requester"] and first["channel"] == "e-post"
    rotated = vern_cli(db, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    pruned = vern_cli(db, "keys", "prune")
    assert (pruned.returncode, pruned.stdout) == (0, "removed k1\n"), pruned.stderr
    shown = vern_cli(db, "dsr", "show", "1", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(vern_cli(db, "dsr", "list", "--json").stdout) == before
    assert json.loads(shown.stdout) == first
    assert {name: n for name, n in scan(db, "enc1:k1:").items() if n["cipher"]} == {}  # nothing left under k1


def test_prune_refuses_naming_where_an_old_key_is_still_used(db):
    vern = open_vern(str(db))
    try:
        keys.rotate(vern.store, "admin")
        # A value under k1 in a column rotation does not know (restored from elsewhere, or a bug).
        with vern.store.transaction() as tx:
            tx.execute("INSERT INTO settings VALUES ('restored', ?)",
                       [vern.store.keys.encrypt_with("k1", "old", "check_runs.error")])
        with pytest.raises(VernError) as refused:
            keys.prune(vern.store, "admin")
        assert "k1: settings.value (1)" in str(refused.value)
        assert sorted(vern.store.keys.keys) == ["k1", "k2"]
        assert sorted(json.loads(db.with_suffix(".key").read_text())["encryption"]) == ["k1", "k2"]
    finally:
        vern.close()


def test_undeclared_column_cannot_be_encrypted(tmp_path):
    from audits.core import crypto

    ring = crypto.new_ring(tmp_path / "k.key")
    with pytest.raises(LookupError, match="requests.kind is not declared"):
        ring.encrypt("access", "requests.kind")
    with pytest.raises(LookupError, match="requests.kind is not declared"):  # a fault in the code, not input
        ring.decrypt("enc1:k1:AAAA", "requests.kind")


def test_a_database_from_before_is_sealed_when_opened(db):
    """Columns declared since a database was written are encrypted in place, once."""
    vern = open_vern(str(db))
    try:
        request = subject_requests.add(vern.store, "staff", {
            "received_at": "2026-11-20T10:00:00+01:00", "kind": "access", "channel": "brev fra Kari",
            "requester": "Kari Nordmann"})
        with vern.store.transaction() as tx:  # as an older Vern left it: channel in clear
            tx.execute("UPDATE requests SET channel = 'brev fra Kari' WHERE id = ?", [request])
            tx.execute("INSERT INTO people VALUES ('p-1', 'x', 'y', 'employee', true, DATE '2026-01-01', NULL, "
                       "'Agder krets')")
            tx.execute("DELETE FROM settings WHERE key = 'encrypted_columns'")
    finally:
        vern.close()
    vern = open_vern(str(db))
    try:
        assert subject_requests.get(vern.store, request)["channel"] == "brev fra Kari"
        raw = vern.store.value("SELECT channel FROM requests WHERE id = ?", [request])
        assert raw.startswith("enc1:k1:")
        district = vern.store.value("SELECT district FROM people WHERE person = 'p-1'")
        assert REF.fullmatch(district)
        from audits.core import labels
        assert labels.texts(vern.store, [district]) == {district: "Agder krets"}
    finally:
        vern.close()


def test_wrong_key_still_stops_before_sealing(db, tmp_path, monkeypatch):
    vern = open_vern(str(db))
    vern.close()
    from audits.core import crypto

    monkeypatch.setenv("VERN_KEYS", crypto.new_ring(tmp_path / "other.key").to_json())
    with pytest.raises(KeyProblem):
        open_vern(str(db))


def test_interrupted_check_run_is_failed_at_the_next_start(db):
    vern = open_vern(str(db))
    try:
        with vern.store.transaction() as tx:  # what a process killed mid-run leaves behind
            tx.execute("INSERT INTO check_runs (check_id, trigger, started_at, status) "
                       "VALUES ('processors', 'schedule', now(), 'running')")
    finally:
        vern.close()
    vern = open_vern(str(db))
    try:
        last = runner.latest(vern.store)["processors"]
        assert last["status"] == "failed" and last["finished_at"] is not None
        assert last["error"].startswith("Interrupted:")
        assert vern.store.value("SELECT count(*) FROM check_runs WHERE status = 'running'") == 0
    finally:
        vern.close()
