"""My page: what this person can do in Vern, in plain words."""

import streamlit as st

from dashboard import auth
from dashboard.ui import plain, tr

user = auth.require("home")
st.title(plain(tr("home.title", name=user["name"])))
for role in user["roles"]:
    st.markdown(f"**{tr('role.' + role)}** — {tr('home.' + role)}")
st.info(tr("home.breach"))
st.info(tr("home.request"))
