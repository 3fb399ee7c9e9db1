"""Report a breach: a short form in plain words, for anyone, at any hour.

Nothing typed is lost: the form keeps its values when something is missing, and what is
typed is kept as the author's draft through a reload or a new sign-in (dashboard/draft_ui.py).
"""

import streamlit as st

from audits.alerts import messages, outbox
from audits.breaches import enisa
from audits.breaches import register as breaches
from audits.core import clock
from audits.core.errors import VernError
from audits.processors import register as processors
from dashboard import auth, draft_ui
from dashboard.breach_ui import instant
from dashboard.draft_ui import held, held_index
from dashboard.ui import choose, date_format, labels, lang, refusal, refuse, tr, vern

user = auth.require("report")


def alerted(number: int) -> None:
    """Whether the advisers were alerted, and how: the truth, not a promise."""
    for kind, sentence in messages.told(vern().store, vern().config, number, lang()):
        (st.success if kind == "sent" else st.warning)(sentence)
st.title(tr("report.title"))
saved = st.session_state.pop("report_saved", None)
if saved is not None:
    st.success(tr("report.saved", id=saved))
    alerted(saved)
    st.info(tr("report.next"))
st.caption(tr("report.intro"))


def fresh_values() -> dict:
    now = clock.now().astimezone(clock.OSLO)
    day, at = now.date(), now.time().replace(second=0, microsecond=0)
    return dict(
        report_title="", report_description="", report_noticed_day=day, report_noticed_time=at,
        report_happened_known=False, report_happened_day=day, report_happened_time=at, report_categories=[],
        report_whom=[], report_people=None, report_seen=False, report_changed=False, report_lost=False, report_processor="",
        report_for_chapter=False, report_chapter="", report_measures="")


def fresh_form() -> None:
    """The form's start values, set through session state so the browser shows them too
    (deleting the keys would leave the last report's words on screen)."""
    st.session_state.update(fresh_values())


FIELDS = tuple(fresh_values())  # what the draft keeps
today = clock.today()
names = [p["name"] for p in processors.register(vern().store)]
if saved is not None or "report_title" not in st.session_state:
    # a first visit (with the author's draft, if any), or a fresh form for the next report
    draft_ui.start("breach", user["name"], fresh_form, FIELDS)
slots = {}  # field of the breach -> the place under its widget where a refusal of it is shown
with st.container():  # no st.form: each field reaches the server as it is left, and the draft keeps it
    title = st.text_input(tr("report.what"), placeholder=tr("report.what_example"), value=held("report_title"),
                          key="report_title")
    slots["title"] = st.empty()
    description = st.text_area(tr("report.how"), value=held("report_description"), key="report_description")
    slots["description"] = st.empty()
    left, right = st.columns(2)
    noticed_day = left.date_input(tr("report.noticed"), value=held("report_noticed_day"), max_value=today,
                                  key="report_noticed_day", format=date_format())
    noticed_time = right.time_input(tr("report.noticed_time"), value=held("report_noticed_time"),
                                    key="report_noticed_time")
    slots["aware_at"] = st.empty()
    happened_known = st.checkbox(tr("report.happened_known"), value=held("report_happened_known"),
                                 key="report_happened_known")
    left, right = st.columns(2)
    happened_day = left.date_input(tr("report.happened"), value=held("report_happened_day"), max_value=today,
                                   key="report_happened_day", format=date_format())
    happened_time = right.time_input(tr("report.happened_time"), value=held("report_happened_time"),
                                     key="report_happened_time")
    slots["occurred_at"] = st.empty()
    categories = st.multiselect(tr("report.categories"), list(enisa.DATA_CATEGORIES), format_func=labels("category"),
                                default=held("report_categories"), key="report_categories", **choose())
    slots["data_categories"] = st.empty()
    whom = st.multiselect(tr("report.whom"), breaches.SUBJECT_CATEGORIES, format_func=labels("subject_category"),
                          default=held("report_whom"), key="report_whom", **choose())
    slots["subject_categories"] = st.empty()
    subjects = st.number_input(tr("report.people"), value=held("report_people"), min_value=0, step=1,
                               key="report_people")
    slots["subjects_count"] = st.empty()
    st.markdown(tr("report.what_kind"))
    seen = st.checkbox(tr("report.seen"), value=held("report_seen"), key="report_seen")
    changed = st.checkbox(tr("report.changed"), value=held("report_changed"), key="report_changed")
    lost = st.checkbox(tr("report.lost"), value=held("report_lost"), key="report_lost")
    slots["breach_types"] = st.empty()
    none = tr("report.no_processor")
    processor = st.selectbox(tr("report.processor"), [""] + names, format_func=lambda n: n or none,
                             index=held_index("report_processor", [""] + names), key="report_processor",
                             placeholder=tr("widget.choose_one"))
    slots["processor"] = st.empty()
    for_chapter = st.checkbox(tr("report.for_chapter"), value=held("report_for_chapter"),
                              key="report_for_chapter")
    chapter = st.text_input(tr("report.chapter"), value=held("report_chapter"), key="report_chapter")
    slots["controller_name"] = st.empty()
    measures = st.text_area(tr("report.done"), value=held("report_measures"), key="report_measures")
    slots["measures"] = st.empty()
    draft_place = st.container(horizontal=True, vertical_alignment="center")  # the button, then the draft
    sent = draft_place.button(tr("report.save"), type="primary")
draft_ui.keep("breach", user["name"], FIELDS)
draft_ui.status("breach", user["name"], fresh_form, FIELDS, draft_place)

if sent:
    data = {
        "title": title, "description": description or None,
        "aware_at": instant(noticed_day, noticed_time).isoformat(),
        "occurred_at": instant(happened_day, happened_time).isoformat() if happened_known else None,
        "reported_by": user["name"], "data_categories": categories, "subject_categories": whom,
        "subjects_count": int(subjects) if subjects is not None else None,
        "breach_types": [t for t, ticked in zip(breaches.BREACH_TYPES, (seen, changed, lost), strict=True) if ticked],
        "processor": processor or None, "measures": measures or None,
        "acting_as": "processor" if for_chapter else "controller",
        "controller_name": chapter or None,
    }
    try:
        breach_id = breaches.add(vern().store, vern().config, user["name"], data)
    except VernError as error:  # the form above still holds every word
        if error.field in slots:
            refuse(error, slots)
            st.error(tr("report.fix_field"))
        else:
            st.error(tr("report.fix", problem=refusal(error)))
    else:
        draft_ui.forget("breach", user["name"])
        outbox.deliver(vern().store, vern().config)  # now, not at the next scheduled round
        st.session_state["report_saved"] = breach_id
        st.rerun()
