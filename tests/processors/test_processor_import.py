"""Importing the processor register: good files land whole; a bad file is refused with
file, line and field named, and the register stays exactly as it was."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from audits.core import trail
from audits.core.errors import InputError
from audits.core.keys import open_store
from audits.core.store import Store
from audits.processors.register import import_register, register

HEADER = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"
GOOD = HEADER + """
Microsoft Ireland Operations Ltd,Microsoft 365,IE;NL;US,dpf,yes,2024-01-10,,2026-04-01
SuperOffice AS,CRM,no;dk,none,,2021-05-01,2026-05-06,2025-11-27
Already On AS,,NO,none,,,,
"""
NOW = "2026-06-15T12:00:00+02:00"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("VERN_NOW", NOW)
    opened = open_store(tmp_path / "vern.duckdb", tmp_path / "vern.key")
    yield opened
    opened.close()


def write(tmp_path: Path, text: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def loaded(store, tmp_path):
    """A register already holding the good file, to prove a bad import changes nothing."""
    assert import_register(store, write(tmp_path, GOOD, "good.csv"), "test") == 3
    return register(store)


# -- good files -----------------------------------------------------------------------
def test_good_file_imports_every_row_with_its_values(store, tmp_path):
    assert import_register(store, write(tmp_path, GOOD), "ingrid") == 3
    imported = datetime(2026, 6, 15, 10, tzinfo=UTC)
    assert register(store) == [
        {"name": "Already On AS", "service": "", "countries": ["NO"], "transfer_mechanism": "none",
         "dpf_certified": None, "dpa_signed_on": None, "dpa_expires_on": None,
         "last_reviewed_on": None, "source": "register.csv", "imported_at": imported,
         "outside_eea": []},
        {"name": "Microsoft Ireland Operations Ltd", "service": "Microsoft 365",
         "countries": ["IE", "NL", "US"], "transfer_mechanism": "dpf", "dpf_certified": True,
         "dpa_signed_on": date(2024, 1, 10), "dpa_expires_on": None,
         "last_reviewed_on": date(2026, 4, 1), "source": "register.csv", "imported_at": imported,
         "outside_eea": ["US"]},
        {"name": "SuperOffice AS", "service": "CRM", "countries": ["NO", "DK"],
         "transfer_mechanism": "none", "dpf_certified": None, "dpa_signed_on": date(2021, 5, 1),
         "dpa_expires_on": date(2026, 5, 6), "last_reviewed_on": date(2025, 11, 27),
         "source": "register.csv", "imported_at": imported, "outside_eea": []},
    ]


def test_an_import_is_recorded_in_the_audit_trail_with_its_actor(store, tmp_path):
    import_register(store, write(tmp_path, GOOD), "ingrid")
    entry, start = trail.listing(store)  # after the entry every database begins with
    assert (entry["seq"], entry["at_utc"], entry["actor"], entry["action"], entry["object"],
            entry["details"]) == (2, "2026-06-15T10:00:00Z", "ingrid", "processors.import",
                                  "register.csv", {"rows": 3})
    assert start["action"] == "trail.start"
    assert trail.verify(store) == (2, None)


def test_semicolon_delimited_file_with_byte_order_mark_is_accepted(store, tmp_path):
    text = HEADER.replace(",", ";") + "\n" + \
        'Google Cloud EMEA Ltd;Workspace;"IE;US";dpf;Yes;2023-03-01;;2025-04-11\n' \
        "Tripletex AS;Regnskap;NO;none;no;2022-01-01;;2026-05-26\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))

    assert import_register(store, path, "test") == 2
    assert [(r["name"], r["countries"], r["dpf_certified"]) for r in register(store)] == [
        ("Google Cloud EMEA Ltd", ["IE", "US"], True),
        ("Tripletex AS", ["NO"], False),
    ]


def test_spaces_and_repeated_countries_are_tidied(store, tmp_path):
    path = write(tmp_path, HEADER + '\n Acme AS , Mail ," us ; ie;US; ", scc2021 ,, 2026-01-01 ,,\n')
    assert import_register(store, path, "test") == 1
    [only] = register(store)
    assert (only["name"], only["service"], only["countries"], only["transfer_mechanism"],
            only["dpa_signed_on"]) == ("Acme AS", "Mail", ["US", "IE"], "scc2021", date(2026, 1, 1))


def test_blank_lines_are_skipped(store, tmp_path):
    assert import_register(store, write(tmp_path, GOOD + "\n,,,,,,,\n\n"), "test") == 3


def test_a_new_import_replaces_the_register(store, tmp_path, loaded):
    path = write(tmp_path, HEADER + "\nTripletex AS,Regnskap,NO,none,,2022-01-01,,\n", "new.csv")
    assert import_register(store, path, "test") == 1
    assert [(r["name"], r["source"]) for r in register(store)] == [("Tripletex AS", "new.csv")]


def test_the_same_file_can_be_imported_twice(store, tmp_path, loaded):
    assert import_register(store, tmp_path / "good.csv", "test") == 3
    assert register(store) == loaded


# -- bad files: refused whole, register unchanged -----------------------------------------
def refused(store: Store, path: Path, before: list) -> InputError:
    trail_before = trail.listing(store)
    with pytest.raises(InputError) as caught:
        import_register(store, path, "test")
    assert register(store) == before, "a refused file must change nothing"
    assert trail.listing(store) == trail_before, "a refused file leaves no trail entry"
    assert str(path) in str(caught.value)
    assert "nothing was imported" in str(caught.value)
    return caught.value


def only_problem(error: InputError) -> str:
    assert len(error.problems) == 1, [str(p) for p in error.problems]
    return str(error.problems[0])


def test_missing_column_is_named(store, tmp_path, loaded):
    text = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,last_reviewed_on\n" \
           "Acme AS,Mail,NO,none,,2026-01-01,\n"
    problem = only_problem(refused(store, write(tmp_path, text), loaded))
    assert "line 1" in problem and "dpa_expires_on" in problem


@pytest.mark.parametrize("value", ["2026-02-30", "15.06.2026", "2026-6-1", "yesterday"])
def test_bad_date_names_line_and_field(store, tmp_path, loaded, value):
    text = GOOD + f"Acme AS,Mail,NO,none,,{value},,\n"
    problem = only_problem(refused(store, write(tmp_path, text), loaded))
    assert problem == "line 5, field dpa_signed_on: not a date (YYYY-MM-DD)"  # the value is not quoted


def test_unknown_mechanism_names_line_and_field(store, tmp_path, loaded):
    text = GOOD + "Acme AS,Mail,US,sccs,,2026-01-01,,\n"
    problem = only_problem(refused(store, write(tmp_path, text), loaded))
    assert problem == ("line 5, field transfer_mechanism: not one of none, adequacy, dpf, scc2021, bcr, "
                       "derogation, privacy_shield, scc2010")


@pytest.mark.parametrize("countries, bad", [("XX", 1), ("NO;UK", 2), ("NOR", 1), ("N", 1), ("SE;NO;I", 3)])
def test_unknown_country_code_names_line_field_and_code(store, tmp_path, loaded, countries, bad):
    text = HEADER + f"\nAcme AS,Mail,NO,none,,2026-01-01,,\nBeta AS,Mail,{countries},none,,2026-01-01,,\n"
    problem = only_problem(refused(store, write(tmp_path, text), loaded))
    assert problem == f"line 3, field countries: code {bad} is not an ISO 3166-1 alpha-2 country code (e.g. NO;IE)"


def test_empty_countries_is_refused(store, tmp_path, loaded):
    text = HEADER + "\nAcme AS,Mail,,none,,2026-01-01,,\n"
    problem = only_problem(refused(store, write(tmp_path, text), loaded))
    assert "line 2" in problem and "field countries" in problem


@pytest.mark.parametrize("value", ["ja", "true", "1", "maybe"])
def test_bad_dpf_certified_names_line_and_field(store, tmp_path, loaded, value):
    text = HEADER + f"\nAcme AS,Mail,US,dpf,{value},2026-01-01,,\n"
    problem = only_problem(refused(store, write(tmp_path, text), loaded))
    assert problem == "line 2, field dpf_certified: must be yes, no or empty"


def test_empty_name_names_line_and_field(store, tmp_path, loaded):
    text = HEADER + "\nAcme AS,Mail,NO,none,,2026-01-01,,\n  ,Mail,NO,none,,2026-01-01,,\n"
    problem = only_problem(refused(store, write(tmp_path, text), loaded))
    assert "line 3" in problem and "field name" in problem


def test_duplicate_name_and_service_names_both_lines(store, tmp_path, loaded):
    text = HEADER + ("\nAcme AS,Mail,NO,none,,2026-01-01,,"
                     "\nAcme AS,CRM,NO,none,,2026-01-01,,"
                     "\nAcme AS,Mail,SE,none,,2026-02-01,,\n")
    problem = only_problem(refused(store, write(tmp_path, text), loaded))
    assert "line 4" in problem and "field name" in problem and "line 2" in problem


def test_every_problem_in_the_file_is_reported_together(store, tmp_path, loaded):
    text = HEADER + ("\nAcme AS,Mail,XX,none,,2026-01-01,,"
                     "\nBeta AS,Mail,NO,nope,,2026-13-01,,\n")
    error = refused(store, write(tmp_path, text), loaded)
    assert len(error.problems) == 3
    assert [p.split(":")[0] for p in [str(p) for p in error.problems]] \
        == ["line 2, field countries", "line 3, field transfer_mechanism", "line 3, field dpa_signed_on"]


def test_row_with_more_fields_than_columns_is_refused(store, tmp_path, loaded):
    text = HEADER + "\nAcme AS,Mail,NO,none,,2026-01-01,,,extra\n"
    problem = only_problem(refused(store, write(tmp_path, text), loaded))
    assert "line 2" in problem


def test_empty_file_is_refused(store, tmp_path, loaded):
    problem = only_problem(refused(store, write(tmp_path, ""), loaded))
    assert "empty" in problem


def test_whitespace_only_file_is_refused(store, tmp_path, loaded):
    problem = only_problem(refused(store, write(tmp_path, " \n\n  \n"), loaded))
    assert "empty" in problem


def test_header_only_file_is_refused(store, tmp_path, loaded):
    problem = only_problem(refused(store, write(tmp_path, HEADER + "\n"), loaded))
    assert "no rows" in problem


def test_non_utf8_file_is_refused(store, tmp_path, loaded):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\nKundestøtte AS,Mail,NO,none,,2026-01-01,,\n").encode("latin-1"))
    problem = only_problem(refused(store, path, loaded))
    assert problem == "line 2: not UTF-8 text (save the file as CSV UTF-8)"


@pytest.mark.parametrize("value", ["20260615", "2026-W25-1", "15.06.2026"])
def test_dates_must_be_written_yyyy_mm_dd(store, tmp_path, loaded, value):
    path = write(tmp_path, HEADER + f"\nAcme AS,Mail,NO,none,,{value},,\n")
    problem = only_problem(refused(store, path, loaded))
    assert problem == "line 2, field dpa_signed_on: not a date (YYYY-MM-DD)"


def test_mechanism_is_read_without_regard_to_case(store, tmp_path):
    path = write(tmp_path, HEADER + "\nAcme AS,Mail,US,SCC2021,,2026-01-01,,\n")
    import_register(store, path, "test")
    assert register(store)[0]["transfer_mechanism"] == "scc2021"


def test_binary_file_is_refused(store, tmp_path, loaded):
    path = tmp_path / "register.csv"
    path.write_bytes(b"name\x00service\x00\n")
    problem = only_problem(refused(store, path, loaded))
    assert "NUL" in problem


def test_missing_file_is_refused(store, tmp_path, loaded):
    problem = only_problem(refused(store, tmp_path / "nowhere.csv", loaded))
    assert problem == "cannot read the file: does not exist"


def test_directory_instead_of_file_is_refused(store, tmp_path, loaded):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    problem = only_problem(refused(store, folder, loaded))
    assert "cannot read" in problem


def test_bad_file_into_an_empty_register_imports_nothing(store, tmp_path):
    text = HEADER + "\nAcme AS,Mail,NO,none,,2026-01-01,,\nBeta AS,Mail,NO,none,,not-a-date,,\n"
    refused(store, write(tmp_path, text), [])
    assert store.value("SELECT count(*) FROM processors") == 0
