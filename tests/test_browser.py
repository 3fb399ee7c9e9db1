"""End to end: `vern serve` in its own process, the real pages in headless Chromium.

Nobody runs a check by hand: the server's scheduler runs the processors check on its
own (it never ran), and the pages show what it found.
"""

import re

from playwright.sync_api import expect


def open_findings_metric(page):
    return page.get_by_test_id("stMetric").filter(has_text="Åpne funn")


def test_scheduled_findings_reach_every_page_in_the_browser(demo_server, page):
    page.goto(demo_server)
    page.get_by_label("Brukernavn").fill("adviser")
    page.get_by_label("Passord").fill("vern-demo-adviser")
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
    for _ in range(30):  # the scheduled run may finish just after the first render
        if "6" in open_findings_metric(page).inner_text():
            break
        page.wait_for_timeout(1000)
        page.get_by_role("link", name="Oversikt").click()
    expect(open_findings_metric(page)).to_contain_text("6")
    # Table cells live in a canvas grid: present in the page, not "visible" to Playwright.
    expect(page.get_by_text(re.compile(r"^fullført 2026-11-24 12:00"))).to_be_attached()

    page.get_by_role("link", name="Funn").click()
    expect(page.get_by_role("heading", name="Funn")).to_be_visible()
    expect(page.get_by_text("6 funn")).to_be_visible()
    expect(page.get_by_text(re.compile("^Already On AS .*uten signert databehandleravtale"))).to_be_attached()

    page.get_by_role("link", name="Databehandlere").click()
    expect(page.get_by_text("11 databehandlere")).to_be_visible()
    expect(page.get_by_text("Freshworks Inc.")).to_be_attached()

    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Processors and transfers")).to_be_visible()

    page.get_by_role("link", name="Checks").click()
    page.get_by_role("button", name="Run now").click()
    expect(page.get_by_text("processors: succeeded, 6 findings")).to_be_visible()
