"""The demo's sources: `vern serve` on the demo's database pulls live, from fake providers
it starts in its own process on loopback — the fakes the tests hold the connectors to
(audits/demo/providers).

- `kursportal` (`xapi`): a learning record store holding the demo's course completions
  (audits/demo/training.py) and one since, which the first pull brings as new;
- `google` (`google`): Google Workspace's token endpoint and Reports API, holding the last
  few working days' sign-ins and Drive activity of the demo's people who use the events
  drive (audits/demo/access.py). Its service-account key is made at start in a temporary
  folder, its path in the serving process's environment (`VERN_DEMO_GOOGLE_KEY`);
- `microsoft` (`m365`): fails at every pull as a real source does when its secret is not
  set ("the environment variable VERN_DEMO_M365_SECRET is not set"), so the access area it
  feeds is *not verified*. Nothing is asked of Microsoft: the variable is never set here.

How `vern serve` knows it serves the demo: the database carries `vern demo`'s mark (the
setting `dataset` = `demo`, loader.MARKER, written by `vern demo` alone, which refuses a
database holding real data) and the configuration has no `[sources]` table. A database
without the mark, or any configuration naming sources, is served as it is: no provider is
started, the configuration is not touched.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audits.core import clock
from audits.demo import access as demo_access
from audits.demo import training as demo_training
from audits.demo.loader import MARKER

if TYPE_CHECKING:  # annotations only
    from audits.core.config import Config
    from audits.core.store import Store
    from audits.demo.providers.loopback import Loopback
    from audits.runtime import Vern

log = logging.getLogger(__name__)

LMS, GOOGLE, MICROSOFT = "kursportal", "google", "microsoft"  # the demo's sources, by name
LRS_TOKEN = "VERN_DEMO_LRS_TOKEN"  # the environment variables they read
GOOGLE_KEY = "VERN_DEMO_GOOGLE_KEY"
M365_SECRET = "VERN_DEMO_M365_SECRET"  # never set: the demo's failing source
SUBJECT = f"it-admin@{demo_access.DOMAIN}"  # the admin the service account acts as
DAYS = 5  # the Google activity the fake holds: the working days among the last five
HOURS = (8, 15)  # working hours: nothing an access rule finds (after hours, bulk, unknown people)


def serves_demo(store: Store, config: Config) -> bool:
    """The database is the demo's and the configuration names no source."""
    if config.sources or _has_sources_table(config):
        return False
    return store.value("SELECT value FROM settings WHERE key = 'dataset'") == MARKER


def _has_sources_table(config: Config) -> bool:
    """A `[sources]` in the configuration file, even an empty one: an admin's, never touched."""
    if config.path is None:
        return False
    return "sources" in tomllib.loads(config.path.read_text(encoding="utf-8"))  # read and checked at start


@dataclass
class Running:
    """The demo's providers while `vern serve` runs; `stop` ends them and puts back what was changed."""

    vern: Vern
    config: Config  # as it was before the demo's sources were added
    providers: list[Loopback]
    folder: tempfile.TemporaryDirectory
    environment: dict[str, str | None] = field(default_factory=dict)  # variable -> its value before

    def stop(self) -> None:
        for provider in self.providers:
            provider.stop()
        for variable, value in self.environment.items():
            if value is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = value
        self.folder.cleanup()
        self.vern.config = self.config


def start(vern: Vern) -> Running | None:
    """On the demo's database with no sources configured: the fake providers started on free
    loopback ports, their variables set, and the demo's sources in `vern.config`. Otherwise
    nothing, and None."""
    if not serves_demo(vern.store, vern.config):
        return None
    from audits.demo.providers import google_workspace, lrs  # werkzeug and PyJWT: the demo's only
    from audits.demo.providers.loopback import Loopback
    from audits.sources import settings

    now = clock.now()
    folder = tempfile.TemporaryDirectory(prefix="vern-demo-")
    providers: list[Loopback] = []
    try:
        lrs_server = Loopback("lrs")
        providers.append(lrs_server)
        learning = lrs.LRS(lrs_server, demo_training.lrs_statements(now.astimezone(clock.OSLO).date()), bearer=True)
        google_server = Loopback("google")
        providers.append(google_server)
        key = google_workspace.key_file(Path(folder.name))
        google = google_workspace.Google(google_server, key, google_activities(now), now, page_size=100)
        google.users = google.admins = {SUBJECT}
        sources = settings.from_config({  # checked as an admin's tables are
            LMS: {"kind": "xapi", "endpoint": learning.endpoint, "token_env": LRS_TOKEN},
            GOOGLE: {"kind": "google", "endpoint": google.endpoint, "credentials_env": GOOGLE_KEY,
                     "subject": SUBJECT},
            MICROSOFT: {"kind": "m365", "tenant_id": "4a7c8238-5799-4b6c-8a2f-000000000001",
                        "client_id": "3f2b9e8a-6c1d-4e5f-a7b8-c9d0e1f2a3b4", "client_secret_env": M365_SECRET},
        })
        _begin_google_where_its_log_begins(vern.store, now)
    except BaseException:
        for provider in providers:
            provider.stop()
        folder.cleanup()
        raise
    running = Running(vern, vern.config, providers, folder)
    _set(running, LRS_TOKEN, lrs.TOKEN)
    _set(running, GOOGLE_KEY, str(key))
    _set(running, M365_SECRET, None)
    vern.config = dataclasses.replace(vern.config, sources=sources)
    log.info("the demo's database: its sources pull from fake providers on %s",
             ", ".join(provider.url_for("") for provider in providers))
    return running


def _begin_google_where_its_log_begins(store: Store, now: datetime) -> None:
    """A new source's first pull reads the 180 days Google keeps, a window a day: 540 requests
    and seconds of work, for a log that holds `DAYS` days (the months before came from the
    files `vern demo` imported). So a Google source never pulled reads from there on."""
    from audits.sources import cursors
    from audits.sources import google as connector

    with store.transaction() as tx:
        for application in connector.APPLICATIONS:
            if cursors.position(store, GOOGLE, application) is None:
                cursors.advance(tx, GOOGLE, application, clock.iso_utc(now - timedelta(days=DAYS)))


def _set(running: Running, variable: str, value: str | None) -> None:
    running.environment[variable] = os.environ.get(variable)
    if value is None:
        os.environ.pop(variable, None)
    else:
        os.environ[variable] = value


def google_activities(now: datetime) -> list[dict[str, Any]]:
    """Sign-ins and Drive activity of the people with the events drive (who have not left),
    on the working days among the last `DAYS`, in working hours, before `now`."""
    from audits.access.vendor_logs import Event, gworkspace_item

    today = now.astimezone(clock.OSLO).date()
    rng = random.Random(today.toordinal())
    events = []
    for day in (today - timedelta(days=back) for back in range(DAYS - 1, -1, -1)):
        if day.isoweekday() >= 6:
            continue
        for name, _, _, started, left, _, systems in demo_access.PEOPLE:
            if "events" not in systems or left is not None or day < today - timedelta(days=started):
                continue
            who = demo_access.email(name)
            events.append(Event(_at(day, HOURS[0], rng.randint(0, 50)), who, "signin"))
            for _ in range(rng.randint(1, 3)):
                events.append(Event(_at(day, rng.randint(*HOURS), rng.randint(0, 59)), who,
                                    rng.choice(("read", "read", "write")), demo_access.DRIVE,
                                    f"Påmeldte {rng.randint(1, 400)}"))
    return [gworkspace_item(event) for event in sorted(events, key=lambda e: e.at) if event.at < now]


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), clock.OSLO)
