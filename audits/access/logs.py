"""Access events: import from the vendors' logs, map to systems, purge after retention.

An import first screens its files (audits.access.limits: how many, how large once
decompressed, the format, a CSV export's header and characters), then reads every file of
one format in one DuckDB query into a staging table (a pull reads batch by batch: Pending),
refuses the whole import when any record is malformed (naming file, record or line, and
field, never a value), pseudonymises the distinct actors in Python (a few thousand HMACs,
not a million), and inserts the events not already stored: re-importing a file changes
nothing.
"""

import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from dateutil.relativedelta import relativedelta

from audits.access import formats as access_formats
from audits.access import limits as access_input
from audits.access.formats import CSV_COLUMNS, FIELDS, FORMATS, FREE_TEXT, named
from audits.access.limits import Screened
from audits.core import clock, labels, pseudonyms, trail
from audits.core.errors import InputError, VernError
from audits.core.i18n import Message
from audits.core.store import Store
from audits.io import inbox
from audits.io.csvfile import at_line

PURGED_BEFORE = "access_logs.purged_before"  # settings key: events before this day are gone
# DuckDB keeps what a transaction stages and inserts in memory until the commit, up to 80 %
# of the machine by default. While an import runs it may hold this much, and spills to disk
# beyond it (see benchmarks/hostile_input.py).
MEMORY_LIMIT = "384MB"
MAP_CHUNK = 50_000  # identities pseudonymised, object names labelled, at a time
# The actor of an event whose log names nobody (a wrong user name at sign-in, an empty
# identity): kept visibly apart, never a pseudonym, so no shared blank person is judged.
UNATTRIBUTED = "unattributed"


@dataclass(frozen=True)
class Imported:
    files: int
    events: int  # read from the files
    added: int  # new to the store
    unknown_systems: tuple[str, ...] = ()  # csv events naming a system not in the list


def files_under(paths: list[Path], fmt: str) -> list[Path]:
    """Files named, and files under directories named (CloudTrail delivers a tree), at most
    MAX_FILES. CloudTrail's digest and Insights files sit beside the logs and are not
    accesses; hidden files and folders are skipped. A symbolic link or a special file, named
    or met in a tree, refuses the import: Vern never follows a link."""
    found: list[Path] = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise VernError("access.no_such_file", path=str(path))
        _refuse_unreadable(path)
        found += _tree(path, access_input.MAX_FILES - len(found)) if path.is_dir() else [path]
        if len(found) > access_input.MAX_FILES:
            raise VernError("access.too_many_files", max=access_input.MAX_FILES)
    if not found:
        raise VernError("access.no_files", format=fmt, paths=", ".join(map(str, paths)))
    return list(dict.fromkeys(found))


def _refuse_unreadable(path: Path) -> None:
    why = inbox.kind(path)
    if why:
        raise InputError(str(path), [why])


NOT_LOGS = ("CloudTrail-Digest", "CloudTrail-Insight")  # folders of CloudTrail's S3 delivery tree


def _tree(folder: Path, room: int) -> list[Path]:
    """The regular files under `folder`, by path; stops once there are more than `room`."""
    found, folders = [], [folder]
    while folders and len(found) <= room:
        for entry in folders.pop().iterdir():
            if entry.name.startswith(".") or entry.name in NOT_LOGS:
                continue
            _refuse_unreadable(entry)
            (folders if entry.is_dir() else found).append(entry)
    return sorted(found)


def _screen(files: list[Path], fmt: str) -> list[Screened]:
    """Within the limits, of the format claimed, and a CSV export with the columns needed."""
    screened = access_input.screen(files, CSV_COLUMNS.get(fmt), FREE_TEXT.get(fmt, ()))
    for one in screened:
        looks = access_formats.sniff(one.head)
        if looks and looks != fmt:
            raise InputError(str(one.path), [Message("access.wrong_format",
                                                     {"looks": named(looks), "claimed": named(fmt), "code": looks})])
        if one.header is None and fmt == "csv":
            raise InputError(str(one.path), [Message("access.json_not_csv", {"claimed": named(fmt)})])
        if one.header is not None:
            _require_columns(one, fmt)
    return screened


def _require_columns(one: Screened, fmt: str) -> None:
    columns = set(one.header)
    if fmt == "m365":
        missing = [c for c in access_formats.M365_REQUIRED if c not in columns]
        if not {"Operation", "Operations"} & columns:
            missing.append("Operation/Operations")
        if not {"UserId", "UserIds"} & columns:
            missing.append("UserId/UserIds")
    else:
        missing = [c for c in access_formats.CSV_REQUIRED if c not in columns]
    if missing:
        raise InputError(str(one.path), [at_line(1, "access.columns_missing", n=len(missing),
                                                 columns=", ".join(missing), format=named(fmt))])


def _read(fmt: str, screened: list[Screened], numbered: bool = False) -> tuple[str, dict]:
    """The query reading the files into the normalised columns, with `flaw`, and its
    parameters. A CSV export is read with the columns of its header, declared; Microsoft
    365's JSON (the Management Activity API's content blobs) as $blobs."""
    if fmt not in CSV_COLUMNS:
        query = access_formats.gworkspace(numbered) if fmt == "gworkspace" else access_formats.CLOUDTRAIL
        return access_formats.checked(fmt, query), {"files": [str(s.path) for s in screened]}
    by_header: dict[tuple[str, ...], list[str]] = {}
    blobs = [str(one.path) for one in screened if one.header is None]
    for one in screened:
        if one.header is not None:
            by_header.setdefault(one.header, []).append(str(one.path))
    params: dict[str, Any] = {"blobs": blobs} if blobs else {}
    for k, (header, paths) in enumerate(by_header.items()):
        params[f"files{k}"] = paths
        params[f"columns{k}"] = {name: "VARCHAR" for name in header}
    columns = {name for header in by_header for name in header}
    if fmt == "m365":
        query = access_formats.m365(columns, len(by_header), numbered, blobs=bool(blobs))
    else:
        query = access_formats.csv(columns, len(by_header), numbered)
    return access_formats.checked(fmt, query), params


def _stage(tx, table: str, screened: list[Screened], fmt: str, numbered: bool = False) -> None:
    """Fill the temporary `table` from the files, at most MAX_EVENTS events (DuckDB stops
    reading there), or refuse naming the file."""
    query, params = _read(fmt, screened, numbered)
    try:
        tx.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {query} LIMIT {access_input.MAX_EVENTS + 1}", params)
    except duckdb.OutOfMemoryException:
        raise VernError("access.out_of_memory", n=len(screened), format=named(fmt)) from None
    except duckdb.Error as error:
        raise _unreadable(str(error), screened, fmt) from None
    if tx.execute(f"SELECT count(*) > {access_input.MAX_EVENTS} FROM {table}").fetchone()[0]:
        raise VernError("access.too_many_events", max=access_input.MAX_EVENTS)


def _unreadable(message: str, screened: list[Screened], fmt: str) -> InputError:
    """DuckDB's refusal in our words: its messages may quote a line of the file."""
    found = [s for s in screened if str(s.path) in message] or screened
    for one in found:  # a CSV export read again in Python, to name the line where the record starts
        if one.header is not None:
            problem = access_input.csv_problem(one.path, CSV_COLUMNS[fmt], FREE_TEXT[fmt])
            if problem:
                return InputError(str(one.path), [problem])
    where = str(found[0].path) if len(found) == 1 else ", ".join(str(s.path) for s in found[:3])
    if "maximum_object_size" in message:
        return InputError(where, [Message("access.object_too_large", {
            "max": access_input.amount(access_input.MAX_OBJECT_BYTES), "format": named(fmt)})])
    if "JSON transform error" in message and fmt in access_formats.ENVELOPES:
        misshapen = _misshapen(found, fmt)
        if misshapen:
            return misshapen
    at = re.search(r"at byte (\d+)", message)
    if "Malformed JSON" in message:
        return InputError(where, [Message("access.not_json_at", {"byte": int(at[1])}) if at else Message("json.invalid")])
    return InputError(where, [Message("access.unreadable_as", {"format": named(fmt)})])


def _misshapen(found: list[Screened], fmt: str) -> InputError | None:
    """Where a file's JSON is not of the shape the format reads, by record and field:
    DuckDB's refusal quotes the value and names no field. Read on a connection of its own,
    the refusal having aborted the import's transaction."""
    try:
        with duckdb.connect() as con:
            con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            bad = con.execute(access_formats.shapes(fmt), {"files": [str(s.path) for s in found]}).fetchall()
    except duckdb.Error:
        return None
    if not bad:
        return None
    first = bad[0][0]
    return InputError(first, [_located(fmt, record, code) for file, record, code in bad if file == first])


def _check_staged(tx, table: str, screened: list[Screened], fmt: str) -> None:
    bad = _problems(tx, table, fmt)
    if not bad:
        return
    first = bad[0][0]
    one = next(s for s in screened if str(s.path) == first)
    if bad[0][1] is None:  # read without record numbers: read that file again, numbered
        tx.execute("SET SESSION preserve_insertion_order = true")  # records counted in the file's order
        try:
            _stage(tx, "numbered", [one], fmt, numbered=True)
            bad = _problems(tx, "numbered", fmt)
        finally:
            tx.execute("SET SESSION preserve_insertion_order = false")
    bad = [(record, code) for file, record, code in bad if file == first]
    lines = access_input.csv_lines(Path(first), {record for record, _ in bad}) if one.header is not None else None
    raise InputError(first, [_located(fmt, record, code, lines) for record, code in bad])


def _located(fmt: str, record: int | None, code: str, lines: dict[int, int] | None = None) -> Message:
    """A bad record's problem where a person finds it: a CSV export's line (where the record
    starts, as an editor shows it; `lines` maps records to them), else the record's number
    within the file."""
    field, why = _said(fmt, code)
    if not record:
        return Message("access.field", {"field": field, "why": why}) if field else why
    if lines is None:
        where = Message("input.record", {"n": record})
        return Message("input.at", {"where": where, "why": Message("access.field", {"field": field, "why": why})
                                    if field else why})
    where = Message("input.line", {"n": lines.get(record, "?")})
    return Message("input.field", {"where": where, "field": field, "why": why}) if field else \
        Message("input.at", {"where": where, "why": why})


def _said(fmt: str, code: str) -> tuple[str | None, Message]:
    """(the vendor's field, what is wrong with it) for a problem code of `_problems`."""
    fields = FIELDS[fmt]
    kind, _, field = code.partition(":")
    if kind == "too_long":
        return field, Message("access.too_long", {"max": access_input.MAX_FIELD})
    if kind == "control":
        return field, Message("access.control")
    if kind == "not_object":
        return field or None, Message("access.not_object")
    if kind == "not_list":
        return field or None, Message("access.not_list")
    return {
        "envelope": (None, Message("access.no_envelope", {"envelope": Message(f"access.envelope.{fmt}"),
                                                          "format": named(fmt)})),
        "time": (fields.time, Message("access.bad_time")),
        "identity": (fields.identity, Message("access.no_identity")),
        "event_id": (fields.event_id, Message("access.missing")),
        "action": (fields.action, Message("input.not_one_of", {"allowed": ", ".join(access_formats.ACTIONS)})),
        "records": (fields.records, Message("access.not_records")),
    }[kind]


def _problems(tx, table: str, fmt: str) -> list[tuple]:
    """(file, record, problem code) for the first 20 bad records: see `_said`."""
    checks = [("happened_at IS NULL", "time"), ("identity IS NULL", "identity"), ("event_id IS NULL", "event_id"),
              ("action IS NULL", "action"), ("records IS NULL OR records < 0", "records")]
    problem = ("CASE WHEN record = 0 THEN 'envelope' WHEN flaw IS NOT NULL THEN flaw "
               + " ".join(f"WHEN {condition} THEN '{code}'" for condition, code in checks) + " END")
    return tx.execute(f"SELECT file, record, {problem} AS problem FROM {table} "
                      "WHERE problem IS NOT NULL ORDER BY file, record LIMIT 20").fetchall()


def _map_in_chunks(tx, table: str, column: str, where: str, remember) -> None:
    """Fill the temporary table `table` (value → mapped) for the distinct `column` of the
    staged events, through `remember` a chunk at a time, so that a file of a million
    accounts or file names is never a million objects in Python at once."""
    import pandas as pd  # imported here: pandas costs 0.3 s at every command's start

    tx.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "
               "SELECT value, NULL::VARCHAR AS mapped, row_number() OVER () AS n "
               f"FROM (SELECT DISTINCT {column} AS value FROM staged WHERE {where})")
    for start in range(0, tx.execute(f"SELECT count(*) FROM {table}").fetchone()[0], MAP_CHUNK):
        chunk = [r[0] for r in tx.execute(f"SELECT value FROM {table} WHERE n > ? AND n <= ?",
                                          [start, start + MAP_CHUNK]).fetchall()]
        mapping = remember(chunk)
        tx.register("chunk", pd.DataFrame({"value": list(mapping), "mapped": list(mapping.values())},
                                          dtype="string"))
        tx.execute(f"UPDATE {table} m SET mapped = c.mapped FROM chunk c WHERE m.value = c.value")
        tx.unregister("chunk")


def _actor_map(tx, store: Store) -> None:
    """`actor_map`: identity → pseudonym, new identities remembered encrypted."""
    _map_in_chunks(tx, "actor_map", "identity", "identity <> ''",
                   lambda chunk: pseudonyms.remember_many(tx, store, chunk))


def _object_map(tx, store: Store) -> None:
    """`object_map`: object name → label; the names (which often name people) kept encrypted."""
    _map_in_chunks(tx, "object_map", "object", "object <> ''",
                   lambda chunk: labels.remember_many(tx, store.keys, "object", chunk))


@contextmanager
def _memory_capped(store: Store):
    """MEMORY_LIMIT while any import of `store` runs (two pulls may overlap). The setting is
    the database's, not the connection's: Vern leaves it at DuckDB's default otherwise, so
    that comes back when the last one ends."""
    with _capping:
        _capped[store] = _capped.get(store, 0) + 1
        if _capped[store] == 1:
            with store.transaction() as tx:
                tx.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    try:
        yield
    finally:
        with _capping:
            _capped[store] -= 1
            if not _capped[store]:
                del _capped[store]
                with store.transaction() as tx:
                    tx.execute("RESET memory_limit")


_capping = threading.Lock()
_capped: dict[Store, int] = {}  # store -> imports running


class Pending:
    """Access logs of one format read and checked ahead of their import, a batch at a time
    (`add`), into temporary tables of a connection of its own, one a batch: filling them
    takes no write lock, so a pull reads its next batch while others write. `settle` then
    imports every batch at once, in one transaction: identities pseudonymised and names
    labelled once, duplicates looked for once, one commit (benchmarks/sources.py: one table
    a batch, read together as `staged`, cost less than adding each batch to one table, whose
    commits copy it). `with Pending(store, fmt) as pending:`; leaving drops what was not
    settled."""

    def __init__(self, store: Store, fmt: str):
        if fmt not in FORMATS:
            raise VernError("access.unknown_format", field="format", allowed=", ".join(FORMATS))
        self.store, self.fmt = store, fmt
        self.files = self.events = 0  # read and waiting
        self.tables: list[str] = []  # one a batch
        self._capped = _memory_capped(store)

    def __enter__(self) -> "Pending":
        self._capped.__enter__()
        self._session = self.store.session()
        # Nothing an import reads or inserts needs the files' row order (record numbers are
        # counted in it only to name a bad record: _check_staged), and keeping it made DuckDB
        # read and insert up to twice as slowly under the memory cap (benchmarks/sources.py).
        self._session.execute("SET SESSION preserve_insertion_order = false")
        return self

    def __exit__(self, *failure) -> None:
        try:
            self._session.close()  # its temporary tables go with it
        finally:
            self._capped.__exit__(*failure)

    def add(self, paths: list[Path]) -> None:
        """Read and check the files as one batch; InputError (VernError) for the files
        themselves, nothing of them kept."""
        screened = _screen(files_under(paths, self.fmt), self.fmt)
        table = f"staged_{len(self.tables) + 1}"
        with self.store.temporary(self._session) as tx:
            _stage(tx, table, screened, self.fmt)
            _check_staged(tx, table, screened, self.fmt)
            read = tx.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        self.tables.append(table)
        self.files += len(screened)
        self.events += read

    def settle(self, actor: str, within: Callable[[Any], None] | None = None) -> Imported:
        """Import every batch added, all or nothing, then forget them. `within(tx)` runs
        inside the same transaction (a pulled source moves its cursors there, with the
        events they cover), also when nothing was added."""
        with self.store.transaction(self._session) as tx:
            imported = Imported(0, 0, 0)
            if self.files:
                tx.execute("CREATE TEMP VIEW staged AS "
                           + " UNION ALL ".join(f"SELECT * FROM {table}" for table in self.tables))
                imported = _insert(tx, self.store, self.fmt, self.files)
                tx.execute("DROP VIEW staged")
                for table in self.tables:
                    tx.execute(f"DROP TABLE {table}")
                trail.append(tx, actor, "access_logs.import", self.fmt,
                             {"files": imported.files, "events": imported.events, "added": imported.added})
            if within is not None:
                within(tx)
        self.files, self.events, self.tables = 0, 0, []
        return imported


def _insert(tx, store: Store, fmt: str, files: int) -> Imported:
    """The events of `staged` not stored yet, inserted with their actors pseudonymised and
    objects labelled; new resources mapped to their systems."""
    now = clock.now()
    _actor_map(tx, store)
    _object_map(tx, store)
    read = tx.execute("SELECT count(*) FROM staged").fetchone()[0]
    purged_before = tx.execute("SELECT value FROM settings WHERE key = ?", [PURGED_BEFORE]).fetchone()
    # The same event twice in one import is rare: only then pay for keeping the first.
    repeated, first, last = tx.execute(
        "SELECT count(DISTINCT event_id) < count(*), min(happened_at), max(happened_at) FROM staged").fetchone()
    # An event's id fixes its time (the vendor's, or a hash of the row with it), so only
    # stored events of the staged span can be the same: their row groups alone are read.
    added = tx.execute(f"""
        INSERT INTO access_events
        SELECT source, event_id, happened_at, CAST(oslo AS DATE) AS oslo_day, hour(oslo), actor,
               service, action, operation, resource, object, source_ip, records, file, imported_at
        FROM (
            SELECT '{fmt}' AS source, s.event_id, s.happened_at, timezone('Europe/Oslo', s.happened_at) AS oslo,
                   CASE WHEN s.identity = '' THEN '{UNATTRIBUTED}' ELSE m.mapped END AS actor,
                   s.service, s.action, s.operation, s.resource,
                   coalesce(o.mapped, s.object) AS object,
                   s.source_ip, s.records, parse_filename(s.file) AS file, $now AS imported_at
            FROM staged s LEFT JOIN actor_map m ON m.value = s.identity LEFT JOIN object_map o ON o.value = s.object
            WHERE NOT EXISTS (SELECT 1 FROM access_events e
                              WHERE e.source = '{fmt}' AND e.happened_at BETWEEN $first AND $last
                                AND e.event_id = s.event_id)
            {"QUALIFY row_number() OVER (PARTITION BY s.event_id ORDER BY s.file, s.record) = 1"
             if repeated else ""})
        WHERE CAST(oslo AS DATE) >= $since  -- what was purged is counted in access_daily already
    """, {"now": now, "since": purged_before[0] if purged_before else date.min, "first": first, "last": last}
    ).fetchone()[0]
    tx.execute("INSERT OR IGNORE INTO access_resources "
               "SELECT DISTINCT resource, NULL FROM staged WHERE resource IS NOT NULL")
    map_resources(tx)
    unknown = tuple(r[0] for r in tx.execute(
        "SELECT DISTINCT substr(s.resource, 5) FROM staged s JOIN access_resources r USING (resource) "
        "WHERE starts_with(s.resource, 'csv:') AND r.system IS NULL ORDER BY 1").fetchall())
    tx.execute("DROP TABLE actor_map")
    tx.execute("DROP TABLE object_map")
    return Imported(files, read, added, unknown)


def check_files(store: Store, paths: list[Path], fmt: str) -> None:
    """Raise what importing `paths` would raise for the files themselves (limits, format, a
    bad record), storing nothing: read and checked as the import reads them."""
    with Pending(store, fmt) as pending:
        pending.add(paths)


def import_files(store: Store, paths: list[Path], fmt: str, actor: str,
                 within: Callable[[Any], None] | None = None) -> Imported:
    """Import access logs of one format, all or nothing. `within(tx)` runs inside the same
    transaction (a pulled source moves its cursor there, with the events it covers)."""
    with Pending(store, fmt) as pending:
        pending.add(paths)
        return pending.settle(actor, within)


def map_resources(tx) -> None:
    """Give every resource seen in the logs its system: the most specific pattern wins.
    `s3:` and `gdrive:` patterns name a bucket or drive exactly; `m365:` ones are URL
    prefixes; csv events name their system."""
    tx.execute("""
        UPDATE access_resources r SET system = m.system
        FROM (SELECT r.resource, arg_max(c.name, c.strength) AS system
              FROM access_resources r LEFT JOIN (
                  SELECT s.name, p.pattern, length(p.pattern) AS strength
                  FROM systems s, unnest(s.match) AS p(pattern)
                  UNION ALL SELECT name, 'csv:' || name, 100000 FROM systems) c
                ON r.resource = c.pattern
                   OR (starts_with(c.pattern, 'm365:') AND starts_with(r.resource, c.pattern))
              GROUP BY r.resource) m
        WHERE r.resource = m.resource
    """)


def purge(store: Store, today, months: int, actor: str) -> int:
    """Delete raw events older than `months`, keeping their daily counts (no actor)."""
    cutoff = today - relativedelta(months=months)
    with store.transaction() as tx:
        old = tx.execute("SELECT count(*) FROM access_events WHERE oslo_day < ?", [cutoff]).fetchone()[0]
        before = tx.execute("SELECT value FROM settings WHERE key = ?", [PURGED_BEFORE]).fetchone()
        if before is None or date.fromisoformat(before[0]) < cutoff:  # never moves back
            tx.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [PURGED_BEFORE, cutoff.isoformat()])
        if not old:
            return 0
        tx.execute("""
            INSERT INTO access_daily
            SELECT e.oslo_day, e.source, r.system, e.action, count(*), sum(e.records)
            FROM access_events e LEFT JOIN access_resources r USING (resource)
            WHERE e.oslo_day < ? GROUP BY ALL
        """, [cutoff])
        tx.execute("DELETE FROM access_events WHERE oslo_day < ?", [cutoff])
        trail.append(tx, actor, "access_logs.purge", "access_events",
                     {"before": cutoff.isoformat(), "events": old, "months": months})
    return old


def counts(store: Store) -> dict[str, int]:
    """Events, the accounts behind them (unattributed events are no account), and when."""
    return store.rows("SELECT count(*) AS events, count(DISTINCT actor) FILTER (WHERE actor <> ?) AS actors, "
                      "min(happened_at) AS first, max(happened_at) AS last FROM access_events", [UNATTRIBUTED])[0]
