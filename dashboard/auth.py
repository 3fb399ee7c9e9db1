"""Sign-in, idle timeout and the role check every page makes before it draws anything."""

from datetime import timedelta

import streamlit as st

from audits import access, clock, trail, users
from dashboard.ui import tr, vern


def _oidc_user() -> dict | None:
    """The OpenID Connect identity from st.login, when one is configured and signed in."""
    if not vern().config.oidc_provider:
        return None
    try:
        return st.user.to_dict() if st.user.is_logged_in else None
    except Exception:  # no [auth] in secrets: st.user says so by raising
        return None


def current_user() -> dict | None:
    """The signed-in user {name, roles, method}, or None; ends idle sessions."""
    now = clock.now()
    user = st.session_state.get("user")
    if user is not None:
        idle = timedelta(minutes=vern().config.idle_minutes)
        if now - st.session_state["last_activity"] > idle:
            trail.record(vern().store, user["name"], "sign_out", user["name"], {"reason": "idle"})
            sign_out(quiet=True)
            st.session_state["notice"] = "auth.idle"
            return None
        if user["method"] == "password" and not _still_active(user["name"]):
            sign_out(quiet=True)
            return None
        st.session_state["last_activity"] = now
        return user
    claims = _oidc_user()
    if claims is not None:
        return _start_oidc_session(claims, now)
    return None


def _still_active(name: str) -> bool:
    rows = [u for u in users.listing(vern().store) if u["username"] == name]
    return bool(rows) and not rows[0]["disabled"]


def _start_oidc_session(claims: dict, now) -> dict | None:
    email = str(claims.get("email") or claims.get("preferred_username") or "")
    roles = users.roles_for_claims(claims, vern().config.role_map)
    if not roles:
        trail.record(vern().store, email or "oidc", "sign_in.failed", "", {"reason": "no role", "method": "oidc"})
        st.session_state["notice"] = "auth.no_role"
        return None
    trail.record(vern().store, email, "sign_in", email, {"method": "oidc", "roles": list(roles)})
    return _start(email, roles, "oidc", now)


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


def sign_in_page() -> None:
    """The form; or, on a database without accounts, how to create the first admin."""
    st.title(tr("auth.title"))
    notice = st.session_state.pop("notice", None)
    if notice:
        st.warning(tr(notice))
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
            st.error(tr(f"auth.refused.{result.reason}"))


def require(page: str) -> dict:
    """Stop here, recorded, unless the signed-in user's role may open `page`."""
    user = st.session_state.get("user")
    if user is None or not access.allowed(user["roles"], page):
        who = user["name"] if user else "anonymous"
        trail.record(vern().store, who, "access.denied", page)
        st.error(tr("auth.denied"))
        st.stop()
    return user
