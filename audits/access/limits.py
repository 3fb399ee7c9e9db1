"""What an access-log import may cost, checked before DuckDB reads a byte of it.

Files arrive through the server's inbox, and the process that imports them owns the
database. So each file is streamed once, in chunks, decompressed as it goes, and the
count stops at the limit: a zip bomb costs one chunk of memory and the seconds up to the
limit, never the server. The same pass keeps the first bytes (to tell the format) and,
for a CSV export, reads the header and refuses control characters.

Problems in a CSV export are located by the line where the record starts, as an editor
numbers lines, however many lines its quoted fields span. No message quotes a value: the
files hold personal data.
"""

import csv
import errno
import gzip
import io
import os
import re
import stat
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from audits.core.errors import InputError, os_reason
from audits.core.i18n import Message
from audits.io import inbox
from audits.io.csvfile import at_line

MB = 1024 * 1024
MAX_FILES = 10_000  # in one import: a month of CloudTrail from one region is 8,640 files
MAX_FILE_BYTES = 512 * MB  # one file, uncompressed
MAX_IMPORT_BYTES = 1024 * MB  # all files of one import together, uncompressed (a million events)
MAX_EVENTS = 1_000_000  # in one import (counted by DuckDB as it reads)
MAX_COLUMNS = 100  # of a CSV export: Purview's has 4 or 8, the csv format 3 to 7
MAX_FIELD = 4096  # characters in a value Vern keeps: an address, an object name, an IP
MAX_RECORD_BYTES = MB  # one CSV record, AuditData's JSON included
# One CloudTrail file or Reports API page, uncompressed (CloudTrail's are a few MB). DuckDB
# reserves buffers of twice this per thread, so it is also what reading JSON costs in memory.
MAX_OBJECT_BYTES = 16 * MB
CHUNK = MB
HEAD = 8192  # enough to tell the format

_GZIP = b"\x1f\x8b"
# Bytes that are not control characters; a CSV export may hold tab and line breaks.
_NOT_CONTROL = bytes(b for b in range(256) if b in b"\t\n\r" or 32 <= b < 127 or b > 127)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # free text may break lines
# The csv module's own ceiling is 128 kB a field; a record may be larger, and is bounded by
# _Lines below. Raising the ceiling only widens what other readers accept up to the same size.
csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))


def amount(size: int) -> Message:
    """A limit in words: '512 MB', or bytes below a megabyte."""
    return Message("access.mb", {"n": size // MB}) if size % MB == 0 else Message("access.bytes", {"n": size})


@dataclass(frozen=True)
class Screened:
    path: Path
    size: int  # bytes, uncompressed
    head: bytes  # the first bytes, uncompressed
    header: tuple[str, ...] | None = None  # a CSV export's column names; None: a JSON file


def screen(files: list[Path], known: tuple[str, ...] | None = None, free_text: tuple[str, ...] = ()
           ) -> list[Screened]:
    """Every file within the limits, or InputError naming the first that is not. For a CSV
    format, `known` are the column names messages may show, `free_text` those that may
    hold tab and line breaks (see csv_problem); a file that begins as JSON does (an array
    or an object) is screened as JSON whatever the format, its header None: the import
    says what it is (Microsoft's blobs are JSON, its exports CSV). Files are screened two at a
    time (zlib works outside the GIL); past the import's limit, the ones not started are
    dropped."""
    screened, total = [], 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = [pool.submit(_screen, path, known, free_text) for path in files]
        try:
            for future in pending:
                one = future.result()
                total += one.size
                if total > MAX_IMPORT_BYTES:
                    raise InputError(str(one.path), [Message("access.import_too_large",
                                                             {"max": amount(MAX_IMPORT_BYTES)})])
                screened.append(one)
        finally:
            for future in pending:
                future.cancel()
    return screened


def _screen(path: Path, known: tuple[str, ...] | None, free_text: tuple[str, ...]) -> Screened:
    with _open(path) as raw:
        gzipped = _gzipped(path, raw)
        head = b"" if gzipped else raw.read(HEAD)
        raw.seek(0)
        if not gzipped and (known is None or _json(head)):
            # a plain JSON file: its size is known unread
            size = os.fstat(raw.fileno()).st_size
            _within(path, size)
            return Screened(path, size, head)
        size, start = 0, b""
        for chunk in _chunks(path, raw, gzipped):
            if not size and known is not None and _json(chunk):
                known = None
            size += len(chunk)
            _within(path, size)
            if len(start) < MAX_RECORD_BYTES:
                start += chunk[:MAX_RECORD_BYTES - len(start)]
            if known is not None and chunk.translate(None, _NOT_CONTROL):
                raise InputError(str(path), [csv_problem(path, known, free_text) or Message("access.control")])
    header = _header(path, start) if known is not None else None
    return Screened(path, size, start[:HEAD], header)


def _json(first: bytes) -> bool:
    """Whether a file's first bytes begin a JSON array or object (a CSV export's begin with
    its header)."""
    return first.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")


def _within(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise InputError(str(path), [Message("access.file_too_large", {"max": amount(MAX_FILE_BYTES)})])


def _open(path: Path) -> BinaryIO:
    """The file, opened without following a link (even one put in its place after it was
    listed), and only if it is a regular file: a pipe would block the import forever."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        why = inbox.LINK if error.errno == errno.ELOOP else Message("input.unreadable", {"why": os_reason(error)})
        raise InputError(str(path), [why]) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(str(path), [inbox.SPECIAL])
    return os.fdopen(fd, "rb")


def _gzipped(path: Path, raw: BinaryIO) -> bool:
    """Whether the file is gzip. DuckDB decompresses by the name (.gz, .zst), so the name
    must say what the bytes are."""
    name = path.name.lower()
    if name.endswith((".zst", ".zstd")):
        raise InputError(str(path), [Message("access.zstd")])
    gzipped = raw.read(2) == _GZIP
    raw.seek(0)
    if gzipped != name.endswith(".gz"):
        raise InputError(str(path), [Message("access.gzip_unnamed" if gzipped else "access.not_gzip")])
    return gzipped


def _chunks(path: Path, raw: BinaryIO, gzipped: bool) -> Iterator[bytes]:
    """The file's bytes, gunzipped when it is gzip, a chunk at a time."""
    if not gzipped:
        yield from iter(lambda: raw.read(CHUNK), b"")
        return
    try:
        with gzip.GzipFile(fileobj=raw) as unzipped:
            yield from iter(lambda: unzipped.read(CHUNK), b"")
    except (OSError, EOFError, zlib.error):
        raise InputError(str(path), [Message("access.gzip_incomplete")]) from None


def _header(path: Path, start: bytes) -> tuple[str, ...]:
    line, newline, _ = start.partition(b"\n")
    if not newline and len(start) >= MAX_RECORD_BYTES:
        raise InputError(str(path), [at_line(1, "access.header_too_long", max=amount(MAX_RECORD_BYTES))])
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(str(path), [at_line(1, "input.not_utf8")]) from None
    try:
        names = next(csv.reader([text.rstrip("\r")], strict=True), [])
    except csv.Error:
        raise InputError(str(path), [at_line(1, "access.header_quote")]) from None
    if len(names) > MAX_COLUMNS:
        raise InputError(str(path), [at_line(1, "access.too_many_columns", n=len(names), max=MAX_COLUMNS)])
    names = [name.strip() or f"column{i + 1}" for i, name in enumerate(names)]
    if len({name.lower() for name in names}) < len(names):
        raise InputError(str(path), [at_line(1, "access.columns_twice")])
    return tuple(names)


# -- locating a problem in a CSV export -------------------------------------------------
class _Problem(Exception):
    """A problem of a CSV export (its Message the argument), found while reading it."""


class _Lines:
    """The text's lines for csv.reader, with the lines of one record together at most
    MAX_RECORD_BYTES long: a quote that never closes cannot fill the memory."""

    def __init__(self, text: io.TextIOBase):
        self.text, self.record = text, 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.text.readline(MAX_RECORD_BYTES + 1 - self.record)
        if not line:
            raise StopIteration
        self.record += len(line)
        if self.record > MAX_RECORD_BYTES:
            raise _Problem(Message("access.record_too_long", {"max": amount(MAX_RECORD_BYTES)}))
        return line


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its fields) for each record, the header first; blank
    lines skipped, as DuckDB skips them. Raises _Problem(the problem at its line)."""
    line = 1
    try:
        with _open(path) as raw:
            stream = gzip.GzipFile(fileobj=raw) if raw.read(2) == _GZIP else raw
            raw.seek(0)
            text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
            lines = _Lines(text)
            reader = csv.reader(lines, strict=True)
            for row in reader:
                if row:
                    yield line, row
                line = reader.line_num + 1
                lines.record = 0
    except _Problem as problem:
        where = Message("input.line", {"n": line})
        raise _Problem(Message("input.at", {"where": where, "why": problem.args[0]})) from None
    except csv.Error as error:
        why = "access.quote_not_closed" if "end of data" in str(error) else "access.quote_not_doubled"
        raise _Problem(at_line(line, why)) from None
    except (OSError, EOFError, zlib.error):
        raise _Problem(at_line(line, "access.gzip_damaged")) from None


def csv_problem(path: Path, known: tuple[str, ...], free_text: tuple[str, ...] = ()) -> Message | None:
    """The first problem in a CSV export as 'line N[, field F]: what', or None. A field is
    named if Vern reads it (`known`), else numbered; `free_text` fields may hold tab and
    line breaks."""
    try:
        records = _records(path)
        _, header = next(records, (1, []))
        if any(_CONTROL.search(name) for name in header):
            return at_line(1, "access.column_control")
        names = [name.strip() for name in header]
        shown = [name if name in known else Message("access.column_n", {"n": i + 1}) for i, name in enumerate(names)]
        for line, row in records:
            if len(row) != len(names):
                return at_line(line, "access.field_count", n=len(row), header=len(names))
            for name, label, value in zip(names, shown, row, strict=True):
                control = _CONTROL_IN_TEXT if name in free_text else _CONTROL
                why = ("access.control" if control.search(value) else
                       "input.not_utf8" if any("\udc80" <= c <= "\udcff" for c in value) else None)
                if why:
                    return Message("input.field", {"where": Message("input.line", {"n": line}), "field": label,
                                                   "why": Message(why)})
    except _Problem as problem:
        return problem.args[0]
    return None


def csv_lines(path: Path, records: set[int]) -> dict[int, int]:
    """The line where each of `records` (data records, counted from 1 below the header) starts."""
    lines: dict[int, int] = {}
    try:
        for n, (line, _) in enumerate(_records(path)):
            if n in records:
                lines[n] = line
                if len(lines) == len(records):
                    break
    except _Problem:
        pass
    return lines
