"""A pull's batches imported while it fetches the next: the import runs in a thread of its
own (DuckDB works outside the GIL), one batch at a time and in order, so a batch's cursor
never passes one not yet imported. A batch the import refuses ends the pull when the next
batch is handed over, or at the end: the batches after it are not imported, as if the pull
had stopped there."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class Importing:
    """`with Importing() as importing: importing.then(batch.store, batch.drop)`; leaving waits
    for the last batch, so its files are still there while it is read."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="import")
        self._running: Future | None = None

    def then(self, store_batch: Callable[[], None], drop: Callable[[], None]) -> None:
        """Import a batch once the one before it is in; if that one failed, `drop` this one
        (its files) and raise that failure."""
        try:
            self.wait()
        except BaseException:
            drop()
            raise
        self._running = self._pool.submit(store_batch)

    def wait(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            running.result()

    def __enter__(self) -> Importing:
        return self

    def __exit__(self, *failure) -> None:
        try:
            self.wait()  # a batch before a failure of the pull's own is still imported
        finally:
            self._pool.shutdown()
