"""Reading a provider's audit log in windows of time (Microsoft 365, Google Workspace).

Each stream (a content type, an application) is asked for in windows of at most 24 hours,
from its cursor less the time a record may take to arrive late, but never from further back
than the provider keeps: a cursor older than that is recorded as a gap (`source_gaps`), the
span whose events are lost. A window's records are written to a temporary file as the
provider's own export would be, so they go through the access-log import, its
de-duplication and its one transaction, in which the cursor moves to the window's end. A
window the import refuses is kept in the inbox's failed/ folder for the adviser, and the
pull stops there.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from audits.access import logs as access_logs
from audits.core import clock
from audits.core.errors import InputError
from audits.sources import cursors, failed

if TYPE_CHECKING:  # annotations only
    from audits.core.config import Config
    from audits.core.store import Store
    from audits.sources.pulling import Counts
    from audits.sources.settings import Source

WINDOW = timedelta(hours=24)  # the longest span one listing asks for
MARGIN = timedelta(minutes=5)  # kept inside what the provider keeps, so nothing ages out while asked for
EXTENSION = {"m365": "csv", "gworkspace": "json"}  # the file each import format reads


def spans(store: Store, source: str, stream: str, kept: timedelta, late: timedelta) -> Iterator[tuple[datetime, datetime]]:
    """The windows of one stream to ask for now, oldest first; a gap recorded first when the
    cursor is older than the `kept` the provider still has."""
    now = clock.now()
    oldest = now - kept + MARGIN
    start = oldest
    stored = cursors.position(store, source, stream)
    if stored:
        cursor = clock.parse_instant(stored)
        if cursor < oldest:  # Vern was away longer than the provider keeps: those events are gone
            with store.transaction() as tx:
                cursors.gap(tx, source, stream, cursor, oldest)
        start = max(oldest, cursor - late)
    while start < now:
        end = min(start + WINDOW, now)
        yield start, end
        start = end


def store_window(store: Store, config: Config, source: Source, stream: str, fmt: str,
                 span: tuple[datetime, datetime], write: Callable[[TextIO], int], counts: Counts) -> None:
    """One window of one stream: `write` puts its records into the file (the `fmt` import's
    shape) and says how many; they are imported and the cursor moved to the window's end,
    in one transaction."""
    start, end = span
    name = (f"{clock.now().strftime('%Y%m%dT%H%M%SZ')}-{source.name}-{stream}-{start.strftime('%Y%m%dT%H%M')}"
            f".{EXTENSION[fmt]}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with path.open("w", encoding="utf-8", newline="") as file:
            written = write(file)
        advance = lambda tx: cursors.advance(tx, source.name, stream, clock.iso_utc(end))  # noqa: E731
        if not written:
            with store.transaction() as tx:
                advance(tx)
            return
        try:
            imported = access_logs.import_files(store, [path], fmt, f"source:{source.name}", within=advance)
        except InputError as refused:
            raise failed.kept(config, f"access-logs/{fmt}", source.name, {name: path}, refused) from None
    counts.read += imported.events
    counts.new += imported.added
