"""What every page shares: the open Vern, the chosen language, and formatting."""

import re

import streamlit as st

from audits import clock, runtime
from audits.i18n import LANGUAGES, t
from audits.runtime import Vern

SEVERITY_COLOURS = {"low": "#8fbc8f", "medium": "#f0ad4e", "high": "#d9534f", "critical": "#7b1f1f"}


def vern() -> Vern:
    return runtime.current()


def lang() -> str:
    if "lang" not in st.session_state:
        st.session_state.lang = vern().config.language
    return st.session_state.lang


def tr(key: str, **values) -> str:
    return t(key, lang(), **values)


def language_switch() -> None:
    lang()  # seed from the configuration before the widget reads it
    st.sidebar.radio(
        tr("sidebar.language"), LANGUAGES, key="lang", horizontal=True,
        format_func=lambda code: {"nb": "Norsk bokmål", "en": "English"}[code],
    )
    st.sidebar.caption(tr("sidebar.now", now=clock.show(clock.now())))


def when(instant) -> str:
    """An instant as people in Oslo read it."""
    return clock.show(instant)


def labels(prefix: str):
    """A format_func for widgets: the language is fixed now, since Streamlit may call it
    after the script run, when session state is out of reach."""
    code = lang()
    return lambda value: t(f"{prefix}.{value}", code)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """Text from people or evidence, escaped so Markdown-rendering elements show it as typed."""
    return _MARKDOWN.sub(r"\\\1", str(text))
