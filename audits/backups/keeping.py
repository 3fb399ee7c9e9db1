"""Which backups to keep: the newest of each of the last `keep_daily` days, `keep_weekly`
weeks and `keep_monthly` months that have one (days, ISO weeks and months in Oslo time),
and always the newest of all. The same rule as restic's and borg's `--keep-daily` and
friends, so an administrator who knows those knows this."""

from collections.abc import Callable, Iterable
from datetime import date, datetime

from audits.core import clock

PERIODS: dict[str, Callable[[date], tuple]] = {
    "keep_daily": lambda day: (day,),
    "keep_weekly": lambda day: day.isocalendar()[:2],
    "keep_monthly": lambda day: (day.year, day.month),
}


def kept(instants: Iterable[datetime], settings: dict) -> set[datetime]:
    newest_first = sorted(instants, reverse=True)
    keep = set(newest_first[:1])
    for key, period in PERIODS.items():
        seen: list[tuple] = []
        for at in newest_first:
            bucket = period(clock.local(at).date())
            if bucket in seen:
                continue
            if len(seen) == settings[key]:
                break
            seen.append(bucket)
            keep.add(at)
    return keep
