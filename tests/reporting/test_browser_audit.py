"""An audit report in the real browser, on the demo data: the adviser creates one, sees it
listed as verified, downloads its PDF, and the uploaded PDF verifies; a changed byte does not."""

import hashlib
import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import sign_in


def test_the_adviser_creates_an_audit_and_its_pdf_verifies(demo_server, page, tmp_path):
    sign_in(page, demo_server, "adviser", "vern-demo-personvern")
    expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_role("link", name="Audit", exact=True).click()
    expect(page.get_by_role("heading", name="Audit reports")).to_be_visible()
    expect(page.get_by_text("No audits yet.")).to_be_visible()

    page.get_by_role("button", name="Create an audit now").click()
    stored = page.get_by_text(re.compile(r"^Audit 1 is stored\. SHA-256: [0-9a-f]{64}$"))
    expect(stored).to_be_visible()
    sha = stored.inner_text().rsplit(" ", 1)[1]
    # Table cells live in a canvas grid: present in the page, not "visible" to Playwright.
    expect(page.get_by_text("✓", exact=True)).to_be_attached()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the PDF").click()
    path = tmp_path / "audit.pdf"
    download.value.save_as(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert text.startswith("Audit report 1") and "Integrity" in text

    page.locator("input[type='file']").set_input_files(str(path))
    expect(page.get_by_text(re.compile(r"^The file is audit 1, created .* It agrees with the stored report "
                                       r"and the audit trail\.$"))).to_be_visible()

    changed = tmp_path / "changed.pdf"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    page.locator("input[type='file']").set_input_files(str(changed))
    expect(page.get_by_text("The file matches no stored audit: it was changed, or comes from another Vern.")
           ).to_be_visible()
