"""Access events: import from the vendors' logs, map to systems, purge after retention.

An import reads every file of one format in one DuckDB query into a staging table,
refuses the whole import when any record is malformed (naming file, record and field),
pseudonymises the distinct actors in Python (a few thousand HMACs, not a million), and
inserts the events not already stored: re-importing a file changes nothing.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
from dateutil.relativedelta import relativedelta

from audits import access_formats, clock, labels, pseudonyms, trail
from audits.access_formats import FIELDS, FORMATS, NAMES
from audits.errors import InputError, VernError
from audits.store import Store

PURGED_BEFORE = "access_logs.purged_before"  # settings key: events before this day are gone


@dataclass(frozen=True)
class Imported:
    files: int
    events: int  # read from the files
    added: int  # new to the store
    unknown_systems: tuple[str, ...] = ()  # csv events naming a system not in the list


def files_under(paths: list[Path], fmt: str) -> list[Path]:
    """Files named, and files under directories named (CloudTrail delivers a tree).
    CloudTrail's digest files sit beside the logs and are not events."""
    found = []
    for path in paths:
        if not path.exists():
            raise VernError(f"{path}: no such file or directory")
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                            and "CloudTrail-Digest" not in p.parts)
        else:
            found.append(path)
    if not found:
        raise VernError(f"no {fmt} files under {', '.join(map(str, paths))}")
    return list(dict.fromkeys(found))


def _refuse_other_formats(files: list[Path], fmt: str) -> None:
    for path in files:
        looks = access_formats.sniff(path)
        if looks and looks != fmt:
            raise InputError(str(path), [f"this is {NAMES[looks]}, not {NAMES[fmt]}: "
                                         f"import it with --format {looks}"])


def _query(fmt: str, columns: set[str], numbered: bool = False) -> str:
    if fmt == "m365":
        return access_formats.m365(columns, numbered)
    if fmt == "csv":
        return access_formats.csv(columns, numbered)
    if fmt == "gworkspace":
        return access_formats.gworkspace(numbered)
    return access_formats.CLOUDTRAIL


def _stage(tx, files: list[Path], fmt: str) -> None:
    """Fill the temporary table `staged` from the files, or refuse with the file named."""
    columns: set[str] = set()
    if fmt in ("m365", "csv"):
        for path in files:
            columns |= _csv_columns(tx, path, fmt)
    _create_staged(tx, "staged", _query(fmt, columns), files, fmt)


def _create_staged(tx, table: str, query: str, files: list[Path], fmt: str) -> None:
    _run(tx, f"CREATE OR REPLACE TEMP TABLE {table} AS {query}", {"files": [str(f) for f in files]}, files, fmt)


def _run(tx, sql: str, params: dict, files: list[Path], fmt: str) -> None:
    try:
        tx.execute(sql, params)
    except duckdb.OutOfMemoryException:
        raise VernError(f"not enough memory to read {len(files)} file(s) of {NAMES[fmt]} at once: "
                        "import fewer files per command") from None
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        culprit = next((f for f in files if str(f) in message), files[0] if len(files) == 1 else None)
        where = str(culprit) if culprit else ", ".join(map(str, files[:3]))
        raise InputError(where, [f"not readable as {NAMES[fmt]}: {message}"]) from None


def _csv_columns(tx, path: Path, fmt: str) -> set[str]:
    try:
        header = tx.execute("DESCRIBE SELECT * FROM read_csv(?, header=true, all_varchar=true, "
                            "delim=',', quote='\"', escape='\"')", [str(path)]).fetchall()
    except duckdb.Error as error:
        raise InputError(str(path), [f"not readable as {NAMES[fmt]}: {str(error).splitlines()[0]}"]) from None
    columns = {row[0] for row in header}
    if fmt == "m365":
        missing = [c for c in access_formats.M365_REQUIRED if c not in columns]
        if not {"Operation", "Operations"} & columns:
            missing.append("Operation (or Operations)")
        if not {"UserId", "UserIds"} & columns:
            missing.append("UserId (or UserIds)")
    else:
        missing = [c for c in access_formats.CSV_REQUIRED if c not in columns]
    if missing:
        raise InputError(str(path), [f"record 0 (header): missing column(s) {', '.join(missing)}: "
                                     f"not {NAMES[fmt]}"])
    return columns


def _check_staged(tx, fmt: str) -> None:
    bad = _problems(tx, "staged", fmt)
    if not bad:
        return
    first = bad[0][0]
    if bad[0][1] is None:  # read without record numbers: read that file again, numbered
        columns = _csv_columns(tx, Path(first), fmt) if fmt in ("m365", "csv") else set()
        _create_staged(tx, "numbered", _query(fmt, columns, numbered=True), [Path(first)], fmt)
        bad = _problems(tx, "numbered", fmt)
    raise InputError(first, [f"record {record}: {why}" if record else why
                             for file, record, why in bad if file == first])


def _problems(tx, table: str, fmt: str) -> list[tuple]:
    """(file, record, what is wrong) for the first 20 bad records."""
    fields = FIELDS[fmt]
    envelope = "Records array" if fmt == "cloudtrail" else "activity list"
    checks = [
        ("record = 0", f"no {envelope}: not {NAMES[fmt]}"),
        ("happened_at IS NULL", f"field {fields.time}: missing, or not a time with its UTC offset"),
        ("identity IS NULL", f"field {fields.identity}: missing: whose access is this?"),
        ("event_id IS NULL", f"field {fields.event_id}: missing"),
        ("action IS NULL", f"field {fields.action}: not one of {', '.join(access_formats.ACTIONS)}"),
        ("records IS NULL OR records < 0", f"field {fields.records}: not a whole number of records"),
    ]
    problem = "CASE " + " ".join(f"WHEN {condition} THEN ?" for condition, _ in checks) + " END"
    return tx.execute(f"SELECT file, record, {problem} AS problem FROM {table} "
                      "WHERE problem IS NOT NULL ORDER BY file, record LIMIT 20",
                      [why for _, why in checks]).fetchall()


def _actor_map(tx, store: Store) -> None:
    """Register `actor_map` (identity → pseudonym); remember new identities, encrypted."""
    identities = [r[0] for r in tx.execute("SELECT DISTINCT identity FROM staged").fetchall()]
    mapping = pseudonyms.remember_many(tx, store, identities)
    tx.register("actor_map", pd.DataFrame({"identity": list(mapping), "actor": list(mapping.values())},
                                          dtype="string"))


def _object_map(tx, store: Store) -> None:
    """Register `object_map` (object name → label): object names are kept encrypted."""
    objects = [r[0] for r in tx.execute("SELECT DISTINCT object FROM staged WHERE object <> ''").fetchall()]
    mapping = labels.remember_many(tx, store.keys, "object", objects)
    tx.register("object_map", pd.DataFrame({"object": list(mapping), "ref": list(mapping.values())},
                                           dtype="string"))


def import_files(store: Store, paths: list[Path], fmt: str, actor: str) -> Imported:
    """Import access logs of one format, all or nothing."""
    if fmt not in FORMATS:
        raise VernError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    files = files_under(paths, fmt)
    _refuse_other_formats(files, fmt)
    now = clock.now()
    with store.transaction() as tx:
        # A failed statement aborts the transaction: the rollback drops `staged` with it.
        _stage(tx, files, fmt)
        _check_staged(tx, fmt)
        _actor_map(tx, store)
        _object_map(tx, store)
        read = tx.execute("SELECT count(*) FROM staged").fetchone()[0]
        purged_before = tx.execute("SELECT value FROM settings WHERE key = ?", [PURGED_BEFORE]).fetchone()
        # The same event twice in one import is rare: only then pay for keeping the first.
        repeated = tx.execute("SELECT count(DISTINCT event_id) < count(*) FROM staged").fetchone()[0]
        added = tx.execute(f"""
            INSERT INTO access_events
            SELECT source, event_id, happened_at, CAST(oslo AS DATE) AS oslo_day, hour(oslo), actor,
                   service, action, operation, resource, object, source_ip, records, file, imported_at
            FROM (
                SELECT '{fmt}' AS source, s.event_id, s.happened_at, timezone('Europe/Oslo', s.happened_at) AS oslo,
                       m.actor, s.service, s.action, s.operation, s.resource, coalesce(o.ref, s.object) AS object,
                       s.source_ip, s.records, parse_filename(s.file) AS file, ? AS imported_at
                FROM staged s JOIN actor_map m USING (identity) LEFT JOIN object_map o ON o.object = s.object
                WHERE NOT EXISTS (SELECT 1 FROM access_events e
                                  WHERE e.source = '{fmt}' AND e.event_id = s.event_id)
                {"QUALIFY row_number() OVER (PARTITION BY s.event_id ORDER BY s.file, s.record) = 1"
                 if repeated else ""})
            WHERE CAST(oslo AS DATE) >= ?  -- what was purged is counted in access_daily already
        """, [now, purged_before[0] if purged_before else date.min]).fetchone()[0]
        tx.execute("INSERT OR IGNORE INTO access_resources "
                   "SELECT DISTINCT resource, NULL FROM staged WHERE resource IS NOT NULL")
        map_resources(tx)
        unknown = tuple(r[0] for r in tx.execute(
            "SELECT DISTINCT substr(s.resource, 5) FROM staged s JOIN access_resources r USING (resource) "
            "WHERE starts_with(s.resource, 'csv:') AND r.system IS NULL ORDER BY 1").fetchall())
        trail.append(tx, actor, "access_logs.import", fmt,
                     {"files": len(files), "events": read, "added": added})
        tx.execute("DROP TABLE staged")
        tx.unregister("actor_map")
        tx.unregister("object_map")
    return Imported(len(files), read, added, unknown)


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
    return store.rows("SELECT count(*) AS events, count(DISTINCT actor) AS actors, "
                      "min(happened_at) AS first, max(happened_at) AS last FROM access_events")[0]
