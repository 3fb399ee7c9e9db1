"""How Vern speaks to people: every word a person reads, in bokmål and English.

One mechanism. Each feature keeps its words beside its code, in a `words.py` holding `WORDS`
(key → Text); the catalogue is all of them together. A check brings the texts of its rules as
`Text` values on the rules (they travel with the check, so an organisation's own check is
bilingual too). An error carries a key and values (a `Message`), and is put into words where
it is read: on the dashboard in the reader's language, on the command line in the configured.

A template may say a word by number: `{n:sak|saker}` is "sak" when n is 1, else "saker"
(both languages need only these two forms); numbers follow the reader (`{n:,}` is 10 000 in
bokmål, 10,000 in English).
"""

import importlib
import string
from dataclasses import dataclass, field
from datetime import date, datetime

LANGUAGES = ("nb", "en")
# The packages that keep words, in the order the catalogue is assembled.
WORD_PACKAGES = ("core", "accounts", "checking", "io", "breaches", "subject_requests", "activities",
                 "processors", "retention", "consent", "training", "access", "reporting", "alerts", "organisation",
                 "sources", "backups", "cli")


class _Formatter(string.Formatter):
    """str.format with plural words, and numbers written as the reader writes them
    (bokmål: 10 000 and 0,25)."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value, spec: str) -> str:
        if "|" in spec:
            one, other = spec.split("|", 1)
            return one if value == 1 else other
        shown = super().format_field(value, spec)
        if self.lang == "nb" and isinstance(value, int | float) and not isinstance(value, bool):
            shown = shown.replace(",", "\u00a0").replace(".", ",")
        return shown


@dataclass(frozen=True)
class Text:
    nb: str
    en: str

    def __call__(self, lang: str, /, **values) -> str:
        template = self.nb if lang == "nb" else self.en
        if not values:
            return template
        return _Formatter(lang).format(template, **{name: said(value, lang) for name, value in values.items()})


@dataclass(frozen=True)
class Message:
    """Words waiting for their reader: a catalogue key (or a check's own Text) and the values."""

    key: str | Text
    values: dict = field(default_factory=dict)

    def __call__(self, lang: str) -> str:
        text = self.key if isinstance(self.key, Text) else catalogue()[self.key]
        return text(lang, **self.values)

    def __str__(self) -> str:  # for logs and tracebacks: English
        return self("en")


def said(value, lang: str):
    """A value as it goes into a sentence: a Message in the reader's language, a date or an
    instant as the reader writes it (2. des. 2026 in bokmål, in Oslo time), else as it is."""
    if isinstance(value, Message):
        return value(lang)
    if isinstance(value, date):
        from audits.core import clock  # clock speaks through Message: imported when first needed

        return clock.show(value, lang) if isinstance(value, datetime) else clock.show_day(value, lang)
    return value


_catalogue: dict[str, Text] = {}


def catalogue() -> dict[str, Text]:
    """Every feature's words (loaded on first use: a command that prints nothing pays nothing)."""
    if not _catalogue:
        merged: dict[str, Text] = {}
        for package in WORD_PACKAGES:
            words = importlib.import_module(f"audits.{package}.words").WORDS
            twice = merged.keys() & words.keys()
            if twice:
                raise RuntimeError(f"audits.{package}.words repeats keys: {', '.join(sorted(twice))}")
            merged.update(words)
        _catalogue.update(merged)
    return _catalogue


def t(key: str, lang: str, /, **values) -> str:
    return catalogue()[key](lang, **values)


def joined(messages: list[Message]) -> Message:
    """Several messages (at least one) as one, "; " between them, each in the reader's language."""
    *rest, last = messages
    for before in reversed(rest):
        last = Message("text.joined", {"first": before, "rest": last})
    return last
