"""Inventories of stored records, the check `retention` and recorded deletions.

Activities are plain rows in `activities`; inventories are written as CSV and imported;
the check is run through the runner on a chosen day (VERN_NOW) and its findings read from
the register. Each rule on both sides of its edge: a record is overdue the day after its
due date, not on it. Months are calendar months, clamped to the month's end.
"""

import json
import shutil
import subprocess
from datetime import date, timedelta
from itertools import count
from pathlib import Path

import pytest
import vern_process

from audits import runtime
from audits.access import directory
from audits.checking import runner
from audits.core import trail
from audits.core.errors import InputError, VernError
from audits.demo import loader as demo
from audits.demo import retention as demo_retention
from audits.retention import register as retention
from audits.runtime import open_vern
from checks.retention import RetentionCheck
from conftest import FIXED_NOW, VERN

_files = count(1)
HEADER = "record_ref,category,last_activity_on,purpose_ended_on,pseudonymised"
SYSTEMS = """name,holds_personal_data,classification,match
CRM,yes,confidential,
Drive,yes,internal,
"""


# -- helpers --------------------------------------------------------------------------
def write(vern, content: str, name: str = "inventory.csv") -> Path:
    path = vern.store.path.parent / f"{next(_files)}-{name}"
    path.write_text(content, encoding="utf-8")
    return path


def systems(vern) -> None:
    directory.import_systems(vern.store, write(vern, SYSTEMS, "systems.csv"), "test")


def activity(vern, name: str, months: int | None, start: str | None, categories: list[str],
             statistics: bool = False) -> None:
    with vern.store.transaction() as tx:
        tx.execute(
            "INSERT INTO activities (name, role, special_categories, data_subjects, data_categories, children, "
            "recipients, processors, retention_months, retention_from, record_categories, statistics_exempt, "
            "security_measures, systems, dpia_criteria, dpia_status, updated_at, updated_by) "
            "VALUES (?, 'controller', [], [], [], false, [], [], ?, ?, ?, ?, [], [], [], 'not_started', "
            "TIMESTAMPTZ '2026-01-01 00:00:00+00', 'test')", [name, months, start, categories, statistics])


def inventory(vern, *rows: tuple, system: str = "CRM") -> retention.Imported:
    """(record_ref, category, last_activity_on[, purpose_ended_on[, pseudonymised]]) rows."""
    lines = [HEADER] + [",".join((list(r) + ["", ""])[:5]) for r in rows]
    return retention.import_inventory(vern.store, write(vern, "\n".join(lines) + "\n"), system, "test")


def findings(vern, monkeypatch, day: str, rule: str) -> dict[str, dict]:
    """Run the check on `day` and return the open findings of `rule`: subject → values (without
    the category's and date's words for each language, read in test_the_findings_read_in_bokmal)."""
    monkeypatch.setenv("VERN_NOW", f"{day}T12:00:00+01:00")
    result = runner.run(vern.store, vern.config, RetentionCheck, "manual")
    assert result.status == "succeeded", result.error
    rows = vern.store.rows("SELECT subject, message_en, details FROM findings "
                           "WHERE check_id = 'retention' AND rule = ? AND status = 'open'", [rule])
    return {r["subject"]: {**{key: value for key, value in json.loads(r["details"]).items()
                              if not key.endswith(("_nb", "_en"))}, "message": r["message_en"]} for r in rows}


def test_the_findings_read_in_bokmal(vern, monkeypatch):
    """The category by its name and the date in the Norwegian form, not the inventory's id."""
    systems(vern)
    activity(vern, "Prospects", 12, "last_activity", ["prospect"])
    inventory(vern, ("P-1", "prospect", "2025-10-01"), ("P-2", "volunteer_application", "2025-10-01"))
    monkeypatch.setenv("VERN_NOW", "2026-11-24T12:00:00+01:00")
    assert runner.run(vern.store, vern.config, RetentionCheck, "manual").status == "succeeded"
    said = {r["rule"]: r["message_nb"] for r in vern.store.rows(
        "SELECT rule, message_nb FROM findings WHERE check_id = 'retention'")}
    assert said == {
        "retention_overdue": "CRM – interessent: 1 poster er over lagringstiden; eldste frist 1. okt. 2026.",
        "retention_rule_missing": "CRM – søknad som frivillig: 1 poster i en kategori uten lagringsregel."}


def due(vern) -> dict[str, date | None]:
    """record pseudonym → due date."""
    return {r["record_ref"]: r["due_on"] for r in vern.store.rows(retention.DUE)}


def ref(vern, record_ref: str) -> str:
    return vern.store.keys.pseudonym(record_ref)


def snapshot(store) -> dict:
    return {table: store.rows(f"SELECT * FROM {table} ORDER BY ALL")
            for table in ("inventory", "inventory_imports", "deletions", "trail")}


# -- the inventory --------------------------------------------------------------------
def test_inventory_is_stored_by_pseudonym_and_replaces_the_systems_snapshot(vern):
    systems(vern)
    inventory(vern, ("D-1", "event_participant", "2026-01-10"), system="Drive")
    result = inventory(vern, ("M-1001", "member", "2026-03-01", "2026-04-30", "yes"),
                       ("M-1002", "prospect", "2025-06-15", "", "no"), ("M-1003", "prospect", "2025-07-01"))
    assert result == retention.Imported(records=3, deletions_checked=0)
    assert vern.store.rows("SELECT * FROM inventory WHERE system = 'CRM' ORDER BY category, last_activity_on") == [
        {"system": "CRM", "record_ref": ref(vern, "M-1001"), "category": "member",
         "last_activity_on": date(2026, 3, 1), "purpose_ended_on": date(2026, 4, 30), "pseudonymised": True},
        {"system": "CRM", "record_ref": ref(vern, "M-1002"), "category": "prospect",
         "last_activity_on": date(2025, 6, 15), "purpose_ended_on": None, "pseudonymised": False},
        {"system": "CRM", "record_ref": ref(vern, "M-1003"), "category": "prospect",
         "last_activity_on": date(2025, 7, 1), "purpose_ended_on": None, "pseudonymised": False}]
    assert "M-100" not in json.dumps(snapshot(vern.store), default=str)
    inventory(vern, ("M-1004", "member", "2026-11-01"))
    assert vern.store.rows("SELECT system, count(*) AS n FROM inventory GROUP BY system ORDER BY system") == [
        {"system": "CRM", "n": 1}, {"system": "Drive", "n": 1}]
    imports = {r["system"]: r for r in retention.inventories(vern.store)}
    assert imports["CRM"]["records"] == 1 and imports["CRM"]["file"].endswith("-inventory.csv")
    entry = trail.listing(vern.store, action="inventory.import")[0]
    assert entry["object"] == "CRM" and entry["details"] == {"records": 1, "file": imports["CRM"]["file"]}


def test_only_the_required_columns_and_a_purpose_ended_before_the_last_activity(vern):
    systems(vern)
    path = write(vern, "\ufeffrecord_ref;category;last_activity_on\nA-1;member;2026-01-01\n")
    assert retention.import_inventory(vern.store, path, "CRM", "test").records == 1
    inventory(vern, ("A-1", "member", "2026-05-01", "2026-02-01"))  # ended before the last activity: fine
    assert vern.store.value("SELECT purpose_ended_on FROM inventory") == date(2026, 2, 1)


def test_unknown_system_is_refused_naming_the_known_ones(vern):
    systems(vern)
    before = snapshot(vern.store)
    with pytest.raises(VernError, match=r"^system: not in the system list; known systems: CRM, Drive$"):
        inventory(vern, ("A-1", "member", "2026-01-01"), system="Mailchimp")
    assert snapshot(vern.store) == before


@pytest.mark.parametrize(("content", "problem"), [
    ("record_ref,category\nA-1,member\n", "line 1: missing column last_activity_on"),
    (f"{HEADER}\nA-1,member,2026-13-01,,\n", "line 2, field last_activity_on: not a date"),
    (f"{HEADER}\nA-1,member,,,\n", "line 2, field last_activity_on: required"),
    (f"{HEADER}\nA-1,member,2026-01-01,01.02.2026,\n", "line 2, field purpose_ended_on: not a date"),
    (f"{HEADER}\nA-1,member,2026-01-01,,maybe\n", "line 2, field pseudonymised: must be yes, no or empty"),
    (f"{HEADER}\n,member,2026-01-01,,\n", "line 2, field record_ref: required"),
    (f"{HEADER}\nA-1,,2026-01-01,,\n", "line 2, field category: required"),
    (f"{HEADER}\nA-1,member,2026-01-01,,\nB-2,member,2026-01-01,,\na-1,prospect,2026-01-02,,\n",
     "line 4, field record_ref: the same record as on line 2"),
])
def test_bad_inventory_is_refused_whole_naming_file_line_and_field(vern, content, problem):
    systems(vern)
    inventory(vern, ("KEEP-1", "member", "2026-01-01"))
    before = snapshot(vern.store)
    path = write(vern, content)
    with pytest.raises(InputError) as refused:
        retention.import_inventory(vern.store, path, "CRM", "test")
    assert str(refused.value).startswith(f"{path}: nothing was imported.")
    assert problem in str(refused.value)
    assert "A-1" not in str(refused.value) and "a-1" not in str(refused.value)  # a member number is personal
    assert snapshot(vern.store) == before


# -- due dates ------------------------------------------------------------------------
@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2026-01-31", 1, date(2026, 2, 28)),  # clamped to the month's end
    ("2024-01-31", 1, date(2024, 2, 29)),  # a leap year's February
    ("2024-02-29", 12, date(2025, 2, 28)),  # from a leap day
    ("2023-01-31", 13, date(2024, 2, 29)),  # to a leap day
    ("2026-03-15", 24, date(2028, 3, 15)),
])
def test_due_date_adds_calendar_months_clamped_to_the_month_end(vern, start, months, expected):
    systems(vern)
    activity(vern, "Rule", months, "last_activity", ["c"])
    inventory(vern, ("R-1", "c", start))
    assert due(vern) == {ref(vern, "R-1"): expected}


@pytest.mark.parametrize(("last", "months", "due_on"), [
    ("2025-11-24", 12, "2026-11-24"),
    ("2026-01-31", 1, "2026-02-28"),
    ("2024-02-29", 12, "2025-02-28"),
    ("2023-01-31", 13, "2024-02-29"),
])
def test_retention_overdue_the_day_after_the_due_date_not_on_it(vern, monkeypatch, last, months, due_on):
    systems(vern)
    activity(vern, "Prospects", months, "last_activity", ["prospect"])
    inventory(vern, ("P-1", "prospect", last))
    assert findings(vern, monkeypatch, due_on, "retention_overdue") == {}
    after = (date.fromisoformat(due_on) + timedelta(days=1)).isoformat()
    assert findings(vern, monkeypatch, after, "retention_overdue") == {"CRM – prospect": {
        "system": "CRM", "category": "prospect", "count": 1, "oldest": due_on,
        "message": f"CRM – prospect: 1 records are past their retention; oldest due {due_on}."}}


def test_one_finding_per_system_and_category_with_the_count_and_the_oldest_due_date(vern, monkeypatch):
    systems(vern)
    activity(vern, "Prospects", 24, "last_activity", ["prospect"])
    activity(vern, "Events", 12, "last_activity", ["event_participant"])
    inventory(vern, ("P-1", "prospect", "2024-03-10"), ("P-2", "prospect", "2023-05-31"),
              ("P-3", "prospect", "2024-11-24"),  # due today: not yet
              ("E-1", "event_participant", "2025-01-05"))
    inventory(vern, ("E-9", "event_participant", "2025-10-01"), ("E-8", "event_participant", "2025-11-23"),
              system="Drive")
    found = findings(vern, monkeypatch, "2026-11-24", "retention_overdue")
    assert {s: (v["count"], v["oldest"]) for s, v in found.items()} == {
        "CRM – prospect": (2, "2025-05-31"), "CRM – event_participant": (1, "2026-01-05"),
        "Drive – event_participant": (2, "2026-10-01")}


def test_latest_due_date_wins_when_several_activities_govern_a_category(vern, monkeypatch):
    systems(vern)
    activity(vern, "Newsletter", 12, "last_activity", ["member"])
    activity(vern, "Membership", 6, "purpose_ended", ["member"])
    inventory(vern, ("M-1", "member", "2025-06-30", "2026-05-31"))  # 2026-06-30 and 2026-11-30
    assert due(vern) == {ref(vern, "M-1"): date(2026, 11, 30)}
    assert findings(vern, monkeypatch, "2026-11-30", "retention_overdue") == {}
    assert findings(vern, monkeypatch, "2026-12-01", "retention_overdue")["CRM – member"]["oldest"] == "2026-11-30"


def test_purpose_ended_rule_is_not_due_until_the_purpose_ends(vern, monkeypatch):
    systems(vern)
    activity(vern, "Membership", 24, "purpose_ended", ["member"])
    activity(vern, "Newsletter", 1, "last_activity", ["member"])  # long past, but membership still holds
    inventory(vern, ("M-1", "member", "2015-01-01"), ("M-2", "member", "2015-01-01", "2024-11-24"),
              ("M-3", "member", "2015-01-01", "2024-11-23"))
    assert due(vern) == {ref(vern, "M-1"): None, ref(vern, "M-2"): date(2026, 11, 24),
                         ref(vern, "M-3"): date(2026, 11, 23)}
    found = findings(vern, monkeypatch, "2026-11-24", "retention_overdue")
    assert {s: (v["count"], v["oldest"]) for s, v in found.items()} == {"CRM – member": (1, "2026-11-23")}


@pytest.mark.parametrize(("pseudonymised", "statistics", "overdue"), [
    ("yes", True, False),  # kept only as pseudonymised statistics, and the activity allows it
    ("yes", False, True),  # the activity does not allow statistics
    ("no", True, True),  # not pseudonymised
    ("", True, True),  # empty means no
])
def test_pseudonymised_statistics_are_exempt_only_when_the_activity_says_so(vern, monkeypatch, pseudonymised,
                                                                            statistics, overdue):
    systems(vern)
    activity(vern, "Membership", 24, "purpose_ended", ["member"], statistics=statistics)
    inventory(vern, ("M-1", "member", "2020-01-01", "2021-01-01", pseudonymised))
    found = findings(vern, monkeypatch, "2026-11-24", "retention_overdue")
    assert ("CRM – member" in found) is overdue


def test_exemption_from_any_governing_activity(vern, monkeypatch):
    systems(vern)
    activity(vern, "Membership", 24, "purpose_ended", ["member"], statistics=True)
    activity(vern, "Newsletter", 12, "last_activity", ["member"])
    inventory(vern, ("M-1", "member", "2020-01-01", "2021-01-01", "yes"))
    assert findings(vern, monkeypatch, "2026-11-24", "retention_overdue") == {}
    assert retention.summary(vern.store, date(2026, 11, 24))[0]["exempt"] == 1


def test_retention_rule_missing_for_a_category_no_rule_governs(vern, monkeypatch):
    systems(vern)
    activity(vern, "Volunteers", None, None, ["volunteer_application"])  # governs it, but has no period
    activity(vern, "Prospects", 24, "last_activity", ["prospect"])
    inventory(vern, ("V-1", "volunteer_application", "2026-01-01"), ("V-2", "volunteer_application", "2026-02-01"),
              ("X-1", "unknown_category", "2026-01-01", "", "yes"), ("P-1", "prospect", "2026-01-01"))
    found = findings(vern, monkeypatch, "2026-11-24", "retention_rule_missing")
    assert found == {
        "CRM – volunteer_application": {"system": "CRM", "category": "volunteer_application", "count": 2,
                                        "message": "CRM – volunteer application: 2 records in a category "
                                                   "with no retention rule."},
        "CRM – unknown_category": {"system": "CRM", "category": "unknown_category", "count": 1,
                                   "message": "CRM – unknown_category: 1 records in a category with no "
                                              "retention rule."}}
    assert findings(vern, monkeypatch, "2026-11-24", "retention_overdue") == {}
    activity(vern, "Recruitment", 6, "last_activity", ["volunteer_application"])
    assert list(findings(vern, monkeypatch, "2026-11-24", "retention_rule_missing")) == ["CRM – unknown_category"]


# -- deletions ------------------------------------------------------------------------
def _crm_with_prospects(vern) -> None:
    systems(vern)
    activity(vern, "Prospects", 12, "last_activity", ["prospect"])
    inventory(vern, ("P-1", "prospect", "2025-01-10"), ("P-2", "prospect", "2025-03-01"),
              ("P-3", "prospect", "2025-11-20"), ("M-1", "member", "2026-01-01"))


def status(vern) -> list[tuple]:
    return [(d["category"], d["status"], d["remaining"]) for d in retention.deletions(vern.store)]


def test_deletion_confirmed_by_the_next_inventory(vern):
    _crm_with_prospects(vern)
    deletion = retention.record_deletion(vern.store, "adviser", "CRM", "prospect", date(2026, 11, 1), 2,
                                         "SuperOffice job log, ticket 118")
    assert status(vern) == [("prospect", "awaiting", None)]
    entry = trail.listing(vern.store, action="retention.deletion")[0]
    assert (entry["actor"], entry["object"]) == ("adviser", "CRM")
    assert entry["details"] == {"id": deletion, "category": "prospect", "deleted_on": "2026-11-01", "count": 2}
    inventory(vern, ("P-3", "prospect", "2025-11-20"), system="Drive")  # another system's inventory: no
    assert status(vern) == [("prospect", "awaiting", None)]
    # P-3 is due 2026-11-20: overdue today, but not yet on the day of the deletion
    result = inventory(vern, ("P-3", "prospect", "2025-11-20"), ("M-1", "member", "2026-01-01"))
    assert result.deletions_checked == 1
    assert status(vern) == [("prospect", "confirmed", 0)]
    assert retention.deletions(vern.store)[0]["checked_at"] is not None


def test_deletion_not_confirmed_when_records_due_by_that_day_remain(vern):
    _crm_with_prospects(vern)
    retention.record_deletion(vern.store, "adviser", "CRM", "prospect", date(2026, 11, 1), 2, "job log")
    inventory(vern, ("P-2", "prospect", "2025-03-01"), ("P-3", "prospect", "2025-11-20"))
    assert status(vern) == [("prospect", "not_confirmed", 1)]
    inventory(vern, ("P-3", "prospect", "2025-11-20"))  # judged once: a later inventory leaves it be
    assert status(vern) == [("prospect", "not_confirmed", 1)]


def test_deletion_on_the_due_date_itself_does_not_need_that_record_gone(vern):
    systems(vern)
    activity(vern, "Prospects", 12, "last_activity", ["prospect"])
    inventory(vern, ("P-1", "prospect", "2025-11-01"), ("P-2", "prospect", "2025-10-31"))  # due 11-01, 10-31
    retention.record_deletion(vern.store, "adviser", "CRM", "prospect", date(2026, 11, 1), 1, "job log")
    inventory(vern, ("P-1", "prospect", "2025-11-01"))
    assert status(vern) == [("prospect", "confirmed", 0)]


def test_deletion_is_refused_with_the_field_named_and_nothing_stored(vern):
    _crm_with_prospects(vern)
    before = snapshot(vern.store)
    for args, problem in [
        (("Nope", "prospect", date(2026, 11, 1), 1, "log"), "system: not in the system list"),
        (("CRM", "invoice", date(2026, 11, 1), 1, "log"),
         "category: not in the inventory of CRM; its categories: member, prospect"),
        (("Drive", "prospect", date(2026, 11, 1), 1, "log"), "its categories: none"),
        (("CRM", "prospect", date(2026, 11, 25), 1, "log"), "deleted_on: 2026-11-25 is in the future"),
        (("CRM", "prospect", date(2026, 11, 1), 0, "log"), "count: must be a whole number of at least 1"),
        (("CRM", "prospect", date(2026, 11, 1), 1, "  "), "evidence: say how the deletion can be shown"),
        (("CRM", "prospect", date(2026, 11, 1), 1, "log\x00"), "evidence: contains a NUL character"),
    ]:
        with pytest.raises(VernError, match=problem):
            retention.record_deletion(vern.store, "adviser", *args)
    assert snapshot(vern.store) == before
    retention.record_deletion(vern.store, "adviser", "CRM", "prospect", date(2026, 11, 24), 1, "deleted today")


# -- the inbox ------------------------------------------------------------------------
def test_inbox_inventories_are_imported_per_system_folder_and_a_bad_file_does_not_stop_the_others(vern):
    systems(vern)
    activity(vern, "Prospects", 12, "last_activity", ["prospect"])
    inbox = vern.config.inbox / "retention"
    for folder, content in (("CRM", f"{HEADER}\nP-1,prospect,2025-01-01,,\nP-2,prospect,2026-01-01,,\n"),
                            ("Drive", f"{HEADER}\nD-1,prospect,2025-01-01,,\nD-1,prospect,2025-01-01,,\n"),
                            ("Mailchimp", f"{HEADER}\nM-1,prospect,2025-01-01,,\n")):
        (inbox / folder).mkdir(parents=True)
        (inbox / folder / "export.csv").write_text(content, encoding="utf-8")
    result = runner.run(vern.store, vern.config, RetentionCheck, "manual")
    assert result.status == "failed"
    assert "Drive/export.csv: line 3, field record_ref: the same record as on line 2" in result.error
    assert "Mailchimp/export.csv: system: not in the system list" in result.error
    assert [p.name for p in (inbox / "CRM" / "imported").iterdir()] == ["20261124T110000Z-export.csv"]
    assert [p.name for p in (inbox / "Drive" / "failed").iterdir()] == ["20261124T110000Z-export.csv"]
    assert list((inbox / "Mailchimp" / "failed").iterdir())
    assert vern.store.value("SELECT count(*) FROM inventory") == 2
    again = runner.run(vern.store, vern.config, RetentionCheck, "manual")  # nothing left to import
    assert (again.status, again.evidence_rows, again.findings) == ("succeeded", 2, 1)


# -- the command line -----------------------------------------------------------------
def vern_cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, text=True)


def test_cli_imports_lists_and_records_deletions(db, tmp_path):
    (tmp_path / "systems.csv").write_text(SYSTEMS)
    assert vern_cli(db, "import", "systems", str(tmp_path / "systems.csv")).returncode == 0
    (tmp_path / "crm.csv").write_text(f"{HEADER}\nP-1,prospect,2025-01-10,,\nP-2,prospect,2025-11-30,,\n"
                                      "V-1,volunteer_application,2026-01-01,,\n")
    done = vern_cli(db, "import", "inventory", str(tmp_path / "crm.csv"), "--system", "CRM")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path / 'crm.csv'}: imported 3 records of CRM\n"
    listed = json.loads(vern_cli(db, "retention", "list", "--json").stdout)
    assert listed == [
        {"system": "CRM", "category": "prospect", "records": 2, "overdue": 0, "oldest_due": None, "exempt": 0,
         "rules": []},
        {"system": "CRM", "category": "volunteer_application", "records": 1, "overdue": 0, "oldest_due": None,
         "exempt": 0, "rules": []}]
    refused = vern_cli(db, "import", "inventory", str(tmp_path / "crm.csv"), "--system", "Mailchimp")
    assert refused.returncode == 1
    assert refused.stderr == "vern: system: finnes ikke i systemlisten; kjente systemer: CRM, Drive\n"  # bokmål
    assert vern_cli(db, "import", "inventory", str(tmp_path / "crm.csv")).returncode == 2  # --system missing
    recorded = vern_cli(db, "retention", "delete", "--system", "CRM", "--category", "prospect", "--on",
                        "2026-11-20", "--count", "1", "--evidence", "SuperOffice job 42")
    assert recorded.returncode == 0, recorded.stderr
    assert recorded.stdout == "deletion 1 recorded; the next inventory of CRM confirms it\n"
    future = vern_cli(db, "retention", "delete", "--system", "CRM", "--category", "prospect", "--on",
                      "2026-11-25", "--count", "1", "--evidence", "x")
    assert (future.returncode, future.stderr) == (1, "vern: Slettedato: 2026-11-25 er fram i tid.\n")  # bokmål
    deletions = json.loads(vern_cli(db, "retention", "deletions", "--json").stdout)
    assert deletions == [{"id": 1, "system": "CRM", "category": "prospect", "deleted_on": "2026-11-20", "count": 1,
                          "evidence": "SuperOffice job 42", "recorded_by": "cli:tester",
                          "recorded_at": "2026-11-24T11:00:00Z", "checked_at": None, "remaining": None,
                          "status": "awaiting"}]
    text = vern_cli(db, "retention", "deletions").stdout
    assert "CRM – prospect: 1 deleted; awaiting the next inventory" in text


def test_cli_list_shows_rules_and_overdue(vern, monkeypatch):
    systems(vern)
    activity(vern, "Prospects", 12, "last_activity", ["prospect"])
    inventory(vern, ("P-1", "prospect", "2025-01-10"), ("P-2", "prospect", "2025-11-30"))
    vern.close()
    listed = vern_cli(vern.store.path, "retention", "list")
    assert listed.stdout == ("CRM – prospect: 2 records, 1 overdue since 2026-01-10; "
                             "12 months from last_activity (Prospects)\n")


# -- the demo -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_retention_template(tmp_path_factory, new_db_template):
    """The demo (with its activities), then the demo inventories and deletions: built once,
    copied for each test by `vern`."""
    folder = tmp_path_factory.mktemp("demo-retention")
    shutil.copytree(new_db_template, folder, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VERN_NOW", FIXED_NOW)
        built = open_vern(str(folder / "vern.duckdb"))
        try:
            demo.load(built.store, built.config, "test")
            demo_retention.load(built.store, folder, "test", date(2026, 11, 24))
        finally:
            built.close()
    return folder


@pytest.fixture
def vern_template(vern_template, request):
    if "demo_retention_vern" in request.fixturenames:
        return request.getfixturevalue("demo_retention_template")
    return vern_template


@pytest.fixture
def demo_retention_vern(vern):
    """The demo, its inventories and deletions (a copy of `demo_retention_template`)."""
    return vern


def test_demo_plants_every_case(demo_retention_vern, monkeypatch):
    vern = demo_retention_vern
    overdue = findings(vern, monkeypatch, "2026-11-24", "retention_overdue")
    assert {s: v["count"] for s, v in overdue.items()} == {
        "SuperOffice CRM – prospect": 12, "Arrangementer (Google Drive) – accessibility_need": 5}
    assert list(findings(vern, monkeypatch, "2026-11-24", "retention_rule_missing")) == [
        "Medlemsregister (SharePoint) – volunteer_application"]
    crm_members = next(r for r in retention.summary(vern.store, date(2026, 11, 24))
                       if r["system"] == "SuperOffice CRM" and r["category"] == "member")
    assert (crm_members["records"], crm_members["overdue"], crm_members["exempt"]) == (55, 0, 15)
    assert status(vern) == [("prospect", "awaiting", None), ("event_participant", "confirmed", 0)]
    assert len(retention.inventories(vern.store)) == 4


# -- the page -------------------------------------------------------------------------
@pytest.fixture
def retention_page(demo_retention_vern, dashboard):
    return lambda roles=("adviser",), lang="en": dashboard("retention", lang=lang, roles=roles)


def test_adviser_sees_overdue_by_category_records_a_deletion_and_its_status(retention_page):
    at = retention_page()
    assert not at.exception
    assert at.title[0].value == "Retention and deletion"
    assert {m.label: m.value for m in at.metric}["Past retention"] == "17"
    table = at.dataframe[0].value
    rows = {(s, c): (o, r) for s, c, o, r in zip(table["System"], table["Category"], table["Past retention"],
                                                 table["Retention rule"], strict=True)}
    assert rows[("SuperOffice CRM", "prospect")] == (12, "24 months from last activity (Kontaktpersoner hos prospekter)")
    assert rows[("Medlemsregister (SharePoint)", "volunteer application")] == (0, "no retention rule")
    assert len(at.get("plotly_chart")) == 1
    statuses = list(at.dataframe[1].value["Status"])
    assert statuses == ["awaiting the next inventory", "confirmed"]
    at.selectbox(key="deletion_system").set_value("Arrangementer (Google Drive)").run()
    at.selectbox[1].set_value("accessibility_need")
    at.number_input[0].set_value(5)
    at.text_area[0].set_value("Skjemasvar slettet i Google Drive")
    at.button[0].click().run()
    assert not at.error, at.error[0].value if at.error else ""
    newest = max(d["id"] for d in retention.deletions(runtime.current().store))
    assert f"Deletion {newest} recorded." in at.success[0].value
    assert list(at.dataframe[1].value["Status"])[0] == "awaiting the next inventory"


def test_adviser_is_told_what_is_wrong_with_a_deletion(retention_page):
    at = retention_page()
    at.button[0].click().run()  # no evidence
    assert "evidence: say how the deletion can be shown" in at.error[0].value.replace("\\", "")  # escaped for Markdown


def test_board_sees_counts_per_system_and_no_record_refs(retention_page):
    at = retention_page(roles=("board",))
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Past retention"] == "17"
    assert len(at.dataframe) == 1
    table = at.dataframe[0].value
    assert list(table.columns) == ["System", "Past retention", "Records"]  # what is past retention first
    assert dict(zip(table["System"], table["Past retention"], strict=True))["SuperOffice CRM"] == 12
    assert not at.form and not at.text_area
    shown = " ".join(str(e.value) for e in (*at.markdown, *at.caption, *at.dataframe))
    assert "SO-1" not in shown and "p-" not in shown and "prospect" not in shown


def test_page_in_bokmal(retention_page):
    for roles in (("adviser",), ("board",)):
        at = retention_page(roles=roles, lang="nb")
        assert not at.exception
        assert at.title[0].value == "Lagringstid og sletting"
