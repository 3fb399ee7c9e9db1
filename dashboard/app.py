"""The router: sign-in first, then the pages this user's roles allow (st.navigation).

Every page is registered, so opening one by its URL reaches its own role check (a
refusal, recorded); the sidebar lists only the pages the user may open.
"""

from pathlib import Path

import streamlit as st

from audits.accounts import page_roles
from dashboard import auth
from dashboard.ui import language_switch, plain, streamlit_words, tr

ICONS = {
    "overview": "dashboard", "board": "summarize", "breaches": "crisis_alert", "report": "report_problem",
    "mine": "inbox", "requests": "contact_mail", "home": "home", "review": "checklist", "findings": "report",
    "access": "key", "training": "school", "activities": "grid_view", "retention": "auto_delete",
    "consent": "mark_email_read", "processors": "handshake", "sources": "cloud_sync", "checks": "schedule",
    "pseudonyms": "badge",
    "trail": "history", "audit": "verified", "users": "manage_accounts",
    "organisation": "corporate_fare", "backups": "backup",
}

# A local icon: a material icon as favicon is fetched from fonts.gstatic.com, and Vern must
# work with no outside network.
ICON = Path(__file__).parent / "static" / "vern.png"
st.set_page_config(page_title="Vern", page_icon=str(ICON), layout="wide")
language_switch()
streamlit_words()

pages = {
    name: st.Page(f"views/{name}.py", title=tr(f"nav.{name}"), icon=f":material/{icon}:",
                  url_path=name, default=name == "overview")
    for name, icon in ICONS.items()
}
# Every page is registered even before sign-in, so a link to one survives signing in.
chosen = st.navigation(list(pages.values()), position="hidden")
user = auth.current_user()  # the session guard: idle, signed out, account changed
if user is None:
    auth.sign_in_page()
    st.stop()

if chosen is pages["overview"] and not page_roles.allowed(user["roles"], "overview"):
    st.switch_page(pages["report"])  # the start page of someone who has no overview
with st.sidebar:
    for section, names in page_roles.sections_for(user["roles"]).items():
        st.caption(f"**{tr(f'nav.section.{section}')}**")
        for name in names:
            st.page_link(pages[name])
    st.divider()
    st.caption(plain(tr("auth.signed_in_as", name=user["name"], roles=", ".join(tr(f"role.{role}") for role in user["roles"]))))
    if st.button(tr("auth.sign_out")):
        auth.sign_out()
        st.rerun()
    auth.hand_over_cookie()  # after a sign-in: the cookie that keeps the session across a reload
chosen.run()
