"""`make run` in the browser: `vern serve` on the demo's database (`vern demo`, then the server
in its own process) pulls the demo's sources from the fake providers it runs itself on
loopback. The Kilder page shows the learning platform and Google pulled without error and
Microsoft 365 failed in the words an admin knows; *Hent nå* asks the fakes again; the overview
calls access not verified, as for any failing source; the admin sees where each secret is read."""

import re

import pytest
from playwright.sync_api import expect

from conftest import copy_template, serving, sign_in

FAILED = "kilde microsoft: miljøvariabelen VERN_DEMO_M365_SECRET er ikke satt"


def source(page, name: str):
    return page.locator(f".st-key-source-{name}")


def state(page, name: str):
    return source(page, name).get_by_role("row").filter(has_text="Tilstand")


@pytest.mark.long
def test_the_demo_pulls_its_sources_live_and_one_fails_in_words_an_admin_knows(db_path, cli_demo_template, page):
    copy_template(cli_demo_template, db_path)
    with serving(db_path, demo_sources=True) as url:
        live_sources_shown(page, url)


def live_sources_shown(page, url: str) -> None:
    sign_in(page, f"{url}/sources", "adviser", "vern-demo-personvern")
    expect(page.get_by_role("heading", name="Kilder")).to_be_visible()
    for _ in range(30):  # the first pulls run in the background, just after the server started
        if source(page, "microsoft").get_by_text(FAILED).count() and source(page, "google").get_by_text(
                re.compile("^flyttet ")).count():
            break
        page.wait_for_timeout(1000)
        page.get_by_role("link", name="Kilder").click()
    for name in ("kursportal", "google"):
        expect(state(page, name)).to_contain_text("i orden")
        expect(source(page, name).get_by_test_id("stAlert")).to_have_count(0)
    expect(source(page, "kursportal").get_by_role("row").filter(has_text="Markør (xAPI-utsagn)")).to_have_count(1)
    expect(state(page, "microsoft")).to_contain_text("feilet")
    expect(source(page, "microsoft").get_by_test_id("stAlert")).to_have_text(FAILED)
    expect(page.get_by_text("VERN_DEMO_LRS_TOKEN")).to_have_count(0)  # where a secret is read: the admin's

    source(page, "google").get_by_role("button", name="Hent nå").click()  # the fake Google, asked again
    expect(source(page, "google").get_by_text(re.compile(r"^google: \d+ hendelser lest, 0 nye$"))).to_be_visible()
    source(page, "microsoft").get_by_role("button", name="Hent nå").click()
    expect(source(page, "microsoft").get_by_text(f"microsoft: feilet – {FAILED}")).to_be_visible()

    page.get_by_role("link", name="Oversikt").click()
    expect(page.get_by_text(re.compile(r"^Ikke verifisert: Tilgang \(kilde: microsoft\)\."))).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, f"{url}/sources", "admin", "vern-demo-drift")
    expect(source(page, "microsoft").get_by_role("row").filter(has_text="Hemmelighet client_secret_env")
           ).to_contain_text("leses fra miljøvariabelen VERN_DEMO_M365_SECRET")
    expect(source(page, "google").get_by_role("row").filter(has_text="Hemmelighet credentials_env")
           ).to_contain_text("leses fra miljøvariabelen VERN_DEMO_GOOGLE_KEY")
