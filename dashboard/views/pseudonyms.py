"""Re-identify a pseudonym: a deliberate act of the adviser, with a reason, recorded."""

import streamlit as st

from dashboard import auth, reidentify
from dashboard.ui import tr

user = auth.require("pseudonyms")
st.title(tr("pseudonyms.title"))
st.caption(tr("pseudonyms.explain"))
reidentify.form(user)
