"""The router: builds the page list and runs the chosen page (st.navigation)."""

import streamlit as st

from dashboard.ui import language_switch, tr

st.set_page_config(page_title="Vern", page_icon=":material/shield:", layout="wide")
language_switch()

pages = [
    st.Page("pages/overview.py", title=tr("nav.overview"), icon=":material/dashboard:", default=True),
    st.Page("pages/findings.py", title=tr("nav.findings"), icon=":material/report:"),
    st.Page("pages/processors.py", title=tr("nav.processors"), icon=":material/handshake:"),
    st.Page("pages/checks.py", title=tr("nav.checks"), icon=":material/schedule:"),
]
st.navigation(pages).run()
