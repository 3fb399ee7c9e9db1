"""The adviser downloads the findings from the real page in Chromium, as CSV and as Excel,
and both read back as a spreadsheet with Norwegian settings reads them."""

import csv
import io

import openpyxl
from playwright.sync_api import expect

from conftest import sign_in

# The demo's open and acknowledged findings (tests/dashboard/test_dashboard_pages.py counts them).
FINDINGS = 42


def download(page, button: str) -> bytes:
    with page.expect_download() as started:
        page.get_by_role("button", name=button).click()
    return open(started.value.path(), "rb").read()


def test_the_findings_as_csv_and_excel(demo_server, page):
    sign_in(page, f"{demo_server}/findings", "adviser", "vern-demo-personvern")
    expect(page.get_by_role("heading", name="Funn")).to_be_visible()

    data = download(page, "Last ned som CSV")
    assert data.startswith("\ufeff".encode())
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert header[:3] == ["fingerprint", "check", "rule"]
    assert len(rows) == FINDINGS and all(len(row) == len(header) for row in rows)

    book = openpyxl.load_workbook(io.BytesIO(download(page, "Last ned som Excel (.xlsx)")))
    sheet = [list(row) for row in book["Vern"].iter_rows()]
    assert [cell.value for cell in sheet[0]] == header
    assert len(sheet) == FINDINGS + 1
    assert {cell.data_type for row in sheet for cell in row} <= {"s", "n"}  # text and empty cells; no formula
    # The same findings, cell for cell where the CSV needed no apostrophe.
    by_fingerprint = {row[0]: row for row in rows}
    for row in sheet[1:]:
        values = ["" if cell.value is None else str(cell.value) for cell in row]
        assert values == by_fingerprint[values[0]]
