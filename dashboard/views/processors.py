"""The processor register: agreements, countries, transfer mechanisms, open findings."""

import pandas as pd
import streamlit as st

from audits.processors import register as processors
from dashboard import auth
from dashboard.ui import day, tr, vern

auth.require("processors")
st.title(tr("processors.title"))
register = processors.register(vern().store)
if not register:
    st.info(tr("processors.none"))
    st.stop()

open_by_subject = processors.open_findings_by_subject(vern().store)
st.caption(tr("processors.count", n=len(register)))
st.dataframe(
    pd.DataFrame([{
        tr("col.name"): row["name"],
        tr("col.service"): row["service"],
        tr("col.countries"): ", ".join(row["countries"]),
        tr("processors.outside_eea"): ", ".join(row["outside_eea"]),
        tr("col.mechanism"): tr(f"mechanism.{row['transfer_mechanism']}") if row["transfer_mechanism"] else "—",
        tr("col.dpf"): {True: "✓", False: "✗", None: ""}[row["dpf_certified"]],
        tr("col.dpa_signed_on"): day(row["dpa_signed_on"]) if row["dpa_signed_on"] else "—",
        tr("col.dpa_expires_on"): day(row["dpa_expires_on"]) if row["dpa_expires_on"] else "—",
        tr("col.last_reviewed_on"): day(row["last_reviewed_on"]) if row["last_reviewed_on"] else "—",
        tr("col.findings"): open_by_subject.get(processors.subject(row["name"], row["service"]), 0),
    } for row in register]),
    hide_index=True, width="stretch")
