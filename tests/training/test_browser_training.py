"""The training page in the real browser, on the demo data the scheduler has checked."""

from playwright.sync_api import expect

from conftest import sign_in


def open_training(page, url, name, password):
    sign_in(page, url, name, password)
    expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_role("link", name="Training").click()
    expect(page.get_by_role("heading", name="Privacy training")).to_be_visible()


def test_the_adviser_finds_who_to_remind(shared_demo_server, page):
    open_training(page, shared_demo_server, "adviser", "vern-demo-personvern")
    expect(page.get_by_test_id("stMetric").filter(has=page.get_by_text("Coverage", exact=True))).to_contain_text("50%")
    trend = page.get_by_test_id("stMetric").filter(has_text="Coverage at the check run of")
    for _ in range(30):  # the trend appears once the scheduler has run the never-run check
        if trend.count():
            break
        page.wait_for_timeout(1000)
        page.get_by_role("link", name="Training").click()
    expect(trend).to_contain_text("50%")  # one run: a number, not a chart
    expect(page.locator(".js-plotly-plot")).to_have_count(2)  # by kind, by district
    expect(page.get_by_role("heading", name="Reminders")).to_be_visible()
    # Table cells live in a canvas grid: present in the page, not "visible" to Playwright.
    expect(page.get_by_text("Lise Dahl")).to_be_attached()
    expect(page.get_by_role("button", name="Download the reminder list (CSV)")).to_be_visible()


def test_the_board_sees_shares_and_no_names(shared_demo_server, page):
    open_training(page, shared_demo_server, "board", "vern-demo-styret")
    expect(page.get_by_test_id("stMetric").filter(has=page.get_by_text("Coverage", exact=True))).to_contain_text("50%")
    expect(page.get_by_role("heading", name="Reminders")).to_have_count(0)
    expect(page.get_by_text("Lise Dahl")).to_have_count(0)
