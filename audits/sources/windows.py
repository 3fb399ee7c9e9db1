"""Reading a provider's audit log in windows of time (Microsoft 365, Google Workspace).

Each stream (a content type, an application) is asked for in windows of 24 hours (longer
while it is quiet, where the provider allows: Spans), from its cursor less the time a record
may take to arrive late, but never from further back than the provider keeps: a cursor older
than that is recorded as a gap (`source_gaps`), the span whose events are lost. Each answer
(a content blob, a page) is written to a temporary file as the provider sent it, unparsed,
and the access-log import reads those files as it reads the provider's own exports, with its
de-duplication and its transaction, in which the cursor moves to the last window's end.
Consecutive windows share a batch until it holds BATCH_BYTES or BATCH_ANSWERS: a first pull
of Google's 180 days is a few batches, not 540 (benchmarks/sources.py). A batch whose answers
are `lines` (Google's pages) is one file, an answer a line, as the export is: DuckDB reads one
file of many pages with far less work than as many files. A batch is read while
the next is fetched, and the batches imported together (audits.sources.importing). A window
that fails half-way is taken out of the batch and the whole windows before it imported, so a
pull still keeps all it read up to the failure. A batch the import refuses is kept in the
inbox's failed/ folder for the adviser, and its stream stops there; the other streams go
on, and the pull fails with it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from audits.core import clock
from audits.sources import cursors, failed

if TYPE_CHECKING:  # annotations only
    from audits.access.logs import Pending
    from audits.core.config import Config
    from audits.core.store import Store
    from audits.sources.importing import Advance, Importing
    from audits.sources.settings import Source

WINDOW = timedelta(hours=24)  # the longest span one listing asks for
MARGIN = timedelta(minutes=5)  # kept inside what the provider keeps, so nothing ages out while asked for
# A batch, well inside the import's limits (audits/access/limits.py): its bytes, its answers.
BATCH_BYTES = 64 * 1024 * 1024
BATCH_ANSWERS = 1000
Keep = Callable[[bytes], None]  # takes one answer's bytes into the batch


class Spans:
    """The windows of one stream to ask for now, oldest first; a gap recorded first when the
    cursor is older than the `kept` the provider still has. A window answered in one answer
    or none makes the next twice as long, up to `longest`; one that took more brings it back
    to WINDOW: a quiet stream is read in a few requests, not one a day (Google lists any span;
    Microsoft's windows stay at 24 hours)."""

    def __init__(self, store: Store, source: str, stream: str, kept: timedelta, late: timedelta,
                 longest: timedelta = WINDOW):
        self.now, self.longest, self.length = clock.now(), longest, WINDOW
        oldest = self.now - kept + MARGIN
        self.start = oldest
        stored = cursors.position(store, source, stream)
        if stored:
            cursor = clock.parse_instant(stored)
            if cursor < oldest:  # Vern was away longer than the provider keeps: those events are gone
                with store.transaction() as tx:
                    cursors.gap(tx, source, stream, cursor, oldest)
            self.start = max(oldest, cursor - late)

    def __iter__(self) -> Iterator[tuple[datetime, datetime]]:
        while self.start < self.now:
            end = min(self.start + self.length, self.now)
            yield self.start, end
            self.start = end

    def answered(self, answers: int) -> None:
        """How many answers with something in them the last window took."""
        self.length = min(self.length * 2, self.longest) if answers <= 1 else WINDOW


def store_windows(config: Config, source: Source, stream: str, windows: Spans,
                  write: Callable[[Keep, tuple[datetime, datetime]], None], importing: Importing,
                  lines: bool = False) -> None:
    """The windows of one stream, oldest first: `write(keep, span)` hands each of a window's
    answers (as `importing`'s format reads them; with `lines`, JSON objects) to `keep`; each
    batch is read by `importing` while the next is fetched, and imported with the cursor
    moved to its last window's end."""
    batch: _Batch | None = None
    try:
        for span in windows:
            if importing.stopped(stream):  # a batch of it was refused: the next pull starts there
                break
            if batch is None:
                batch = _Batch(source, stream, span, lines)
            windows.answered(batch.add(write, span))
            if batch.size >= BATCH_BYTES or batch.answers >= BATCH_ANSWERS:
                full, batch = batch, None  # handed over, whatever then() says
                importing.then(stream, partial(full.read, config), full.drop)
    finally:  # also after a failure: the whole windows read before it are kept
        if batch is not None:
            importing.then(stream, partial(batch.read, config), batch.drop)


class _Batch:
    """Consecutive windows of one stream in a temporary folder of its own: an answer a file,
    or with `lines` an answer a line of one file."""

    def __init__(self, source: Source, stream: str, first: tuple[datetime, datetime], lines: bool):
        self.source, self.stream, self.lines = source, stream, lines
        self.folder = Path(tempfile.mkdtemp(prefix="vern-pull-"))
        self.stem = failed.named(source.name, stream, first[0].strftime('%Y%m%dT%H%M'))
        self.files: list[Path] = []
        self.answers = self.size = 0
        self.end: datetime | None = None  # the end of the last whole window

    def keep(self, content: bytes) -> None:
        if self.lines:
            # A page a line, which DuckDB reads in parallel; Google's pages come indented, read
            # one after another (1.6 s against 0.9 s for 250,000 activities). A raw line break
            # in JSON can only be whitespace: the answer stays the same JSON.
            content = content.replace(b"\n", b" ") + b"\n"
            if not self.files:
                self.files.append(self.folder / f"{self.stem}.json")
            with self.files[0].open("ab") as out:
                out.write(content)
        else:
            path = self.folder / f"{self.stem}-{self.answers + 1:04}.json"
            path.write_bytes(content)
            self.files.append(path)
        self.answers += 1
        self.size += len(content)

    def add(self, write: Callable[[Keep, tuple[datetime, datetime]], None], span: tuple[datetime, datetime]) -> int:
        """The window's answers kept; how many."""
        answers, size = self.answers, self.size
        try:
            write(self.keep, span)
        except BaseException:
            self._undo(answers, size)  # the failed window's answers out again
            raise
        self.end = span[1]
        return self.answers - answers

    def _undo(self, answers: int, size: int) -> None:
        """Back to `answers` answers of `size` bytes."""
        if not self.lines:
            for path in self.files[answers:]:
                path.unlink()
            del self.files[answers:]
        elif size:
            os.truncate(self.files[0], size)
        elif self.files:
            self.files.pop().unlink()
        self.answers, self.size = answers, size

    def read(self, config: Config, pending: Pending) -> Advance | None:
        """The batch read into `pending` (a refused one copied to failed/ first); the move
        of its cursor to its last whole window's end, if it has one. Its files go either way."""
        try:
            if self.end is None:
                return None  # not one whole window
            if self.files:
                failed.read_or_keep(pending, config, self.source.name, self.stream, self.files)
            end = clock.iso_utc(self.end)
            return lambda tx: cursors.advance(tx, self.source.name, self.stream, end)
        finally:
            self.drop()

    def drop(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
