"""Training completions and the check `training`.

Imports: an LMS export (CSV) and xAPI statements as a learning record store exports them
(tests/training/fixtures/), stored by the directory's pseudonym with the completed day in
Oslo; a bad file is refused whole, naming file, line or record and field. Rules: each on
both sides of its date edge. People, systems and access events are written as CSV and
imported; the check is run through the runner and its findings read from the register.
Today is 2026-11-24 (a Tuesday); November is winter time in Oslo (UTC+01:00).
"""

import json
import shutil
import subprocess
from datetime import date, datetime
from itertools import count
from pathlib import Path

import pytest
import vern_process

from audits.access import directory
from audits.access import logs as access_logs
from audits.checking import runner
from audits.core import labels
from audits.core.errors import InputError, VernError
from audits.training import register as training
from checks.training import TrainingCheck
from conftest import FIXED_NOW, VERN, config_with, copy_template, open_findings, run_check

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BAD = FIXTURES / "bad"
LMS = FIXTURES / "lms-export.csv"
LRS_ARRAY = FIXTURES / "lrs-statements.json"
LRS_LINES = FIXTURES / "lrs-statements.jsonl"

COURSE = "Personvern grunnkurs"
KARI, PER, OLA, LISE = "kari@example.org", "per@example.org", "ola@example.org", "lise@example.org"
NOW = datetime.fromisoformat(FIXED_NOW)
TODAY = date(2026, 11, 24)

PEOPLE_HEADER = "email,name,kind,handles_personal_data,started_on,left_on,district"
PEOPLE = PEOPLE_HEADER + """
kari@example.org,Kari Nordmann,employee,yes,2020-01-15,,
per@example.org,Per Berg,volunteer,yes,2022-05-01,,Vest
ola@example.org,Ola Hansen,employee,yes,2021-03-01,,
lise@example.org,Lise Dahl,volunteer,yes,2026-11-01,,Vest
"""
SYSTEMS = """name,holds_personal_data,classification,match
CRM,yes,confidential,
Payroll,yes,strictly_confidential,
Wiki,no,internal,
"""
MAPPED = """[checks.training]
account_domain = "example.org"

[checks.training.xapi_courses]
"https://lms.example.org/activities/42" = "Personvern grunnkurs"
"""
TWO_COURSES = """[checks.training.courses]
volunteer = ["Personvern grunnkurs", "Taushetsplikt for frivillige"]
"""
_files = count(1)


# -- helpers --------------------------------------------------------------------------
@pytest.fixture
def db(db, new_db_template):
    """The database the first command would create, copied (see `new_db_template`)."""
    return copy_template(new_db_template, db)


def write(vern, text: str, name: str) -> Path:
    path = vern.store.path.parent / f"{next(_files)}-{name}"
    path.write_text(text, encoding="utf-8")
    return path


def p(vern, email: str) -> str:
    return vern.store.keys.pseudonym(email)


def settings(vern, toml: str = "") -> dict:
    return (config_with(vern, toml) if toml else vern.config).check("training")


def load_people(vern, text: str = PEOPLE) -> None:
    directory.import_people(vern.store, write(vern, text, "people.csv"), "test")
    directory.import_systems(vern.store, write(vern, SYSTEMS, "systems.csv"), "test")


def people(vern, *rows: tuple) -> None:
    """(email, kind, handles_personal_data, started_on[, left_on[, district]]) rows."""
    lines = [PEOPLE_HEADER]
    for email, kind, handles, started, *rest in rows:
        left, district = (list(rest) + ["", ""])[:2]
        lines.append(f"{email},Person {email.split('@')[0].title()},{kind},{handles},{started},{left},{district}")
    load_people(vern, "\n".join(lines) + "\n")


def completions(vern, *rows: tuple, toml: str = "") -> training.Imported:
    """(email, course, completed_on[, expires_on]) rows, as an LMS export."""
    lines = ["email,course,completed_on,expires_on"]
    for email, course, completed, *expires in rows:
        lines.append(f"{email},{course},{completed},{expires[0] if expires else ''}")
    path = write(vern, "\n".join(lines) + "\n", "lms.csv")
    return training.import_files(vern.store, [path], "csv", settings(vern, toml), "test")


def log(vern, *events: tuple) -> None:
    """Import events (timestamp, email, system, action) as a csv access log."""
    lines = ["timestamp,actor,system,action,records"]
    lines += [f"{when},{email},{system},{action},1" for when, email, system, action in events]
    access_logs.import_files(vern.store, [write(vern, "\n".join(lines) + "\n", "events.csv")], "csv", "test")


def run(vern, toml: str = ""):
    return run_check(vern, TrainingCheck, toml)


def findings(vern, rule: str, toml: str = "") -> dict[str, str]:
    return open_findings(vern, TrainingCheck, rule, toml)


def stored(vern) -> set[tuple]:
    """(source, person, course, completed_on, expires_on, score, file) of every completion."""
    rows = vern.store.rows("SELECT source, person, course, completed_on, expires_on, round(score, 6), file "
                           "FROM training_completions")
    return {tuple(r.values()) for r in rows}


def snapshot(store) -> dict:
    """Everything an import may touch."""
    return {
        "completions": store.rows("SELECT * FROM training_completions ORDER BY source, record_id"),
        "identities": store.rows("SELECT * FROM identities ORDER BY pseudonym"),
        "trail": store.rows("SELECT seq, hash FROM trail ORDER BY seq"),
    }


# -- CSV ------------------------------------------------------------------------------
def test_lms_export_is_stored_by_pseudonym_with_dates_scores_and_expiry(vern):
    load_people(vern)
    result = training.import_files(vern.store, [LMS], "csv", settings(vern), "test")
    assert result == training.Imported(files=1, completions=3, added=3, not_counted=0, unknown_people=1,
                                       unknown_courses=("Informasjonssikkerhet",))
    outsider = "anne.tidligere@example.net"
    assert stored(vern) == {
        ("csv", p(vern, KARI), COURSE, date(2026, 3, 2), None, 92.0, "lms-export.csv"),
        ("csv", p(vern, PER), COURSE, date(2025, 12, 1), date(2026, 12, 1), 88.5, "lms-export.csv"),
        ("csv", p(vern, outsider), "Informasjonssikkerhet", date(2026, 5, 5), None, None, "lms-export.csv"),
    }


def test_only_the_required_columns_and_a_norwegian_spreadsheet_export(vern):
    plain = write(vern, "email,course,completed_on\nkari@example.org,Personvern grunnkurs,2026-03-02\n", "a.csv")
    semicolons = write(vern, "\ufeffemail;course;completed_on;score;expires_on\n"
                             "per@example.org;Personvern grunnkurs;2025-12-01;88,5;2026-12-01\n", "b.csv")
    result = training.import_files(vern.store, [plain, semicolons], "csv", settings(vern), "test")
    assert (result.files, result.completions, result.added) == (2, 2, 2)
    assert {r[1:6] for r in stored(vern)} == {
        (p(vern, KARI), COURSE, date(2026, 3, 2), None, None),
        (p(vern, PER), COURSE, date(2025, 12, 1), date(2026, 12, 1), 88.5)}


def test_no_address_is_stored_in_clear(vern):
    load_people(vern)
    training.import_files(vern.store, [LMS], "csv", settings(vern), "test")
    training.import_files(vern.store, [LRS_ARRAY, LRS_LINES], "xapi", settings(vern), "test")
    dumped = json.dumps(vern.store.rows("SELECT * FROM training_completions"), default=str).lower()
    assert "@" not in dumped
    assert "kari" not in dumped


def test_lms_export_imported_twice_changes_nothing(vern):
    load_people(vern)
    training.import_files(vern.store, [LMS], "csv", settings(vern), "test")
    before = snapshot(vern.store)
    again = training.import_files(vern.store, [LMS], "csv", settings(vern), "test")
    assert (again.completions, again.added) == (3, 0)
    after = snapshot(vern.store)
    assert after["completions"] == before["completions"]
    assert after["identities"] == before["identities"]


# -- xAPI -----------------------------------------------------------------------------
def test_statement_array_is_stored_with_the_oslo_day_and_counting_verbs_only(vern):
    load_people(vern)
    result = training.import_files(vern.store, [LRS_ARRAY], "xapi", settings(vern), "test")
    # failed, attempted and a passed with success false are no completions
    assert result == training.Imported(files=1, completions=4, added=4, not_counted=3, unknown_people=1,
                                       unknown_courses=("Brannvern",))
    rows = stored(vern)
    assert rows == {
        # 23:30Z on 2 November is 00:30 on 3 November in Oslo
        ("xapi", p(vern, KARI), COURSE, date(2026, 11, 3), None, None, "lrs-statements.json"),
        # account whose name is the address; scaled score 0.85
        ("xapi", p(vern, PER), COURSE, date(2026, 6, 10), None, 85.0, "lrs-statements.json"),
        ("xapi", p(vern, "tidligere.frivillig@example.net"), COURSE, date(2026, 9, 1), None, None,
         "lrs-statements.json"),
        ("xapi", p(vern, KARI), "Brannvern", date(2026, 10, 5), None, None, "lrs-statements.json"),
    }
    assert p(vern, OLA) not in {r[1] for r in rows}


@pytest.mark.parametrize("indent", [None, 2], ids=["one-line", "pretty"])
def test_an_lrs_answer_saved_as_it_came_is_read_as_its_statements(vern, indent):
    """What `GET /statements` answers: a StatementResult, `{"statements": [...], "more": ...}`."""
    answer = {"statements": json.loads(LRS_ARRAY.read_text(encoding="utf-8")), "more": "/xapi/statements/more/7"}
    path = write(vern, json.dumps(answer, indent=indent), "answer.json")
    result = training.import_files(vern.store, [path], "xapi", settings(vern), "test")
    assert (result.completions, result.not_counted) == (4, 3)
    broken = write(vern, json.dumps({"statements": {"id": "x"}, "more": ""}), "broken.json")
    with pytest.raises(InputError) as refused:
        training.import_files(vern.store, [broken], "xapi", settings(vern), "test")
    assert refused.value.text("en").endswith('not an answer with statements (StatementResult: "statements" must be a list)')


def test_2230_utc_in_summer_is_the_next_day_in_oslo(vern):
    statement = json.loads(LRS_LINES.read_text(encoding="utf-8").splitlines()[1])
    late, early = dict(statement, id="late", timestamp="2026-06-30T22:30:00Z"), \
        dict(statement, id="early", timestamp="2026-06-30T21:59:00Z")
    training.import_files(vern.store, [write(vern, json.dumps([late, early]), "s.json")], "xapi",
                          settings(vern), "test")
    rows = vern.store.rows("SELECT record_id, completed_on FROM training_completions ORDER BY record_id")
    assert [(r["record_id"], r["completed_on"]) for r in rows] == [
        ("early", date(2026, 6, 30)), ("late", date(2026, 7, 1))]


def test_an_object_without_a_name_is_reported_by_its_id(vern):
    statement = json.loads(LRS_LINES.read_text(encoding="utf-8").splitlines()[1])
    statement["object"] = {"objectType": "Activity", "id": "https://lms.example.org/activities/99"}
    result = training.import_files(vern.store, [write(vern, json.dumps(statement), "s.jsonl")], "xapi",
                                   settings(vern), "test")
    assert result.unknown_courses == ("https://lms.example.org/activities/99",)


def test_statement_ids_are_the_record_ids(vern):
    training.import_files(vern.store, [LRS_ARRAY], "xapi", settings(vern), "test")
    ids = {r["record_id"] for r in vern.store.rows("SELECT record_id FROM training_completions")}
    assert ids == {"6690e6c9-3ef0-4ed3-8b37-7f3964730bee", "0b1f0f52-8d52-4c57-9d3c-2c1c6f1e7a01",
                   "4a9f6d31-8f4e-4e2e-8d88-3b6f5d2c9e05", "5b0a7e42-9a5f-4f3f-9e99-4c7a6e3d0f06"}


def test_one_statement_per_line_without_settings(vern):
    """Lise's account has no address and no account_domain is set: an unknown person.
    Object .../activities/42 is not mapped: an unknown course named by its definition."""
    load_people(vern)
    result = training.import_files(vern.store, [LRS_LINES], "xapi", settings(vern), "test")
    assert result == training.Imported(files=1, completions=3, added=3, not_counted=0, unknown_people=1,
                                       unknown_courses=("Module 42",))
    assert stored(vern) == {
        ("xapi", p(vern, "https://lms.example.org|lise"), COURSE, date(2026, 11, 23), None, None,
         "lrs-statements.jsonl"),
        # the English name comes first; the Norwegian one, in capitals, is the required course
        ("xapi", p(vern, OLA), COURSE, date(2026, 11, 22), None, 100.0, "lrs-statements.jsonl"),
        ("xapi", p(vern, PER), "Module 42", date(2026, 11, 1), None, None, "lrs-statements.jsonl"),
    }
    assert p(vern, LISE) not in {r[1] for r in stored(vern)}


def test_account_domain_and_object_id_mapping(vern):
    load_people(vern)
    result = training.import_files(vern.store, [LRS_LINES], "xapi", settings(vern, MAPPED), "test")
    assert result == training.Imported(files=1, completions=3, added=3, not_counted=0, unknown_people=0,
                                       unknown_courses=())
    assert stored(vern) == {
        ("xapi", p(vern, LISE), COURSE, date(2026, 11, 23), None, None, "lrs-statements.jsonl"),
        ("xapi", p(vern, OLA), COURSE, date(2026, 11, 22), None, 100.0, "lrs-statements.jsonl"),
        ("xapi", p(vern, PER), COURSE, date(2026, 11, 1), None, None, "lrs-statements.jsonl"),
    }


def test_mapping_wins_over_the_name_in_the_definition(vern):
    statement = json.loads(LRS_LINES.read_text(encoding="utf-8").splitlines()[1])  # Ola, "Privacy basics"
    statement["object"]["id"] = "https://lms.example.org/activities/42"
    path = write(vern, json.dumps(statement) + "\n", "one.jsonl")
    toml = MAPPED.replace('"Personvern grunnkurs"', '"Taushetsplikt for frivillige"')
    result = training.import_files(vern.store, [path], "xapi", settings(vern, toml), "test")
    assert result.unknown_courses == ("Taushetsplikt for frivillige",)
    assert {r[2] for r in stored(vern)} == {"Taushetsplikt for frivillige"}


def test_array_and_lines_in_one_import(vern):
    load_people(vern)
    result = training.import_files(vern.store, [LRS_ARRAY, LRS_LINES], "xapi", settings(vern, MAPPED), "test")
    assert (result.files, result.completions, result.added, result.not_counted) == (2, 7, 7, 3)
    assert result.unknown_people == 1  # tidligere.frivillig@example.net
    assert result.unknown_courses == ("Brannvern",)


def test_a_directory_of_statements_is_imported(vern, tmp_path):
    folder = tmp_path / "lrs"
    folder.mkdir()
    shutil.copy(LRS_ARRAY, folder)
    shutil.copy(LRS_LINES, folder)
    result = training.import_files(vern.store, [folder], "xapi", settings(vern), "test")
    assert (result.files, result.completions) == (2, 7)


def test_statements_imported_twice_change_nothing(vern):
    """Statement ids dedupe the array; the one statement without an id is deduped by hash."""
    load_people(vern)
    training.import_files(vern.store, [LRS_ARRAY, LRS_LINES], "xapi", settings(vern, MAPPED), "test")
    before = snapshot(vern.store)
    again = training.import_files(vern.store, [LRS_ARRAY, LRS_LINES], "xapi", settings(vern, MAPPED), "test")
    assert (again.completions, again.added) == (7, 0)
    after = snapshot(vern.store)
    assert after["completions"] == before["completions"]
    assert after["identities"] == before["identities"]


def test_a_statement_resent_in_another_file_is_not_added_twice(vern):
    line = LRS_LINES.read_text(encoding="utf-8").splitlines()[0]
    first = training.import_files(vern.store, [write(vern, line + "\n", "a.jsonl")], "xapi", settings(vern), "test")
    second = training.import_files(vern.store, [write(vern, f"[{line}]", "b.json")], "xapi", settings(vern), "test")
    assert (first.added, second.added) == (1, 0)
    assert vern.store.value("SELECT count(*) FROM training_completions") == 1


def test_import_is_recorded_in_the_trail(vern):
    training.import_files(vern.store, [LRS_ARRAY], "xapi", settings(vern), "tester")
    entry = vern.store.rows("SELECT actor, action, object FROM trail WHERE action = 'training.import'")
    assert entry == [{"actor": "tester", "action": "training.import", "object": "xapi"}]


# -- refused files ----------------------------------------------------------------------
REFUSED = [
    ("csv", "bad-date.csv", "line 3, field completed_on: not a date (YYYY-MM-DD)", LMS),
    ("csv", "bad-email.csv", "line 2, field email: not an email address", LMS),
    ("csv", "expires-before-completed.csv", "line 3, field expires_on: before completed_on", LMS),
    ("xapi", "missing-verb.json", "record 2, field verb.id: missing", LRS_ARRAY),
    ("xapi", "naive-timestamp.jsonl", "record 2, field timestamp: not an ISO 8601 instant with its offset",
     LRS_ARRAY),
    ("xapi", "missing-object-id.json", "record 1, field object.id: missing", LRS_ARRAY),
    ("xapi", "broken.json", "line 13, column 1: not valid JSON", LRS_ARRAY),
    ("xapi", "broken.jsonl", "line 2, column 108: not valid JSON", LRS_LINES),
]
REFUSED_IDS = [name for _, name, _, _ in REFUSED]


@pytest.mark.parametrize(("fmt", "name", "problem", "good"), REFUSED, ids=REFUSED_IDS)
def test_bad_file_is_refused_whole_naming_file_record_and_field(vern, fmt, name, problem, good):
    load_people(vern)
    before = snapshot(vern.store)
    bad = BAD / name
    with pytest.raises(InputError) as caught:
        training.import_files(vern.store, [bad], fmt, settings(vern), "test")
    message = str(caught.value)
    assert message.startswith(f"{bad}: nothing was imported.")
    assert problem in [str(p) for p in caught.value.problems]
    assert "hemmelig" not in message  # a bad address is not repeated
    assert snapshot(vern.store) == before


@pytest.mark.parametrize(("fmt", "name", "problem", "good"), REFUSED, ids=REFUSED_IDS)
def test_a_good_file_before_a_bad_one_is_not_written_either(vern, fmt, name, problem, good):
    load_people(vern)
    before = snapshot(vern.store)
    with pytest.raises(InputError) as caught:
        training.import_files(vern.store, [good, BAD / name], fmt, settings(vern), "test")
    assert caught.value.source == str(BAD / name)
    assert snapshot(vern.store) == before
    assert vern.store.value("SELECT count(*) FROM training_completions") == 0


def far_future(vern) -> Path:
    """A statement whose timestamp is a valid UTC instant but past the last day Oslo can show."""
    statement = json.loads(LRS_LINES.read_text(encoding="utf-8").splitlines()[1])
    statement["timestamp"] = "9999-12-31T23:30:00Z"
    return write(vern, json.dumps([statement]), "far-future.json")


def test_a_timestamp_out_of_range_is_refused_naming_record_and_field(vern):
    """A timestamp whose Oslo date overflows is refused like any bad timestamp."""
    path = far_future(vern)
    before = snapshot(vern.store)
    with pytest.raises(InputError) as caught:
        training.import_files(vern.store, [path], "xapi", settings(vern), "test")
    assert caught.value.source == str(path)
    assert str(caught.value.problems[0]).startswith("record 1, field timestamp")
    assert snapshot(vern.store) == before


@pytest.mark.parametrize("account", ["li\u0000se", "x" * 600], ids=["nul", "too-long"])
def test_an_unusable_account_name_is_refused_naming_file_and_record(vern, account):
    """An account name no identity can be made of is refused naming file, record and field."""
    statement = json.loads(LRS_LINES.read_text(encoding="utf-8").splitlines()[0])  # Lise's account
    statement["actor"]["account"]["name"] = account
    path = write(vern, json.dumps([statement]), "account.json")
    before = snapshot(vern.store)
    with pytest.raises(InputError) as caught:
        training.import_files(vern.store, [path], "xapi", settings(vern), "test")
    assert snapshot(vern.store) == before
    assert caught.value.source == str(path)
    assert str(caught.value.problems[0]).startswith("record 1, field actor.account.name")


def test_every_bad_line_is_named_at_once(vern):
    text = ("email,course,completed_on\n"
            "nobody,Personvern grunnkurs,2026-01-01\n"
            "kari@example.org,,2026-01-01\n"
            "per@example.org,Personvern grunnkurs,\n")
    with pytest.raises(InputError) as caught:
        training.import_files(vern.store, [write(vern, text, "lms.csv")], "csv", settings(vern), "test")
    assert [str(p) for p in caught.value.problems] == ["line 2, field email: not an email address",
                                     "line 3, field course: required",
                                     "line 4, field completed_on: required (YYYY-MM-DD)"]


def test_unknown_format_and_missing_path_are_refused(vern, tmp_path):
    with pytest.raises(VernError, match="format: 'scorm' is not one of csv, xapi"):
        training.import_files(vern.store, [LMS], "scorm", settings(vern), "test")
    with pytest.raises(VernError, match="no such file or directory"):
        training.import_files(vern.store, [tmp_path / "nowhere.csv"], "csv", settings(vern), "test")


# -- command line -----------------------------------------------------------------------
def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, text=True, timeout=120)


def test_cli_imports_a_csv_export(db):
    result = cli(db, "import", "training", str(LMS), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 file(s): 3 completions read, 3 new"
    assert "3 person(s) not in the people directory" in result.stderr
    assert "Courses no one is required to take: Informasjonssikkerhet" in result.stderr
    again = cli(db, "import", "training", str(LMS), "--format", "csv")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "1 file(s): 3 completions read, 0 new"


def test_cli_imports_statements_as_json(db):
    result = cli(db, "import", "training", str(LRS_ARRAY), str(LRS_LINES), "--format", "xapi", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "files": 2, "completions": 7, "added": 7, "not_counted": 3, "unknown_people": 5,
        "unknown_courses": ["Brannvern", "Module 42"]}


@pytest.mark.parametrize(("fmt", "name", "problem"), [
    ("csv", "bad-date.csv", "  linje 3, felt completed_on: ikke en dato (ÅÅÅÅ-MM-DD)\n"),
    ("xapi", "missing-verb.json", "  post 2, felt verb.id: mangler\n"),
    ("xapi", "broken.jsonl", " 2, "),  # line 2 (the JSON reader's own words are not this test's)
])
def test_cli_refuses_a_bad_file_with_exit_1_and_no_traceback(db, fmt, name, problem):
    result = cli(db, "import", "training", str(LMS if fmt == "csv" else LRS_ARRAY), str(BAD / name),
                 "--format", fmt)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"vern: {BAD / name}: ingenting ble importert.")  # bokmål, the default
    assert problem in result.stderr
    listed = cli(db, "import", "training", str(LMS), "--format", "csv", "--json")
    assert json.loads(listed.stdout)["added"] == 3  # the good file was not imported before


@pytest.mark.parametrize("kind", ["far-future", "deeply-nested"])
def test_cli_refuses_hostile_statements_with_exit_1_and_no_traceback(db, tmp_path, kind):
    """A timestamp in year 9999 and JSON nested 100,000 deep are refused, never a traceback."""
    path = tmp_path / f"{kind}.json"
    if kind == "far-future":
        statement = json.loads(LRS_LINES.read_text(encoding="utf-8").splitlines()[1])
        path.write_text(json.dumps([dict(statement, timestamp="9999-12-31T23:30:00Z")]), encoding="utf-8")
    else:
        path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = cli(db, "import", "training", str(path), "--format", "xapi")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"vern: {path}: ingenting ble importert.")


def test_cli_refuses_an_unknown_format_as_usage(db):
    result = cli(db, "import", "training", str(LMS), "--format", "scorm")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


# -- training_missing -------------------------------------------------------------------
MISSING, EXPIRED, SOON, UNTRAINED = "training_missing", "training_expired", "training_due_soon", "access_untrained"


@pytest.mark.parametrize(("started_on", "finding"), [("2026-10-25", False), ("2026-10-24", True)],
                         ids=["grace-ends-today", "grace-ended-yesterday"])
def test_missing_only_after_the_grace_period(vern, started_on, finding):
    people(vern, (KARI, "employee", "yes", started_on))
    assert (f"{p(vern, KARI)} · {COURSE}" in findings(vern, MISSING)) is finding


def test_within_the_grace_period_the_status_is_new(vern):
    people(vern, (KARI, "employee", "yes", "2026-10-25"))
    [row] = TrainingCheck.status(vern.store, settings(vern), TODAY)
    assert (row["status"], row["due"]) == ("new", date(2026, 11, 24))


def test_missing_message_names_pseudonym_kind_course_and_due_day(vern):
    people(vern, (KARI, "employee", "yes", "2026-10-24"))
    kari = p(vern, KARI)
    assert findings(vern, MISSING) == {
        f"{kari} · {COURSE}": f"{kari} (employee) has not completed “{COURSE}”; it was due on 2026-11-23."}


def test_grace_days_are_configurable(vern):
    people(vern, (KARI, "employee", "yes", "2026-11-14"))
    assert findings(vern, MISSING) == {}
    assert len(findings(vern, MISSING, "[checks.training]\ngrace_days = 9\n")) == 1


def test_a_completion_of_another_course_does_not_count(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, "Brannvern", "2026-11-01"))
    assert f"{p(vern, KARI)} · {COURSE}" in findings(vern, MISSING)


# -- training_expired -------------------------------------------------------------------
@pytest.mark.parametrize(("completed", "expires", "finding"), [
    ("2025-11-01", "2026-11-24", False),  # the LMS's expiry day itself is still valid
    ("2025-11-01", "2026-11-23", True),
    ("2025-11-24", "", False),  # completed_on + 12 months = today
    ("2025-11-23", "", True),
], ids=["expires-today", "expired-yesterday", "computed-today", "computed-yesterday"])
def test_expired_the_day_after_valid_until(vern, completed, expires, finding):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, completed, expires))
    subject = f"{p(vern, KARI)} · {COURSE}"
    assert (subject in findings(vern, EXPIRED)) is finding
    assert subject not in findings(vern, MISSING)


def test_expired_message_names_completion_and_validity(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, "2025-11-23"))
    kari = p(vern, KARI)
    assert findings(vern, EXPIRED) == {
        f"{kari} · {COURSE}": f"{kari} (employee) completed “{COURSE}” on 2025-11-23; valid until 2026-11-23."}


def test_a_leap_day_completion_is_valid_until_28_february(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, "2024-02-29"))
    [last_day] = TrainingCheck.status(vern.store, settings(vern), date(2025, 2, 28))
    [day_after] = TrainingCheck.status(vern.store, settings(vern), date(2025, 3, 1))
    assert (last_day["valid_until"], last_day["status"]) == (date(2025, 2, 28), "due_soon")
    assert (day_after["valid_until"], day_after["status"]) == (date(2025, 2, 28), "expired")


def test_a_leap_day_completion_is_expired_on_1_march(vern, monkeypatch):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, "2024-02-29"))
    monkeypatch.setenv("VERN_NOW", "2025-03-01T12:00:00+01:00")
    kari = p(vern, KARI)
    assert findings(vern, EXPIRED) == {
        f"{kari} · {COURSE}": f"{kari} (employee) completed “{COURSE}” on 2024-02-29; valid until 2025-02-28."}


def test_a_newer_completion_replaces_an_expired_one(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, "2024-06-01"), (KARI, COURSE, "2026-06-01"))
    assert findings(vern, EXPIRED) == {}
    [row] = TrainingCheck.status(vern.store, settings(vern), TODAY)
    assert (row["completed"], row["valid_until"], row["status"]) == (date(2026, 6, 1), date(2027, 6, 1), "valid")


def test_validity_months_are_configurable(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, "2025-06-01"))
    assert findings(vern, EXPIRED) != {}
    assert findings(vern, EXPIRED, "[checks.training]\nvalidity_months = 24\n") == {}


# -- training_due_soon ------------------------------------------------------------------
@pytest.mark.parametrize(("completed", "expires", "finding"), [
    ("2025-12-01", "2026-12-24", True),  # 30 days ahead
    ("2025-12-01", "2026-12-25", False),  # 31 days ahead
    ("2025-12-24", "", True),  # computed: 2026-12-24
    ("2025-12-25", "", False),
    ("2025-11-01", "2026-11-24", True),  # valid until today
], ids=["30-days", "31-days", "computed-30-days", "computed-31-days", "today"])
def test_due_soon_within_30_days(vern, completed, expires, finding):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, completed, expires))
    assert (f"{p(vern, KARI)} · {COURSE}" in findings(vern, SOON)) is finding


def test_due_soon_message(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, "2025-12-01", "2026-12-24"))
    kari = p(vern, KARI)
    assert findings(vern, SOON) == {
        f"{kari} · {COURSE}": f"“{COURSE}” for {kari} (employee) is valid until 2026-12-24."}


def test_a_completion_dated_after_today_does_not_count_yet(vern):
    """A completion counts from completed_on: an LMS row dated 30 November does not make
    Kari 'valid' on 24 November, just as access_untrained flags her use of CRM that day."""
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, "2026-11-30"))
    log(vern, ("2026-11-24T10:00:00+01:00", KARI, "CRM", "read"))
    assert p(vern, KARI) in findings(vern, UNTRAINED)
    [row] = TrainingCheck.status(vern.store, settings(vern), TODAY)
    assert row["status"] == "missing"
    assert f"{p(vern, KARI)} · {COURSE}" in findings(vern, MISSING)


def test_a_valid_completion_gives_no_finding_at_all(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, "2026-06-01"))
    run(vern)
    assert vern.store.value("SELECT count(*) FROM findings WHERE check_id = 'training'") == 0


# -- who is required ------------------------------------------------------------------
@pytest.mark.parametrize(("left_on", "nagged"), [("2026-11-23", False), ("2026-11-24", True)],
                         ids=["left-yesterday", "leaves-today"])
def test_departed_people_are_not_nagged(vern, left_on, nagged):
    people(vern, (KARI, "employee", "yes", "2020-01-15", left_on), (OLA, "employee", "yes", "2020-01-15", left_on))
    completions(vern, (OLA, COURSE, "2025-11-01"))  # expired
    assert (f"{p(vern, KARI)} · {COURSE}" in findings(vern, MISSING)) is nagged
    assert (f"{p(vern, OLA)} · {COURSE}" in findings(vern, EXPIRED)) is nagged


def test_people_who_do_not_handle_personal_data_are_not_required(vern):
    people(vern, (KARI, "employee", "no", "2020-01-15"), (OLA, "board", "no", "2020-01-15"))
    completions(vern, (OLA, COURSE, "2025-11-01"))
    run(vern)
    assert vern.store.value("SELECT count(*) FROM findings WHERE check_id = 'training'") == 0
    assert TrainingCheck.status(vern.store, settings(vern), TODAY) == []


def test_each_kind_needs_the_courses_configured_for_it(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"), (PER, "volunteer", "yes", "2020-01-15"),
           (LISE, "volunteer", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, "2026-06-01"), (PER, COURSE, "2026-06-01"),
                (LISE, COURSE, "2026-06-01"), (LISE, "Taushetsplikt for frivillige", "2026-06-02"))
    per = p(vern, PER)
    assert findings(vern, MISSING, TWO_COURSES) == {
        f"{per} · Taushetsplikt for frivillige":
            f"{per} (volunteer) has not completed “Taushetsplikt for frivillige”; it was due on 2020-02-14."}
    assert findings(vern, MISSING) == {}  # by default one course for everyone


def test_status_lists_every_required_course(vern):
    people(vern, (PER, "volunteer", "yes", "2020-01-15"))
    completions(vern, (PER, COURSE, "2026-06-01"))
    rows = TrainingCheck.status(vern.store, settings(vern, TWO_COURSES), TODAY)
    assert sorted((r["course"], r["status"]) for r in rows) == [
        (COURSE, "valid"), ("Taushetsplikt for frivillige", "missing")]


def test_courses_for_an_unknown_kind_are_refused(vern):
    with pytest.raises(VernError, match=r"checks\.training\.courses\.robot"):
        config_with(vern, '[checks.training.courses]\nrobot = ["Personvern grunnkurs"]\n')


# -- access_untrained -----------------------------------------------------------------
@pytest.fixture
def trained(vern):
    """Kari (employee) completed the course on 10 November; Per (volunteer) completed it in
    2025 with the LMS's expiry on 15 November 2026."""
    people(vern, (KARI, "employee", "yes", "2020-01-15"), (PER, "volunteer", "yes", "2020-01-15", "", "Vest"))
    completions(vern, (KARI, COURSE, "2026-11-10"), (PER, COURSE, "2025-11-01", "2026-11-15"))
    return vern


@pytest.mark.parametrize(("when", "system", "finding"), [
    ("2026-11-09T23:59:00+01:00", "CRM", True),  # the day before completion
    ("2026-11-09T22:59:00Z", "CRM", True),  # 23:59 in Oslo
    ("2026-11-10T00:00:00+01:00", "CRM", False),  # the completion day
    ("2026-11-09T23:30:00Z", "CRM", False),  # 00:30 on the completion day in Oslo
    ("2026-11-09T10:00:00+01:00", "Wiki", False),  # no personal data
    ("2026-11-09T10:00:00+01:00", "Payroll", True),
], ids=["day-before", "day-before-in-oslo", "completion-day", "completion-day-in-oslo", "no-personal-data",
        "other-personal-system"])
def test_use_of_personal_data_before_completion(trained, when, system, finding):
    log(trained, (when, KARI, system, "read"))
    assert (p(trained, KARI) in findings(trained, UNTRAINED)) is finding


@pytest.mark.parametrize(("when", "finding"), [
    ("2026-11-15T23:59:00+01:00", False),  # the expiry day
    ("2026-11-16T00:00:00+01:00", True),
    ("2026-11-15T23:30:00Z", True),  # 00:30 on 16 November in Oslo
], ids=["expiry-day", "day-after", "day-after-in-oslo"])
def test_use_of_personal_data_after_expiry(trained, when, finding):
    log(trained, (when, PER, "CRM", "read"))
    assert (p(trained, PER) in findings(trained, UNTRAINED)) is finding


def test_use_after_computed_expiry(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    completions(vern, (KARI, COURSE, "2025-11-05"))  # valid until 2026-11-05
    log(vern, ("2026-11-05T15:00:00+01:00", KARI, "CRM", "read"))
    assert findings(vern, UNTRAINED) == {}
    log(vern, ("2026-11-06T09:00:00+01:00", KARI, "CRM", "read"))
    assert p(vern, KARI) in findings(vern, UNTRAINED)


def test_one_untrained_finding_per_person_naming_systems_window_and_course(trained):
    log(trained, ("2026-11-03T10:00:00+01:00", KARI, "CRM", "read"),
        ("2026-11-05T10:00:00+01:00", KARI, "Payroll", "write"),
        ("2026-11-09T10:00:00+01:00", KARI, "CRM", "download"),
        ("2026-11-09T11:00:00+01:00", KARI, "Wiki", "read"),  # no personal data
        ("2026-11-12T10:00:00+01:00", KARI, "CRM", "read"))  # trained by then
    kari = p(trained, KARI)
    assert findings(trained, UNTRAINED) == {
        kari: f"{kari} used CRM, Payroll 3 times from 2026-11-03 10:00 to 2026-11-09 10:00 "
              f"without a valid “{COURSE}”."}


def test_untrained_names_the_course_the_kind_lacks(trained):
    log(trained, ("2026-11-12T10:00:00+01:00", PER, "CRM", "read"))  # grunnkurs valid, the second missing
    per = p(trained, PER)
    assert findings(trained, UNTRAINED, TWO_COURSES) == {
        per: f"{per} used CRM 1 times from 2026-11-12 10:00 to 2026-11-12 10:00 "
             "without a valid “Taushetsplikt for frivillige”."}
    assert findings(trained, UNTRAINED) == {}


def test_findings_name_the_pseudonym_never_the_address(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"), (OLA, "employee", "yes", "2020-01-15"),
           (PER, "volunteer", "yes", "2020-01-15"))
    completions(vern, (OLA, COURSE, "2025-11-01"), (PER, COURSE, "2025-12-10"))
    log(vern, ("2026-11-20T10:00:00+01:00", KARI, "CRM", "read"))
    run(vern)
    rows = vern.store.rows("SELECT rule, subject, message_en, message_nb FROM findings WHERE check_id = 'training'")
    assert sorted(r["rule"] for r in rows) == [UNTRAINED, SOON, EXPIRED, MISSING]
    for row in rows:
        text = " ".join((row["subject"], row["message_en"], row["message_nb"])).lower()
        assert "@" not in text
        assert not any(name in text for name in ("kari", "ola", "per@", "example"))
        assert any(p(vern, email) in text for email in (KARI, OLA, PER))


def test_rules_carry_their_severity(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"), (OLA, "employee", "yes", "2020-01-15"),
           (PER, "volunteer", "yes", "2020-01-15"))
    completions(vern, (OLA, COURSE, "2025-11-01"), (PER, COURSE, "2025-12-10"))
    log(vern, ("2026-11-20T10:00:00+01:00", KARI, "CRM", "read"))
    run(vern)
    rows = vern.store.rows("SELECT DISTINCT rule, severity FROM findings WHERE check_id = 'training'")
    assert {r["rule"]: r["severity"] for r in rows} == {
        MISSING: "medium", EXPIRED: "medium", SOON: "low", UNTRAINED: "high"}


def test_a_finding_closes_when_the_course_is_taken(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    assert f"{p(vern, KARI)} · {COURSE}" in findings(vern, MISSING)
    completions(vern, (KARI, COURSE, "2026-11-20"))
    assert findings(vern, MISSING) == {}


# -- coverage and the trend -------------------------------------------------------------
COVERAGE_PEOPLE = (
    (KARI, "employee", "yes", "2020-01-15"),  # valid
    (OLA, "employee", "yes", "2020-01-15"),  # due soon: covered
    ("ingrid@example.org", "employee", "yes", "2020-01-15"),  # expired
    (PER, "volunteer", "yes", "2020-01-15", "", "Vest"),  # missing
    (LISE, "volunteer", "yes", "2026-11-01", "", "Vest"),  # new: not yet covered
    ("nils@example.org", "volunteer", "yes", "2020-01-15", "", "Vest"),  # valid
    ("tor@example.org", "board", "no", "2020-01-15", "", "Nord"),  # no personal data
    ("ulla@example.org", "employee", "yes", "2020-01-15", "2026-10-01"),  # left
)


def coverage(vern) -> set[tuple]:
    rows = vern.store.rows("SELECT run_at, kind, district, required, covered FROM training_coverage")
    districts = labels.texts(vern.store, (r["district"] for r in rows))  # kept as encrypted labels
    return {(r["run_at"], r["kind"], districts.get(r["district"], r["district"]), r["required"], r["covered"])
            for r in rows}


def test_a_run_keeps_coverage_by_kind_and_district(vern):
    people(vern, *COVERAGE_PEOPLE)
    completions(vern, (KARI, COURSE, "2026-06-01"), (OLA, COURSE, "2025-12-10"),
                ("ingrid@example.org", COURSE, "2025-06-01"), ("nils@example.org", COURSE, "2026-02-01"))
    run(vern)
    assert coverage(vern) == {(NOW, "employee", "", 3, 2), (NOW, "volunteer", "Vest", 3, 1)}


def test_every_run_adds_a_snapshot_for_the_trend(vern, monkeypatch):
    people(vern, *COVERAGE_PEOPLE)
    completions(vern, (KARI, COURSE, "2026-06-01"), (OLA, COURSE, "2025-12-10"),
                ("ingrid@example.org", COURSE, "2025-06-01"), ("nils@example.org", COURSE, "2026-02-01"))
    run(vern)
    completions(vern, (PER, COURSE, "2026-11-24"))
    monkeypatch.setenv("VERN_NOW", "2026-11-25T12:00:00+01:00")
    run(vern)
    later = datetime.fromisoformat("2026-11-25T12:00:00+01:00")
    assert coverage(vern) == {(NOW, "employee", "", 3, 2), (NOW, "volunteer", "Vest", 3, 1),
                              (later, "employee", "", 3, 2), (later, "volunteer", "Vest", 3, 2)}
    assert [(r["run_at"], r["required"], r["covered"]) for r in TrainingCheck.coverage(vern.store)] == [
        (NOW, 6, 3), (later, 6, 4)]


def test_coverage_holds_no_person(vern):
    people(vern, *COVERAGE_PEOPLE)
    run(vern)
    columns = [r["column_name"] for r in vern.store.rows(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'training_coverage'")]
    assert columns == ["run_at", "kind", "district", "required", "covered"]


# -- the inbox ------------------------------------------------------------------------
def inbox(vern) -> Path:
    folder = vern.config.inbox / "training"
    folder.mkdir(parents=True)
    return folder


def test_dropped_files_are_imported_by_their_extension_and_moved_aside(vern):
    load_people(vern)
    folder = inbox(vern)
    for path in (LMS, LRS_ARRAY, LRS_LINES):
        shutil.copy(path, folder)
    shutil.copy(LRS_LINES, folder / "more.ndjson")
    (folder / "notes.txt").write_text("not a training file\n")
    result = run(vern)
    assert result.evidence_rows == 10  # 3 + 4 + 3; more.ndjson repeats the .jsonl
    assert {r[6] for r in stored(vern)} == {"lms-export.csv", "lrs-statements.json", "lrs-statements.jsonl"}
    assert {r[0] for r in stored(vern)} == {"csv", "xapi"}
    assert sorted(p.name for p in (folder / "imported").iterdir()) == [
        "20261124T110000Z-lms-export.csv", "20261124T110000Z-lrs-statements.json",
        "20261124T110000Z-lrs-statements.jsonl", "20261124T110000Z-more.ndjson"]
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == ["notes.txt"]
    assert not (folder / "failed").exists()


def test_dropped_files_use_the_check_settings(vern):
    load_people(vern)
    config = config_with(vern, MAPPED)
    shutil.copy(LRS_LINES, inbox(vern))
    result = runner.run(vern.store, config, TrainingCheck, "schedule")
    assert result.status == "succeeded", result.error
    assert {(r[1], r[2]) for r in stored(vern)} == {(p(vern, LISE), COURSE), (p(vern, OLA), COURSE),
                                                  (p(vern, PER), COURSE)}


def test_a_bad_dropped_file_fails_the_run_and_goes_to_failed(vern):
    load_people(vern)
    folder = inbox(vern)
    shutil.copy(LMS, folder)
    shutil.copy(BAD / "bad-date.csv", folder)
    shutil.copy(BAD / "missing-verb.json", folder)
    result = runner.run(vern.store, vern.config, TrainingCheck, "schedule")
    assert result.status == "failed"
    assert "bad-date.csv: line 3, field completed_on" in result.error
    assert "missing-verb.json: record 2, field verb.id: missing" in result.error
    assert {r[6] for r in stored(vern)} == {"lms-export.csv"}  # the good file is in
    assert sorted(p.name for p in (folder / "failed").iterdir()) == [
        "20261124T110000Z-bad-date.csv", "20261124T110000Z-missing-verb.json"]
    assert [p.name for p in (folder / "imported").iterdir()] == ["20261124T110000Z-lms-export.csv"]
    assert list(folder.glob("*.csv")) == [] and list(folder.glob("*.json")) == []


def test_a_dropped_file_that_breaks_the_import_goes_to_failed_too(vern):
    """A dropped file with a year-9999 timestamp goes to failed/, and the files after it
    still land."""
    folder = inbox(vern)
    shutil.copy(far_future(vern), folder / "a-far-future.json")
    shutil.copy(LRS_LINES, folder / "b-good.json")
    result = runner.run(vern.store, vern.config, TrainingCheck, "schedule")
    assert result.status == "failed"
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == []
    assert [p.name for p in (folder / "failed").iterdir()] == ["20261124T110000Z-a-far-future.json"]
    assert [p.name for p in (folder / "imported").iterdir()] == ["20261124T110000Z-b-good.json"]


def test_a_run_without_an_inbox_succeeds(vern):
    people(vern, (KARI, "employee", "yes", "2020-01-15"))
    assert not (vern.config.inbox / "training").exists()
    assert run(vern).evidence_rows == 0
