"""Checks: schedule, run history, and run now."""

import pandas as pd
import streamlit as st

from audits.checking import runner
from audits.reporting import overview
from dashboard import auth
from dashboard.ui import lang, plain, refuse, tr, vern, when

user = auth.require("checks")
st.title(tr("checks.title"))
for item in overview.checks_status(vern()):
    check = vern().checks[item["id"]]
    with st.container(border=True):
        title = item["title"](lang())
        st.subheader(title, anchor=False)
        st.caption(f"{tr('checks.schedule')}: `{item['schedule']}` · {tr('col.next_run')}: {when(item['next_run'])}")
        st.markdown(" · ".join(f"{r.title(lang())} ({r.article})" for r in item["rules"]))
        if st.button(tr("checks.run_now"), key=f"run-{item['id']}"):
            with st.spinner(tr("run.running")):
                result = runner.run(vern().store, vern().config, check, "manual", user["name"])
            if result.status == "busy":
                st.warning(tr("checks.busy", check=title))
            elif result.refusal is not None:
                refuse(result.refusal)
            elif result.status == "failed":
                st.error(plain(result.error))
            else:
                st.success(tr("checks.ran", check=title, status=tr("run.succeeded"),
                              findings=result.findings))
        history = runner.history(vern().store, item["id"], limit=20)
        if history:
            st.markdown(f"**{tr('checks.history')}**")
            st.dataframe(pd.DataFrame([{
                tr("col.started"): when(run["started_at"]),
                tr("col.finished"): when(run["finished_at"]),
                tr("col.status"): tr(f"run.{run['status']}"),
                tr("col.trigger"): tr(f"trigger.{run['trigger']}"),
                tr("col.evidence_rows"): run["evidence_rows"],
                tr("col.run_findings"): run["findings"],
                tr("col.error"): runner.error_in(run, lang()),
            } for run in history]), hide_index=True, width="stretch")
