"""The processor register: agreements, countries, transfer mechanisms, open findings."""

import streamlit as st

from audits.processors import register as processors
from dashboard import auth
from dashboard.tables import table
from dashboard.ui import day, tr, vern

auth.require("processors")
st.title(tr("processors.title"))
register = processors.register(vern().store)
if not register:
    st.info(tr("processors.none"))
    st.stop()

open_by_subject = processors.open_findings_by_subject(vern().store)
st.caption(tr("processors.count", n=len(register)))
# Who, the open findings and the agreement's dates first; then where the data goes. Short
# column names, the full ones in their help, so every column fits beside the sidebar.
name, service, found, signed, expires, reviewed, outside, mechanism, dpf, countries = (tr(key) for key in (
    "col.name", "col.service", "processors.col.findings", "processors.col.signed", "processors.col.expires",
    "processors.col.reviewed", "processors.outside_eea", "processors.col.mechanism", "processors.col.dpf",
    "col.countries"))


def on(value) -> str:
    return day(value) if value else "—"


table([{
    name: row["name"], service: row["service"],
    found: open_by_subject.get(processors.subject(row["name"], row["service"]), 0),
    signed: on(row["dpa_signed_on"]), expires: on(row["dpa_expires_on"]), reviewed: on(row["last_reviewed_on"]),
    outside: ", ".join(row["outside_eea"]) or "—",
    mechanism: tr(f"mechanism.{row['transfer_mechanism']}") if row["transfer_mechanism"] else "—",
    dpf: {True: "✓", False: "✗", None: ""}[row["dpf_certified"]],
    countries: ", ".join(row["countries"]),
} for row in register],
    {name: 120, service: 100, found: 50, signed: 85, expires: 85, reviewed: 90, outside: 80, mechanism: 112,
     dpf: 40, countries: 55},
    helps={found: tr("col.findings"), signed: tr("col.dpa_signed_on"), expires: tr("col.dpa_expires_on"),
           reviewed: tr("col.last_reviewed_on"), mechanism: tr("col.mechanism"), dpf: tr("col.dpf")},
    wrap=True)
