"""A weekly review in the real browser, on the demo data: the adviser opens the queue, finds
the request and the breach past their deadlines on top, acknowledges an item, and closes the week."""

import re

from playwright.sync_api import expect

from conftest import sign_in

# Request #4 (audits/demo/subject_requests.py) was due 2026-11-20: critical, and before breach #2 as the older date.
LATE_REQUEST = "Data-subject request #4, access (Art. 15): answer due 2026-11-20"
OVERDUE = "Breach #2 Bærbar PC med deltakerlister stjålet: notification due 2026-11-24 04:00"
NEAR = "Breach #1 Medlemsliste sendt til feil e-postadresse: notification due 2026-11-24 16:00"


def test_the_adviser_holds_the_weekly_review(demo_server, page):
    sign_in(page, demo_server, "adviser", "vern-demo-personvern")
    expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Weekly review")).to_be_visible()

    # The grid draws on a canvas; its cells are a table inside it, attached but not visible.
    rows = page.get_by_test_id("stDataFrame").first
    expect(rows.locator('tr[aria-rowindex="2"]')).to_contain_text(LATE_REQUEST)  # 1 is the header
    expect(rows.locator('tr[aria-rowindex="2"]')).to_contain_text("critical")
    expect(rows.locator('tr[aria-rowindex="3"]')).to_contain_text(OVERDUE)
    expect(rows.locator('tr[aria-rowindex="3"]')).to_contain_text("critical")
    expect(rows.locator('tr[aria-rowindex="4"]')).to_contain_text(NEAR)

    page.get_by_test_id("stMultiSelect").click()
    page.keyboard.type("Breach #1")  # the list is virtual: filter instead of scrolling
    page.get_by_role("option", name=re.compile("^Breach #1 ")).click()
    page.keyboard.press("Escape")
    expect(page.get_by_label("acknowledge")).to_be_checked()  # the first decision, chosen by default
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("1 items: acknowledge.")).to_be_visible()
    # Acknowledged, breach #1 moves behind the new items of its urgency: #5 takes its place.
    expect(rows.locator('tr[aria-rowindex="4"]')).to_contain_text("Breach #5 ")

    page.get_by_role("tab", name="This week").click()
    expect(page.get_by_role("heading", name="Decisions")).to_be_visible()
    expect(page.get_by_text("breach #1", exact=True)).to_be_attached()
    page.get_by_role("button", name="This week's review is done").click()
    expect(page.get_by_text("The review is recorded.")).to_be_visible()
    page.get_by_role("tab", name="This week").click()
    expect(page.get_by_text("Changes since the last review, 2026-11-24 12:00.")).to_be_visible()
    expect(page.get_by_text("No decisions in the period.")).to_be_visible()
