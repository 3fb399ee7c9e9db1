"""Checks on a schedule: one APScheduler BackgroundScheduler, in the serving process only.

Late runs are coalesced into one and still run within the grace time (APScheduler's
default of one second would silently skip them); a check missed while the server was
down runs at start-up. Sources are pulled on their schedules; with `pull_at_start` (the
demo's sources, audits/demo/sources.py) each is also pulled once at start, and the checks
that run at every start (`run_at_start`: the sources check, the trail's) run after those
first pulls, so the sources check judges them rather than sources never pulled.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from audits.accounts import sessions
from audits.alerts import outbox
from audits.backups import taking as backups
from audits.breaches import reminders
from audits.checking import runner
from audits.checking.api import Check
from audits.core import clock
from audits.core.config import cron_trigger
from audits.io import mail
from audits.reporting import digest
from audits.runtime import Vern
from audits.sources import pulling
from audits.subject_requests import reminders as request_reminders

if TYPE_CHECKING:  # annotations only
    from apscheduler.schedulers.background import BackgroundScheduler

REMINDER_JOB = "breach-reminders"
DIGEST_JOB = "review-digest"
REQUEST_REMINDER_JOB = "request-reminders"
ALERTS_JOB = "alerts"
ALERTS_SECONDS = 20  # an alert that could not go at once is tried within the minute
SESSIONS_JOB = "sessions"
BACKUP_JOB = "backup"
BACKUPS_CHECK = "backups"  # the check that judges the backups (checks/backups.py)
FIRST_PULLS_JOB = "first-pulls"


def source_job_id(name: str) -> str:
    return f"source:{name}"


def job_id(check_id: str) -> str:
    return f"check:{check_id}"


def _passed_since(schedule: str, started_at: datetime | None, now: datetime) -> bool:
    """True when a time of `schedule` passed since `started_at` (or nothing ever started). A
    trigger's next time may be the very instant it is given: asked from one second on."""
    if started_at is None:
        return True
    due = cron_trigger(schedule).get_next_fire_time(None, started_at + timedelta(seconds=1))
    return due is not None and due <= now


def missed(vern: Vern, check: type[Check], now: datetime) -> bool:
    """True when a scheduled time passed since the check last started (or it never ran)."""
    last = runner.latest(vern.store).get(check.id)
    return _passed_since(vern.config.check(check.id)["schedule"], last["started_at"] if last else None, now)


def backup_missed(vern: Vern, now: datetime) -> bool:
    """True when a scheduled backup time passed since the last scheduled backup began (or none did)."""
    last = backups.status(vern.store)["scheduled"]
    return _passed_since(vern.config.backup["schedule"], last["started_at"] if last else None, now)


def start(vern: Vern, pull_at_start: bool = False) -> BackgroundScheduler:
    # imported here: only `vern serve` runs a scheduler, and it costs 0.06 s at every command's start
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = BackgroundScheduler(
        timezone=clock.OSLO,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": vern.config.misfire_grace_seconds,
        },
    )
    now = datetime.now(clock.UTC)
    after_pulls = []  # with pulls at start: the checks the first pulls start once they are in
    for check in vern.checks.values():
        settings = vern.config.check(check.id)
        if not settings["enabled"]:
            continue
        extra = {}
        if check.run_at_start and pull_at_start:
            after_pulls.append(job_id(check.id))
        # Missed is judged on Vern's clock (runs are stamped with it); the job starts on the real one.
        elif check.run_at_start or missed(vern, check, clock.now()):
            extra = {"next_run_time": now}
        scheduler.add_job(
            runner.run, cron_trigger(settings["schedule"]),
            args=(vern.store, vern.config, check, "schedule"),
            id=job_id(check.id), name=check.id, replace_existing=True, **extra,
        )
    if outbox.channels(vern.config):  # alerts queued with what they tell of, sent (again) from here
        scheduler.add_job(
            outbox.deliver, IntervalTrigger(seconds=ALERTS_SECONDS, timezone=clock.OSLO),
            args=(vern.store, vern.config), id=ALERTS_JOB, name="alerts", replace_existing=True,
            next_run_time=now,
        )
    if mail.configured(vern.config.mail) or vern.config.alert_channels:  # else nowhere to send them
        scheduler.add_job(
            reminders.scheduled, IntervalTrigger(minutes=vern.config.breaches["reminder_minutes"],
                                                 timezone=clock.OSLO),
            args=(vern,), id=REMINDER_JOB, name="breach reminders", replace_existing=True,
            next_run_time=now,
        )
        scheduler.add_job(digest.scheduled, cron_trigger(vern.config.review["digest_schedule"]), args=(vern,),
                          id=DIGEST_JOB, name="weekly digest", replace_existing=True)
        # Also at start: a due-day reminder must not wait for tomorrow because the server was
        # down at the scheduled hour, and each reminder is recorded, so a run too many sends nothing.
        scheduler.add_job(
            request_reminders.scheduled, cron_trigger(vern.config.requests["reminder_schedule"]),
            args=(vern,), id=REQUEST_REMINDER_JOB, name="request reminders", replace_existing=True,
            next_run_time=now,
        )
    for name, source in vern.config.sources.items():  # each pulls on its own schedule
        scheduler.add_job(pulling.scheduled, cron_trigger(source.schedule), args=(vern, name),
                          id=source_job_id(name), name=f"source {name}", replace_existing=True)
    if pull_at_start:  # once, now (no trigger)
        scheduler.add_job(_first_pulls, args=(vern, scheduler, after_pulls), id=FIRST_PULLS_JOB,
                          name="first pulls", replace_existing=True, next_run_time=now)
    # A backup missed while the server was down is taken at start, like a missed check.
    scheduler.add_job(_backup, cron_trigger(vern.config.backup["schedule"]), args=(vern,),
                      id=BACKUP_JOB, name="backup", replace_existing=True,
                      **({"next_run_time": now} if backup_missed(vern, clock.now()) else {}))
    scheduler.add_job(_prune_sessions, IntervalTrigger(hours=1, timezone=clock.OSLO), args=(vern,),
                      id=SESSIONS_JOB, name="expired sessions", replace_existing=True, next_run_time=now)
    scheduler.start()
    vern.scheduler = scheduler
    return scheduler


def _first_pulls(vern: Vern, scheduler: BackgroundScheduler, jobs: list[str]) -> None:
    """Every source pulled once, one after the other; then the checks `jobs` start."""
    try:
        for name in vern.config.sources:
            pulling.scheduled(vern, name)
    finally:
        now = datetime.now(clock.UTC)
        for job in jobs:
            scheduler.modify_job(job, next_run_time=now)


def _backup(vern: Vern) -> None:
    """The scheduled backup; then the `backups` check judges it at once, not within the hour."""
    try:
        backups.scheduled(vern)
    finally:
        judge_backups(vern, "schedule")


def judge_backups(vern: Vern, trigger: str, actor: str | None = None) -> None:
    """The `backups` check run now, after a backup (here in the caller's thread: a job that
    changes other jobs could meet the scheduler shutting down)."""
    check = vern.checks.get(BACKUPS_CHECK)
    if check is not None and vern.config.check(BACKUPS_CHECK).get("enabled", True):
        runner.run(vern.store, vern.config, check, trigger, actor)


def _prune_sessions(vern: Vern) -> None:
    sessions.prune(vern.store, clock.now())


def _next(vern: Vern, job: str, schedule: str) -> datetime | None:
    """When `job` runs next: from the running scheduler when there is one, else from its schedule."""
    if vern.scheduler is not None:
        found = vern.scheduler.get_job(job)
        return found.next_run_time if found else None
    return cron_trigger(schedule).get_next_fire_time(None, clock.now())


def next_run(vern: Vern, check_id: str) -> datetime | None:
    settings = vern.config.check(check_id)
    return _next(vern, job_id(check_id), settings["schedule"]) if settings["enabled"] else None


def next_pull(vern: Vern, name: str) -> datetime | None:
    return _next(vern, source_job_id(name), vern.config.sources[name].schedule)


def next_backup(vern: Vern) -> datetime | None:
    return _next(vern, BACKUP_JOB, vern.config.backup["schedule"])
