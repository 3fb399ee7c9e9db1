"""The audit trail: its signed head, verifying the chain (every break and the segment after
it), and the entries, filtered."""

import streamlit as st

from audits.core import trail, trail_chain
from dashboard import auth
from dashboard.tables import table
from dashboard.ui import lang, own_labels, tr, vern, when

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
action_name = own_labels("trail.did")
key_name = own_labels("trail.key")
# A recorded value by its name where the catalogue has one; the first that knows it wins.
VALUE_NAMES = [own_labels("trail.value"), own_labels("breaches.recipient"), own_labels("level"), own_labels("run"),
               own_labels("role"), own_labels("requests.kind"), own_labels("record_category"),
               own_labels("organisation.field")]


def value_name(value) -> str:
    if isinstance(value, bool):
        return tr(f"yes_no.{value}")
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(value_name(inner) for inner in value)
    return next((name(value) for name in VALUE_NAMES if name(value) != str(value)), str(value))


def object_name(name: str) -> str:
    """A check by its title (a run names it by id); other objects as recorded."""
    check = vern().checks.get(name)
    return check.title(lang()) if check else name


def details(recorded: dict) -> str:
    """What the entry recorded, in words: 'til: Datatilsynet, fase: 1'."""
    return ", ".join(f"{key_name(key)}: {value_name(value)}" for key, value in recorded.items())


rows = trail.listing(store, actor=actor.strip() or None, action=action.strip() or None, limit=500)
when_, actor_, action_, object_, details_ = (tr(key) for key in (
    "col.when", "col.actor", "trail.action", "trail.object", "trail.details"))
# The details get the room and wrap: what was recorded is read in full, not cut at the edge.
table([{
    "#": r["seq"], when_: when(r["at_utc"]), actor_: trail.actor_name(r["actor"], lang()), action_: action_name(r["action"]),
    object_: object_name(r["object"]), details_: details(r["details"]),
} for r in rows], {"#": 45, when_: 95, actor_: 140, action_: 110, object_: 140, details_: 280}, wrap=True)
