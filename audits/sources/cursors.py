"""Where each source's stream has read to. A cursor moves only inside the transaction that
stores the events it covers, so a pull that stops half-way leaves the cursor at the last
page stored and the next pull goes on from there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audits.core import clock

if TYPE_CHECKING:  # annotations only
    from audits.core.store import Store


def position(store: Store, source: str, stream: str) -> str | None:
    return store.value("SELECT position FROM source_cursors WHERE source = ? AND stream = ?", [source, stream])


def advance(tx, source: str, stream: str, to: str) -> None:
    tx.execute("INSERT INTO source_cursors VALUES (?, ?, ?, ?) ON CONFLICT (source, stream) "
               "DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
               [source, stream, to, clock.now()])


def listing(store: Store, source: str) -> list[dict]:
    return store.rows("SELECT stream, position, updated_at FROM source_cursors WHERE source = ? ORDER BY stream",
                      [source])


def gap(tx, source: str, stream: str, missed_from, missed_to) -> None:
    """Record that the events of a stream between two instants are lost (the provider no
    longer had them when Vern asked)."""
    tx.execute("INSERT INTO source_gaps VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
               [source, stream, missed_from, missed_to, clock.now()])


def gaps(store: Store, sources, since) -> list[dict]:
    """The gaps of the configured sources that ended after `since`, oldest first."""
    return store.rows("SELECT * FROM source_gaps WHERE list_contains(?, source) AND missed_to >= ? "
                      "ORDER BY missed_from, source, stream", [list(sources), since])
