"""What a person reads on an AppTest page, and the machine's words that must never be among it.

Shared by the leak test (AppTest) and the browser pass: each finds the text its way and asks
`leaks` what in it a person should not have to read.
"""

import json
import re

from conftest import as_read

# A document's preview shows the file as it will be downloaded (its words are the documents' tests').
PREVIEWS = ("Forhåndsvis", "Preview")
# Elements that render Markdown: their text is read after the Markdown is applied.
MARKDOWN_FIELDS = ("label", "body", "help", "caption")
# Streamlit's own English, which a bokmål page must not show.
# (Not "Clear all": the aria label of a multiselect's clear button, which Streamlit 1.67 lets
# no one change.)
STREAMLIT_ENGLISH = ("Choose an option", "Choose options", "Select all", "No results", "Press Enter",
                     "Drag and drop", "Browse files", "per file", "Upload", "Add an option")
# The leaks, each with the reason a person would give.
LEAKS = {
    "an empty value shown as None": re.compile(r"\bNone\b(?! /)|\bNaN\b|\bNaT\b|\bnan\b"),  # not "None / don't know"
    "an id where a name belongs": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),  # very_high, access_untrained
    "a reference instead of a name": re.compile(r"\b[a-z]+:(?=[0-9a-zA-Z])(?!\d\d\b)"),  # finding:c970…, breach:2
    # A pseudonym (p-…) is the name an account has; the trail head's chain value and signature
    # are what an auditor compares.
    "a fingerprint": re.compile(r"(?<!p-)(?<!kjedeverdi )(?<!chain value )(?<!signatur )(?<!signature )"
                                r"\b[0-9a-f]{12,}\b"),
    "raw Markdown": re.compile(r"\*\*|__|(?<!\w)`|\\[*_`#\[]"),
    "seconds or their fractions": re.compile(r"\d\d:\d\d:\d\d|\d\d:\d\d\.\d|T\d\d:\d\d"),
    "a UTC time": re.compile(r"\+00:00|\d\dZ\b|\bUTC\b"),
}
# In bokmål also: the machine's English words for what has a Norwegian name.
ENGLISH_IDS = re.compile(r"\b(authority|subjects|controller|very high|succeeded|acknowledged|risk accepted|"
                         r"True|False)\b")


def _markdown_read(text: str) -> str:
    """Markdown as the reader sees it: emphasis and code spans applied, escapes resolved."""
    text = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"\1", text)
    text = re.sub(r"(?<![\\*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)", r"\1", text)
    text = re.sub(r"(?<!\\)`[^`]+`", "", text)  # a code span is syntax to type (a cron line, a pattern)
    text = re.sub(r":material/[a-z_]+:", "", text)
    text = re.sub(r"^\s*[-#>]+\s", "", text, flags=re.MULTILINE)
    return as_read(text)


def _chart_strings(spec: str) -> list[str]:
    """The words a Plotly figure draws: titles, axis titles and ticks, legend names, category
    values and hover templates."""
    found = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, name)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)
        elif isinstance(value, str) and key in ("text", "name", "x", "y", "ticktext", "hovertemplate",
                                                "customdata", "legendgroup", "labels"):
            found.append(re.sub(r"%\{[^}]*\}|<[^>]+>", " ", value))

    figure = json.loads(spec)
    for trace in figure.get("data", []):
        walk({k: v for k, v in trace.items() if k not in ("type", "marker", "line", "orientation")})
    walk(figure.get("layout", {}).get("title", {}))
    for name, axis in figure.get("layout", {}).items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            walk({"title": axis.get("title", {}), "ticktext": axis.get("ticktext", [])})
    return found


def shown(at) -> list[str]:
    """Every piece of text an AppTest page shows a person, as read."""
    # An editable table is a form: the browser draws its column labels and checkboxes.
    tables = [frame for frame in at.dataframe if not frame.proto.editing_mode]
    found = [str(column) for frame in tables for column in frame.value.columns]
    found += [str(cell) for frame in tables for cell in frame.value.astype(str).to_numpy().ravel()]

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        kind = type(node).__name__
        if kind == "Html" and proto.body.lstrip().startswith("<style>"):
            return  # styles, never shown
        if proto is not None and kind not in ("Dataframe", "Table"):
            for name in MARKDOWN_FIELDS:
                if hasattr(proto, name) and isinstance(getattr(proto, name), str):
                    found.append(_markdown_read(getattr(proto, name)) if kind != "Text" else getattr(proto, name))
            for name in ("options", "placeholder", "display_values"):
                if hasattr(proto, name):
                    value = getattr(proto, name)
                    found.extend([value] if isinstance(value, str) else list(value))
            if kind == "Metric":
                found.extend([proto.label, proto.body, proto.delta])
            if hasattr(proto, "spec") and isinstance(proto.spec, str) and proto.spec.startswith("{"):
                found.extend(_chart_strings(proto.spec))
        if kind == "Table":
            found.extend(_markdown_read(str(cell)) for cell in node.value.to_numpy().ravel())
            found.extend(_markdown_read(str(index)) for index in node.value.index)
        if kind == "Expander" and node.label in PREVIEWS:
            return
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return [text for text in found if text]


def leaks(texts: list[str], lang: str) -> list[tuple[str, str]]:
    """(why, the text) for every text that shows the machine's words."""
    found = []
    for text in texts:
        for why, pattern in LEAKS.items():
            if pattern.search(text):
                found.append((why, text))
        if lang == "nb":
            if any(default in text for default in STREAMLIT_ENGLISH):
                found.append(("Streamlit's English", text))
            if ENGLISH_IDS.search(text):
                found.append(("an English word for what has a Norwegian name", text))
    return found
