"""The audit trail: its signed head, verifying the chain (every break and the segment after
it), and the entries, filtered."""

import pandas as pd
import streamlit as st

from audits.core import clock, trail, trail_chain
from dashboard import auth
from dashboard.ui import lang, tr, vern

auth.require("trail")
st.title(tr("trail.title"))
store = vern().store

st.caption(trail.head_line(trail.signed_head(store), lang()))
if st.button(tr("trail.verify")):
    verdict = trail.examine(store)
    for found in verdict.breaks:
        st.error(trail_chain.words(found, lang()))
        if found.resumed_at:
            st.info(tr("trail.resumed", seq=found.resumed_at))
    newest = verdict.segments[-1]
    if not verdict.breaks:
        st.success(tr("trail.intact", count=verdict.intact))
    elif newest.problem is None:
        st.success(tr("trail.segment_intact", first=newest.first, count=newest.intact))

left, right = st.columns(2)
actor = left.text_input(tr("col.actor"))
action = right.text_input(tr("trail.action"))
rows = trail.listing(store, actor=actor.strip() or None, action=action.strip() or None, limit=500)
st.dataframe(pd.DataFrame([{
    "#": r["seq"], tr("col.when"): clock.show(clock.parse_instant(r["at_utc"])), tr("col.actor"): r["actor"],
    tr("trail.action"): r["action"], tr("trail.object"): r["object"],
    tr("trail.details"): ", ".join(f"{k}={v}" for k, v in r["details"].items()),
} for r in rows]), hide_index=True, width="stretch")
