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

from audits.core.errors import InputError
from audits.io.csvfile import MAX_BYTES

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
        raise InputError(source, [f"cannot read the file: {error.strerror}"]) from None
    if len(raw) > MAX_BYTES:
        raise InputError(source, [f"larger than {MAX_BYTES // (1024 * 1024)} MB"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InputError(source, [f"line {line}: not UTF-8 text"]) from None


def depth(text: str) -> int:
    """How deeply arrays and objects nest in `text` (brackets inside strings do not count)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0  # too few brackets to matter: the common case, without a scan
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(itertools.accumulate(map(_DEPTH.__getitem__, brackets)), default=0)


def loads(text: str, source: str, what: str, line: int = 0) -> Any:
    """`text` as JSON; `line` is where it starts in the file (one value per line), else 0."""
    where = f"line {line}: " if line else ""
    if depth(text) > MAX_DEPTH:
        raise InputError(source, [f"{where}nested more than {MAX_DEPTH} levels deep: not {what}"])
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(source, [f"line {line or error.lineno}, column {error.colno}: not valid JSON ({error.msg})"]) \
            from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise InputError(source, [f"{where}a number too long: not {what}"]) from None
    except RecursionError:  # the depth check should prevent it; never a traceback all the same
        raise InputError(source, [f"{where}nested too deeply: not {what}"]) from None


def read(path: Path | str, what: str) -> Any:
    """The file's JSON value; `what` says what it should hold, for the messages; `-` reads
    standard input."""
    return loads(read_text(path), str(path), what)
