"""Spreadsheet exports for Norway, read back as a spreadsheet would: the CSV split on
semicolons (Excel with Norwegian settings) keeps every cell whole and no formula runs;
the .xlsx holds the exact values, text as text, never a formula."""

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import vern_process

from audits.breaches import documents as breach_documents
from audits.breaches import register as breaches
from audits.io import export
from conftest import copy_template

VERN = str(Path(sys.executable).parent / "vern")

# A row whose text cells each try to escape their cell or run: a separator followed by a
# formula, a quote, line breaks, and every formula start OWASP names.
ROW = {
    "id": 7,
    "semicolon": "Kari;=1+1",
    "comma": "Oslo,=HYPERLINK(\"http://evil.example\")",
    "quote": 'Sa "hei"; gikk',
    "lines": "første\nandre\r\ntredje",
    "equals": "=SUM(A1:A9)",
    "plus": "+47 912 34 567",
    "minus": "-3 kr",
    "at": "@cmd",
    "tab": "\tinnrykk",
    "cr": "\rstart",
    "plain": "Bjørn Ærlig",
    "empty": None,
    "negative": -1,
    "share": 2.5,
}
# What each cell must read back as from the CSV: the text as typed, an apostrophe before a
# formula start (OWASP), numbers as written, nothing for no value.
CSV_CELLS = ["7", "Kari;=1+1", "Oslo,=HYPERLINK(\"http://evil.example\")", 'Sa "hei"; gikk',
             "første\nandre\r\ntredje", "'=SUM(A1:A9)", "'+47 912 34 567", "'-3 kr", "'@cmd", "'\tinnrykk",
             "'\rstart", "Bjørn Ærlig", "", "-1", "2.5"]


def read_csv(data: bytes, delimiter: str = ";") -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # Excel reads æøå right only with the mark
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def read_xlsx(data: bytes) -> list[list[openpyxl.cell.Cell]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Vern"]
    return [list(row) for row in book["Vern"].iter_rows()]


def test_csv_split_on_semicolons_keeps_every_cell_whole():
    header, row = read_csv(export.csv_bytes([ROW]))
    assert header == list(ROW)
    assert row == CSV_CELLS


def test_csv_quotes_exactly_the_cells_that_hold_a_separator_quote_or_line_break():
    line = export.csv_bytes([ROW]).decode("utf-8-sig").split("\r\n", 1)[1]
    assert line.startswith('7;"Kari;=1+1";"Oslo,=HYPERLINK(""http://evil.example"")";"Sa ""hei""; gikk";'
                           '"første\nandre\r\ntredje";\'=SUM(A1:A9);\'+47 912 34 567;\'-3 kr;\'@cmd;\'\tinnrykk;'
                           '"\'\rstart";Bjørn Ærlig;;-1;2.5\r\n')


def test_csv_header_without_rows_and_nothing_without_columns():
    assert export.csv_bytes([], ["Nr.", "Tittel"]) == "\ufeffNr.;Tittel\r\n".encode()
    assert export.csv_bytes([]) == "\ufeff".encode()


def test_xlsx_holds_the_exact_values_and_no_formula():
    header, row = read_xlsx(export.xlsx_bytes([ROW]))
    assert [cell.value for cell in header] == list(ROW)
    assert [cell.value for cell in row] == [
        7, "Kari;=1+1", "Oslo,=HYPERLINK(\"http://evil.example\")", 'Sa "hei"; gikk', "første\nandre\ntredje",
        "=SUM(A1:A9)", "+47 912 34 567", "-3 kr", "@cmd", "\tinnrykk", "\nstart", "Bjørn Ærlig", None, -1, 2.5]
    # Line breaks are Excel's LF (XML reads a CR as LF anyway); everything else exactly as given.
    assert [cell.data_type for cell in row] == ["n"] + ["s"] * 11 + ["n", "n", "n"]  # "f" would be a formula


def test_xlsx_numbers_dates_and_instants_in_oslo_wall_time():
    rows = [{"n": 3, "day": date(2026, 3, 29), "at": datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "yes": True,
             "bell": "ding\x07dong"}]
    _, row = read_xlsx(export.xlsx_bytes(rows))
    # 01:30 UTC on the day summer time starts is 03:30 in Oslo; Excel knows no time zones.
    assert [cell.value for cell in row] == [3, datetime(2026, 3, 29), datetime(2026, 3, 29, 3, 30), True,
                                            "ding\ufffddong"]  # a control character .xlsx cannot hold
    assert [cell.data_type for cell in row] == ["n", "d", "d", "b", "s"]


def test_the_breach_record_in_both_forms(vern):
    aware = "2026-11-24T09:00:00+01:00"
    breaches.add(vern.store, vern.config, "adviser", {"title": "Liste sendt feil;=1+1", "aware_at": aware})
    records = breaches.listing(vern.store)
    header, row = read_csv(breach_documents.record_csv(records, "nb"))
    assert header[:3] == ["Nr.", "Tittel", "Status"]
    assert row[:3] == ["1", "Liste sendt feil;=1+1", "åpen"]
    header, row = read_xlsx(breach_documents.record_xlsx(records, "nb"))
    assert [c.value for c in header[:3]] == ["Nr.", "Tittel", "Status"]
    assert [c.value for c in row[:3]] == [1, "Liste sendt feil;=1+1", "åpen"]
    # No breach: the header still names the columns.
    assert read_csv(breach_documents.record_csv([], "en"))[0][:2] == ["No.", "Title"]
    assert [c.value for c in read_xlsx(breach_documents.record_xlsx([], "en"))[0][:2]] == ["No.", "Title"]


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), *args], capture_output=True, timeout=120)


def test_the_command_line_writes_xlsx(db, tmp_path, cli_demo_template):
    copy_template(cli_demo_template, db)  # `vern demo`
    record = tmp_path / "avviksprotokoll.xlsx"
    result = run(db, "breach", "record", "--out", str(record), "--lang", "en")  # the format from the suffix
    assert result.returncode == 0, result.stderr
    header, *rows = read_xlsx(record.read_bytes())
    assert [c.value for c in header[:2]] == ["No.", "Title"]
    assert len(rows) == 5  # the demo's five breaches
    listed = json.loads(run(db, "breach", "list", "--json").stdout)
    assert sorted(r[1].value for r in rows) == sorted(b["title"] for b in listed)

    register = tmp_path / "protokoll.xlsx"
    assert run(db, "activities", "export", "--format", "xlsx", "--out", str(register)).returncode == 0
    header, *rows = read_xlsx(register.read_bytes())
    assert [c.value for c in header[:2]] == ["name", "role"]
    activities = json.loads(run(db, "activities", "list", "--json").stdout)
    assert [r[0].value for r in rows] == [a["name"] for a in activities]
    trail = json.loads(run(db, "trail", "list", "--json", "--action", "export").stdout)
    assert {(e["object"], e["details"].get("format")) for e in trail} >= {("breach-record", "xlsx")}


def test_every_list_offered_as_csv_is_offered_as_excel(dashboard, demo_vern):
    pairs = {
        "findings": ("Download as CSV", "Download as Excel (.xlsx)"),
        "training": ("Download the reminder list (CSV)", "Download the reminder list (Excel)"),
        "breaches": ("Download the record (CSV)", "Download the record (Excel)"),
        "activities": ("Download the record (CSV)", "Download the record (Excel)"),
    }
    for page, wanted in pairs.items():
        at = dashboard(page, "en")
        assert not at.exception, page
        labels = [button.label for button in at.get("download_button")]
        assert set(wanted) <= set(labels), (page, labels)
