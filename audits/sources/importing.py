"""A pull's batches imported while it fetches the next: the import runs in a thread of its
own (DuckDB works outside the GIL), one batch at a time and in order, so a batch's cursor
never passes one not yet imported.

Each batch belongs to a stream (a content type, an application, a region). A batch the
import refuses ends its stream: the stream's later batches are dropped, never imported, and
its cursor stays before the refused one; the other streams go on, so one bad page does not
leave the rest of a provider's evidence unread. The pull then fails with that refusal (the
first, if several), which the adviser reads. Any other failure of a batch ends the pull
when the next batch is handed over, or at the end."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from audits.sources.asking import SourceFailed


class Importing:
    """`with Importing() as importing: importing.then(stream, batch.store, batch.drop)`;
    leaving waits for the last batch, so its files are still there while it is read."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="import")
        self._running: tuple[str, Future] | None = None
        self._refused: dict[str, SourceFailed] = {}

    def then(self, stream: str, store_batch: Callable[[], None], drop: Callable[[], None]) -> None:
        """Import a batch of `stream` once the one before it is in; `drop` it (its files)
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
        self._running = stream, self._pool.submit(store_batch)

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

    def __enter__(self) -> Importing:
        return self

    def __exit__(self, kind, *failure) -> None:
        try:
            self.wait()  # a batch before a failure of the pull's own is still imported
        finally:
            self._pool.shutdown()
        if kind is None and self._refused:
            raise next(iter(self._refused.values()))
