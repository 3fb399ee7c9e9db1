"""The demo's backup history: the nightly backups of the last two weeks up to the last
scheduled time before now, the newest verified each week, recorded as `vern serve` records
them but without file names: the files were never made (`vern demo` needs no passphrase),
so the check cannot find them gone. So the demo's `backups` check is clean and a served demo
takes no backup at start. The Backups page lists only what is on disk, and `vern backup
create` or *Back up now* makes a real one."""

from datetime import datetime, timedelta

from audits.core.config import Config, cron_trigger

DAYS = 14
TAKES = timedelta(seconds=40)  # a backup of the demo's size
VERIFIES = timedelta(seconds=30)


def plant(tx, config: Config, now: datetime) -> int:
    """Replace the backup history with the demo's; the number of backups planted."""
    trigger = cron_trigger(config.backup["schedule"])
    times = []
    at = trigger.get_next_fire_time(None, now - timedelta(days=DAYS))
    while at is not None and at <= now:
        times.append(at)
        at = trigger.get_next_fire_time(at, at + timedelta(seconds=1))
    tx.execute("DELETE FROM backup_events")
    for n, started in enumerate(times):
        made = started + TAKES
        tx.execute("INSERT INTO backup_events (action, trigger, actor, started_at, finished_at, ok, bytes) "
                   "VALUES ('create', 'schedule', 'vern', ?, ?, true, ?)", [started, made, 16_800_000 + 20_000 * n])
        if (len(times) - 1 - n) % 7 == 0:  # the newest, and a week before it: the weekly verification
            tx.execute("INSERT INTO backup_events (action, trigger, actor, started_at, finished_at, ok) "
                       "VALUES ('verify', 'schedule', 'vern', ?, ?, true)", [made, made + VERIFIES])
    return len(times)
