"""No personal data where the admin or the logs can see it (issue 15, item 5).

For every import and every field it reads, one distinctive personal value is planted in that
field so that the import fails. The refusal must name the file, the line or record and the
field, and quote the value nowhere: not in the message (the raised error, and the real `vern`
command's stderr), not in any log line, and — for the imports with an inbox — not on the
overview and checks pages the admin sees. Nothing is written.

The imports and their fields are written out here by hand, from the README; the planted
value is the person itself where a field checks its form (dates, choices, addresses,
numbers), and the person with a terminal escape (ESC) where a field takes any text.
"""

import csv
import io
import json
import logging
import subprocess

import pytest
import vern_process

from audits.access import directory
from audits.activities import register as activities
from audits.breaches import register as breaches
from audits.checking import runner
from audits.consent import register as consent
from audits.core.errors import VernError
from audits.processors import register as processors
from audits.retention import register as retention
from audits.runtime import open_vern
from audits.subject_requests import register as subject_requests
from audits.training import register as training
from conftest import VERN, page_text

PERSONAL = "Kari Nordmann f. 01017012345 kari.nordmann@example.no"
PARTS = ("Kari Nordmann", "01017012345", "kari.nordmann@example.no")
P, PX = PERSONAL, PERSONAL + "\x1b[31m"  # PX: text that is refused for its escape, not its form
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def assert_no_personal_data(text: str) -> None:
    """Not the value, nor its name, number or address — in any case, with any escaping."""
    flat = text.replace("\\", "").lower()
    for part in PARTS:
        assert part.lower() not in flat, f"{part!r} leaked into: {text[:2000]}"


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# -- the imports, their good rows and the value planted in each field -------------------------
PEOPLE = {"email": "ola@example.org", "name": "Ola Hansen", "kind": "employee", "handles_personal_data": "yes",
          "started_on": "2024-01-01", "left_on": "", "district": "Vest"}
SYSTEMS = {"name": "CRM", "holds_personal_data": "yes", "classification": "confidential", "match": "s3:crm"}
GRANTS = {"email": "ola@example.org", "system": "CRM", "granted_on": "2024-01-01", "revoked_on": ""}
TRAINING = {"email": "ola@example.org", "course": "Personvern grunnkurs", "completed_on": "2026-11-01",
            "score": "90", "expires_on": "2027-11-01"}
PROCESSORS = {"name": "Acme AS", "service": "CRM", "countries": "NO;IE", "transfer_mechanism": "none",
              "dpf_certified": "", "dpa_signed_on": "2025-01-01", "dpa_expires_on": "2027-01-01",
              "last_reviewed_on": "2026-06-01"}
CONSENTS = {"email": "ola@example.org", "purpose": "newsletter", "given_at": "2026-01-01T10:00:00+01:00",
            "withdrawn_at": "2026-02-01T10:00:00+01:00", "source": "web form"}
CAMPAIGNS = {"email": "ola@example.org", "campaign": "Julebrev", "purpose": "newsletter",
             "sent_at": "2026-11-01T10:00:00+01:00"}
INVENTORY = {"record_ref": "M-1001", "category": "member", "last_activity_on": "2024-01-01",
             "purpose_ended_on": "2025-01-01", "pseudonymised": "no"}
ACTIVITY_CSV = {
    "name": "Medlemsregister", "role": "controller", "controller_name": "", "purpose": "Medlemskap",
    "legal_basis": "b", "special_categories": "health", "art9_condition": "a", "data_subjects": "medlemmer",
    "data_categories": "navn", "children": "no", "recipients": "kretsene", "processors": "Acme AS",
    "retention_months": "24", "retention_from": "last_activity", "retention_categories": "member",
    "retention_statistics_exempt": "yes", "security_measures": "tofaktor", "classification": "internal",
    "systems": "CRM", "dpia_criteria": "large_scale", "dpia_status": "in_progress", "owner": "Leder",
    "review_on": "2027-01-01", "adjusted_likelihood": "limited", "adjusted_severity": "limited",
    "adjust_reason": "Vurdert"}

CSV_IMPORTS = {  # import: (good row, {field: planted value}, command after `vern`, table)
    "people": (PEOPLE, {"email": P, "name": PX, "kind": P, "handles_personal_data": P, "started_on": P,
                        "left_on": P, "district": PX}, ["import", "people"], "people"),
    "systems": (SYSTEMS, {"name": PX, "holds_personal_data": P, "classification": P, "match": P},
                ["import", "systems"], "systems"),
    "grants": (GRANTS, {"email": P, "system": P, "granted_on": P, "revoked_on": P}, ["import", "grants"], "grants"),
    "training": (TRAINING, {"email": P, "course": PX, "completed_on": P, "score": P, "expires_on": P},
                 ["import", "training", "--format", "csv"], "training_completions"),
    "processors": (PROCESSORS, {"name": PX, "service": PX, "countries": P, "transfer_mechanism": P,
                                "dpf_certified": P, "dpa_signed_on": P, "dpa_expires_on": P, "last_reviewed_on": P},
                   ["import", "processors"], "processors"),
    "consents": (CONSENTS, {"email": P, "purpose": PX, "given_at": P, "withdrawn_at": P, "source": PX},
                 ["import", "consents"], "consents"),
    "campaigns": (CAMPAIGNS, {"email": P, "campaign": PX, "purpose": PX, "sent_at": P},
                  ["import", "campaigns"], "campaign_sends"),
    "inventory": (INVENTORY, {"record_ref": PX, "category": PX, "last_activity_on": P, "purpose_ended_on": P,
                              "pseudonymised": P}, ["import", "inventory", "--system", "CRM"], "inventory"),
    "activities": (ACTIVITY_CSV, {
        "name": PX, "role": P, "controller_name": PX, "purpose": PX, "legal_basis": P, "special_categories": P,
        "art9_condition": P, "data_subjects": PX, "data_categories": PX, "children": P, "recipients": PX,
        "processors": PX, "retention_months": P, "retention_from": P, "retention_categories": PX,
        "retention_statistics_exempt": P, "security_measures": PX, "classification": P, "systems": PX,
        "dpia_criteria": P, "dpia_status": P, "owner": PX, "review_on": P, "adjusted_likelihood": P,
        "adjusted_severity": P, "adjust_reason": PX}, ["import", "activities"], "activities"),
}
CSV_CASES = [(name, field) for name, (_, planted, _, _) in CSV_IMPORTS.items() for field in planted]

STATEMENT = {"id": "6f1c0a0e-0000-4000-8000-000000000001", "actor": {"mbox": "mailto:ola@example.org"},
             "verb": {"id": COMPLETED}, "timestamp": "2026-11-01T10:00:00+01:00",
             "object": {"id": "https://lms.example.org/courses/1",
                        "definition": {"name": {"nb-NO": "Personvern grunnkurs"}}},
             "result": {"success": True, "score": {"scaled": 0.9}}}
XAPI = {  # field: (where it goes, planted value) — the message names the field as written here
    "id": (("id",), PX),
    "actor.mbox": (("actor", "mbox"), "mailto:" + P),
    "actor.account.name": (("actor",), {"account": {"name": PX, "homePage": "https://lms.example.org"}}),
    "actor.account.homePage": (("actor",), {"account": {"name": "ola@example.org", "homePage": PX}}),
    "verb.id": (("verb", "id"), PX),
    "result.success": (("result", "success"), P),
    "timestamp": (("timestamp",), P),
    "object.id": (("object", "id"), PX),
    "object (the course)": (("object", "definition", "name", "nb-NO"), PX),
    "result.score.scaled": (("result", "score", "scaled"), P),
}

ACTIVITY = {
    "name": "Medlemsregister", "role": "controller", "controller_name": None, "purpose": "Medlemskap",
    "legal_basis": "b", "special_categories": ["health"], "art9_condition": "a", "data_subjects": ["medlemmer"],
    "data_categories": ["navn"], "children": False, "recipients": ["kretsene"], "processors": ["Acme AS"],
    "retention": {"months": 24, "from": "last_activity", "categories": ["member"], "statistics_exempt": True},
    "security_measures": ["tofaktor"], "classification": "internal", "systems": ["CRM"],
    "dpia_criteria": ["large_scale"], "dpia_status": "in_progress", "owner": "Leder", "review_on": "2027-01-01",
    "risk_adjustment": {"likelihood": "limited", "severity": "limited", "reason": "Vurdert"}}
ACTIVITY_JSON = {  # field named in the message: (path, planted value)
    "name": (("name",), PX), "role": (("role",), P), "controller_name": (("controller_name",), PX),
    "purpose": (("purpose",), PX), "legal_basis": (("legal_basis",), P),
    "special_categories": (("special_categories",), [P]), "art9_condition": (("art9_condition",), P),
    "data_subjects": (("data_subjects",), [PX]), "data_categories": (("data_categories",), [PX]),
    "children": (("children",), P), "recipients": (("recipients",), [PX]), "processors": (("processors",), [PX]),
    "retention.months": (("retention", "months"), P), "retention.from": (("retention", "from"), P),
    "retention.categories": (("retention", "categories"), [PX]),
    "retention.statistics_exempt": (("retention", "statistics_exempt"), P),
    "security_measures": (("security_measures",), [PX]), "classification": (("classification",), P),
    "systems": (("systems",), [PX]), "dpia_criteria": (("dpia_criteria",), [P]),
    "dpia_status": (("dpia_status",), P), "owner": (("owner",), PX), "review_on": (("review_on",), P),
    "risk_adjustment.likelihood": (("risk_adjustment", "likelihood"), P),
    "risk_adjustment.severity": (("risk_adjustment", "severity"), P),
    "risk_adjustment.reason": (("risk_adjustment", "reason"), PX),
}

REQUEST = {"received_at": "2026-11-20T09:30:00+01:00", "kind": "access", "channel": "e-post",
           "requester": "Ola Hansen", "email": "ola@example.org"}
REQUEST_FIELDS = {"received_at": P, "kind": P, "channel": PX, "requester": PX, "email": P}

BREACH = {"title": "Lost laptop", "description": "Left on a train", "aware_at": "2026-11-23T10:00:00+01:00",
          "occurred_at": "2026-11-22T10:00:00+01:00", "reported_by": "Ola Hansen", "acting_as": "processor",
          "controller_name": "Vestland krets", "data_categories": ["contact"], "special_categories": False,
          "subjects_count": 10, "records_count": 20, "breach_types": ["confidentiality"], "processor": "Acme AS",
          "consequences": "Phishing", "measures": "Wiped remotely"}
BREACH_FIELDS = {"title": PX, "description": PX, "aware_at": P, "occurred_at": P, "reported_by": PX,
                 "acting_as": P, "controller_name": PX, "data_categories": [P], "special_categories": P,
                 "subjects_count": P, "records_count": P, "breach_types": [P], "processor": P,
                 "consequences": PX, "measures": PX, "finding": P}

ASSESSMENT = {"dpc": {"data_type": "simple", "adjustment": 0.5}, "ei": 0.5,
              "cb": {"confidentiality": 0.25, "integrity": 0, "availability": 0, "malicious": False},
              "data_unintelligible": False}
ASSESSMENT_FIELDS = {  # field: (path, planted value)
    "dpc": (("dpc",), P), "dpc.data_type": (("dpc", "data_type"), P), "dpc.adjustment": (("dpc", "adjustment"), P),
    "ei": (("ei",), P), "cb.confidentiality": (("cb", "confidentiality"), P),
    "cb.integrity": (("cb", "integrity"), P), "cb.availability": (("cb", "availability"), P),
    "cb.malicious": (("cb", "malicious"), P), "data_unintelligible": (("data_unintelligible",), P),
}


def planted(base: dict, path: tuple[str, ...], value) -> dict:
    """A deep copy of `base` with `value` at `path`."""
    copy = json.loads(json.dumps(base))
    node = copy
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return copy


# -- a small register for the imports that refer to others ----------------------------------
@pytest.fixture
def loaded(vern, tmp_path):
    """One system (CRM), one person, one processor (Acme AS) and one breach to assess."""
    for name, row in (("systems", SYSTEMS), ("people", PEOPLE)):
        path = tmp_path / f"good-{name}.csv"
        path.write_text(csv_text([row]), encoding="utf-8")
        getattr(directory, f"import_{name}")(vern.store, path, "test")
    path = tmp_path / "good-processors.csv"
    path.write_text(csv_text([PROCESSORS]), encoding="utf-8")
    processors.import_register(vern.store, path, "test")
    breaches.add(vern.store, vern.config, "test", BREACH)
    return vern


LOADERS = {
    "people": directory.import_people, "systems": directory.import_systems, "grants": directory.import_grants,
    "processors": processors.import_register, "consents": consent.import_consents,
    "campaigns": lambda store, path, actor: consent.import_campaigns(store, path, actor),
    "inventory": lambda store, path, actor: retention.import_inventory(store, path, "CRM", actor),
    "activities": activities.import_file,
}


def rows_in(vern, table: str) -> int:
    return vern.store.value(f"SELECT count(*) FROM {table}")


def refused(vern, caplog, table: str, load) -> str:
    """The message of an import that must fail; the table unchanged and no log line leaking."""
    before = rows_in(vern, table)
    with caplog.at_level(logging.DEBUG), pytest.raises(VernError) as caught:
        load()
    assert rows_in(vern, table) == before
    for record in caplog.records:
        assert_no_personal_data(record.getMessage())
    message = str(caught.value)
    assert_no_personal_data(message)
    return message


# -- every field of every CSV import ----------------------------------------------------------
@pytest.mark.parametrize(("name", "field"), CSV_CASES)
def test_csv_imports_never_quote_the_value(loaded, tmp_path, caplog, name, field):
    good, values, _, table = CSV_IMPORTS[name]
    path = tmp_path / f"{name}.csv"
    path.write_text(csv_text([good, {**good, field: values[field]}]), encoding="utf-8")
    if name == "training":
        def load():
            training.import_files(loaded.store, [path], "csv", loaded.config.check("training"), "test")
    else:
        def load():
            LOADERS[name](loaded.store, path, "test")
    message = refused(loaded, caplog, table, load)
    assert f"{path}: nothing was imported.\n  line 3, field {field}: " in message


@pytest.mark.parametrize("field", list(XAPI))
def test_xapi_import_never_quotes_the_value(loaded, tmp_path, caplog, field):
    where, value = XAPI[field]
    statement = planted(STATEMENT, where, value)
    path = tmp_path / "statements.json"
    path.write_text(json.dumps([STATEMENT, statement]), encoding="utf-8")
    message = refused(loaded, caplog, "training_completions", lambda: training.import_files(
        loaded.store, [path], "xapi", loaded.config.check("training"), "test"))
    assert f"{path}: nothing was imported.\n  record 2, field {field}: " in message


@pytest.mark.parametrize("field", list(ACTIVITY_JSON))
def test_activities_json_import_never_quotes_the_value(loaded, tmp_path, caplog, field):
    where, value = ACTIVITY_JSON[field]
    path = tmp_path / "activities.json"
    path.write_text(json.dumps([{**ACTIVITY, "name": "Other"}, planted(ACTIVITY, where, value)]), encoding="utf-8")
    message = refused(loaded, caplog, "activities", lambda: activities.import_file(loaded.store, path, "test"))
    assert f"{path}: nothing was imported.\n  record 2, field {': '.join(where)}: " in message


@pytest.mark.parametrize("field", list(REQUEST_FIELDS))
def test_request_file_never_quotes_the_value(loaded, tmp_path, caplog, field):
    path = tmp_path / "request.json"
    path.write_text(json.dumps({**REQUEST, field: REQUEST_FIELDS[field]}), encoding="utf-8")
    message = refused(loaded, caplog, "requests", lambda: subject_requests.add_file(loaded.store, "test", path))
    assert f"{path}: nothing was imported.\n  field {field}: " in message


@pytest.mark.parametrize("field", list(BREACH_FIELDS))
def test_breach_never_quotes_the_value(loaded, caplog, field):
    data = {**BREACH, field: BREACH_FIELDS[field]}
    message = refused(loaded, caplog, "breaches", lambda: breaches.add(loaded.store, loaded.config, "test", data))
    assert message.startswith(f"{field}: ")


@pytest.mark.parametrize("field", list(ASSESSMENT_FIELDS))
def test_assessment_never_quotes_the_value(loaded, caplog, field):
    where, value = ASSESSMENT_FIELDS[field]
    data = planted(ASSESSMENT, where, value)
    message = refused(loaded, caplog, "breach_assessments", lambda: breaches.assess(loaded.store, "test", 1, data))
    assert message.startswith(f"{field}: ")


@pytest.mark.parametrize("what", ["breach", "assessment", "request", "activity", "activities CSV"])
def test_a_key_that_is_personal_data_is_not_named(loaded, tmp_path, caplog, what):
    """A name where a field name belongs: the message says a field is unknown, not which."""
    path = tmp_path / ("activities.csv" if what == "activities CSV" else "input.json")
    path.write_text(f"name,{P}\nKurs,x\n" if what == "activities CSV" else
                    json.dumps([{**ACTIVITY, P: 1}] if what == "activity" else {**REQUEST, P: 1}), encoding="utf-8")
    load, table, problem = {
        "breach": (lambda: breaches.add(loaded.store, loaded.config, "test", {**BREACH, P: 1}), "breaches",
                   "(name not shown): unknown field"),
        "assessment": (lambda: breaches.assess(loaded.store, "test", 1, {**ASSESSMENT, P: 1}), "breach_assessments",
                       "(name not shown): unknown field"),
        "request": (lambda: subject_requests.add_file(loaded.store, "test", path), "requests",
                    "field (name not shown): unknown (known: received_at, kind, channel, requester, email)"),
        "activity": (lambda: activities.import_file(loaded.store, path, "test"), "activities",
                     "record 1, field (name not shown): unknown (known: name, role,"),
        "activities CSV": (lambda: activities.import_file(loaded.store, path, "test"), "activities",
                           "line 1: unknown column (name not shown) (known: name, role,"),
    }[what]
    assert problem in refused(loaded, caplog, table, load)


# -- the real command: every field planted at once, one refusal per line or record ---------
def run_vern(db, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """In English: these tests read where each problem is said to be (the bokmål is tested in
    tests/core/test_words.py and each feature's own tests)."""
    return vern_process.run([VERN, "--lang", "en", "--db", str(db), *args], capture_output=True, text=True, input=stdin,
                          timeout=180)


@pytest.fixture
def loaded_db(loaded):
    """The small register in a database file the `vern` command opens (closed here)."""
    path = loaded.store.path
    loaded.close()
    return path


def rows_in_file(db, table: str) -> int:
    opened = open_vern(str(db))
    try:
        return opened.store.value(f"SELECT count(*) FROM {table}")
    finally:
        opened.close()


@pytest.mark.parametrize("name", list(CSV_IMPORTS))
def test_cli_import_of_a_file_planted_in_every_field(loaded_db, tmp_path, name):
    good, values, command, table = CSV_IMPORTS[name]
    path = tmp_path / f"{name}.csv"
    path.write_text(csv_text([{**good, field: value} for field, value in values.items()]), encoding="utf-8")
    before = rows_in_file(loaded_db, table)
    result = run_vern(loaded_db, *command[:2], str(path), *command[2:])
    assert result.returncode == 1
    assert rows_in_file(loaded_db, table) == before
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"vern: {path}: nothing was imported.\n")
    for line, field in enumerate(list(values)[:20], start=2):
        if (name, field) != ("grants", "system"):  # looked up only once every field reads well
            assert f"  line {line}, field {field}: " in result.stderr
    assert_no_personal_data(result.stdout + result.stderr)


@pytest.mark.parametrize(("command", "content", "expected", "table"), [
    (["import", "training", "--format", "xapi"],
     "\n".join(json.dumps(planted(STATEMENT, where, value)) for where, value in XAPI.values()),
     [f"  record {n}, field {field}: " for n, field in enumerate(XAPI, start=1)], "training_completions"),
    (["import", "activities"],
     json.dumps([planted({**ACTIVITY, "name": f"A{n}"}, where, value)
                 for n, (where, value) in enumerate(ACTIVITY_JSON.values())]),
     [f"  record {n}, field {': '.join(where)}: "
      for n, (where, _) in enumerate(list(ACTIVITY_JSON.values())[:20], start=1)], "activities"),
    (["dsr", "add", "--file"], json.dumps(REQUEST_FIELDS), [f"  field {field}: " for field in REQUEST_FIELDS],
     "requests"),
    (["breach", "add", "--file"], json.dumps(BREACH_FIELDS), ["vern: title: contains a control character (U+001B)"],
     "breaches"),
    (["breach", "assess", "1", "--file"], json.dumps({"dpc": P, "ei": P, "cb": P, "data_unintelligible": P}),
     ["vern: dpc: must be a number"], "breach_assessments"),
], ids=["xapi", "activities", "dsr", "breach", "assessment"])
def test_cli_json_input_planted_in_every_field(loaded_db, tmp_path, command, content, expected, table):
    path = tmp_path / ("statements.jsonl" if "xapi" in command else "input.json")
    path.write_text(content, encoding="utf-8")
    args = [*command[:2], str(path), *command[2:]] if command[0] == "import" else [*command, str(path)]
    before = rows_in_file(loaded_db, table)
    result = run_vern(loaded_db, *args)
    assert result.returncode == 1
    assert rows_in_file(loaded_db, table) == before
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr
    assert_no_personal_data(result.stdout + result.stderr)


def test_cli_breach_from_standard_input_never_quotes_the_value(loaded_db):
    result = run_vern(loaded_db, "breach", "add", "--file", "-", stdin=json.dumps({**BREACH, "aware_at": P}))
    assert (result.returncode, result.stderr) == (1, "vern: aware_at: not an ISO 8601 instant\n")
    assert_no_personal_data(result.stdout + result.stderr)


# -- the inbox: what the admin reads on the overview and checks pages -----------------------
def test_refused_inbox_files_show_the_admin_no_personal_data(loaded, dashboard, caplog):
    """One file per planted field in each inbox (the processors check reads the whole file's
    problems); every check runs as the scheduler runs it; the admin opens both pages."""
    inbox = loaded.config.inbox
    dropped = {}  # check: file names
    folder = inbox / "processors"
    folder.mkdir(parents=True)
    good, values, _, _ = CSV_IMPORTS["processors"]
    (folder / "processors.csv").write_text(csv_text([{**good, f: v} for f, v in values.items()]), encoding="utf-8")
    dropped["processors"] = ["processors.csv"]
    for check, name, folder in (("training", "training", inbox / "training"),
                                ("retention", "inventory", inbox / "retention" / "CRM"),
                                ("consent", "consents", inbox / "consent" / "consents"),
                                ("consent", "campaigns", inbox / "consent" / "campaigns")):
        folder.mkdir(parents=True, exist_ok=True)
        good, values, _, _ = CSV_IMPORTS[name]
        for field, value in values.items():
            file = folder / f"{name}-{field}.csv"
            file.write_text(csv_text([good, {**good, field: value}]), encoding="utf-8")
            dropped.setdefault(check, []).append(file.name)
    for field, (where, value) in XAPI.items():
        statement = planted(STATEMENT, where, value)
        file = inbox / "training" / f"xapi-{field}.json"
        file.write_text(json.dumps([statement]), encoding="utf-8")
        dropped["training"].append(file.name)
    tables = {table: rows_in(loaded, table) for table in
              ("processors", "training_completions", "inventory", "consents", "campaign_sends")}

    with caplog.at_level(logging.DEBUG):
        for check in dropped:
            result = runner.run(loaded.store, loaded.config, loaded.checks[check], "schedule")
            assert result.status == "failed"
        overview = dashboard(None, "en", roles=("admin",))
        checks = dashboard("checks", "en", roles=("admin",))
    assert not overview.exception and not checks.exception
    assert tables == {table: rows_in(loaded, table) for table in tables}
    for record in caplog.records:
        assert_no_personal_data(record.getMessage())
    shown = page_text(overview)
    assert_no_personal_data(shown)
    assert "line 2, field name" in shown.replace("\\", "")  # the processors error is on the page
    shown = page_text(checks).replace("\\", "")
    assert_no_personal_data(shown)
    for check, files in dropped.items():
        for file in files:  # each refusal reached the page, by file name
            assert file in shown, (check, file)
