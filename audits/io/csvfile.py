"""Reading a CSV file a person exported, with every problem located by line and field.

"line N" is the line of the file where the record begins: a quoted field may run over
several lines, and a problem anywhere in the record names its first line. The file is read
line by line and every limit is checked as it is read — the size, the columns (the header
first), the length of a line and of a field — so a hostile file is refused early and with
little memory. A problem says what is wrong with a field, never its value: a value may be
personal data in the wrong column.
"""

import csv
import itertools
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from audits.core import clock, text
from audits.core.errors import InputError, os_reason, reason
from audits.core.i18n import Message

MAX_BYTES = 50 * 1024 * 1024  # a register or export far larger than any real one is refused
MAX_COLUMNS = 200
MAX_LINE = 1024 * 1024  # bytes in one line of the file
MAX_FIELD = 100_000  # characters in one field, however many lines it spans (checked here: the csv
# module's own ceiling is process-wide, and the access-log reader needs a higher one)
BOM = b"\xef\xbb\xbf"


def too_large() -> Message:
    return Message("input.too_large", {"mb": MAX_BYTES // (1024 * 1024)})


def at_line(number: int, key: str, **values) -> Message:
    """A problem of the file's line `number`."""
    return Message("input.at", {"where": Message("input.line", {"n": number}), "why": Message(key, values)})


class _Lines:
    """The file's lines, decoded and counted, each refused past MAX_LINE: what csv.reader reads."""

    def __init__(self, source: str, file: BinaryIO):
        self.source, self.file, self.number, self.read = source, file, 0, 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = self.file.readline(MAX_LINE + 1)
        if not raw:
            raise StopIteration
        self.number += 1
        self.read += len(raw)
        if len(raw) > MAX_LINE:
            raise InputError(self.source, [at_line(self.number, "input.line_too_long", max=MAX_LINE)])
        if self.read > MAX_BYTES:
            raise InputError(self.source, [too_large()])
        if self.number == 1:
            raw = raw.removeprefix(BOM)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(self.source, [at_line(self.number, "input.not_utf8")]) from None


def read_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line where the record begins, row) pairs, values stripped of surrounding blanks;
    refuses an unreadable, empty, oversized or incomplete file whole. Accepts a UTF-8
    byte-order mark and the semicolon that Norwegian spreadsheets export."""
    source = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(source, [too_large()])
        with path.open("rb") as file:
            return _rows(source, _Lines(source, file), required)
    except OSError as error:
        raise InputError(source, [Message("input.unreadable", {"why": os_reason(error)})]) from None


def _rows(source: str, lines: _Lines, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    first = next(lines, None)
    if first is None or not first.strip() and not any(line.strip() for line in lines):
        raise InputError(source, [Message("input.empty")])
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
    header = _header(source, _record(source, reader, 1), required)
    rows = []
    while True:
        start = lines.number + 1
        row = _record(source, reader, start)
        if row is None:
            break
        if len(row) > len(header):
            raise InputError(source, [at_line(start, "input.more_fields")])
        values = dict(zip(header, map(text.strip, row), strict=False))
        if not any(values.values()):
            continue
        rows.append((start, {name: values.get(name, "") for name in header}))
    if not rows:
        raise InputError(source, [Message("input.no_rows")])
    return rows


def _record(source: str, reader, start: int) -> list[str] | None:
    """The next record, or None at the end; csv's complaints located at the record's first line."""
    too_long = InputError(source, [at_line(start, "input.field_too_long", max=MAX_FIELD)])
    try:
        row = next(reader, None)
    except csv.Error as error:
        if "field limit" in str(error):  # the csv module's own, process-wide ceiling
            raise too_long from None
        raise InputError(source, [at_line(start, "input.not_csv")]) from None
    if row is not None and any(len(value) > MAX_FIELD for value in row):
        raise too_long
    return row


def _header(source: str, header: list[str], required: tuple[str, ...]) -> list[str]:
    """The column names, checked before any row is read."""
    if len(header) > MAX_COLUMNS:
        raise InputError(source, [at_line(1, "input.too_many_columns", n=len(header), max=MAX_COLUMNS)])
    header = [text.strip(name) for name in header]
    problem = next(filter(None, (text.control_problem(name, text.CONTROLS) for name in header)), None)
    if problem:
        raise InputError(source, [at_line(1, "input.column_control", why=problem)])
    twice = [name for name, count in itertools.groupby(sorted(header)) if name and len(list(count)) > 1]
    if twice:
        raise InputError(source, [at_line(1, "input.column_twice", column=text.key(twice[0]))])
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError(source, [at_line(1, "input.columns_missing", columns=", ".join(missing), n=len(missing))])
    return header


def parse(path: Path, parsers: dict, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(line, record) for every row, each field through its parser (which raises ValueError
    saying what is wrong, never quoting the value) once control characters other than tab
    and line breaks are refused; all problems reported together, naming line and field."""
    problems, records = [], []
    for line, row in read_rows(path, required):
        record, found = parse_record(row, parsers, Message("input.line", {"n": line}))
        problems += found
        if not found:
            records.append((line, record))
    if problems:
        raise InputError(str(path), problems)
    return records


def parse_record(row: dict[str, str], parsers: dict, where: Message) -> tuple[dict, list[Message]]:
    """One record's fields through their parsers: (the record, each problem as "WHERE, field
    NAME: why"). A record typed elsewhere (a table on the dashboard) is checked so too."""
    record, problems = {}, []
    for field, parser in parsers.items():
        try:
            record[field] = parser(_no_controls(row.get(field, "")))
        except ValueError as error:
            problems.append(Message("input.field", {"where": where, "field": field, "why": reason(error)}))
    return record, problems


# -- field parsers: each raises ValueError with a reason that never quotes the value --------
# They read a CSV cell, and a value from a JSON file through `from_json`.
def _no_controls(value: str) -> str:
    """Every field, whatever its parser: no control characters but tab and line breaks."""
    problem = text.control_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def needed(parser: Callable[[str], object], hint: str | Message = "") -> Callable[[str], object]:
    """`parser` for a field that must not be empty; `hint` says what to write, e.g. (YYYY-MM-DD)."""
    def parse_needed(value: str):
        if not value:
            raise ValueError(Message("input.required_hint", {"hint": hint}) if hint else Message("input.required"))
        return parser(value)
    return parse_needed


def name(max_length: int = text.MAX_NAME) -> Callable[[str], str]:
    """A name or other one-line value (audits.core.text.name), possibly empty."""
    return lambda value: text.name(value, max_length)


required = needed(name())


def free_text(max_length: int = text.MAX_TEXT) -> Callable[[str], str]:
    """Free text (audits.core.text.free_text: tabs and line breaks allowed), possibly empty."""
    return lambda value: text.free_text(value, max_length)


def one_of(allowed: tuple[str, ...]) -> Callable[[str], str]:
    """One of `allowed`, in any case (the list is shown, the value not)."""
    def parse_one_of(value: str) -> str:
        if value.lower() not in allowed:
            raise ValueError(Message("input.not_one_of", {"allowed": ", ".join(allowed)}))
        return value.lower()
    return parse_one_of


def date_or_none(value: str) -> date | None:
    """An ISO date (YYYY-MM-DD) or nothing."""
    if not value:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(Message("input.not_date")) from None


required_date = needed(date_or_none, Message("input.date_hint"))


def yes_no(value: str) -> bool | None:
    lowered = value.lower()
    if lowered in ("", "yes", "no"):
        return {"": None, "yes": True, "no": False}[lowered]
    raise ValueError(Message("input.yes_no"))


def no_unless_yes(value: str) -> bool:
    """yes or no; empty means no."""
    return bool(yes_no(value))


def instant_or_none(value: str) -> datetime | None:
    """An ISO 8601 instant with its UTC offset, one Oslo can show, or nothing."""
    if not value:
        return None
    try:
        instant = clock.instant(value)
        instant.astimezone(clock.OSLO)  # shown in Oslo later: refuse what Oslo cannot show
    except OverflowError:
        raise ValueError(Message("input.out_of_range")) from None
    return instant


INSTANT_HINT = Message("input.instant_hint")


MUST_BE_TEXT = Message("input.must_be_text")


def from_json(parser: Callable[[str], object], wrong_type: Message = MUST_BE_TEXT) -> Callable[[object], object]:
    """`parser` for a value read from JSON: absent (None) is an empty field, text is stripped
    of surrounding blanks as a CSV cell is, anything else is refused with `wrong_type`."""
    def parse_from_json(value: object):
        if value is None:
            return parser("")
        if not isinstance(value, str):
            raise ValueError(wrong_type)
        return parser(text.strip(value))
    return parse_from_json


def write(path: Path, header: list[str], rows: list[list]) -> Path:
    """A CSV file as a person's export would be: what the demo and the tests import."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path
