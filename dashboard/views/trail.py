"""The audit trail: filter it, verify the chain, read the head hash."""

import pandas as pd
import streamlit as st

from audits import trail
from dashboard import auth
from dashboard.ui import tr, vern

auth.require("trail")
st.title(tr("trail.title"))
store = vern().store

head = trail.head(store)
st.markdown(f"**{tr('trail.head')}:** `{head['hash'] if head else trail.GENESIS}`")
if st.button(tr("trail.verify")):
    count, problem = trail.verify(store)
    if problem:
        st.error(tr("trail.broken", count=count, problem=problem))
    else:
        st.success(tr("trail.intact", count=count))

left, right = st.columns(2)
actor = left.text_input(tr("col.actor"))
action = right.text_input(tr("trail.action"))
rows = trail.listing(store, actor=actor.strip() or None, action=action.strip() or None, limit=500)
st.dataframe(pd.DataFrame([{
    "#": r["seq"], tr("col.when"): r["at_utc"], tr("col.actor"): r["actor"],
    tr("trail.action"): r["action"], tr("trail.object"): r["object"],
    tr("trail.details"): ", ".join(f"{k}={v}" for k, v in r["details"].items()),
} for r in rows]), hide_index=True, width="stretch")
