"""Drawing breaches: the countdown, the facts and the timeline (shared by the views)."""

from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from audits.alerts import outbox
from audits.breaches import register as breaches
from audits.core import clock, trail
from dashboard.ui import lang, number, plain, tr, vern, when


def time_left(record: dict) -> str:
    """'5 h 12 min' or 'overdue 3 h 02 min'; '—' once the clock has stopped."""
    if not record["clock_running"]:
        return "—"
    minutes = round(abs(record["hours_left"]) * 60)
    text = f"{minutes // 60} h {minutes % 60:02d} min"
    return tr("breach.overdue_by", left=text) if record["hours_left"] < 0 else text


# The countdown's colour by the warning reached: it changes as each reminder mail goes out.
WARNING_COLOUR = {None: "green", 48: "yellow", 24: "orange", 6: "red", 0: "red"}


def urgency(record: dict) -> str:
    if not record["clock_running"]:
        return "done"
    if record["hours_left"] < 0:
        return "overdue"
    return WARNING_COLOUR[breaches.warning_reached(timedelta(hours=record["hours_left"]))]


COLOURS = {"overdue": "#7b1f1f", "red": "#d9534f", "orange": "#f0ad4e", "yellow": "#f7e07b",
           "green": "#8fbc8f", "done": "#e8e8e8"}


def countdown_table(records: list[dict], with_titles: bool) -> None:
    """Open breaches, overdue first, each coloured by the time it has left."""
    rows = [{
        "#": r["id"],
        **({tr("breach.title"): r["title"]} if with_titles else {}),
        tr("col.status"): status_name(r),
        tr("breach.notify_to"): "Datatilsynet" if r["notify_to"] == "datatilsynet" else r["notify_to"],
        tr("breach.deadline"): when(r["deadline_at"]),
        tr("breach.time_left"): time_left(r),
        "_urgency": urgency(r),
    } for r in records]
    frame = pd.DataFrame(rows)
    left = tr("breach.time_left")

    def colour(row):
        background = COLOURS[row["_urgency"]]
        ink = "white" if row["_urgency"] in ("overdue", "red") else "black"
        return [f"background-color: {background}; color: {ink}" if col == left else "" for col in row.index]

    st.dataframe(frame.style.apply(colour, axis=1), hide_index=True, width="stretch",
                 column_config={"_urgency": None})  # drives the colour, not shown


def facts(record: dict) -> None:
    """What was logged, as text (it is people's words)."""
    lines = [
        (tr("breach.aware_at"), when(record["aware_at"])),
        (tr("breach.occurred_at"), when(record["occurred_at"]) if record["occurred_at"] else "—"),
        (tr("breach.deadline"), when(record["deadline_at"])),
        (tr("breach.notify_to"), "Datatilsynet" if record["notify_to"] == "datatilsynet" else record["notify_to"]),
        (tr("breach.subject_categories"),
         ", ".join(tr(f"subject_category.{c}") for c in record["subject_categories"]) or "—"),
        (tr("breach.subjects_count"), number(record["subjects_count"]) if record["subjects_count"] is not None else "—"),
        (tr("breach.categories"), ", ".join(tr(f"category.{c}") for c in record["data_categories"]) or "—"),
        (tr("breach.records_count"), number(record["records_count"]) if record["records_count"] is not None else "—"),
        (tr("breach.types"), ", ".join(tr(f"breach.type.{t}") for t in record["breach_types"]) or "—"),
        (tr("breach.processor"), record["processor"] or "—"),
    ]
    # st.table renders Markdown in cells: names from people are escaped to show as typed.
    st.table(pd.DataFrame([(k, plain(v)) for k, v in lines], columns=["", " "]).set_index(""), hide_header=True)
    for key in ("description", "consequences", "measures"):
        if record[key]:
            st.caption(tr(f"breach.{key}"))
            st.text(record[key])


def status_name(record: dict) -> str:
    """The breach's status in words; once the adviser has decided, it says so (the register
    keeps 'assessed' until a notification is recorded)."""
    status = "decided" if record["status"] == "assessed" and record["decision"] else record["status"]
    return tr(f"breach.status.{status}")


def recipient_name(recipient: str) -> str:
    return tr(f"breaches.recipient.{recipient}")


# Each fact the adviser may complete (breaches.FACTS), by its label on this page.
FACT_LABELS = {
    "description": "breach.description", "occurred_at": "breach.occurred_at",
    "subject_categories": "breach.subject_categories", "subjects_count": "breach.subjects_count",
    "data_categories": "breach.categories", "records_count": "breach.records_count",
    "breach_types": "breach.types", "consequences": "breach.consequences", "measures": "breach.measures",
}


def detail(event: dict) -> str:
    """An event's detail in words: the register writes an assessment as 'score level' and a
    notification as 'recipient reference'; what people added is shown as written."""
    text = event["detail"] or ""
    if event["kind"] == "assessed" and text:
        score, level = text.split(" ", 1)
        return tr("breach.score_level", score=float(score), level=tr(f"level.{level}"))
    if event["kind"] == "notified" and text:
        recipient, _, reference = text.partition(" ")
        return f"{recipient_name(recipient)} · {reference}".strip(" ·")
    if event["kind"] == "completed" and text:
        return ", ".join(tr(FACT_LABELS[field]) for field in text.split(", "))
    return text


def timeline(record: dict) -> None:
    st.dataframe(pd.DataFrame([{
        tr("col.when"): when(e["at"]),
        tr("col.actor"): trail.actor_name(e["actor"], lang()),
        tr("col.change"): tr(f"breach.event.{e['kind']}"),
        tr("breach.detail"): detail(e),
    } for e in record["timeline"]]), hide_index=True, width="stretch")


def instant(day: date, at: time) -> datetime:
    """A date and time read in Oslo, as the instant they name."""
    return datetime.combine(day, at).replace(tzinfo=clock.OSLO)


def status_line(record: dict) -> str:
    """One line naming a breach, as plain text (escape it with plain() for Markdown labels)."""
    return f"#{record['id']} · {status_name(record)} · {record['title']}"




def from_finding_button(finding: dict, title: str, description: str, user: dict) -> None:
    """Open a breach from a finding, keeping the link, and go to it."""
    if st.button(tr("findings.to_breach")):
        breach_id = breaches.add(vern().store, vern().config, user["name"], {
            "title": f"{title}: {finding['subject']}", "description": description,
            "aware_at": clock.now().isoformat(), "finding": finding["fingerprint"]})
        outbox.deliver(vern().store, vern().config)  # every adviser alerted now, as from the staff form
        st.session_state["breach_open"] = breach_id
        st.switch_page("views/breaches.py")
