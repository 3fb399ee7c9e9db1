"""Text from people: kept verbatim, refused only when it cannot be stored or shown honestly.

Two kinds. Free text (descriptions, reasons) may hold tabs and line breaks. A name (of a
person, a system, a processor, a course, a campaign …) or any other one-line value may not,
nor the Unicode bidirectional overrides and isolates that make a name display as something
else ("invoice\u202efdp.exe" shows as "invoiceexe.pdf"). Control characters (C0, DEL, C1),
NUL included, are refused in both. A refusal says what is wrong, never the text itself:
it may be personal data.
"""

import re

from audits.core.errors import VernError, reason
from audits.core.i18n import Message

MAX_TEXT = 10_000
MAX_NAME = 200
# Unicode's control characters (category Cc: C0, DEL and C1); tab and line breaks are
# allowed in free text only.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
CONTROLS_BUT_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Blanks stripped from the ends of a value: Unicode's white space, less the control
# characters among it (U+000B, U+001C-U+001F, U+0085 …), which are refused, not dropped.
BLANKS = "\t\n\r" + "".join(c for c in map(chr, range(0x3001)) if c.isspace() and not CONTROLS.match(c))
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,63}")


def control_problem(value: str, controls: re.Pattern = CONTROLS_BUT_LINE_BREAKS) -> Message | None:
    """Why `value` cannot be kept for a control character in it, or None."""
    found = controls.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return Message("text.nul")
    return Message("text.control", {"code": f"U+{ord(found.group()):04X}"})


def strip(value: str) -> str:
    """`value` without surrounding blanks (a control character is no blank)."""
    return value.strip(BLANKS)


def _checked(value: str, max_length: int, controls: re.Pattern) -> str:
    """`value` stripped, or ValueError saying why it cannot be kept (without quoting it)."""
    value = strip(value)
    if len(value) > max_length:
        raise ValueError(Message("text.too_long", {"max": max_length}))
    problem = control_problem(value, controls)
    if problem:
        raise ValueError(problem)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(Message("text.not_utf8")) from None
    return value


def free_text(value: str, max_length: int = MAX_TEXT) -> str:
    """Free text: tabs and line breaks allowed. ValueError with the reason, for field parsers."""
    return _checked(value, max_length, CONTROLS_BUT_LINE_BREAKS)


def name(value: str, max_length: int = MAX_NAME) -> str:
    """A name or other one-line value: no line breaks, tabs or bidirectional overrides."""
    value = _checked(value, max_length, CONTROLS)
    bidi = BIDI_CONTROLS.search(value)
    if bidi:
        raise ValueError(Message("text.bidi", {"code": f"U+{ord(bidi.group()):04X}"}))
    return value


def clean(value: str | None, field: str, max_length: int = MAX_TEXT) -> str:
    """Free text as typed, stripped of surrounding blanks; refused with the field named."""
    try:
        return free_text(value or "", max_length)
    except ValueError as error:
        raise VernError("text.refused", field=field, why=reason(error)) from None


def clean_name(value: str | None, field: str, max_length: int = MAX_NAME) -> str:
    """A name as typed, stripped; refused with the field named."""
    try:
        return name(value or "", max_length)
    except ValueError as error:
        raise VernError("text.refused", field=field, why=reason(error)) from None


def key(value: object) -> str | Message:
    """A key or column name from the input as a message may show it: an identifier as it is;
    anything else may be anything (personal data, terminal escapes) and is not shown."""
    if isinstance(value, str) and _IDENTIFIER.fullmatch(value):
        return value
    return Message("text.name_not_shown")


def keys(values: list) -> str | Message:
    """Several keys (at least one) as `key` shows each, with commas between them."""
    *rest, last = map(key, values)
    for before in reversed(rest):
        last = Message("text.listed", {"first": before, "rest": last})
    return last
