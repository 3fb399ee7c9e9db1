"""The people directory, systems and access grants: good files land whole, people by
pseudonym with name and email encrypted; a bad file is refused naming line and field,
without repeating a person's name or address, and the registers stay exactly as they were."""

import subprocess
from datetime import date
from pathlib import Path

import pytest
import vern_process

from audits.access import directory
from audits.core import keys, pseudonyms, trail
from audits.core.errors import InputError, VernError
from conftest import VERN, copy_template

PEOPLE_HEADER = "email,name,kind,handles_personal_data,started_on,left_on,district"
PEOPLE = PEOPLE_HEADER + """
Kari@X.no,Kari Nordmann,employee,yes,2020-01-15,,Vest
ola@x.no,Ola Hansen,volunteer,no,2021-03-01,2025-06-30,
per@y.org,Per Berg,board,YES,2019-05-05,,Nord
lise@z.no,Lise Dahl,contractor,No,2024-02-29,2024-12-31,
"""
SYSTEMS = """name,holds_personal_data,classification,match
CRM,yes,confidential,s3:crm-bucket; m365:https://x.sharepoint.com/sites/crm
Intranet,no,internal,gdrive:shared-drive-1
Payroll,yes,strictly_confidential,
"""
GRANTS = """email,system,granted_on,revoked_on
KARI@x.no,CRM,2020-02-01,
ola@x.no,Intranet,2021-03-01,2025-06-30
per@y.org,Payroll,2019-05-05,
"""

# Someone in the refused files, planted to prove the messages never repeat them.
SECRET_EMAIL = "hemmelig.person@secret.example"
SECRET_NAME = "Hemmelig Personsen"


@pytest.fixture
def db(db, new_db_template):
    """The database the first command would create, copied (see `new_db_template`)."""
    return copy_template(new_db_template, db)


def write(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def raw_people(store) -> list[dict]:
    return store.rows("SELECT * FROM people ORDER BY person")


def snapshot(store) -> dict:
    """Everything an import may touch."""
    return {
        "people": raw_people(store),
        "identities": store.rows("SELECT * FROM identities ORDER BY pseudonym"),
        "systems": store.rows("SELECT * FROM systems ORDER BY name"),
        "grants": store.rows("SELECT * FROM grants ORDER BY person, system"),
        "trail": store.rows("SELECT seq, hash FROM trail ORDER BY seq"),
    }


@pytest.fixture
def store(vern):
    return vern.store


@pytest.fixture
def loaded(store, tmp_path):
    """People, systems and grants already imported, to prove a bad import changes nothing."""
    assert directory.import_people(store, write(tmp_path, PEOPLE, "people.csv"), "test") == 4
    assert directory.import_systems(store, write(tmp_path, SYSTEMS, "systems.csv"), "test") == 3
    assert directory.import_grants(store, write(tmp_path, GRANTS, "grants.csv"), "test") == 3
    return store


def refused(store, path: Path, load) -> InputError:
    before = snapshot(store)
    with pytest.raises(InputError) as caught:
        load(store, path, "test")
    assert snapshot(store) == before
    assert str(path) in str(caught.value)
    assert "nothing was imported" in str(caught.value)
    return caught.value


def assert_private(error: Exception) -> None:
    message = str(error).lower()
    for secret in (SECRET_EMAIL, SECRET_NAME, "hemmelig"):
        assert secret.lower() not in message


# -- people ---------------------------------------------------------------------------
def test_good_people_file_imports_every_row_with_its_values(store, tmp_path):
    assert directory.import_people(store, write(tmp_path, PEOPLE), "test") == 4
    rows = {r["person"]: r for r in directory.people(store)}
    p = store.keys.pseudonym
    assert rows == {
        p("kari@x.no"): {"person": p("kari@x.no"), "kind": "employee", "handles_personal_data": True,
                         "started_on": date(2020, 1, 15), "left_on": None, "district": "Vest"},
        p("ola@x.no"): {"person": p("ola@x.no"), "kind": "volunteer", "handles_personal_data": False,
                        "started_on": date(2021, 3, 1), "left_on": date(2025, 6, 30), "district": None},
        p("per@y.org"): {"person": p("per@y.org"), "kind": "board", "handles_personal_data": True,
                         "started_on": date(2019, 5, 5), "left_on": None, "district": "Nord"},
        p("lise@z.no"): {"person": p("lise@z.no"), "kind": "contractor", "handles_personal_data": False,
                         "started_on": date(2024, 2, 29), "left_on": date(2024, 12, 31), "district": None},
    }
    assert all(type(r["handles_personal_data"]) is bool for r in rows.values())


def test_district_column_is_optional(store, tmp_path):
    text = "email,name,kind,handles_personal_data,started_on,left_on\nkari@x.no,Kari Nordmann,employee,yes,2020-01-15,\n"
    assert directory.import_people(store, write(tmp_path, text), "test") == 1
    [row] = directory.people(store)
    assert row["district"] is None
    assert row["left_on"] is None


def test_semicolon_file_with_byte_order_mark_imports(store, tmp_path):
    text = "\ufeff" + PEOPLE.replace(",", ";")
    assert directory.import_people(store, write(tmp_path, text), "test") == 4


def test_pseudonym_is_case_insensitive_and_keyed(store):
    assert store.keys.pseudonym("Kari@X.no") == store.keys.pseudonym("kari@x.no")
    assert store.keys.pseudonym("kari@x.no") != store.keys.pseudonym("ola@x.no")
    assert store.keys.pseudonym("kari@x.no").startswith("p-")


def test_people_are_stored_by_pseudonym_of_their_email(store, tmp_path):
    directory.import_people(store, write(tmp_path, PEOPLE), "test")
    persons = sorted(r["person"] for r in raw_people(store))
    assert persons == sorted(store.keys.pseudonym(e) for e in ("kari@x.no", "ola@x.no", "per@y.org", "lise@z.no"))
    assert store.keys.pseudonym("Kari@X.no") in persons


def test_name_and_email_are_encrypted_at_rest(store, tmp_path):
    directory.import_people(store, write(tmp_path, PEOPLE), "test")
    rows = raw_people(store)
    assert len(rows) == 4
    clear = {"Kari Nordmann", "Ola Hansen", "Per Berg", "Lise Dahl", "kari@x.no", "Kari@X.no", "ola@x.no",
             "per@y.org", "lise@z.no", "Kari", "kari"}
    for row in rows:
        for column in ("name", "email"):
            assert row[column].startswith("enc1:")
            assert not any(value in row[column] for value in clear)
    by_person = {r["person"]: r for r in rows}
    kari = by_person[store.keys.pseudonym("kari@x.no")]
    assert store.keys.decrypt(kari["name"], "people.name") == "Kari Nordmann"
    assert store.keys.decrypt(kari["email"], "people.email") == "kari@x.no"
    # Bound to its field: the name cannot be passed off as the email.
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do, a clear value will not
        store.keys.decrypt(kari["name"], "people.email")


def test_database_file_does_not_hold_names_or_emails_in_clear(vern, tmp_path):
    directory.import_people(vern.store, write(tmp_path, PEOPLE), "test")
    vern.close()  # everything written out to the file
    raw = (tmp_path / "vern.duckdb").read_bytes()
    wal = tmp_path / "vern.duckdb.wal"
    if wal.exists():
        raw += wal.read_bytes()
    for clear in (b"Kari Nordmann", b"kari@x.no", b"Lise Dahl", b"lise@z.no"):
        assert clear not in raw


def test_people_listing_holds_no_name_or_email(store, tmp_path):
    directory.import_people(store, write(tmp_path, PEOPLE), "test")
    rows = directory.people(store)
    assert len(rows) == 4
    for row in rows:
        assert set(row) == {"person", "kind", "handles_personal_data", "started_on", "left_on", "district"}
        assert "name" not in row and "email" not in row
        assert not any("@" in str(v) or "Nordmann" in str(v) for v in row.values())


def test_identity_can_be_reidentified_and_the_act_is_recorded(store, tmp_path):
    directory.import_people(store, write(tmp_path, PEOPLE), "test")
    person = store.keys.pseudonym("Kari@X.no")
    assert pseudonyms.reidentify(store, person, "adviser", "suspected breach 2026-11") == "kari@x.no"
    [entry] = trail.listing(store, action="pseudonym")
    assert entry["action"] == "pseudonym.reidentify"
    assert entry["object"] == person
    assert entry["actor"] == "adviser"
    with pytest.raises(VernError):
        pseudonyms.reidentify(store, person, "adviser", "  ")


def test_reimport_replaces_the_directory(store, tmp_path):
    directory.import_people(store, write(tmp_path, PEOPLE), "test")
    second = PEOPLE_HEADER + "\nkari@x.no,Kari Nordmann-Berg,board,no,2020-01-15,2026-10-01,Sør\nny@x.no,Ny Person,employee,yes,2026-11-01,,\n"
    assert directory.import_people(store, write(tmp_path, second, "second.csv"), "test") == 2
    rows = {r["person"]: r for r in directory.people(store)}
    kari, ny = store.keys.pseudonym("kari@x.no"), store.keys.pseudonym("ny@x.no")
    assert set(rows) == {kari, ny}
    assert rows[kari]["kind"] == "board"
    assert rows[kari]["handles_personal_data"] is False
    assert rows[kari]["left_on"] == date(2026, 10, 1)
    assert rows[kari]["district"] == "Sør"
    [raw] = [r for r in raw_people(store) if r["person"] == kari]
    assert store.keys.decrypt(raw["name"], "people.name") == "Kari Nordmann-Berg"


def test_people_import_is_recorded_in_the_trail(store, tmp_path):
    directory.import_people(store, write(tmp_path, PEOPLE, "people.csv"), "someone")
    [entry] = trail.listing(store, action="people")
    assert entry["action"] == "people.import"
    assert entry["actor"] == "someone"
    assert entry["object"] == "people.csv"
    assert entry["details"] == {"rows": 4}
    assert "kari" not in str(entry).lower()
    assert trail.verify(store) == (2, None)  # with the entry every database begins with


def test_key_rotation_re_encrypts_people(store, tmp_path):
    directory.import_people(store, write(tmp_path, PEOPLE), "test")
    before = {r["person"]: r for r in raw_people(store)}
    keys.rotate(store, "test")
    after = {r["person"]: r for r in raw_people(store)}
    kari = store.keys.pseudonym("kari@x.no")
    assert after[kari]["name"] != before[kari]["name"]
    assert after[kari]["name"].split(":")[1] == store.keys.primary
    assert after[kari]["email"].split(":")[1] == store.keys.primary
    assert store.keys.decrypt(after[kari]["name"], "people.name") == "Kari Nordmann"
    assert store.keys.decrypt(after[kari]["email"], "people.email") == "kari@x.no"


def _people_row(email=SECRET_EMAIL, name=SECRET_NAME, kind="employee", handles="yes",
                started="2020-01-01", left="", district="") -> str:
    return ",".join([email, name, kind, handles, started, left, district])


def _bad_people(*rows: str) -> str:
    """Header, two good lines (2 and 3), then the given rows from line 4."""
    good = ["good.one@x.no,Good One,employee,yes,2020-01-01,,", "good.two@x.no,Good Two,board,no,2021-01-01,,"]
    return "\n".join([PEOPLE_HEADER, *good, *rows]) + "\n"


BAD_PEOPLE = [
    ("bad email", _people_row(email="hemmelig.person(at)secret.example"), "line 4, field email"),
    ("email with a space", _people_row(email="hemmelig person@secret.example"), "line 4, field email"),
    ("empty email", _people_row(email=""), "line 4, field email"),
    ("empty name", _people_row(name=""), "line 4, field name"),
    ("unknown kind", _people_row(kind="intern"), "line 4, field kind"),
    ("handles_personal_data empty", _people_row(handles=""), "line 4, field handles_personal_data"),
    ("handles_personal_data maybe", _people_row(handles="maybe"), "line 4, field handles_personal_data"),
    ("started_on empty", _people_row(started=""), "line 4, field started_on"),
    ("bad started_on", _people_row(started="01.02.2020"), "line 4, field started_on"),
    ("impossible date", _people_row(started="2021-02-29"), "line 4, field started_on"),
    ("bad left_on", _people_row(left="2025-13-01"), "line 4, field left_on"),
    ("left before started", _people_row(started="2020-05-02", left="2020-05-01"), "line 4, field left_on"),
]


@pytest.mark.parametrize(("row", "located"), [case[1:] for case in BAD_PEOPLE], ids=[case[0] for case in BAD_PEOPLE])
def test_bad_people_row_is_refused_naming_line_and_field(loaded, tmp_path, row, located):
    error = refused(loaded, write(tmp_path, _bad_people(row), "bad.csv"), directory.import_people)
    assert located in str(error)
    assert len(error.problems) == 1
    assert str(error.problems[0]).startswith(located)
    assert_private(error)


def test_every_bad_people_row_is_reported_together(loaded, tmp_path):
    text = _bad_people(_people_row(kind="intern"), _people_row(email="other@x.no", handles="maybe"))
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_people)
    assert [p.split(":")[0] for p in [str(p) for p in error.problems]] == ["line 4, field kind", "line 5, field handles_personal_data"]
    assert_private(error)


@pytest.mark.parametrize("second", [SECRET_EMAIL, SECRET_EMAIL.upper(), "Hemmelig.Person@Secret.Example"])
def test_duplicate_email_is_refused_even_when_case_differs(loaded, tmp_path, second):
    text = _bad_people(_people_row(), _people_row(email=second, name="Other Name"))
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_people)
    assert [str(p) for p in error.problems] == ["line 5, field email: the same as on line 4"]
    assert_private(error)


@pytest.mark.parametrize("column", ["email", "name", "kind", "handles_personal_data", "started_on", "left_on"])
def test_missing_column_is_refused(loaded, tmp_path, column):
    header = [c for c in PEOPLE_HEADER.split(",") if c != column]
    text = ",".join(header) + "\n" + ",".join(["x"] * len(header)) + "\n"
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_people)
    assert [str(p) for p in error.problems] == [f"line 1: missing column {column}"]  # one: singular


def test_more_fields_than_columns_is_refused_without_echo(loaded, tmp_path):
    text = _bad_people(_people_row() + ",extra," + SECRET_NAME)
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_people)
    assert "line 4" in str(error)
    assert_private(error)


def test_empty_people_file_is_refused(loaded, tmp_path):
    error = refused(loaded, write(tmp_path, PEOPLE_HEADER + "\n", "bad.csv"), directory.import_people)
    assert [str(p) for p in error.problems] == ["no rows below the header"]


def test_overlong_email_is_refused_naming_line_and_field(loaded, tmp_path):
    long_email = "hemmelig." + "x" * 600 + "@secret.example"
    text = _bad_people(_people_row(email=long_email))
    before = snapshot(loaded)
    with pytest.raises(VernError) as caught:
        directory.import_people(loaded, write(tmp_path, text, "bad.csv"), "test")
    assert snapshot(loaded) == before
    assert long_email not in str(caught.value)
    assert "line 4, field email" in str(caught.value)
    assert isinstance(caught.value, InputError)


# -- systems --------------------------------------------------------------------------
def test_good_systems_file_imports_with_patterns_split(store, tmp_path):
    assert directory.import_systems(store, write(tmp_path, SYSTEMS), "test") == 3
    assert directory.systems(store) == [
        {"name": "CRM", "holds_personal_data": True, "classification": "confidential",
         "match": ["s3:crm-bucket", "m365:https://x.sharepoint.com/sites/crm"]},
        {"name": "Intranet", "holds_personal_data": False, "classification": "internal",
         "match": ["gdrive:shared-drive-1"]},
        {"name": "Payroll", "holds_personal_data": True, "classification": "strictly_confidential",
         "match": []},
    ]
    [entry] = trail.listing(store, action="systems")
    assert entry["action"] == "systems.import"
    assert entry["details"] == {"rows": 3}


def test_systems_reimport_replaces_the_list(store, tmp_path):
    directory.import_systems(store, write(tmp_path, SYSTEMS), "test")
    text = "name,holds_personal_data,classification,match\nWiki,no,open,gdrive:wiki@x.no\n"
    assert directory.import_systems(store, write(tmp_path, text, "second.csv"), "test") == 1
    assert [s["name"] for s in directory.systems(store)] == ["Wiki"]


BAD_SYSTEMS = [
    ("unknown classification", "Wiki,no,secret,gdrive:wiki", "line 5, field classification"),
    ("empty classification", "Wiki,no,,gdrive:wiki", "line 5, field classification"),
    ("unknown pattern kind", "Wiki,no,open,ftp:x", "line 5, field match"),
    ("pattern without target", "Wiki,no,open,s3:", "line 5, field match"),
    ("pattern without kind", "Wiki,no,open,bucket-only", "line 5, field match"),
    ("one bad pattern of two", "Wiki,no,open,s3:ok;gdrive:", "line 5, field match"),
    ("holds_personal_data maybe", "Wiki,maybe,open,s3:wiki", "line 5, field holds_personal_data"),
    ("holds_personal_data empty", "Wiki,,open,s3:wiki", "line 5, field holds_personal_data"),
    ("empty name", ",no,open,s3:wiki", "line 5, field name"),
    ("duplicate name", "CRM,no,open,s3:other", "line 5, field name"),
]


@pytest.mark.parametrize(("row", "located"), [c[1:] for c in BAD_SYSTEMS], ids=[c[0] for c in BAD_SYSTEMS])
def test_bad_systems_row_is_refused_naming_line_and_field(loaded, tmp_path, row, located):
    text = SYSTEMS + row + "\n"
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_systems)
    assert len(error.problems) == 1
    assert str(error.problems[0]).startswith(located)


def test_duplicate_system_names_the_first_line(loaded, tmp_path):
    text = SYSTEMS + "CRM,no,open,s3:other\n"
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_systems)
    assert [str(p) for p in error.problems] == ["line 5, field name: the same as on line 2"]


def test_a_system_typed_on_the_dashboard_is_checked_as_the_same_line_of_a_file(loaded, tmp_path):
    """One record checker (csvfile.parse_record) for a file's line and a dashboard table's row:
    the same problems, located by line or by row."""
    bad = {"name": "Wiki\x07", "holds_personal_data": "yes\x1b", "classification": "secret", "match": "ftp:x"}
    why = ["field name: contains a control character (U+0007)",
           "field holds_personal_data: contains a control character (U+001B)",
           "field classification: not one of open, internal, confidential, strictly_confidential",
           "field match: pattern 1 is not KIND:TARGET with KIND one of s3, m365, gdrive"]
    in_file = refused(loaded, write(tmp_path, SYSTEMS + ",".join(bad.values()) + "\n", "bad.csv"),
                      directory.import_systems)
    assert [str(p) for p in in_file.problems] == [f"line 5, {problem}" for problem in why]
    before = snapshot(loaded)
    typed = [{**row, "holds_personal_data": "yes" if row["holds_personal_data"] else "no",
              "match": ";".join(row["match"])} for row in directory.systems(loaded)]
    with pytest.raises(InputError) as on_page:
        directory.edit_systems(loaded, [*typed, bad], "adviser")
    assert [str(p) for p in on_page.value.problems] == [f"row 4, {problem}" for problem in why]
    assert snapshot(loaded) == before


def test_systems_file_missing_match_column_is_refused(loaded, tmp_path):
    text = "name,holds_personal_data,classification\nWiki,no,open\n"
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_systems)
    assert [str(p) for p in error.problems] == ["line 1: missing column match"]


# -- grants ---------------------------------------------------------------------------
def test_good_grants_file_imports_by_pseudonym(loaded):
    rows = loaded.rows("SELECT * FROM grants ORDER BY system")
    p = loaded.keys.pseudonym
    assert rows == [
        {"person": p("kari@x.no"), "system": "CRM", "granted_on": date(2020, 2, 1), "revoked_on": None},
        {"person": p("ola@x.no"), "system": "Intranet", "granted_on": date(2021, 3, 1),
         "revoked_on": date(2025, 6, 30)},
        {"person": p("per@y.org"), "system": "Payroll", "granted_on": date(2019, 5, 5), "revoked_on": None},
    ]
    assert not any("@" in str(v) for r in rows for v in r.values())
    entries = trail.listing(loaded, action="grants")
    assert [(e["action"], e["details"]) for e in entries] == [("grants.import", {"rows": 3})]


def test_grants_reimport_replaces_the_grants(loaded, tmp_path):
    text = "email,system,granted_on,revoked_on\nlise@z.no,CRM,2024-03-01,2024-12-31\n"
    assert directory.import_grants(loaded, write(tmp_path, text, "second.csv"), "test") == 1
    rows = loaded.rows("SELECT * FROM grants")
    assert rows == [{"person": loaded.keys.pseudonym("lise@z.no"), "system": "CRM",
                     "granted_on": date(2024, 3, 1), "revoked_on": date(2024, 12, 31)}]


def test_grant_for_unknown_system_is_refused(loaded, tmp_path):
    text = GRANTS + "kari@x.no,Accounting,2022-01-01,\n"
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_grants)
    assert [str(p) for p in error.problems] == ["line 5, field system: not in the system list"]


def test_grant_for_person_not_in_directory_is_refused_without_echo(loaded, tmp_path):
    text = GRANTS + f"{SECRET_EMAIL},CRM,2022-01-01,\n"
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_grants)
    assert [str(p) for p in error.problems] == ["line 5, field email: not in the people directory"]
    assert_private(error)


def test_grant_problems_are_reported_together_in_line_order(loaded, tmp_path):
    text = GRANTS + f"{SECRET_EMAIL},CRM,2022-01-01,\nkari@x.no,Nowhere,2022-01-01,\n"
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_grants)
    assert [str(p) for p in error.problems] == ["line 5, field email: not in the people directory",
                              "line 6, field system: not in the system list"]
    assert_private(error)


def test_grant_with_bad_email_is_refused_without_echo(loaded, tmp_path):
    text = GRANTS + "hemmelig.person(at)secret.example,CRM,2022-01-01,\n"
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_grants)
    assert len(error.problems) == 1
    assert str(error.problems[0]).startswith("line 5, field email")
    assert_private(error)


def test_grant_revoked_before_granted_is_refused(loaded, tmp_path):
    text = GRANTS + "kari@x.no,Intranet,2022-01-02,2022-01-01\n"
    error = refused(loaded, write(tmp_path, text, "bad.csv"), directory.import_grants)
    assert [str(p) for p in error.problems] == ["line 5, field revoked_on: before granted_on"]


@pytest.mark.parametrize(("row", "located"), [
    ("kari@x.no,CRM,,", "line 5, field granted_on"),
    ("kari@x.no,CRM,2022/01/01,", "line 5, field granted_on"),
    ("kari@x.no,CRM,2022-01-01,never", "line 5, field revoked_on"),
    ("kari@x.no,,2022-01-01,", "line 5, field system"),
])
def test_bad_grant_fields_are_refused(loaded, tmp_path, row, located):
    error = refused(loaded, write(tmp_path, GRANTS + row + "\n", "bad.csv"), directory.import_grants)
    assert len(error.problems) == 1
    assert str(error.problems[0]).startswith(located)


def test_grants_before_any_directory_are_refused(store, tmp_path):
    error = refused(store, write(tmp_path, GRANTS), directory.import_grants)
    assert "line 2, field system" in str(error)
    assert "line 2, field email" in str(error)
    assert_private(error)


# -- command line ---------------------------------------------------------------------
def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, text=True, timeout=120)


def test_cli_imports_people_systems_and_grants(db, tmp_path):
    people = write(tmp_path, PEOPLE, "people.csv")
    result = run(db, "import", "people", str(people))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{people}: imported 4 rows"
    systems = write(tmp_path, SYSTEMS, "systems.csv")
    result = run(db, "import", "systems", str(systems))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{systems}: imported 3 rows"
    grants = write(tmp_path, GRANTS, "grants.csv")
    result = run(db, "import", "grants", str(grants))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{grants}: imported 3 rows"


def test_cli_refuses_bad_people_file_without_traceback_or_echo(db, tmp_path):
    good = write(tmp_path, PEOPLE, "people.csv")
    assert run(db, "import", "people", str(good)).returncode == 0
    bad = write(tmp_path, _bad_people(_people_row(handles="maybe")), "bad.csv")
    result = run(db, "import", "people", str(bad))
    assert result.returncode == 1
    # bokmål, the default language: the file, the line, the field and why, in the reader's words
    assert result.stderr == (f"vern: {bad}: ingenting ble importert.\n"
                             "  linje 4, felt handles_personal_data: må være yes, no eller tom\n")
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert SECRET_EMAIL not in result.stderr and SECRET_NAME not in result.stderr
    # The directory still holds the good file.
    from audits.runtime import open_vern
    opened = open_vern(str(db))
    try:
        assert len(directory.people(opened.store)) == 4
    finally:
        opened.close()


def test_cli_every_import_appends_a_trail_entry(db, tmp_path):
    people = write(tmp_path, PEOPLE, "people.csv")
    for _ in range(2):
        assert run(db, "import", "people", str(people)).returncode == 0
    assert run(db, "import", "systems", str(write(tmp_path, SYSTEMS, "systems.csv"))).returncode == 0
    assert run(db, "import", "grants", str(write(tmp_path, GRANTS, "grants.csv"))).returncode == 0
    bad = write(tmp_path, _bad_people(_people_row(kind="intern")), "bad.csv")
    assert run(db, "import", "people", str(bad)).returncode == 1
    from audits.runtime import open_vern
    opened = open_vern(str(db))
    try:
        entries = trail.listing(opened.store, action="people")
        assert [(e["action"], e["actor"], e["object"], e["details"]) for e in entries] == [
            ("people.import", "cli:tester", "people.csv", {"rows": 4})] * 2
        assert [e["action"] for e in trail.listing(opened.store, action="systems")] == ["systems.import"]
        assert [e["action"] for e in trail.listing(opened.store, action="grants")] == ["grants.import"]
        assert trail.verify(opened.store)[1] is None
    finally:
        opened.close()
