"""My page: what this person can do in Vern, in plain words."""

import streamlit as st

from dashboard import auth
from dashboard.ui import say, tr

user = auth.require("home")
st.title(say("home.title", name=user["name"]), anchor=False)  # no link named after it
for role in user["roles"]:
    st.markdown(f"**{tr('role.' + role)}** — {tr('home.' + role)}")
st.info(tr("home.breach"))
st.info(tr("home.request"))
