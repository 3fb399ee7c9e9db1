"""Sign-in, the session guard and the role check every page makes before it draws anything.

Every rerun passes `current_user` before anything is drawn: the whole script (app.py) and
every fragment (`fragment` below). A session ends when it has been idle for
`[auth] idle_minutes` (reached at exactly that time), on sign-out, and when a local
account is disabled, removed or given other roles meanwhile. Changed roles end the
session rather than take effect in it: a fragment rerun does not pass the page's own role
check again, so a page drawn under the old roles could keep refreshing; signing in anew
is the one way roles start. A fragment's run is a refresh, not the person's activity.

A session lives on the server too (audits/accounts/sessions.py), named by a cookie that
holds only a random id, so a reload finds the person still signed in, under the same idle
limit. The session on the server is the one that counts: once it is gone (signed out in
another tab, replaced by a new sign-in in this browser), the page's session ends as well.
"""

import functools
from datetime import timedelta

import streamlit as st

from audits.accounts import drafts, page_roles, session_routes, sessions, users
from audits.core import clock, trail
from dashboard.ui import lang, tr, vern


def _oidc_user() -> dict | None:
    """The OpenID Connect identity from st.login, when one is configured and signed in."""
    if not vern().config.oidc_provider:
        return None
    try:
        return st.user.to_dict() if st.user.is_logged_in else None
    except Exception:  # no [auth] in secrets: st.user says so by raising
        return None


def current_user(activity: bool = True) -> dict | None:
    """The signed-in user {name, roles, method}, or None after ending a session that may not
    go on. `activity`: this rerun is the person's doing (a click, a page), which keeps the
    session alive; a fragment's refresh passes False."""
    now = clock.now()
    user = st.session_state.get("user")
    if user is None and activity:
        user = _resume()
    if user is None:
        claims = _oidc_user() if activity else None
        return _start_oidc_session(claims, now) if claims is not None else None
    ended = _ended(user, now)
    if ended == "gone":  # its end is recorded where it happened
        sign_out(quiet=True)
        st.session_state["notice"] = "auth.gone"
        return None
    if ended:
        trail.record(vern().store, user["name"], "sign_out", user["name"], {"reason": ended})
        sign_out(quiet=True)
        st.session_state["notice"] = "auth.idle" if ended == "idle" else "auth.ended"
        return None
    if activity:
        st.session_state["last_activity"] = now
        _touch(now)
    return user


def _resume() -> dict | None:
    """The session this browser's cookie names, taken up after a reload (or in a new tab); its
    idle time counts from when it was last used, so `_ended` may still end it. An unknown
    cookie signs nobody in."""
    session_id = _cookie()
    found = sessions.find(vern().store, session_id)
    if found is None:
        return None
    user = {"name": found["name"], "roles": tuple(found["roles"]), "method": found["method"]}
    st.session_state.update(user=user, last_activity=found["last_seen"], session_id=session_id)
    return user


def _cookie() -> str | None:
    """The session id this browser sent when the page was opened. (Under AppTest, with no
    browser, Streamlit's runtime is a stand-in whose cookies are no text.)"""
    value = st.context.cookies.get(sessions.COOKIE)
    return value if isinstance(value, str) else None


def _touch(now) -> None:
    """Keep the server's session alive with the page's (a page opened without one, as in
    AppTest, has nothing to keep)."""
    session_id = st.session_state.get("session_id")
    if session_id:
        sessions.touch(vern().store, session_id, now, vern().config.idle_minutes)


def idle_expired(last_activity, now, minutes: float) -> bool:
    """The idle limit is reached at exactly `minutes` without activity (30:00 of 30)."""
    return now - last_activity >= timedelta(minutes=minutes)


def _ended(user: dict, now) -> str | None:
    """Why this session may not go on, or None."""
    if idle_expired(st.session_state["last_activity"], now, vern().config.idle_minutes):
        return "idle"
    session_id = st.session_state.get("session_id")
    if session_id and not sessions.alive(vern().store, session_id):
        return "gone"
    if user["method"] != "password":
        return None  # OpenID Connect: the provider and the configuration answer for the account
    account = users.find(vern().store, user["name"])
    if account is None:
        return "removed"
    if account["disabled"]:
        return "disabled"
    if set(account["roles"]) != set(user["roles"]):
        return "roles changed"
    return None


def fragment(run_every: timedelta):
    """st.fragment for a part of a page that refreshes itself. Each run passes the session
    guard first (a fragment rerun does not pass through app.py) without counting as
    activity; a session that has ended reruns the whole app, which then shows the sign-in
    page and nothing else."""
    def decorate(draw):
        @st.fragment(run_every=run_every)
        @functools.wraps(draw)
        def guarded(*args, **kwargs):
            if current_user(activity=False) is None:
                st.rerun(scope="app")
            return draw(*args, **kwargs)
        return guarded
    return decorate


def _start_oidc_session(claims: dict, now) -> dict | None:
    """A session for the provider's identity, with the roles [auth.roles] gives it.

    Streamlit keeps the ID token's claims in a cookie for 30 days and hands them to every
    new browser session (a reload, a new tab). A session starts from them only while the ID
    token is valid (`exp`: an hour at Entra ID and Google): someone the provider has since
    disabled, or taken out of a group, loses access when the token expires, not a month later.
    """
    if not _oidc_token_valid(claims, now):
        st.session_state["notice"] = "auth.oidc_expired"
        return None
    email = str(claims.get("email") or claims.get("preferred_username") or "")
    roles = users.roles_for_claims(claims, vern().config.role_map)
    if not roles:
        trail.record(vern().store, email or "oidc", "sign_in.failed", "", {"reason": "no role", "method": "oidc"})
        st.session_state["notice"] = "auth.no_role"
        return None
    trail.record(vern().store, email, "sign_in", email, {"method": "oidc", "roles": list(roles)})
    return _start(email, roles, "oidc", now)


def _oidc_token_valid(claims: dict, now) -> bool:
    """The ID token's expiry (seconds since 1970, required by OpenID Connect) is still ahead."""
    expires = claims.get("exp")
    return isinstance(expires, int | float) and now.timestamp() < expires


def _start(name: str, roles, method: str, now) -> dict:
    """A new session, on the server too, with a new id: the one this browser's cookie held
    before is ended, never taken over. The page hands the cookie over on its next runs."""
    user = {"name": name, "roles": tuple(roles), "method": method}
    session_id = sessions.start(vern().store, name, roles, method, now, vern().config.idle_minutes,
                                replacing=_cookie())
    st.session_state.update(user=user, last_activity=now, session_id=session_id,
                            cookie_ticket=sessions.ticket(session_id, now))
    return user


def hand_over_cookie() -> None:
    """After a sign-in, the browser exchanges a one-time ticket for the session cookie
    (audits/accounts/session_routes.py). Offered on every run until it is taken: a run can be
    cut short (st.switch_page) before the browser has seen it. An empty element."""
    ticket = st.session_state.get("cookie_ticket")
    if ticket is None:
        return
    if sessions.waiting(ticket, clock.now()):
        st.html(session_routes.script("POST", ticket), unsafe_allow_javascript=True, width="content")
    else:
        del st.session_state["cookie_ticket"]


def sign_out(quiet: bool = False) -> None:
    """End the session here and on the server. Signing out on purpose (not `quiet`) also
    discards the person's drafts: they have left, perhaps a shared computer; a session that
    ended by itself (idle, account changed) keeps them for the next sign-in."""
    user = st.session_state.pop("user", None)
    sessions.end(vern().store, st.session_state.pop("session_id", None))
    st.session_state.pop("cookie_ticket", None)
    if user and not quiet:
        drafts.discard_all(vern().store, user["name"])
        trail.record(vern().store, user["name"], "sign_out", user["name"])
    for key in [key for key in st.session_state if key != "lang"]:
        del st.session_state[key]  # nothing typed stays for whoever signs in next at this screen
    if user:
        st.session_state["clear_cookie"] = True  # the sign-in page clears it
    if user and user["method"] == "oidc":
        st.logout()  # the browser goes to the provider and back, to a new session on the sign-in page
        st.stop()  # not a rerun: a rerun starting now can drop the logout before the browser has it


def _minutes(minutes: float) -> str:
    shown = f"{minutes:g}"
    return shown.replace(".", ",") if lang() == "nb" else shown


def sign_in_page() -> None:
    """The form; or, on a database without accounts, how to create the first admin."""
    st.title(tr("auth.title"))
    if st.session_state.pop("clear_cookie", False):
        st.html(session_routes.script("DELETE"), unsafe_allow_javascript=True, width="content")
    notice = st.session_state.pop("notice", None)
    if notice:
        st.warning(tr(notice, minutes=_minutes(vern().config.idle_minutes)))
    provider = vern().config.oidc_provider
    if users.count(vern().store) == 0 and not provider:
        st.info(tr("auth.no_users"))
        st.code("vern users add NAME --role admin", language="bash")
        return
    if provider and st.button(tr("auth.oidc"), type="primary"):
        st.login(provider)
    with st.form("sign-in"):
        name = st.text_input(tr("auth.username"))
        password = st.text_input(tr("auth.password"), type="password")
        if st.form_submit_button(tr("auth.sign_in")):
            result = users.authenticate(vern().store, name, password)
            if result.ok:
                _start(result.username, result.roles, "password", clock.now())
                st.rerun()
            st.error(tr("auth.refused"))  # one answer, whatever the reason (the trail has it)


def require(page: str) -> dict:
    """Stop here, recorded, unless the signed-in user's role may open `page`."""
    user = st.session_state.get("user")
    if user is None or not page_roles.allowed(user["roles"], page):
        who = user["name"] if user else "anonymous"
        trail.record(vern().store, who, "access.denied", page)
        st.error(tr("auth.denied"))
        st.stop()
    return user
