"""The audit trail: who did what, when — append-only and hash-chained.

Each entry holds the SHA-256 of the entry before it and of its own canonical content,
so `verify()` finds the first entry that was changed, removed or inserted. The head
hash, printed on the trail page and in reports, catches a truncated tail. Details never
hold personal data in clear: people appear by username or pseudonym only.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

from audits import clock
from audits.errors import VernError
from audits.store import Store

GENESIS = "0" * 64


def _canonical(seq: int, at_utc: str, actor: str, action: str, obj: str, details: str) -> str:
    return json.dumps([seq, at_utc, actor, action, obj, details], ensure_ascii=False,
                      separators=(",", ":"))


def _hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def append(tx, actor: str, action: str, obj: str = "", details: dict | None = None) -> int:
    """Add an entry inside the caller's transaction, so it lands with the change or not at all."""
    last = tx.execute("SELECT seq, hash FROM trail ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at_utc = clock.iso_utc(clock.now())
    body = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = _hash(prev_hash, _canonical(seq, at_utc, actor, action, obj, body))
    tx.execute("INSERT INTO trail VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               [seq, at_utc, actor, action, obj, body, prev_hash, digest])
    return seq


def record(store: Store, actor: str, action: str, obj: str = "", details: dict | None = None) -> int:
    """An entry that is the whole change (a sign-in, an export, a refusal)."""
    with store.transaction() as tx:
        return append(tx, actor, action, obj, details)


def head(store: Store) -> dict[str, Any] | None:
    rows = store.rows("SELECT seq, hash FROM trail ORDER BY seq DESC LIMIT 1")
    return rows[0] if rows else None


def _own_hash(row: dict, seq: int) -> str:
    return _hash(row["prev_hash"], _canonical(seq, row["at_utc"], row["actor"], row["action"],
                                              row["object"], row["details"]))


def _problem(row: dict, prev_seq: int, prev_hash: str) -> str | None:
    """What is wrong with this entry, named as an inspector would want it."""
    seq = row["seq"]
    if _own_hash(row, seq) != row["hash"]:
        if _own_hash(row, seq - 1) == row["hash"]:
            return f"entry {seq - 1} was inserted (the entries after it were renumbered)"
        if _own_hash(row, seq + 1) == row["hash"]:
            return f"entry {seq} was removed (the entries after it were renumbered)"
        return f"entry {seq} was changed (its content no longer matches its hash)"
    if row["prev_hash"] == prev_hash and seq == prev_seq + 1:
        return None
    if seq > prev_seq + 1:
        gap = f"{prev_seq + 1}" if seq == prev_seq + 2 else f"{prev_seq + 1} to {seq - 1}"
        return f"entry {gap} was removed (entry {seq} follows entry {prev_seq})"
    if seq <= prev_seq:
        return f"entry {seq} was inserted (two entries are numbered {seq})"
    return f"entry {prev_seq} was changed or inserted (entry {seq} does not link to it)"


def verify(store: Store, expected_head: str | None = None) -> tuple[int, str | None]:
    """(intact entries before the first problem, that problem or None)."""
    rows = store.rows("SELECT * FROM trail ORDER BY seq, hash")
    prev_seq, prev_hash, seen = 0, GENESIS, set()
    for row in rows:
        problem = _problem(row, prev_seq, prev_hash)
        if problem:
            return prev_seq, problem
        seen.add(row["hash"])
        prev_seq, prev_hash = row["seq"], row["hash"]
    if expected_head and expected_head not in seen:
        return prev_seq, (f"the head {expected_head[:16]}… recorded earlier is gone: "
                          "entries were removed from the end, or the trail rewritten")
    return prev_seq, None


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
    sql = "SELECT * FROM trail" + (" WHERE " + " AND ".join(where) if where else "")
    rows = store.rows(sql + " ORDER BY seq DESC LIMIT ?", [*params, limit])
    for row in rows:
        row["details"] = json.loads(row["details"])
    return rows


def require_intact(store: Store) -> None:
    count, problem = verify(store)
    if problem:
        raise VernError(f"the audit trail is broken after {count} intact entries: {problem}")
