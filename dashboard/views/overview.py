"""Overview: alerts that did not get through, open findings by severity and area, and how
the checks are running."""

from datetime import timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from audits.accounts import page_roles
from audits.alerts import messages
from audits.backups import taking
from audits.breaches import register as breaches
from audits.checking import registry, runner
from audits.checking.api import Severity
from audits.core import clock
from audits.reporting import board, overview
from audits.subject_requests import register as subject_requests
from dashboard import auth
from dashboard.breach_ui import countdown_table
from dashboard.ui import SEVERITY_COLOURS, lang, plain, tr, vern, when

FAILED_ALERT_DAYS = 30

user = auth.require("overview")
st.title(tr("overview.title"))

# First: an adviser who was not alerted may not know of a breach. (An alert holds no
# personal data, so every reader of the overview may see which did not get through.)
failed_alerts = messages.failed_rows(vern().store, vern().config, lang(),
                                     clock.now() - timedelta(days=FAILED_ALERT_DAYS))
if failed_alerts:
    st.subheader(tr("alerts.failed.heading"))
    st.warning(tr("alerts.failed.intro", days=FAILED_ALERT_DAYS))
    # A table that wraps: at 1280 px every column stays in sight, the problem included.
    st.table(pd.DataFrame([{tr(f"alerts.failed.{key}"): value for key, value in row.items()}
                           for row in failed_alerts]).set_index(tr("alerts.failed.alert")))
# Then: areas whose evidence Vern could not collect. Their findings are no proof either way.
doubted = board.unverified_areas(vern().checks, vern().store, vern().config.sources)
if doubted:
    st.warning(tr("overview.unverified", n=len(doubted), areas="; ".join(
        tr("overview.unverified_area", area=registry.area_title(area, lang()), sources=plain(", ".join(names)))
        for area, names in doubted.items())))
counts = overview.open_findings(vern())
checks = overview.checks_status(vern())
failed = [c for c in checks if c["last_run"] and c["last_run"]["status"] == "failed"]

total = sum(row["n"] for row in counts)
columns = st.columns(2 + len(Severity))
columns[0].metric(tr("overview.open_findings"), total)
for column, severity in zip(columns[1:-1], reversed(Severity), strict=True):
    column.metric(tr(f"severity.{severity}"), sum(r["n"] for r in counts if r["severity"] == severity))
columns[-1].metric(tr("overview.failed_runs"), len(failed))

if counts:
    frame = pd.DataFrame(counts)
    frame["severity_label"] = frame["severity"].map(lambda s: tr(f"severity.{s}"))
    frame["area_label"] = frame["area"].map(lambda a: registry.area_title(a, lang()))
    colours = {tr(f"severity.{s}"): c for s, c in SEVERITY_COLOURS.items()}
    left, right = st.columns(2)
    left.plotly_chart(
        px.bar(frame, x="severity_label", y="n", color="severity_label", color_discrete_map=colours,
               title=tr("overview.by_severity"), labels={"severity_label": "", "n": ""}),
        width="stretch")
    right.plotly_chart(
        px.bar(frame, x="area_label", y="n", color="severity_label", color_discrete_map=colours,
               title=tr("overview.by_area"), labels={"area_label": "", "severity_label": "", "n": ""}),
        width="stretch")
else:
    st.success(tr("overview.no_findings"))

st.subheader(tr("overview.breaches"))
BREACH_METRICS = {"open": "breaches_open", "clock_running": "breaches_clock", "overdue": "breaches_overdue",
                  "notified_in_time": "breaches_in_time", "notified_late": "breaches_late"}
breach_counts = breaches.summary(vern().store)
for column, (key, label) in zip(st.columns(len(BREACH_METRICS)), BREACH_METRICS.items(), strict=True):
    column.metric(tr(f"overview.{label}"), breach_counts[key])
if page_roles.allowed(user["roles"], "breaches"):  # titles may name people: the adviser's eyes only
    running = [r for r in breaches.listing(vern().store, open_only=True) if r["clock_running"]]
    if running:
        countdown_table(running, with_titles=True)

st.subheader(tr("overview.requests"))
request_counts = subject_requests.summary(vern().store)
for column, key in zip(st.columns(3), ("open", "due_soon", "overdue"), strict=True):
    column.metric(tr(f"overview.requests_{key}"), request_counts[key])

st.subheader(tr("backups.title"))
backed_up = taking.status(vern().store)
for column, key in zip(st.columns(2), ("made", "verified"), strict=True):
    column.metric(tr(f"backups.fact.{key}"),
                  when(backed_up[key]["finished_at"]) if backed_up[key] else tr("backups.never"))

st.subheader(tr("nav.checks"))
st.dataframe(
    pd.DataFrame([{
        tr("col.title"): c["title"](lang()),
        tr("overview.last_run"): (f"{tr('run.' + c['last_run']['status'])} {when(c['last_run']['started_at'])}"
                                  if c["last_run"] else "—"),
        tr("overview.next_run"): when(c["next_run"]),
    } for c in checks]),
    hide_index=True, width="stretch")

# An error may quote the evidence: only those who may read evidence see it.
if failed and page_roles.allowed(user["roles"], "checks"):
    st.subheader(tr("overview.failed_list"))
    for check in failed:
        st.error(plain(f"{check['title'](lang())}: {runner.error_in(check['last_run'], lang())}"))
