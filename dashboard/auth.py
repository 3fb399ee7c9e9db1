"""Sign-in, the session guard and the role check every page makes before it draws anything.

Every rerun passes `current_user` before anything is drawn: the whole script (app.py) and
every fragment (`fragment` below). A session ends when it has been idle for
`[auth] idle_minutes` (reached at exactly that time), on sign-out, and when a local
account is disabled, removed or given other roles meanwhile. Changed roles end the
session rather than take effect in it: a fragment rerun does not pass the page's own role
check again, so a page drawn under the old roles could keep refreshing; signing in anew
is the one way roles start. A fragment's run is a refresh, not the person's activity.
"""

import functools
from datetime import timedelta

import streamlit as st

from audits.accounts import page_roles, users
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
    if user is None:
        claims = _oidc_user() if activity else None
        return _start_oidc_session(claims, now) if claims is not None else None
    ended = _ended(user, now)
    if ended:
        trail.record(vern().store, user["name"], "sign_out", user["name"], {"reason": ended})
        sign_out(quiet=True)
        st.session_state["notice"] = "auth.idle" if ended == "idle" else "auth.ended"
        return None
    if activity:
        st.session_state["last_activity"] = now
    return user


def idle_expired(last_activity, now, minutes: float) -> bool:
    """The idle limit is reached at exactly `minutes` without activity (30:00 of 30)."""
    return now - last_activity >= timedelta(minutes=minutes)


def _ended(user: dict, now) -> str | None:
    """Why this session may not go on, or None."""
    if idle_expired(st.session_state["last_activity"], now, vern().config.idle_minutes):
        return "idle"
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
    user = {"name": name, "roles": tuple(roles), "method": method}
    st.session_state["user"] = user
    st.session_state["last_activity"] = now
    return user


def sign_out(quiet: bool = False) -> None:
    user = st.session_state.pop("user", None)
    if user and not quiet:
        trail.record(vern().store, user["name"], "sign_out", user["name"])
    if user and user["method"] == "oidc":
        st.logout()


def _minutes(minutes: float) -> str:
    shown = f"{minutes:g}"
    return shown.replace(".", ",") if lang() == "nb" else shown


def sign_in_page() -> None:
    """The form; or, on a database without accounts, how to create the first admin."""
    st.title(tr("auth.title"))
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
