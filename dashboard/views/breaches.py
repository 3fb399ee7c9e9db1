"""The breach register (adviser): live clocks, ENISA assessment, decision, notification,
documents and closing — each step kept in the breach's timeline."""

from datetime import timedelta

import streamlit as st

from audits.breaches import enisa
from audits.breaches import register as breaches
from audits.core import clock
from audits.core.errors import VernError
from dashboard import auth
from dashboard.breach_documents import downloads, record_downloads
from dashboard.breach_ui import countdown_table, facts, instant, recipient_name, status_line, timeline
from dashboard.ui import choose, date_format, labels, lang, plain, refuse, say, tr, vern, when

user = auth.require("breaches")
store = vern().store
st.title(tr("breaches.title"))


@auth.fragment(run_every=timedelta(seconds=vern().config.breaches["refresh_seconds"]))
def clocks() -> None:
    still_open = breaches.listing(store, open_only=True)
    if still_open:
        countdown_table(still_open, with_titles=True)
    else:
        st.success(tr("breaches.none_open"))


clocks()

records = breaches.listing(store)
if not records:
    st.stop()
with st.expander(tr("documents.record")):
    record_downloads(records, user["name"], lang())
by_id = {r["id"]: r for r in records}
lines = {r["id"]: status_line(r) for r in records}
chosen = st.selectbox(tr("breaches.pick"), list(by_id), format_func=lines.get,
                      index=list(by_id).index(st.session_state.get("breach_open", records[0]["id"]))
                      if st.session_state.get("breach_open") in by_id else 0, placeholder=tr("widget.choose_one"))
record = by_id[chosen]


def attempt(action, *args) -> None:
    try:
        action(store, user["name"], record["id"], *args)
    except VernError as error:
        refuse(error)
    else:
        st.session_state["breach_open"] = record["id"]
        st.rerun()


facts_tab, assess_tab, decide_tab, notify_tab, documents_tab, close_tab = st.tabs(
    [tr("breaches.tab.facts"), tr("breaches.tab.assess"), tr("breaches.tab.decide"),
     tr("breaches.tab.notify"), tr("breaches.tab.documents"), tr("breaches.tab.close")])

TEXTS = ("description", "consequences", "measures")  # free text: an empty field is ""


def complete_facts() -> None:
    """The facts the notification still lacks (or that changed), filled in by the adviser."""
    with st.form(f"complete-{record['id']}"):
        st.caption(tr("breaches.complete_help"))
        slots, given = {}, {}
        given["subject_categories"] = st.multiselect(
            tr("breach.subject_categories"), breaches.SUBJECT_CATEGORIES, default=record["subject_categories"],
            format_func=labels("subject_category"), **choose())
        slots["subject_categories"] = st.empty()
        given["subjects_count"] = st.number_input(tr("breach.subjects_count"), min_value=0, step=1,
                                                  value=record["subjects_count"])
        slots["subjects_count"] = st.empty()
        given["data_categories"] = st.multiselect(
            tr("breach.categories"), list(enisa.DATA_CATEGORIES), default=record["data_categories"],
            format_func=labels("category"), **choose())
        slots["data_categories"] = st.empty()
        given["records_count"] = st.number_input(tr("breach.records_count"), min_value=0, step=1,
                                                 value=record["records_count"])
        slots["records_count"] = st.empty()
        given["breach_types"] = st.multiselect(tr("breach.types"), breaches.BREACH_TYPES,
                                               default=record["breach_types"], format_func=labels("breach.type"),
                                               **choose())
        for field in TEXTS:
            given[field] = st.text_area(tr(f"breach.{field}"), record[field] or "")
            slots[field] = st.empty()
        if st.form_submit_button(tr("breaches.complete_save")):
            changed = {field: value for field, value in given.items()
                       if value != ((record[field] or "") if field in TEXTS else record[field])}
            if not changed:
                st.info(tr("breaches.complete_unchanged"))
                return
            try:
                breaches.complete(store, user["name"], record["id"], changed)
            except VernError as error:
                refuse(error, slots)
            else:
                st.session_state["breach_open"] = record["id"]
                st.rerun()


with facts_tab:
    st.subheader(plain(record["title"]), anchor=False)  # no link named after it
    facts(record)
    if record["status"] != "closed":
        with st.expander(tr("breaches.complete")):
            complete_facts()
    timeline(record)

with assess_tab:
    if record["severity"]:
        a = record["assessment"]
        cb = sum(v for k, v in a["cb"].items() if k != "malicious") + (0.5 if a["cb"]["malicious"] else 0)
        st.metric(tr("breaches.severity"), tr(f"level.{record['severity']['level']}"))
        st.text(tr("breaches.formula", dpc=a["dpc"], ei=a["ei"], cb=cb, score=record["severity"]["score"]))
    with st.form("assess"):
        suggested = enisa.suggested_data_type(record["data_categories"])
        data_type = st.selectbox(tr("breaches.data_type"), list(enisa.DATA_TYPES),
                                 index=list(enisa.DATA_TYPES).index(suggested), format_func=labels("data_type"), placeholder=tr("widget.choose_one"))
        adjustment = st.number_input(tr("breaches.adjustment"), min_value=-3.0, max_value=3.0, value=0.0, step=0.25,
                                     help=tr("breaches.adjustment_help"))
        ei = st.select_slider(tr("breaches.ei"), [0.25, 0.5, 0.75, 1.0], value=0.75, format_func=labels("ei"))
        circumstance = [0.0, 0.25, 0.5]
        confidentiality = st.select_slider(tr("breaches.cb.confidentiality"), circumstance,
                                           value=0.25 if "confidentiality" in record["breach_types"] else 0.0,
                                           format_func=labels("cb.confidentiality"))
        integrity = st.select_slider(tr("breaches.cb.integrity"), circumstance,
                                     value=0.25 if "integrity" in record["breach_types"] else 0.0,
                                     format_func=labels("cb.integrity"))
        availability = st.select_slider(tr("breaches.cb.availability"), circumstance,
                                        value=0.25 if "availability" in record["breach_types"] else 0.0,
                                        format_func=labels("cb.availability"))
        malicious = st.checkbox(tr("breaches.cb.malicious"))
        unintelligible = st.checkbox(tr("breaches.unintelligible"))
        if st.form_submit_button(tr("breaches.assess")):
            attempt(breaches.assess, {
                "dpc": {"data_type": data_type, "adjustment": adjustment}, "ei": ei,
                "cb": {"confidentiality": confidentiality, "integrity": integrity,
                       "availability": availability, "malicious": malicious},
                "data_unintelligible": unintelligible})

with decide_tab:
    proposed = record["proposed"]
    if proposed is None:
        st.info(tr("breaches.assess_first"))
    else:
        recipient = tr("breaches.recipient.authority") if record["acting_as"] == "controller" else record["notify_to"]
        st.markdown(say("breaches.proposal", recipient=recipient,
                        authority=tr(f"yes_no.{proposed['notify_authority']}"),
                        subjects=tr(f"yes_no.{proposed['notify_subjects']}")))
        if record["decision"]:
            d = record["decision"]
            st.caption(say("breaches.decided", by=d["by"], authority=tr(f"yes_no.{d['notify_authority']}"),
                           subjects=tr(f"yes_no.{d['notify_subjects']}")))
        with st.form("decide"):
            authority = st.radio(say("breaches.notify_recipient", recipient=recipient), [True, False],
                                 index=0 if proposed["notify_authority"] else 1, format_func=labels("yes_no"),
                                 horizontal=True)
            subjects = st.radio(tr("breaches.notify_subjects"), [True, False],
                                index=0 if proposed["notify_subjects"] else 1, format_func=labels("yes_no"),
                                horizontal=True)
            reason = st.text_area(tr("breaches.override_reason"))
            if st.form_submit_button(tr("breaches.decide")):
                attempt(breaches.decide, authority, subjects, reason)

with notify_tab:
    for n in record["notifications"]:
        late = f" · {tr('breaches.late')}" if n["late"] else ""
        st.text(f"{when(n['at'])} → {recipient_name(n['to'])} ({tr('breaches.phase')} {n['phase']}) "
                f"{n['reference']}{late}")
    now = clock.now().astimezone(clock.OSLO)
    with st.form("notify"):
        options = [record["notify_recipient"], "subjects"]
        to = st.selectbox(tr("breaches.to"), options, format_func=labels("breaches.recipient"), placeholder=tr("widget.choose_one"))
        left, right = st.columns(2)
        day = left.date_input(tr("breaches.sent_day"), value=now.date(), max_value=now.date(), format=date_format())
        at = right.time_input(tr("breaches.sent_time"), value=now.time().replace(second=0, microsecond=0))
        reference = st.text_input(tr("breaches.reference"))
        delay = st.text_area(tr("breaches.delay_reason"), help=tr("breaches.delay_help"))
        if st.form_submit_button(tr("breaches.record_notification")):
            attempt(breaches.notify, to, instant(day, at), reference, delay)

with documents_tab:
    downloads(record, user["name"], lang())

with close_tab:
    if record["status"] == "closed":
        st.success(tr("breaches.closed_on", at=when(record["closed_at"])))
        st.text(record["summary"] or "")
    else:
        with st.form("close"):
            summary = st.text_area(tr("breaches.summary"))
            if st.form_submit_button(tr("breaches.close")):
                attempt(breaches.close, summary)
