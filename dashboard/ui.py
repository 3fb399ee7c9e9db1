"""What every page shares: the open Vern, the chosen language, and formatting."""

import html
import re
from datetime import date

import streamlit as st

from audits import runtime
from audits.core import clock
from audits.core.errors import InputError, VernError
from audits.core.i18n import LANGUAGES, Message, catalogue, said, t
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
    st.sidebar.caption(tr("sidebar.now", now=when(clock.now())))


# Streamlit's file uploader says "Drag and drop file here", "200MB per file" and "Upload" in
# English and takes no words for them: in bokmål its own words are hidden and ours drawn.
_UPLOADER_NB = """<style>
[data-testid=stFileUploaderDropzoneInstructions] {display: none}
[data-testid=stFileUploaderDropzone] button > * {display: none}
[data-testid=stFileUploaderDropzone] button::after {content: "%s"}
[data-testid=stFileUploaderDropzone]::before {content: "%s"; margin-right: 1rem}
</style>"""


def streamlit_words() -> None:
    """Streamlit's own words that no parameter changes, in the reader's language."""
    if lang() == "nb":
        st.html(_UPLOADER_NB % (tr("widget.upload"), tr("widget.drop")))


def when(instant) -> str:
    """An instant (or a stored ISO 8601 one) as people in Oslo read it, in the reader's form."""
    if isinstance(instant, str):
        instant = clock.parse_instant(instant)
    return clock.show(instant, lang())


def day(value) -> str:
    """A calendar date (or a stored ISO one) in the reader's form: 2. des. 2026."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return clock.show_day(value, lang())


def number(value) -> str:
    """A count as the reader writes it: 1 234 in bokmål, 1,234 in English."""
    return t("number", lang(), n=value)


def date_format() -> str:
    """st.date_input's format for the reader: DD.MM.YYYY in bokmål."""
    return "DD.MM.YYYY" if lang() == "nb" else "YYYY-MM-DD"


def choose() -> dict:
    """st.multiselect's words for the reader (Streamlit's own are English): the placeholder,
    and no "Select all", which cannot be translated."""
    return {"placeholder": tr("widget.choose"), "select_all": False}


def own_labels(prefix: str):
    """Like labels, for values the organisation may have made up itself (a record category,
    a purpose): the catalogue's name (`prefix.value`) where it has one, else as they wrote it."""
    code = lang()
    return lambda value: t(f"{prefix}.{value}", code) if f"{prefix}.{value}" in catalogue() else str(value)


def labels(prefix: str):
    """A format_func for widgets: the language is fixed now, since Streamlit may call it
    after the script run, when session state is out of reach."""
    code = lang()
    return lambda value: t(f"{prefix}.{value}", code)


# People's words (and evidence, which quotes them) are text, never markup. Where they go:
# - st.text, st.dataframe, st.data_editor, selectbox and multiselect options show them as
#   typed: pass them as they are (long text: st.text).
# - every element that renders Markdown (headings, captions, alerts, st.table cells, the
#   labels of buttons, expanders, tabs, radios, checkboxes, metrics): plain(), or say()
#   for a sentence of the catalogue with people's words in it.
# - Plotly (axis ticks, legends, hover texts): chart_label().
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark: all may open Markdown
# Autolinks (https://…, www.…, a@b.c) are found in the text after Markdown's escapes are
# resolved, so escaping cannot stop them: an invisible word joiner breaks each pattern
# instead (in '://', after '@', inside 'www.'). Copied, the text reads the same (joiner included).
_WORD_JOINER = "\u2060"
_AUTOLINKS = re.compile(r"(?<=:)(?=//)|(?<=@)(?=\S)|(?<=www)(?=\.)", re.IGNORECASE)


def plain(text) -> str:
    """Text from people or evidence for an element that renders Markdown: shown as typed
    (on one line), never as a link, emphasis, heading, icon, colour, formula or HTML."""
    one_line = " ".join(str(text).split())  # a blank line or an indent would start a block
    return _PUNCTUATION.sub(r"\\\1", _AUTOLINKS.sub(_WORD_JOINER, one_line))


def say(key: str, **values) -> str:
    """A sentence of the catalogue (which may keep its Markdown) with people's words in it,
    for an element that renders Markdown (not in a code span, which would show the escapes)."""
    return tr(key, **{name: plain(value) for name, value in values.items()})


def refusal(error: VernError) -> str:
    """A refused input in the reader's language, for an element that renders Markdown: the
    error, and each problem of a refused file on its own line."""
    if isinstance(error, InputError):
        return "\n".join([plain(error.message(lang()))] + [f"- {plain(line)}" for line in error.shown(lang())])
    return plain(error.text(lang()))


def refuse(error: VernError, fields: dict | None = None) -> None:
    """Show a refusal next to the field it concerns when the form has a place for it
    (`fields`: field name → st.empty() under that field), else where the page is."""
    slot = (fields or {}).get(error.field)
    if slot is None:
        st.error(refusal(error))
    else:
        slot.error(beside_field(error.message))


def beside_field(message: Message) -> str:
    """A refusal shown under its field says only what is wrong: the field's name in the
    message is the program's (title, aware_at), and the reader sees the field itself."""
    why = message.values.get("why")
    return plain(said(why, lang()) if why is not None else message(lang()))


def chart_label(text) -> str:
    """Text from people or evidence for Plotly, which reads tags (<a href>, <b>, <br>) and
    entities in labels and hover texts: shown as typed."""
    return html.escape(str(text), quote=False)
