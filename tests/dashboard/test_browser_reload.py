"""Nothing typed is lost (issue 17): in the real browser against a live `vern serve`, a
reload halfway through the breach report or the request form finds the person still signed
in and their words still in the form; sign-out ends the session and discards the draft, in
the browser and in the database. The cookie holds a random id and nothing else, and only
an id the server handed out, still alive, signs anyone in.

(Named apart from tests/accounts/test_browser_sessions.py, which proves that sessions end:
two test files of one name cannot live in this suite.)"""

import hashlib
import json
import re
import time

import duckdb
import pytest
from playwright.sync_api import expect

from conftest import copy_template, serving, sign_in

STAFF = ("staff", "vern-demo-ansatt")
TITLE = "Minnepinne med medlemslisten mistet på toget"
DESCRIPTION = "Glemt i setelommen på toget fra Drammen i går kveld. Listen har navn og telefonnummer."
REQUESTER = "Kari Nordmann, Storgata 1, 0155 Oslo"
KEPT = re.compile(r"^Utkast lagret kl\. \d\d\.\d\d$")


def session_cookie(page) -> dict | None:
    found = [c for c in page.context.cookies() if c["name"] == "vern_session"]
    return found[0] if found else None


def wait_for_cookie(page, gone: bool = False) -> dict | None:
    """The session cookie once the browser has it (or once it is cleared): the page hands it
    over with a request of its own after the sign-in."""
    for _ in range(150):
        cookie = session_cookie(page)
        if (cookie is None) is gone:
            return cookie
        page.wait_for_timeout(100)
    pytest.fail("the session cookie was " + ("never cleared" if gone else "never set"))


def new_id(page, old: str) -> str:
    """The id of the session cookie once it is another than `old` (the cookie is handed over,
    and a dead one cleared, by requests of the page's own)."""
    for _ in range(150):
        cookie = session_cookie(page)
        if cookie is not None and cookie["value"] != old:
            return cookie["value"]
        page.wait_for_timeout(100)
    pytest.fail("the session cookie kept its old id")


def until_kept(page, url: str, path: str, field, value: str) -> None:
    """Wait until the server has kept `value` in the draft: a second browser holding this
    one's cookie (the same session, taken up) opens the form until it shows it. The first
    tab is left as it is, mid-form. (The note "Utkast lagret" is a signal only for a
    draft's first keeping.)"""
    probe = page.context.browser.new_context().new_page()
    probe.context.add_cookies(page.context.cookies())
    try:
        for _ in range(40):
            probe.goto(f"{url}/{path}")
            expect(field(probe)).to_be_visible()
            if field(probe).input_value() == value:
                return
            probe.wait_for_timeout(250)
        pytest.fail("the draft was never kept")
    finally:
        probe.context.close()


def query(db_path, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_a_reload_mid_report_keeps_the_staff_member_signed_in_with_their_text(db_path, cli_demo_template, page):
    copy_template(cli_demo_template, db_path)
    with serving(db_path) as url:
        sign_in(page, f"{url}/report", *STAFF)
        expect(page.get_by_role("heading", name="Meld et avvik")).to_be_visible()
        cookie = wait_for_cookie(page)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]  # plain http here
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie["value"])  # token_urlsafe(32): the id and nothing else
        page.get_by_label("Hva skjedde? (kort)").fill(TITLE)
        description = page.get_by_label("Beskriv hva som skjedde og hvordan")
        description.fill(DESCRIPTION)  # the title is sent as it is left
        expect(page.get_by_text(KEPT)).to_be_visible()
        description.press("Tab")
        until_kept(page, url, "report", lambda tab: tab.get_by_label("Beskriv hva som skjedde og hvordan"),
                   DESCRIPTION)

        page.reload()
        expect(page.get_by_role("heading", name="Meld et avvik")).to_be_visible()
        expect(page.get_by_text("Innlogget som staff")).to_be_visible()
        expect(page.get_by_label("Hva skjedde? (kort)")).to_have_value(TITLE)
        expect(page.get_by_label("Beskriv hva som skjedde og hvordan")).to_have_value(DESCRIPTION)
        expect(page.get_by_text(KEPT)).to_be_visible()
        expect(page.get_by_role("button", name="Forkast utkast")).to_be_visible()
        assert session_cookie(page)["value"] == cookie["value"]  # the same session, taken up

        page.get_by_role("button", name="Logg ut").click()
        expect(page.get_by_role("heading", name="Logg inn i Vern")).to_be_visible()
        wait_for_cookie(page, gone=True)
        page.reload()
        expect(page.get_by_role("heading", name="Logg inn i Vern")).to_be_visible()
        page.context.add_cookies([{"name": "vern_session", "value": cookie["value"], "url": url}])
        page.goto(f"{url}/report")  # the old id, brought back: it ended at sign-out
        expect(page.get_by_role("heading", name="Logg inn i Vern")).to_be_visible()
        expect(page.get_by_label("Hva skjedde? (kort)")).to_have_count(0)
    assert query(db_path, "SELECT count(*) FROM sessions")[0][0] == 0
    assert query(db_path, "SELECT count(*) FROM drafts")[0][0] == 0
    actions = [row[0] for row in query(db_path, "SELECT action FROM trail WHERE actor = 'staff' ORDER BY seq")]
    assert actions[-2:] == ["sign_in", "sign_out"]  # the reload was no new sign-in


def test_a_request_draft_survives_a_new_sign_in_is_its_authors_alone_and_can_be_discarded(
        db_path, cli_demo_template, page):
    copy_template(cli_demo_template, db_path)
    with serving(db_path) as url:
        sign_in(page, f"{url}/requests", *STAFF)
        expect(page.get_by_role("heading", name="Registrer en henvendelse")).to_be_visible()
        requester = page.get_by_role("textbox", name="Hvem er det, og hvordan når vi dem?")
        requester.fill(REQUESTER)
        requester.press("Tab")
        expect(page.get_by_text(KEPT)).to_be_visible()  # the draft's first keeping

        elsewhere = page.context.browser.new_context().new_page()  # another browser: a new sign-in
        sign_in(elsewhere, f"{url}/requests", *STAFF)
        expect(elsewhere.get_by_role("textbox", name="Hvem er det, og hvordan når vi dem?")).to_have_value(REQUESTER)
        expect(elsewhere.get_by_text(KEPT)).to_be_visible()

        adviser = page.context.browser.new_context().new_page()
        sign_in(adviser, f"{url}/requests", "adviser", "vern-demo-personvern")
        expect(adviser.get_by_role("heading", name="Registrer en henvendelse")).to_be_visible()
        expect(adviser.get_by_role("textbox", name="Hvem er det, og hvordan når vi dem?")).to_have_value("")
        expect(adviser.get_by_role("button", name="Forkast utkast")).to_have_count(0)

        elsewhere.get_by_role("button", name="Forkast utkast").click()
        expect(elsewhere.get_by_role("textbox", name="Hvem er det, og hvordan når vi dem?")).to_have_value("")
        expect(elsewhere.get_by_text(KEPT)).to_have_count(0)
        elsewhere.reload()
        expect(elsewhere.get_by_role("heading", name="Registrer en henvendelse")).to_be_visible()
        expect(elsewhere.get_by_role("textbox", name="Hvem er det, og hvordan når vi dem?")).to_have_value("")
    assert query(db_path, "SELECT count(*) FROM drafts")[0][0] == 0


def test_a_draft_is_encrypted_at_rest(db_path, cli_demo_template, page):
    copy_template(cli_demo_template, db_path)
    with serving(db_path) as url:
        sign_in(page, f"{url}/report", *STAFF)
        title = page.get_by_label("Hva skjedde? (kort)")
        title.fill(TITLE)
        title.press("Tab")
        expect(page.get_by_text(KEPT)).to_be_visible()  # the draft's first keeping
        cookie = wait_for_cookie(page)
    (author, form, content), = query(db_path, "SELECT author, form, content FROM drafts")
    assert (author, form) == ("staff", "breach") and content.startswith("enc1:")
    stored = b"".join(path.read_bytes() for path in db_path.parent.glob("vern.duckdb*"))
    assert TITLE.encode() not in stored and b"Minnepinne" not in stored
    assert cookie["value"].encode() not in stored  # the id is only in the cookie; its hash is stored
    assert query(db_path, "SELECT id_hash FROM sessions") == [(hashlib.sha256(cookie["value"].encode()).hexdigest(),)]


def test_only_a_live_id_the_server_handed_out_signs_anyone_in(db_path, cli_demo_template, page, monkeypatch):
    monkeypatch.delenv("VERN_NOW")  # the real, moving clock, and an idle limit of 15 seconds
    copy_template(cli_demo_template, db_path)
    (db_path.parent / "vern.toml").write_text("[auth]\nidle_minutes = 0.25\n")
    with serving(db_path) as url:
        ids = ids_handed_out(page, url)
    stored = [row[0] for row in query(db_path, "SELECT id_hash FROM sessions")]
    assert not set(stored) & set(ids)  # ids are never stored, only their hashes
    entries = query(db_path, "SELECT action, details FROM trail WHERE actor = 'staff' AND action LIKE 'sign_%' "
                             "ORDER BY seq")
    assert [(action, json.loads(details)) for action, details in entries][-3:] == [
        ("sign_in", {"method": "password"}), ("sign_out", {"reason": "idle"}), ("sign_in", {"method": "password"})]


def ids_handed_out(page, url: str) -> list[str]:
    sign_in(page, f"{url}/report", *STAFF)
    expect(page.get_by_role("heading", name="Meld et avvik")).to_be_visible()
    signed_in = time.monotonic()
    stolen = wait_for_cookie(page)["value"]

    other = page.context.browser.new_context().new_page()
    for forged in ("x" * 43, hashlib.sha256(stolen.encode()).hexdigest()):  # unknown; the hash a reader sees
        other.context.add_cookies([{"name": "vern_session", "value": forged, "url": url}])
        other.goto(f"{url}/report")
        expect(other.get_by_role("heading", name="Logg inn i Vern")).to_be_visible()
        expect(other.get_by_role("heading", name="Meld et avvik")).to_have_count(0)
    # Signing in replaces whatever id the browser brought: no fixation.
    brought = session_cookie(other)["value"]
    sign_in(other, f"{url}/report", "adviser", "vern-demo-personvern")
    expect(other.get_by_role("heading", name="Meld et avvik")).to_be_visible()
    given = new_id(other, brought)
    assert given not in (brought, stolen)

    # Past the idle limit (15 s) without a click, a reload finds the session over.
    page.wait_for_timeout(max(0, 16 - (time.monotonic() - signed_in)) * 1000)
    page.reload()
    expect(page.get_by_role("heading", name="Logg inn i Vern")).to_be_visible()
    expect(page.get_by_text("Du ble logget ut etter 0,25 minutter uten aktivitet. Logg inn igjen.")).to_be_visible()
    third = page.context.browser.new_context().new_page()
    third.context.add_cookies([{"name": "vern_session", "value": stolen, "url": url}])
    third.goto(f"{url}/report")  # the expired id, copied elsewhere: nobody
    expect(third.get_by_role("heading", name="Logg inn i Vern")).to_be_visible()
    expect(third.get_by_role("heading", name="Meld et avvik")).to_have_count(0)

    sign_in(page, f"{url}/report", *STAFF)
    expect(page.get_by_role("heading", name="Meld et avvik")).to_be_visible()
    return [stolen, given, new_id(page, stolen)]  # a new sign-in, a new id
