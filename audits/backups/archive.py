"""One backup file: the database as of one instant, its key file, its trail head and a
manifest, in a tar stream sealed under the passphrase (audits/backups/sealed.py).

Written as `<name>.partial` and renamed only when whole and on disk, so a backup cut short
by a crash, a full disk or a kill never looks complete. Read back member by member into a
folder of its own; only the four known names are taken, never a path from the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

import duckdb

from audits.backups.sealed import BackupRefused, OpeningReader, SealingWriter
from audits.core import clock, keys, trail, trail_chain, trail_heads
from audits.core.errors import VernError, os_reason
from audits.core.i18n import Message
from audits.core.store import Store

SUFFIX = ".vernbackup"
PARTIAL = ".partial"
FORMAT = 1
MANIFEST = "manifest.json"
DATABASE, KEY_FILE, HEADS = "vern.duckdb", "vern.key", "vern.trail-heads"
# The most each member may hold when read back; the database is bounded by the disk alone.
LIMITS = {MANIFEST: 1024 * 1024, KEY_FILE: 64 * 1024, HEADS: 64 * 1024, DATABASE: None}
COPY_BYTES = 1024 * 1024
_NO_ROOM = re.compile(r"No space left on device|File too large|Disk quota exceeded")  # DuckDB's I/O errors


@dataclass(frozen=True)
class Made:
    path: Path
    sha256: str  # of the sealed file
    bytes: int
    tables: dict[str, int]
    trail_head: dict[str, Any] | None
    created_at: datetime

    def summary(self) -> dict[str, Any]:
        """What `vern backup create --json` prints."""
        return {"path": str(self.path), "sha256": self.sha256, "bytes": self.bytes,
                "tables": self.tables, "trail_head": self.trail_head}


NAME = re.compile(r"vern-(\d{8}T\d{6}Z)(?:-(\d{1,3}))?" + re.escape(SUFFIX))


def file_name(at: datetime, n: int = 1) -> str:
    """vern-<UTC instant>.vernbackup; a second one within the same second gets -2, -3 …"""
    return f"vern-{at.astimezone(clock.UTC):%Y%m%dT%H%M%SZ}{f'-{n}' if n > 1 else ''}{SUFFIX}"


def _order(path: Path) -> tuple[datetime, int] | None:
    found = NAME.fullmatch(path.name)
    if found is None:
        return None
    try:
        at = datetime.strptime(found[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=clock.UTC)
    except ValueError:
        return None
    return at, int(found[2] or 1)


def taken_at(path: Path) -> datetime | None:
    """The instant in a backup's name, or None for a file that is not one of ours."""
    order = _order(path)
    return order[0] if order else None


def newest_first(paths) -> list[Path]:
    """Vern's backups among `paths`, newest first (by the instant and number in their names)."""
    ours = [(order, path) for path in paths if (order := _order(path)) is not None]
    return [path for _, path in sorted(ours, reverse=True)]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(COPY_BYTES):
            digest.update(block)
    return digest.hexdigest()


def _counts_and_head(database: Path) -> tuple[dict[str, int], dict[str, Any] | None]:
    """Rows per table and the trail's newest entry, read from the copy itself."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        names = [row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name").fetchall()]
        counts = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
        head = None
        if "trail" in names:
            row = con.execute("SELECT seq, hash, at_utc FROM trail ORDER BY seq DESC LIMIT 1").fetchone()
            head = {"seq": row[0], "hash": row[1], "at_utc": row[2]} if row else None
        return counts, head
    finally:
        con.close()


def _described(data: bytes | Path) -> dict[str, Any]:
    """A member's hash and size, as the manifest lists them."""
    if isinstance(data, Path):
        return {"sha256": _sha256(data), "bytes": data.stat().st_size}
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _add(tar: tarfile.TarFile, name: str, data: bytes | Path) -> None:
    info = tarfile.TarInfo(name)
    info.mode = 0o600
    if isinstance(data, Path):
        info.size = data.stat().st_size
        with data.open("rb") as source:
            tar.addfile(info, source)
    else:
        info.size = len(data)
        tar.addfile(info, BytesIO(data))


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def create(store: Store, folder: Path, passphrase: str, vern_version: str) -> Made:
    """A new backup file in `folder`; on any failure nothing that looks like one is left."""
    now = clock.now()
    n = 1
    while os.path.lexists(target := folder / file_name(now, n)):  # names are by the second
        n += 1
    partial = target.with_name(target.name + PARTIAL)
    work = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".vern-backup-", dir=folder))
        snapshot = work / DATABASE
        store.copy_to(snapshot)
        tables, head = _counts_and_head(snapshot)
        members: dict[str, bytes | Path] = {KEY_FILE: store.keys.to_json().encode(), DATABASE: snapshot}
        if head is not None:  # the head file a restored copy starts from: its own newest entry, signed
            signed = trail_heads.sign(store.keys.trail_key, head["seq"], head["hash"], head["at_utc"])
            members[HEADS] = signed.line().encode()
            head = {**head, "signature": signed.signature}
        files = {name: _described(data) for name, data in members.items()}
        manifest = {"format": FORMAT, "vern_version": vern_version, "schema_version": store.schema_version(),
                    "created_at": clock.iso_utc(now), "tables": tables, "trail_head": head, "files": files}
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            sealer = SealingWriter(out, passphrase)
            with tarfile.open(fileobj=sealer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                _add(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
                for name, data in members.items():
                    _add(tar, name, data)
            sealer.close()
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)  # only now does it look like a backup
        _fsync_folder(folder)
    except OSError as error:
        raise VernError("backups.cannot_write", folder=str(folder), why=os_reason(error)) from None
    except duckdb.Error as error:  # its words may quote stored values: the kind only
        if _NO_ROOM.search(str(error)):  # the copy could not be written: the disk is full
            raise VernError("backups.cannot_write", folder=str(folder), why=Message("os.full")) from None
        raise VernError("backups.database_error", kind=type(error).__name__) from None
    finally:
        with contextlib.suppress(OSError):  # e.g. a folder that never was: nothing to clear
            partial.unlink(missing_ok=True)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return Made(target, sealer.sha256, sealer.bytes, tables, head, now)


def remove_leftovers(folder: Path) -> None:
    """What a backup or a verification killed half-way left: a partial file, a working folder."""
    if not folder.is_dir():
        return
    for leftover in folder.iterdir():
        if leftover.name.endswith(SUFFIX + PARTIAL):
            leftover.unlink(missing_ok=True)
        elif leftover.name.startswith((".vern-backup-", ".vern-verify-")) and leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


# -- reading back ---------------------------------------------------------------------------------
def _copy_member(source: BinaryIO, into: Path, limit: int | None) -> str:
    """The member written to `into`; its SHA-256, taken as it is written (a database is read once)."""
    descriptor = os.open(into, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    digest, written = hashlib.sha256(), 0
    with os.fdopen(descriptor, "wb") as out:
        while block := source.read(COPY_BYTES):
            written += len(block)
            if limit is not None and written > limit:
                raise BackupRefused("backups.not_a_backup")
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def unpack(path: Path, passphrase: str, into: Path) -> dict[str, Any]:
    """The members into `into` (an empty folder), each checked against the manifest's hash;
    the manifest returned. Refused whole when anything differs."""
    hashes: dict[str, str] = {}
    try:
        with path.open("rb") as source:
            reader = OpeningReader(source, passphrase)
            try:
                with tarfile.open(fileobj=reader, mode="r|") as tar:
                    for member in tar:
                        if member.name not in LIMITS or not member.isfile() or member.name in hashes:
                            raise BackupRefused("backups.not_a_backup")
                        hashes[member.name] = _copy_member(tar.extractfile(member), into / member.name,
                                                           LIMITS[member.name])
            except tarfile.TarError:  # sealed and authentic, yet not our tar: not a Vern backup
                raise BackupRefused("backups.not_a_backup") from None
    except OSError as error:
        raise VernError("backups.cannot_read", path=str(path), why=os_reason(error)) from None
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        expected = set(files) | {MANIFEST}
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupRefused("backups.not_a_backup") from None
    if manifest.get("format") != FORMAT or set(hashes) != expected or DATABASE not in files or KEY_FILE not in files:
        raise BackupRefused("backups.incomplete")
    for name, described in files.items():
        if hashes[name] != described.get("sha256"):
            raise BackupRefused("backups.hash_differs", member=name)
    return manifest


def examine(into: Path, manifest: dict[str, Any]) -> None:
    """The unpacked copy opened as Vern opens a database, with the backup's own keys: its rows
    counted against the manifest and its trail verified up to the head it recorded."""
    database = into / DATABASE
    try:
        counts, _ = _counts_and_head(database)
    except duckdb.Error:
        raise BackupRefused("backups.database_unreadable") from None
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            raise BackupRefused("backups.count_differs", table=table, expected=expected, found=counts.get(table, 0))
    store = keys.open_store(database, into / KEY_FILE, environment=False)
    try:
        head = manifest.get("trail_head")
        verdict = trail.examine(store, head["hash"] if head else None)
        if verdict.breaks:
            first = verdict.breaks[0]
            raise BackupRefused("backups.trail_broken", count=first.intact,
                                problem=trail_chain.said(first.problem))
    finally:
        store.close()


def verify(path: Path, passphrase: str, work_folder: Path | None = None) -> dict[str, Any]:
    """Decrypt, check every hash, restore into a temporary place, verify the trail and the row
    counts; the manifest when all hold."""
    try:  # beside the backup (room for its database); else the system's temporary folder (read-only media)
        work = Path(tempfile.mkdtemp(prefix=".vern-verify-", dir=work_folder))
    except OSError:
        try:
            work = Path(tempfile.mkdtemp(prefix=".vern-verify-"))
        except OSError as error:
            raise VernError("backups.cannot_write", folder=tempfile.gettempdir(), why=os_reason(error)) from None
    try:
        manifest = unpack(path, passphrase, work)
        examine(work, manifest)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def restore(path: Path, passphrase: str, database: Path) -> dict[str, Any]:
    """Database, key file and head file side by side (`<database>.key`, `.trail-heads`), after
    the same checks as verify; never over an existing file."""
    key_file = database.with_suffix(".key")
    targets = {DATABASE: database, KEY_FILE: key_file, HEADS: trail_heads.path_for(key_file)}
    taken = [str(p) for p in targets.values() if os.path.lexists(p)]
    if taken:
        raise VernError("backups.restore_exists", path=taken[0])
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".vern-restore-", dir=database.parent))
    except OSError as error:
        raise VernError("backups.cannot_write", folder=str(database.parent), why=os_reason(error)) from None
    try:
        manifest = unpack(path, passphrase, work)
        examine(work, manifest)
        # The database last: while it is missing, nothing looks restored.
        for name in (HEADS, KEY_FILE, DATABASE):
            if (work / name).exists():
                os.replace(work / name, targets[name])
        wal = work / (DATABASE + ".wal")
        if wal.exists():
            os.replace(wal, database.with_name(database.name + ".wal"))
        _fsync_folder(database.parent)
        return manifest
    except OSError as error:
        raise VernError("backups.cannot_write", folder=str(database.parent), why=os_reason(error)) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
