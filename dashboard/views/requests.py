"""Data-subject requests (GDPR Art. 12-22): anyone logs one the moment it arrives, since the
one-month clock (Art. 12(3)) runs from receipt; the privacy adviser works the register.

Everyone but the adviser sees only the requests they logged themselves, never the
requester. Each change goes through audits.requests, into the audit trail."""

from datetime import date

import pandas as pd
import streamlit as st

from audits.core import clock
from audits.core.errors import InputError, VernError
from audits.subject_requests import register as subject_requests
from dashboard import auth, draft_ui
from dashboard.breach_ui import instant
from dashboard.draft_ui import held, held_index
from dashboard.ui import beside_field, choose, date_format, day, labels, lang, plain, refuse, tr, vern, when

CHANNELS = ("e-post", "brev", "telefon", "skjema", "muntlig")

user = auth.require("requests")
store = vern().store
# format_func labels fix the language now: Streamlit may call them after the run.
kind_name, status_name, outcome_name = labels("requests.kind"), labels("requests.status"), labels("requests.outcome")
channel_label = labels("requests.channel")


def refused(error: VernError, slots: dict) -> None:
    """A refused request: each problem under the field it concerns, the others together
    above the form's end, in the reader's language."""
    if not isinstance(error, InputError):
        refuse(error, slots)
        return
    others = []
    for problem in error.problems:
        slot = slots.get(problem.values.get("field"))
        if slot is None:
            others.append(problem)
        else:
            slot.error(beside_field(problem))
    if others:
        st.error("\n".join([tr("requests.fix"), ""] + [f"- {plain(problem(lang()))}" for problem in others]))
    else:
        st.error(tr("requests.fix_fields"))


def channel_name(channel: str) -> str:
    """The label of a known channel; one typed elsewhere (the CLI) as it was written."""
    return channel_label(channel) if channel in CHANNELS else channel


def due_in_force(record: dict) -> date:
    return date.fromisoformat(subject_requests.due_in_force(record))


def in_words(day: date) -> str:
    """'mandag 28. desember 2026' / 'Monday 28 December 2026': not left to the server's locale."""
    return tr("requests.date", weekday=tr(f"requests.weekday.{day.weekday()}"), day=day.day,
              month=tr(f"requests.month.{day.month}"), year=day.year)


def days_left(days: int) -> str:
    if days < 0:
        return tr("requests.left.overdue", n=-days)
    return tr("requests.left.today") if days == 0 else tr("requests.left.days", n=days)


def oslo(iso: str | None) -> str:
    """A stored instant (ISO, UTC) as people in Oslo read it."""
    return when(iso) if iso else "—"


def overdue(record: dict) -> bool:
    return record["status"] in subject_requests.OPEN and due_in_force(record) < clock.today()


def due_line(record: dict) -> str:
    """The due date, marked when it has passed on an open request."""
    shown = day(due_in_force(record))
    return tr("requests.overdue_mark", due=shown) if overdue(record) else shown


def table(records: list[dict], full: bool) -> None:
    """The requests without the requester; `full` adds the adviser's columns."""
    frame = pd.DataFrame([{
        "#": r["id"], tr("review.kind"): kind_name(r["kind"]), tr("col.status"): status_name(r["status"]),
        tr("requests.received"): oslo(r["received_at"]), tr("review.due"): due_line(r),
        **({tr("requests.days_left"): r["days_left"], tr("requests.channel_col"): channel_name(r["channel"])}
           if full else {}),
    } for r in records])
    if full:
        frame[tr("requests.days_left")] = frame[tr("requests.days_left")].astype("Int64")  # blank once closed
    late = tr("review.due")
    st.dataframe(frame.style.apply(lambda row: ["color: #b00020; font-weight: bold" if col == late
                                                 and overdue(records[row.name]) else "" for col in row.index],
                                   axis=1),
                 hide_index=True, width="stretch")


FIELDS = ("dsr_day", "dsr_time", "dsr_kind", "dsr_channel", "dsr_requester", "dsr_email")  # what the draft keeps


def fresh_form() -> None:
    """The form's start values: received now. Set through session state, so the browser shows
    them too (deleting the keys would leave the last request's words on screen)."""
    now = clock.now().astimezone(clock.OSLO)
    st.session_state.update(dsr_day=now.date(), dsr_time=now.time().replace(second=0, microsecond=0),
                            dsr_kind=subject_requests.KINDS[0], dsr_channel=CHANNELS[0], dsr_requester="", dsr_email="")


def log_form() -> None:
    """The form; a refused one keeps every word, a saved one starts afresh. What is typed is
    kept as the author's draft (no st.form, so each field reaches the server as it is left)."""
    slots = {}  # field of the request -> the place under its widget where a refusal of it is shown
    with st.container():
        left, right = st.columns(2)
        day = left.date_input(tr("requests.received_day"), value=held("dsr_day"), max_value=clock.today(),
                              key="dsr_day", format=date_format())
        at = right.time_input(tr("requests.received_time"), value=held("dsr_time"), key="dsr_time")
        slots["received_at"] = st.empty()
        kind = st.selectbox(tr("requests.kind"), subject_requests.KINDS, format_func=kind_name,
                            index=held_index("dsr_kind", subject_requests.KINDS), key="dsr_kind",
                            placeholder=tr("widget.choose_one"))
        slots["kind"] = st.empty()
        channel = st.selectbox(tr("requests.channel"), CHANNELS, format_func=channel_label,
                               index=held_index("dsr_channel", CHANNELS), key="dsr_channel",
                               placeholder=tr("widget.choose_one"))
        slots["channel"] = st.empty()
        requester = st.text_area(tr("requests.requester"), value=held("dsr_requester"),
                                 help=tr("requests.requester_help"), key="dsr_requester")
        slots["requester"] = st.empty()
        email = st.text_input(tr("requests.email"), value=held("dsr_email"), help=tr("requests.email_help"),
                              key="dsr_email")
        slots["email"] = st.empty()
        draft_place = st.container(horizontal=True, vertical_alignment="center")  # the button, then the draft
        sent = draft_place.button(tr("requests.save"), type="primary")
    draft_ui.keep("request", user["name"], FIELDS)
    draft_ui.status("request", user["name"], fresh_form, FIELDS, draft_place)
    if not sent:
        return
    data = {"received_at": instant(day, at).isoformat(), "kind": kind, "channel": channel,
            "requester": requester, "email": email or None}
    try:
        request_id = subject_requests.add(store, user["name"], data, "form")
    except VernError as error:
        refused(error, slots)
        return
    draft_ui.forget("request", user["name"])
    st.session_state["dsr_saved"] = request_id
    st.rerun()


def confirmation(request_id: int) -> None:
    record = subject_requests.get(store, request_id)
    st.success(tr("requests.saved", id=request_id) + "  \n" +
               tr("requests.due", day=in_words(due_in_force(record)), left=days_left(record["days_left"])))
    st.info(tr("requests.next"))


def my_requests() -> None:
    st.subheader(tr("requests.mine"))
    mine = subject_requests.listing(store, logged_by=user["name"])
    if mine:
        table(mine, full=False)
    else:
        st.caption(tr("requests.mine_none"))


# The adviser's part: the register, one request's details and the steps on it.

def attempt(action, record: dict, *args) -> None:
    """Run one step; a refusal is shown where it was asked, a success reruns the page."""
    try:
        action(store, user["name"], record["id"], *args)
    except VernError as error:
        refuse(error)
    else:
        st.session_state["dsr_open"] = record["id"]
        st.session_state["dsr_flash"] = tr("requests.recorded", id=record["id"])
        st.rerun()


def pick_line(record: dict) -> str:
    return tr("requests.pick_line", id=record["id"], kind=kind_name(record["kind"]), due=due_line(record))


def details(record: dict) -> None:
    """Everything known about one request; free text escaped, as st.table renders Markdown."""
    st.caption(tr("requests.who"))
    st.text(record["requester"])
    extended = record["extended_at"] is not None
    rows = [
        (tr("requests.channel_col"), channel_name(record["channel"])),
        (tr("requests.received"), oslo(record["received_at"])),
        (tr("requests.logged_by"), record["logged_by"]),
        (tr("requests.due_on"), day(record["due_on"])),
        (tr("requests.verified"), f"{oslo(record['verified_at'])}: {record['verified_how']}"
         if record["verified_at"] else tr("requests.not_yet")),
        (tr("requests.extended"), f"{oslo(record['extended_at'])}: {record['extension_reason']}" if extended else "—"),
        (tr("requests.extended_due_on"), day(record["extended_due_on"]) if record["extended_due_on"] else "—"),
        (tr("requests.told_on"), day(record["told_on"]) if record["told_on"] else
         (tr("requests.not_yet") if extended else "—")),
        (tr("requests.searched"), ", ".join(record["systems_searched"]) or "—"),
        (tr("requests.person"), record["person"] or "—"),
    ]
    if record["answered_at"]:
        rows.append((tr(f"requests.closed.{record['status']}"), oslo(record["answered_at"])))
    if record["refusal_ground"]:
        rows.append((tr("requests.ground"), record["refusal_ground"]))
    st.table(pd.DataFrame([(label, plain(value)) for label, value in rows], columns=["", " "]).set_index(""),
             hide_header=True)
    if record["erasure_tasks"]:
        st.caption(tr("requests.tasks"))
        st.dataframe(pd.DataFrame([{
            tr("requests.system"): task["system"], tr("requests.activities"): ", ".join(task["activities"]),
            tr("requests.outcome"): outcome_name(task["outcome"] or "open"), tr("requests.note"): task["note"] or "",
            tr("col.when"): oslo(task["done_at"]), tr("col.actor"): task["done_by"] or "",
        } for task in record["erasure_tasks"]]), hide_index=True, width="stretch")


def moment(name: str, key: str):
    """A day and a time in Oslo (default now, never later), as the instant they name."""
    now = clock.now().astimezone(clock.OSLO)
    left, right = st.columns(2)
    day = left.date_input(tr(f"requests.{name}_day"), value=now.date(), max_value=now.date(), key=f"{key}-day", format=date_format())
    at = right.time_input(tr(f"requests.{name}_time"), value=now.time().replace(second=0, microsecond=0),
                          key=f"{key}-time")
    return instant(day, at)


def erasure_forms(record: dict) -> None:
    """One form per system still open; the ones done are in the table above."""
    open_tasks = [task for task in record["erasure_tasks"] if task["outcome"] is None]
    if not record["erasure_tasks"]:
        st.caption(tr("requests.no_tasks"))
    elif not open_tasks:
        st.success(tr("requests.tasks_done"))
    for task in open_tasks:
        form = f"dsr-{record['id']}-erase-{task['system']}"
        with st.form(form):
            st.markdown(f"**{plain(task['system'])}**")
            if task["activities"]:
                st.caption(plain(", ".join(task["activities"])))
            outcome = st.selectbox(tr("requests.outcome"), subject_requests.OUTCOMES, format_func=outcome_name,
                                   key=f"{form}-outcome", placeholder=tr("widget.choose_one"))
            note = st.text_input(tr("requests.note"), help=tr("requests.note_help"), key=f"{form}-note")
            if st.form_submit_button(tr("requests.erase_save")):
                attempt(subject_requests.erase, record, task["system"], outcome, note)


def actions(record: dict) -> None:
    names = ["verify", "search", *(["erase"] if record["kind"] == "erasure" else []), "extend", "answer", "refuse"]
    tabs = dict(zip(names, st.tabs([tr(f"requests.tab.{name}") for name in names]), strict=True))
    key = f"dsr-{record['id']}"
    with tabs["verify"], st.form(f"{key}-verify"):
        how = st.text_input(tr("requests.verify_how"), help=tr("requests.verify_help"))
        at = moment("verify", f"{key}-verify")
        if st.form_submit_button(tr("requests.verify_save")):
            attempt(subject_requests.verify, record, how, at)
    with tabs["search"], st.form(f"{key}-search"):
        systems = st.multiselect(tr("requests.systems"), subject_requests.known_systems(store),
                                 help=tr("requests.systems_help"), **choose())
        if st.form_submit_button(tr("requests.search_save")):
            attempt(subject_requests.search, record, systems)
    if "erase" in tabs:
        with tabs["erase"]:
            erasure_forms(record)
    with tabs["extend"], st.form(f"{key}-extend"):
        reason = st.text_area(tr("requests.extend_reason"), help=tr("requests.extend_help"))
        received_on = subject_requests.received_on(clock.parse_instant(record["received_at"]))
        told_on = st.date_input(tr("requests.told_on"), value=None, min_value=received_on,
                                max_value=clock.today(), help=tr("requests.told_on_help"), format=date_format())
        if st.form_submit_button(tr("requests.extend_save")):
            attempt(subject_requests.extend, record, reason, told_on)
    with tabs["answer"], st.form(f"{key}-answer"):
        if any(task["outcome"] is None for task in record["erasure_tasks"]):
            st.caption(tr("requests.answer_blocked"))
        at = moment("answer", f"{key}-answer")
        if st.form_submit_button(tr("requests.answer_save")):
            attempt(subject_requests.answer, record, at)
    with tabs["refuse"], st.form(f"{key}-refuse"):
        ground = st.text_area(tr("requests.ground"), help=tr("requests.refuse_help"))
        if st.form_submit_button(tr("requests.refuse_save")):
            attempt(subject_requests.refuse, record, ground)


def register() -> None:
    st.header(tr("requests.register"))
    if "dsr_flash" in st.session_state:
        st.success(st.session_state.pop("dsr_flash"))
    open_only = st.toggle(tr("requests.only_open"), value=True)
    # The most urgent first: by the due date in force.
    records = sorted(subject_requests.listing(store, open_only), key=lambda r: (due_in_force(r), r["id"]))
    if not records:
        st.info(tr("requests.none_open") if open_only else tr("requests.none"))
        return
    table(records, full=True)
    by_id = {r["id"]: r for r in records}
    wanted = st.session_state.get("dsr_open")
    lines = {r["id"]: pick_line(r) for r in records}
    chosen = st.selectbox(tr("requests.pick"), list(by_id), format_func=lines.get,
                          index=list(by_id).index(wanted) if wanted in by_id else 0, placeholder=tr("widget.choose_one"))
    record = by_id[chosen]
    st.subheader(f"{lines[chosen]} · {status_name(record['status'])}")
    details(record)
    if record["status"] in subject_requests.OPEN:
        actions(record)
    else:
        st.caption(tr("requests.closed_note"))


st.title(tr("area.requests"))
saved = st.session_state.pop("dsr_saved", None)
if saved is not None:
    confirmation(saved)
if saved is not None or "dsr_day" not in st.session_state:
    # a first visit (with the author's draft, if any), or a fresh form for the next request
    draft_ui.start("request", user["name"], fresh_form, FIELDS)
st.info(tr("requests.intro"))
st.subheader(tr("requests.log"))
log_form()
st.divider()
if "adviser" in user["roles"]:  # the adviser handles the requests, so sees the requester
    register()
else:
    my_requests()
