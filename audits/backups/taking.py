"""Backups taken by Vern: from the command line when no server runs, else inside `vern serve`
on `[backup] schedule` and by the admin's *Back up now*. Each attempt and each verification
is recorded in `backup_events` (what the `backups` check judges) and in the audit trail;
after a backup the old ones beyond the retention are removed, and a copy goes to S3 when
`[backup] s3_bucket` is set."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from datetime import datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audits.backups import archive, keeping
from audits.backups.sealed import MIN_PASSPHRASE
from audits.core import clock, trail
from audits.core.errors import VernError
from audits.core.i18n import LANGUAGES, Message

if TYPE_CHECKING:  # annotations only
    from audits.core.config import Config
    from audits.core.store import Store
    from audits.runtime import Vern

log = logging.getLogger(__name__)
VERIFY_EVERY = timedelta(days=7)  # the scheduled job verifies the newest backup weekly
MAX_AGE_HOURS = 36  # the `backups` check's max_age_hours unless [checks.backups] says otherwise
VERIFIED_DAYS = 30  # a backup must have been verified within this
_one_at_a_time = threading.Lock()  # the schedule and the button never copy at once


def passphrase(config: Config) -> str:
    variable = config.backup["passphrase_env"]
    found = os.environ.get(variable, "")
    if not found:
        raise VernError("backups.no_passphrase", variable=variable)
    if len(found) < MIN_PASSPHRASE:
        raise VernError("backups.short_passphrase", variable=variable, min=MIN_PASSPHRASE)
    return found


def _words(message: Message | None) -> str | None:
    return json.dumps({lang: message(lang) for lang in LANGUAGES}, ensure_ascii=False) if message else None


def _record(store: Store, action: str, trigger: str, actor: str, started: datetime, ok: bool, *,
            path: Path | None = None, made: archive.Made | None = None, problem: Message | None = None,
            copy_problem: Message | None = None) -> None:
    name = path.name if path else None
    with store.transaction() as tx:
        tx.execute("INSERT INTO backup_events (action, trigger, actor, started_at, finished_at, ok, file, bytes, "
                   "sha256, problem, copy_problem) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [action, trigger, actor, started, clock.now(), ok, name, made.bytes if made else None,
                    made.sha256 if made else None, _words(problem), _words(copy_problem)])
        trail.append(tx, actor, f"backup.{action}", name or "", {"ok": ok, "trigger": trigger})


def take(store: Store, config: Config, trigger: str, actor: str) -> archive.Made:
    """One backup, recorded whether it held or not; then retention and the S3 copy."""
    if not _one_at_a_time.acquire(blocking=False):
        raise VernError("backups.running")
    started = clock.now()
    folder = config.backup["folder"]
    try:
        try:
            archive.remove_leftovers(folder)
            made = archive.create(store, folder, passphrase(config), version("vern"))
        except VernError as error:
            _record(store, "create", trigger, actor, started, False, problem=error.message)
            raise
        remove_old(folder, config.backup)
        copy_problem = copy_to_s3(made.path, config.backup)
        _record(store, "create", trigger, actor, started, True, path=made.path, made=made, copy_problem=copy_problem)
        return made
    finally:
        _one_at_a_time.release()


def verify(store: Store | None, config: Config, path: Path, trigger: str, actor: str) -> dict[str, Any]:
    """A backup verified (audits.backups.archive.verify); recorded when `store` is given."""
    started = clock.now()
    try:
        manifest = archive.verify(path, passphrase(config), work_folder=path.parent)
    except VernError as error:
        if store is not None:
            _record(store, "verify", trigger, actor, started, False, path=path, problem=error.message)
        raise
    if store is not None:
        _record(store, "verify", trigger, actor, started, True, path=path)
    return manifest


def backups(folder: Path) -> list[Path]:
    """The complete backups in `folder`, newest first."""
    if not folder.is_dir():
        return []
    return archive.newest_first(path for path in folder.iterdir() if path.is_file())


def remove_old(folder: Path, settings: dict) -> list[Path]:
    """The backups beyond the retention, removed; the ones removed."""
    present = backups(folder)
    keep = keeping.kept([archive.taken_at(path) for path in present], settings)
    # Of several within one second, the newest stands for them; the others go.
    seen: set = set()
    gone = []
    for path in present:
        at = archive.taken_at(path)
        if at in keep and at not in seen:
            seen.add(at)
        else:
            gone.append(path)
    for path in gone:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:  # left for the next time; the backup just made stands
            log.warning("an old backup could not be removed: %s", error.strerror or type(error).__name__)
    return gone


def copy_to_s3(path: Path, settings: dict) -> Message | None:
    """The backup into `[backup] s3_bucket` under `s3_prefix` (boto3, the standard credential
    chain); why it failed, or None. The sealed file goes as it is: S3 never sees a secret."""
    bucket = settings["s3_bucket"]
    if not bucket:
        return None
    import boto3  # imported here: only a copy to S3 needs it
    from botocore import exceptions as aws

    try:
        boto3.Session().client("s3").upload_file(  # a session each time: credentials as they are now
            str(path), bucket, settings["s3_prefix"] + path.name)
    except (aws.BotoCoreError, aws.ClientError, boto3.exceptions.S3UploadFailedError, OSError) as error:
        return Message("backups.copy_failed", {"bucket": bucket, "why": _aws_code(error)})
    return None


def _aws_code(error: Exception) -> str:
    """AWS's error code (NoSuchBucket, AccessDenied …), also inside boto3's upload error that
    names it only in its text; else the kind of failure (never a message that might hold more)."""
    response = getattr(error.__cause__ or error, "response", None) or {}
    code = response.get("Error", {}).get("Code")
    found = re.search(r"An error occurred \((\w+)\)", str(error))
    return str(code or (found[1] if found else type(error).__name__))


def scheduled(vern: Vern) -> None:
    """The scheduler's job: a backup; then, once a week, the newest backup verified."""
    try:
        made = take(vern.store, vern.config, "schedule", "vern")
    except VernError as error:
        log.warning("the scheduled backup failed: %s", error)
        return
    last = status(vern.store)["verified"]
    if last is None or clock.now() - last["finished_at"] >= VERIFY_EVERY:
        try:
            verify(vern.store, vern.config, made.path, "schedule", "vern")
        except VernError as error:
            log.warning("the weekly verification of the newest backup failed: %s", error)


def _shown(row: dict) -> dict:
    return {**row, **{key: json.loads(row[key]) if row[key] else None for key in ("problem", "copy_problem")}}


# What status() reports, each the newest event that matches.
LATEST = {"made": "action = 'create' AND ok", "attempt": "action = 'create'",
          "scheduled": "action = 'create' AND trigger = 'schedule'",
          "verified": "action = 'verify' AND ok", "verify_attempt": "action = 'verify'"}


def status(store: Store) -> dict[str, dict | None]:
    """The rows the check and the pages read, in one query: the last backup that held, the last
    attempt, the last scheduled attempt, the last verification that held, and the last one tried."""
    sql = " UNION ALL ".join(f"(SELECT '{name}' AS latest, * FROM backup_events WHERE {where} "
                             "ORDER BY finished_at DESC, id DESC LIMIT 1)" for name, where in LATEST.items())
    found = {row.pop("latest"): _shown(row) for row in store.rows(sql)}
    return {name: found.get(name) for name in LATEST}


def missing(found: dict, now: datetime, max_age_hours: int) -> bool:
    """No backup held within `max_age_hours` (`found` as status() gives it)."""
    return found["made"] is None or now - found["made"]["finished_at"] > timedelta(hours=max_age_hours)


def file_gone(found: dict, folder: Path) -> bool:
    """The last backup that held is no longer in `folder` (removed by hand, or the disk lost)."""
    made = found["made"]
    return bool(made and made["file"]) and not (folder / made["file"]).is_file()


def unverified(found: dict, now: datetime) -> bool:
    """No backup verified within VERIFIED_DAYS (`found` as status() gives it)."""
    return found["verified"] is None or now - found["verified"]["finished_at"] > timedelta(days=VERIFIED_DAYS)


def currency(store: Store, config: Config, now: datetime) -> dict[str, Any]:
    """Whether backups are current (neither missing, gone from the folder nor unverified, as
    the `backups` check judges), with the instants of the last of each: what the board reads."""
    found = status(store)
    gone = file_gone(found, config.backup["folder"])
    current = not missing(found, now, config.check("backups").get("max_age_hours", MAX_AGE_HOURS)) \
        and not gone and not unverified(found, now)
    return {"current": current, "gone": gone,
            **{f"{key}_at": clock.iso_utc(found[key]["finished_at"]) if found[key] else None
               for key in ("made", "verified")}}
