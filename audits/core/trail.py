"""The audit trail: who did what, when — append-only, chained under a key outside the database.

Each entry's chain value (the `hash` column) is HMAC-SHA256 under the trail key of the
value before it and the entry's content (audits/core/trail_chain.py). Whoever can write the database file but not read the
key file cannot change, remove, insert or recompute an entry: `examine()` finds the first
that no longer verifies. The head is also recorded outside the database after every
commit (audits/core/trail_heads.py) and printed, signed, in reports, so a trail cut short or
emptied is caught too; every database begins its trail with an entry when it is created.

When the chain is found broken, Vern does not pretend: it starts a new segment with a
`trail.segment` entry that names the last intact entry and the break, chained from that
entry's value, and records on from there. `examine()` reports every break for ever after,
and that the segments after it are intact. Details never hold personal data in clear:
people appear by username or pseudonym only.
"""

import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from audits.core import clock, trail_chain, trail_heads
from audits.core.errors import VernError
from audits.core.i18n import t
from audits.core.store import Store
from audits.core.trail_chain import (
    EMPTY,
    GENESIS,
    MISSING,
    RESUMING,
    Problem,
    Segment,
    Verdict,
    canonical,
    digest,
    legacy_sign,
    resumes,
    signer,
    walk,
)

log = logging.getLogger(__name__)
ACTOR = "vern"
COLUMNS = "seq, at_utc, actor, action, object, details, prev_hash, hash"
PAGE = 5000  # entries read at a time: verifying holds one page in memory, not the trail
# The table as migrations 0002 and 0013 leave it; recreated when someone dropped it.
TABLE = ("CREATE TABLE trail (seq BIGINT PRIMARY KEY, at_utc VARCHAR NOT NULL, actor VARCHAR NOT NULL, "
         "action VARCHAR NOT NULL, object VARCHAR NOT NULL, details VARCHAR NOT NULL, "
         "prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL, legacy_hash VARCHAR)")


def actor_name(actor: str, lang: str) -> str:
    """Who acted, as a person reads it: a user by name, Vern itself or the command line said
    in words ("root (kommandolinjen)"), not the trail's "cli:root"."""
    if actor == ACTOR:
        return t("actor.vern", lang)
    if actor in ("schedule", "scheduler"):  # a scheduled check run; the reminders' sender
        return t("actor.schedule", lang)
    if actor == "cli":
        return t("actor.cli_unknown", lang)
    if actor.startswith("cli:"):
        return t("actor.cli", lang, user=actor.removeprefix("cli:"))
    return actor


Reader = Callable[[str, list], list[dict[str, Any]]]  # Store.rows, or the same over a transaction


# -- which key, which head file: found from the transaction ----------------------------------------
@dataclass
class _Chain:
    key: bytes
    heads: Path
    recorded: trail_heads.Head | None = None  # the newest head in the head file, as last read or written
    damaged: Problem | None = None  # the head file's last line was not Vern's when it was read
    pending: trail_heads.Head | None = None  # the entry last inserted, unsigned: its head once committed


_chains: dict[str, _Chain] = {}  # by the database file's real path


def _database_of(tx) -> str:
    path = tx.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    return os.path.realpath(path)


def _chain(where: str) -> _Chain:
    chain = _chains.get(where)
    if chain is None:
        raise VernError("trail.not_bound", path=where)
    return chain


def _tx_reader(tx) -> Reader:
    def rows(sql: str, params: list) -> list[dict[str, Any]]:
        result = tx.execute(sql, params)
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    return rows


# -- writing ------------------------------------------------------------------------------------------
def _insert(tx, chain: _Chain, seq: int, prev_hash: str, actor: str, action: str, obj: str,
            details: dict | None) -> str:
    at_utc = clock.iso_utc(clock.now())
    body = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    value = signer(chain.key)(prev_hash, canonical(seq, at_utc, actor, action, obj, body))
    tx.execute(f"INSERT INTO trail ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               [seq, at_utc, actor, action, obj, body, prev_hash, value])
    chain.pending = trail_heads.Head(seq, value, at_utc, "")
    return value


def _last(reader: Reader) -> dict | None:
    rows = reader(f"SELECT {COLUMNS} FROM trail ORDER BY seq DESC, rowid DESC LIMIT 1", [])
    return rows[0] if rows else None


def _present(reader: Reader, seq: int, value: str) -> bool:
    return bool(reader("SELECT 1 FROM trail WHERE seq = ? AND hash = ? LIMIT 1", [seq, value]))


def _tail_holds(reader: Reader, chain: _Chain, last: dict | None) -> bool:
    """The cheap test before every entry: the newest entry verifies, the recorded head is there."""
    sign = signer(chain.key)
    if chain.damaged or last is None or digest(sign, last, last["seq"]) != last["hash"]:
        return False
    recorded = chain.recorded
    if recorded is None or (recorded.seq, recorded.hash) == (last["seq"], last["hash"]):
        return True  # the usual case: the last entry is the head recorded last
    return _present(reader, recorded.seq, recorded.hash) or _before_newest_segment(reader, sign, recorded)


def _before_newest_segment(reader: Reader, sign, recorded: trail_heads.Head) -> bool:
    """A head recorded before the newest segment began: the break that began it accounts for it."""
    rows = reader(f"SELECT {COLUMNS} FROM trail WHERE action IN (?, ?) ORDER BY seq DESC LIMIT 1", list(RESUMING))
    return bool(rows) and resumes(rows[0], sign) is not None and recorded.seq < rows[0]["seq"]


def _resume(tx, chain: _Chain, verdict: Verdict) -> dict | None:
    """Begin a new segment after the open break: a trail.segment entry that names the last
    intact entry and the break, chained from that entry's value (never from the broken part)."""
    problem, segment = verdict.open_problem, verdict.segments[-1]
    if problem is None:
        return None
    top = tx.execute("SELECT coalesce(max(seq), 0) FROM trail").fetchone()[0]
    seq = max(top, chain.recorded.seq if chain.recorded else 0) + 1
    value = _insert(tx, chain, seq, segment.value, ACTOR, "trail.segment", "",
                    {"after": segment.last, "break": problem.kind, "detail": problem.text})
    log.warning("audit trail broken after entry %s (%s): recording on in a new segment from entry %s",
                segment.last, problem.kind, seq)
    verdict.segments.append(Segment(seq, 1, seq, value))
    chain.damaged = None  # recorded now: the new segment's head may be written
    return {"seq": seq, "hash": value}


def append(tx, actor: str, action: str, obj: str = "", details: dict | None = None) -> int:
    """Add an entry inside the caller's transaction, so it lands with the change or not at all.
    A trail found broken at its end first gets a new segment: nothing is chained onto a break."""
    chain = _chain(_database_of(tx))
    reader = _tx_reader(tx)
    last = _last(reader)
    if not _tail_holds(reader, chain, last):
        last = _resume(tx, chain, _examine(reader, chain)) or last
        chain.damaged = None  # recorded as a break now, or the head file was put right
    seq, prev_hash = (last["seq"] + 1, last["hash"]) if last else (1, GENESIS)
    _insert(tx, chain, seq, prev_hash, actor, action, obj, details)
    return seq


def record(store: Store, actor: str, action: str, obj: str = "", details: dict | None = None) -> int:
    """An entry that is the whole change (a sign-in, an export, a refusal)."""
    with store.transaction() as tx:
        return append(tx, actor, action, obj, details)


# -- verifying ----------------------------------------------------------------------------------------
def _table_exists(reader: Reader) -> bool:
    return bool(reader("SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() "
                       "AND schema_name = 'main' AND table_name = 'trail'", []))


def _rows(reader: Reader) -> Iterator[dict[str, Any]]:
    """Every entry in order, PAGE numbers at a time (a range of seq lets DuckDB skip the rest
    of the table); entries someone numbered alike come in the order they were written."""
    select = f"SELECT {COLUMNS}, rowid AS row_id FROM trail WHERE seq >= ? AND seq < ? AND (seq, rowid) > (?, ?)"
    low = reader("SELECT min(seq) AS seq FROM trail", [])[0]["seq"]
    while low is not None:
        after = [low - 1, -1]
        while after:
            rows = reader(f"{select} ORDER BY seq, rowid LIMIT {2 * PAGE}", [low, low + PAGE, *after])
            yield from rows
            after = [rows[-1]["seq"], rows[-1]["row_id"]] if len(rows) == 2 * PAGE else None
        low = reader("SELECT min(seq) AS seq FROM trail WHERE seq >= ?", [low + PAGE])[0]["seq"]


def _head_problem(reader: Reader, chain: _Chain, newest: Segment, expected_head: str | None) -> Problem | None:
    """The head recorded outside the database (and one given by hand) must still be there."""
    try:
        recorded = trail_heads.last(chain.heads, chain.key)
    except trail_heads.HeadFileProblem as error:
        return Problem("head_file", str(error))
    if recorded is not None and recorded.seq >= newest.first and not _present(reader, recorded.seq, recorded.hash):
        at = clock.show(clock.parse_instant(recorded.at_utc))
        return Problem("truncated", f"entry {recorded.seq}, the head recorded in {chain.heads} on {at}, is gone: "
                                    "entries were removed from the end, or the trail rewritten")
    if expected_head and not reader("SELECT 1 FROM trail WHERE hash = ? LIMIT 1", [expected_head]):
        return Problem("truncated", f"the head {expected_head[:16]}… recorded earlier is gone: "
                                    "entries were removed from the end, or the trail rewritten")
    return None


def _examine(reader: Reader, chain: _Chain, expected_head: str | None = None) -> Verdict:
    if not _table_exists(reader):
        return Verdict([Segment(0, problem=MISSING)], None)
    segments, head, count = walk(_rows(reader), signer(chain.key))
    if not segments:
        return Verdict([Segment(0, problem=EMPTY)], None)
    if segments[-1].problem is None:
        segments[-1].problem = _head_problem(reader, chain, segments[-1], expected_head)
    return Verdict(segments, head and {k: head[k] for k in ("seq", "hash", "at_utc")}, count)


def examine(store: Store, expected_head: str | None = None) -> Verdict:
    """Every entry verified under the trail key; every break, and the segments after it."""
    return _examine(store.rows, _chain(os.path.realpath(store.path)), expected_head)


def verify(store: Store, expected_head: str | None = None) -> tuple[int, str | None]:
    """The short answer: (intact entries before the first break, or all; that break or None)."""
    verdict = examine(store, expected_head)
    if verdict.breaks:
        first = verdict.breaks[0]
        return first.intact, first.problem.text
    return verdict.intact, None


def require_intact(store: Store) -> None:
    verdict = examine(store)
    if verdict.breaks:
        first = verdict.breaks[0]
        raise VernError("trail.is_broken", count=first.intact, problem=trail_chain.said(first.problem))


def keep_recording(store: Store) -> Verdict:
    """Verify; when the newest segment is broken, begin a new one. What the trail check runs."""
    chain = _chain(os.path.realpath(store.path))
    verdict = _examine(store.rows, chain)
    if verdict.open_problem is None or verdict.open_problem is MISSING:
        return verdict
    with store.transaction() as tx:  # again under the write lock: nothing slips in between
        verdict = _examine(_tx_reader(tx), chain)
        _resume(tx, chain, verdict)
    return verdict


# -- the head, outside the database and printed ---------------------------------------------------
def head(store: Store) -> dict[str, Any] | None:
    rows = store.rows("SELECT seq, hash FROM trail ORDER BY seq DESC LIMIT 1")
    return rows[0] if rows else None


def signed_head(store: Store) -> dict[str, Any] | None:
    """The newest entry with its signature under the trail key, as reports print it."""
    rows = store.rows("SELECT seq, hash, at_utc FROM trail ORDER BY seq DESC LIMIT 1")
    if not rows:
        return None
    chain = _chain(os.path.realpath(store.path))
    signed = trail_heads.sign(chain.key, rows[0]["seq"], rows[0]["hash"], rows[0]["at_utc"])
    return {"seq": signed.seq, "hash": signed.hash, "at_utc": signed.at_utc, "signature": signed.signature}


def head_line(signed: dict[str, Any] | None, lang: str) -> str:
    """One line for a report: entry, chain value and the start of the signature."""
    if signed is None:
        return t("trail.head_none", lang)
    return t("trail.head_line", lang, seq=signed["seq"], hash=signed["hash"], signature=signed["signature"][:16])


def _record_head(store: Store, chain: _Chain) -> None:
    """After a commit that added entries: the new head, signed, into the head file. A
    failure to write is logged; the next commit writes its head again."""
    pending, chain.pending = chain.pending, None
    if pending is None or chain.damaged or not _present(store.rows, pending.seq, pending.hash):
        return  # nothing added, a head file to be recorded as broken first, or rolled back
    signed = trail_heads.sign(chain.key, pending.seq, pending.hash, pending.at_utc)
    try:
        trail_heads.append(chain.heads, signed)
    except OSError as error:
        log.warning("the trail head file %s could not be written: %s", chain.heads,
                    error.strerror or type(error).__name__)
        return
    chain.recorded = signed


# -- binding: a new trail, an upgraded one, a dropped one ----------------------------------------------
def attach(store: Store, key: bytes, heads: Path, created: bool) -> None:
    """Bind the trail to its key and head file (audits.core.keys.bind). A new database begins its
    trail; one from before migration 0013 is upgraded; a dropped trail table is recreated
    and begins a new segment, the loss recorded."""
    chain = _Chain(key, heads)
    try:
        chain.recorded = trail_heads.last(heads, key)
    except trail_heads.HeadFileProblem as error:
        chain.damaged = Problem("head_file", str(error))  # a break: nothing is written over it
    where = os.path.realpath(store.path)
    _chains[where] = chain
    store.after_commit.append(lambda: _record_head(store, _chain(where)))  # the one append() finds
    with store.transaction() as tx:
        reader = _tx_reader(tx)
        if not _table_exists(reader):
            tx.execute(TABLE)
            _resume(tx, chain, Verdict([Segment(0, problem=MISSING)], None))
            return
        if not reader("SELECT 1 FROM settings WHERE key = 'trail_upgrade'", []):
            return
        tx.execute("DELETE FROM settings WHERE key = 'trail_upgrade'")
        last = _last(reader)
        if chain.recorded is not None or chain.damaged:
            return  # this key's trail began already: the mark was replayed over an emptied trail
        if last is None and created:
            _insert(tx, chain, 1, GENESIS, ACTOR, "trail.start", "", {})
        elif last is None or digest(signer(key), last, last["seq"]) != last["hash"]:
            _upgrade(tx, chain)  # never over a trail already under the key


def _upgrade(tx, chain: _Chain) -> None:
    """Migration 0013's second half, which SQL cannot do. The old SHA-256 chain is verified;
    its intact entries are chained anew under the trail key (their old hashes stay in
    `legacy_hash`); a trail.upgrade entry records how many there were, the old head, and
    the break when the old chain was already broken — sealed, never hidden."""
    reader = _tx_reader(tx)
    segments, head, count = walk(_rows(reader), legacy_sign)
    old = segments[0] if segments else Segment(0)
    sign, prev_hash, updates = signer(chain.key), GENESIS, []
    for row in _rows(reader):
        if len(updates) == old.intact:
            break
        value = sign(prev_hash, canonical(row["seq"], row["at_utc"], row["actor"], row["action"],
                                           row["object"], row["details"]))
        updates.append([prev_hash, value, row["seq"], row["hash"]])
        prev_hash = value
    tx.executemany("UPDATE trail SET prev_hash = ?, hash = ? WHERE seq = ? AND hash = ?", updates)
    details = {"legacy_entries": count, "legacy_head": head["hash"] if head else GENESIS}
    if old.problem:
        details |= {"after": old.last, "break": old.problem.kind, "detail": old.problem.text}
    _insert(tx, chain, (head["seq"] if head else 0) + 1, prev_hash, ACTOR, "trail.upgrade", "", details)


# -- listing ------------------------------------------------------------------------------------------
def listing(store: Store, since: datetime | None = None, actor: str | None = None,
            action: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    where, params = [], []
    if since is not None:
        where.append("CAST(at_utc AS TIMESTAMPTZ) >= ?")
        params.append(since)
    if actor:
        where.append("actor = ?")
        params.append(actor)
    if action:
        where.append("(action = ? OR starts_with(action, ? || '.'))")
        params += [action, action]
    sql = f"SELECT {COLUMNS} FROM trail" + (" WHERE " + " AND ".join(where) if where else "")
    rows = store.rows(sql + " ORDER BY seq DESC LIMIT ?", [*params, limit])
    for row in rows:
        row["details"] = json.loads(row["details"])
    return rows
