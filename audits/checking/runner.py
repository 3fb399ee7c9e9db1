"""Runs checks and records every run, successful or not.

One check that raises is recorded as failed with its error; the others still run, and the
advisers get one alert per failed run (the check's name and the kind of failure, never the
error's text, which may quote the evidence).
At most one instance of a check runs at a time, whoever starts it.
"""

import json
import logging
import threading
from dataclasses import dataclass

from audits.alerts import outbox
from audits.checking import findings
from audits.checking.api import Check, CheckContext
from audits.core import clock, trail
from audits.core.config import Config
from audits.core.errors import VernError
from audits.core.i18n import LANGUAGES, t
from audits.core.store import Store

log = logging.getLogger(__name__)
_running: dict[str, threading.Lock] = {}
_guard = threading.Lock()


@dataclass(frozen=True)
class RunResult:
    check_id: str
    status: str  # succeeded | failed | busy
    run_id: int | None = None
    evidence_rows: int = 0
    findings: int = 0
    error: str | None = None  # as the run history keeps it (English)
    refusal: VernError | None = None  # a refusal the check raised, for a reader in their language


def _lock_for(check_id: str) -> threading.Lock:
    with _guard:
        return _running.setdefault(check_id, threading.Lock())


def context(store: Store, config: Config, check: type[Check], actor: str) -> CheckContext:
    now = clock.now()
    return CheckContext(
        store=store,
        settings=config.check(check.id),
        now=now,
        today=now.astimezone(clock.OSLO).date(),
        inbox=config.inbox / check.id,
        actor=actor,
        mail=config.mail,
        sources=config.sources,
        backup=config.backup,
    )


def run(store: Store, config: Config, check: type[Check], trigger: str,
        actor: str | None = None) -> RunResult:
    """`trigger` is schedule, manual or cli; `actor` who asked (the trigger when nobody did)."""
    lock = _lock_for(check.id)
    if not lock.acquire(blocking=False):
        return RunResult(check.id, "busy")
    try:
        return _run(store, config, check, trigger, actor or trigger)
    finally:
        lock.release()


def _run(store: Store, config: Config, check: type[Check], trigger: str, actor: str) -> RunResult:
    ctx = context(store, config, check, actor)
    with store.transaction() as tx:
        run_id = tx.execute(
            "INSERT INTO check_runs (check_id, trigger, started_at, status) "
            "VALUES (?, ?, ?, 'running') RETURNING id", [check.id, trigger, clock.now()]
        ).fetchone()[0]
    instance = check()
    try:
        evidence = instance.collect(ctx)
        found = list(instance.evaluate(ctx))  # read outside the write lock
        with store.transaction() as tx:
            count = findings.apply(tx, check, found, run_id, ctx.now)
            tx.execute(
                "UPDATE check_runs SET finished_at = ?, status = 'succeeded', evidence_rows = ?, "
                "findings = ? WHERE id = ?", [clock.now(), evidence, count, run_id])
            trail.append(tx, actor, "check.run", check.id,
                         {"run": run_id, "status": "succeeded", "findings": count, "evidence_rows": evidence})
        log.info("check %s run %s: %s findings from %s evidence rows", check.id, run_id, count, evidence)
        return RunResult(check.id, "succeeded", run_id, evidence, count)
    except Exception as error:  # recorded, not raised: the other checks must still run
        message = f"{type(error).__name__}: {error}"
        log.warning("check %s run %s failed: %s", check.id, run_id, type(error).__name__)
        with store.transaction() as tx:
            tx.execute(
                "UPDATE check_runs SET finished_at = ?, status = 'failed', error = ? WHERE id = ?",
                [clock.now(), store.keys.encrypt(_recorded(error), "check_runs.error"), run_id])
            trail.append(tx, actor, "check.run", check.id, {"run": run_id, "status": "failed"})
            outbox.queue(tx, config, "check_failed", _failure(check, error), clock.now())
        return RunResult(check.id, "failed", run_id, error=message,
                         refusal=error if isinstance(error, VernError) else None)


def _failure(check: type[Check], error: Exception) -> dict:
    """What the alert of a failed run may say: the check and the kind of failure."""
    name = {lang: getattr(check.title, lang) for lang in LANGUAGES}
    if isinstance(error, VernError):
        return {"check": check.id, "name": name, "kind": "refused"}
    return {"check": check.id, "name": name, "kind": "fault", "fault": type(error).__name__}


def _recorded(error: Exception, kind: str = "") -> str:
    """A failed run's error as the history keeps it: a refusal in each language, so a reader
    of either sees their own; a fault in the check (no refusal) in Python's words."""
    kind = kind or type(error).__name__
    if isinstance(error, VernError):
        return json.dumps({"kind": kind} | {lang: error.text(lang) for lang in LANGUAGES}, ensure_ascii=False)
    return json.dumps({"kind": kind, "fault": str(error)}, ensure_ascii=False)


def fail_interrupted(store: Store) -> int:
    """Mark as failed the runs a stopped process left 'running'. Only one process opens the
    database for writing, and it has started no run yet, so every such run is dead."""
    with store.transaction() as tx:
        stale = [row[0] for row in tx.execute("SELECT id FROM check_runs WHERE status = 'running'").fetchall()]
        if stale:
            tx.execute("UPDATE check_runs SET status = 'failed', finished_at = ?, error = ? "
                       "WHERE list_contains(?, id)",
                       [clock.now(), store.keys.encrypt(_recorded(VernError("checks.interrupted"), "Interrupted"),
                                                         "check_runs.error"), stale])
            trail.append(tx, "vern", "check.interrupted", "", {"runs": stale})
    return len(stale)


def run_many(store: Store, config: Config, checks: list[type[Check]], trigger: str) -> list[RunResult]:
    return [run(store, config, check, trigger) for check in checks]


def history(store: Store, check_id: str | None = None, limit: int = 50) -> list[dict]:
    where = "WHERE check_id = ? " if check_id else ""
    params = [check_id] if check_id else []
    rows = store.rows(
        "SELECT id, check_id, trigger, started_at, finished_at, status, evidence_rows, "
        f"findings, error FROM check_runs {where}ORDER BY id DESC LIMIT ?", [*params, limit])
    return [_opened(store, row) for row in rows]


def _opened(store: Store, row: dict) -> dict:
    """The error may quote the evidence, so it is stored encrypted. `error` is the English
    "Kind: words" of the command line's JSON; `error_said` what error_in reads."""
    recorded = store.keys.decrypt(row["error"], "check_runs.error")
    row["error"], row["error_said"] = None, {}
    if recorded:
        try:
            said = json.loads(recorded)
        except ValueError:  # a run recorded before errors had their languages: English only
            kind, colon, words = recorded.partition(": ")
            said = {"kind": kind if colon else ""} | dict.fromkeys(LANGUAGES, words if colon else recorded)
        words = said.get("fault", said.get("en"))
        row["error"], row["error_said"] = f"{said['kind']}: {words}" if said["kind"] else words, said
    return row


def error_in(run: dict, lang: str) -> str:
    """A run's error in the reader's language, or empty."""
    said = run["error_said"]
    if not said:
        return ""
    if "fault" in said:
        return t("checks.fault", lang, kind=said["kind"], text=said["fault"])
    return said[lang]


def latest(store: Store) -> dict[str, dict]:
    """The latest run of every check that has run."""
    rows = store.rows(
        "SELECT * FROM check_runs QUALIFY row_number() OVER (PARTITION BY check_id ORDER BY id DESC) = 1")
    return {row["check_id"]: _opened(store, row) for row in rows}
