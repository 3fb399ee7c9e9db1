"""A pull's batches read while it fetches the next, and imported together: each batch is read
and checked into a temporary table (audits.access.logs.Pending) in a thread of its own
(DuckDB works outside the GIL), one at a time and in order; they are imported at the end of
the pull in one transaction with every stream's cursor, or sooner once SETTLE_EVENTS are
waiting. Reading takes no write lock, so the dashboard waits only for that one import.

Each batch belongs to a stream (a content type, an application, a region) and brings the
move of its stream's cursor to where it ends. A batch the import refuses ends its stream:
the stream's later batches are dropped, never read, and its cursor stays before the refused
one; the other streams go on, so one bad page does not leave the rest of a provider's
evidence unread. The pull then fails with that refusal (the first, if several), which the
adviser reads. Any other failure of a batch ends the pull when the next batch is handed
over, or at the end. Whatever ends the pull, the batches read before it are imported: a
failed pull keeps what it read."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from audits.access.logs import Pending
from audits.sources.asking import SourceFailed

if TYPE_CHECKING:  # annotations only
    from audits.core.store import Store
    from audits.sources.pulling import Counts

# Events read and waiting before they are imported: the most one import of files holds
# (audits/access/limits.py MAX_EVENTS) less a batch's worth.
SETTLE_EVENTS = 500_000
Advance = Callable[[Any], None]  # moves a stream's cursor, in the import's transaction
Batch = Callable[[Pending], Advance | None]  # reads a batch into Pending: its cursor's move


class Importing:
    """`with Importing(store, source, fmt, counts) as importing: importing.then(stream,
    batch.read, batch.drop)`; leaving waits for the last batch, so its files are still there
    while it is read, then imports what was read and counts it."""

    def __init__(self, store: Store, source: str, fmt: str, counts: Counts):
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="import")
        self._running: tuple[str, Future] | None = None
        self._refused: dict[str, SourceFailed] = {}
        self._pending = Pending(store, fmt)
        self._advances: dict[str, Advance] = {}  # stream -> its cursor's move, to where its last batch read ends
        self._actor, self._counts = f"source:{source}", counts

    def then(self, stream: str, read: Batch, drop: Callable[[], None]) -> None:
        """Read a batch of `stream` once the one before it is read; `drop` it (its files)
        instead if the import refused one of the stream's batches, or if the one before
        failed otherwise, then raising that failure."""
        try:
            self.wait()
        except BaseException:
            drop()
            raise
        if self.stopped(stream):
            drop()
            return
        self._running = stream, self._pool.submit(self._read, stream, read)

    def stopped(self, stream: str) -> bool:
        """Whether the import refused a batch of `stream`: fetch no more of it."""
        return stream in self._refused

    def wait(self) -> None:
        running, self._running = self._running, None
        if running is None:
            return
        stream, batch = running
        try:
            batch.result()
        except SourceFailed as failure:
            if failure.refused is None:
                raise
            self._refused.setdefault(stream, failure)

    def _read(self, stream: str, read: Batch) -> None:
        advance = read(self._pending)
        if advance is not None:
            self._advances[stream] = advance
        if self._pending.events >= SETTLE_EVENTS:
            self._settle()

    def _settle(self) -> None:
        if not self._advances and not self._pending.files:
            return
        advances, self._advances = list(self._advances.values()), {}
        imported = self._pending.settle(self._actor, lambda tx: [advance(tx) for advance in advances])
        self._counts.read += imported.events
        self._counts.new += imported.added

    def __enter__(self) -> Importing:
        self._pending.__enter__()
        return self

    def __exit__(self, kind, *failure) -> None:
        try:
            try:
                self.wait()  # a batch before a failure of the pull's own is still read
            finally:
                self._settle()  # and what was read is kept, whatever ended the pull
        finally:
            self._pool.shutdown()
            self._pending.__exit__(kind, *failure)
        if kind is None and self._refused:
            raise next(iter(self._refused.values()))
