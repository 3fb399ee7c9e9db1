"""The re-identification form: a pseudonym, a written reason, and the trail records both."""

import streamlit as st

from audits.core import pseudonyms
from audits.core.errors import VernError
from dashboard.ui import refuse, tr, vern


def form(user: dict, pseudonym: str = "") -> None:
    with st.form(f"reidentify-{pseudonym}"):
        chosen = st.text_input(tr("pseudonyms.pseudonym"), value=pseudonym, placeholder="p-…")
        reason = st.text_area(tr("findings.reason"))
        if st.form_submit_button(tr("pseudonyms.reveal")):
            try:
                identity = pseudonyms.reidentify(vern().store, chosen, user["name"], reason)
            except VernError as error:
                refuse(error)
            else:
                st.success(tr("pseudonyms.recorded"))
                st.text(identity)
