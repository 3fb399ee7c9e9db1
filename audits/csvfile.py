"""Reading a CSV file a person exported, with every problem located by line and field."""

import csv
import io
import re
from datetime import date
from pathlib import Path

from audits.errors import InputError

MAX_BYTES = 50 * 1024 * 1024  # a register or export far larger than any real one is refused


def read_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; refuses an unreadable, empty or incomplete file whole.

    Accepts a UTF-8 byte-order mark and the semicolon that Norwegian spreadsheets export.
    """
    source = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(source, [f"larger than {MAX_BYTES // (1024 * 1024)} MB: not a register"])
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(source, [f"cannot read the file: {error.strerror}"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InputError(source, [f"line {line}: not UTF-8 text (save the file as CSV UTF-8)"]) from None
    if not text.strip():
        raise InputError(source, ["the file is empty"])
    header_line = text.splitlines()[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header = [name.strip() for name in reader.fieldnames or []]
    if any("\x00" in name for name in header):
        raise InputError(source, ["line 1: contains NUL bytes: not a text file"])
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError(source, [f"line 1: missing column(s) {', '.join(missing)}"])
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if None in row:
                raise InputError(source, [f"line {reader.line_num}: more fields than columns"])
            if all(not (value or "").strip() for value in row.values()):
                continue
            nul = [k for k, v in row.items() if "\x00" in (v or "")]
            if nul:
                raise InputError(source, [f"line {reader.line_num}, field {nul[0]}: contains a NUL character"])
            rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    except csv.Error as error:
        raise InputError(source, [f"line {reader.line_num}: {error}"]) from None
    if not rows:
        raise InputError(source, ["no rows below the header"])
    return rows


def parse(path: Path, parsers: dict, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(line, record) for every row, each field through its parser (which raises ValueError
    saying what is wrong); all problems reported together, naming line and field."""
    problems, records = [], []
    for line, row in read_rows(path, required):
        record = {}
        for field, parser in parsers.items():
            try:
                record[field] = parser(row.get(field, ""))
            except ValueError as error:
                problems.append(f"line {line}, field {field}: {error}")
        if len(record) == len(parsers):
            records.append((line, record))
    if problems:
        raise InputError(str(path), problems)
    return records


def date_or_none(value: str):
    """An ISO date (YYYY-MM-DD) or nothing."""
    if not value:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def yes_no(value: str) -> bool | None:
    lowered = value.lower()
    if lowered in ("", "yes", "no"):
        return {"": None, "yes": True, "no": False}[lowered]
    raise ValueError(f"{value!r} must be yes, no or empty")


def required(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value
