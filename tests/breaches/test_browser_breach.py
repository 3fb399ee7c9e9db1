"""End to end in the real browser: a staff member logs a breach; the adviser sees its
clock, assesses it, downloads the PDF draft and records the notification; the board's
overview counts it."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import sign_in

TITLE = "Medlemsliste for Bergen sendt til feil mottaker"


def test_a_breach_from_the_staff_form_to_the_notification(demo_server, page, tmp_path):
    sign_in(page, demo_server, "staff", "vern-demo-ansatt")
    expect(page.get_by_role("heading", name="Meld et avvik")).to_be_visible()
    page.get_by_label("Hva skjedde? (kort)").fill(TITLE)
    page.get_by_label("Omtrent hvor mange personer gjelder det?").fill("340")
    page.get_by_text("Noen som ikke skulle, har sett eller fått dem").click()
    page.get_by_role("button", name="Send inn").click()
    confirmation = page.get_by_text(re.compile(r"Takk! Avviket er registrert som nr\. \d+\."))
    expect(confirmation).to_be_visible()
    number = re.search(r"nr\. (\d+)", confirmation.inner_text()).group(1)
    expect(page.get_by_label("Hva skjedde? (kort)")).to_have_value("")  # a fresh form for the next one

    page.context.clear_cookies()
    sign_in(page, demo_server, "adviser", "vern-demo-personvern")
    page.get_by_role("link", name="Avvik").first.click()
    expect(page.get_by_role("heading", name="Avvik (brudd på personopplysningssikkerheten)")).to_be_visible()
    expect(page.get_by_text(TITLE).first).to_be_attached()  # in the countdown grid
    expect(page.get_by_text("72 h 00 min")).to_be_attached()  # logged at the frozen "now"

    page.get_by_label("Velg avvik").click()
    page.get_by_role("option", name=re.compile(f"#{number} ")).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()  # the chosen breach is drawn
    facts = page.locator("table").filter(has_text="340").inner_text()  # escaped for Markdown, shown as typed
    assert "24. nov. 2026" in facts and "\\" not in facts
    page.get_by_role("tab", name="Vurdering").click()
    expect(page.get_by_role("button", name="Lagre vurdering")).to_have_count(1)  # no stale copy left
    page.get_by_role("button", name="Lagre vurdering").click()
    expect(page.get_by_text(re.compile(r"^SE = DPC 1 × EI 0,75 \+ CB 0,25 = 1$"))).to_be_visible()

    page.get_by_role("tab", name="Beslutning").click()
    expect(page.get_by_role("button", name="Lagre beslutning")).to_have_count(1)
    page.get_by_role("button", name="Lagre beslutning").click()
    expect(page.get_by_text(re.compile("^Besluttet av adviser"))).to_be_visible()
    page.get_by_role("tab", name="Dokumenter").click()
    expect(page.get_by_role("button", name="Last ned (PDF)")).to_have_count(2)  # the draft and the letter
    with page.expect_download() as download:
        page.get_by_role("button", name="Last ned (PDF)").first.click()
    pdf_path = tmp_path / "draft.pdf"
    download.value.save_as(pdf_path)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert TITLE in text and "340" in text

    page.get_by_role("tab", name="Varsling").click()
    expect(page.get_by_label("Referanse (saksnummer, Altinn-kvittering)")).to_have_count(1)
    page.get_by_label("Referanse (saksnummer, Altinn-kvittering)").fill("Altinn 2026/9001")
    page.get_by_role("button", name="Registrer varsel").click()
    page.get_by_role("tab", name="Fakta").click()
    expect(page.get_by_text("Datatilsynet · Altinn 2026/9001")).to_be_attached()  # in the timeline grid

    page.context.clear_cookies()
    sign_in(page, demo_server, "board", "vern-demo-styret")
    in_time = page.get_by_test_id("stMetric").filter(has_text="Varslet innen fristen")
    expect(in_time).to_contain_text("2")  # the demo's notified breach, and this one
    assert TITLE not in page.content()
