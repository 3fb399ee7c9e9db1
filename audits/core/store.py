"""The DuckDB store: one file, numbered migrations, one writer at a time.

DuckDB allows one read-write process per file, and inside that process two transactions
that touch the same row conflict. So every write goes through `transaction()`, which
holds a process-wide lock: a scheduled check and a person saving on the dashboard
queue behind each other instead of failing. Reads run anywhere, each on its own cursor,
fetched completely.
"""

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from audits.core import clock
from audits.core.errors import VernError

_LOCK_HELD = re.compile(r"Conflicting lock is held in .*\(PID (\d+)\)")


class DatabaseBusy(VernError):
    """Another process (normally `vern serve`) holds the database."""


def _quoted(path: Path) -> str:
    """A path inside a single-quoted SQL string (ATTACH takes no parameters)."""
    return str(path).replace("'", "''")


def migrations() -> list[tuple[int, str]]:
    """(version, sql) for every file audits/migrations/NNNN_name.sql, in order."""
    found = []
    for entry in resources.files("audits.migrations").iterdir():
        match = re.fullmatch(r"(\d{4})_\w+\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


@contextmanager
def _all_or_nothing(cursor: duckdb.DuckDBPyConnection) -> Iterator[None]:
    cursor.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        cursor.execute("ROLLBACK")
        raise
    cursor.execute("COMMIT")


class Store:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path))
        except duckdb.IOException as error:
            held = _LOCK_HELD.search(str(error))
            if held:
                raise DatabaseBusy("store.busy", path=str(self.path), pid=int(held.group(1))) from None
            # DuckDB's words are English and may quote the file: only the kind of failure is shown
            raise VernError("store.cannot_open", path=str(self.path), kind=type(error).__name__) from None
        self._con.execute("SET GLOBAL TimeZone = 'UTC'")
        self._write_lock = threading.RLock()
        self.keys = None  # audits.core.crypto.KeyRing, bound by audits.core.keys.bind()
        # Run after each commit, still under the write lock (the trail's head file, audits/core/trail.py).
        self.after_commit: list[Callable[[], None]] = []
        try:
            known = migrations()
            self._migrate(known)
            self._require_tables(known)
        except BaseException:
            self._con.close()
            raise

    # -- reading ---------------------------------------------------------------
    def rows(self, sql: str, params: list | tuple = ()) -> list[dict[str, Any]]:
        cursor = self._con.cursor()
        try:
            result = cursor.execute(sql, params)
            names = [d[0] for d in result.description]
            return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
        finally:
            cursor.close()

    def value(self, sql: str, params: list | tuple = ()) -> Any:
        cursor = self._con.cursor()
        try:
            row = cursor.execute(sql, params).fetchone()
            return row[0] if row else None
        finally:
            cursor.close()

    # -- writing ---------------------------------------------------------------
    @contextmanager
    def transaction(self, session: duckdb.DuckDBPyConnection | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing, and one writer at a time; on `session` (see there) when given."""
        with self._write_lock:
            cursor = session or self._con.cursor()
            try:
                with _all_or_nothing(cursor):
                    yield cursor
                for hook in self.after_commit:
                    hook()
            finally:
                if session is None:
                    cursor.close()

    def session(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own, to close after use: its temporary tables are its alone
        (and go with it), so it fills them in `temporary` transactions while others write,
        and a `transaction(session)` then reads them."""
        return self._con.cursor()

    @contextmanager
    def temporary(self, session: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing on `session`, for statements that write only its temporary tables:
        no other transaction can conflict with them, so the write lock is not taken."""
        with _all_or_nothing(session):
            yield session

    def copy_to(self, path: Path) -> None:
        """The whole database into a new file, as of one instant: a single statement reads one
        snapshot while writers go on (DuckDB's MVCC), through this process's own connection
        (the backups, audits/backups/archive.py). Not under the write lock: nothing waits for it.
        DuckDB runs on one thread meanwhile, so the copy takes one core and the pages the other
        (on two cores, a copy on both doubled the pages' times: benchmarks/backup.py)."""
        cursor = self._con.cursor()
        try:
            source = cursor.execute("SELECT current_database()").fetchone()[0]
            threads = cursor.execute("SELECT current_setting('threads')").fetchone()[0]
            cursor.execute(f"ATTACH '{_quoted(path)}' AS vern_copy")
            cursor.execute("SET threads = 1")
            try:
                cursor.execute(f'COPY FROM DATABASE "{source}" TO vern_copy')
            finally:
                cursor.execute(f"SET threads = {int(threads)}")
                cursor.execute("DETACH vern_copy")
        finally:
            cursor.close()

    def close(self) -> None:
        self._con.close()

    # -- schema ----------------------------------------------------------------
    def schema_version(self) -> int:
        return self.value("SELECT coalesce(max(version), 0) FROM schema_version") or 0

    def _require_tables(self, known: list[tuple[int, str]]) -> None:
        """Stop with a message, not a traceback later, when a table was dropped outside Vern."""
        expected = {name for _, sql in known
                    for name in re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", sql, re.IGNORECASE)}
        present = {row["table_name"] for row in self.rows(  # duckdb_tables(): half the time of information_schema
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary")}
        # A dropped trail is recreated and the loss recorded as a break (audits.core.trail.attach).
        missing = sorted(expected - present - {"trail"})
        if missing:
            raise VernError("store.damaged", path=str(self.path), tables=", ".join(missing), n=len(missing))

    def _migrate(self, known: list[tuple[int, str]]) -> None:
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
        )
        current = self.schema_version()
        newest = known[-1][0] if known else 0
        if current > newest:
            raise VernError("store.newer", path=str(self.path), version=current, newest=newest)
        pending = [(version, sql) for version, sql in known if version > current]
        if pending:
            with self.transaction() as tx:  # all or none: never a schema half-way between versions
                for version, sql in pending:
                    tx.execute(sql)
                    tx.execute("INSERT INTO schema_version VALUES (?, ?)", [version, clock.now()])
