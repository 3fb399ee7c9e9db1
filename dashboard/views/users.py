"""Users and keys (admin): accounts, roles, locks, and key rotation."""

import pandas as pd
import streamlit as st

from audits.accounts import passwords, users
from audits.core import clock, keys
from audits.core.errors import VernError
from audits.organisation import profile as organisation
from dashboard import auth
from dashboard.ui import choose, labels, refuse, say, tr, vern, when

user = auth.require("users")
store = vern().store
association = organisation.load(vern().store, vern().config)["name"]  # no password may hold it


st.title(tr("users.title"))

accounts = users.listing(store)
st.dataframe(pd.DataFrame([{
    tr("auth.username"): a["username"], tr("users.roles"): ", ".join(a["roles"]),
    tr("col.status"): tr("users.disabled") if a["disabled"] else (
        tr("users.locked") if a["locked_until"] and a["locked_until"] > clock.now() else tr("users.active")),
    tr("users.last_sign_in"): when(a["last_sign_in"]),
} for a in accounts]), hide_index=True, width="stretch")

with st.form("add-user", clear_on_submit=True):
    st.subheader(tr("users.add"))
    name = st.text_input(tr("auth.username"))
    name_slot = st.empty()
    roles = st.multiselect(tr("users.roles"), users.ROLES, format_func=labels("role"), **choose())
    roles_slot = st.empty()
    password = st.text_input(tr("auth.password"), type="password", help=tr("users.password_rule"))
    password_slot = st.empty()
    if st.form_submit_button(tr("users.add")):
        try:
            users.add(store, user["name"], name, roles, password, association)
        except VernError as error:
            refuse(error, {"username": name_slot, "roles": roles_slot, "password": password_slot})
        else:
            st.success(say("users.added", name=name.strip().lower()))

names = [a["username"] for a in accounts]
if names:
    st.subheader(tr("users.change"))
    chosen = st.selectbox(tr("auth.username"), names, placeholder=tr("widget.choose_one"))
    disabled = next(a["disabled"] for a in accounts if a["username"] == chosen)
    with st.form("change-user"):
        roles = st.multiselect(tr("users.roles"), users.ROLES, format_func=labels("role"),
                               default=next(list(a["roles"]) for a in accounts if a["username"] == chosen), **choose())
        roles_slot = st.empty()
        password = st.text_input(tr("users.new_password"), type="password", help=tr("users.password_rule"))
        password_slot = st.empty()
        active = st.checkbox(tr("users.active"), value=not disabled)
        if st.form_submit_button(tr("findings.save")):
            try:
                if password:  # refused before anything changes
                    passwords.acceptable(password, chosen, association)
                users.set_roles(store, user["name"], chosen, roles)
                if password:
                    users.set_password(store, user["name"], chosen, password, association)
                if active == disabled:
                    users.set_disabled(store, user["name"], chosen, not active)
            except VernError as error:
                refuse(error, {"roles": roles_slot, "password": password_slot})
            else:
                st.success(tr("findings.saved"))
                st.rerun()

st.subheader(tr("keys.title"))
described = keys.describe(store)
st.markdown(tr("keys.state", primary=described["primary"], keys=", ".join(described["keys"]),
               source=described["source"]))
st.warning(tr("keys.backup"))
if st.button(tr("keys.rotate")):
    try:
        st.success(keys.rotate(store, user["name"]))
    except VernError as error:
        refuse(error)
