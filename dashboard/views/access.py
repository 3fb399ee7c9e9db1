"""Access to personal data: what the access logs show, finding by finding, down to the
events behind each; a pseudonym re-identified only with a reason; the system list."""

from datetime import date, datetime

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
from dashboard.charts import day_label, every_day, time_axis
from dashboard.tables import table
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


def window(first: str, last: str) -> str:
    """When a finding's events happened, in Oslo time: 13. nov. 2026 kl. 10.00–10.24 within a day."""
    start, end = clock.local(clock.parse_instant(first)), clock.local(clock.parse_instant(last))
    if start.date() == end.date():
        return f"{when(start)}–{end:%H.%M}" if lang() == "nb" else f"{when(start)}–{end:%H:%M}"
    return f"{when(start)} – {when(end)}"


def span(first: date, last: date) -> str:
    """Two dates, the year once when they share it: 25. aug. – 23. nov. 2026."""
    start = clock.show_day_month(first, lang()) if first.year == last.year else day(first)
    return f"{start} – {day(last)}"


user = auth.require("access")
store = vern().store
CHECK = "access_logs"  # its findings, rules and the events behind them
check = vern().checks.get(CHECK)
st.title(tr("access.title"))
st.caption(tr("access.explain"))

stats = access_logs.counts(store)
events, actors, period = st.columns([1, 1, 2])  # the period's two dates in full
events.metric(tr("access.events"), number(stats["events"]))
actors.metric(tr("access.actors"), stats["actors"])
period.metric(tr("access.period"), span(clock.local(stats["first"]).date(), clock.local(stats["last"]).date())
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
    # Each day of the findings' span on the axis, a quiet day too; the two counts side by side.
    daily = frame.groupby(["day", "rule"]).size().reset_index(name="n")
    days = [day_label(d) for d in every_day(frame["day"].min(), frame["day"].max())]
    daily["day"] = daily["day"].map(day_label)
    over_time = px.bar(daily, x="day", y="n", color="rule", title=tr("access.over_time"),
                       labels={"day": "", "n": "", "rule": ""})
    over_time.update_traces(hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>")
    st.plotly_chart(time_axis(over_time, days), width="stretch")
    per_system, per_rule = st.columns(2)
    systems = frame.explode("systems").groupby(["systems", "severity"]).size().reset_index(name="n")
    by_rule = frame.groupby(["rule", "severity"]).size().reset_index(name="n")
    for column, counts, key, title in ((per_system, systems, "systems", "access.per_system"),
                                       (per_rule, by_rule, "rule", "access.per_rule")):
        figure = px.bar(counts, x="n", y=key, color="severity", orientation="h", color_discrete_map=colours,
                        title=tr(title), labels={key: "", "n": "", "severity": ""})
        # The legend under the bars leaves their names the width: none cut at 1280 px.
        figure.update_layout(legend={"orientation": "h", "y": -0.15})
        figure.update_traces(hovertemplate="%{y}: %{x}<extra>%{fullData.name}</extra>")
        figure.update_xaxes(dtick=1)  # counts: whole numbers
        column.plotly_chart(figure, width="stretch")

    message = f"message_{lang()}"
    table([{
        tr("col.severity"): tr(f"severity.{r['severity']}"),
        tr("col.rule"): rules[r["rule"]].title(lang()),
        tr("access.window"): window(r["details"]["first_at"], r["details"]["last_at"]),
        tr("access.systems"): r["details"]["systems"],
        tr("access.count"): r["details"]["count"],
        tr("access.actor"): r["details"]["actor"],
        tr("col.status"): tr(f"status.{r['status']}"),
    } for r in rows], {tr("col.severity"): 70, tr("col.rule"): 150, tr("access.window"): 175, tr("access.systems"): 140,
                       tr("access.count"): 60, tr("access.actor"): 140, tr("col.status"): 60}, wrap=True)

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
    at, source, system, action, operation, target, ip, records = (tr(key) for key in (
        "col.when", "access.source", "access.system", "access.action", "access.operation", "access.object",
        "access.ip", "access.records"))
    table([{
        at: when(e["happened_at"]), system: e["system"] or "—", action: e["action"], records: e["records"],
        target: e["object"] or "", operation: e["operation"], source: e["source"], ip: e["source_ip"] or "",
    } for e in behind], {at: 100, system: 120, action: 65, records: 55, target: 220, operation: 95, source: 60,
                         ip: 85}, wrap=True)
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
