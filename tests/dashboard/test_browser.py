"""End to end: `vern serve` in its own process, the real pages in headless Chromium.

Nobody runs a check by hand: the server's scheduler runs the checks on its own (they
never ran), and the pages show what they found.
"""

import json
import re

import vern_process
from playwright.sync_api import expect

from conftest import VERN, copy_template, each_page, serving, sign_in

MARKER = "PERSONAL-DATA-MARKER-7731"


def open_findings_metric(page):
    return page.get_by_test_id("stMetric").filter(has_text="Åpne funn")


def table_cell(page, pattern: str):
    """A cell of the page's table whose text matches `pattern`. Cells live in a canvas grid:
    present in the page, not "visible" to Playwright."""
    return page.get_by_role("gridcell", include_hidden=True).filter(has_text=re.compile(pattern))


def show_check(page, title: str) -> None:
    """Filter the findings page to one check, chosen by its title."""
    page.get_by_role("combobox", name="Kontroll").click()
    page.get_by_role("option", name=title, exact=True).click()
    page.keyboard.press("Escape")


def test_scheduled_findings_reach_every_page_in_the_browser(demo_server, page):
    sign_in(page, demo_server, "adviser", "vern-demo-personvern")
    expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
    # The scheduler runs every check (none ever ran): 6 processor findings, 8 access findings,
    # 9 training findings, 9 activity findings, 3 retention findings, 3 consent findings (one
    # after a demo request's opt-out) and 4 findings on the demo's data-subject requests.
    everything = re.compile(r"funn\s*42\b")  # the label, then the number
    for _ in range(30):  # the scheduled runs may finish just after the first render
        if everything.search(open_findings_metric(page).inner_text()):
            break
        page.wait_for_timeout(1000)
        page.get_by_role("link", name="Oversikt").click()
    expect(open_findings_metric(page)).to_contain_text(everything)
    # Table cells live in a canvas grid: present in the page, not "visible" to Playwright.
    expect(page.get_by_text(re.compile(r"^fullført 24\. nov\. 2026 kl\. 12\.00"))).to_have_count(10)  # every check

    page.get_by_role("link", name="Funn").click()
    expect(page.get_by_role("heading", name="Funn")).to_be_visible()
    expect(page.get_by_text("42 funn")).to_be_visible()
    # The grid draws only the rows in view, so narrow it to one check before looking for a row.
    show_check(page, "Databehandleravtaler og overføringer")
    expect(page.get_by_text("6 funn")).to_be_visible()
    expect(table_cell(page, "^Already On AS .*uten signert databehandleravtale")).to_be_attached()
    page.get_by_role("combobox", name="Kontroll").press("Backspace")  # the chosen check off again
    expect(page.get_by_text("42 funn")).to_be_visible()
    show_check(page, "Tilgang til personopplysninger")
    expect(page.get_by_text("8 funn")).to_be_visible()
    # An access finding names the account by its pseudonym only (in the table; the first of
    # them is also shown in full below it).
    expect(table_cell(page, r"^p-[0-9a-f]{16}, som ikke er i personkatalogen")).to_be_attached()

    page.get_by_role("link", name="Databehandlere").click()
    expect(page.get_by_text("11 databehandlere")).to_be_visible()
    expect(page.get_by_text("Freshworks Inc.")).to_be_attached()

    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Processors and transfers")).to_be_visible()

    page.get_by_role("link", name="Checks").click()
    expect(page.get_by_role("button", name="Run now")).to_have_count(10)  # one per check
    page.locator(".st-key-run-processors").get_by_role("button", name="Run now").click()
    expect(page.get_by_text("Processor agreements and transfers: succeeded, 6 findings")).to_be_visible()


def test_the_board_reaches_no_finding_and_sees_no_personal_data(db_path, cli_checked_template, page):
    """Plant a marker where personal data lives (a decision's reason, a failed run's
    error), then walk every page the board can reach, and try the ones it cannot."""
    copy_template(cli_checked_template, db_path)  # `vern demo`, `vern checks run`
    listed = json.loads(vern_process.run([VERN, "findings", "list", "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    vern_process.run([VERN, "findings", "set-status", listed[0]["fingerprint"], "acknowledged",
                    "--reason", f"Kari Nordmann ({MARKER}) is handling it"], check=True, capture_output=True)
    inbox = db_path.parent / "inbox" / "processors"
    inbox.mkdir(parents=True)
    header = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on"
    (inbox / f"{MARKER}.csv").write_text(f"{header}\nAcme,CRM,NO,sccs,,,,\n")
    vern_process.run([VERN, "checks", "run"], capture_output=True)  # fails, naming the file

    with serving(db_path) as url:
        sign_in(page, url, "adviser", "vern-demo-personvern")  # the markers are there to be found
        # The failed run: its error names the file (never a value in it).
        expect(page.get_by_text(f"{MARKER}.csv: linje 2, felt transfer_mechanism")).to_be_visible()
        page.get_by_role("link", name="Funn").click()
        page.get_by_role("combobox", name="Velg et funn").click()
        page.keyboard.type(listed[0]["message"][:40])  # the list is virtual: filter instead of scrolling
        page.get_by_role("option", name=listed[0]["message"], exact=True).click()
        expect(page.get_by_text(f"Kari Nordmann ({MARKER}) is handling it")).to_be_visible()

        page.context.clear_cookies()
        sign_in(page, url, "board", "vern-demo-styret")
        expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
        links = page.get_by_test_id("stSidebar").get_by_role("link")
        board_pages = ("Oversikt", "Styrerapport", "Min side", "Meld avvik", "Mine avvik", "Henvendelser",
                       "Behandlinger og risiko", "Opplæring", "Lagringstid", "Samtykke")
        expect(links).to_have_text([re.compile(f"{name}$") for name in board_pages])  # after the icon
        for _ in each_page(page, [links.filter(has_text=name) for name in board_pages]):
            assert MARKER.lower() not in page.content().lower()
            assert "Kari Nordmann" not in page.content()
            assert "Medlemsliste sendt" not in page.content()  # a demo breach's title

        for path in ("breaches", "review", "findings", "processors", "sources", "checks", "pseudonyms", "trail",
                     "audit", "users"):
            page.goto(f"{url}/{path}")  # by its address, still signed in (the session outlives the reload)
            expect(page.get_by_text("Du har ikke tilgang til denne siden. Forsøket er registrert.")).to_be_visible()
            assert MARKER.lower() not in page.content().lower()


def test_adviser_follows_an_access_finding_to_its_events_and_the_person(demo_server, page):
    sign_in(page, demo_server, "adviser", "vern-demo-personvern")
    expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
    page.get_by_text("English").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_role("link", name="Access", exact=True).click()
    expect(page.get_by_role("heading", name="Access to personal data")).to_be_visible()
    for _ in range(30):  # the scheduler runs the never-run check just after start
        if page.get_by_text("Unusually large download").count():
            break
        page.wait_for_timeout(1000)
        page.get_by_role("link", name="Access").click()
    expect(page.locator(".js-plotly-plot")).to_have_count(3)
    page.get_by_test_id("stSelectbox").first.click()
    page.keyboard.type("2500 records")  # the list is virtual: filter instead of scrolling
    page.get_by_role("option", name=re.compile("exported 2500 records from SuperOffice CRM")).click()
    expect(page.get_by_text("1 events (newest first, up to 500)")).to_be_visible()
    page.get_by_text("Who is this?").click()
    expect(page.get_by_label("Reason")).to_have_count(1)  # the rerun's stale copy gone
    page.get_by_label("Reason").fill("Asking about the 2,500-contact export")
    page.get_by_role("button", name="Reveal the person").click()
    expect(page.get_by_text("lise.dahl@forening.no")).to_be_visible()
