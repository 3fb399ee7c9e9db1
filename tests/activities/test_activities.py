"""The record of processing activities (Art. 30), its check `activities` and its risk.

Imports: JSON and CSV in the issue's contract, refused whole with file, record or line,
and field named. Rules: each on both sides of its edge, the check run through the runner
and its findings read from the register. Risk: the CNIL scales as unit tests on plain
dicts, then through the store. Today is 2026-11-24 in Oslo.
"""

import contextlib
import json
import subprocess
from pathlib import Path

import pytest
import vern_process

from audits.activities import register as activities
from audits.activities.risk import Risk, computed, level, residual
from audits.checking import runner
from audits.core import trail
from audits.core.errors import InputError
from audits.processors import register as processors
from audits.runtime import open_vern
from checks.activities import ActivitiesCheck
from conftest import VERN, copy_template

CONTRACT = ("name", "role", "controller_name", "purpose", "legal_basis", "special_categories", "art9_condition",
            "data_subjects", "data_categories", "children", "recipients", "processors", "retention",
            "security_measures", "classification", "systems", "dpia_criteria", "dpia_status")
CSV_HEADER = ("name,role,controller_name,purpose,legal_basis,special_categories,art9_condition,data_subjects,"
              "data_categories,children,recipients,processors,retention_months,retention_from,"
              "retention_categories,retention_statistics_exempt,security_measures,classification,systems,"
              "dpia_criteria,dpia_status,owner,review_on,adjusted_likelihood,adjusted_severity,adjust_reason")

# Every field set; a processing done for a district chapter, adjusted by the adviser.
FULL = {
    "name": "Tilrettelegging", "role": "processor", "controller_name": "Vestland krets",
    "purpose": "Tilrettelegge arrangementer", "legal_basis": "a", "special_categories": ["health"],
    "art9_condition": "a", "data_subjects": ["deltakere"], "data_categories": ["navn", "behov"],
    "children": True, "recipients": ["arrangementssteder"], "processors": ["Acme AS"],
    "retention": {"months": 12, "from": "last_activity", "categories": ["accessibility_need"],
                  "statistics_exempt": True},
    "security_measures": ["tofaktorinnlogging", "egen mappe"], "classification": "confidential",
    "systems": ["Drive"], "dpia_criteria": ["sensitive_data", "vulnerable_subjects"], "dpia_status": "completed",
    "owner": "Arrangementsansvarlig", "review_on": "2027-01-15",
    "risk_adjustment": {"likelihood": "limited", "severity": "significant", "reason": "Kun navn og behov"},
}
FULL_CSV = CSV_HEADER + (
    "\nTilrettelegging,processor,Vestland krets,Tilrettelegge arrangementer,a,health,a,deltakere,navn;behov,yes,"
    "arrangementssteder,Acme AS,12,last_activity,accessibility_need,yes,tofaktorinnlogging;egen mappe,"
    "confidential,Drive,sensitive_data;vulnerable_subjects,completed,Arrangementsansvarlig,2027-01-15,"
    "limited,significant,Kun navn og behov\n")

PROCESSOR_HEADER = ",".join(processors.COLUMNS)
ACME = "Acme AS,E-post,NO,none,,2026-01-01,,"  # a signed agreement, in Norway


@pytest.fixture
def db(db, new_db_template):
    """The database the first command would create, copied (see `new_db_template`)."""
    return copy_template(new_db_template, db)


def activity(**changes) -> dict:
    """A controller activity the check finds nothing wrong with, unless a test changes a field."""
    return {"name": "Medlemsregister", "role": "controller", "purpose": "Administrere medlemskap",
            "legal_basis": "b", "data_subjects": ["medlemmer"], "data_categories": ["navn", "e-post"],
            "recipients": ["kretsene"], "processors": ["Acme AS"],
            "retention": {"months": 24, "from": "purpose_ended"}, "security_measures": ["tofaktorinnlogging"],
            "classification": "internal", "owner": "Kommunikasjonssjef", "review_on": "2026-12-24", **changes}


def write(folder: Path, name: str, content) -> Path:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
                    encoding="utf-8")
    return path


def load(vern, records: list[dict], processor_rows: tuple[str, ...] = (ACME,)) -> None:
    """Import the processor register and the activities, as `vern import` does."""
    folder = vern.store.path.parent
    register = write(folder, "processors.csv", "\n".join((PROCESSOR_HEADER, *processor_rows)) + "\n")
    processors.import_register(vern.store, register, "test")
    activities.import_file(vern.store, write(folder, "activities.json", records), "test")


def run(vern) -> None:
    result = runner.run(vern.store, vern.config, ActivitiesCheck, "manual")
    assert result.status == "succeeded", result.error


def findings(vern, records: list[dict], processor_rows: tuple[str, ...] = (ACME,)) -> dict[tuple, str]:
    """Load, run the check and return its open findings: (rule, subject) → English message."""
    load(vern, records, processor_rows)
    run(vern)
    rows = vern.store.rows("SELECT rule, subject, message_en FROM findings "
                           "WHERE check_id = 'activities' AND status = 'open'")
    return {(r["rule"], r["subject"]): r["message_en"] for r in rows}


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, text=True, timeout=120)


def cli_json(db: Path, *args: str):
    result = cli(db, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@contextlib.contextmanager
def opened(db: Path):
    """The database the CLI wrote, opened in this process once the CLI has let go of it."""
    vern = open_vern(str(db))
    try:
        yield vern
    finally:
        vern.close()


# -- import and listing ---------------------------------------------------------------
def test_json_import_lists_every_field_of_the_contract(db, tmp_path):
    result = cli(db, "import", "activities", str(write(tmp_path, "protokoll.json", [FULL])))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{tmp_path / 'protokoll.json'}: imported 1 activities"
    listed = cli_json(db, "activities", "list")
    assert listed == [{"id": 1, **FULL}]
    assert set(listed[0]) == {*CONTRACT, "id", "owner", "review_on", "risk_adjustment"}


def test_csv_import_gives_the_same_activity_as_json(db, tmp_path):
    result = cli(db, "import", "activities", str(write(tmp_path, "protokoll.csv", FULL_CSV)))
    assert result.returncode == 0, result.stderr
    assert cli_json(db, "activities", "list") == [{"id": 1, **FULL}]


def test_choices_are_read_whatever_their_case_and_absent_fields_take_their_defaults(vern, tmp_path):
    records = [{"name": "Nyhetsbrev", "legal_basis": "A", "classification": "Internal",
                "dpia_criteria": ["Large_Scale"]}]
    activities.import_file(vern.store, write(tmp_path, "a.json", records), "test")
    assert activities.listing(vern.store) == [{
        "id": 1, "name": "Nyhetsbrev", "role": "controller", "controller_name": None, "purpose": None,
        "legal_basis": "a", "special_categories": [], "art9_condition": None, "data_subjects": [],
        "data_categories": [], "children": False, "recipients": [], "processors": [], "retention": None,
        "security_measures": [], "classification": "internal", "systems": [], "dpia_criteria": ["large_scale"],
        "dpia_status": "not_started", "owner": None, "review_on": None, "risk_adjustment": None}]


def test_show_adds_the_dpia_screening_and_the_risk(db, tmp_path):
    cli(db, "import", "activities", str(write(tmp_path, "protokoll.json", [FULL])))
    shown = cli_json(db, "activities", "show", "1")
    assert {k: v for k, v in shown.items() if k not in ("dpia_criteria_met", "dpia_required", "risk")} == \
        {"id": 1, **FULL}
    assert (shown["dpia_criteria_met"], shown["dpia_required"]) == (2, True)
    computed_risk = {"likelihood": "negligible", "severity": "maximum", "score": 4, "level": "medium",
                     "reasons": ["severity significant: classified confidential",
                                 "severity maximum: special categories of vulnerable people"]}
    adjusted = {"likelihood": "limited", "severity": "significant", "score": 6, "level": "high",
                "reasons": ["adjusted by the adviser: Kun navn og behov"]}
    assert shown["risk"] == {
        "computed": computed_risk, "inherent": adjusted,
        "residual": {**adjusted, "reasons": ["no open findings touch it"]},
        "adjusted": True, "outside_eea": []}


def test_show_of_an_unknown_activity_is_refused(db):
    result = cli(db, "activities", "show", "99")
    assert result.returncode == 1
    assert result.stderr == "vern: finner ingen aktivitet 99\n"  # bokmål, the default
    assert "Traceback" not in result.stderr


def test_an_import_is_recorded_in_the_trail(vern, tmp_path):
    activities.import_file(vern.store, write(tmp_path, "protokoll.json", [activity(), FULL]), "kari")
    entry = trail.listing(vern.store, action="activities")[0]
    assert (entry["actor"], entry["action"], entry["object"], entry["details"]) == \
        ("kari", "activities.import", "protokoll.json", {"activities": 2})


def test_export_and_import_give_the_same_register_in_both_formats(db, tmp_path, cli_demo_template):
    copy_template(cli_demo_template, db)  # `vern demo`
    adjusted = cli(db, "activities", "adjust", "4", "--likelihood", "maximum", "--severity", "limited",
                   "--reason", "Profilering; se DPIA-utkastet, «punkt 3»")
    assert adjusted.returncode == 0, adjusted.stderr
    before = cli_json(db, "activities", "list")
    assert len(before) == 9
    for fmt in ("json", "csv"):
        out = tmp_path / f"protokoll.{fmt}"
        assert cli(db, "activities", "export", "--format", fmt, "--out", str(out)).returncode == 0
        result = cli(db, "import", "activities", str(out))
        assert result.returncode == 0, result.stderr
        assert cli_json(db, "activities", "list") == before, fmt


def test_export_to_stdout_is_the_json_the_import_reads(db, tmp_path):
    cli(db, "import", "activities", str(write(tmp_path, "protokoll.json", [FULL])))
    exported = cli(db, "activities", "export")
    assert exported.returncode == 0
    assert json.loads(exported.stdout) == [{"id": 1, **FULL}]


def test_an_activity_keeps_its_id_while_its_name_stays(vern, tmp_path):
    first = [activity(name="Arrangementer"), activity(name="Fakturering")]
    activities.import_file(vern.store, write(tmp_path, "1.json", first), "test")
    again = [activity(name="Nyhetsbrev"), activity(name="fakturering"), activity(name="Arrangementer")]
    activities.import_file(vern.store, write(tmp_path, "2.json", again), "test")
    assert {r["name"]: r["id"] for r in activities.listing(vern.store)} == {
        "Arrangementer": 1, "fakturering": 2, "Nyhetsbrev": 3}


def test_remove_takes_the_activity_out_and_records_it(db, tmp_path):
    cli(db, "import", "activities", str(write(tmp_path, "a.json", [activity(name="A"), activity(name="B")])))
    result = cli(db, "activities", "remove", "1")
    assert (result.returncode, result.stdout.strip()) == (0, "activity 1 removed")
    assert [r["name"] for r in cli_json(db, "activities", "list")] == ["B"]
    with opened(db) as vern:
        entry = trail.listing(vern.store, action="activities.remove")[0]
    assert (entry["actor"], entry["object"], entry["details"]) == ("cli:tester", "A", {"id": 1})


# -- refusals -------------------------------------------------------------------------
def csv_row(**values: str) -> str:
    """One line of a full-width CSV export: the given columns set, the others empty."""
    return ",".join(values.get(column, "") for column in CSV_HEADER.split(","))


GOOD = activity(name="Godt")
REFUSED = {
    "unknown DPIA criterion": (
        "a.json", [GOOD, activity(dpia_criteria=["large_scale", "guesswork"])],
        "record 2, field dpia_criteria: item 2 is not one of evaluation_scoring"),
    "legal basis g": (
        "a.json", [GOOD, activity(legal_basis="g")],
        "record 2, field legal_basis: not one of a, b, c, d, e, f"),
    "art. 9 condition k": (
        "a.json", [GOOD, activity(special_categories=["health"], art9_condition="k")],
        "record 2, field art9_condition: not one of a, b, c, d, e, f, g, h, i, j"),
    "classification secret": (
        "a.json", [GOOD, activity(classification="secret")],
        "record 2, field classification: not one of open, internal, confidential, "
        "strictly_confidential"),
    "role owner": (
        "a.json", [GOOD, activity(role="owner")],
        "record 2, field role: not one of controller, processor"),
    "processor without its controller": (
        "a.json", [GOOD, activity(role="processor")],
        "record 2, field controller_name: an activity done as processor names its controller"),
    "retention of 0 months": (
        "a.json", [GOOD, activity(retention={"months": 0, "from": "last_activity"})],
        "record 2, field retention: months: must be a whole number of months from 1 to 1200"),
    "retention of x months": (
        "a.json", [GOOD, activity(retention={"months": "x", "from": "last_activity"})],
        "record 2, field retention: months: must be a whole number of months from 1 to 1200"),
    "retention counted from nothing": (
        "a.json", [GOOD, activity(retention={"months": 12})],
        "record 2, field retention: from: must be one of last_activity, purpose_ended"),
    "unknown key": (
        "a.json", [GOOD, activity(purpse="Administrere")],
        "record 2, field purpse: unknown (known: name, role,"),
    "the same name twice": (
        "a.json", [GOOD, activity(name="Medlemsregister"), activity(name="MEDLEMSREGISTER")],
        "record 3, field name: the same name as at record 2"),
    "not an array": ("a.json", GOOD, "must be a JSON array of activities"),
    "invalid JSON": ("a.json", '[\n  {"name": "A"},\n  {"name": }\n]', "line 3, column 12: not valid JSON"),
    "empty JSON": ("a.json", "", "line 1, column 1: not valid JSON"),
    "empty array": ("a.json", [], "no activities in the file"),
    "text file": ("a.txt", "name\nA\n", "must be a .json or .csv file"),
    "CSV classification secret": (
        "a.csv", "\n".join((CSV_HEADER, csv_row(name="Godt"), csv_row(name="B", classification="secret"))),
        "line 3, field classification: not one of"),
    "CSV retention of x months": (
        "a.csv", "name,retention_months,retention_from\nA,x,last_activity\n",
        "line 2, field retention_months: must be a whole number"),
    "CSV retention of 0 months": (
        "a.csv", "name,retention_months,retention_from\nA,0,last_activity\n",
        "line 2, field retention_months: must be a whole number"),
    "CSV retention counted from nothing": (
        "a.csv", "name,retention_months,retention_from\nA,12,\n",
        "line 2, field retention_from: must be one of last_activity, purpose_ended"),
    "CSV unknown DPIA criterion": (
        "a.csv", "name,dpia_criteria\nA,large_scale;guesswork\n",
        "line 2, field dpia_criteria: item 2 is not one of"),
    "CSV the same name twice": ("a.csv", "name\nKurs\nkurs\n", "line 3, field name: the same name as at line 2"),
    "CSV children maybe": ("a.csv", "name,children\nA,maybe\n", "line 2, field children: must be true or false"),
    "empty CSV": ("a.csv", "", "the file is empty"),
}


@pytest.mark.parametrize(("name", "content", "problem"), REFUSED.values(), ids=REFUSED.keys())
def test_a_bad_file_is_refused_whole_naming_file_place_and_field(db, tmp_path, name, content, problem):
    with opened(db) as vern:
        activities.import_file(vern.store, write(tmp_path, "before.json", [activity(name="Før")]), "test")
        before = (activities.listing(vern.store), trail.head(vern.store))
    path = write(tmp_path, name, content)
    result = cli(db, "--lang", "en", "import", "activities", str(path))  # the English wording
    assert result.returncode == 1
    assert f"{path}: nothing was imported." in result.stderr
    assert problem in result.stderr
    assert "Traceback" not in result.stderr
    with opened(db) as vern:
        assert (activities.listing(vern.store), trail.head(vern.store)) == before


def test_every_problem_of_a_file_is_reported_together(vern, tmp_path):
    records = [activity(legal_basis="g", classification="secret"), activity(name="B", role="owner")]
    with pytest.raises(InputError) as refused:
        activities.import_file(vern.store, write(tmp_path, "a.json", records), "test")
    assert [p.split(":")[0] for p in [str(p) for p in refused.value.problems]] == [
        "record 1, field legal_basis", "record 1, field classification", "record 2, field role"]


BOKMAL = {  # the rule's words as a bokmål reader reads them, located by record or line and field
    "record": ("a.json", [GOOD, activity(retention={"months": 0, "from": "last_activity"}, role="processor")],
               "  post 2, felt retention: months: må være et helt antall måneder fra 1 til 1200\n"),
    "line": ("a.csv", "name,retention_months,retention_from,dpia_criteria\nA,12,,large_scale;gjetning\n",
             "  linje 2, felt retention_from: må være en av last_activity, purpose_ended\n"
             "  linje 2, felt dpia_criteria: element 2 er ikke en av evaluation_scoring, "
             "automated_decision_legal_effect, systematic_monitoring, sensitive_data, large_scale, "
             "matching_datasets, vulnerable_subjects, innovative_technology, prevents_rights_exercise\n"),
    "unknown columns": ("a.csv", "name,purpse,owners\nA,x,y\n",
                        "  linje 1: ukjente kolonner purpse, owners (kjente: " + CSV_HEADER.replace(",", ", ") + ")\n"),
}


@pytest.mark.parametrize(("name", "content", "problems"), BOKMAL.values(), ids=BOKMAL.keys())
def test_a_bokmal_reader_is_told_in_bokmal_where_and_what(db, tmp_path, name, content, problems):
    path = write(tmp_path, name, content)
    result = cli(db, "import", "activities", str(path))  # no --lang: the default, bokmål
    assert (result.returncode, result.stderr) == (1, f"vern: {path}: ingenting ble importert.\n" + problems)


def test_a_missing_file_is_refused_naming_it(db, tmp_path):
    result = cli(db, "import", "activities", str(tmp_path / "borte.json"))
    assert result.returncode == 1
    assert f"{tmp_path / 'borte.json'}: ingenting ble importert." in result.stderr
    assert "Traceback" not in result.stderr


# -- the check: dpia_required ---------------------------------------------------------
def test_a_complete_activity_raises_nothing(vern):
    assert findings(vern, [activity()]) == {}


def test_one_dpia_criterion_does_not_require_a_dpia(vern):
    assert findings(vern, [activity(dpia_criteria=["large_scale"])]) == {}


@pytest.mark.parametrize(("status", "shown"), [("not_started", "not started"), ("in_progress", "in progress")])
def test_two_dpia_criteria_require_a_dpia(vern, status, shown):
    found = findings(vern, [activity(dpia_criteria=["large_scale", "systematic_monitoring"], dpia_status=status)])
    assert found == {("dpia_required", "Medlemsregister"):
                     "“Medlemsregister” meets 2 of the WP248 criteria (large scale, systematic monitoring); "
                     f"DPIA: {shown}."}


def test_the_findings_name_criteria_categories_and_dates_in_bokmal(vern):
    """The reader reads the criteria and special categories by their names, and the date in
    the Norwegian form, never the record's ids."""
    findings(vern, [activity(dpia_criteria=["large_scale", "systematic_monitoring"], special_categories=["health"],
                             review_on="2026-11-02")])
    said = {r["rule"]: r["message_nb"] for r in vern.store.rows(
        "SELECT rule, message_nb FROM findings WHERE check_id = 'activities'")}
    assert said["dpia_required"] == ("«Medlemsregister» oppfyller 2 av WP248-kriteriene (stor skala, systematisk "
                                     "overvåking); DPIA: ikke påbegynt.")
    assert said["special_category_without_condition"] == (
        "«Medlemsregister» behandler helseopplysninger uten et vilkår i art. 9(2).")
    assert said["risk_review_overdue"] == "Risikoen i «Medlemsregister» skulle vært vurdert 2. nov. 2026 (Kommunikasjonssjef)."


def test_two_dpia_criteria_with_a_completed_dpia_raise_nothing(vern):
    records = [activity(dpia_criteria=["large_scale", "systematic_monitoring"], dpia_status="completed")]
    assert findings(vern, records) == {}


# -- the check: ropa_incomplete -------------------------------------------------------
CONTROLLER_ELEMENTS = {
    "purpose": (None, "purpose (Art. 30(1)(b))"),
    "legal_basis": (None, "legal basis (Art. 6(1))"),
    "data_subjects": ([], "categories of data subjects (Art. 30(1)(c))"),
    "data_categories": ([], "categories of personal data (Art. 30(1)(c))"),
    "recipients": ([], "recipients (Art. 30(1)(d))"),
    "retention": (None, "retention period (Art. 30(1)(f))"),
    "security_measures": ([], "security measures (Art. 30(1)(g))"),
}


@pytest.mark.parametrize(("field", "empty", "named"),
                         [(f, *v) for f, v in CONTROLLER_ELEMENTS.items()], ids=CONTROLLER_ELEMENTS.keys())
def test_a_controller_record_lacking_an_element_names_it(vern, field, empty, named):
    assert findings(vern, [activity(**{field: empty})]) == {
        ("ropa_incomplete", "Medlemsregister"): f"“Medlemsregister” lacks: {named}."}


def test_a_controller_record_lacking_everything_names_each_element(vern):
    bare = activity(**{field: empty for field, (empty, _) in CONTROLLER_ELEMENTS.items()})
    named = "; ".join(n for _, n in CONTROLLER_ELEMENTS.values())
    assert findings(vern, [bare]) == {("ropa_incomplete", "Medlemsregister"): f"“Medlemsregister” lacks: {named}."}


def test_a_processor_record_needs_only_its_processing_and_security_measures(vern):
    lean = activity(role="processor", controller_name="Vestland krets", legal_basis=None, data_subjects=[],
                    data_categories=[], recipients=[], retention=None)
    assert findings(vern, [lean, activity(name="Tom", role="processor", controller_name="Vestland krets",
                                          purpose=None, security_measures=[])]) == {
        ("ropa_incomplete", "Tom"):
            "“Tom” lacks: categories of processing (Art. 30(2)(b)); security measures (Art. 30(2)(d))."}


def test_a_processor_not_in_the_register_is_an_incomplete_record_of_transfers(vern):
    found = findings(vern, [activity(processors=["Acme AS", "Ukjent AS", "Annen AS"])])
    assert found == {("ropa_incomplete", "Medlemsregister"):
                     "“Medlemsregister” lacks: transfers (Art. 30(1)(e)): Ukjent AS, Annen AS not in the "
                     "processor register."}


# -- the check: special categories, processors, classification, review ---------------
def test_special_categories_without_an_art9_condition(vern):
    assert findings(vern, [activity(special_categories=["health", "trade_union_membership"])]) == {
        ("special_category_without_condition", "Medlemsregister"):
            "“Medlemsregister” processes health data, trade union membership without an Art. 9(2) condition."}


def test_special_categories_with_an_art9_condition_raise_nothing(vern):
    assert findings(vern, [activity(special_categories=["health"], art9_condition="a")]) == {}


@pytest.mark.parametrize(("row", "lapsed"), [
    ("Acme AS,E-post,NO,none,,,,", True),                     # never signed
    ("Acme AS,E-post,NO,none,,2024-01-01,2026-11-23,", True),  # expired yesterday
    ("Acme AS,E-post,NO,none,,2024-01-01,2026-11-24,", False),  # its last day is today
], ids=["unsigned", "expired yesterday", "expires today"])
def test_a_processor_without_a_valid_agreement(vern, row, lapsed):
    found = findings(vern, [activity()], (row,))
    assert found == ({("activity_processor_without_dpa", "Medlemsregister"):
                      "“Medlemsregister” uses Acme AS without a valid processor agreement."} if lapsed else {})


def test_only_the_processors_without_an_agreement_are_named(vern):
    rows = (ACME, "Beta AS,CRM,NO,none,,,,", "Gamma AS,Regnskap,NO,none,,2020-01-01,2025-01-01,")
    found = findings(vern, [activity(processors=["Acme AS", "Beta AS", "Gamma AS"])], rows)
    assert found == {("activity_processor_without_dpa", "Medlemsregister"):
                     "“Medlemsregister” uses Beta AS, Gamma AS without a valid processor agreement."}


def test_cli_imports_both_registers_runs_the_check_and_lists_the_finding(db, tmp_path):
    register = write(tmp_path, "databehandlere.csv", f"{PROCESSOR_HEADER}\nAcme AS,E-post,NO,none,,,,\n")
    assert cli(db, "import", "processors", str(register)).returncode == 0
    assert cli(db, "import", "activities", str(write(tmp_path, "a.json", [activity()]))).returncode == 0
    ran = cli(db, "checks", "run", "activities")
    assert ran.returncode == 0, ran.stderr
    listed = cli_json(db, "findings", "list", "--check", "activities")
    assert [(f["rule"], f["subject"], f["status"]) for f in listed] == [
        ("activity_processor_without_dpa", "Medlemsregister", "open")]


def test_an_unclassified_activity(vern):
    assert findings(vern, [activity(classification=None)]) == {
        ("classification_missing", "Medlemsregister"): "“Medlemsregister” has no classification."}


@pytest.mark.parametrize(("review_on", "owner", "message"), [
    ("2026-11-23", "Kommunikasjonssjef",
     "The risk of “Medlemsregister” was due for review on 2026-11-23 (Kommunikasjonssjef)."),
    ("2026-11-23", None, "The risk of “Medlemsregister” was due for review on 2026-11-23."),
    ("2026-11-24", "Kommunikasjonssjef", None),
    (None, "Kommunikasjonssjef", None),
], ids=["yesterday", "yesterday without owner", "today", "never"])
def test_a_risk_review_past_its_date(vern, review_on, owner, message):
    found = findings(vern, [activity(review_on=review_on, owner=owner)])
    assert found == ({("risk_review_overdue", "Medlemsregister"): message} if message else {})


def test_findings_close_when_the_record_is_fixed_and_the_check_reruns(vern):
    broken = activity(classification=None, special_categories=["health"], review_on="2026-11-01", recipients=[])
    assert set(findings(vern, [broken])) == {
        ("classification_missing", "Medlemsregister"), ("special_category_without_condition", "Medlemsregister"),
        ("risk_review_overdue", "Medlemsregister"), ("ropa_incomplete", "Medlemsregister")}
    assert findings(vern, [activity(special_categories=["health"], art9_condition="a")]) == {}
    statuses = vern.store.rows("SELECT rule, status FROM findings WHERE check_id = 'activities'")
    assert {(r["rule"], r["status"]) for r in statuses} == {
        ("classification_missing", "closed"), ("special_category_without_condition", "closed"),
        ("risk_review_overdue", "closed"), ("ropa_incomplete", "closed")}


# -- risk: the scales -----------------------------------------------------------------
@pytest.mark.parametrize(("likelihood", "severity", "expected"), [
    (1, 1, "low"), (1, 2, "low"), (1, 3, "medium"), (2, 2, "medium"), (2, 3, "high"), (2, 4, "high"),
    (3, 3, "high"), (3, 4, "critical"), (4, 4, "critical")])
def test_the_level_of_a_cell_follows_its_score(likelihood, severity, expected):
    assert level(likelihood, severity) == expected
    assert level(severity, likelihood) == expected


def bare(**changes) -> dict:
    """What `computed` reads of an activity: open data, nobody vulnerable, no criteria."""
    return {"classification": "open", "special_categories": [], "children": False, "dpia_criteria": [], **changes}


def explained(risk: Risk) -> tuple[int, int, list[str]]:
    return risk.likelihood, risk.severity, [reason("en") for reason in risk.reasons]


@pytest.mark.parametrize(("classification", "severity", "reason"), [
    ("open", 1, "severity negligible: classified open"),
    ("internal", 2, "severity limited: classified internal"),
    ("confidential", 3, "severity significant: classified confidential"),
    ("strictly_confidential", 4, "severity maximum: classified strictly confidential"),
    (None, 3, "severity significant: not classified (counted as confidential)"),
])
def test_the_classification_sets_the_severity(classification, severity, reason):
    assert explained(computed(bare(classification=classification), [])) == (1, severity, [reason])


def test_the_classification_reason_reads_in_bokmal():
    assert computed(bare(classification="internal"), []).reasons[0]("nb") == "alvorlighet begrenset: klassifisert intern"
    assert computed(bare(classification=None), []).reasons[0]("nb") == \
        "alvorlighet betydelig: ikke klassifisert (regnes som fortrolig)"


FLOOR = "severity at least significant: special categories or vulnerable people"
BOTH = "severity maximum: special categories of vulnerable people"


@pytest.mark.parametrize("changes", [
    {"special_categories": ["health"]}, {"dpia_criteria": ["sensitive_data"]},
    {"children": True}, {"dpia_criteria": ["vulnerable_subjects"]}],
    ids=["special categories", "sensitive data criterion", "children", "vulnerable subjects criterion"])
def test_special_categories_or_vulnerable_people_are_at_least_significant(changes):
    assert explained(computed(bare(**changes), [])) == (
        1, 3, ["severity negligible: classified open", FLOOR])
    assert explained(computed(bare(classification="strictly_confidential", **changes), [])) == (
        1, 4, ["severity maximum: classified strictly confidential"])


def test_special_categories_of_vulnerable_people_are_maximum():
    assert explained(computed(bare(special_categories=["health"], children=True), [])) == (
        1, 4, ["severity negligible: classified open", FLOOR, BOTH])
    assert explained(computed(bare(classification="confidential", dpia_criteria=[
        "sensitive_data", "vulnerable_subjects"]), [])) == (1, 4, ["severity significant: classified confidential", BOTH])


@pytest.mark.parametrize(("classification", "severity", "stepped"), [
    ("open", 2, True), ("confidential", 4, True), ("strictly_confidential", 4, False)])
def test_large_scale_is_one_step_up_to_at_most_maximum(classification, severity, stepped):
    risk = computed(bare(classification=classification, dpia_criteria=["large_scale"]), [])
    assert (risk.severity, "severity one step up: large scale" in explained(risk)[2]) == (severity, stepped)


def test_large_scale_adds_nothing_above_maximum():
    risk = computed(bare(special_categories=["health"], children=True, dpia_criteria=["large_scale"]), [])
    assert explained(risk) == (1, 4, ["severity negligible: classified open", FLOOR, BOTH])


def test_transfers_outside_the_eea_are_one_step_more_likely():
    assert explained(computed(bare(), ["IN", "US"])) == (
        2, 1, ["severity negligible: classified open", "likelihood one step up: transfers outside the EEA (IN, US)"])


@pytest.mark.parametrize("criteria", [
    ["evaluation_scoring"], ["automated_decision_legal_effect"], ["systematic_monitoring"],
    ["evaluation_scoring", "systematic_monitoring"]])
def test_profiling_or_monitoring_is_one_step_more_likely(criteria):
    assert explained(computed(bare(dpia_criteria=criteria), [])) == (
        2, 1, ["severity negligible: classified open", "likelihood one step up: profiling or monitoring"])


@pytest.mark.parametrize("criteria", [["matching_datasets"], ["innovative_technology"],
                                      ["matching_datasets", "innovative_technology"]])
def test_matching_datasets_or_new_technology_is_one_step_more_likely(criteria):
    assert explained(computed(bare(dpia_criteria=criteria), [])) == (
        2, 1, ["severity negligible: classified open", "likelihood one step up: matching datasets or new technology"])


def test_every_likelihood_step_together_is_maximum():
    risk = computed(bare(dpia_criteria=["systematic_monitoring", "innovative_technology"]), ["US"])
    assert (risk.likelihood, risk.severity, risk.level) == (4, 1, "medium")


def test_criteria_that_move_neither_scale_leave_the_risk_alone():
    risk = computed(bare(dpia_criteria=["prevents_rights_exercise"]), [])
    assert explained(risk) == (1, 1, ["severity negligible: classified open"])


# -- risk: residual -------------------------------------------------------------------
def test_without_open_findings_the_residual_risk_is_the_inherent_risk():
    assert explained(residual(Risk(2, 3), None)) == (2, 3, ["no open findings touch it"])


def test_open_findings_make_it_one_step_more_likely():
    touching = {"open": 2, "grave": False, "checks": ["activities", "retention"]}
    assert explained(residual(Risk(2, 3), touching)) == (
        3, 3, ["likelihood one step up: 2 open findings from activities, retention"])


def test_a_high_finding_makes_it_two_steps_more_likely():
    touching = {"open": 1, "grave": True, "checks": ["activities"]}
    assert explained(residual(Risk(1, 3), touching)) == (
        3, 3, ["likelihood 2 steps up: 1 open findings from activities, at least one high"])


@pytest.mark.parametrize(("likelihood", "grave"), [(3, True), (4, False), (4, True)])
def test_the_residual_likelihood_stops_at_maximum(likelihood, grave):
    touching = {"open": 1, "grave": grave, "checks": ["activities"]}
    assert residual(Risk(likelihood, 2), touching).likelihood == 4


def described(vern) -> dict[str, dict]:
    return {r["name"]: r["risk"] for r in activities.described(vern.store, activities.listing(vern.store))}


def test_only_processors_with_a_country_outside_the_eea_count_as_transfers(vern):
    rows = (ACME, "Europa AS,Lagring,NO;IE;DE,none,,2026-01-01,,", "Sky Inc,Lagring,US,none,,2026-01-01,,",
            "Sky Inc,E-post,IE,none,,2026-01-01,,")
    load(vern, [activity(name="I EØS", processors=["Acme AS", "Europa AS"]),
                activity(name="Til USA", processors=["Acme AS", "Sky Inc"])], rows)
    risks = described(vern)
    assert (risks["I EØS"]["outside_eea"], risks["I EØS"]["computed"]["likelihood"]) == ([], "negligible")
    assert (risks["Til USA"]["outside_eea"], risks["Til USA"]["computed"]["likelihood"]) == (["US"], "limited")


def test_the_residual_risk_counts_the_open_findings_of_the_activity(vern):
    load(vern, [activity(name="Uten funn"), activity(name="Lavt funn", classification=None),
                activity(name="Høyt funn", special_categories=["health"])])
    run(vern)
    risks = described(vern)
    assert risks["Uten funn"]["residual"]["likelihood"] == "negligible"
    assert risks["Lavt funn"]["residual"] == {
        "likelihood": "limited", "severity": "significant", "score": 6, "level": "high",
        "reasons": ["likelihood one step up: 1 open findings from activities"]}
    assert risks["Høyt funn"]["residual"] == {
        "likelihood": "significant", "severity": "significant", "score": 9, "level": "high",
        "reasons": ["likelihood 2 steps up: 1 open findings from activities, at least one high"]}


# -- risk: the adviser's adjustment ---------------------------------------------------
def test_an_adjustment_replaces_the_inherent_risk_and_is_recorded(db, tmp_path):
    cli(db, "import", "activities", str(write(tmp_path, "a.json", [activity(classification="confidential")])))
    computed_risk = cli_json(db, "activities", "show", "1")["risk"]["computed"]
    result = cli(db, "activities", "adjust", "1", "--likelihood", "limited", "--severity", "negligible",
                 "--reason", "Kun navn og e-post, ingen deling")
    assert result.returncode == 0, result.stderr
    adjusted = {"likelihood": "limited", "severity": "negligible", "score": 2, "level": "low",
                "reasons": ["adjusted by the adviser: Kun navn og e-post, ingen deling"]}
    assert json.loads(result.stdout) == {
        "computed": computed_risk, "inherent": adjusted,
        "residual": {**adjusted, "reasons": ["no open findings touch it"]}, "adjusted": True, "outside_eea": []}
    assert cli_json(db, "activities", "list")[0]["risk_adjustment"] == {
        "likelihood": "limited", "severity": "negligible", "reason": "Kun navn og e-post, ingen deling"}
    with opened(db) as vern:
        entry = trail.listing(vern.store, action="activities.adjust")[0]
    assert (entry["actor"], entry["object"], entry["details"]) == (
        "cli:tester", "Medlemsregister", {"id": 1, "likelihood": "limited", "severity": "negligible"})


@pytest.mark.parametrize("reason", [[], ["--reason", "   "]], ids=["no reason", "blank reason"])
def test_an_adjustment_without_a_reason_is_refused(db, tmp_path, reason):
    cli(db, "import", "activities", str(write(tmp_path, "a.json", [activity()])))
    before = cli_json(db, "activities", "list")
    result = cli(db, "activities", "adjust", "1", "--likelihood", "limited", "--severity", "negligible", *reason)
    assert result.returncode == 1
    assert result.stderr == "vern: felt risk_adjustment: reason: en justert risiko krever en skriftlig begrunnelse\n"
    assert "Traceback" not in result.stderr
    assert cli_json(db, "activities", "list") == before


def test_an_adjustment_needs_both_scales(db, tmp_path):
    cli(db, "import", "activities", str(write(tmp_path, "a.json", [activity()])))
    result = cli(db, "activities", "adjust", "1", "--likelihood", "limited", "--reason", "Fordi")
    assert result.returncode == 2
    assert "give --likelihood and --severity (or --clear)" in result.stderr


def test_clear_restores_the_computed_risk(db, tmp_path):
    cli(db, "import", "activities", str(write(tmp_path, "a.json", [FULL])))
    result = cli(db, "activities", "adjust", "1", "--clear")
    assert result.returncode == 0, result.stderr
    risk = json.loads(result.stdout)
    assert risk["adjusted"] is False
    assert risk["inherent"] == risk["computed"]
    assert risk["inherent"]["level"] == "medium"
    assert cli_json(db, "activities", "list")[0]["risk_adjustment"] is None


# -- the demo -------------------------------------------------------------------------
DEMO = {"Medlemsadministrasjon", "Arrangementer", "Fakturering", "Markedsføring med interesseprofil",
        "Kontaktpersoner hos prospekter", "Tilrettelegging for deltakere", "Barn og unge med foreldresamtykke",
        "Medlemsregister for kretsene", "Statistikk på pseudonymiserte data"}


def test_the_demo_records_the_activities_of_the_privacy_statement(demo_vern):
    assert {r["name"] for r in activities.listing(demo_vern.store)} == DEMO


def test_the_demo_plants_one_finding_of_each_kind_and_four_uses_of_lapsed_processors(demo_vern):
    rows = demo_vern.store.rows("SELECT rule, subject, message_en FROM findings "
                                "WHERE check_id = 'activities' AND status = 'open'")
    assert sorted((r["rule"], r["subject"]) for r in rows) == [
        # Already On AS has no signed agreement; SuperOffice's expired on 2026-10-15.
        ("activity_processor_without_dpa", "Barn og unge med foreldresamtykke"),
        ("activity_processor_without_dpa", "Kontaktpersoner hos prospekter"),
        ("activity_processor_without_dpa", "Medlemsadministrasjon"),
        ("activity_processor_without_dpa", "Medlemsregister for kretsene"),
        ("classification_missing", "Medlemsregister for kretsene"),
        ("dpia_required", "Markedsføring med interesseprofil"),
        ("risk_review_overdue", "Markedsføring med interesseprofil"),
        ("ropa_incomplete", "Kontaktpersoner hos prospekter"),
        ("special_category_without_condition", "Tilrettelegging for deltakere"),
    ]
    messages = {(r["rule"], r["subject"]): r["message_en"] for r in rows}
    assert messages[("ropa_incomplete", "Kontaktpersoner hos prospekter")] == (
        "“Kontaktpersoner hos prospekter” lacks: recipients (Art. 30(1)(d)); security measures (Art. 30(1)(g)).")
    assert messages[("risk_review_overdue", "Markedsføring med interesseprofil")] == (
        "The risk of “Markedsføring med interesseprofil” was due for review on 2026-11-10 (Kommunikasjonssjef).")


def test_the_demo_marketing_profile_is_high_risk_and_critical_with_its_findings(demo_vern):
    risk = described(demo_vern)["Markedsføring med interesseprofil"]
    assert (risk["inherent"]["level"], risk["residual"]["level"], risk["outside_eea"]) == ("high", "critical", ["US"])


# What a finding concerns (activity, processor, systems, record category) is stored with it,
# whichever check found it. "Tilrettelegging for deltakere" in the demo processes special
# categories without a condition (its own finding), uses Google (review overdue), runs on
# "Arrangementer (Google Drive)" — used at night once, and by two people without valid
# training — and keeps its accessibility needs past their retention: six open findings.
TOUCHED = {"likelihood": "maximum", "severity": "maximum", "score": 16, "level": "critical", "reasons": [
    "likelihood 2 steps up: 6 open findings from access_logs, activities, processors, retention, training, "
    "at least one high"]}


def test_the_residual_risk_counts_the_findings_on_the_activity_its_processors_systems_and_categories(demo_vern):
    assert described(demo_vern)["Tilrettelegging for deltakere"]["residual"] == TOUCHED


def test_migration_0014_fills_in_what_older_findings_concern(demo_vern):
    """A database from before 0014: its findings get what they concern from the subjects
    and details the built-in checks wrote, and the risk reads the same."""
    store = demo_vern.store
    with store.transaction() as tx:
        for column in ("activity", "processor", "systems", "record_category"):
            tx.execute(f"ALTER TABLE findings DROP COLUMN {column}")
        tx.execute((Path(activities.__file__).parents[1] / "migrations" / "0014_finding_links.sql").read_text())

    def concern(rule: str, subject_part: str) -> tuple:
        [row] = store.rows("SELECT activity, processor, systems, record_category FROM findings "
                           "WHERE rule = ? AND contains(subject, ?)", [rule, subject_part])
        return tuple(row.values())

    assert concern("special_category_without_condition", "Tilrettelegging") == (
        "Tilrettelegging for deltakere", None, None, None)
    assert concern("dpa_missing", "Already On") == (None, "Already On AS", None, None)
    assert concern("access_without_grant", "·") == (None, None, ["Medlemsregister (SharePoint)"], None)
    signins = store.rows("SELECT systems FROM findings WHERE rule = 'access_failed_signins'")
    assert [r["systems"] for r in signins] == [None, None]  # failed sign-ins concern the account only
    assert concern("retention_overdue", "prospect") == (None, None, None, "prospect")
    untrained = store.rows("SELECT systems FROM findings WHERE rule = 'access_untrained'")
    assert sorted(r["systems"] for r in untrained) == [
        ["Arrangementer (Google Drive)"], ["Arrangementer (Google Drive)", "Medlemsregister (SharePoint)"],
        ["Medlemsdata (AWS S3)", "Medlemsregister (SharePoint)"], ["Medlemsdata (AWS S3)", "SuperOffice CRM"],
        ["Medlemsregister (SharePoint)"]]
    assert described(demo_vern)["Tilrettelegging for deltakere"]["residual"] == TOUCHED
