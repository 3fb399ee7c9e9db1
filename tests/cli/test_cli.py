"""The `vern` command line, each command a process of its own (tests/vern_process.py; the
installed console script itself for --help), against a temporary database.

Exit status: 0 success, 1 a domain error with a message on stderr (never a traceback),
2 bad usage. `--json` prints JSON only on stdout.
"""

import getpass
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import vern_process

from audits.core.store import migrations

VERN = Path(sys.executable).parent / "vern"
NOW = "2026-06-15T12:00:00+02:00"  # Monday, noon in Oslo
HEADER = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"

# What `vern demo` plants (audits/demo/loader.py), as (rule, subject).
PLANTED = {
    ("dpa_review_overdue", "Google Cloud EMEA Ltd – Google Workspace (e-post og dokumenter)"),
    ("dpa_expired", "SuperOffice AS – CRM"),
    ("dpa_missing", "Already On AS – Medlemsregister (CRM)"),
    ("transfer_invalid_mechanism", "The Rocket Science Group LLC (Mailchimp) – Nyhetsbrev"),
    ("transfer_dpf_not_certified", "Zoom Communications Inc. – Videomøter"),
    ("transfer_no_mechanism", "Freshworks Inc. – Kundestøtte"),
}
# What the demo's access logs plant (audits/demo/access.py) for a clock at NOW, as (rule, what
# follows the pseudonymised actor in the subject): the day, the system, or nothing. One per rule,
# with a second bulk export (Lise's CRM export besides Ola's downloads) and a second burst of
# failed sign-ins (the AWS console besides Anne's account).
ACCESS_PLANTED = sorted([
    ("access_unknown_actor", ""),
    ("access_after_offboarding", ""),
    ("access_without_grant", "Medlemsregister (SharePoint)"),
    ("access_bulk_export", "2026-06-04"),
    ("access_bulk_export", "2026-06-04"),
    ("access_failed_signins", "2026-06-05"),
    ("access_failed_signins", "2026-06-05"),
    ("access_out_of_hours", "2026-06-13"),  # the Saturday before NOW
])
# The demo's access logs as stored: 3,377 events written, less one the generator wrote twice
# (the same mailbox event by the same person in the same minute has the same id).
ACCESS_EVENTS = 3376
# What the demo's training records plant (audits/demo/training.py) for a clock at NOW, as (rule,
# what follows the pseudonymised person in the subject): Ingrid's course expired, Ola's due
# soon, two never trained (Jonas, whose attempt failed, and Lise), and five who used personal-data
# systems on days without a valid course (Per, Lise, Jonas, Ingrid since hers expired, and Henrik,
# still in his grace period).
TRAINING_PLANTED = sorted([
    ("training_missing", "Personvern grunnkurs"),
    ("training_missing", "Personvern grunnkurs"),
    ("training_expired", "Personvern grunnkurs"),
    ("training_due_soon", "Personvern grunnkurs"),
    *[("access_untrained", "")] * 5,
])
# The demo's training completions as stored: two LMS rows and five xAPI statements that count
# (a failed and a mere attempt do not) — Ola's other course and the outsider's included.
TRAINING_COMPLETIONS = 7
# What the demo's record of processing activities plants (audits/demo/activities.py), as (rule,
# subject): the prospects' record incomplete, the marketing profile's DPIA unfinished and its
# risk review late, health data without an Art. 9(2) condition, four activities using a
# processor without a valid agreement (Already On has none, SuperOffice's expired), and the
# district chapters' register unclassified.
ACTIVITIES_PLANTED = {
    ("ropa_incomplete", "Kontaktpersoner hos prospekter"),
    ("dpia_required", "Markedsføring med interesseprofil"),
    ("risk_review_overdue", "Markedsføring med interesseprofil"),
    ("special_category_without_condition", "Tilrettelegging for deltakere"),
    ("activity_processor_without_dpa", "Medlemsadministrasjon"),
    ("activity_processor_without_dpa", "Medlemsregister for kretsene"),
    ("activity_processor_without_dpa", "Barn og unge med foreldresamtykke"),
    ("activity_processor_without_dpa", "Kontaktpersoner hos prospekter"),
    ("classification_missing", "Medlemsregister for kretsene"),
}
ACTIVITIES = 9  # the activities in the demo's record, one evidence row each
# What the demo's inventories plant (audits/demo/retention.py): prospects in the CRM and
# accessibility needs on the events drive kept past their rule, and volunteer applications
# that no activity's retention rule governs.
RETENTION_PLANTED = {
    ("retention_overdue", "SuperOffice CRM – prospect"),
    ("retention_overdue", "Arrangementer (Google Drive) – accessibility_need"),
    ("retention_rule_missing", "Medlemsregister (SharePoint) – volunteer_application"),
}
RETENTION_ROWS = 212  # the inventoried records of the systems' latest inventories
# What the demo's consents and campaign sends plant (audits/demo/consent.py): the Christmas
# campaign to people who never consented to fundraising, and to Ingrid Fjellstad, whose marketing
# opt-out (audits/demo/subject_requests.py) came two days before it; the November newsletter to three
# who had withdrawn.
CONSENT_PLANTED = {
    ("marketing_without_consent", "Julekampanje (fundraising)"),
    ("marketing_after_opt_out", "Julekampanje (fundraising)"),
    ("marketing_after_opt_out", "Nyhetsbrev november (newsletter)"),
}
CONSENT_ROWS = 128  # the marketing sends judged (booking confirmations are service mail, not judged)
# What the demo's data-subject requests plant (audits/demo/subject_requests.py), as (rule, subject): the
# access request received 35 days ago, past its month; the erasure received 26 days ago, due within
# a week; the restriction extended without telling the person; the rectification answered without
# an identity check.
REQUESTS_PLANTED = {
    ("dsr_overdue", "#4"),
    ("dsr_due_soon", "#5"),
    ("dsr_extension_not_notified", "#6"),
    ("dsr_identity_unverified", "#2"),
}
REQUESTS_ROWS = 8  # the demo's requests, one evidence row each
# The trail check reads every entry: the demo's 62 (tests/core/test_trail.py) and the runs of the eight
# checks before it in id order.
TRAIL_ENTRIES = 62 + 8
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
SCHEMA = migrations()[-1][0]  # the newest migration's number
CLI_ACTOR = f"cli:{getpass.getuser()}"  # who acts from the command line, in the audit trail
DEMO_ACCOUNTS = {"adviser": "vern-demo-personvern", "staff": "vern-demo-ansatt",
                 "board": "vern-demo-styret", "admin": "vern-demo-drift"}
FINDING_FIELDS = {"fingerprint", "check", "rule", "subject", "severity", "status", "message",
                  "first_seen", "last_seen"}


def vern(db: Path, *args: str, now: str = NOW, config: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VERN_DB", "VERN_CONFIG", "VERN_NOW")}
    env["VERN_NOW"] = now
    options = ["--db", str(db)] + (["--config", str(config)] if config else [])
    return vern_process.run([str(VERN), *options, *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr
    return result


def domain_error(result: subprocess.CompletedProcess) -> str:
    """Exit 1, a message on stderr, no traceback; the message."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "\nvern: " in "\n" + result.stderr  # progress output may come first
    return result.stderr


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """A database with the demo loaded and checked once, copied for every test (with the
    key file beside it: the database cannot be opened without it)."""
    db = tmp_path_factory.mktemp("template") / "vern.duckdb"
    ok(vern(db, "demo"))
    ok(vern(db, "checks", "run"))
    return db


@pytest.fixture
def demo_db(demo_template, tmp_path) -> Path:
    db = tmp_path / "vern.duckdb"
    shutil.copy(demo_template, db)
    shutil.copy(key_file(demo_template), key_file(db))
    return db


def key_file(db: Path) -> Path:
    """Where Vern keeps the keys by default: beside the database."""
    return db.with_suffix(".key")


def raw(db: Path, sql: str, params=()) -> list[tuple]:
    """What the database file holds, read without Vern (so without the keys)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def listed(db: Path, *filters: str) -> list[dict]:
    result = ok(vern(db, "findings", "list", "--json", *filters))
    return json.loads(result.stdout)


def access_planted(rows: list[dict]) -> list[tuple[str, str]]:
    """The access findings among `rows` as (rule, subject after the actor); every actor is
    a pseudonym, never a name or an address."""
    found = []
    for row in rows:
        if row["check"] == "access_logs":
            actor, _, rest = row["subject"].partition(" · ")
            assert re.fullmatch(r"p-[0-9a-f]{16}", actor), row["subject"]
            found.append((row["rule"], rest))
    return sorted(found)


def training_planted(rows: list[dict]) -> list[tuple[str, str]]:
    """The training findings among `rows` as (rule, subject after the person); every person is
    a pseudonym, never a name or an address."""
    found = []
    for row in rows:
        if row["check"] == "training":
            person, _, rest = row["subject"].partition(" · ")
            assert re.fullmatch(r"p-[0-9a-f]{16}", person), row["subject"]
            found.append((row["rule"], rest))
    return sorted(found)


# -- init, demo, checks run, findings list --------------------------------------------
def test_init_creates_the_database_at_the_current_schema(tmp_path):
    db = tmp_path / "sub" / "vern.duckdb"
    result = ok(vern(db, "init"))
    assert result.stdout == f"{db}: schema version {SCHEMA}\n"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA,)
    assert key_file(db).exists()  # a new database gets its key file
    assert key_file(db).stat().st_mode & 0o777 == 0o600
    assert ok(vern(db, "init")).stdout == f"{db}: schema version {SCHEMA}\n"


def test_demo_then_checks_run_then_findings_list_shows_the_planted_findings(tmp_path):
    db = tmp_path / "vern.duckdb"
    lines = ok(vern(db, "demo")).stdout.splitlines()
    assert "11 processors" in lines[0]
    assert lines[1] == "Demo accounts (username / password):"
    assert {tuple(line.split()) for line in lines[2:]} == set(DEMO_ACCOUNTS.items())
    assert ok(vern(db, "checks", "run")).stdout == (
        f"access_logs: succeeded: 8 findings from {ACCESS_EVENTS} evidence rows\n"
        f"activities: succeeded: 9 findings from {ACTIVITIES} evidence rows\n"
        "backups: succeeded: 0 findings from 5 evidence rows\n"  # the demo's nightly backups, verified weekly
        f"consent: succeeded: 3 findings from {CONSENT_ROWS} evidence rows\n"
        "processors: succeeded: 6 findings from 11 evidence rows\n"
        f"requests: succeeded: 4 findings from {REQUESTS_ROWS} evidence rows\n"
        f"retention: succeeded: 3 findings from {RETENTION_ROWS} evidence rows\n"
        "sources: succeeded: 0 findings from 0 evidence rows\n"  # no source configured
        f"trail: succeeded: 0 findings from {TRAIL_ENTRIES} evidence rows\n"
        f"training: succeeded: 9 findings from {TRAINING_COMPLETIONS} evidence rows\n")
    rows = listed(db)
    assert len(rows) == 42  # 6 processor, 8 access, 9 training, 9 activity, 3 retention, 3 consent, 4 requests
    assert {(r["rule"], r["subject"]) for r in rows if r["check"] == "processors"} == PLANTED
    assert access_planted(rows) == ACCESS_PLANTED
    assert training_planted(rows) == TRAINING_PLANTED
    for check, planted in (("activities", ACTIVITIES_PLANTED), ("retention", RETENTION_PLANTED),
                           ("consent", CONSENT_PLANTED), ("requests", REQUESTS_PLANTED)):
        found = [(r["rule"], r["subject"]) for r in rows if r["check"] == check]
        assert sorted(found) == sorted(planted), check
    for row in rows:
        assert set(row) >= FINDING_FIELDS
        assert row["check"] in ("processors", "access_logs", "training", "activities", "retention", "consent",
                                "requests")
        assert (row["status"], row["first_seen"], row["last_seen"]) == \
            ("open", "2026-06-15T10:00:00Z", "2026-06-15T10:00:00Z")
        assert len(row["fingerprint"]) == 16
        assert isinstance(row["details"], dict)
    severities = {r["rule"]: r["severity"] for r in rows}
    assert severities == {"dpa_review_overdue": "medium", "dpa_expired": "high", "dpa_missing": "high",
                          "transfer_invalid_mechanism": "high", "transfer_dpf_not_certified": "high",
                          "transfer_no_mechanism": "high",
                          "access_unknown_actor": "high", "access_after_offboarding": "high",
                          "access_without_grant": "medium", "access_bulk_export": "high",
                          "access_failed_signins": "medium", "access_out_of_hours": "low",
                          "training_missing": "medium", "training_expired": "medium",
                          "training_due_soon": "low", "access_untrained": "high",
                          "ropa_incomplete": "medium", "dpia_required": "high",
                          "special_category_without_condition": "high",
                          "activity_processor_without_dpa": "high", "classification_missing": "low",
                          "risk_review_overdue": "medium",
                          "retention_overdue": "high", "retention_rule_missing": "medium",
                          "marketing_without_consent": "high", "marketing_after_opt_out": "high",
                          "dsr_overdue": "high", "dsr_due_soon": "medium", "dsr_extension_not_notified": "medium",
                          "dsr_identity_unverified": "medium"}
    ranks = [SEVERITY_RANK[r["severity"]] for r in rows]
    assert ranks == sorted(ranks) and rows[-1]["severity"] == "low"  # most severe first


def test_finding_messages_follow_the_configured_language(demo_db, tmp_path):
    nb = {r["rule"]: r["message"] for r in listed(demo_db)}
    assert nb["dpa_missing"] == ("Already On AS – Medlemsregister (CRM) behandler personopplysninger "
                                 "uten signert databehandleravtale.")
    config = tmp_path / "vern.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    en = {r["rule"]: r["message"] for r in listed(demo_db)}  # found beside the database
    assert en["dpa_missing"] == ("Already On AS – Medlemsregister (CRM) processes personal data "
                                 "without a signed processor agreement.")
    assert en["dpa_expired"] == "The processor agreement with SuperOffice AS – CRM expired on 2026-05-06."
    assert en["transfer_no_mechanism"] == (
        "Freshworks Inc. – Kundestøtte transfers to US, IN, which has no adequacy decision, "
        "with no transfer mechanism.")


def test_findings_list_without_json_prints_one_line_per_finding(demo_db):
    result = ok(vern(demo_db, "findings", "list"))
    lines = result.stdout.splitlines()
    assert len(lines) == 42  # 6 processor, 8 access, 9 training, 9 activity, 3 retention, 3 consent, 4 requests
    assert [line.split()[0] for line in lines] == [r["fingerprint"] for r in listed(demo_db)]


def test_findings_list_filters_by_status(demo_db):
    target = next(r for r in listed(demo_db) if r["rule"] == "dpa_expired")
    ok(vern(demo_db, "findings", "set-status", target["fingerprint"], "acknowledged", "--reason",
            "Renewing"))
    assert [(r["rule"], r["status"]) for r in listed(demo_db, "--status", "acknowledged")] == \
        [("dpa_expired", "acknowledged")]
    still_open = listed(demo_db, "--status", "open")
    assert {(r["rule"], r["subject"]) for r in still_open if r["check"] == "processors"} == \
        PLANTED - {("dpa_expired", "SuperOffice AS – CRM")}
    assert access_planted(still_open) == ACCESS_PLANTED  # the other check's findings untouched
    assert listed(demo_db, "--status", "closed") == []


def test_findings_list_filters_by_check(demo_db):
    assert {(r["rule"], r["subject"]) for r in listed(demo_db, "--check", "processors")} == PLANTED
    assert listed(demo_db, "--check", "nosuch") == []


def test_a_second_run_the_next_day_updates_last_seen_only(demo_db):
    ok(vern(demo_db, "checks", "run", "processors", now="2026-06-16T12:00:00+02:00"))
    rows = listed(demo_db, "--check", "processors")
    assert {(r["rule"], r["subject"]) for r in rows} == PLANTED
    assert {(r["first_seen"], r["last_seen"]) for r in rows} == \
        {("2026-06-15T10:00:00Z", "2026-06-16T10:00:00Z")}
    # The access check did not run: its findings were last seen on the first day.
    others = listed(demo_db, "--check", "access_logs")
    assert len(others) == 8
    assert {(r["first_seen"], r["last_seen"]) for r in others} == \
        {("2026-06-15T10:00:00Z", "2026-06-15T10:00:00Z")}


# -- findings set-status --------------------------------------------------------------
def test_set_status_with_reason_prints_the_finding(demo_db):
    target = next(r for r in listed(demo_db) if r["rule"] == "dpa_missing")
    result = ok(vern(demo_db, "findings", "set-status", target["fingerprint"], "acknowledged",
                     "--reason", "Contract sent for signature"))
    changed = json.loads(result.stdout)
    assert (changed["fingerprint"], changed["status"], changed["status_reason"], changed["status_by"],
            changed["status_at"]) == (target["fingerprint"], "acknowledged",
                                      "Contract sent for signature", CLI_ACTOR, "2026-06-15T10:00:00Z")
    again = next(r for r in listed(demo_db) if r["rule"] == "dpa_missing")
    assert (again["status"], again["status_reason"]) == ("acknowledged", "Contract sent for signature")
    # The reason is stored encrypted: the file itself holds only ciphertext.
    [(stored,)] = raw(demo_db, "SELECT status_reason FROM findings WHERE fingerprint = ?",
                      [target["fingerprint"]])
    assert stored.startswith("enc1:") and "Contract" not in stored
    [(event,)] = raw(demo_db, "SELECT reason FROM finding_events WHERE fingerprint = ? "
                     "AND actor = ?", [target["fingerprint"], CLI_ACTOR])
    assert event.startswith("enc1:") and "Contract" not in event
    # ...and the decision is in the audit trail under the command line's actor.
    assert raw(demo_db, "SELECT action, object FROM trail WHERE actor = ? ORDER BY seq DESC LIMIT 1",
               [CLI_ACTOR]) == [("finding.status", target["fingerprint"])]


def test_set_status_no_longer_takes_a_by_option(demo_db):
    # The actor is who runs the command (cli:<os user>), not something one can type.
    target = next(r for r in listed(demo_db) if r["rule"] == "dpa_missing")
    result = vern(demo_db, "findings", "set-status", target["fingerprint"], "acknowledged",
                  "--reason", "x", "--by", "ingrid")
    assert result.returncode == 2 and "--by" in result.stderr
    assert next(r for r in listed(demo_db) if r["rule"] == "dpa_missing")["status"] == "open"


def test_set_status_risk_accepted_with_review_date(demo_db):
    target = next(r for r in listed(demo_db) if r["rule"] == "transfer_no_mechanism")
    result = ok(vern(demo_db, "findings", "set-status", target["fingerprint"][:8], "risk_accepted",
                     "--reason", "Ends in August", "--review-on", "2026-08-31"))
    changed = json.loads(result.stdout)
    assert (changed["status"], changed["status_reason"], changed["review_on"]) == \
        ("risk_accepted", "Ends in August", "2026-08-31")


def test_set_status_risk_accepted_without_reason_is_refused(demo_db):
    target = next(r for r in listed(demo_db) if r["rule"] == "dpa_missing")
    message = domain_error(vern(demo_db, "findings", "set-status", target["fingerprint"], "risk_accepted"))
    assert message == "vern: Skriv en begrunnelse: å akseptere en risiko krever en skriftlig begrunnelse.\n"
    assert next(r for r in listed(demo_db) if r["rule"] == "dpa_missing")["status"] == "open"


def test_set_status_on_an_unknown_fingerprint_is_refused(demo_db):
    assert domain_error(vern(demo_db, "findings", "set-status", "ffffffff", "resolved")) == \
        "vern: Fant ikke funnet «ffffffff».\n"


# -- checks list / run ----------------------------------------------------------------
def test_checks_list_json_before_any_run(tmp_path):
    items = json.loads(ok(vern(tmp_path / "vern.duckdb", "checks", "list", "--json")).stdout)
    # At noon in Oslo (CEST): access_logs next at 12:30 today, the others tomorrow morning —
    # activities at 06:00, processors 06:15, training 06:45, requests and retention 07:00,
    # consent 07:30.
    assert [(i["id"], i["schedule"], i["next_run"], i["last_run"]) for i in items] == \
        [("access_logs", "30 */6 * * *", "2026-06-15T10:30:00Z", None),
         ("activities", "0 6 * * *", "2026-06-16T04:00:00Z", None),
         ("backups", "0 * * * *", "2026-06-15T10:00:00Z", None),  # every hour: this very minute
         ("consent", "30 7 * * *", "2026-06-16T05:30:00Z", None),
         ("processors", "15 6 * * *", "2026-06-16T04:15:00Z", None),
         ("requests", "0 7 * * *", "2026-06-16T05:00:00Z", None),
         ("retention", "0 7 * * *", "2026-06-16T05:00:00Z", None),
         ("sources", "*/30 * * * *", "2026-06-15T10:00:00Z", None),  # every half hour: this very minute
         ("trail", "0 * * * *", "2026-06-15T10:00:00Z", None),  # every hour: this very minute
         ("training", "45 6 * * *", "2026-06-16T04:45:00Z", None)]


def test_checks_list_json_after_a_run(demo_db):
    access, activity, _, consent, item, requests, retention, _, _, trained = \
        json.loads(ok(vern(demo_db, "checks", "list", "--json")).stdout)
    assert (item["id"], item["schedule"], item["next_run"]) == \
        ("processors", "15 6 * * *", "2026-06-16T04:15:00Z")
    last = item["last_run"]
    assert (last["status"], last["trigger"], last["started_at"], last["finished_at"],
            last["evidence_rows"], last["findings"], last["error"]) == \
        ("succeeded", "cli", "2026-06-15T10:00:00Z", "2026-06-15T10:00:00Z", 11, 6, None)
    assert (access["id"], access["schedule"], access["next_run"]) == \
        ("access_logs", "30 */6 * * *", "2026-06-15T10:30:00Z")
    last = access["last_run"]
    assert (last["status"], last["trigger"], last["started_at"], last["finished_at"],
            last["evidence_rows"], last["findings"], last["error"]) == \
        ("succeeded", "cli", "2026-06-15T10:00:00Z", "2026-06-15T10:00:00Z", ACCESS_EVENTS, 8, None)
    assert (trained["id"], trained["schedule"], trained["next_run"]) == \
        ("training", "45 6 * * *", "2026-06-16T04:45:00Z")
    last = trained["last_run"]
    assert (last["status"], last["trigger"], last["started_at"], last["finished_at"],
            last["evidence_rows"], last["findings"], last["error"]) == \
        ("succeeded", "cli", "2026-06-15T10:00:00Z", "2026-06-15T10:00:00Z", TRAINING_COMPLETIONS, 9, None)
    for listed_check, check_id, schedule, next_run, evidence_rows, found in (
            (activity, "activities", "0 6 * * *", "2026-06-16T04:00:00Z", ACTIVITIES, 9),
            (consent, "consent", "30 7 * * *", "2026-06-16T05:30:00Z", CONSENT_ROWS, 3),
            (requests, "requests", "0 7 * * *", "2026-06-16T05:00:00Z", REQUESTS_ROWS, 4),
            (retention, "retention", "0 7 * * *", "2026-06-16T05:00:00Z", RETENTION_ROWS, 3)):
        assert (listed_check["id"], listed_check["schedule"], listed_check["next_run"]) == \
            (check_id, schedule, next_run)
        last = listed_check["last_run"]
        assert (last["status"], last["trigger"], last["started_at"], last["finished_at"],
                last["evidence_rows"], last["findings"], last["error"]) == \
            ("succeeded", "cli", "2026-06-15T10:00:00Z", "2026-06-15T10:00:00Z", evidence_rows, found, None)


def test_next_run_is_the_schedule_in_oslo_time_in_winter(tmp_path):
    items = json.loads(ok(vern(tmp_path / "vern.duckdb", "checks", "list", "--json",
                               now="2026-01-15T07:00:00+01:00")).stdout)
    # 06:00, 06:15 and 06:45 tomorrow; 07:00 twice (this very minute: a run now still counts),
    # 07:30 and 12:30 today in Oslo (CET, UTC+1).
    assert {i["id"]: i["next_run"] for i in items} == \
        {"processors": "2026-01-16T05:15:00Z", "access_logs": "2026-01-15T11:30:00Z",
         "training": "2026-01-16T05:45:00Z", "activities": "2026-01-16T05:00:00Z",
         "retention": "2026-01-15T06:00:00Z", "requests": "2026-01-15T06:00:00Z",
         "consent": "2026-01-15T06:30:00Z", "trail": "2026-01-15T06:00:00Z",
         "sources": "2026-01-15T06:00:00Z", "backups": "2026-01-15T06:00:00Z"}


def test_schedule_from_configuration_is_shown(tmp_path):
    config = tmp_path / "custom.toml"
    config.write_text('[checks.processors]\nschedule = "0 7 * * 1"\n', encoding="utf-8")
    items = {i["id"]: i for i in json.loads(ok(vern(tmp_path / "vern.duckdb", "checks", "list", "--json",
                                                   config=config)).stdout)}
    item = items["processors"]
    assert (item["schedule"], item["next_run"]) == ("0 7 * * 1", "2026-06-22T05:00:00Z")
    # The check the configuration does not name keeps its own schedule.
    assert (items["access_logs"]["schedule"], items["access_logs"]["next_run"]) == \
        ("30 */6 * * *", "2026-06-15T10:30:00Z")


def test_checks_run_unknown_check_is_refused(demo_db):
    message = domain_error(vern(demo_db, "checks", "run", "nosuch"))
    assert "'nosuch'" in message and "processors" in message


def test_checks_run_reports_a_failed_check_with_exit_1(demo_db, tmp_path):
    inbox = tmp_path / "inbox" / "processors"
    inbox.mkdir(parents=True)
    (inbox / "broken.csv").write_text(HEADER + "\nAcme AS,,XX,none,,,,\n", encoding="utf-8")
    result = vern(demo_db, "checks", "run")
    message = domain_error(result)
    # The refusal in the reader's language (bokmål by default) …
    assert "processors: failed: registre avvist, flyttet til failed/: broken.csv: linje 2, felt countries" \
        in result.stdout
    assert "vern: 1 kontroll fullførte ikke: processors" in message
    # The other check still ran, and succeeded.
    assert f"access_logs: succeeded: 8 findings from {ACCESS_EVENTS} evidence rows" in result.stdout
    # The error is shown in clear by Vern but stored encrypted (it may quote the evidence).
    items = {i["id"]: i for i in json.loads(ok(vern(demo_db, "checks", "list", "--json")).stdout)}
    assert items["access_logs"]["last_run"]["status"] == "succeeded"
    last = items["processors"]["last_run"]
    assert last["status"] == "failed"
    assert last["error"].startswith("VernError") and "broken.csv: line 2, field countries" in last["error"]
    [(stored,)] = raw(demo_db, "SELECT error FROM check_runs WHERE check_id = 'processors' "
                      "ORDER BY id DESC LIMIT 1")
    assert stored.startswith("enc1:") and "countries" not in stored


# -- import processors ----------------------------------------------------------------
def test_import_processors_good_file(tmp_path):
    db = tmp_path / "vern.duckdb"
    path = tmp_path / "register.csv"
    path.write_text(HEADER + "\nAcme AS,Mail,NO;US,dpf,no,2026-01-01,,\n", encoding="utf-8")
    assert ok(vern(db, "import", "processors", str(path))).stdout == f"{path}: imported 1 processors\n"
    assert ok(vern(db, "checks", "run")).stdout == (
        "access_logs: succeeded: 0 findings from 0 evidence rows\n"  # no access logs imported
        "activities: succeeded: 0 findings from 0 evidence rows\n"  # no record of activities
        "backups: succeeded: 2 findings from 0 evidence rows\n"  # none taken, none verified
        "consent: succeeded: 0 findings from 0 evidence rows\n"  # no campaign sends
        "processors: succeeded: 1 findings from 1 evidence rows\n"
        "requests: succeeded: 0 findings from 0 evidence rows\n"  # no data-subject requests
        "retention: succeeded: 0 findings from 0 evidence rows\n"  # no inventories
        "sources: succeeded: 0 findings from 0 evidence rows\n"  # no source configured
        "trail: succeeded: 0 findings from 10 evidence rows\n"  # the first entry, the import, eight runs
        "training: succeeded: 0 findings from 0 evidence rows\n")  # no people, no completions
    assert {(r["rule"], r["subject"]) for r in listed(db)} == \
        {("transfer_dpf_not_certified", "Acme AS – Mail"), ("backup_missing", "vern"), ("backup_unverified", "vern")}
    # The import and every check run are in the audit trail under the command line's actor.
    assert raw(db, "SELECT actor, action, object FROM trail ORDER BY seq") == [
        ("vern", "trail.start", ""),
        (CLI_ACTOR, "processors.import", "register.csv"), (CLI_ACTOR, "check.run", "access_logs"),
        (CLI_ACTOR, "check.run", "activities"), (CLI_ACTOR, "check.run", "backups"),
        (CLI_ACTOR, "check.run", "consent"),
        (CLI_ACTOR, "check.run", "processors"), (CLI_ACTOR, "check.run", "requests"),
        (CLI_ACTOR, "check.run", "retention"), (CLI_ACTOR, "check.run", "sources"),
        (CLI_ACTOR, "check.run", "trail"),
        (CLI_ACTOR, "check.run", "training")]


def test_import_processors_bad_file_names_file_line_and_field_and_imports_nothing(demo_db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\nAcme AS,Mail,NO,none,,2026-01-01,,\nBeta AS,Mail,NO,none,,2026-02-30,,\n",
                    encoding="utf-8")
    message = domain_error(vern(demo_db, "import", "processors", str(path)))
    assert message == f"vern: {path}: ingenting ble importert.\n  linje 3, felt dpa_signed_on: ikke en dato (ÅÅÅÅ-MM-DD)\n"
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM processors").fetchone() == (11,)
        assert con.execute("SELECT count(*) FROM processors WHERE name = 'Acme AS'").fetchone() == (0,)


def test_import_processors_missing_file_is_a_domain_error(tmp_path):
    path = tmp_path / "nowhere.csv"
    message = domain_error(vern(tmp_path / "vern.duckdb", "import", "processors", str(path)))
    assert str(path) in message


# -- usage errors ---------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ("frobnicate",),
    ("import", "processors"),
    ("findings", "list", "--status", "bogus"),
    ("findings", "set-status", "abc", "closed"),
    ("findings", "set-status", "abc", "acknowledged", "--review-on", "31.08.2026"),
    ("checks", "list", "--jsn"),
])
def test_bad_usage_exits_2(tmp_path, args):
    result = vern(tmp_path / "vern.duckdb", *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Usage:" in result.stderr and "Traceback" not in result.stderr


# -- the database and the configuration -----------------------------------------------
def test_database_newer_than_the_code_is_refused(tmp_path):
    db = tmp_path / "vern.duckdb"
    ok(vern(db, "init"))
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO schema_version VALUES (999, now())")
    message = domain_error(vern(db, "findings", "list"))
    assert "skjemaversjon 999" in message and "nyere" in message


@pytest.mark.parametrize("toml, key", [
    ('language = "de"', "language"),
    ('[checks.processors]\nschedule = "bad"', "checks.processors.schedule"),
    ('colour = "blue"', "colour"),
    ("[server]\nport = \"8501\"", "server.port"),
    ("[checks]\nprocessors = 5", "checks.processors"),  # a traceback at f1c4d8c
    ("[auth]\nidle_minutes = 0", "auth.idle_minutes"),
    ("[auth.roles]\nadviser = 5", "auth.roles.adviser"),  # a traceback at d929947
])
def test_bad_configuration_value_exits_1_naming_the_key(tmp_path, toml, key):
    db = tmp_path / "vern.duckdb"
    (tmp_path / "vern.toml").write_text(toml + "\n", encoding="utf-8")
    message = domain_error(vern(db, "checks", "list"))
    assert f"konfigurasjonsnøkkelen {key}" in message
    assert not db.exists()  # refused before the store is opened
    assert not key_file(db).exists()  # nor a key file created


def test_missing_explicit_configuration_file_exits_1(tmp_path):
    message = domain_error(vern(tmp_path / "vern.duckdb", "init", config=tmp_path / "absent.toml"))
    assert "absent.toml" in message


def test_database_held_by_another_process_is_refused_with_a_clear_message(tmp_path):
    db = tmp_path / "vern.duckdb"
    ok(vern(db, "init"))
    holder = subprocess.Popen(
        [sys.executable, "-c",
         ("import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
          "time.sleep(120)"), str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        for args in (("init",), ("import", "processors", str(tmp_path / "x.csv")), ("checks", "run")):
            message = domain_error(vern(db, *args))
            assert "holdes av en Vern-server som kjører" in message
            assert f"PID {holder.pid}" in message
    finally:
        holder.kill()
        holder.wait()
    ok(vern(db, "init"))  # free again once the holder is gone


def test_naive_vern_now_is_refused_with_a_message(tmp_path):
    message = domain_error(vern(tmp_path / "vern.duckdb", "init", now="2026-06-15T12:00"))
    assert message == "vern: VERN_NOW: mangler tidssone (skriv f.eks. 2026-03-28T10:00+01:00)\n"


def test_demo_refuses_a_database_with_real_data(tmp_path):
    db = tmp_path / "vern.duckdb"
    path = tmp_path / "register.csv"
    path.write_text(HEADER + "\nAcme AS,Mail,NO,none,,2026-01-01,,\n", encoding="utf-8")
    ok(vern(db, "import", "processors", str(path)))
    assert "inneholder ekte data; demoen ville skrevet over dem" in domain_error(vern(db, "demo"))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT name FROM processors").fetchall() == [("Acme AS",)]


def test_help_lists_the_commands():
    result = subprocess.run([str(VERN), "--help"], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0
    commands = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert {"init", "demo", "serve", "checks", "import", "findings",
            "users", "keys", "trail", "reidentify"} <= commands
