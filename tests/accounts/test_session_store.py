"""The server's half of a session that survives a reload (audits.accounts.sessions) and the
two HTTP answers that set and clear its cookie (audits.accounts.session_routes), on a real
database file and a fixed clock; the browser proves the whole in
tests/dashboard/test_browser_reload.py."""

import asyncio
import concurrent.futures
import hashlib
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette

from audits.accounts import drafts, session_routes, sessions, users
from audits.core import clock, trail

NOW = clock.parse_instant("2026-11-24T12:00:00+01:00")


def stored(store) -> list[dict]:
    return store.rows("SELECT * FROM sessions ORDER BY created_at")


def test_the_cookie_id_is_random_and_only_its_hash_is_stored(vern):
    first = sessions.start(vern.store, "kari", ["adviser"], "password", NOW, 30)
    second = sessions.start(vern.store, "kari", ["adviser"], "password", NOW, 30)
    assert first != second and len(first) == 43  # secrets.token_urlsafe(32)
    rows = stored(vern.store)
    assert {r["id_hash"] for r in rows} == {hashlib.sha256(i.encode()).hexdigest() for i in (first, second)}
    assert rows[0]["expires_at"] == NOW + timedelta(minutes=30)
    assert sessions.find(vern.store, first) == {"name": "kari", "roles": ["adviser"], "method": "password",
                                                "last_seen": NOW, "expires_at": NOW + timedelta(minutes=30)}
    assert sessions.find(vern.store, rows[0]["id_hash"]) is None  # the stored hash signs nobody in
    assert sessions.find(vern.store, "x" * 43) is None
    assert sessions.find(vern.store, None) is None


def test_a_sign_in_ends_the_session_the_browser_brought(vern):
    brought = sessions.start(vern.store, "kari", ["adviser"], "password", NOW, 30)
    new = sessions.start(vern.store, "ola", ["staff"], "password", NOW, 30, replacing=brought)
    assert sessions.find(vern.store, brought) is None
    assert sessions.find(vern.store, new)["name"] == "ola"


def test_use_moves_the_expiry_and_an_ended_session_stays_ended(vern):
    session_id = sessions.start(vern.store, "kari", ["adviser"], "password", NOW, 30)
    later = NOW + timedelta(minutes=20)
    assert sessions.touch(vern.store, session_id, later, 30)
    assert sessions.find(vern.store, session_id)["expires_at"] == later + timedelta(minutes=30)
    sessions.end(vern.store, session_id)
    assert not sessions.alive(vern.store, session_id)
    assert not sessions.touch(vern.store, session_id, later, 30)  # not brought back by use
    assert stored(vern.store) == []


def test_expired_sessions_are_removed_a_day_later_at_a_sign_in_and_recorded_as_idle(vern):
    old = sessions.start(vern.store, "kari", ["adviser"], "password", NOW, 30)  # expires at 12:30
    a_day_later = NOW + timedelta(minutes=30, days=1)
    sessions.start(vern.store, "ola", ["staff"], "password", a_day_later - timedelta(seconds=1), 30)
    assert sessions.find(vern.store, old)["name"] == "kari"  # still there to say why it ended
    assert trail.listing(vern.store, action="sign_out") == []
    sessions.start(vern.store, "per", ["board"], "password", a_day_later, 30)
    assert sessions.find(vern.store, old) is None
    assert sorted(r["username"] for r in stored(vern.store)) == ["ola", "per"]
    entry = trail.listing(vern.store, action="sign_out")[-1]
    assert (entry["actor"], entry["object"], entry["details"]) == ("kari", "kari", {"reason": "idle"})


def test_the_hourly_job_removes_sessions_expired_for_a_day_without_waiting_for_a_sign_in(vern):
    old = sessions.start(vern.store, "kari", ["adviser"], "password", NOW, 30)
    sessions.prune(vern.store, NOW + timedelta(minutes=30, days=1) - timedelta(seconds=1))
    assert sessions.find(vern.store, old)["name"] == "kari"
    sessions.prune(vern.store, NOW + timedelta(minutes=30, days=1))
    assert stored(vern.store) == []
    [entry] = trail.listing(vern.store, action="sign_out")
    assert (entry["actor"], entry["details"]) == ("kari", {"reason": "idle"})


def test_a_disabled_account_loses_its_drafts_at_once(vern):
    users.add(vern.store, "admin", "kari", ["staff"], "et langt og godt passord")
    users.add(vern.store, "admin", "ola", ["staff"], "et annet langt passord")
    drafts.keep(vern.store, "kari", "breach", {"title": "halvskrevet"}, NOW)
    drafts.keep(vern.store, "ola", "breach", {"title": "hans egen"}, NOW)
    users.set_disabled(vern.store, "admin", "kari", True)
    assert drafts.get(vern.store, "kari", "breach") is None
    assert drafts.get(vern.store, "ola", "breach")["content"] == {"title": "hans egen"}


def test_a_ticket_carries_its_session_id_once_and_for_a_minute_only():
    ticket = sessions.ticket("the-id", NOW)
    assert sessions.waiting(ticket, NOW)
    assert sessions.redeem(ticket, NOW + timedelta(seconds=59)) == "the-id"
    assert not sessions.waiting(ticket, NOW)
    assert sessions.redeem(ticket, NOW) is None  # once
    lapsed = sessions.ticket("the-id", NOW)
    assert not sessions.waiting(lapsed, NOW + timedelta(minutes=1))
    assert sessions.redeem(lapsed, NOW + timedelta(minutes=1)) is None
    assert sessions.redeem("unknown", NOW) is None


# -- the routes ---------------------------------------------------------------------------------
class Client:
    """The routes in a Starlette app, asked through httpx's ASGI transport (no socket)."""

    def __init__(self, base_url: str):
        self.app, self.base_url = Starlette(routes=session_routes.ROUTES), base_url

    def request(self, method: str, **kwargs) -> httpx.Response:
        async def ask():
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=self.base_url) as client:
                return await client.request(method, "/_vern/session", **kwargs)
        # In a thread of its own: a browser test's Playwright may hold this thread's event loop.
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, ask()).result()

    def post(self, path: str, **kwargs) -> httpx.Response:
        return self.request("POST", **kwargs)

    def delete(self, path: str, **kwargs) -> httpx.Response:
        return self.request("DELETE", **kwargs)


@pytest.fixture
def client(db_path):  # db_path: the clock fixed at conftest.FIXED_NOW
    return Client("http://vern.test")


OURS = {"Origin": "http://vern.test", "X-Vern-Session": "1"}


def set_cookie(response) -> str:
    return response.headers.get("set-cookie", "")


def test_a_ticket_is_exchanged_for_an_httponly_strict_cookie_once(client):
    ticket = sessions.ticket("the-session-id", clock.now())
    response = client.post("/_vern/session", content=ticket, headers=OURS)
    assert response.status_code == 204
    parts = [part.strip() for part in set_cookie(response).split(";")]
    assert parts[0] == "vern_session=the-session-id"
    assert {"HttpOnly", "Path=/", "SameSite=strict"} <= set(parts) and "Secure" not in parts  # plain http
    again = client.post("/_vern/session", content=ticket, headers=OURS)
    assert again.status_code == 403 and not set_cookie(again)


@pytest.mark.parametrize("headers", [
    {"X-Vern-Session": "1"},  # no Origin
    {"Origin": "https://elsewhere.example", "X-Vern-Session": "1"},  # another site
    {"Origin": "http://vern.test"},  # a plain form cannot send the header
])
def test_only_the_dashboards_own_page_is_heard(client, headers):
    ticket = sessions.ticket("the-session-id", clock.now())
    response = client.post("/_vern/session", content=ticket, headers=headers)
    assert response.status_code == 403 and not set_cookie(response)
    assert client.delete("/_vern/session", headers=headers).status_code == 403
    assert sessions.waiting(ticket, clock.now())  # not spent by a refused request


@pytest.mark.parametrize(("base", "forwarded"), [("https://vern.test", None), ("http://vern.test", "https")])
def test_the_cookie_is_secure_over_https(db_path, base, forwarded):
    client = Client(base)
    headers = {"Origin": base, "X-Vern-Session": "1", **({"X-Forwarded-Proto": forwarded} if forwarded else {})}
    response = client.post("/_vern/session", content=sessions.ticket("id", clock.now()), headers=headers)
    assert "Secure" in [part.strip() for part in set_cookie(response).split(";")]


def test_sign_out_clears_the_cookie(client):
    response = client.delete("/_vern/session", headers=OURS)
    assert response.status_code == 204
    parts = [part.strip() for part in set_cookie(response).split(";")]
    assert parts[0] == 'vern_session=""' and "Max-Age=0" in parts and "HttpOnly" in parts


# -- the page's half (Streamlit's AppTest: no browser, so no cookie) ----------------------------
def test_a_sign_in_starts_a_session_on_the_server_and_offers_its_cookie(vern):
    from streamlit.testing.v1 import AppTest

    from audits.accounts import users
    from conftest import APP

    users.add(vern.store, "test", "ola", ["staff"], "a long test password")
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.text_input[0].input("ola")
    at.text_input[1].input("a long test password")
    at.button[0].click().run()
    session_id, ticket = at.session_state["session_id"], at.session_state["cookie_ticket"]
    assert sessions.find(vern.store, session_id)["name"] == "ola"
    assert sessions.waiting(ticket, clock.now())
    assert [h.proto.body for h in at.get("html") if "_vern/session" in h.proto.body] == [
        session_routes.script("POST", ticket)]  # offered until the browser takes it
    assert session_id not in str([h.proto.body for h in at.get("html")])  # the page shows the ticket only
    assert sessions.redeem(ticket, clock.now()) == session_id
    at.run()
    assert "cookie_ticket" not in at.session_state
    assert not [h for h in at.get("html") if "_vern/session" in h.proto.body]

    next(b for b in at.sidebar.button if b.label == "Logg ut").click().run()
    assert sessions.find(vern.store, session_id) is None
    assert [h.proto.body for h in at.get("html") if "_vern/session" in h.proto.body] == [
        session_routes.script("DELETE")]  # the sign-in page clears the cookie


def test_a_session_ended_on_the_server_ends_the_page_too(dashboard, vern):
    at = dashboard("report", roles=("staff",))
    session_id = sessions.start(vern.store, "staff", ["staff"], "password", clock.now(), 30)
    at.session_state["session_id"] = session_id
    at.run()
    assert at.session_state["user"]["name"] == "staff"
    sessions.end(vern.store, session_id)  # signed out in another tab
    before = len(trail.listing(vern.store))
    at.run()
    assert "user" not in at.session_state
    assert [w.value for w in at.warning] == [
        "Økten er avsluttet, i en annen fane eller ved en ny innlogging. Logg inn igjen."]
    assert len(trail.listing(vern.store)) == before  # recorded where it ended
