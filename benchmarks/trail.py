"""Audit-trail benchmark (issue 15): what the HMAC chain and the head file cost.

    .venv/bin/python benchmarks/trail.py [--appends 2000] [--entries 1000000] [--workdir DIR]

1. Appends: --appends changes, each its own transaction through `trail.record` — the tail
   check under the trail key, the entry's MAC, and the signed head line written (fsync)
   to the head file after the commit. Prints appends per second and the head file's size.
   For comparison, the append of before issue 15 (one SELECT, SHA-256, INSERT) in the same
   database.
2. Verifying: a trail of --entries entries (written in bulk with the same chain as Vern
   writes), verified whole by `trail.examine` in a fresh process — what `vern trail verify`,
   the hourly trail check and an audit report do. Prints entries per second and that
   process's peak memory (reading is paged: it should not grow with the trail).
"""

import argparse
import json
import time
from pathlib import Path

import _common
import pandas as pd

from audits.core import keys, trail, trail_chain
from audits.runtime import open_vern


def appends(folder: Path, count: int) -> None:
    db = folder / "appends.duckdb"
    _common.fresh_database(db)
    vern = open_vern(str(db))
    try:
        started = time.perf_counter()
        for number in range(count):
            trail.record(vern.store, "bench", "export", f"report-{number}.csv", {"rows": number})
        took = time.perf_counter() - started
        assert trail.verify(vern.store) == (count + 1, None)
        before = baseline(vern.store, count)
    finally:
        vern.close()
    heads = folder / "appends.trail-heads"
    print(f"appends: {count} in {took:.2f} s = {count / took:,.0f}/s ({took / count * 1000:.2f} ms each: tail "
          f"check, MAC, head line fsynced after the commit); head file {heads.stat().st_size:,} bytes")
    print(f"  before issue 15 (one SELECT, SHA-256, INSERT, commit): {before * 1000:.2f} ms each")


def baseline(store, count: int) -> float:
    """The append of before issue 15, in the same store, for comparison."""
    store.after_commit.clear()
    started = time.perf_counter()
    for number in range(count):
        with store.transaction() as tx:
            seq, prev = tx.execute("SELECT seq, hash FROM trail ORDER BY seq DESC LIMIT 1").fetchone()
            at, details = "2026-11-24T11:00:00Z", json.dumps({"rows": number}, separators=(",", ":"))
            value = trail_chain.legacy_sign(prev, trail_chain.canonical(seq + 1, at, "bench", "export", "x.csv", details))
            tx.execute(f"INSERT INTO trail ({trail.COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [seq + 1, at, "bench", "export", "x.csv", details, prev, value])
    return (time.perf_counter() - started) / count


def bulk(folder: Path, count: int) -> Path:
    """A long trail, chained exactly as Vern chains it, written in one transaction."""
    db = folder / "long.duckdb"
    _common.fresh_database(db)
    open_vern(str(db)).close()
    store = keys.open_store(db, db.with_suffix(".key"))
    try:
        sign = trail_chain.signer(store.keys.trail_key)
        top = store.rows("SELECT seq, hash FROM trail ORDER BY seq DESC LIMIT 1")[0]
        prev, rows = top["hash"], []
        at = "2026-11-24T11:00:00Z"
        for seq in range(top["seq"] + 1, top["seq"] + count + 1):
            details = json.dumps({"rows": seq}, separators=(",", ":"))
            value = sign(prev, trail_chain.canonical(seq, at, "bench", "export", f"r{seq}.csv", details))
            rows.append((seq, at, "bench", "export", f"r{seq}.csv", details, prev, value))
            prev = value
        frame = pd.DataFrame(rows, columns=[c.strip() for c in trail.COLUMNS.split(",")])
        with store.transaction() as tx:
            tx.register("bulk", frame)
            tx.execute(f"INSERT INTO trail ({trail.COLUMNS}) SELECT * FROM bulk")
            tx.unregister("bulk")
        store.value("CHECKPOINT")  # into the file: opening it need not replay a large log
    finally:
        store.close()
    return db


def verifying(db: str, count: int) -> None:
    """In a fresh process (_common.in_child), so its peak memory is the verifying's alone."""
    vern = open_vern(db)
    opened = _common.peak_mb()
    try:
        started = time.perf_counter()
        verdict = trail.examine(vern.store)
        took = time.perf_counter() - started
    finally:
        vern.close()
    assert not verdict.breaks and verdict.intact == count + 1, verdict.breaks
    print(f"verify: {verdict.intact:,} entries in {took:.2f} s = {verdict.intact / took:,.0f}/s; "
          f"peak memory {_common.peak_mb():.0f} MiB (the database opened: {opened:.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, help="keep the databases here")
    args = parser.parse_args()
    _common.isolate()
    with _common.workdir(args.workdir, "vern-trail-") as folder:
        appends(folder, args.appends)
        started = time.perf_counter()
        db = bulk(folder, args.entries)
        print(f"fill: {args.entries:,} entries written in {time.perf_counter() - started:.1f} s (not a target)")
        _common.in_child(verifying, str(db), args.entries)


if __name__ == "__main__":
    main()
