"""A data-subject request in the real browser, on the demo data (Tuesday 2026-11-24 12:00 in
Oslo): a staff member logs one received 25 days ago and reads its due date; the adviser then
finds it in the weekly review's queue, due within a week."""

import re

from playwright.sync_api import expect

from conftest import sign_in

# Received Friday 30 October; one month on is Monday 30 November (Art. 12(3), Reg. 1182/71).
DUE = "Frist: mandag 30. november 2026 (6 dager igjen)"
QUEUED = "Data-subject request #9, access (Art. 15): answer due 2026-11-30"  # the demo holds eight


def test_staff_log_a_request_and_the_adviser_finds_it_in_the_review(demo_server, page):
    sign_in(page, demo_server, "staff", "vern-demo-ansatt")
    expect(page.get_by_role("heading", name="Meld et avvik")).to_be_visible()  # staff start here
    page.get_by_role("link", name="Henvendelser").click()
    expect(page.get_by_role("heading", name="Henvendelser fra de registrerte")).to_be_visible()
    expect(page.get_by_text("fristen begynte å løpe da henvendelsen kom inn")).to_be_visible()

    # The date field is a group of year, month and day spin buttons.
    for part, value in (("month", "10"), ("day", "30")):
        page.get_by_role("spinbutton", name=f"{part}, Mottatt dato").click()
        page.keyboard.type(value)
    expect(page.get_by_role("spinbutton", name="day, Mottatt dato")).to_have_attribute("aria-valuenow", "30")
    expect(page.get_by_role("spinbutton", name="month, Mottatt dato")).to_have_attribute("aria-valuenow", "10")
    page.get_by_role("textbox", name="Hvem er det, og hvordan når vi dem?").fill("Kari Nordmann, 912 34 567")
    page.get_by_role("button", name="Registrer henvendelsen").click()
    expect(page.get_by_text("Henvendelsen er registrert som nr. 9.")).to_be_visible()
    expect(page.get_by_text(DUE)).to_be_visible()
    expect(page.get_by_text("Personvernrådgiveren tar den videre")).to_be_visible()
    # The list of what this member of staff logged: a grid on a canvas, its cells attached.
    expect(page.get_by_text("Henvendelser du har registrert")).to_be_visible()
    expect(page.get_by_role("gridcell", include_hidden=True).filter(has_text=re.compile(r"^30\. nov\. 2026$"))
           ).to_be_attached()
    # A fresh form for the next request: received now, no words left from this one.
    expect(page.get_by_role("spinbutton", name="day, Mottatt dato")).to_have_attribute("aria-valuenow", "24")
    expect(page.get_by_role("textbox", name="Hvem er det, og hvordan når vi dem?")).to_have_value("")
    assert "Kari Nordmann" not in page.content()  # staff never see the requester, not even their own

    page.context.clear_cookies()
    sign_in(page, demo_server, "adviser", "vern-demo-personvern")
    expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Weekly review")).to_be_visible()
    page.get_by_role("combobox", name="Kind").click()
    page.get_by_role("option", name="request", exact=True).click()
    rows = page.get_by_test_id("stDataFrame").first
    expect(rows.get_by_text(QUEUED)).to_be_attached()
    expect(rows.locator("tr").filter(has_text=QUEUED)).to_contain_text("high")
