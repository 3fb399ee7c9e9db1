"""Sessions that really end, in the real browser against a live `vern serve`: the breach
register refreshes its clocks (here every 8 seconds, `[breaches] refresh_seconds`), and
that refresh must neither keep an idle session alive nor keep showing breaches to an
account disabled meanwhile. Nobody clicks.

A live server's clock cannot be frozen (VERN_NOW), so these wait for real: the idle limit
is set to 30 seconds (`[auth] idle_minutes = 0.5`), longer than three refreshes, so the
refresh at 8 s must find the session alive and not count as activity, and the one after
30 s must end it. The margin between is wide, as a busy machine takes seconds to sign in."""

import time

import pytest
from playwright.sync_api import expect

from conftest import cli_built, copy_template, serving, sign_in

BREACH = "Medlemsliste sendt til feil e-postadresse"  # open in the demo, so on the clock
ENDED_IDLE = "Du ble logget ut etter 0,5 minutter uten aktivitet. Logg inn igjen."
REFRESH_SECONDS = 8  # short, so the waits below are short
ENDED_CHANGED = "Økten ble avsluttet fordi kontoen din ble endret. Logg inn igjen."


@pytest.fixture(scope="module")
def demo_today(tmp_path_factory):
    """`vern demo` on the real clock, once for this file's tests."""
    return cli_built(tmp_path_factory.mktemp("demo-today"), ("demo",), VERN_NOW="")


@pytest.fixture
def live_demo(db_path, monkeypatch, request, demo_today):
    """The demo served with a real, moving clock and the idle limit asked for."""
    monkeypatch.delenv("VERN_NOW")
    copy_template(demo_today, db_path)
    (db_path.parent / "vern.toml").write_text(
        f"[auth]\nidle_minutes = {request.param}\n[breaches]\nrefresh_seconds = {REFRESH_SECONDS}\n")
    with serving(db_path) as url:
        yield url


def on_the_breach_register(page, url: str) -> None:
    sign_in(page, f"{url}/breaches", "adviser", "vern-demo-personvern")
    expect(page.get_by_role("heading", name="Avvik (brudd på personopplysningssikkerheten)")).to_be_visible()
    expect(page.get_by_text(BREACH).first).to_be_attached()  # in the countdown grid


def expect_only_the_sign_in_page(page, notice: str, within_ms: int = 15_000) -> None:
    expect(page.get_by_role("heading", name="Logg inn i Vern")).to_be_visible(timeout=within_ms)
    expect(page.get_by_text(notice)).to_be_visible()
    expect(page.get_by_role("heading", name="Avvik (brudd på personopplysningssikkerheten)")).to_have_count(0)
    expect(page.get_by_text(BREACH)).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(page.get_by_role("link", name="Avvik")).to_have_count(0)  # no navigation either
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.parametrize("live_demo", [0.5], indirect=True)
def test_an_idle_session_on_the_refreshing_register_ends_without_a_click(live_demo, page):
    before_signing_in = time.monotonic()
    on_the_breach_register(page, live_demo)
    page.wait_for_timeout(10_000)  # past the first refresh (8 s), well short of the limit (30 s)
    expect(page.get_by_text(BREACH).first).to_be_attached()
    expect(page.get_by_role("heading", name="Logg inn i Vern")).to_have_count(0)
    # The first refresh after 30 s finds them passed since the last click: only the sign-in page.
    expect(page.get_by_role("heading", name="Logg inn i Vern")).to_be_visible(timeout=35_000)
    assert time.monotonic() - before_signing_in >= 30
    expect_only_the_sign_in_page(page, ENDED_IDLE)
    page.wait_for_timeout(10_000)  # no refresh of the page that was left (one would come within 8 s)
    expect_only_the_sign_in_page(page, ENDED_IDLE)


@pytest.mark.parametrize("live_demo", [30], indirect=True)
def test_an_account_disabled_meanwhile_loses_the_register_at_the_next_refresh(live_demo, page):
    on_the_breach_register(page, live_demo)
    admin = page.context.browser.new_context().new_page()
    sign_in(admin, f"{live_demo}/users", "admin", "vern-demo-drift")
    expect(admin.get_by_role("heading", name="Endre bruker")).to_be_visible()
    admin.get_by_test_id("stSelectbox").get_by_role("combobox").click()  # which account to change
    admin.keyboard.type("adviser")  # filter: the list may not be drawn yet on a busy machine
    admin.get_by_role("option", name="adviser", exact=True).click()
    admin.get_by_role("checkbox", name="aktiv").uncheck(force=True)  # the account is disabled
    admin.get_by_role("button", name="Lagre").click()
    expect(admin.get_by_text("deaktivert").first).to_be_attached()  # in the account table
    # No click on the adviser's page: its next refresh (within 8 s) ends the session.
    expect_only_the_sign_in_page(page, ENDED_CHANGED, within_ms=25_000)
