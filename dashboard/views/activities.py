"""Processing activities and their risk: the heat map (likelihood × severity) for the
adviser and the board, and for the adviser the risk register, each activity's reasons,
the adjustment with a reason, the editor and the import and export of the record."""

import tempfile
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from audits.access import directory
from audits.activities import files as activity_files
from audits.activities import record
from audits.activities import register as activities
from audits.activities.risk import LEVELS, RISK_LEVELS, level
from audits.core import clock
from audits.core.errors import VernError
from audits.processors import register as processors
from dashboard import auth, downloads
from dashboard.ui import SEVERITY_COLOURS, choose, date_format, labels, lang, plain, refuse, say, tr, vern

user = auth.require("activities")
adviser = "adviser" in user["roles"]
store = vern().store
st.title(tr("activities.title"))
st.caption(tr("activities.explain"))

records = activities.described(store, activities.listing(store), lang())
if not records and not adviser:
    st.info(tr("activities.empty"))
    st.stop()

# -- the heat map ---------------------------------------------------------------------
kind = st.radio(tr("activities.which"), ("inherent", "residual"), horizontal=True,
                format_func=labels("activities.risk"))
frame = pd.DataFrame([{"id": r["id"], "name": r["name"], "role": r["role"],
                       "likelihood": LEVELS.index(r["risk"][kind]["likelihood"]) + 1,
                       "severity": LEVELS.index(r["risk"][kind]["severity"]) + 1,
                       "level": r["risk"][kind]["level"]} for r in records],
                     columns=["id", "name", "role", "likelihood", "severity", "level"])
counts = frame.groupby(["likelihood", "severity"]).size().to_dict()
cells = [(lk, sv) for lk in range(1, 5) for sv in range(1, 5)]
scale = labels("activities.level")
figure = go.Figure(go.Scatter(
    x=[sv for _, sv in cells], y=[lk for lk, _ in cells], mode="markers+text",
    marker={"symbol": "square", "size": 70, "color": [SEVERITY_COLOURS[level(lk, sv)] for lk, sv in cells],
            "opacity": [1.0 if counts.get(c) else 0.35 for c in cells]},
    text=[str(counts.get(c, "")) for c in cells], textfont={"size": 20, "color": "white"},
    customdata=[[lk, sv] for lk, sv in cells],
    hovertemplate=tr("activities.hover") + "<extra></extra>"))
axis = {"tickvals": [1, 2, 3, 4], "ticktext": [scale(v) for v in LEVELS], "range": [0.4, 4.6]}
figure.update_layout(xaxis={**axis, "title": tr("activities.severity")},
                     yaxis={**axis, "title": tr("activities.likelihood")}, height=460,
                     margin={"l": 10, "r": 10, "t": 10, "b": 10})
left, right = st.columns([3, 2])
with left:
    event = st.plotly_chart(figure, on_select="rerun", selection_mode="points", key=f"heat_{kind}",
                            width="stretch")
with right:
    for name in reversed(RISK_LEVELS):
        st.metric(tr(f"severity.{name}"), int((frame["level"] == name).sum()))

# A click on a cell lists its activities; the picker does the same without a mouse.
picked = [(p["customdata"][0], p["customdata"][1]) for p in (event.selection.points if event else [])
          if p.get("customdata")]
filled = [c for c in cells if counts.get(c)]
cell_name = lambda c: f"{scale(LEVELS[c[0] - 1])} × {scale(LEVELS[c[1] - 1])} ({counts.get(c, 0)})"  # noqa: E731
chosen = picked[0] if picked else st.selectbox(tr("activities.cell"), filled, index=None,
                                               format_func=cell_name, placeholder=tr("activities.cell_hint"))
if chosen:
    st.subheader(cell_name(chosen))
    inside = frame[(frame["likelihood"] == chosen[0]) & (frame["severity"] == chosen[1])]
    st.dataframe(pd.DataFrame({tr("col.name"): inside["name"],
                               tr("activities.role"): inside["role"].map(labels("activities.roles"))}),
                 hide_index=True, width="stretch")

if not adviser:
    st.stop()  # the board sees the distribution; the register is the adviser's

# -- the risk register ----------------------------------------------------------------
st.subheader(tr("activities.register"))
today = clock.today()
if records:
    st.dataframe(pd.DataFrame([{
        "ID": r["id"], tr("col.name"): r["name"],
        tr("activities.inherent"): tr(f"severity.{r['risk']['inherent']['level']}")
        + (" ✎" if r["risk"]["adjusted"] else ""),
        tr("activities.residual"): tr(f"severity.{r['risk']['residual']['level']}"),
        tr("activities.classification"): tr(f"classification.{r['classification']}")
        if r["classification"] else "—",
        tr("activities.dpia"): tr(f"activities.dpia_status.{r['dpia_status']}")
        + (" ⚠" if r["dpia_required"] and r["dpia_status"] != "completed" else ""),
        tr("activities.owner"): r["owner"] or "—",
        tr("activities.review_on"): (r["review_on"].isoformat() if r["review_on"] else "—")
        + (" ⚠" if r["review_on"] and r["review_on"] < today else ""),
    } for r in records]), hide_index=True, width="stretch")

by_id = {r["id"]: r for r in records}
new_label = tr("activities.new")
selected = st.selectbox(tr("activities.pick"), [None, *by_id],
                        format_func=lambda i: new_label if i is None else by_id[i]["name"], placeholder=tr("widget.choose_one"))
current = by_id.get(selected)

if current:
    risk = current["risk"]
    st.markdown(f"**{plain(current['name'])}** — " + tr("activities.criteria_met", n=current["dpia_criteria_met"]))
    for kind_name in ("computed", "inherent", "residual"):
        part = risk[kind_name]
        heading, shown = tr(f"activities.risk.{kind_name}"), tr(f"severity.{part['level']}")
        st.markdown(f"*{heading}*: {shown} ({scale(part['likelihood'])} × {scale(part['severity'])})")
        for reason in part["reasons"]:
            st.caption("· " + plain(reason))
    with st.form("adjust"):
        st.markdown(tr("activities.adjust"))
        adjusted = current["risk_adjustment"] or {}
        a_left, a_right = st.columns(2)
        likelihood = a_left.selectbox(tr("activities.likelihood"), LEVELS, format_func=scale,
                                      index=LEVELS.index(adjusted.get("likelihood", risk["computed"]["likelihood"])), placeholder=tr("widget.choose_one"))
        severity = a_right.selectbox(tr("activities.severity"), LEVELS, format_func=scale,
                                     index=LEVELS.index(adjusted.get("severity", risk["computed"]["severity"])), placeholder=tr("widget.choose_one"))
        reason = st.text_input(tr("activities.reason"), value=adjusted.get("reason", ""))
        reason_slot = st.empty()
        save_col, clear_col = st.columns(2)
        if save_col.form_submit_button(tr("activities.adjust_save")):
            try:
                activities.adjust(store, current["id"], likelihood, severity, reason, user["name"])
            except VernError as error:
                refuse(error, {"risk_adjustment": reason_slot})
            else:
                st.rerun()
        if clear_col.form_submit_button(tr("activities.adjust_clear")):
            activities.adjust(store, current["id"], None, None, "", user["name"])
            st.rerun()

# -- the editor -----------------------------------------------------------------------
st.subheader(tr("activities.edit") if current else tr("activities.new"))
base = current or {"role": "controller", "retention": None, "dpia_status": "not_started", "children": False,
                   **{key: [] for key in record.LISTS}}


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _optional(choices: tuple[str, ...], value):
    return [None, *choices], ([None, *choices].index(value) if value in choices else 0)


processor_names = sorted({row["name"] for row in processors.register(store)} | set(base.get("processors", [])))
system_names = sorted({row["name"] for row in directory.systems(store)} | set(base.get("systems", [])))
retention = base.get("retention") or {}
classified = labels("classification")
with st.form(f"activity_{selected}"):
    name = st.text_input(tr("col.name"), value=base.get("name") or "")
    name_slot = st.empty()
    f_left, f_right = st.columns(2)
    role = f_left.selectbox(tr("activities.role"), record.ROLES, index=record.ROLES.index(base["role"]),
                            format_func=labels("activities.roles"), placeholder=tr("widget.choose_one"))
    controller_name = f_right.text_input(tr("activities.controller_name"), value=base.get("controller_name") or "")
    purpose = st.text_area(tr("activities.purpose"), value=base.get("purpose") or "", height=68)
    options, index = _optional(record.LEGAL_BASES, base.get("legal_basis"))
    legal_basis = f_left.selectbox(tr("activities.legal_basis"), options, index=index,
                                   format_func=lambda v: "—" if v is None else f"Art. 6(1)({v})", placeholder=tr("widget.choose_one"))
    options, index = _optional(record.ART9_CONDITIONS, base.get("art9_condition"))
    art9 = f_right.selectbox(tr("activities.art9_condition"), options, index=index,
                             format_func=lambda v: "—" if v is None else f"Art. 9(2)({v})", placeholder=tr("widget.choose_one"))
    special = st.multiselect(tr("activities.special_categories"), record.SPECIAL_CATEGORIES,
                             default=base.get("special_categories", []), format_func=labels("activities.special"), **choose())
    g_left, g_right = st.columns(2)
    subjects = g_left.text_area(tr("activities.data_subjects"), "\n".join(base.get("data_subjects", [])))
    categories = g_right.text_area(tr("activities.data_categories"), "\n".join(base.get("data_categories", [])))
    recipients = g_left.text_area(tr("activities.recipients"), "\n".join(base.get("recipients", [])))
    measures = g_right.text_area(tr("activities.security_measures"), "\n".join(base.get("security_measures", [])))
    children = st.checkbox(tr("activities.children"), value=base.get("children", False))
    chosen_processors = st.multiselect(tr("activities.processors"), processor_names,
                                       default=base.get("processors", []), **choose())
    chosen_systems = st.multiselect(tr("activities.systems"), system_names, default=base.get("systems", []), **choose())
    r_left, r_mid, r_right = st.columns(3)
    months = r_left.number_input(tr("activities.retention_months"), min_value=0, max_value=1200,
                                 value=retention.get("months", 0), help=tr("activities.retention_help"))
    start = r_mid.selectbox(tr("activities.retention_from"), record.RETENTION_FROM,
                            index=record.RETENTION_FROM.index(retention.get("from", "last_activity")),
                            format_func=labels("activities.from"), placeholder=tr("widget.choose_one"))
    record_categories = r_right.text_input(tr("activities.record_categories"),
                                           "; ".join(retention.get("categories", [])))
    exempt = st.checkbox(tr("activities.statistics_exempt"), value=retention.get("statistics_exempt", False))
    options, index = _optional(directory.CLASSIFICATIONS, base.get("classification"))
    c_left, c_right = st.columns(2)
    classification = c_left.selectbox(tr("activities.classification"), options, index=index,
                                      format_func=lambda v: "—" if v is None else classified(v), placeholder=tr("widget.choose_one"))
    dpia_status = c_right.selectbox(tr("activities.dpia"), record.DPIA_STATUSES,
                                    index=record.DPIA_STATUSES.index(base["dpia_status"]),
                                    format_func=labels("activities.dpia_status"), placeholder=tr("widget.choose_one"))
    criteria = st.multiselect(tr("activities.dpia_criteria"), record.DPIA_CRITERIA,
                              default=base.get("dpia_criteria", []), format_func=labels("activities.criterion"), **choose())
    owner = c_left.text_input(tr("activities.owner"), value=base.get("owner") or "")
    review_on = c_right.date_input(tr("activities.review_on"), value=base.get("review_on"), format=date_format())
    if st.form_submit_button(tr("activities.save")):
        data = {
            "name": name, "role": role, "controller_name": controller_name or None, "purpose": purpose or None,
            "legal_basis": legal_basis, "special_categories": special, "art9_condition": art9,
            "data_subjects": _lines(subjects), "data_categories": _lines(categories), "children": children,
            "recipients": _lines(recipients), "processors": chosen_processors,
            "retention": {"months": int(months), "from": start, "statistics_exempt": exempt,
                          "categories": [c.strip() for c in record_categories.split(";") if c.strip()]}
            if months else None,
            "security_measures": _lines(measures), "classification": classification, "systems": chosen_systems,
            "dpia_criteria": criteria, "dpia_status": dpia_status, "owner": owner or None,
            "review_on": review_on, "risk_adjustment": current["risk_adjustment"] if current else None,
        }
        try:
            activities.save(store, data, user["name"], current["id"] if current else None)
        except VernError as error:
            refuse(error, {"name": name_slot})
        else:
            st.success(say("activities.saved", name=name))
if current and st.button(say("activities.remove", name=current["name"])):
    activities.remove(store, current["id"], user["name"])
    st.rerun()

# -- import and export ----------------------------------------------------------------
st.subheader(tr("activities.files"))
listing = activities.listing(store)
d_left, d_middle, d_right = st.columns(3)
downloads.spreadsheet_buttons((d_left, d_middle), {fmt: tr(f"activities.download_{fmt}") for fmt in ("csv", "xlsx")},
                              lambda: activity_files.export_rows(listing), "behandlingsprotokoll", user["name"],
                              "activities.{fmt}", {"rows": len(listing)}, record.CSV_COLUMNS)
d_right.download_button(tr("activities.download_json"),
                        downloads.recorded(lambda: activity_files.to_json(listing).encode(), user["name"],
                                           "activities.json", {"rows": len(listing), "format": "json"}),
                        "behandlingsprotokoll.json", "application/json", on_click="ignore")
upload = st.file_uploader(tr("activities.upload"), type=["csv", "json"])
if upload is not None and st.button(tr("activities.replace")):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            count = activities.import_file(store, path, user["name"])
        except VernError as error:
            refuse(error)
        else:
            st.success(tr("activities.imported", n=count))
