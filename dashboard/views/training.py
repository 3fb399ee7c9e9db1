"""Privacy training: coverage by kind of person and district, its trend over the check
runs, and — for the adviser only — who is missing or expiring, to export or remind."""

import pandas as pd
import streamlit as st

from audits.core import clock
from audits.core.errors import VernError
from audits.core.labels import texts as label_texts
from audits.training import register as training
from dashboard import auth, downloads
from dashboard.charts import percent, share_bars, trend
from dashboard.ui import chart_label, day, labels, refuse, tr, vern, when

user = auth.require("training")
store, config = vern().store, vern().config
CHECK = "training"  # who needs which course, and its status; coverage over the runs
check = vern().checks.get(CHECK)
st.title(tr("training.title"))
st.caption(tr("training.explain"))
if check is None:
    st.info(tr("checks.not_installed", check=CHECK))
    st.stop()

rows = check.status(store, config.check(CHECK), clock.today())
people = pd.DataFrame(rows, columns=["person", "kind", "district", "course", "status"])
if people.empty:
    st.info(tr("training.empty"))
    st.stop()

# A person is covered when every course their kind needs is valid today.
covered = (people.assign(ok=people["status"].isin(("valid", "due_soon")))
           .groupby(["person", "kind", "district"], as_index=False)["ok"].all())
share = covered["ok"].mean()
total, missing, soon = st.columns(3)
total.metric(tr("training.coverage"), percent(share * 100))
missing.metric(tr("training.missing"), int((people["status"].isin(("missing", "expired"))).sum()))
soon.metric(tr("training.due_soon"), int((people["status"] == "due_soon").sum()))

by_kind, by_district = st.columns(2)
for column, key, label in ((by_kind, "kind", "training.by_kind"), (by_district, "district", "training.by_district")):
    frame = covered.groupby(key, as_index=False)["ok"].mean()
    frame["share"] = frame["ok"] * 100
    if key == "kind":
        frame["kind"] = frame["kind"].map(labels("kind"))
    else:
        names = {ref: chart_label(name) for ref, name in label_texts(store, frame["district"]).items()}
        frame["district"] = frame["district"].map({"": tr("training.no_district"), **names})
    column.plotly_chart(share_bars(frame, key, "share", tr(label)), width="stretch")

history = pd.DataFrame(check.coverage(store), columns=["run_at", "required", "covered"])
history["share"] = history["covered"] / history["required"].where(history["required"] > 0) * 100
history = history.dropna(subset=["share"])  # a run with no one to train measured nothing
if not history.empty:
    history["run_at"] = history["run_at"].map(when)  # each run by its Oslo time, in words
    trend(history, "run_at", "share", tr("training.trend"), shares=True, most=4,
          single=tr("training.trend_one", at=history["run_at"].iloc[0]))

if "adviser" not in user["roles"]:
    st.stop()  # the board sees the shares; names are for the adviser

st.subheader(tr("training.reminders"))
reminders = training.reminder_rows(store, rows)
if not reminders:
    st.success(tr("training.all_done"))
    st.stop()
st.dataframe(pd.DataFrame([{
    tr("col.name"): r["name"], tr("training.email"): r["email"], tr("training.kind"): tr(f"kind.{r['kind']}"),
    tr("training.district"): r["district"], tr("training.course"): r["course"],
    tr("col.status"): tr(f"training.status.{r['status']}"), tr("training.by"): day(r["by"]),
} for r in reminders]), hide_index=True, width="stretch")
downloads.spreadsheets({"csv": tr("training.export"), "xlsx": tr("training.export_xlsx")}, lambda: reminders,
                       "vern-training-reminders", user["name"], "training-reminders.{fmt}", {"rows": len(reminders)})
if config.mail.get("host"):
    if st.button(tr("training.send", n=len({r["email"] for r in reminders}))):
        try:
            sent = training.send_reminders(store, config.mail, reminders, user["name"])
        except VernError as error:
            refuse(error)
        else:
            st.success(tr("training.sent", n=sent))
else:
    st.caption(tr("training.no_mail"))
