"""Access to personal data: what the access logs show, finding by finding, down to the
events behind each; a pseudonym re-identified only with a reason; the system list."""

from datetime import datetime

import pandas as pd
import plotly.express as px
import streamlit as st

from audits.access import directory
from audits.access import logs as access_logs
from audits.access.directory import CLASSIFICATIONS
from audits.checking import findings
from audits.core import clock
from audits.core.errors import VernError
from dashboard import auth, breach_ui, reidentify
from dashboard.ui import (
    SEVERITY_COLOURS,
    chart_label,
    choose,
    day,
    labels,
    lang,
    number,
    refuse,
    tr,
    vern,
    when,
)

user = auth.require("access")
store = vern().store
CHECK = "access_logs"  # its findings, rules and the events behind them
check = vern().checks.get(CHECK)
st.title(tr("access.title"))
st.caption(tr("access.explain"))

stats = access_logs.counts(store)
events, actors, period = st.columns(3)
events.metric(tr("access.events"), number(stats["events"]))
actors.metric(tr("access.actors"), stats["actors"])
period.metric(tr("access.period"), f"{day(clock.local(stats['first']).date())} – {day(clock.local(stats['last']).date())}"
              if stats["events"] else "—")

rules = {rule.id: rule for rule in check.rules} if check else {}
left, right = st.columns(2)
statuses = left.multiselect(tr("findings.filter_status"), findings.STATUSES,
                            default=list(findings.UNHANDLED), format_func=labels("status"), **choose())
chosen_rules = right.multiselect(tr("col.rule"), list(rules), format_func=lambda r: rules[r].title(lang()), **choose())
rows = [r for r in findings.listing(store, check=CHECK)
        if (not statuses or r["status"] in statuses) and (not chosen_rules or r["rule"] in chosen_rules)]
if check is None:
    st.info(tr("checks.not_installed", check=CHECK))
elif not rows:
    st.info(tr("access.none") if stats["events"] else tr("access.empty"))
else:
    frame = pd.DataFrame([{
        "rule": rules[r["rule"]].title(lang()), "severity": tr(f"severity.{r['severity']}"),
        "day": clock.local(datetime.fromisoformat(r["details"]["last_at"])).date(),
        "systems": [chart_label(s) for s in r["details"].get("system_list") or []] or [tr("access.signin")],
    } for r in rows])
    colours = {tr(f"severity.{s}"): c for s, c in SEVERITY_COLOURS.items()}
    over_time, per_system, per_rule = st.columns(3)
    daily = frame.groupby(["day", "rule"]).size().reset_index(name="n")
    over_time.plotly_chart(px.bar(daily, x="day", y="n", color="rule", title=tr("access.over_time"),
                                  labels={"day": "", "n": "", "rule": ""}), width="stretch")
    systems = frame.explode("systems").groupby(["systems", "severity"]).size().reset_index(name="n")
    per_system.plotly_chart(px.bar(systems, x="n", y="systems", color="severity", orientation="h",
                                   color_discrete_map=colours, title=tr("access.per_system"),
                                   labels={"systems": "", "n": "", "severity": ""}), width="stretch")
    by_rule = frame.groupby(["rule", "severity"]).size().reset_index(name="n")
    per_rule.plotly_chart(px.bar(by_rule, x="n", y="rule", color="severity", orientation="h",
                                 color_discrete_map=colours, title=tr("access.per_rule"),
                                 labels={"rule": "", "n": "", "severity": ""}), width="stretch")

    message = f"message_{lang()}"
    st.dataframe(pd.DataFrame([{
        tr("col.severity"): tr(f"severity.{r['severity']}"),
        tr("col.rule"): rules[r["rule"]].title(lang()),
        tr("access.actor"): r["details"]["actor"],
        tr("access.systems"): r["details"]["systems"],
        tr("access.window"): f"{r['details']['first']} – {r['details']['last']}",
        tr("access.count"): r["details"]["count"],
        tr("col.status"): tr(f"status.{r['status']}"),
    } for r in rows]), hide_index=True, width="stretch")

    st.subheader(tr("access.drill"))
    by_key = {r["fingerprint"]: r for r in rows}
    key = st.selectbox(tr("findings.pick"), list(by_key), format_func=lambda k: by_key[k][message], placeholder=tr("widget.choose_one"))
    finding = by_key[key]
    rule = rules[finding["rule"]]
    st.text(finding[message])
    st.markdown(f"**{rule.title(lang())}** — {tr('findings.article')}: {rule.article}")
    st.markdown(f"**{tr('findings.remedy')}:** {rule.remedy(lang())}")
    behind = check.evidence(store, vern().config.check(CHECK), finding)
    st.caption(tr("access.behind", n=len(behind)))
    st.dataframe(pd.DataFrame([{
        tr("col.when"): when(e["happened_at"]), tr("access.source"): e["source"],
        tr("access.system"): e["system"] or "—", tr("access.action"): e["action"],
        tr("access.operation"): e["operation"], tr("access.object"): e["object"] or "",
        tr("access.ip"): e["source_ip"] or "", tr("access.records"): e["records"],
    } for e in behind]), hide_index=True, width="stretch")
    breach_ui.from_finding_button(finding, rule.title(lang()), finding[message], user)
    with st.expander(tr("access.reidentify")):
        reidentify.form(user, finding["details"]["actor"])

with st.expander(tr("access.systems_edit")):
    st.caption(tr("access.systems_explain"))
    current = pd.DataFrame(directory.systems(store), columns=["name", "holds_personal_data",
                                                            "classification", "match"])
    current["match"] = current["match"].map(lambda patterns: "; ".join(patterns))
    edited = st.data_editor(current, num_rows="dynamic", hide_index=True, width="stretch", key="systems",
                            column_config={
                                "name": st.column_config.TextColumn(tr("col.name"), required=True),
                                "holds_personal_data": st.column_config.CheckboxColumn(tr("access.personal")),
                                "classification": st.column_config.SelectboxColumn(
                                    tr("access.classification"), options=CLASSIFICATIONS, required=True),
                                "match": st.column_config.TextColumn(tr("access.match")),
                            })
    if st.button(tr("access.systems_save")):
        records = [{**row, "holds_personal_data": "yes" if row["holds_personal_data"] else "no"}
                   for row in edited.to_dict("records")]
        try:
            saved = directory.edit_systems(store, records, user["name"])
        except VernError as error:
            refuse(error)
        else:
            st.success(tr("access.systems_saved", n=saved))
