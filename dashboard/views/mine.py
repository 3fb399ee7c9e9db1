"""My breaches: what I reported, where it stands, and what I learned since."""

import streamlit as st

from audits.breaches import register as breaches
from audits.core.errors import VernError
from dashboard import auth
from dashboard.breach_ui import facts, status_line, timeline
from dashboard.ui import plain, refuse, tr, vern

user = auth.require("mine")
st.title(tr("mine.title"))
# Newest first: the one just logged is the one its reporter comes back for.
records = sorted(breaches.listing(vern().store, reporter=user["name"]), key=lambda r: r["id"], reverse=True)
if not records:
    st.info(tr("mine.none"))
for record in records:
    with st.expander(plain(status_line(record)), expanded=len(records) == 1):
        facts(record)
        timeline(record)
        if record["status"] != "closed":
            with st.form(f"add-{record['id']}", clear_on_submit=True):
                information = st.text_area(tr("mine.add"))
                if st.form_submit_button(tr("mine.save")):
                    try:
                        breaches.add_information(vern().store, user["name"], record["id"], information)
                    except VernError as error:
                        refuse(error)
                    else:
                        st.success(tr("mine.saved"))
