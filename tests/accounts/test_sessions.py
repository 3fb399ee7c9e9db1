"""Sessions that end, on a fixed clock through Streamlit's AppTest: the idle limit (reached at
exactly 30:00), a refresh that is not activity, sign-out, and an account disabled, removed
or given other roles meanwhile. The browser proves the auto-refreshing page in
test_browser_sessions.py."""

from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from audits.accounts import users
from audits.core import clock, trail

SIGN_IN = "Logg inn i Vern"
IDLE = "Du ble logget ut etter 30 minutter uten aktivitet. Logg inn igjen."
ENDED = "Økten ble avsluttet fordi kontoen din ble endret. Logg inn igjen."


def at_time(monkeypatch, oslo: str) -> None:
    monkeypatch.setenv("VERN_NOW", f"2026-11-24T{oslo}+01:00")


def last_sign_out(store) -> tuple:
    entry = trail.listing(store, action="sign_out", limit=1)[0]
    return entry["actor"], entry["details"]


# The dashboard fixture signs in at 12:00:00 Oslo time (conftest.FIXED_NOW).
@pytest.mark.parametrize(("oslo", "signed_in"), [("12:29:59", True), ("12:30:00", False), ("12:30:01", False)])
def test_the_idle_limit_is_reached_at_exactly_thirty_minutes(dashboard, vern, monkeypatch, oslo, signed_in):
    at = dashboard(roles=("adviser",))
    at_time(monkeypatch, oslo)
    at.run()
    assert ("user" in at.session_state) is signed_in
    if signed_in:
        assert at.title[0].value == "Oversikt"
        assert at.session_state["last_activity"] == clock.parse_instant(f"2026-11-24T{oslo}+01:00")
    else:
        assert [t.value for t in at.title] == [SIGN_IN]
        assert [w.value for w in at.warning] == [IDLE]
        assert not at.sidebar.get("page_link")  # nothing of the app is left
        assert last_sign_out(vern.store) == ("adviser", {"reason": "idle"})


def test_activity_keeps_the_session_alive(dashboard, vern, monkeypatch):
    at = dashboard(roles=("adviser",))
    at_time(monkeypatch, "12:29:00")
    at.run()  # a click: the idle time starts again
    at_time(monkeypatch, "12:58:59")
    at.run()
    assert at.session_state["user"]["name"] == "adviser"
    at_time(monkeypatch, "13:28:59")
    at.run()
    assert "user" not in at.session_state  # 30:00 after the click at 12:58:59


def refreshing_script() -> None:
    """What a fragment's refresh runs first: the guard, not counted as activity."""
    import streamlit as st

    from dashboard import auth

    st.text("signed in" if auth.current_user(activity=False) else "signed out")


def test_a_refresh_is_not_activity(vern, monkeypatch):
    users.add(vern.store, "test", "adviser", ["adviser"], "a long test password")
    at = AppTest.from_function(refreshing_script, default_timeout=30)
    at.session_state["user"] = {"name": "adviser", "roles": ("adviser",), "method": "password"}
    at.session_state["last_activity"] = clock.now()
    for oslo in ("12:10:00", "12:20:00", "12:29:59"):
        at_time(monkeypatch, oslo)
        at.run()
        assert [t.value for t in at.text] == ["signed in"], oslo
    assert at.session_state["last_activity"] == datetime.fromisoformat("2026-11-24T12:00:00+01:00")
    at_time(monkeypatch, "12:30:00")
    at.run()
    assert [t.value for t in at.text] == ["signed out"]
    assert at.session_state["notice"] == "auth.idle"
    assert last_sign_out(vern.store) == ("adviser", {"reason": "idle"})


def remove_adviser(store) -> None:
    with store.transaction() as tx:
        tx.execute("DELETE FROM users WHERE username = 'adviser'")


@pytest.mark.parametrize(("change", "reason"), [
    (lambda store: users.set_disabled(store, "admin", "adviser", True), "disabled"),
    (lambda store: users.set_roles(store, "admin", "adviser", ["board"]), "roles changed"),
    (lambda store: users.set_roles(store, "admin", "adviser", ["adviser", "admin"]), "roles changed"),
    (remove_adviser, "removed"),
])
def test_a_changed_account_ends_its_session_at_the_next_rerun(dashboard, vern, change, reason):
    """Changed roles sign the person out rather than take effect in the running session."""
    at = dashboard(roles=("adviser",))
    change(vern.store)
    at.run()
    assert "user" not in at.session_state
    assert [t.value for t in at.title] == [SIGN_IN]
    assert [w.value for w in at.warning] == [ENDED]
    assert last_sign_out(vern.store) == ("adviser", {"reason": reason})


def test_the_same_roles_in_another_order_keep_the_session(dashboard, vern):
    at = dashboard(roles=("adviser", "board"))
    users.set_roles(vern.store, "admin", "adviser-board", ["board", "adviser"])
    at.run()
    assert at.session_state["user"]["name"] == "adviser-board"
    assert trail.listing(vern.store, action="sign_out") == []


def test_sign_out(dashboard, vern):
    at = dashboard(roles=("board",))
    at.sidebar.button[0].click().run()
    assert "user" not in at.session_state
    assert [t.value for t in at.title] == [SIGN_IN]
    entry = trail.listing(vern.store, action="sign_out", limit=1)[0]
    assert (entry["actor"], entry["details"]) == ("board", {})
