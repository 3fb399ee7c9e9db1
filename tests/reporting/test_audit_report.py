"""Audit reports (issue 8): a dated snapshot stored immutably with its PDF, both hashed and
recorded in the audit trail, so a later copy verifies and a changed byte does not.

On the demo data with every check run once; today is 2026-11-24 (Oslo, UTC+01:00).
"""

import hashlib
import io
import json
import re
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pypdf
import pytest
import vern_process

from audits.breaches import register as breaches
from audits.checking import findings
from audits.core import trail
from audits.core.errors import VernError
from audits.reporting import audit_document, audit_report
from audits.subject_requests import register as subject_requests
from conftest import ROOT, VERN, copy_template

OPEN = ("open", "acknowledged", "risk_accepted")


def english(problems) -> list[str]:
    """What is wrong with a stored audit, as the English reader (and --json) reads it."""
    return [str(problem) for problem in problems]


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def open_counts(vern) -> Counter:
    return Counter(f["severity"] for f in findings.listing(vern.store) if f["status"] in OPEN)


def sql(vern, statement: str, params=()) -> None:
    with vern.store.transaction() as tx:
        tx.execute(statement, params)


# -- taking and storing ----------------------------------------------------------------------
def test_an_audit_is_stored_with_both_hashes_and_recorded_in_the_trail(demo_vern):
    head = trail.head(demo_vern.store)
    made = audit_report.run(demo_vern, "kari")
    stored = audit_report.get(demo_vern.store, made["id"])
    assert (made["id"], made["actor"], made["language"]) == (1, "kari", "nb")
    assert (made["period_from"], made["period_to"]) == (date(2025, 11, 24), date(2026, 11, 24))
    assert (made["trail_head_seq"], made["trail_head_hash"]) == (head["seq"], head["hash"])
    assert made["report_sha256"] == hashlib.sha256(bytes(stored["pdf"])).hexdigest()
    text = demo_vern.store.value("SELECT snapshot FROM audit_reports WHERE id = 1")
    assert made["snapshot_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    entry = trail.listing(demo_vern.store, action="audit.run")[0]
    assert (entry["seq"], entry["actor"], entry["object"]) == (made["trail_seq"], "kari", "1")
    assert entry["details"] == {"report_sha256": made["report_sha256"], "snapshot_sha256": made["snapshot_sha256"],
                                "trail_head_seq": head["seq"], "period_from": "2025-11-24", "period_to": "2026-11-24"}
    assert [r["id"] for r in audit_report.listing(demo_vern.store)] == [1]
    assert english(audit_report.problems(demo_vern.store, 1)) == []


def test_the_pdf_reads_back_with_title_head_hash_sections_and_counts(demo_vern):
    made = audit_report.run(demo_vern, "kari")
    stored = audit_report.get(demo_vern.store, made["id"])
    text = pdf_text(bytes(stored["pdf"]))
    counts = open_counts(demo_vern)
    assert text.startswith("Revisjonsrapport 1 – Foreningen")  # the organisation profile's name
    assert (f"Revisjonssporets hode: oppføring {made['trail_head_seq']}, kjedeverdi {made['trail_head_hash']}, "
            "signatur ") in text  # the signature: tests/core/test_trail_check.py
    assert "Laget: 2026-11-24 12:00 norsk tid (UTC+01:00), kari" in text
    assert "Periode: 2025-11-24 – 2026-11-24" in text
    for section in ("Sammendrag", "Kontroller – siste kjøring", "Åpne funn", "Etter område", "Avvik", "Registre",
                    "Integritet"):
        assert section in text
    assert (f"Åpne funn: {sum(counts.values())} (høy {counts['high']}, middels {counts['medium']}, "
            f"lav {counts['low']})") in text
    assert f"SHA-256 av øyeblikksbildet: {made['snapshot_sha256']}" in text
    # The demo breaches: one notified in time, one overdue, one closed without a duty to notify.
    assert "Avvik 3: oppdaget 2026-11-14 12:00 norsk tid (UTC+01:00); frist 2026-11-17 12:00" in text
    assert "varslet 2026-11-16 04:00 norsk tid (UTC+01:00) (i tide)" in text
    assert "ikke varslet, fristen er passert" in text


def test_the_report_in_english(demo_vern):
    made = audit_report.run(demo_vern, "kari", lang="en")
    text = pdf_text(bytes(audit_report.get(demo_vern.store, made["id"])["pdf"]))
    assert text.startswith("Audit report 1")
    for section in ("Summary", "Checks – last run", "Open findings", "Breaches", "Registers", "Integrity"):
        assert section in text
    assert f"SHA-256 of the snapshot: {made['snapshot_sha256']}" in text
    assert "Training: 4 of 8 covered (50%)" in text
    assert ("Data-subject requests: 8 (2 received, 2 in progress, 4 answered, 0 refused); answered in the period 4, "
            "of them 3 on time and 1 late; 4 open, of them 1 past the deadline") in text


def test_the_same_snapshot_gives_the_same_bytes(demo_vern):
    made = audit_report.run(demo_vern, "kari")
    stored = audit_report.get(demo_vern.store, made["id"])
    again = audit_document.pdf(stored["snapshot"], made["snapshot_sha256"])
    assert again == bytes(stored["pdf"])


def test_the_snapshot_is_canonical_json_with_no_floats_and_no_free_text(demo_vern):
    made = audit_report.run(demo_vern, "kari")
    text = demo_vern.store.value("SELECT snapshot FROM audit_reports WHERE id = ?", [made["id"]])
    snapshot = json.loads(text)
    assert text == audit_report.canonical(snapshot)

    def leaves(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from leaves(item)
        elif isinstance(value, list):
            for item in value:
                yield from leaves(item)
        else:
            yield value

    assert not [v for v in leaves(snapshot) if isinstance(v, float)]
    instants = re.findall(r'"(\d{4}-\d\d-\d\dT[^"]*)"', text)
    assert instants and all(i.endswith("Z") for i in instants)
    for record in breaches.listing(demo_vern.store):  # decrypted here; never in the snapshot
        for key in ("title", "description", "consequences", "measures", "summary", "reported_by"):
            if record[key]:
                assert record[key] not in text, key
    assert set(snapshot["breaches"]["items"][0]) == {
        "id", "status", "acting_as", "aware_at", "deadline_at", "closed_at", "in_period", "severity", "decision",
        "notify", "notified_at", "notices", "timeliness", "delay_reason_given", "subjects_notified_at"}
    assert snapshot["findings"]["total"] == sum(open_counts(demo_vern).values())
    assert set(snapshot["registers"]) == {"processors", "activities", "systems", "people", "training", "retention",
                                          "consent", "requests"}
    assert snapshot["registers"]["people"] == {"count": 12}
    assert snapshot["trail"]["intact"] is True


def test_data_subject_requests_by_status_and_answered_on_time(demo_vern):
    """By hand from `vern dsr list --json` on the demo: #1, #2, #3 and #8 answered (#2 late:
    2026-11-14 after its due date 2026-11-05); #4 and #5 in progress, #4 past its due date
    2026-11-20; #6 and #7 received. The objection #7 refused today is an answer on time."""
    subject_requests.refuse(demo_vern.store, "kari", 7, "manifestly unfounded")
    made = audit_report.run(demo_vern, "kari")
    stored = audit_report.get(demo_vern.store, made["id"])
    assert stored["snapshot"]["registers"]["requests"] == {
        "total": 8, "received": 1, "in_progress": 2, "answered": 4, "refused": 1,
        "answered_in_period": 5, "on_time": 4, "late": 1, "open": 3, "overdue": 1}
    assert ("Henvendelser fra de registrerte: 8 (1 mottatt, 2 under arbeid, 4 besvart, 1 avslått); besvart i "
            "perioden 5, av dem 4 innen fristen og 1 for sent; 3 åpne, av dem 1 over fristen") in pdf_text(
        bytes(stored["pdf"]))
    # From 2026-11-05: #3 (answered 2026-10-10) and #1 (2026-11-04) fall before the period.
    since = audit_report.run(demo_vern, "kari", since=date(2026, 11, 5))
    counted = audit_report.get(demo_vern.store, since["id"])["snapshot"]["registers"]["requests"]
    assert {k: counted[k] for k in ("answered_in_period", "on_time", "late")} == {
        "answered_in_period": 3, "on_time": 2, "late": 1}


def test_a_snapshot_from_before_requests_still_renders_as_it_did(demo_vern):
    made = audit_report.run(demo_vern, "kari")
    snapshot = audit_report.get(demo_vern.store, made["id"])["snapshot"]
    del snapshot["registers"]["requests"]
    text = audit_document.markdown(snapshot, made["snapshot_sha256"])
    registers = text.split("## Registre")[1].split("## Integritet")[0]
    assert registers.strip().splitlines()[-1].startswith("- Samtykke: ") and "avslått" not in registers


def test_breaches_of_the_period_and_older_ones_still_open(demo_vern):
    """--since 2026-11-15: the breach noticed 2026-11-14 is outside the period but still open;
    the closed one noticed in September is left out."""
    made = audit_report.run(demo_vern, "kari", since=date(2026, 11, 15))
    items = audit_report.get(demo_vern.store, made["id"])["snapshot"]["breaches"]["items"]
    by_id = {b["id"]: b for b in items}
    assert 4 not in by_id  # closed, noticed in September
    assert by_id[3]["in_period"] is False and by_id[3]["timeliness"] == "on_time"
    assert by_id[2]["timeliness"] == "overdue" and by_id[1]["timeliness"] == "running"


def test_a_period_starting_in_the_future_is_refused(demo_vern):
    with pytest.raises(VernError, match="since: 2026-11-25 lies in the future"):
        audit_report.run(demo_vern, "kari", since=date(2026, 11, 25))
    assert audit_report.listing(demo_vern.store) == []


def test_twelve_months_back_are_calendar_months():
    assert audit_report.default_since(date(2026, 11, 24)) == date(2025, 11, 24)
    assert audit_report.default_since(date(2028, 2, 29)) == date(2027, 2, 28)
    assert audit_report.default_since(date(2026, 1, 31)) == date(2025, 1, 31)


# -- immutability and verification --------------------------------------------------------------
def test_a_snapshot_altered_by_sql_is_caught(demo_vern):
    made = audit_report.run(demo_vern, "kari")
    sql(demo_vern, "UPDATE audit_reports SET snapshot = replace(snapshot, '\"total\":', '\"total\": ') WHERE id = 1")
    assert english(audit_report.problems(demo_vern.store, 1)) == ["the stored snapshot does not match its SHA-256"]
    # Covering it up with a fresh hash disagrees with the trail.
    forged = demo_vern.store.value("SELECT snapshot FROM audit_reports WHERE id = 1")
    sql(demo_vern, "UPDATE audit_reports SET snapshot_sha256 = ? WHERE id = 1",
        [hashlib.sha256(forged.encode()).hexdigest()])
    assert english(audit_report.problems(demo_vern.store, 1)) == [
        f"the snapshot's SHA-256 differs from the one trail entry {made['trail_seq']} recorded"]
    assert audit_report.verify_all(demo_vern.store)["reports"] == {1: audit_report.problems(demo_vern.store, 1)}


def test_a_replaced_pdf_is_caught_even_with_its_hash_replaced(demo_vern):
    made = audit_report.run(demo_vern, "kari")
    pdf = bytes(audit_report.get(demo_vern.store, 1)["pdf"])
    forged = pdf.replace(b"Revisjonsrapport", b"Revisjonsrapporr")
    sql(demo_vern, "UPDATE audit_reports SET pdf = ? WHERE id = 1", [forged])
    assert english(audit_report.problems(demo_vern.store, 1)) == ["the stored PDF does not match its SHA-256"]
    sql(demo_vern, "UPDATE audit_reports SET report_sha256 = ? WHERE id = 1", [hashlib.sha256(forged).hexdigest()])
    found = audit_report.identify(demo_vern.store, forged)
    assert english(found["problems"]) == [f"the PDF's SHA-256 differs from the one trail entry {made['trail_seq']} recorded"]
    assert audit_report.identify(demo_vern.store, pdf) is None  # the original no longer matches the row


def test_editing_the_trail_entry_too_breaks_the_trail(demo_vern):
    made = audit_report.run(demo_vern, "kari")
    entry = trail.listing(demo_vern.store, action="audit.run")[0]
    details = json.dumps({**entry["details"], "report_sha256": "0" * 64}, sort_keys=True, separators=(",", ":"))
    sql(demo_vern, "UPDATE trail SET details = ? WHERE seq = ?", [details, made["trail_seq"]])
    checked = audit_report.verify_all(demo_vern.store)
    assert checked["trail"]["problem"] == f"entry {made['trail_seq']} was changed (its content no longer matches its hash)"
    assert english(checked["reports"][1]) == [f"the PDF's SHA-256 differs from the one trail entry {made['trail_seq']} recorded"]


def test_a_removed_trail_head_is_caught(demo_vern):
    made = audit_report.run(demo_vern, "kari")
    sql(demo_vern, "UPDATE trail SET hash = ? WHERE seq = ?", ["f" * 64, made["trail_head_seq"]])
    assert (f"trail entry {made['trail_head_seq']}, the head the audit saw, is gone or changed"
            in english(audit_report.problems(demo_vern.store, 1)))


def test_no_code_updates_or_deletes_a_stored_report():
    """Immutability by construction: reports are only ever inserted."""
    writes = re.compile(r"(UPDATE|DELETE\s+FROM|TRUNCATE|DROP\s+TABLE|ALTER\s+TABLE|INSERT\s+OR\s+REPLACE\s+INTO)"
                        r"\s+audit_reports", re.IGNORECASE)
    sources = [p for folder in ("audits", "dashboard", "checks") for p in (ROOT / folder).rglob("*.py")]
    sources += list((ROOT / "audits" / "migrations").glob("*.sql"))
    assert [str(p) for p in sources if writes.search(p.read_text(encoding="utf-8"))] == []
    public = [name for name in dir(audit_report) if not name.startswith("_")]
    assert not [n for n in public if re.match(r"(update|delete|remove|edit|replace|purge)", n)]


# -- what changed ------------------------------------------------------------------------------------
def test_diff_shows_a_resolved_finding_and_a_new_breach(demo_vern):
    audit_report.run(demo_vern, "kari")
    gone = findings.listing(demo_vern.store, check="processors", status="open")[0]
    findings.set_status(demo_vern.store, gone["fingerprint"], "resolved", "kari")
    added = breaches.add(demo_vern.store, demo_vern.config, "kari",
                         {"title": "Minnepinne mistet", "aware_at": "2026-11-24T09:00+01:00"})
    audit_report.run(demo_vern, "kari")
    changes = audit_report.diff(demo_vern.store)
    assert (changes["from"], changes["to"]) == (1, 2)
    assert [f["fingerprint"] for f in changes["findings_gone"]] == [gone["fingerprint"]]
    assert changes["findings_new"] == []
    before = sum(open_counts(demo_vern).values()) + 1
    assert changes["open_total"] == {"before": before, "after": before - 1}
    assert changes["by_area"]["processors"]["after"] == changes["by_area"]["processors"]["before"] - 1
    assert changes["by_severity"][gone["severity"]]["after"] == changes["by_severity"][gone["severity"]]["before"] - 1
    assert [(b["id"], b["timeliness"]) for b in changes["breaches_added"]] == [(added, "running")]
    assert "Minnepinne" not in json.dumps(changes)
    assert changes["checks_changed"] == []
    assert audit_report.diff(demo_vern.store, 2) == changes


def test_diff_shows_a_check_whose_status_changed():
    def snapshot(status):
        return {"findings": {"open": [], "total": 0, "by_area": {}, "by_severity": {}},
                "checks": [{"id": "training", "last_run": status and {"status": status}}],
                "breaches": {"items": []}, "registers": {"people": {"count": 3}}}

    changes = audit_report.compare(snapshot(None), snapshot("failed"))
    assert changes["checks_changed"] == [{"id": "training", "before": None, "after": "failed"}]
    assert audit_report.compare(snapshot("failed"), snapshot("succeeded"))["checks_changed"] == [
        {"id": "training", "before": "failed", "after": "succeeded"}]


def test_the_first_audit_has_nothing_to_compare_with(demo_vern):
    with pytest.raises(VernError, match="no audit yet"):
        audit_report.diff(demo_vern.store)
    audit_report.run(demo_vern, "kari")
    with pytest.raises(VernError, match="audit 1 is the first"):
        audit_report.diff(demo_vern.store)


# -- the command line --------------------------------------------------------------------------------
def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def demo_db(db, cli_checked_template):
    """`vern demo` and `vern checks run` (a copy of their template)."""
    return copy_template(cli_checked_template, db)


def test_cli_run_verify_and_one_changed_byte(demo_db, tmp_path):
    out = tmp_path / "revisjon.pdf"
    made = cli(demo_db, "audit", "run", "--out", str(out), "--json")
    assert made.returncode == 0, made.stderr
    row = json.loads(made.stdout)
    assert row["id"] == 1 and row["actor"] == "cli:tester"
    assert row["report_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()

    verified = cli(demo_db, "audit", "verify", str(out))
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(f"{out}: audit 1 of 2026-11-24 12:00 (Oslo) by cli:tester")
    assert f"trail head #{row['trail_head_seq']} {row['trail_head_hash']}" in verified.stdout
    assert "verified: the file is the stored report" in verified.stdout

    changed = tmp_path / "endret.pdf"
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    refused = cli(demo_db, "audit", "verify", str(changed))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert refused.stderr.startswith(f"vern: {changed}: stemmer ikke med noen lagret revisjonsrapport")  # bokmål

    listed = json.loads(cli(demo_db, "audit", "list", "--json").stdout)
    assert [(r["id"], r["verified"], r["problems"]) for r in listed] == [(1, True, [])]
    shown = json.loads(cli(demo_db, "audit", "show", "1", "--json").stdout)
    assert shown["snapshot"]["audit"] == {"id": 1, "actor": "cli:tester", "created_at": "2026-11-24T11:00:00Z"}
    entries = json.loads(cli(demo_db, "trail", "list", "--json").stdout)
    assert [e["object"] for e in entries if e["action"] == "export"] == ["audit-1.pdf"]  # --out hands it out


def test_cli_diff_after_a_decision(demo_db):
    assert cli(demo_db, "audit", "run").returncode == 0
    first = json.loads(cli(demo_db, "findings", "list", "--json", "--check", "processors", "--status", "open").stdout)[0]
    assert cli(demo_db, "findings", "set-status", first["fingerprint"], "resolved").returncode == 0
    second = cli(demo_db, "audit", "run")
    assert second.returncode == 0 and second.stdout.startswith("audit 2: sha256 ")
    changes = json.loads(cli(demo_db, "audit", "diff", "--json").stdout)
    assert [f["fingerprint"] for f in changes["findings_gone"]] == [first["fingerprint"]]
    text = cli(demo_db, "audit", "diff")
    assert text.returncode == 0 and f"gone  {first['fingerprint']}" in text.stdout
    refused = cli(demo_db, "audit", "diff", "1")
    assert (refused.returncode, refused.stderr) == (
        1, "vern: revisjon 1 er den første: det finnes ingen tidligere å sammenligne med\n")
    missing = cli(demo_db, "audit", "show", "9")
    assert missing.returncode == 1 and missing.stderr.strip() == "vern: finner ingen revisjon 9"


# -- the page -------------------------------------------------------------------------------------------
def test_the_adviser_creates_lists_downloads_and_verifies(demo_vern, dashboard):
    at = dashboard("audit", lang="en")
    assert not at.exception, at.exception
    assert at.title[0].value == "Audit reports"
    assert [i.value for i in at.info] == ["No audits yet."]
    next(b for b in at.button if b.label == "Create an audit now").click()
    at.run()
    assert not at.exception, at.exception
    made = audit_report.listing(demo_vern.store)[0]
    assert (made["id"], made["actor"]) == (1, "adviser")
    assert at.success[0].value == f"Audit 1 is stored. SHA-256: {made['report_sha256']}"
    table = at.dataframe[0].value
    assert list(table["No."]) == [1] and list(table["Verified"]) == ["✓"]
    assert list(table["SHA-256 (PDF)"]) == [made["report_sha256"]]
    assert "This is the first audit: there is nothing to compare it with." in [c.value for c in at.caption]

    pdf = bytes(audit_report.get(demo_vern.store, 1)["pdf"])
    at.file_uploader[0].set_value(("revisjon.pdf", pdf, "application/pdf"))
    at.run()
    assert [s.value for s in at.success if s.value.startswith("The file is audit 1")]
    at.file_uploader[0].set_value(("endret.pdf", pdf[:-2] + b"\n\n", "application/pdf"))
    at.run()
    assert [e.value for e in at.error] == [
        "The file matches no stored audit: it was changed, or comes from another Vern."]


def test_the_page_shows_what_changed_and_a_report_that_does_not_verify(demo_vern, dashboard):
    audit_report.run(demo_vern, "kari", lang="en")
    gone = findings.listing(demo_vern.store, check="processors", status="open")[0]
    findings.set_status(demo_vern.store, gone["fingerprint"], "resolved", "kari")
    audit_report.run(demo_vern, "kari", lang="en")
    sql(demo_vern, "UPDATE audit_reports SET snapshot = snapshot || ' ' WHERE id = 1")
    at = dashboard("audit", lang="en")
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["Verified"]) == ["✓", "✗"]
    shown = at.error[0].value.replace("\\", "")  # the problem is escaped for Markdown
    assert shown == "Audit 1 does not verify: the stored snapshot does not match its SHA-256"
    assert any(s.value.startswith("What changed since the previous audit (Audit 1") for s in at.subheader)
    assert "**Findings gone (1)**" in [m.value for m in at.markdown]
    gone_table = next(d.value for d in at.dataframe if "fingerprint" in d.value.columns)
    assert list(gone_table["fingerprint"]) == [gone["fingerprint"]]


@pytest.mark.parametrize("role", ["board", "staff"])
def test_the_page_is_refused_to_board_and_staff(demo_vern, dashboard, role):
    at = dashboard("audit", lang="en", roles=(role,))
    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have access to this page. The attempt has been recorded."]
    assert len(at.main) == 1  # the refusal and nothing else
    refusals = [e for e in trail.listing(demo_vern.store, action="access.denied") if e["object"] == "audit"]
    assert [(e["actor"], e["object"]) for e in refusals] == [(role, "audit")]
