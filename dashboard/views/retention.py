"""Retention and deletion (GDPR Art. 5(1)(e)): records past their retention per system and
category; for the adviser also the rules, recording a deletion, whether the next inventory
confirmed it, and the inventories. The board sees counts per system only."""

import pandas as pd
import plotly.express as px
import streamlit as st

from audits.core import clock
from audits.core.errors import VernError
from audits.retention import register as retention
from dashboard import auth
from dashboard.tables import table
from dashboard.ui import chart_label, date_format, day, own_labels, refuse, say, tr, vern, when

user = auth.require("retention")
store = vern().store
st.title(tr("retention.title"))
st.caption(tr("retention.explain"))

summary = retention.summary(store, clock.today())
if not summary:
    st.info(tr("retention.empty"))
    st.stop()

frame = pd.DataFrame(summary)
records, overdue, no_rule = st.columns(3)
records.metric(tr("retention.records"), int(frame["records"].sum()))
overdue.metric(tr("retention.overdue"), int(frame["overdue"].sum()))
no_rule.metric(tr("retention.no_rule"), int((~frame["has_rule"]).sum()))

adviser = "adviser" in user["roles"]
category_name = own_labels("record_category")
# The board sees overdue records per system; the adviser also by category.
by = ["system", "category"] if adviser else ["system"]
chart = frame.groupby(by, as_index=False)["overdue"].sum()
chart = chart[chart["overdue"] > 0]
if adviser:
    chart["category"] = chart["category"].map(category_name)
chart[by] = chart[by].map(chart_label)  # names from the inventories
if not chart.empty:
    st.plotly_chart(px.bar(chart, x="overdue", y="system", orientation="h", title=tr("retention.per_system"),
                           color="category" if adviser else None,
                           labels={"system": "", "overdue": "", "category": tr("retention.category")}),
                    width="stretch")

if not adviser:
    per_system = frame.groupby("system", as_index=False)[["records", "overdue"]].sum()
    table(pd.DataFrame({tr("retention.system"): per_system["system"], tr("retention.overdue"): per_system["overdue"],
                        tr("retention.records"): per_system["records"]}))
    st.stop()


def rule_text(rules: list[dict]) -> str:
    if not rules:
        return tr("retention.rule_none")
    return "; ".join(tr("retention.rule_text", months=r["months"], start=tr(f"retention.from.{r['from']}"),
                        activity=r["activity"]) for r in rules)


# What is past its retention first; the rule behind it wrapped, every column in view.
system_, category_, overdue_, oldest_, rule_, records_, exempt_ = (tr(key) for key in (
    "retention.system", "retention.category", "retention.overdue", "retention.oldest", "retention.rule",
    "retention.records", "retention.exempt"))
table([{
    system_: r["system"], category_: category_name(r["category"]), overdue_: r["overdue"],
    oldest_: day(r["oldest"]) if r["oldest"] else "—", rule_: rule_text(r["rules"]),
    records_: r["records"], exempt_: r["exempt"],
} for r in summary], {system_: 130, category_: 115, overdue_: 120, oldest_: 90, rule_: 170, records_: 55,
                      exempt_: 125}, wrap=True)

st.subheader(tr("retention.delete"))
st.caption(tr("retention.delete_explain"))
categories: dict[str, list[str]] = {}
for r in summary:
    categories.setdefault(r["system"], []).append(r["category"])
system = st.selectbox(tr("retention.system"), list(categories), key="deletion_system", placeholder=tr("widget.choose_one"))
with st.form("deletion"):  # kept on a refusal: nothing typed is lost
    category = st.selectbox(tr("retention.category"), categories[system],
                            format_func=category_name, placeholder=tr("widget.choose_one"))
    deleted_on = st.date_input(tr("retention.deleted_on"), value=clock.today(), max_value=clock.today(), format=date_format())
    count = st.number_input(tr("retention.count"), min_value=1, step=1, value=1)
    evidence = st.text_area(tr("retention.evidence"))
    evidence_slot = st.empty()
    if st.form_submit_button(tr("retention.save")):
        try:
            saved = retention.record_deletion(store, user["name"], system, category, deleted_on, int(count),
                                              evidence)
        except VernError as error:
            refuse(error, {"evidence": evidence_slot})
        else:
            st.success(say("retention.saved", id=saved, system=system))

st.subheader(tr("retention.deletions"))
deletions = retention.deletions(store)
if not deletions:
    st.caption(tr("retention.no_deletions"))
else:
    deleted_on, count, status, evidence, by, at = (tr(key) for key in (
        "retention.deleted_on", "retention.count", "col.status", "retention.evidence", "retention.recorded_by",
        "col.when"))
    table([{
        system_: d["system"], category_: category_name(d["category"]), deleted_on: day(d["deleted_on"]),
        count: d["count"], status: tr(f"retention.status.{d['status']}", n=d["remaining"]),
        evidence: d["evidence"], by: d["recorded_by"], at: when(d["recorded_at"]),
    } for d in deletions], {system_: 110, category_: 95, deleted_on: 90, count: 90, status: 105, evidence: 135,
                            by: 95, at: 90}, wrap=True)

st.subheader(tr("retention.inventories"))
table([{
    system_: i["system"], tr("retention.file"): i["file"],
    records_: i["records"], tr("retention.imported_at"): when(i["imported_at"]),
} for i in retention.inventories(store)])
