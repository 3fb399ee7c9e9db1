"""Hostile strings through every import and form: refused cleanly (naming the field) or
stored and read back verbatim, never executed and never a crash. Spreadsheet exports
that cannot run formulas."""

import csv
import gzip
import io
import json
import os
import sys
from pathlib import Path

import pytest
import vern_process

from audits.access import logs as access_logs
from audits.accounts import users
from audits.accounts.users import SignIn
from audits.checking import findings, runner
from audits.core import pseudonyms, trail
from audits.core.errors import InputError, VernError
from audits.io import export
from audits.processors import register as processors
from audits.runtime import open_vern
from conftest import copy_template, stored_objects

VERN = str(Path(sys.executable).parent / "vern")
NOW = "2026-11-24T12:00:00+01:00"
COLUMNS = list(processors.COLUMNS)
PASSWORD = "correct horse battery"

HOSTILE = {
    "single_quote": "O'Brien's 'quoted'",
    "double_quote": 'Say "hello" and ""more""',
    "drop_table": "'; DROP TABLE findings; --",
    "nul": "before\x00after",
    "very_long": "x" * 20_000,
    "rtl_override": "invoice\u202efdp.exe",
    "surrogate": "bad\udcffbyte",
}
# What an identifier (finding key, pseudonym) does with the ones that cannot be one.
REFUSED_KEY = {
    "nul": "{field}: contains a NUL character",
    "very_long": "{field}: longer than {n} characters",
    "surrogate": "{field}: is not valid UTF-8 text",
}
# What a free-text reason does with each: stored verbatim, or refused naming the field.
VERBATIM = ("single_quote", "double_quote", "drop_table", "rtl_override")
# A name keeps quotes and SQL as typed; it refuses what would make it show as another name.
NAME_VERBATIM = ("single_quote", "double_quote", "drop_table")
NAME_REFUSED = {
    "nul": "contains a NUL character",
    "rtl_override": "contains a bidirectional control character (U+202E)",
    "very_long": "longer than 200 characters",
}
TABLES = {"schema_version", "processors", "check_runs", "findings", "finding_events", "settings",
          "users", "trail", "identities", "reidentifications"}


@pytest.fixture
def vern(tmp_path, env, new_db_template):
    opened = open_vern(str(copy_template(new_db_template, tmp_path / "vern.duckdb")))
    yield opened
    assert_intact(opened.store)
    opened.close()


@pytest.fixture
def finding(vern) -> str:
    path = vern.store.path.parent / "register.csv"
    path.write_text(",".join(COLUMNS) + "\nAcme AS,CRM,NO,none,,,,\n", encoding="utf-8")
    processors.import_register(vern.store, path, "tester")
    assert runner.run(vern.store, vern.config, vern.checks["processors"], "cli", "tester").status == "succeeded"
    return findings.listing(vern.store)[0]["fingerprint"]


def assert_intact(store) -> None:
    names = {r["table_name"] for r in store.rows("SELECT table_name FROM information_schema.tables")}
    assert names >= TABLES  # nothing dropped
    assert trail.verify(store)[1] is None


def register_bytes(rows: list[dict[str, str]]) -> bytes:
    """A register as a spreadsheet writes it; lone surrogates become the raw bytes they stand for."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogateescape")


def row(**values: str) -> dict[str, str]:
    return {"name": "Acme AS", "service": "CRM", "countries": "NO", "transfer_mechanism": "none",
            "dpf_certified": "", "dpa_signed_on": "2025-01-01", "dpa_expires_on": "",
            "last_reviewed_on": "2026-06-01", **values}


# -- the processors import -------------------------------------------------------------------
@pytest.mark.parametrize("field", ["name", "service"])
@pytest.mark.parametrize("kind", NAME_VERBATIM)
def test_import_stores_hostile_text_verbatim(vern, kind, field):
    value = HOSTILE[kind]
    path = vern.store.path.parent / "register.csv"
    path.write_bytes(register_bytes([row(name="Other AS"), row(**{field: value})]))
    assert processors.import_register(vern.store, path, "tester") == 2
    stored = [r[field] for r in processors.register(vern.store) if r[field] == value]
    assert stored == [value]
    assert vern.store.value("SELECT count(*) FROM findings") == 0  # the table is still there
    assert runner.run(vern.store, vern.config, vern.checks["processors"], "cli", "tester").status == "succeeded"


@pytest.mark.parametrize("field", ["name", "service"])
@pytest.mark.parametrize("kind", list(NAME_REFUSED))
def test_import_refuses_hostile_names_naming_line_and_field(vern, field, kind):
    path = vern.store.path.parent / "register.csv"
    path.write_bytes(register_bytes([row(name="Other AS"), row(**{field: HOSTILE[kind]})]))
    with pytest.raises(InputError) as caught:
        processors.import_register(vern.store, path, "tester")
    assert caught.value.shown("en") == [f"line 3, field {field}: {NAME_REFUSED[kind]}"]
    assert vern.store.value("SELECT count(*) FROM processors") == 0


@pytest.mark.parametrize("field", ["name", "service"])
def test_import_refuses_non_utf8_bytes_naming_the_line(vern, field):
    path = vern.store.path.parent / "register.csv"
    path.write_bytes(register_bytes([row(name="Other AS"), row(**{field: HOSTILE["surrogate"]})]))
    assert b"bad\xffbyte" in path.read_bytes()
    with pytest.raises(InputError) as caught:
        processors.import_register(vern.store, path, "tester")
    assert caught.value.shown("en") == ["line 3: not UTF-8 text (save the file as CSV UTF-8)"]
    assert str(caught.value) == (f"{path}: nothing was imported.\n"
                                 "  line 3: not UTF-8 text (save the file as CSV UTF-8)")
    assert vern.store.value("SELECT count(*) FROM processors") == 0


def test_import_refuses_a_latin1_file(vern):
    path = vern.store.path.parent / "register.csv"
    path.write_bytes((",".join(COLUMNS) + "\nBjørn AS,CRM,NO,none,,,,\n").encode("latin-1"))
    with pytest.raises(InputError) as caught:
        processors.import_register(vern.store, path, "tester")
    assert caught.value.shown("en") == ["line 2: not UTF-8 text (save the file as CSV UTF-8)"]


def test_import_refuses_hostile_values_in_checked_fields(vern):
    path = vern.store.path.parent / "register.csv"
    path.write_bytes(register_bytes([
        row(countries=HOSTILE["drop_table"]),
        row(name="B", transfer_mechanism="none'; DROP TABLE processors; --"),
        row(name="C", dpa_signed_on="2025-01-01'); DROP TABLE users; --"),
        row(name="D", dpf_certified=HOSTILE["rtl_override"]),
    ]))
    with pytest.raises(InputError) as caught:
        processors.import_register(vern.store, path, "tester")
    assert caught.value.shown("en") == [  # what is wrong, never the value
        "line 2, field countries: code 1 is not an ISO 3166-1 alpha-2 country code (e.g. NO;IE)",
        "line 3, field transfer_mechanism: not one of none, adequacy, dpf, scc2021, bcr, derogation, "
        "privacy_shield, scc2010",
        "line 4, field dpa_signed_on: not a date (YYYY-MM-DD)",
        "line 5, field dpf_certified: must be yes, no or empty",
    ]


def test_cli_import_of_hostile_files_exits_cleanly(vern, tmp_path):
    vern.close()
    db = vern.store.path
    nul = tmp_path / "nul.csv"
    nul.write_bytes(register_bytes([row(name=HOSTILE["nul"])]))
    latin = tmp_path / "bytes.csv"
    latin.write_bytes(register_bytes([row(name=HOSTILE["surrogate"])]))
    for path in (nul, latin):
        result = vern_process.run([VERN, "--db", str(db), "import", "processors", str(path)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1
        assert result.stderr.startswith(f"vern: {path}: ingenting ble importert.\n  ")
        assert "Traceback" not in result.stderr
    reopened = open_vern(str(db))
    vern.store = reopened.store  # the fixture checks the tables on this one and closes it


# -- finding decisions -----------------------------------------------------------------------
@pytest.mark.parametrize("kind", VERBATIM)
def test_status_reason_stored_verbatim(vern, finding, kind):
    value = HOSTILE[kind]
    row_ = findings.set_status(vern.store, finding, "risk_accepted", "adviser", value)
    assert row_["status_reason"] == value
    assert findings.get(vern.store, finding)["status_reason"] == value
    assert findings.history(vern.store, finding)[-1]["reason"] == value
    assert findings.export_rows([findings.get(vern.store, finding)], "en")[0]["status_reason"] == value
    assert vern.store.value("SELECT count(*) FROM findings") == 1


@pytest.mark.parametrize(("kind", "message"), [
    ("nul", "reason: contains a NUL character"),
    ("surrogate", "reason: is not valid UTF-8 text"),
    ("very_long", "reason: longer than 10000 characters"),
])
def test_status_reason_refused_naming_the_field(vern, finding, kind, message):
    with pytest.raises(VernError) as caught:
        findings.set_status(vern.store, finding, "risk_accepted", "adviser", HOSTILE[kind])
    assert str(caught.value) == message
    assert findings.get(vern.store, finding)["status"] == "open"
    assert len(findings.history(vern.store, finding)) == 1


def test_status_reason_of_exactly_the_limit_is_kept(vern, finding):
    value = "y" * 10_000
    assert findings.set_status(vern.store, finding, "acknowledged", "adviser", value)["status_reason"] == value


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_finding_key_is_not_found(vern, finding, kind):
    key = HOSTILE[kind]
    with pytest.raises(VernError) as caught:
        findings.set_status(vern.store, key, "acknowledged", "adviser", "why")
    # Quoted only when it could be a fingerprint (hexadecimal): a typed key may be anything.
    assert str(caught.value) == REFUSED_KEY.get(kind, "finding '(name not shown)': not found").format(
        field="finding", n=64)


# -- accounts --------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_usernames_refused(vern, kind):
    with pytest.raises(VernError) as caught:
        users.add(vern.store, "admin", HOSTILE[kind], ["staff"], PASSWORD)
    assert str(caught.value) == ("username: 2-64 characters: letters a-z, digits and . _ @ - "
                                 "(starting with a letter or digit)")
    assert users.count(vern.store) == 0


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_sign_in_with_hostile_name_is_refused_without_crash(vern, kind):
    users.add(vern.store, "admin", "ola", ["staff"], PASSWORD)
    assert users.authenticate(vern.store, HOSTILE[kind], PASSWORD) == SignIn(False, reason="wrong")
    entry = trail.listing(vern.store, limit=1)[0]
    assert (entry["actor"], entry["action"], entry["object"]) == ("anonymous", "sign_in.failed", "")


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_sign_in_with_hostile_password_is_refused_without_crash(vern, kind):
    users.add(vern.store, "admin", "ola", ["staff"], PASSWORD)
    assert users.authenticate(vern.store, "ola", HOSTILE[kind]) == SignIn(False, reason="wrong")
    assert users.authenticate(vern.store, "ola", PASSWORD).ok


@pytest.mark.parametrize("kind", VERBATIM + ("very_long",))
def test_hostile_passwords_that_are_long_enough_work(vern, kind):
    password = HOSTILE[kind] + " padding!!!!"
    if kind == "very_long":  # a password is not a document: over 1000 characters is refused
        with pytest.raises(VernError, match="^password: longer than 1000 characters$"):
            users.add(vern.store, "admin", "ola", ["staff"], password)
        return
    users.add(vern.store, "admin", "ola", ["staff"], password)
    assert users.authenticate(vern.store, "ola", password).ok
    assert users.authenticate(vern.store, "ola", password + "x") == SignIn(False, reason="wrong")


def test_password_with_nul_refused_naming_the_field(vern):
    with pytest.raises(VernError) as caught:
        users.add(vern.store, "admin", "ola", ["staff"], HOSTILE["nul"] + " padding!!!!")
    assert str(caught.value) == "password: contains a NUL character"
    assert users.count(vern.store) == 0


def test_password_that_is_not_unicode_text_refused_naming_the_field(vern):
    """A lone surrogate cannot be hashed: a clean refusal naming the field, not a crash."""
    with pytest.raises(VernError) as caught:
        users.add(vern.store, "admin", "ola", ["staff"], HOSTILE["surrogate"] + " padding!!!!")
    assert str(caught.value).startswith("password: ")
    assert users.count(vern.store) == 0


# -- re-identification -----------------------------------------------------------------------
@pytest.fixture
def pseudonym(vern) -> str:
    with vern.store.transaction() as tx:
        return pseudonyms.remember(tx, vern.store, "kari@example.no")


@pytest.mark.parametrize("kind", VERBATIM)
def test_reidentify_reason_stored_verbatim(vern, pseudonym, kind):
    assert pseudonyms.reidentify(vern.store, pseudonym, "adviser", HOSTILE[kind]) == "kari@example.no"
    seq = trail.listing(vern.store, action="pseudonym.reidentify")[0]["seq"]
    token = vern.store.value("SELECT reason FROM reidentifications WHERE trail_seq = ?", [seq])
    assert vern.store.keys.decrypt(token, "reidentifications.reason") == HOSTILE[kind]


@pytest.mark.parametrize(("kind", "message"), [
    ("nul", "reason: contains a NUL character"),
    ("surrogate", "reason: is not valid UTF-8 text"),
    ("very_long", "reason: longer than 2000 characters"),
])
def test_reidentify_reason_refused_naming_the_field(vern, pseudonym, kind, message):
    with pytest.raises(VernError) as caught:
        pseudonyms.reidentify(vern.store, pseudonym, "adviser", HOSTILE[kind])
    assert str(caught.value) == message
    assert vern.store.value("SELECT count(*) FROM reidentifications") == 0
    assert trail.listing(vern.store, action="pseudonym") == []


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_reidentify_hostile_pseudonym_is_not_known(vern, pseudonym, kind):
    with pytest.raises(VernError) as caught:
        pseudonyms.reidentify(vern.store, HOSTILE[kind], "adviser", "access request")
    expected = REFUSED_KEY.get(kind, f"{{field}}: {HOSTILE[kind].strip()!r} is not known")
    assert str(caught.value) == expected.format(field="pseudonym", n=100)
    assert vern.store.value("SELECT count(*) FROM reidentifications") == 0


# -- exports ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"),
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("+47 22 00 00 00", "'+47 22 00 00 00"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Acme AS", "Acme AS"),
    ("1-2", "1-2"),
    ("a=b", "a=b"),
    ("", ""),
    ("'=already", "'=already"),
    ("æøå", "æøå"),
    (5, 5),
    (-1, -1),
    (2.5, 2.5),
    (None, None),
    (True, True),
])
def test_safe_cell(value, expected):
    assert export.safe_cell(value) == expected


def test_csv_bytes_neutralises_and_starts_with_bom():
    data = export.csv_bytes([
        {"name": "=HYPERLINK(\"http://x\")", "n": 3, "note": "plain"},
        {"name": "\rx", "n": -1, "note": "Bjørn"},
    ])
    assert data == (b"\xef\xbb\xbf" + "name;n;note\r\n"
                    "\"'=HYPERLINK(\"\"http://x\"\")\";3;plain\r\n"
                    "\"'\rx\";-1;Bjørn\r\n".encode())
    assert export.csv_bytes([]) == b"\xef\xbb\xbf"


def test_findings_export_neutralises_a_hostile_reason(vern, finding):
    findings.set_status(vern.store, finding, "risk_accepted", "adviser", "=cmd|' /C calc'!A0")
    data = export.csv_bytes(findings.export_rows(findings.listing(vern.store), "en"))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0]["status_reason"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["fingerprint"] == finding


def test_cli_non_utf8_arguments_exit_cleanly(tmp_path, env):
    """Arguments the shell passes as raw non-UTF-8 bytes: a message and exit 1, no traceback."""
    db = str(tmp_path / "vern.duckdb")
    for args, stdin, start in (
        ([b"findings", b"set-status", b"ab\xff", b"acknowledged"], None, "vern: finding: "),
        ([b"reidentify", b"p-\xff", b"--reason", b"access request"], None, "vern: pseudonym: "),
        ([b"users", b"add", b"ola", b"--role", b"staff", b"--password-stdin"],
         b"abc\xffdefghijklmnop\n", "vern: Passordet er ikke gyldig tekst."),
    ):
        result = vern_process.run([VERN, "--db", db, *args], capture_output=True, input=stdin, timeout=120)
        stderr = result.stderr.decode("utf-8", errors="replace")
        assert "Traceback" not in stderr, args
        assert result.returncode == 1, args
        assert stderr.startswith(start), args


# -- access logs -----------------------------------------------------------------------------
# A control character is refused wherever it is, naming the line where the record starts
# and the field; tab and line breaks are allowed in free text (a csv event's object, the
# JSON in M365's AuditData) only.
ACCESS = Path(__file__).resolve().parent / "fixtures"
CSV_HEADER = "timestamp,actor,system,action,object,source_ip,records\n"
GOOD = "2026-11-02T09:00:00+01:00,kari@example.org,CRM,read,member 1042,192.0.2.60,1\n"
CONTROL = "field {field}: contains a control character"


def access_refused(vern, path: Path, fmt: str) -> InputError:
    with pytest.raises(InputError) as caught:
        access_logs.import_files(vern.store, [path], fmt, "tester")
    assert vern.store.value("SELECT count(*) FROM access_events") == 0
    assert str(caught.value).startswith(f"{path}: nothing was imported.\n  ")
    return caught.value


def access_csv(tmp_path: Path, *rows: str, name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((CSV_HEADER + "".join(rows)).encode("utf-8", errors="surrogateescape"))
    return path


def csv_row(**values: str) -> str:
    fields = {"timestamp": "2026-11-02T09:00:00+01:00", "actor": "kari@example.org", "system": "CRM",
              "action": "read", "object": "member 1042", "source_ip": "192.0.2.60", "records": "1", **values}
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerow(fields.values())
    return out.getvalue()


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f"], ids=["nul", "soh", "esc", "del"])
@pytest.mark.parametrize("field", ["actor", "system", "object", "source_ip"])
def test_access_csv_control_character_refused_naming_line_and_field(vern, tmp_path, char, field):
    path = access_csv(tmp_path, GOOD, csv_row(**{field: f"before{char}after"}), GOOD)
    assert access_refused(vern, path, "csv").shown("en") == [f"line 3, {CONTROL.format(field=field)}"]


def test_access_csv_tab_and_line_breaks_in_the_object_are_kept(vern, tmp_path):
    text = "first line\r\nsecond\tcolumn\nthird"
    path = access_csv(tmp_path, csv_row(object=text))
    access_logs.import_files(vern.store, [path], "csv", "tester")
    assert stored_objects(vern.store) == [text]


@pytest.mark.parametrize("char", ["\t", "\n"], ids=["tab", "newline"])
@pytest.mark.parametrize("field", ["actor", "system", "source_ip"])
def test_access_csv_tab_or_line_break_outside_free_text_refused(vern, tmp_path, char, field):
    path = access_csv(tmp_path, GOOD, csv_row(**{field: f"a{char}b"}))
    assert access_refused(vern, path, "csv").shown("en") == [f"line 3, {CONTROL.format(field=field)}"]


def test_access_csv_error_in_a_multi_line_record_names_the_line_where_it_starts(vern, tmp_path):
    """Record 2 spans lines 3 to 5; the NUL is on line 5."""
    path = access_csv(tmp_path, GOOD, csv_row(object="one\ntwo\nthree\x00"), GOOD)
    assert access_refused(vern, path, "csv").shown("en") == [f"line 3, {CONTROL.format(field='object')}"]


def test_access_csv_bad_value_after_a_multi_line_record_names_its_own_line(vern, tmp_path):
    """Record 2 spans lines 3 to 5, so record 3 starts on line 6 (DuckDB alone would say 4)."""
    path = access_csv(tmp_path, GOOD, csv_row(object="one\ntwo\nthree"), csv_row(timestamp="2026-11-02T09:00:00"))
    assert access_refused(vern, path, "csv").shown("en") == [
        "line 6, field timestamp: missing, or not a time with its UTC offset"]


def test_access_csv_unclosed_quote_names_the_line_where_it_opens(vern, tmp_path):
    path = access_csv(tmp_path, GOOD, GOOD, GOOD.replace("member 1042", '"member 1042'), GOOD, GOOD)
    assert access_refused(vern, path, "csv").shown("en") == ["line 4: a quoted field is not closed"]


def test_access_csv_record_with_more_fields_than_the_header_is_refused(vern, tmp_path):
    path = access_csv(tmp_path, GOOD, GOOD.rstrip("\n") + ",extra,more\n")
    assert access_refused(vern, path, "csv").shown("en") == ["line 3: 9 fields, but the header has 7"]


def test_access_csv_bytes_that_are_not_utf8_name_line_and_field(vern, tmp_path):
    path = access_csv(tmp_path, GOOD, GOOD, csv_row(object=HOSTILE["surrogate"]))
    assert access_refused(vern, path, "csv").shown("en") == [
        "line 4, field object: not UTF-8 text (save the file as CSV UTF-8)"]


def test_m365_control_character_in_audit_data_names_line_and_field(vern, tmp_path):
    lines = (ACCESS / "m365" / "purview-new.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace('""Operation"":""FileDownloaded""', '""Operation"":""File\x00Downloaded""', 1)
    path = tmp_path / "purview.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert access_refused(vern, path, "m365").shown("en") == [f"line 3, {CONTROL.format(field='AuditData')}"]


def test_m365_escaped_control_character_in_a_kept_value_is_refused(vern, tmp_path):
    lines = (ACCESS / "m365" / "purview-new.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace('""ClientIP"":""192.0.2.12""', '""ClientIP"":""192.0.2.12\\u0000""', 1)
    path = tmp_path / "purview.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert access_refused(vern, path, "m365").shown("en") == [f"line 3, {CONTROL.format(field='AuditData.ClientIP')}"]


def trail_with(tmp_path: Path, record: int, *keys_and_value) -> Path:
    data = json.loads(next(ACCESS.rglob("*_20261025T0035Z_*.json")).read_text())
    target = data["Records"][record - 1]
    *keys, last, value = keys_and_value
    for key in keys:
        target = target[key]
    target[last] = value
    path = tmp_path / "trail.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(("keys", "field"), [
    (("userIdentity", "principalId"), "userIdentity"),
    (("eventID",), "eventID"),
    (("eventName",), "eventName"),
    (("sourceIPAddress",), "sourceIPAddress"),
    (("requestParameters", "key"), "requestParameters.key"),
])
def test_cloudtrail_escaped_nul_refused_naming_record_and_field(vern, tmp_path, keys, field):
    path = trail_with(tmp_path, 2, *keys, "AROAEXAMPLEID:kari\u0000@example.org")
    assert access_refused(vern, path, "cloudtrail").shown("en") == [f"record 2: {CONTROL.format(field=field)}"]


def test_cloudtrail_raw_control_character_is_not_json(vern, tmp_path):
    path = tmp_path / "trail.json"
    path.write_bytes(b'{"Records": [{"eventID": "a\x01b"}]}')  # \x01 is the 28th byte
    assert access_refused(vern, path, "cloudtrail").shown("en") == ["not valid JSON (at byte 28 uncompressed)"]


def test_gworkspace_tab_in_a_title_is_kept_and_a_bell_refused(vern, tmp_path):
    page = json.loads((ACCESS / "gworkspace" / "drive-activities.json").read_text())
    for parameter in page["items"][0]["events"][0]["parameters"]:
        if parameter["name"] == "doc_title":
            parameter["value"] = "Participants\tautumn camp"
    path = tmp_path / "drive.json"
    path.write_text(json.dumps(page))
    access_logs.import_files(vern.store, [path], "gworkspace", "tester")
    assert stored_objects(vern.store).count("Participants\tautumn camp") == 1
    for parameter in page["items"][0]["events"][0]["parameters"]:
        if parameter["name"] == "doc_title":
            parameter["value"] = "Participants\u0007"
    path.write_text(json.dumps(page))
    with pytest.raises(InputError) as caught:
        access_logs.import_files(vern.store, [path], "gworkspace", "tester")
    assert caught.value.shown("en") == [f"record 1: {CONTROL.format(field='events.parameters.doc_title')}"]


@pytest.mark.parametrize(("name", "data", "why"), [
    ("trail.json", gzip.compress(b'{"Records": []}', mtime=0), "gzip-compressed, but the name does not end in .gz"),
    ("trail.json.gz", b'{"Records": []}', "named .gz, but not gzip-compressed"),
    ("trail.json.zst", b"(\xb5/\xfd", "zstd-compressed: decompress it, or compress it with gzip"),
])
def test_access_log_compression_must_match_the_name(vern, tmp_path, name, data, why):
    path = tmp_path / name
    path.write_bytes(data)
    assert access_refused(vern, path, "cloudtrail").shown("en") == [why]


def test_access_log_named_pipe_is_refused_without_waiting_for_a_writer(vern, tmp_path):
    path = tmp_path / "trail.json"
    os.mkfifo(path)
    assert access_refused(vern, path, "cloudtrail").shown("en") == ["not a regular file or folder"]


def test_cli_access_csv_with_nul_exits_cleanly(vern, tmp_path):
    vern.close()
    path = access_csv(tmp_path, GOOD, csv_row(actor="kari\x00@example.org"))
    result = vern_process.run([VERN, "--db", str(vern.store.path), "import", "access-logs", str(path), "--format", "csv"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == f"vern: {path}: ingenting ble importert.\n  linje 3, felt actor: inneholder et kontrolltegn\n"
    vern.store = open_vern(str(vern.store.path)).store


def test_access_csv_nul_in_the_header_names_line_1(vern, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(CSV_HEADER.replace("object", "obj\x00ect") + GOOD)
    assert access_refused(vern, path, "csv").shown("en") == ["line 1: a column name contains a control character"]
