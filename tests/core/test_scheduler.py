"""The scheduler: real APScheduler jobs, one per enabled check, as configured."""

import time

from audits import scheduler
from audits.checking import runner
from audits.core.config import load


def wait_for_run(store, check_id, trigger, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runs = [r for r in runner.history(store, check_id) if r["trigger"] == trigger]
        if runs and runs[0]["status"] != "running":
            return runs[0]
        time.sleep(0.1)
    raise AssertionError(f"no {trigger} run of {check_id} within {seconds} s")


def test_a_check_that_never_ran_runs_at_start_and_jobs_are_configured(vern):
    from audits.demo import loader as demo

    demo.load(vern.store, vern.config, "test")
    started = scheduler.start(vern)
    try:
        run = wait_for_run(vern.store, "processors", "schedule")
        assert (run["status"], run["findings"]) == ("succeeded", 6)
        job = started.get_job("check:processors")
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time == 3600
        assert str(job.trigger.timezone) == "Europe/Oslo"
        assert scheduler.next_run(vern, "processors") == job.next_run_time
    finally:
        started.shutdown()
        vern.scheduler = None


def test_a_check_run_since_its_last_slot_is_not_rerun_at_start(demo_vern, monkeypatch):
    # demo_vern ran the check at 12:00 on the frozen clock; the next slot is 06:15 tomorrow.
    assert not scheduler.missed(demo_vern, demo_vern.checks["processors"],
                                scheduler.clock.parse_instant("2026-11-25T06:14+01:00"))
    assert scheduler.missed(demo_vern, demo_vern.checks["processors"],
                            scheduler.clock.parse_instant("2026-11-25T06:15+01:00"))


def test_configured_schedule_and_disabled_checks(vern, tmp_path):
    path = tmp_path / "vern.toml"
    path.write_text('[scheduler]\nmisfire_grace_seconds = 120\n'
                    '[checks.processors]\nschedule = "0 7 * * 1"\nenabled = false\n')
    vern.config = load(path, vern.store.path, vern.checks)
    started = scheduler.start(vern)
    try:
        # The disabled check gets no job; the others keep their own, with the configured grace time.
        assert sorted((job.id, job.misfire_grace_time) for job in started.get_jobs()) == \
            [("backup", 120), ("check:access_logs", 120), ("check:activities", 120), ("check:backups", 120),
             ("check:consent", 120),
             ("check:requests", 120), ("check:retention", 120), ("check:sources", 120), ("check:trail", 120),
             ("check:training", 120), ("sessions", 120)]  # expired sessions removed every hour, mail or not; the backup daily
        assert scheduler.next_run(vern, "processors") is None
    finally:
        started.shutdown()
        vern.scheduler = None


def test_next_run_without_a_scheduler_follows_the_schedule_in_oslo_time(vern, tmp_path):
    path = tmp_path / "vern.toml"
    path.write_text('[checks.processors]\nschedule = "0 7 * * 1"\n')
    vern.config = load(path, vern.store.path, vern.checks)
    # Frozen clock: Tuesday 2026-11-24 12:00 Oslo; next Monday 07:00 Oslo is 06:00 UTC.
    assert scheduler.clock.iso_utc(scheduler.next_run(vern, "processors")) == "2026-11-30T06:00:00Z"


def test_crontab_weekday_numbers_mean_what_they_mean_in_crontab():
    from datetime import datetime

    from audits.core.clock import OSLO
    from audits.core.config import cron_trigger

    tuesday = datetime(2026, 11, 24, 12, 0, tzinfo=OSLO)
    fire = lambda line: cron_trigger(line).get_next_fire_time(None, tuesday)  # noqa: E731
    assert fire("0 7 * * 1").date().isoformat() == "2026-11-30"  # Monday
    assert fire("0 7 * * 0").date().isoformat() == "2026-11-29"  # Sunday
    assert fire("0 7 * * 7").date().isoformat() == "2026-11-29"  # Sunday again
    assert fire("0 7 * * 1-5").date().isoformat() == "2026-11-25"  # next weekday morning
    assert fire("0 7 * * sat").date().isoformat() == "2026-11-28"
