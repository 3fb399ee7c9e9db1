"""A form that keeps what is typed in it: the author's draft (audits/accounts/drafts.py,
encrypted) is laid over the fresh form on a first visit, after a reload or a new sign-in,
kept again at every change, and gone once the form is saved or the draft discarded.

A form that keeps drafts is drawn without st.form: inside one, nothing typed reaches the
server before the button is pressed, so there would be nothing to keep. Streamlit sends a
field when it loses focus (or on Ctrl+Enter in a text area), and that rerun keeps the draft.
"""

from collections.abc import Callable
from datetime import date, time

import streamlit as st

from audits.accounts import drafts
from audits.core import clock
from dashboard.ui import lang, tr, vern, when


def _stored(value):
    """A widget's value as JSON: dates and times as ISO text, the rest as they are."""
    return value.isoformat() if isinstance(value, date | time) else value


def _read(stored, fresh):
    """A stored value in the type of the fresh form's value for the same field."""
    if stored is not None and isinstance(fresh, date):
        return date.fromisoformat(stored)
    if stored is not None and isinstance(fresh, time):
        return time.fromisoformat(stored)
    return stored


def _snapshot(keys: tuple[str, ...]) -> dict:
    return {key: _stored(st.session_state.get(key)) for key in keys}


def start(form: str, author: str, fresh: Callable[[], None], keys: tuple[str, ...]) -> None:
    """Before the widgets are drawn: the fresh form's values, then the author's draft over
    them (the fields named in `keys` only)."""
    fresh()
    draft = drafts.get(vern().store, author, form)
    st.session_state.pop(f"draft_{form}_at", None)
    if draft is not None:
        st.session_state.update({key: _read(value, st.session_state.get(key))
                                 for key, value in draft["content"].items() if key in keys})
        st.session_state[f"draft_{form}_at"] = draft["saved_at"]
    st.session_state[f"draft_{form}_seen"] = _snapshot(keys)


def held(key: str):
    """`value=` (or a multiselect's `default=`) for a widget of a kept form: the value session
    state holds, so that it is the widget's own default too. A browser that draws a widget
    before its value arrives (a quick hand, a busy server) shows the widget's default and sends
    it back: a restored draft lost a ticked box (2 of 90 quick sign-ins), and a date or time
    took Streamlit's default 'now' on the server's clock, UTC (2 of 42): a report noticed an
    hour early, or after 23.00 UTC, on Oslo's date, in the future."""
    return st.session_state[key]


def held_index(key: str, options) -> int:
    """`index=` for a selectbox of a kept form (see held); a held value that is no longer one
    of the options (a draft's processor since removed from the register) becomes the first."""
    options = list(options)
    if st.session_state[key] not in options:
        st.session_state[key] = options[0]
    return options.index(st.session_state[key])


def keep(form: str, author: str, keys: tuple[str, ...]) -> None:
    """After the widgets: keep the draft when anything in it changed since last seen."""
    now = _snapshot(keys)
    if now == st.session_state.get(f"draft_{form}_seen"):
        return
    at = clock.now()
    drafts.keep(vern().store, author, form, now, at)
    st.session_state[f"draft_{form}_seen"] = now
    st.session_state[f"draft_{form}_at"] = at


def forget(form: str, author: str) -> None:
    """The form was saved: its draft has done its work."""
    drafts.discard(vern().store, author, form)
    st.session_state.pop(f"draft_{form}_at", None)


def _kept(at) -> str:
    """'Utkast lagret kl. 14.05' today; with the date when the draft is older."""
    local = clock.local(at)
    if local.date() != clock.today():
        return tr("drafts.kept", at=when(at))
    return tr("drafts.kept_today", time=f"{local:%H.%M}" if lang() == "nb" else f"{local:%H:%M}")


def status(form: str, author: str, fresh: Callable[[], None], keys: tuple[str, ...], place) -> None:
    """In `place` (a row after the form's button): the button that discards the draft and
    starts the form afresh, and, quietly, when the draft was last kept."""
    at = st.session_state.get(f"draft_{form}_at")
    if at is None:
        return

    def discard() -> None:  # a callback: it runs before the widgets are drawn again
        drafts.discard(vern().store, author, form)
        start(form, author, fresh, keys)

    place.button(tr("drafts.discard"), key=f"draft_{form}_discard", on_click=discard)
    place.caption(_kept(at))
