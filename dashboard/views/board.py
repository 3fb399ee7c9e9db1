"""The board's compliance summary (issue 8): scores per area with how they are computed,
their trend, breaches per quarter, notification within 72 hours, training coverage,
agreements, retention and data-subject requests answered on time — aggregates only — and
the same as a PDF."""

import pandas as pd
import plotly.express as px
import streamlit as st

from audits.checking import registry
from audits.core import clock, trail
from audits.reporting import board, board_pdf
from dashboard import auth
from dashboard.charts import month_label, time_axis, trend
from dashboard.ui import lang, tr, vern

user = auth.require("board")
store = vern().store


@st.cache_data(ttl=60, show_spinner=False, max_entries=32)
def _summary(db: str, version: int, minute: str) -> dict:
    """Cached per database, per change (the trail's head moves with every write) and per
    minute. Counted as of now, not as of the minute's start: what happened earlier in the
    minute shown (a breach notified seconds ago, the demo just loaded) is in the numbers."""
    return board.summary(vern(), clock.now())


head = trail.head(store)
minute = clock.now().replace(second=0, microsecond=0)
data = _summary(str(store.path), head["seq"] if head else 0, minute.isoformat())
code = lang()

st.title(tr("board.title"))
st.caption(f"{tr('board.as_of', at=clock.show(minute, code))} · {tr('board.explain')}")
st.markdown("  \n".join(board.narrative(data, code)))

st.subheader(tr("board.scores"))
PER_ROW = 3  # the areas' names in full beside the open sidebar at 1280 px
for first in range(0, len(data["areas"]), PER_ROW):
    for column, area in zip(st.columns(PER_ROW), data["areas"][first:first + PER_ROW], strict=False):
        column.metric(registry.area_title(area["area"], code),
                      area["score"] if area["verified"] else tr("board.not_verified"))
failed = sum(a["failed_last_run"] for a in data["areas"])
if failed:
    st.warning(tr("board.failed_runs", n=failed))
with st.expander(tr("board.method_title"), expanded=True):
    st.markdown(tr("board.method"))

scores = pd.DataFrame([{"month": month_label(point["month"]), "area": registry.area_title(area, code), "score": value}
                       for point in data["trend"] for area, value in point["scores"].items()])
figure = px.line(scores, x="month", y="score", color="area", markers=True, title=tr("board.trend"),
                 range_y=[0, 105], labels={"month": "", "score": tr("board.col.score"), "area": ""})
figure.update_traces(hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>")
st.plotly_chart(time_axis(figure, scores["month"]), width="stretch")
st.caption(tr("board.trend_explain"))

st.subheader(tr("board.breaches"))
counts, within = data["breaches"], data["notified_within_72h"]
this, still_open, overdue, in_time = st.columns(4)
this.metric(tr("board.this_quarter"), counts["this_quarter"]["total"])
still_open.metric(tr("board.open"), counts["open"])
overdue.metric(tr("board.overdue"), counts["overdue"])
in_time.metric(tr("board.within_72h"), board.percent(within["share"], code))
st.caption(tr("board.breaches_explain"))
quarters = pd.DataFrame([{"quarter": board.quarter_label(q["quarter"], code),
                          "level": board_pdf.level_label(level, code), "n": q[level]}
                         for q in counts["quarters"] for level in board.LEVELS])
colours = {board_pdf.level_label(level, code): colour for level, colour in board_pdf.LEVEL_COLOURS.items()}
per_quarter = px.bar(quarters, x="quarter", y="n", color="level", color_discrete_map=colours,
                     title=tr("board.per_quarter"), labels={"quarter": "", "n": "", "level": ""})
for q in counts["quarters"]:  # a quarter without breaches says 0, not nothing
    if not q["total"]:
        per_quarter.add_annotation(x=board.quarter_label(q["quarter"], code), y=0, text="0", showarrow=False,
                                   yshift=10)
st.plotly_chart(per_quarter, width="stretch")

st.subheader(tr("board.key_figures"))
training, agreements = data["training"], data["agreements"]
covered, in_order, overruns = st.columns(3)
covered.metric(tr("board.training"), board.percent(training["share"], code))
in_order.metric(tr("board.agreements"), f"{agreements['in_order']}/{agreements['total']}")
overruns.metric(tr("board.retention"), data["retention"]["overdue"])
points = [p for p in training["trend"] if p["share"] is not None]
if points:
    history = pd.DataFrame([{"month": month_label(p["month"]), "share": p["share"] * 100} for p in points])
    trend(history, "month", "share", tr("board.training_trend"), shares=True,
          single=tr("board.training_trend_one", month=history["month"].iloc[0]))

st.subheader(registry.area_title("requests", code))
asked = data["requests"]
on_time, late, waiting, past_due = st.columns(4)
on_time.metric(tr("board.requests_on_time"), board.percent(asked["share"], code))
late.metric(tr("board.requests_late"), asked["late"])
waiting.metric(tr("board.requests_open"), asked["open"])
past_due.metric(tr("board.requests_overdue"), asked["overdue"])
st.caption(tr("board.requests_explain") + (f" {tr('board.requests_per_quarter')}: {board.requests_by_quarter(asked, code)}."
                                           if any(q["answered"] for q in asked["quarters"]) else ""))

st.download_button(
    tr("board.download"), data=lambda: board_pdf.pdf_bytes(data, code),
    file_name=f"vern-{tr('board.file_name')}-{data['today']}.pdf", mime="application/pdf",
    on_click=lambda: trail.record(store, user["name"], "export", "board-summary.pdf", {"lang": code}))
