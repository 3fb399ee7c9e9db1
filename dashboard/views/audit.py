"""Audit reports: create one now, the past ones re-verified against the audit trail, each
PDF to download (recorded), a box that tells which audit an uploaded PDF is, and what
changed since the audit before."""

import pandas as pd
import streamlit as st

from audits.core import clock, trail
from audits.core.errors import VernError
from audits.core.i18n import catalogue, said
from audits.reporting import audit_report
from dashboard import auth
from dashboard.ui import date_format, lang, refuse, say, tr, vern, when


def findings_table(items: list[dict]) -> None:
    st.dataframe(pd.DataFrame([{
        tr("col.severity"): tr(f"severity.{f['severity']}"), tr("col.check"): f["check"],
        tr("col.rule"): f["rule_title"], tr("col.subject"): f["subject"], tr("col.status"): tr(f"status.{f['status']}"),
        "fingerprint": f["fingerprint"]} for f in items]), hide_index=True, width="stretch")


def before_after(counts: dict[str, dict[str, int]], label: str, names) -> None:
    st.dataframe(pd.DataFrame([{label: names(k), tr("audit.diff.before"): v["before"], tr("audit.diff.after"): v["after"]}
                               for k, v in counts.items()]), hide_index=True, width="stretch")


def known(prefix: str):
    return lambda value: tr(f"{prefix}.{value}") if f"{prefix}.{value}" in catalogue() else value


def draw_changes(changes: dict) -> None:
    """What changed from the audit before to this one: findings, counts, checks, breaches, registers."""
    total = changes["open_total"]
    st.metric(tr("audit.diff.open"), total["after"], delta=total["after"] - total["before"], delta_color="inverse")
    for key, title in (("findings_new", "audit.diff.new"), ("findings_gone", "audit.diff.gone")):
        st.markdown(f"**{tr(title, n=len(changes[key]))}**")
        if changes[key]:
            findings_table(changes[key])
    if changes["findings_status_changed"]:
        st.markdown(f"**{tr('audit.diff.status', n=len(changes['findings_status_changed']))}**")
        st.dataframe(pd.DataFrame(changes["findings_status_changed"]), hide_index=True, width="stretch")
    area, severity = st.columns(2)
    with area:
        before_after(changes["by_area"], tr("col.area"), known("area"))
    with severity:
        before_after(changes["by_severity"], tr("col.severity"), known("severity"))
    for key, title in (("checks_changed", "audit.diff.checks"), ("breaches_changed", "audit.diff.breaches_changed")):
        if changes[key]:
            st.markdown(f"**{tr(title)}**")
            st.dataframe(pd.DataFrame([{"id": c["id"], tr("audit.diff.before"): str(c["before"]),
                                        tr("audit.diff.after"): str(c["after"])} for c in changes[key]]),
                         hide_index=True, width="stretch")
    if changes["breaches_added"]:
        st.markdown(f"**{tr('audit.diff.breaches')}**")
        st.dataframe(pd.DataFrame([{"id": b["id"], tr("col.status"): tr(f"breach.status.{b['status']}"),
                                    "aware_at": b["aware_at"]} for b in changes["breaches_added"]]),
                     hide_index=True, width="stretch")
    if changes["registers_changed"]:
        st.markdown(f"**{tr('audit.diff.registers')}**")
        st.dataframe(pd.DataFrame([{tr("audit.diff.register"): r["register"], tr("audit.diff.key"): r["key"],
                                    tr("audit.diff.before"): str(r["before"]), tr("audit.diff.after"): str(r["after"])}
                                   for r in changes["registers_changed"]]), hide_index=True, width="stretch")
    if not any(changes[k] for k in ("findings_new", "findings_gone", "findings_status_changed", "checks_changed",
                                    "breaches_added", "breaches_changed", "registers_changed")):
        st.caption(tr("audit.diff.none"))


user = auth.require("audit")
store = vern().store
st.title(tr("audit.title"))
st.caption(tr("audit.explain"))

# -- create -------------------------------------------------------------------------------
since = st.date_input(tr("audit.since"), value=audit_report.default_since(clock.today()),
                      max_value=clock.today(), format=date_format())
if st.button(tr("audit.create"), type="primary"):
    try:
        made = audit_report.run(vern(), user["name"], since, lang())
    except VernError as error:
        refuse(error)
    else:
        st.success(tr("audit.created", id=made["id"], sha=made["report_sha256"]))
        st.session_state["audit_chosen"] = made["id"]  # show the new one below

# -- the past audits, re-verified ----------------------------------------------------------
st.subheader(tr("audit.past"))
rows = audit_report.listing(store)
checked = audit_report.verify_all(store)
if checked["trail"]["problem"]:
    st.error(tr("trail.broken", count=checked["trail"]["entries_verified"], problem=checked["trail"]["problem"]))
if not rows:
    st.info(tr("audit.empty"))
else:
    broken = checked["trail"]["problem"] is not None
    st.dataframe(pd.DataFrame([{
        tr("audit.col.id"): r["id"], tr("audit.col.verified"): "✗" if broken or checked["reports"][r["id"]] else "✓",
        tr("audit.col.created"): when(r["created_at"]), tr("col.actor"): trail.actor_name(r["actor"], lang()),
        tr("audit.col.period"): f"{r['period_from']} – {r['period_to']}", tr("audit.col.sha"): r["report_sha256"],
        tr("audit.col.trail_head"): f"#{r['trail_head_seq']} {r['trail_head_hash']}",
    } for r in rows]), hide_index=True, width="stretch")
    for report_id, problems in checked["reports"].items():
        if problems:
            st.error(say("audit.problems", id=report_id, problems="; ".join(said(p, lang()) for p in problems)))

    # -- one audit: its PDF and what changed ------------------------------------------------
    by_id = {r["id"]: r for r in rows}
    # Words fixed now: Streamlit may format the options after the run, out of session state's reach.
    options = {i: tr("audit.option", id=i, when=when(r["created_at"])) for i, r in by_id.items()}
    chosen = st.selectbox(tr("audit.choose"), list(options), key="audit_chosen", format_func=options.__getitem__, placeholder=tr("widget.choose_one"))
    st.download_button(
        tr("audit.download"), data=bytes(audit_report.get(store, chosen)["pdf"]),
        file_name=f"vern-audit-{chosen}.pdf", mime="application/pdf",
        on_click=lambda: trail.record(store, user["name"], "export", f"audit-{chosen}.pdf", {"audit": chosen}))
    before = audit_report.previous(store, chosen)
    if before is None:
        st.caption(tr("audit.diff.first"))
    else:
        st.subheader(tr("audit.diff", before=options[before]))
        draw_changes(audit_report.diff(store, chosen))

# -- verify a file --------------------------------------------------------------------------
st.subheader(tr("audit.verify"))
uploaded = st.file_uploader(tr("audit.verify_upload"), type=["pdf"], key="audit_upload")
if uploaded is not None:
    found = audit_report.identify(store, uploaded.getvalue())
    if found is None:
        st.error(tr("audit.verify_none"))
    else:
        report = found["report"]
        problems = found["problems"] + ([found["trail"]["problem"]] if found["trail"]["problem"] else [])
        if problems:
            st.error(say("audit.verify_problems", id=report["id"],
                         problems="; ".join(said(p, lang()) for p in problems)))
        else:
            st.success(say("audit.verify_ok", id=report["id"], when=when(report["created_at"]),
                           actor=report["actor"], seq=report["trail_head_seq"], hash=report["trail_head_hash"]))
