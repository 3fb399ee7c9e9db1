"""Hostile files and text through the register imports (issue 15, items 7, 8 and 10).

CSV: limits on columns, line and field length, checked while reading; control characters
refused in every field with line and field (tab and line breaks only in free text);
bidirectional overrides refused in names; a problem in a record that spans lines named by
the line where the record begins. JSON: nesting of any depth and any size refused with a
message and exit 1, never a traceback. Nothing is written by a refused import.
"""

import csv
import io
import json
import tracemalloc

import pytest
import vern_process

from audits.access import directory
from audits.activities import files as activity_files
from audits.activities import register as activities
from audits.breaches import register as breaches
from audits.consent import register as consent
from audits.core import text
from audits.core.errors import InputError, VernError
from audits.io import csvfile, jsonfile
from audits.processors import register as processors
from audits.retention import register as retention
from audits.runtime import open_vern
from audits.subject_requests import register as subject_requests
from audits.training import register as training
from conftest import VERN

PROCESSORS = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on\n"
GOOD_PROCESSOR = "Acme AS,CRM,NO,none,,2025-01-01,,\n"
ACTIVITIES = "name,legal_basis,purpose,review_on\n"
BREACH = {"title": "Lost laptop", "aware_at": "2026-11-23T10:00:00+01:00"}
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def write(tmp_path, content: str, name: str = "file.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return path


def refused(load, path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(path)
    assert caught.value.source == str(path)
    return caught.value.shown("en")


# -- where a record begins ------------------------------------------------------------------
@pytest.mark.parametrize(("delimiter", "bom"), [(",", ""), (";", "\ufeff")])
def test_a_record_over_three_lines_is_named_by_the_line_where_it_begins(vern, tmp_path, delimiter, bom):
    rows = [["name", "legal_basis", "purpose", "review_on"], ["Medlemmer", "b", "Medlemskap", ""],
            ["Kurs", "z", "first line\nsecond line\nthird line", ""], ["Arrangement", "b", "Påmelding", "soon"]]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path = write(tmp_path, bom + out.getvalue())
    assert path.read_text(encoding="utf-8-sig").count("\n") == 6  # the record on lines 3-5
    problems = refused(lambda p: activities.import_file(vern.store, p, "test"), path)
    assert problems == ["line 3, field legal_basis: not one of a, b, c, d, e, f",
                        "line 6, field review_on: not a date (YYYY-MM-DD)"]
    assert activities.listing(vern.store) == []


def test_line_breaks_in_free_text_are_kept_as_written(vern, tmp_path):
    path = write(tmp_path, ACTIVITIES + 'Kurs,b,"first\r\nsecond\tindented\nthird",\n')
    assert activities.import_file(vern.store, path, "test") == 1
    assert activities.listing(vern.store)[0]["purpose"] == "first\r\nsecond\tindented\nthird"


def test_a_line_break_in_a_name_is_refused_at_the_line_where_the_record_begins(vern, tmp_path):
    path = write(tmp_path, PROCESSORS + GOOD_PROCESSOR + '"Acme\nAS",Mail,NO,none,,2025-01-01,,\n'
                 + "Beta AS,Mail,NO,none,,someday,,\n")
    problems = refused(lambda p: processors.import_register(vern.store, p, "test"), path)
    assert problems == ["line 3, field name: contains a control character (U+000A)",
                        "line 5, field dpa_signed_on: not a date (YYYY-MM-DD)"]
    assert processors.register(vern.store) == []


def test_an_unclosed_quote_names_the_line_where_the_record_begins(vern, tmp_path):
    path = write(tmp_path, PROCESSORS + GOOD_PROCESSOR + '"Acme AS,Mail,NO,none,,2025-01-01,,\nmore\nand more\n')
    assert refused(lambda p: processors.import_register(vern.store, p, "test"), path) == [
        "line 3: not valid CSV (check the quotation marks)"]


# -- limits, checked while reading ----------------------------------------------------------
def test_a_file_of_100000_columns_is_refused_from_its_header_with_little_memory(vern, tmp_path):
    columns = 100_000
    header = ",".join(f"c{n}" for n in range(columns)) + "\n"  # 689 kB: one line, under the line limit
    row = "v," * (columns - 1) + "v\n"
    path = write(tmp_path, header + row * 100)  # 20 MB, under the 50 MB limit
    tracemalloc.start()
    try:
        problems = refused(lambda p: directory.import_people(vern.store, p, "test"), path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == ["line 1: 100,000 columns; at most 200"]
    assert peak < 16 * 1024 * 1024, peak  # the header only, not the 20 MB file
    assert directory.people(vern.store) == []


def test_the_column_limit_is_200(vern, tmp_path):
    names = ["email", "name", "kind", "handles_personal_data", "started_on", "left_on"]
    row = "ola@example.org,Ola Hansen,employee,yes,2024-01-01,"
    at_limit = ",".join(names + [f"extra{n}" for n in range(200 - len(names))])
    path = write(tmp_path, at_limit + "\n" + row + "," * (200 - len(names)) + "\n")
    assert directory.import_people(vern.store, path, "test") == 1
    over = write(tmp_path, at_limit + ",one_more\n" + row + "\n", "over.csv")
    assert refused(lambda p: directory.import_people(vern.store, p, "test"), over) == [
        "line 1: 201 columns; at most 200"]
    assert len(directory.people(vern.store)) == 1  # the first import stays


def test_a_line_without_end_is_refused_after_a_megabyte(vern, tmp_path):
    path = write(tmp_path, PROCESSORS + GOOD_PROCESSOR + "x," * 2_000_000)  # 4 MB on line 3
    tracemalloc.start()
    try:
        problems = refused(lambda p: processors.import_register(vern.store, p, "test"), path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == ["line 3: longer than 1,048,576 bytes: not a register"]
    assert peak < 4 * 1024 * 1024, peak


def test_a_field_longer_than_the_limit_is_refused_at_the_line_where_it_begins(vern, tmp_path):
    field = "x" * 60_000 + "\n" + "y" * 40_000  # 100,001 characters over two lines
    path = write(tmp_path, ACTIVITIES + "Kurs,b,Medlemskap,\n" + f'Kurs 2,b,"{field}",\n')
    assert refused(lambda p: activities.import_file(vern.store, p, "test"), path) == [
        "line 3: a field longer than 100,000 characters"]


def test_a_100000_character_name_is_refused_naming_line_and_field(vern, tmp_path):
    path = write(tmp_path, "email,name,kind,handles_personal_data,started_on,left_on\n"
                 f"ola@example.org,{'N' * 100_000},employee,yes,2024-01-01,\n")
    assert refused(lambda p: directory.import_people(vern.store, p, "test"), path) == [
        "line 2, field name: longer than 200 characters"]
    assert directory.people(vern.store) == []


def test_a_name_of_200_characters_is_kept(vern, tmp_path):
    path = write(tmp_path, PROCESSORS + f"{'N' * 200},CRM,NO,none,,2025-01-01,,\n")
    assert processors.import_register(vern.store, path, "test") == 1
    assert processors.register(vern.store)[0]["name"] == "N" * 200


def test_a_repeated_column_is_refused(vern, tmp_path):
    path = write(tmp_path, PROCESSORS.replace("\n", ",name\n") + GOOD_PROCESSOR.replace("\n", ",Other\n"))
    assert refused(lambda p: processors.import_register(vern.store, p, "test"), path) == [
        "line 1: column name appears more than once"]


# -- control and bidirectional characters ---------------------------------------------------
@pytest.mark.parametrize(("char", "reason"), [
    ("\x00", "contains a NUL character"), ("\x01", "contains a control character (U+0001)"),
    ("\x07", "contains a control character (U+0007)"), ("\x1b", "contains a control character (U+001B)"),
    ("\x7f", "contains a control character (U+007F)"), ("\x85", "contains a control character (U+0085)"),
    ("\x9b", "contains a control character (U+009B)"),
])
@pytest.mark.parametrize("field", ["name", "service", "countries", "dpa_signed_on"])
def test_control_characters_are_refused_in_every_field_with_line_and_field(vern, tmp_path, char, reason, field):
    values = dict(zip(PROCESSORS.strip().split(","), GOOD_PROCESSOR.strip().split(","), strict=True))
    values[field] += char + "x"
    path = write(tmp_path, PROCESSORS + GOOD_PROCESSOR.replace("Acme", "Beta") + ",".join(values.values()) + "\n")
    assert refused(lambda p: processors.import_register(vern.store, p, "test"), path) == [
        f"line 3, field {field}: {reason}"]
    assert processors.register(vern.store) == []


@pytest.mark.parametrize(("field", "char"), [("name", "\t"), ("service", "\t"), ("name", "\r")])
def test_tab_and_line_breaks_are_refused_in_names(vern, tmp_path, field, char):
    values = dict(zip(PROCESSORS.strip().split(","), GOOD_PROCESSOR.strip().split(","), strict=True))
    values[field] = f'"a{char}b"'
    path = write(tmp_path, PROCESSORS + ",".join(values.values()) + "\n")
    assert refused(lambda p: processors.import_register(vern.store, p, "test"), path) == [
        f"line 2, field {field}: contains a control character (U+{ord(char):04X})"]


NAME_FIELDS = {  # import: (header, a row with {} where the name goes, its field, the loader)
    "people": ("email,name,kind,handles_personal_data,started_on,left_on",
               "ola@example.org,{},employee,yes,2024-01-01,", "name", directory.import_people),
    "systems": ("name,holds_personal_data,classification,match", "{},yes,internal,", "name",
                directory.import_systems),
    "processors": (PROCESSORS.strip(), "{},CRM,NO,none,,2025-01-01,,", "name", processors.import_register),
    "campaigns": ("email,campaign,purpose,sent_at", "ola@example.org,{},news,2026-11-01T10:00:00+01:00",
                  "campaign", consent.import_campaigns),
}


@pytest.mark.parametrize("char", ["\u202e", "\u2066"])
@pytest.mark.parametrize("name", list(NAME_FIELDS))
def test_bidirectional_controls_are_refused_in_names(vern, tmp_path, name, char):
    header, row, field, load = NAME_FIELDS[name]
    path = write(tmp_path, header + "\n" + row.format(f"invoice{char}fdp.exe") + "\n")
    assert refused(lambda p: load(vern.store, p, "test"), path) == [
        f"line 2, field {field}: contains a bidirectional control character (U+{ord(char):04X})"]


def test_bidirectional_controls_are_refused_in_course_names(vern, tmp_path):
    path = write(tmp_path, "email,course,completed_on\nola@example.org,Kurs\u202egnulla,2026-11-01\n")
    assert refused(lambda p: training.import_files(vern.store, [p], "csv", vern.config.check("training"), "t"),
                   path) == ["line 2, field course: contains a bidirectional control character (U+202E)"]
    assert vern.store.value("SELECT count(*) FROM training_completions") == 0


@pytest.mark.parametrize("char", BIDI)
def test_every_bidirectional_override_and_isolate_is_refused_in_a_name_and_kept_in_free_text(char):
    with pytest.raises(VernError) as caught:
        text.clean_name(f"Kari{char} Nordmann", "name")
    assert str(caught.value) == f"name: contains a bidirectional control character (U+{ord(char):04X})"
    assert text.clean(f"Kari{char} Nordmann", "description") == f"Kari{char} Nordmann"


def test_the_marks_that_are_no_override_are_kept_in_names():
    assert text.clean_name("\u05e9\u05dc\u05d5\u05dd\u200f AS", "name") == "\u05e9\u05dc\u05d5\u05dd\u200f AS"


@pytest.mark.parametrize(("value", "message"), [
    ("line\x00", "reason: contains a NUL character"),
    ("bell\x07", "reason: contains a control character (U+0007)"),
    ("csi\x9b2J", "reason: contains a control character (U+009B)"),
    ("x" * 10_001, "reason: longer than 10000 characters"),
])
def test_typed_text_is_refused_naming_the_field(value, message):
    with pytest.raises(VernError) as caught:
        text.clean(value, "reason")
    assert str(caught.value) == message


def test_typed_text_keeps_tabs_and_line_breaks_and_the_limit():
    assert text.clean(" first\n\tsecond\r\nthird ", "reason") == "first\n\tsecond\r\nthird"
    assert text.clean("x" * 10_000, "reason") == "x" * 10_000


def test_a_breach_typed_on_the_dashboard_with_an_override_in_its_title_is_refused(vern):
    with pytest.raises(VernError) as caught:
        breaches.add(vern.store, vern.config, "staff", {**BREACH, "title": "Faktura\u202efdp.exe"})
    assert str(caught.value) == "title: contains a bidirectional control character (U+202E)"
    assert breaches.listing(vern.store) == []


# -- one parser per kind of field, whatever the register (audits.io.csvfile) ------------------
REQUEST = {"received_at": "2026-11-23T10:00:00+01:00", "kind": "access", "channel": "e-post", "requester": "Kari"}
ACTIVITY = {"name": "Medlemsregister"}
INSTANT_REQUIRED = "required (ISO 8601 with its offset, e.g. 2026-03-28T10:00+01:00)"


def json_refusal(vern, register: str, field: str, value) -> str:
    """The message when a breach, a request or an activity holds `value` in `field` (None:
    the key left out)."""
    good = {"breach": BREACH, "request": REQUEST, "activity": ACTIVITY}[register]
    data = {**{k: v for k, v in good.items() if k != field}, **({} if value is None else {field: value})}
    save = {"breach": lambda: breaches.add(vern.store, vern.config, "test", data),
            "request": lambda: subject_requests.add(vern.store, "test", data),
            "activity": lambda: activities.save(vern.store, data, "test")}[register]
    with pytest.raises(VernError) as caught:
        save()
    return str(caught.value)


@pytest.mark.parametrize(("register", "field", "value", "problem"), [
    ("breach", "title", 42, "title: must be text"),
    ("request", "channel", ["e-post"], "request: nothing was imported.\n  field channel: must be text"),
    ("activity", "purpose", {"text": "Medlemskap"}, "field purpose: must be text"),
    ("breach", "aware_at", 1795424400, "aware_at: must be an ISO 8601 instant with offset"),
    ("request", "received_at", 1795424400,
     "request: nothing was imported.\n  field received_at: must be an ISO 8601 instant with offset"),
    ("breach", "aware_at", None, f"aware_at: {INSTANT_REQUIRED}"),
    ("request", "received_at", None, f"request: nothing was imported.\n  field received_at: {INSTANT_REQUIRED}"),
    ("breach", "aware_at", " \t ", f"aware_at: {INSTANT_REQUIRED}"),  # blanks are an empty field
    ("request", "received_at", " \t ", f"request: nothing was imported.\n  field received_at: {INSTANT_REQUIRED}"),
    ("breach", "aware_at", "2026-11-23T10:00", "aware_at: has no UTC offset (write e.g. 2026-03-28T10:00+01:00)"),
    ("request", "received_at", " 2026-11-23T10:00 ",
     "request: nothing was imported.\n  field received_at: has no UTC offset (write e.g. 2026-03-28T10:00+01:00)"),
    ("activity", "review_on", 20270101, "field review_on: must be a date (YYYY-MM-DD)"),
    ("activity", "review_on", "2027-1-1", "field review_on: not a date (YYYY-MM-DD)"),
    ("activity", "name", " \t ", "field name: required"),
])
def test_a_json_field_is_judged_as_the_csv_cell_of_its_kind(vern, register, field, value, problem):
    """Breaches, requests and activities read JSON through csvfile's field parsers: a value
    that is not text is refused, blanks are an empty field, and an instant missing or
    without its offset is refused with the same words in a breach as in a request."""
    assert json_refusal(vern, register, field, value) == problem
    assert breaches.listing(vern.store) == [] and activities.listing(vern.store) == []
    assert vern.store.value("SELECT count(*) FROM requests") == 0


REQUIRED_DATES = {  # register: (header, the row with {} for the date, the date's field)
    "people": ("email,name,kind,handles_personal_data,started_on,left_on\n",
               "ola@example.org,Ola,employee,yes,{},\n", "started_on"),
    "grants": ("email,system,granted_on,revoked_on\n", "ola@example.org,CRM,{},\n", "granted_on"),
    "inventory": ("record_ref,category,last_activity_on\n", "A-1,member,{}\n", "last_activity_on"),
    "training": ("email,course,completed_on\n", "ola@example.org,Personvern,{}\n", "completed_on"),
}


@pytest.mark.parametrize("register", list(REQUIRED_DATES))
@pytest.mark.parametrize(("value", "problem"), [("", "required (YYYY-MM-DD)"),
                                                ("24.11.2026", "not a date (YYYY-MM-DD)"),
                                                ("2026-02-30", "not a date (YYYY-MM-DD)")])
def test_a_required_date_is_refused_alike_in_every_register(vern, tmp_path, register, value, problem):
    directory.edit_systems(vern.store, [{"name": "CRM", "holds_personal_data": "yes", "classification": "internal"}],
                           "test")
    header, row, field = REQUIRED_DATES[register]
    path = tmp_path / f"{register}.csv"
    path.write_text(header + row.format(value), encoding="utf-8")
    load = {"people": lambda: directory.import_people(vern.store, path, "test"),
            "grants": lambda: directory.import_grants(vern.store, path, "test"),
            "inventory": lambda: retention.import_inventory(vern.store, path, "CRM", "test"),
            "training": lambda: training.import_files(vern.store, [path], "csv", vern.config.check("training"),
                                                      "test")}[register]
    with pytest.raises(InputError) as caught:
        load()
    assert str(caught.value) == f"{path}: nothing was imported.\n  line 2, field {field}: {problem}"


@pytest.mark.parametrize(("cell", "meaning"), [("yes", True), ("YES", True), ("No", False), ("", False)])
def test_a_yes_no_cell_that_defaults_to_no_reads_alike_in_every_register(vern, tmp_path, cell, meaning):
    inventory = tmp_path / "inventory.csv"
    inventory.write_text(f"record_ref,category,last_activity_on,pseudonymised\nA-1,member,2026-01-01,{cell}\n")
    register = tmp_path / "activities.csv"
    register.write_text("name,children,retention_months,retention_from,retention_statistics_exempt\n"
                        f"A,{cell},12,last_activity,{cell}\n")
    [(_, record)] = retention.parse(vern.store, inventory)
    [activity] = activity_files.read_file(register)
    assert (record["pseudonymised"], activity["children"], activity["retention"]["statistics_exempt"]) == (
        meaning, meaning, meaning)


# -- JSON: any depth, any size ----------------------------------------------------------------
def test_nesting_up_to_the_limit_is_read_and_one_more_level_refused(tmp_path):
    deep = "[" * jsonfile.MAX_DEPTH + "]" * jsonfile.MAX_DEPTH
    assert jsonfile.loads(deep, "f.json", "a breach") is not None
    strings = json.dumps({"note": "[" * 1000})  # brackets inside a string do not nest
    assert jsonfile.loads(strings, "f.json", "a breach") == {"note": "[" * 1000}
    with pytest.raises(InputError) as caught:
        jsonfile.loads("[" + deep + "]", "f.json", "a breach")
    assert caught.value.shown("en") == ["nested more than 64 levels deep: not a breach"]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    path = write(tmp_path, json.dumps(BREACH), "breach.json")
    monkeypatch.setattr(jsonfile, "MAX_BYTES", path.stat().st_size - 1)
    with pytest.raises(InputError) as caught:
        jsonfile.read(path, "a breach")
    assert caught.value.shown("en") == ["larger than 0 MB"]
    monkeypatch.setattr(jsonfile, "MAX_BYTES", path.stat().st_size)
    assert jsonfile.read(path, "a breach") == BREACH


def test_a_number_of_5000_digits_is_refused_with_a_message(tmp_path):
    path = write(tmp_path, '{"subjects_count": ' + "9" * 5000 + "}", "breach.json")
    with pytest.raises(InputError) as caught:
        jsonfile.read(path, "a breach")
    assert caught.value.shown("en") == ["a number too long: not a breach"]


DEPTH = 100_000
NESTED = "[" * DEPTH + "]" * DEPTH


@pytest.fixture
def db_with_a_breach(db_path):
    opened = open_vern(str(db_path))
    breaches.add(opened.store, opened.config, "test", BREACH)
    opened.close()
    return db_path


def counts(db) -> dict:
    opened = open_vern(str(db))
    try:
        return {table: opened.store.value(f"SELECT count(*) FROM {table}") for table in
                ("breaches", "breach_assessments", "requests", "activities", "training_completions")}
    finally:
        opened.close()


@pytest.mark.parametrize(("args", "name", "content", "problem"), [
    (["breach", "add", "--file"], "breach.json", NESTED, "nested more than 64 levels deep: not a breach"),
    (["breach", "assess", "1", "--file"], "enisa.json", NESTED, "nested more than 64 levels deep: not an assessment"),
    (["dsr", "add", "--file"], "request.json", NESTED, "nested more than 64 levels deep: not a request"),
    (["import", "activities"], "record.json", NESTED, "nested more than 64 levels deep: not a list of activities"),
    (["import", "training", "--format", "xapi"], "lrs.json", NESTED,
     "nested more than 64 levels deep: not xAPI statements"),
    (["import", "training", "--format", "xapi"], "lrs.jsonl", '{"id": "a"}\n' + "{" * DEPTH,
     "line 2: nested more than 64 levels deep: not an xAPI statement"),
], ids=["breach", "assessment", "request", "activities", "xapi", "xapi-lines"])
def test_json_nested_100000_deep_is_refused_by_the_command(db_with_a_breach, tmp_path, args, name, content,
                                                           problem):
    before = counts(db_with_a_breach)
    path = write(tmp_path, content, name)
    command = [*args, str(path)] if args[0] != "import" or len(args) == 2 else [*args[:2], str(path), *args[2:]]
    result = vern_process.run([VERN, "--lang", "en", *command], capture_output=True, text=True, timeout=180)
    assert (result.returncode, result.stderr) == (1, f"vern: {path}: nothing was imported.\n  {problem}\n")
    assert counts(db_with_a_breach) == before


def test_json_nested_100000_deep_on_standard_input_is_refused(db_with_a_breach):
    before = counts(db_with_a_breach)
    result = vern_process.run([VERN, "--lang", "en", "breach", "add", "--file", "-"], input="{" * DEPTH, capture_output=True,
                            text=True, timeout=180)
    assert (result.returncode, result.stderr) == (
        1, "vern: -: nothing was imported.\n  nested more than 64 levels deep: not a breach\n")
    assert counts(db_with_a_breach) == before


def test_standard_input_over_the_size_limit_is_refused(db_with_a_breach):
    result = vern_process.run([VERN, "breach", "add", "--file", "-"], input=" " * (csvfile.MAX_BYTES + 1),
                            capture_output=True, text=True, timeout=180)
    assert (result.returncode, result.stderr) == (1, "vern: -: ingenting ble importert.\n  større enn 50 MB\n")
