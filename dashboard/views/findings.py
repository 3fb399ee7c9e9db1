"""Findings: filter, sort, read one in full, and record a decision with a reason."""

import pandas as pd
import streamlit as st

from audits.checking import findings
from audits.checking.api import Severity
from audits.core import trail
from audits.core.errors import VernError
from dashboard import auth, breach_ui, downloads
from dashboard.ui import choose, date_format, labels, lang, refuse, tr, vern, when

user = auth.require("findings")
st.title(tr("findings.title"))
checks = vern().checks

left, middle, right, sort_column = st.columns(4)
statuses = left.multiselect(tr("findings.filter_status"), findings.STATUSES,
                            default=list(findings.UNHANDLED), format_func=labels("status"), **choose())
severities = middle.multiselect(tr("findings.filter_severity"), [s.value for s in Severity],
                                format_func=labels("severity"), **choose())
titles = {check_id: check.title(lang()) for check_id, check in checks.items()}
check_ids = right.multiselect(tr("findings.filter_check"), list(checks), format_func=titles.get, **choose())
order = sort_column.selectbox(tr("findings.sort"), ("severity", "last_seen", "first_seen"),
                              format_func=labels("col"), placeholder=tr("widget.choose_one"))

rows = [
    row for row in findings.listing(vern().store)
    if (not statuses or row["status"] in statuses)
    and (not severities or row["severity"] in severities)
    and (not check_ids or row["check"] in check_ids)
]
if order != "severity":
    rows.sort(key=lambda r: r[order], reverse=True)

st.caption(tr("findings.count", n=len(rows)))
if rows:
    language = lang()
    downloads.spreadsheets({"csv": tr("findings.export"), "xlsx": tr("findings.export_xlsx")},
                           lambda: findings.export_rows(rows, language), "vern-findings", user["name"],
                           "findings.{fmt}", {"rows": len(rows)})
if not rows:
    st.info(tr("findings.none"))
    st.stop()

message = f"message_{lang()}"


def rule_title(row: dict) -> str:
    """A rule by its name; a rule of a check no longer installed by its id, the only name left."""
    check = checks.get(row["check"])
    return check.rule(row["rule"]).title(lang()) if check else row["rule"]


st.dataframe(
    pd.DataFrame([{
        tr("col.severity"): tr(f"severity.{r['severity']}"),
        tr("col.status"): tr(f"status.{r['status']}"),
        tr("col.message"): r[message],
        tr("col.check"): titles.get(r["check"], r["check"]),
        tr("col.rule"): rule_title(r),
        tr("col.first_seen"): when(r["first_seen"]),
        tr("col.last_seen"): when(r["last_seen"]),
    } for r in rows]),
    hide_index=True, width="stretch")



def lifecycle(event: dict) -> str:
    """Vern's own status changes, named."""
    if event["from_status"] is None:
        return "first_seen"
    return "seen_again" if event["to_status"] == "open" else "no_longer_seen"


st.subheader(tr("findings.detail"))
by_key = {r["fingerprint"]: r for r in rows}
messages = {k: r[message] for k, r in by_key.items()}
key = st.selectbox(tr("findings.pick"), list(by_key), format_func=messages.get, placeholder=tr("widget.choose_one"))
finding = by_key[key]
rule = checks[finding["check"]].rule(finding["rule"]) if finding["check"] in checks else None

st.markdown(f"**{tr('severity.' + finding['severity'])} · {tr('status.' + finding['status'])}**")
st.text(finding[message])
if rule is not None:
    st.markdown(f"**{rule.title(lang())}** — {tr('findings.article')}: {rule.article}")
    st.markdown(f"**{tr('findings.remedy')}:** {rule.remedy(lang())}")
if finding["status_reason"]:
    st.caption(tr("findings.reason"))
    st.text(finding["status_reason"])  # a person's words: shown as text, never as markup

with st.expander(tr("findings.history")):
    st.dataframe(pd.DataFrame([{
        tr("col.when"): when(e["happened_at"]), tr("col.actor"): trail.actor_name(e["actor"], lang()),
        tr("col.change"): " → ".join(tr(f"status.{s}") for s in (e["from_status"], e["to_status"]) if s),
        tr("findings.reason"): e["reason"] or (tr(f"history.{lifecycle(e)}") if e["actor"] == "vern" else ""),
    } for e in findings.history(vern().store, key)]), hide_index=True, width="stretch")

breach_ui.from_finding_button(finding, rule.title(lang()) if rule else finding["rule"], finding[message], user)

if finding["status"] != "closed":
    with st.form(f"decide-{key}"):
        status = st.selectbox(tr("findings.set_status"), findings.DECISIONS,
                              index=findings.DECISIONS.index(finding["status"]),
                              format_func=labels("status"), placeholder=tr("widget.choose_one"))
        reason = st.text_area(tr("findings.reason"))
        reason_slot = st.empty()
        review_on = st.date_input(tr("findings.review_on"), value=None, format=date_format())
        if st.form_submit_button(tr("findings.save")):
            try:
                findings.set_status(vern().store, key, status, user["name"], reason, review_on)
            except VernError as error:
                refuse(error, {"reason": reason_slot})
            else:
                st.success(tr("findings.saved"))
                st.rerun()
