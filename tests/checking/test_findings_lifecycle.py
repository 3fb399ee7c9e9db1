"""The findings lifecycle, through the real runner, the real `processors` check and a real
DuckDB file: one finding per fingerprint, closed when no longer seen, reopened when it
comes back, the adviser's decision kept, every transition in the history."""

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from audits.checking import findings, runner
from audits.checking.api import Check, Finding, Rule, Severity
from audits.core import config as configuration
from audits.core import trail
from audits.core.errors import VernError
from audits.core.i18n import Text
from audits.core.keys import open_store
from audits.core.store import Store
from audits.processors.register import COLUMNS, import_register
from checks.processors import ProcessorsCheck

DAY1 = "2026-06-15T12:00:00+02:00"
DAY2 = "2026-06-16T12:00:00+02:00"
DAY3 = "2026-06-17T12:00:00+02:00"
DAY4 = "2026-06-18T12:00:00+02:00"


def utc(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=UTC)


MISSING = ("Already On AS", "CRM", "NO", "none", "", "", "", "")
SIGNED = ("Already On AS", "CRM", "NO", "none", "", "2026-01-01", "", "")
SHIELD = ("Mailchimp", "Newsletter", "US", "privacy_shield", "no", "2026-01-01", "", "")
MISSING_FP = findings.fingerprint("processors", "dpa_missing", "Already On AS – CRM")
SHIELD_FP = findings.fingerprint("processors", "transfer_invalid_mechanism", "Mailchimp – Newsletter")


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "vern.duckdb", tmp_path / "vern.key")
    yield opened
    opened.close()


@pytest.fixture
def config(tmp_path):
    return configuration.load(None, tmp_path / "vern.duckdb", {"processors": ProcessorsCheck})


def load_register(store: Store, tmp_path: Path, *rows: tuple) -> None:
    path = tmp_path / "register.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    import_register(store, path, "test")


def run_on(monkeypatch, store, config, instant: str) -> runner.RunResult:
    monkeypatch.setenv("VERN_NOW", instant)
    result = runner.run(store, config, ProcessorsCheck, "manual")
    assert result.status == "succeeded", result.error
    return result


def row(store: Store, fp: str) -> dict:
    return findings.get(store, fp)


def raw_reasons(store: Store, fp: str) -> tuple[str | None, list[str | None]]:
    """findings.status_reason and every finding_events.reason as stored, not decrypted."""
    return (store.value("SELECT status_reason FROM findings WHERE fingerprint = ?", [fp]),
            [r["reason"] for r in store.rows(
                "SELECT reason FROM finding_events WHERE fingerprint = ? ORDER BY id", [fp])])


def sealed(value) -> bool:
    return isinstance(value, str) and value.startswith("enc1:")


def events(store: Store, fp: str) -> list[tuple]:
    return [(e["actor"], e["from_status"], e["to_status"], e["reason"], e["happened_at"])
            for e in findings.history(store, fp)]


# -- one finding per fingerprint ------------------------------------------------------
def test_repeated_runs_keep_one_finding_and_move_last_seen(store, config, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING, SHIELD)
    run_on(monkeypatch, store, config, DAY1)
    run_on(monkeypatch, store, config, DAY2)
    third = run_on(monkeypatch, store, config, DAY3)

    rows = store.rows("SELECT fingerprint, rule, subject, status, first_seen, last_seen, "
                      "last_run_id, reopened_count FROM findings ORDER BY rule")
    assert rows == [
        {"fingerprint": MISSING_FP, "rule": "dpa_missing", "subject": "Already On AS – CRM",
         "status": "open", "first_seen": utc(15), "last_seen": utc(17),
         "last_run_id": third.run_id, "reopened_count": 0},
        {"fingerprint": SHIELD_FP, "rule": "transfer_invalid_mechanism",
         "subject": "Mailchimp – Newsletter", "status": "open", "first_seen": utc(15),
         "last_seen": utc(17), "last_run_id": third.run_id, "reopened_count": 0},
    ]
    # Vern's own transitions carry no reason: "first seen" is from_status NULL -> open.
    assert events(store, MISSING_FP) == [("vern", None, "open", None, utc(15))]


def test_each_run_is_recorded_with_its_counts(store, config, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING, SHIELD, SIGNED[:1] + ("Other",) + SIGNED[2:])
    first = run_on(monkeypatch, store, config, DAY1)
    assert (first.evidence_rows, first.findings) == (3, 2)
    runs = store.rows("SELECT check_id, trigger, started_at, finished_at, status, evidence_rows, "
                      "findings, error FROM check_runs")
    assert runs == [{"check_id": "processors", "trigger": "manual", "started_at": utc(15),
                     "finished_at": utc(15), "status": "succeeded", "evidence_rows": 3,
                     "findings": 2, "error": None}]


def test_fingerprint_is_stable_and_depends_on_check_rule_and_subject():
    assert findings.fingerprint("processors", "dpa_missing", "A") == \
        findings.fingerprint("processors", "dpa_missing", "A")
    assert len({findings.fingerprint("processors", "dpa_missing", "A"),
                findings.fingerprint("processors", "dpa_expired", "A"),
                findings.fingerprint("processors", "dpa_missing", "B"),
                findings.fingerprint("other", "dpa_missing", "A")}) == 4


# -- closed, reopened -----------------------------------------------------------------
def test_finding_no_longer_seen_is_closed(store, config, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING, SHIELD)
    run_on(monkeypatch, store, config, DAY1)
    load_register(store, tmp_path, SIGNED, SHIELD)  # the agreement was signed
    run_on(monkeypatch, store, config, DAY2)

    gone = row(store, MISSING_FP)
    assert (gone["status"], gone["closed_at"], gone["last_seen"]) == ("closed", utc(16), utc(15))
    still = row(store, SHIELD_FP)
    assert (still["status"], still["closed_at"], still["last_seen"]) == ("open", None, utc(16))


def test_closed_finding_that_comes_back_is_reopened(store, config, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY1)
    load_register(store, tmp_path, SIGNED)
    run_on(monkeypatch, store, config, DAY2)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY3)

    back = row(store, MISSING_FP)
    assert (back["status"], back["reopened_count"], back["closed_at"]) == ("open", 1, None)
    assert (back["first_seen"], back["last_seen"]) == (utc(15), utc(17))
    assert store.value("SELECT count(*) FROM findings") == 1


def test_a_run_closes_only_its_own_checks_findings(store, config, tmp_path, monkeypatch):
    class Other(Check):
        id = "other"
        title = Text("Annen", "Other")
        area = "other"
        schedule = "0 5 * * *"
        rules = (Rule("always", Severity.low, "Art. 5", Text("a", "a"), Text("{subject}", "{subject}"),
                      Text("r", "r")),)

        def evaluate(self, ctx):
            yield Finding("always", "thing")

    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    assert [r.status for r in runner.run_many(store, config, [Other, ProcessorsCheck], "manual")] \
        == ["succeeded", "succeeded"]
    load_register(store, tmp_path, SIGNED)
    run_on(monkeypatch, store, config, DAY2)

    statuses = {r["check_id"]: r["status"] for r in store.rows("SELECT check_id, status FROM findings")}
    assert statuses == {"other": "open", "processors": "closed"}



def test_what_a_finding_concerns_is_stored_and_follows_each_run(store, config, monkeypatch):
    systems = [("CRM",)]

    class Linked(Check):
        id = "linked"
        title = Text("Koblet", "Linked")
        area = "linked"
        schedule = "0 5 * * *"
        rules = (Rule("seen", Severity.low, "Art. 5", Text("s", "s"), Text("{subject}", "{subject}"),
                      Text("r", "r")),)

        def evaluate(self, ctx):
            yield Finding("seen", "kari", activity="Medlemsregister", processor="Acme AS",
                          systems=systems[-1], record_category="member")

    def stored() -> tuple:
        [row] = store.rows("SELECT activity, processor, systems, record_category FROM findings")
        return tuple(row.values())

    monkeypatch.setenv("VERN_NOW", DAY1)
    runner.run(store, config, Linked, "manual")
    assert stored() == ("Medlemsregister", "Acme AS", ["CRM"], "member")
    systems.append(("CRM", "Drive"))  # the same finding, seen on one more system
    monkeypatch.setenv("VERN_NOW", DAY2)
    runner.run(store, config, Linked, "manual")
    assert stored() == ("Medlemsregister", "Acme AS", ["CRM", "Drive"], "member")

def test_failed_run_closes_nothing(store, config, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY1)
    inbox = config.inbox / "processors"
    inbox.mkdir(parents=True)
    (inbox / "register.csv").write_text(",".join(COLUMNS) + "\nBroken,,XX,none,,,,\n", encoding="utf-8")

    monkeypatch.setenv("VERN_NOW", DAY2)
    result = runner.run(store, config, ProcessorsCheck, "schedule")

    assert result.status == "failed"
    assert row(store, MISSING_FP)["status"] == "open"
    assert row(store, MISSING_FP)["last_seen"] == utc(15)
    assert [p.name for p in (inbox / "failed").iterdir()] == ["20260616T100000Z-register.csv"]
    assert list(inbox.glob("*.csv")) == []


def test_register_dropped_in_the_inbox_is_imported_by_the_run(store, config, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    inbox = config.inbox / "processors"
    inbox.mkdir(parents=True)
    (inbox / "register.csv").write_text(
        ",".join(COLUMNS) + "\n" + ",".join(SHIELD) + "\n", encoding="utf-8")

    result = run_on(monkeypatch, store, config, DAY1)

    assert (result.evidence_rows, result.findings) == (1, 1)
    assert row(store, SHIELD_FP)["status"] == "open"
    assert [p.name for p in (inbox / "imported").iterdir()] == ["20260615T100000Z-register.csv"]


# -- the adviser's decision -----------------------------------------------------------
@pytest.mark.parametrize("status, reason", [
    ("acknowledged", "Waiting for the supplier"),
    ("resolved", "Signed, scan not yet in the register"),
    ("risk_accepted", "The board accepts the risk until the contract ends"),
])
def test_advisers_status_survives_later_runs(store, config, tmp_path, monkeypatch, status, reason):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY1)
    monkeypatch.setenv("VERN_NOW", "2026-06-15T15:00:00+02:00")
    findings.set_status(store, MISSING_FP, status, "ingrid", reason)
    run_on(monkeypatch, store, config, DAY2)
    run_on(monkeypatch, store, config, DAY3)

    kept = row(store, MISSING_FP)
    assert (kept["status"], kept["status_reason"], kept["status_by"], kept["status_at"]) == \
        (status, reason, "ingrid", utc(15, 13))
    assert (kept["last_seen"], kept["reopened_count"]) == (utc(17), 0)
    stored_reason, stored_events = raw_reasons(store, MISSING_FP)
    assert sealed(stored_reason) and reason not in stored_reason
    assert stored_events[0] is None and sealed(stored_events[1]) and reason not in stored_events[1]


def test_set_status_accepts_a_fingerprint_prefix_and_review_date(store, config, tmp_path, monkeypatch):
    from datetime import date

    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY1)
    changed = findings.set_status(store, MISSING_FP[:6], "risk_accepted", "ingrid",
                                  "  Low volume  ", date(2026, 12, 1))
    assert (changed["fingerprint"], changed["status"], changed["status_reason"], changed["review_on"]) \
        == (MISSING_FP, "risk_accepted", "Low volume", date(2026, 12, 1))


@pytest.mark.parametrize("reason", ["", "   "])
def test_risk_accepted_without_reason_is_refused(store, config, tmp_path, monkeypatch, reason):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY1)
    with pytest.raises(VernError, match="reason"):
        findings.set_status(store, MISSING_FP, "risk_accepted", "ingrid", reason)
    assert row(store, MISSING_FP)["status"] == "open"
    assert len(findings.history(store, MISSING_FP)) == 1


@pytest.mark.parametrize("reason", ["Asked\x00the supplier", "x" * 10_001, "bad \udcff bytes"])
def test_reason_that_cannot_be_stored_honestly_is_refused(store, config, tmp_path, monkeypatch, reason):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY1)
    with pytest.raises(VernError, match="reason"):
        findings.set_status(store, MISSING_FP, "acknowledged", "ingrid", reason)
    assert row(store, MISSING_FP)["status"] == "open"
    assert len(findings.history(store, MISSING_FP)) == 1


def test_a_decision_is_recorded_in_the_audit_trail_without_its_reason(store, config, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY1)
    findings.set_status(store, MISSING_FP, "acknowledged", "ingrid", "Asked the supplier")
    [entry] = trail.listing(store, actor="ingrid")
    assert (entry["action"], entry["object"], entry["details"]) == \
        ("finding.status", MISSING_FP, {"from": "open", "to": "acknowledged", "review_on": None})
    assert "supplier" not in str(entry)
    assert trail.verify(store)[1] is None


def test_set_status_on_a_closed_finding_is_refused(store, config, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY1)
    load_register(store, tmp_path, SIGNED)
    run_on(monkeypatch, store, config, DAY2)
    with pytest.raises(VernError, match="closed"):
        findings.set_status(store, MISSING_FP, "acknowledged", "ingrid", "seen")
    assert row(store, MISSING_FP)["status"] == "closed"


@pytest.mark.parametrize("status", ["closed", "bogus"])
def test_a_person_cannot_set_closed_or_an_unknown_status(store, config, tmp_path, monkeypatch, status):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY1)
    with pytest.raises(VernError, match="status"):
        findings.set_status(store, MISSING_FP, status, "ingrid", "because")
    assert row(store, MISSING_FP)["status"] == "open"


def test_set_status_on_an_unknown_fingerprint_is_refused(store, config, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    with pytest.raises(VernError, match="not found"):
        findings.set_status(store, "0123456789abcdef", "acknowledged", "ingrid", "x")


def test_history_records_every_transition(store, config, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY1)                       # first seen
    monkeypatch.setenv("VERN_NOW", "2026-06-15T14:00:00+02:00")
    findings.set_status(store, MISSING_FP, "acknowledged", "ingrid", "Asked the supplier")
    run_on(monkeypatch, store, config, DAY2)                       # still seen: no event
    load_register(store, tmp_path, SIGNED)
    run_on(monkeypatch, store, config, DAY3)                       # closed
    load_register(store, tmp_path, MISSING)
    run_on(monkeypatch, store, config, DAY4)                       # reopened
    monkeypatch.setenv("VERN_NOW", "2026-06-18T13:00:00+02:00")
    findings.set_status(store, MISSING_FP, "risk_accepted", "ingrid", "Contract ends in July")

    # Vern's transitions (first seen, no longer seen, seen again) carry no reason: what
    # happened is told by from_status/to_status. A person's reason is returned in clear.
    assert events(store, MISSING_FP) == [
        ("vern", None, "open", None, utc(15)),
        ("ingrid", "open", "acknowledged", "Asked the supplier", utc(15, 12)),
        ("vern", "acknowledged", "closed", None, utc(17)),
        ("vern", "closed", "open", None, utc(18)),
        ("ingrid", "open", "risk_accepted", "Contract ends in July", utc(18, 11)),
    ]
    final = row(store, MISSING_FP)
    assert (final["status"], final["reopened_count"], final["status_reason"]) == \
        ("risk_accepted", 1, "Contract ends in July")
    # ...but stored encrypted: the raw tables hold ciphertext only.
    stored_reason, stored_events = raw_reasons(store, MISSING_FP)
    assert sealed(stored_reason) and "Contract" not in stored_reason
    assert [sealed(r) if r is not None else None for r in stored_events] == \
        [None, True, None, None, True]
    assert not any("supplier" in r or "Contract" in r for r in stored_events if r)


# -- a check that raises ------------------------------------------------------------------
class Exploding(Check):
    id = "exploding"
    title = Text("Eksploderer", "Explodes")
    area = "test"
    schedule = "0 5 * * *"
    rules = (Rule("never", Severity.low, "Art. 5", Text("n", "n"), Text("n", "n"), Text("n", "n")),)

    def evaluate(self, ctx):
        raise RuntimeError("evidence source unreachable")


def test_check_that_raises_is_recorded_as_failed_and_others_still_run(
        store, config, tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    load_register(store, tmp_path, MISSING, SHIELD)

    results = runner.run_many(store, config, [Exploding, ProcessorsCheck], "manual")

    assert [(r.check_id, r.status, r.error) for r in results] == [
        ("exploding", "failed", "RuntimeError: evidence source unreachable"),
        ("processors", "succeeded", None),
    ]
    # runner.history returns the error in clear (newest first)...
    runs = [{k: r[k] for k in ("check_id", "status", "started_at", "finished_at", "error", "findings")}
            for r in reversed(runner.history(store))]
    assert runs == [
        {"check_id": "exploding", "status": "failed", "started_at": utc(15), "finished_at": utc(15),
         "error": "RuntimeError: evidence source unreachable", "findings": None},
        {"check_id": "processors", "status": "succeeded", "started_at": utc(15),
         "finished_at": utc(15), "error": None, "findings": 2},
    ]
    # ...while check_runs stores it encrypted: the error may quote the evidence.
    stored = store.rows("SELECT check_id, error FROM check_runs ORDER BY id")
    assert [r["check_id"] for r in stored] == ["exploding", "processors"]
    assert sealed(stored[0]["error"]) and "unreachable" not in stored[0]["error"]
    assert stored[1]["error"] is None
    assert {r["rule"] for r in findings.listing(store)} == {"dpa_missing", "transfer_invalid_mechanism"}
    latest = runner.latest(store)["exploding"]
    assert (latest["status"], latest["error"]) == ("failed", "RuntimeError: evidence source unreachable")


class Refusing(Exploding):
    id = "refusing"

    def evaluate(self, ctx):
        raise VernError(Text("registeret mangler kolonnen {column}", "the register lacks the column {column}"),
                        column="country")


def test_a_failed_runs_error_is_kept_in_both_languages_and_read_in_the_readers(store, config, monkeypatch):
    monkeypatch.setenv("VERN_NOW", DAY1)
    runner.run_many(store, config, [Refusing, Exploding], "manual")
    refusing, exploding = sorted(runner.history(store), key=lambda run: run["check_id"], reverse=True)
    assert refusing["error"] == "VernError: the register lacks the column country"  # the CLI's JSON, as before
    assert runner.error_in(refusing, "nb") == "registeret mangler kolonnen country"
    assert runner.error_in(refusing, "en") == "the register lacks the column country"
    assert runner.error_in(exploding, "nb") == "Feil i kontrollen (RuntimeError): evidence source unreachable"
    # A run recorded before errors kept their languages reads as it was written.
    with store.transaction() as tx:
        tx.execute("UPDATE check_runs SET error = ? WHERE check_id = 'refusing'",
                   [store.keys.encrypt("VernError: an old refusal", "check_runs.error")])
    old = next(run for run in runner.history(store) if run["check_id"] == "refusing")
    assert (old["error"], runner.error_in(old, "nb")) == ("VernError: an old refusal", "an old refusal")
