"""Pulling the configured sources, by hand (`vern sources pull`) or on each source's
schedule inside `vern serve`. Every pull is recorded in `source_pulls` with what it read
and stored, or why it failed in the provider's own words; one source failing never stops
the others. The audit trail gets one entry per pull."""

from __future__ import annotations

import importlib
import json
import logging
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from audits.core import clock, trail
from audits.core.errors import VernError
from audits.core.i18n import LANGUAGES, t
from audits.sources import cursors
from audits.sources.asking import SourceFailed
from audits.sources.settings import SNAPSHOTS

if TYPE_CHECKING:  # annotations only
    from audits.core.config import Config
    from audits.core.store import Store
    from audits.sources.settings import Source

log = logging.getLogger(__name__)
# kind -> the module with its pull and test
CONNECTORS = {"xapi": "audits.sources.xapi", "m365": "audits.sources.m365", "google": "audits.sources.google",
              "s3": "audits.sources.s3", "entra_directory": "audits.sources.entra_directory",
              "google_directory": "audits.sources.google_directory"}
_pulling: dict[str, threading.Lock] = {}  # one pull of a source at a time in this process


@dataclass
class Counts:
    read: int = 0  # events the provider gave
    new: int = 0  # of them, not stored before


@dataclass(frozen=True)
class Pulled:
    source: str
    read: int
    new: int
    problem: str | None  # why it failed, in the configured language; None when the pull went through


def counted(source: Source) -> str:
    """What a pull of the source counts, for the words that say so: a directory's accounts
    and the changes they make to the people register ("people"), else "events"."""
    return "people" if source.kind in SNAPSHOTS else "events"


def _connector(source: Source):
    return importlib.import_module(CONNECTORS[source.kind])


def chosen(config: Config, name: str | None) -> list[Source]:
    """The source named, or every configured one; a name not configured is refused."""
    if not config.sources:
        raise VernError("sources.none")
    if name is None:
        return list(config.sources.values())
    if name not in config.sources:
        raise VernError("sources.unknown", name=name, known=", ".join(config.sources))
    return [config.sources[name]]


def pull(store: Store, config: Config, source: Source, actor: str) -> Pulled:
    """Pull one source; never raises for the provider's or the evidence's faults."""
    import httpx  # imported here: only pulling and sending need it

    lock = _pulling.setdefault(source.name, threading.Lock())
    with lock:
        started = clock.now()
        with store.transaction() as tx:
            pull_id = tx.execute("INSERT INTO source_pulls (source, kind, actor, started_at, status) "
                                 "VALUES (?, ?, ?, ?, 'running') RETURNING id",
                                 [source.name, source.kind, actor, started]).fetchone()[0]
        counts, said = Counts(), None
        try:
            with httpx.Client() as client:
                _connector(source).pull(store, config, source, client, counts)
        except (SourceFailed, VernError) as error:  # also a secret not set, the store refusing what was read
            said = {lang: error.text(lang) for lang in LANGUAGES}
        except Exception as error:  # noqa: BLE001 (a fault of Vern's own: recorded, and the server goes on)
            log.warning("source %s: pull failed (%s)", source.name, type(error).__name__)  # its text may quote data
            said = {lang: t("sources.internal", lang, kind=type(error).__name__) for lang in LANGUAGES}
        status = "failed" if said else "ok"
        with store.transaction() as tx:
            tx.execute("UPDATE source_pulls SET finished_at = ?, status = ?, events_read = ?, events_new = ?, "
                       "problem = ? WHERE id = ?", [clock.now(), status, counts.read, counts.new,
                                                    json.dumps(said, ensure_ascii=False) if said else None, pull_id])
            trail.append(tx, actor, "source.pull", source.name,
                         {"status": status, "read": counts.read, "new": counts.new})
        if said:
            log.warning("source %s failed after %d events", source.name, counts.read)
        return Pulled(source.name, counts.read, counts.new, said[config.language] if said else None)


def test(config: Config, source: Source) -> str | None:
    """A connection check with the configured credentials: None when it works, else why not."""
    import httpx

    try:
        with httpx.Client() as client:
            _connector(source).test(config, source, client)
    except (SourceFailed, VernError) as error:
        return error.text(config.language)
    return None


def expires(source: Source) -> tuple[date, str] | None:
    """When the source's credential stops working, and what it is ("certificate" or
    "secret"): the sooner of what the connector reads (a certificate's end) and the
    `expires_on` the admin noted; None when neither is known."""
    known = [(source.expires_on, "secret")] if source.expires_on else []
    read = getattr(_connector(source), "expires", None)
    if read is not None and (ends := read(source)) is not None:
        known.append((ends, "certificate"))
    return min(known, default=None)


def states(store: Store, sources: dict[str, Source]) -> list[dict[str, Any]]:
    """Each configured source with its first and last pull, its last good pull, when it last
    brought something new, and its cursors."""
    last = {row["source"]: row for row in store.rows(
        "SELECT * FROM source_pulls QUALIFY row_number() OVER (PARTITION BY source ORDER BY id DESC) = 1")}
    times = {row["source"]: row for row in store.rows(
        "SELECT source, min(started_at) AS first_pull_at, max(finished_at) FILTER (status = 'ok') AS last_success_at, "
        "max(finished_at) FILTER (events_new > 0) AS last_new_at FROM source_pulls GROUP BY source")}
    states = []
    for name, source in sources.items():
        pulled, seen = last.get(name, {}), times.get(name, {})
        states.append({
            "name": name, "kind": source.kind, "schedule": source.schedule,
            "state": pulled.get("status", "never"), "last_pull_at": pulled.get("started_at"),
            "problem": json.loads(pulled["problem"]) if pulled.get("problem") else None,
            "first_pull_at": seen.get("first_pull_at"), "last_success_at": seen.get("last_success_at"), "last_new_at": seen.get("last_new_at"),
            "cursors": cursors.listing(store, name)})
    return states


def daily(store: Store, source: str, first) -> dict:
    """New events a source brought per Oslo day since the day `first`: day -> count."""
    return {row["day"]: row["new"] for row in store.rows(
        "SELECT CAST(timezone('Europe/Oslo', started_at) AS DATE) AS day, sum(events_new) AS new "
        "FROM source_pulls WHERE source = ? AND CAST(timezone('Europe/Oslo', started_at) AS DATE) >= ? "
        "GROUP BY day", [source, first])}


def fresh_since(state: dict[str, Any], source: Source):
    """When the source last brought something new (a directory: last went through), else
    its first pull; None when never pulled."""
    return state["last_success_at" if source.kind in SNAPSHOTS else "last_new_at"] or state["first_pull_at"]


def stale(state: dict[str, Any], source: Source, now) -> bool:
    """Nothing new (a directory: no pull that went through) for longer than the source's
    quiet time, or never pulled."""
    since = fresh_since(state, source)
    return since is None or now - since > timedelta(hours=source.quiet_hours)


def in_doubt(store: Store, sources: dict[str, Source], now=None) -> dict[str, str]:
    """The configured sources whose evidence cannot be trusted now (the last pull failed,
    or the source is stale): name -> kind."""
    now = now or clock.now()
    return {state["name"]: state["kind"] for state in states(store, sources)
            if state["state"] == "failed" or stale(state, sources[state["name"]], now)}


def scheduled(vern, name: str) -> None:
    """The scheduler's job for one source: the open Vern's store and configuration."""
    source = vern.config.sources.get(name)
    if source is not None:
        pull(vern.store, vern.config, source, "schedule")
