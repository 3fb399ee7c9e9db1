"""The board member downloads the board summary as a PDF in the real browser."""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import sign_in


def test_the_board_downloads_the_summary_pdf(demo_server, page):
    sign_in(page, demo_server, "board", "vern-demo-styret")
    expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_role("link", name="Board summary").click()
    expect(page.get_by_role("heading", name="Board summary: privacy")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the board summary (PDF)").click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith("vern-board-summary-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "Board summary: privacy" in text
    for area in ("Processors", "Access", "Training", "Retention", "Consent", "Breaches"):
        assert area in text
