"""The organisation's profile (admin): who we are and whom to contact, named in every breach
document (Art. 33(3)(b), 34(2)); each district chapter's contact for breaches where we are
its processor (Art. 33(2)). The contact point's details are the published ones."""

import re

import streamlit as st

from audits.core.errors import VernError
from audits.organisation import profile
from dashboard import auth
from dashboard.ui import beside_field, refuse, tr, vern

user = auth.require("organisation")
store, config = vern().store, vern().config
_CHAPTER_FIELD = re.compile(r"chapters\[(\d+)\]\.(\w+)")

# The fields start again from what is stored after each save (a removed chapter's row included).
version = st.session_state.setdefault("organisation_version", 0)

st.title(tr("organisation.title"))
if st.session_state.pop("organisation_saved", False):
    st.success(tr("organisation.saved"))
st.caption(tr("organisation.intro"))
current = profile.load(store, config)
missing = profile.missing(current)
if missing:
    st.warning(tr("organisation.missing", fields=", ".join(tr(f"organisation.gap.{key}") for key in missing)))
else:
    st.success(tr("organisation.complete"))


def chapter_rows() -> list[tuple[dict, object]]:
    """One row of fields per chapter and an empty one to add another, each with a place for
    its refusal."""
    rows = []
    for number, chapter in enumerate([*current["chapters"], dict.fromkeys(profile.CHAPTER_FIELDS, "")]):
        columns = st.columns(len(profile.CHAPTER_FIELDS))
        values = {key: column.text_input(tr(f"organisation.chapter.{key}"), chapter[key], key=f"chapter-{version}-{number}-{key}")
                  for column, key in zip(columns, profile.CHAPTER_FIELDS, strict=True)}
        rows.append((values, st.empty()))
    return rows


with st.form("organisation"):
    slots, values = {}, {}
    for key in profile.FIELDS:
        values[key] = st.text_input(tr(f"organisation.field.{key}"), current[key], key=f"organisation-{version}-{key}")
        slots[key] = st.empty()
    st.subheader(tr("organisation.chapters"), anchor=False)
    st.caption(tr("organisation.chapters_help"))
    rows = chapter_rows()
    slots["chapters"] = st.empty()
    saved = st.form_submit_button(tr("organisation.save"), type="primary")

if saved:
    kept = [(values_, slot) for values_, slot in rows if any(v.strip() for v in values_.values())]  # empty: removed
    try:
        profile.save(store, config, user["name"], values | {"chapters": [v for v, _ in kept]})
    except VernError as error:
        one = _CHAPTER_FIELD.fullmatch(error.field or "")
        if one:  # under the chapter's own row, naming its column
            kept[int(one[1]) - 1][1].error(tr("organisation.chapter_refused", column=tr(f"organisation.chapter.{one[2]}"),
                                              why=beside_field(error.message)))
        else:
            refuse(error, slots)
    else:
        st.session_state["organisation_version"] = version + 1
        st.session_state["organisation_saved"] = True
        st.rerun()
