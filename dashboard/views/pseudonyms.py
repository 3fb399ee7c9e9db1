"""Re-identify a pseudonym: a deliberate act of the adviser, with a reason, recorded."""

import streamlit as st

from audits import pseudonyms
from audits.errors import VernError
from dashboard import auth
from dashboard.ui import plain, tr, vern

user = auth.require("pseudonyms")
st.title(tr("pseudonyms.title"))
st.caption(tr("pseudonyms.explain"))
with st.form("reidentify"):
    pseudonym = st.text_input(tr("pseudonyms.pseudonym"), placeholder="p-…")
    reason = st.text_area(tr("findings.reason"))
    if st.form_submit_button(tr("pseudonyms.reveal")):
        try:
            identity = pseudonyms.reidentify(vern().store, pseudonym, user["name"], reason)
        except VernError as error:
            st.error(plain(error))
        else:
            st.success(tr("pseudonyms.recorded"))
            st.text(identity)
