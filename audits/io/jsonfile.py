"""Reading a JSON file a person wrote, with every problem named by file and line.

The size and the nesting depth are checked before parsing: a file far larger than any
breach, request or register, or nested deeper than any of them, is refused with a message
(Python's parser would otherwise recurse until it fails somewhere inside).
"""

import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any

from audits.core.errors import InputError, os_reason
from audits.core.i18n import Message
from audits.io.csvfile import MAX_BYTES, at_line

MAX_DEPTH = 64  # an xAPI statement, the deepest real input, nests about eight levels
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH = {"[": 1, "{": 1, "]": -1, "}": -1}


def read_text(path: Path | str) -> str:
    """The file's text (a UTF-8 byte-order mark dropped); `-` reads standard input."""
    source = str(path)
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with Path(path).open("rb") as file:
                raw = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise InputError(source, [Message("input.unreadable", {"why": os_reason(error)})]) from None
    if len(raw) > MAX_BYTES:
        raise InputError(source, [Message("json.too_large", {"mb": MAX_BYTES // (1024 * 1024)})])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InputError(source, [at_line(line, "file.not_utf8")]) from None


def depth(text: str) -> int:
    """How deeply arrays and objects nest in `text` (brackets inside strings do not count)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0  # too few brackets to matter: the common case, without a scan
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(itertools.accumulate(map(_DEPTH.__getitem__, brackets)), default=0)


def loads(text: str, source: str, what: Message, line: int = 0) -> Any:
    """`text` as JSON; `line` is where it starts in the file (one value per line), else 0."""
    def refused(key: str, **values) -> InputError:
        return InputError(source, [at_line(line, key, **values) if line else Message(key, values)])

    if depth(text) > MAX_DEPTH:
        raise refused("json.too_deep", max=MAX_DEPTH, what=what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:  # its words are English: only the position is kept
        where = Message("json.position", {"line": line or error.lineno, "column": error.colno})
        raise InputError(source, [Message("input.at", {"where": where, "why": Message("json.invalid")})]) from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise refused("json.number_too_long", what=what) from None
    except RecursionError:  # the depth check should prevent it; never a traceback all the same
        raise refused("json.nested_too_deeply", what=what) from None


def read(path: Path | str, what: Message) -> Any:
    """The file's JSON value; `what` says what it should hold, for the messages; `-` reads
    standard input."""
    return loads(read_text(path), str(path), what)
