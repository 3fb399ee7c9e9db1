"""`vern breach …` as a user runs it (issue 4, the README's Breaches): the command line in
a process of its own (tests/vern_process.py), a temporary database, the clock fixed at 2026-11-24 12:00 Oslo.
Exit 0 success, 1 a domain error with the field named on stderr (never a traceback, and
nothing stored), 2 bad usage; `--json` prints JSON only."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import vern_process

from conftest import copy_template

VERN = Path(sys.executable).parent / "vern"
ACTOR = "cli:tester"
HEADER = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"
BREACH = {"title": "Medlemsliste sendt til feil adresse", "aware_at": "2026-11-24T10:00:00+01:00",
          "data_categories": ["contact", "membership"], "subjects_count": 40,
          "breach_types": ["confidentiality"], "description": "Excel-fil til feil mottaker"}
CONTRACT = {"id", "title", "status", "aware_at", "deadline_at", "deadline_local", "hours_left", "notify_to",
            "severity", "proposed", "decision", "notifications"}


@pytest.fixture
def db(db, new_db_template):
    """The database the first command would create, copied (see `new_db_template`)."""
    return copy_template(new_db_template, db)


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return vern_process.run([str(VERN), "--db", str(db), *args], input=stdin, capture_output=True, text=True,
                          timeout=120, check=False)


def ok(result: subprocess.CompletedProcess) -> dict | list:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def failed(result: subprocess.CompletedProcess, field: str) -> str:
    """Exit 1, the field named on stderr, no traceback, nothing on stdout."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"vern: {field}: "), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result.stderr


def add(db: Path, **changes) -> dict:
    return ok(run(db, "breach", "add", "--file", "-", stdin=json.dumps({**BREACH, **changes})))


def listed(db: Path, *options: str) -> list:
    return ok(run(db, "breach", "list", "--json", *options))


# -- add ---------------------------------------------------------------------------------------
def test_add_from_stdin_prints_the_breach_as_json(db, env):
    record = add(db)
    assert set(record) >= CONTRACT
    assert {k: record[k] for k in CONTRACT} == {
        "id": 1, "title": "Medlemsliste sendt til feil adresse", "status": "open",
        "aware_at": "2026-11-24T09:00:00Z", "deadline_at": "2026-11-27T09:00:00Z",
        "deadline_local": "2026-11-27T10:00:00+01:00", "hours_left": 70.0, "notify_to": "datatilsynet",
        "severity": None, "proposed": None, "decision": None, "notifications": []}
    assert record["reporter"] == ACTOR
    assert record["data_categories"] == ["contact", "membership"]
    assert record["subjects_count"] == 40
    assert [(e["kind"], e["actor"]) for e in record["timeline"]] == [("logged", ACTOR)]


def test_add_from_a_file_in_summer_time_shows_the_summer_offset(db, env, tmp_path):
    path = tmp_path / "breach.json"
    path.write_text(json.dumps({"title": "Mistet minnepinne", "aware_at": "2026-06-10T23:40:00+02:00"}),
                    encoding="utf-8")
    record = ok(run(db, "breach", "add", "--file", str(path)))
    assert record["aware_at"] == "2026-06-10T21:40:00Z"
    assert record["deadline_at"] == "2026-06-13T21:40:00Z"
    assert record["deadline_local"] == "2026-06-13T23:40:00+02:00"
    assert record["hours_left"] == -3925.33  # 163 days 13 h 20 min overdue, as a negative number


def test_add_across_the_spring_change(db, env):
    record = add(db, aware_at="2026-03-28T10:00:00+01:00")
    assert (record["deadline_at"], record["deadline_local"]) == ("2026-03-31T09:00:00Z",
                                                                 "2026-03-31T11:00:00+02:00")


def test_add_as_processor_routes_to_the_controller(db, env):
    record = add(db, acting_as="processor", controller_name="Oslo krets")
    assert record["notify_to"] == "Oslo krets"
    assert record["deadline_at"] == "2026-11-25T09:00:00Z"
    assert record["hours_left"] == 22.0


def test_add_with_a_processor_from_the_register(db, env, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + "\nSuperOffice AS,CRM,NO,none,,2021-05-01,2027-05-06,2025-11-27\n", encoding="utf-8")
    assert run(db, "import", "processors", str(path)).returncode == 0
    assert add(db, processor="SuperOffice AS")["processor"] == "SuperOffice AS"
    before = listed(db)
    failed(run(db, "breach", "add", "--file", "-", stdin=json.dumps({**BREACH, "processor": "Nobody AS"})),
           "processor")
    assert listed(db) == before


# -- bad input: exit 1, the field named, nothing stored --------------------------------------
@pytest.mark.parametrize(("data", "field"), [
    ({"title": "x"}, "aware_at"),
    ({**BREACH, "aware_at": "2026-11-24T10:00:00"}, "aware_at"),
    ({**BREACH, "aware_at": "2026-11-25T10:00:00+01:00"}, "aware_at"),
    ({**BREACH, "occurred_at": "2026-11-24T11:00:00+01:00"}, "occurred_at"),
    ({**BREACH, "subjects_count": -1}, "subjects_count"),
    ({**BREACH, "records_count": -3}, "records_count"),
    ({**BREACH, "subjects_count": 100000000000000000000}, "subjects_count"),
    ({**BREACH, "data_categories": ["dna"]}, "data_categories"),
    ({**BREACH, "breach_types": ["leak"]}, "breach_types"),
    ({**BREACH, "processor": "Nobody AS"}, "processor"),
    ({**BREACH, "acting_as": "processor"}, "controller_name"),
    ({**BREACH, "severity": "high"}, "severity"),
    ({"aware_at": "2026-11-24T10:00:00+01:00"}, "title"),
    ([BREACH], "breach"),
])
def test_bad_input_exits_1_naming_the_field_and_stores_nothing(db, env, data, field):
    add(db, title="Allerede logget")
    before = listed(db)
    failed(run(db, "breach", "add", "--file", "-", stdin=json.dumps(data)), field)
    assert listed(db) == before


def test_invalid_json_names_the_line(db, env):
    before = listed(db)
    message = failed(run(db, "breach", "add", "--file", "-",
                         stdin='{\n  "title": "x",\n  "aware_at": \n}\n'), "-")
    assert "linje 4, kolonne 1: ikke gyldig JSON" in message
    assert listed(db) == before


def test_invalid_json_in_a_file_names_the_file_and_line(db, env, tmp_path):
    path = tmp_path / "breach.json"
    path.write_text('{"title": "x",\n "aware_at": "2026-11-24T10:00:00+01:00",,\n}', encoding="utf-8")
    message = failed(run(db, "breach", "add", "--file", str(path)), str(path))
    assert "linje 2, kolonne 42: ikke gyldig JSON" in message
    assert listed(db) == []


def test_a_missing_file_is_a_domain_error(db, env, tmp_path):
    failed(run(db, "breach", "add", "--file", str(tmp_path / "nowhere.json")), str(tmp_path / "nowhere.json"))


# -- assess, decide, notify, close, show, list -----------------------------------------------
def test_assess_with_dpc_as_a_number(db, env):
    breach_id = str(add(db)["id"])
    record = ok(run(db, "breach", "assess", breach_id, "--file", "-", stdin=json.dumps(
        {"dpc": 3, "ei": 0.75, "cb": {"confidentiality": 0.5, "integrity": 0.25, "availability": 0,
                                      "malicious": False}, "data_unintelligible": False})))
    assert record["status"] == "assessed"
    assert record["severity"] == {"score": 3.0, "level": "high"}
    assert record["proposed"] == {"notify_authority": True, "notify_subjects": True}
    assert record["assessment"]["dpc"] == 3.0
    assert record["assessment"]["data_type"] is None
    assert record["assessment"]["by"] == ACTOR


def test_assess_with_dpc_from_data_type_and_adjustment(db, env, tmp_path):
    breach_id = str(add(db)["id"])
    path = tmp_path / "assessment.json"
    path.write_text(json.dumps({"dpc": {"data_type": "sensitive", "adjustment": -1}, "ei": 0.5,
                                "cb": {"confidentiality": 0.25}, "data_unintelligible": True}), encoding="utf-8")
    record = ok(run(db, "breach", "assess", breach_id, "--file", str(path)))
    # (4 - 1) × 0.5 + 0.25 = 1.75: low, document only
    assert record["severity"] == {"score": 1.75, "level": "low"}
    assert record["proposed"] == {"notify_authority": False, "notify_subjects": False}
    assert (record["assessment"]["dpc"], record["assessment"]["data_type"], record["assessment"]["adjustment"]) \
        == (3.0, "sensitive", -1.0)


@pytest.mark.parametrize(("assessment", "field"), [
    ({"dpc": 3, "ei": 0.3, "cb": {}}, "ei"),
    ({"dpc": 5, "ei": 1, "cb": {}}, "dpc"),
    ({"dpc": {"data_type": "x"}, "ei": 1, "cb": {}}, "dpc.data_type"),
    ({"dpc": 3, "ei": 1, "cb": {"confidentiality": 0.3}}, "cb.confidentiality"),
    ({"dpc": 3, "ei": 1, "cb": {"malicious": "yes"}}, "cb.malicious"),
    ({"dpc": 3, "ei": 1, "cb": {}, "score": 6}, "score"),
])
def test_a_bad_assessment_exits_1_and_stores_nothing(db, env, assessment, field):
    breach_id = str(add(db)["id"])
    failed(run(db, "breach", "assess", breach_id, "--file", "-", stdin=json.dumps(assessment)), field)
    shown = ok(run(db, "breach", "show", breach_id, "--json"))
    assert (shown["status"], shown["severity"], shown["assessment"]) == ("open", None, None)


def test_a_nan_score_exits_1_without_a_traceback(db, env):
    """Python's JSON reader takes NaN; an assessment with it must be refused, not crash."""
    breach_id = str(add(db)["id"])
    failed(run(db, "breach", "assess", breach_id, "--file", "-", stdin='{"dpc": NaN, "ei": 1, "cb": {}}'), "dpc")
    assert ok(run(db, "breach", "show", breach_id, "--json"))["assessment"] is None


def test_the_whole_flow(db, env):
    breach_id = str(add(db)["id"])
    ok(run(db, "breach", "assess", breach_id, "--file", "-", stdin=json.dumps({"dpc": 4, "ei": 0.5, "cb": {}})))

    # medium proposes (yes, no); telling the subjects too is an override and needs a reason
    failed(run(db, "breach", "decide", breach_id, "--notify-authority", "yes", "--notify-subjects", "yes"),
           "reason")
    record = ok(run(db, "breach", "decide", breach_id, "--notify-authority", "yes", "--notify-subjects", "yes",
                    "--reason", "Listen viser helseopplysninger"))
    assert {k: record["decision"][k] for k in ("notify_authority", "notify_subjects", "overrides", "reason", "by")} \
        == {"notify_authority": True, "notify_subjects": True, "overrides": True,
            "reason": "Listen viser helseopplysninger", "by": ACTOR}

    record = ok(run(db, "breach", "notify", breach_id, "--to", "authority", "--at", "2026-11-24T11:00+01:00",
                    "--reference", "Altinn AR123"))
    assert record["status"] == "notified"
    assert record["notifications"] == [{"to": "authority", "at": "2026-11-24T10:00:00Z", "reference": "Altinn AR123",
                                        "phase": 1, "late": False, "by": ACTOR, "delay_reason": None}]
    failed(run(db, "breach", "close", breach_id, "--summary", "Lært"), f"avvik {breach_id}")
    ok(run(db, "breach", "notify", breach_id, "--to", "subjects", "--at", "2026-11-24T11:30:00+01:00",
           "--reference", "e-post til 40 medlemmer"))
    ok(run(db, "breach", "notify", breach_id, "--to", "authority", "--at", "2026-11-24T11:45:00+01:00",
           "--reference", "AR123 tillegg"))
    failed(run(db, "breach", "close", breach_id, "--summary", "  "), "summary")
    record = ok(run(db, "breach", "close", breach_id, "--summary", "Bruk BCC"))
    assert (record["status"], record["summary"], record["closed_at"]) == ("closed", "Bruk BCC",
                                                                          "2026-11-24T11:00:00Z")

    shown = ok(run(db, "breach", "show", breach_id, "--json"))
    assert shown == record
    assert [(n["to"], n["phase"]) for n in shown["notifications"]] == [
        ("authority", 1), ("subjects", 1), ("authority", 2)]
    assert [e["kind"] for e in shown["timeline"]] == ["logged", "assessed", "decided", "notified", "notified",
                                                      "notified", "closed"]
    failed(run(db, "breach", "assess", breach_id, "--file", "-", stdin=json.dumps({"dpc": 1, "ei": 1, "cb": {}})),
           f"avvik {breach_id}")


def test_late_notification_needs_a_delay_reason(db, env):
    breach_id = str(add(db, aware_at="2026-11-20T10:00:00+01:00")["id"])
    before = ok(run(db, "breach", "show", breach_id, "--json"))
    assert before["hours_left"] == -26.0
    args = ("breach", "notify", breach_id, "--to", "authority", "--at", "2026-11-24T09:00:00+01:00",
            "--reference", "AR9")
    failed(run(db, *args), "delay_reason")
    assert ok(run(db, "breach", "show", breach_id, "--json")) == before
    record = ok(run(db, *args, "--delay-reason", "Oppdaget på fredag kveld"))
    assert record["notifications"][0]["late"] is True
    assert record["notifications"][0]["delay_reason"] == "Oppdaget på fredag kveld"
    assert record["notified_in_time"] is False


@pytest.mark.parametrize(("args", "field"), [
    (("--to", "authority", "--at", "2026-11-24T11:00", "--reference", "AR1"), "--at"),
    (("--to", "authority", "--at", "tomorrow", "--reference", "AR1"), "--at"),
    (("--to", "authority", "--at", "9999-12-31T23:00:00-05:00", "--reference", "AR1"), "--at"),
    (("--to", "authority", "--at", "2026-11-24T12:00:01+01:00", "--reference", "AR1"), "at"),
    (("--to", "controller", "--at", "2026-11-24T11:00:00+01:00", "--reference", "AR1"), "to"),
    (("--to", "authority", "--at", "2026-11-24T11:00:00+01:00", "--reference", ""), "reference"),
])
def test_bad_notifications_exit_1(db, env, args, field):
    breach_id = str(add(db)["id"])
    failed(run(db, "breach", "notify", breach_id, *args), field)
    assert ok(run(db, "breach", "show", breach_id, "--json"))["notifications"] == []


def test_show_an_unknown_breach_exits_1(db, env):
    add(db)
    assert failed(run(db, "breach", "show", "99", "--json"), "avvik 99") == "vern: avvik 99: finnes ikke\n"


def test_a_refusal_reads_in_bokmal_by_default_and_in_english_when_asked(db, env):
    """The configured language (default bokmål) speaks; --lang en gives today's English words."""
    breach_id = str(add(db)["id"])
    untitled = json.dumps({"aware_at": "2026-11-24T10:00:00+01:00"})
    assert failed(run(db, "breach", "add", "--file", "-", stdin=untitled), "title") == "vern: title: må fylles ut\n"
    assert failed(run(db, "--lang", "en", "breach", "add", "--file", "-", stdin=untitled), "title") \
        == "vern: title: required\n"
    ok(run(db, "breach", "assess", breach_id, "--file", "-", stdin=json.dumps({"dpc": 4, "ei": 0.5, "cb": {}})))
    ok(run(db, "breach", "decide", breach_id, "--notify-authority", "yes", "--notify-subjects", "no"))
    assert failed(run(db, "breach", "close", breach_id, "--summary", "Lært"), f"avvik {breach_id}") == (
        f"vern: avvik {breach_id}: beslutningen er å varsle Datatilsynet; registrer det varselet først\n")
    notice = ("breach", "notify", breach_id, "--to", "authority", "--at", "2026-11-24T11:00:00+01:00",
            "--reference", "AR1")
    assert failed(run(db, *notice[:4], "controller", *notice[5:]), "to") == (
        "vern: to: dette avviket meldes til Datatilsynet (foreningen er behandlingsansvarlig)\n")


def test_list_json_and_open(db, env):
    overdue = add(db, aware_at="2026-11-20T10:00:00+01:00")["id"]
    due = add(db)["id"]
    closed = add(db, aware_at="2026-11-21T10:00:00+01:00")["id"]
    ok(run(db, "breach", "assess", str(closed), "--file", "-", stdin=json.dumps({"dpc": 1, "ei": 0.25, "cb": {}})))
    ok(run(db, "breach", "decide", str(closed), "--notify-authority", "no", "--notify-subjects", "no"))
    ok(run(db, "breach", "close", str(closed), "--summary", "Ingen risiko"))

    everything = listed(db)
    assert [(r["id"], r["status"], r["hours_left"]) for r in everything] == [
        (overdue, "open", -26.0), (due, "open", 70.0), (closed, "closed", -2.0)]
    assert all(set(r) >= CONTRACT for r in everything)
    assert [r["id"] for r in listed(db, "--open")] == [overdue, due]


def test_list_on_an_empty_register_is_an_empty_json_list(db, env):
    result = run(db, "breach", "list", "--json", "--open")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


# -- usage errors: exit 2 ------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ("breach", "add"),
    ("breach", "assess", "1"),
    ("breach", "assess", "one", "--file", "-"),
    ("breach", "decide", "1", "--notify-authority", "maybe", "--notify-subjects", "no"),
    ("breach", "decide", "1", "--notify-authority", "yes"),
    ("breach", "notify", "1", "--to", "datatilsynet", "--at", "2026-11-24T11:00+01:00", "--reference", "x"),
    ("breach", "notify", "1", "--to", "authority", "--reference", "x"),
    ("breach", "close", "1"),
    ("breach", "show"),
    ("breach", "list", "--yaml"),
    ("breach", "delete", "1"),
])
def test_usage_errors_exit_2(db, env, args):
    result = run(db, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
