"""The adviser's weekly review: the queue of everything that wants a decision, most urgent
first, filterable by area and kind, with decisions on one item or many of one kind; and
"this week": what changed and what was decided since the last review."""

from functools import partial

import pandas as pd
import streamlit as st

from audits.accounts import users
from audits.checking.registry import area_title, installed
from audits.core import clock, trail
from audits.core.errors import VernError
from audits.reporting import digest, review
from dashboard import auth
from dashboard.tables import table
from dashboard.ui import choose, date_format, day, labels, lang, refuse, tr, vern, when

user = auth.require("review")
store, config = vern().store, vern().config
st.title(tr("review.title"))
st.caption(tr("review.explain"))
if "review_flash" in st.session_state:
    st.success(st.session_state.pop("review_flash"))



queue_tab, week_tab = st.tabs([tr("review.tab.queue"), tr("review.tab.week")])
area_name, kind_name, action_name = partial(area_title, lang=lang()), labels("review.kind"), labels("review.action")
with queue_tab:
    areas = sorted({check.area for check in installed().values()} | {"breaches"})
    pick_area, pick_kind = st.columns(2)
    area = pick_area.selectbox(tr("review.area"), [None, *areas], format_func=lambda a: tr("review.all")
                               if a is None else area_name(a), placeholder=tr("widget.choose_one"))
    kind = pick_kind.selectbox(tr("review.kind"), [None, *review.KINDS], format_func=lambda k: tr("review.all")
                               if k is None else kind_name(k), placeholder=tr("widget.choose_one"))
    found = review.queue(store, config, area, kind)
    counts = pd.DataFrame(found["counts"], columns=["area", "kind", "urgency", "n"])
    total, critical, high = st.columns(3)
    total.metric(tr("review.total"), found["total"])
    critical.metric(tr("severity.critical"), int(counts.loc[counts["urgency"] == "critical", "n"].sum()))
    high.metric(tr("severity.high"), int(counts.loc[counts["urgency"] == "high", "n"].sum()))
    items = found["items"]
    if not items:
        st.success(tr("review.empty"))
    else:
        described = {row["item"]: digest.item_text(row, lang()) for row in items}
        # What wants a decision first, in full (wrapped); then when, who and where.
        severity, item, due, status, assignee, where, what = (tr(key) for key in (
            "col.severity", "review.item", "review.due", "col.status", "review.assignee", "review.area", "review.kind"))
        table([{
            severity: tr(f"severity.{row['urgency']}"), item: described[row["item"]],
            due: day(row["assigned_due"]) if row["assigned_due"] else "",
            status: tr(f"review.status.{row['status']}") + (" ↺" if row["reopened"] else ""),
            assignee: row["assignee"] or "", where: area_name(row["area"]), what: kind_name(row["kind"]),
        } for row in items], {severity: 80, item: 320, due: 85, status: 55, assignee: 80, where: 100, what: 90},
            wrap=True)
        if found["matching"] > len(items):
            st.caption(tr("review.more", shown=len(items), total=found["matching"]))

        st.subheader(tr("review.decide"))
        every = kind is not None and st.checkbox(tr("review.all_shown", n=len(items), kind=kind_name(kind)))
        chosen = [row["item"] for row in items] if every else st.multiselect(
            tr("review.choose"), list(described), format_func=lambda i: described[i][:120], **choose())
        people = [u["username"] for u in users.listing(store) if not u["disabled"]]
        with st.form("decide"):
            action = st.radio(tr("review.action"), review.ACTIONS, format_func=action_name, horizontal=True)
            note = st.text_area(tr("review.note"), help=tr("review.note_help"))
            note_slot = st.empty()
            left, middle, right = st.columns(3)
            assignee = left.selectbox(tr("review.assignee"), people, index=None, placeholder=tr("widget.choose_one"))
            due_on = middle.date_input(tr("review.due"), value=None, format=date_format())
            review_on = right.date_input(tr("review.review_on"), value=None, format=date_format())
            if st.form_submit_button(tr("review.apply")):
                try:
                    n = review.decide(store, config, user["name"], chosen, action, note, assignee, due_on, review_on)
                except VernError as error:
                    refuse(error, {"note": note_slot})
                else:
                    st.session_state["review_flash"] = tr("review.decided", n=n, action=action_name(action))
                    st.rerun()

with week_tab:
    week = review.this_week(store)
    last = review.last_review(store)
    st.caption(tr("review.since", since=when(week["since"])) if last else tr("review.since_week"))
    new, reopened, closed, logged = st.columns(4)
    new.metric(tr("review.change.new"), week["counts"].get("new", 0))
    reopened.metric(tr("review.change.reopened"), week["counts"].get("reopened", 0))
    closed.metric(tr("review.change.closed"), week["counts"].get("closed", 0))
    logged.metric(tr("review.breaches_logged"), week["breaches_logged"])
    if week["changes"]:
        table([{
            tr("col.severity"): tr(f"severity.{row['severity']}"),
            tr("col.message"): row["message_nb"] if lang() == "nb" else row["message_en"],
            tr("review.change"): tr(f"review.change.{row['change']}"), tr("review.when"): when(row["happened_at"]),
        } for row in week["changes"]], {tr("col.severity"): 70, tr("col.message"): 470, tr("review.change"): 90,
                                         tr("review.when"): 170}, wrap=True)
    st.subheader(tr("review.decisions"))
    if week["decisions"]:
        table([{
            tr("review.action"): tr(f"review.past.{row['action']}"), tr("review.item"): review.item_name(store, row["item"], lang()),
            tr("review.note"): row["note"] or "", tr("review.assignee"): row["assignee"] or "",
            tr("review.by"): trail.actor_name(row["actor"], lang()), tr("review.when"): when(row["decided_at"]),
        } for row in week["decisions"]], {tr("review.action"): 90, tr("review.item"): 220, tr("review.note"): 200,
                                           tr("review.assignee"): 80, tr("review.by"): 70,
                                           tr("review.when"): 140}, wrap=True)
    else:
        st.caption(tr("review.no_decisions"))
    done, download = st.columns(2)
    if done.button(tr("review.hold")):
        review.hold(store, user["name"])
        st.session_state["review_flash"] = tr("review.held")
        st.rerun()
    chosen_lang = lang()
    download.download_button(tr("review.digest_download"), lambda: digest.markdown(vern(), chosen_lang).encode(),
                             file_name=f"vern-digest-{clock.today().isoformat()}.md", mime="text/markdown")
