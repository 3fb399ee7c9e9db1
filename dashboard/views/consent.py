"""Consent and opt-out, for the adviser and the board: consents by purpose, sends by
campaign (marketing or service mail) and the sends against consent per campaign —
aggregates only, never an address or a pseudonym."""

import pandas as pd
import plotly.express as px
import streamlit as st

from audits.consent import register as consent
from audits.core import clock
from dashboard import auth
from dashboard.ui import chart_label, lang, own_labels, tr, vern, when

auth.require("consent")
store = vern().store
CHECK = "consent"  # which mail is service mail, and the rules' names
check = vern().checks.get(CHECK)
st.title(tr("consent.title"))
st.caption(tr("consent.explain"))
if check is None:
    st.info(tr("checks.not_installed", check=CHECK))
    st.stop()
service = vern().config.check(CHECK)["service_purposes"]

found = consent.summary(store, service, clock.now())
if not found["consents"] and not found["campaigns"]:
    st.info(tr("consent.empty"))
    st.stop()


campaigns = pd.DataFrame(found["campaigns"], columns=[
    "campaign", "purpose", "kind", "sends", "people", "first", "last",
    "marketing_without_consent", "marketing_after_opt_out"])
marketing = campaigns[campaigns["kind"] == "marketing"]
sent, without, after, opted_out = st.columns(4)
sent.metric(tr("consent.marketing_sends"), int(marketing["sends"].sum()))
without.metric(tr("consent.without_consent"), int(marketing["marketing_without_consent"].sum()))
after.metric(tr("consent.after_opt_out"), int(marketing["marketing_after_opt_out"].sum()))
opted_out.metric(tr("consent.request_withdrawals"), found["request_withdrawals"],
                 help=tr("consent.request_withdrawals_help"))

st.subheader(tr("consent.by_purpose"))
purpose_name = own_labels("purpose")
purposes = pd.DataFrame(found["consents"], columns=["purpose", "valid", "withdrawn"])
purposes["purpose"] = purposes["purpose"].map(purpose_name)
if not purposes.empty:
    chart = purposes.assign(purpose=purposes["purpose"].map(chart_label)).melt(
        id_vars="purpose", value_vars=["valid", "withdrawn"], var_name="state", value_name="people")
    chart["state"] = chart["state"].map({"valid": tr("consent.valid"), "withdrawn": tr("consent.withdrawn")})
    st.plotly_chart(px.bar(chart, x="purpose", y="people", color="state", barmode="group",
                           labels={"purpose": "", "people": tr("consent.people_axis"), "state": ""}),
                    width="stretch")
    st.dataframe(purposes.rename(columns={"purpose": tr("consent.purpose"), "valid": tr("consent.valid"),
                                          "withdrawn": tr("consent.withdrawn")}), hide_index=True)

st.subheader(tr("consent.campaigns"))
rules = {rule.id: rule.title(lang()) for rule in check.rules}
if not campaigns.empty:
    st.dataframe(pd.DataFrame([{
        tr("consent.campaign"): row["campaign"], tr("consent.purpose"): purpose_name(row["purpose"]),
        tr("consent.kind"): tr(f"consent.kind.{row['kind']}"), tr("consent.sends"): row["sends"],
        tr("consent.people"): row["people"], tr("consent.first"): when(row["first"]),
        tr("consent.last"): when(row["last"]),
        rules["marketing_without_consent"]: row["marketing_without_consent"],
        rules["marketing_after_opt_out"]: row["marketing_after_opt_out"],
    } for row in found["campaigns"]]), hide_index=True, width="stretch")

    names = [chart_label(f"{c} ({p})") for c, p in zip(marketing["campaign"], marketing["purpose"].map(purpose_name), strict=True)]
    against = marketing[list(rules)].assign(name=names).melt(
        id_vars="name", var_name="rule", value_name="n")
    against = against[against["n"] > 0]
    if against.empty:
        st.success(tr("consent.no_violations"))
    else:
        against["rule"] = against["rule"].map(rules)
        st.plotly_chart(px.bar(against, x="name", y="n", color="rule", title=tr("consent.violations"),
                               labels={"name": "", "n": tr("consent.sends"), "rule": ""}),
                        width="stretch")
