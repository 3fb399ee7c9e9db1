"""Demo people, systems, grants and a quarter of access logs in the vendors' formats,
with one planted case for every access rule. Written as real files and imported through
the same code a real import uses."""

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from audits.access import directory
from audits.access import logs as access_logs
from audits.access.vendor_logs import Event, write_cloudtrail, write_gworkspace, write_m365
from audits.core import clock
from audits.core.store import Store
from audits.io import csvfile

DOMAIN = "forening.no"
SHAREPOINT = "https://forening.sharepoint.com/sites/Medlemmer"
BUCKET = "forening-medlemsdata"
WEBSITE = "forening-nettside"
DRIVE = f"arrangement@{DOMAIN}"
MAILBOX = f"personvern@{DOMAIN}"

# name, kind, handles personal data, started (days ago), left (days ago), district, systems
PEOPLE = [
    ("Kari Nordmann", "employee", True, 2000, None, "", ("members", "mailbox", "events", "storage")),
    ("Ola Hansen", "employee", True, 1500, None, "", ("members", "events", "crm")),
    ("Ingrid Berg", "volunteer", True, 700, None, "Vestland", ("events",)),
    ("Per Johansen", "employee", True, 1800, 40, "", ("members", "storage")),  # left 40 days ago
    ("Lise Dahl", "contractor", True, 300, None, "", ("crm", "storage")),
    ("Nils Haugen", "employee", True, 900, None, "", ("members", "crm")),
    ("Anne Bakken", "employee", True, 1200, None, "", ("members", "mailbox")),
    ("Jonas Lie", "volunteer", True, 400, None, "Trøndelag", ("events",)),
    ("Sofie Moen", "volunteer", False, 200, None, "Nordland", ()),
    ("Erik Strand", "board", False, 1000, None, "", ()),
    ("Marte Solberg", "board", False, 800, None, "Agder", ()),
    ("Henrik Vik", "employee", True, 20, None, "", ("members",)),  # started three weeks ago
]
SYSTEMS = [
    # name, holds personal data, classification, match, key
    ("Medlemsregister (SharePoint)", "yes", "confidential", f"m365:{SHAREPOINT}", "members"),
    ("Personvernpostkasse", "yes", "confidential", f"m365:mailbox:{MAILBOX}", "mailbox"),
    ("Arrangementer (Google Drive)", "yes", "internal", f"gdrive:{DRIVE}", "events"),
    ("Medlemsdata (AWS S3)", "yes", "strictly_confidential", f"s3:{BUCKET}", "storage"),
    ("Nettside (AWS S3)", "no", "open", f"s3:{WEBSITE}", "website"),
    ("SuperOffice CRM", "yes", "confidential", "", "crm"),
]
SYSTEM_NAMES = {key: name for name, _, _, _, key in SYSTEMS}
UNKNOWN = "ekstern.konsulent@gmail.com"


def email(name: str) -> str:
    return name.lower().replace(" ", ".").replace("ø", "o").replace("å", "a").replace("æ", "ae") + "@" + DOMAIN


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), clock.OSLO)


def _events(today: date) -> dict[str, list[Event]]:
    """Ordinary working days for everyone with access, then one case per rule."""
    rng = random.Random(20261124)
    by_system: dict[str, list[Event]] = {"members": [], "mailbox": [], "events": [], "storage": [],
                                         "signin_m365": [], "signin_aws": [], "signin_google": [],
                                         "crm": []}
    start = today - timedelta(days=91)
    for offset in range(91):
        day = start + timedelta(days=offset)
        if day.isoweekday() >= 6:
            continue
        for name, _, _, started, left, _, systems in PEOPLE:
            if not systems or day < today - timedelta(days=started) or \
                    (left is not None and day > today - timedelta(days=left)):
                continue
            who = email(name)
            by_system["signin_m365"].append(Event(_at(day, 8, rng.randint(0, 50)), who, "signin"))
            for system in systems:
                for _ in range(rng.randint(1, 4)):
                    at = _at(day, rng.randint(8, 15), rng.randint(0, 59))
                    action = rng.choice(("read", "read", "download", "write"))
                    by_system[system].append(_event(system, at, who, action, rng))
    _plant(today, by_system)
    return by_system


def _event(system: str, at: datetime, who: str, action: str, rng: random.Random) -> Event:
    number = rng.randint(1, 400)
    if system == "members":
        return Event(at, who, action, SHAREPOINT, f"Shared Documents/Medlemsliste-{number}.xlsx")
    if system == "mailbox":
        return Event(at, who, "mail", MAILBOX)
    if system == "events":
        return Event(at, who, action, DRIVE, f"Påmeldte {number}")
    if system == "crm":
        return Event(at, who, "export" if action == "download" else action, "SuperOffice CRM", "Kontakter",
                     records=rng.randint(1, 20))
    return Event(at, who, action, BUCKET, f"eksport/medlemmer-{number}.csv")


def _plant(today: date, events: dict[str, list[Event]]) -> None:
    recent = today - timedelta(days=10)
    while recent.isoweekday() >= 6:
        recent -= timedelta(days=1)
    # access_unknown_actor: an outside account opens the member register.
    for minute in range(0, 30, 6):
        events["members"].append(Event(_at(recent, 10, minute), UNKNOWN, "read", SHAREPOINT,
                                       "Shared Documents/Medlemsliste-Bergen.xlsx", ip="203.0.113.50"))
    # access_after_offboarding: Per left 40 days ago and still reads the member bucket.
    for minute in (5, 15, 25):
        events["storage"].append(Event(_at(recent, 14, minute), email("Per Johansen"), "download",
                                       BUCKET, "eksport/medlemmer-alle.csv"))
    # access_without_grant: Jonas (events only) opens the member register.
    events["members"].append(Event(_at(recent - timedelta(days=2), 11), email("Jonas Lie"), "read",
                                   SHAREPOINT, "Shared Documents/Medlemsliste-Trondheim.xlsx"))
    # access_bulk_export: Ola downloads 180 files in one afternoon; Lise exports 2,500 CRM contacts.
    bulk_day = recent - timedelta(days=1)
    for n in range(180):
        events["members"].append(Event(_at(bulk_day, 13, 0) + timedelta(seconds=20 * n), email("Ola Hansen"),
                                       "download", SHAREPOINT, f"Shared Documents/Arkiv/medlem-{n}.pdf"))
    events["crm"].append(Event(_at(bulk_day, 15, 30), email("Lise Dahl"), "export", "SuperOffice CRM",
                               "Alle kontakter", records=2500))
    # access_failed_signins: twelve failures against Anne's account in four minutes.
    for n in range(12):
        events["signin_m365"].append(Event(_at(recent, 3, 0) + timedelta(seconds=20 * n),
                                           email("Anne Bakken"), "signin_failed", ip="198.51.100.7"))
    # ... and a console password guessed at on AWS.
    for n in range(10):
        events["signin_aws"].append(Event(_at(recent, 2, 10) + timedelta(seconds=30 * n), "admin",
                                          "signin_failed", ip="198.51.100.7"))
    # access_out_of_hours: Kari works on the events drive late on a Saturday.
    saturday = today - timedelta(days=(today.isoweekday() - 6) % 7 or 7)
    for minute in (30, 40, 50):
        events["events"].append(Event(_at(saturday, 23, minute), email("Kari Nordmann"), "write", DRIVE,
                                      "Påmeldte sommerleir"))
    events["signin_google"].append(Event(_at(saturday, 23, 25), email("Kari Nordmann"), "signin"))


def load(store: Store, folder: Path, actor: str) -> dict[str, int]:
    today = clock.today()
    with store.transaction() as tx:
        for table in ("access_events", "access_resources", "access_daily"):
            tx.execute(f"DELETE FROM {table}")
    people = csvfile.write(folder / "people.csv",
                        ["email", "name", "kind", "handles_personal_data", "started_on", "left_on", "district"],
                        [[email(n), n, kind, "yes" if pd else "no", (today - timedelta(days=s)).isoformat(),
                          (today - timedelta(days=left)).isoformat() if left is not None else "", district]
                         for n, kind, pd, s, left, district, _ in PEOPLE])
    systems = csvfile.write(folder / "systems.csv", ["name", "holds_personal_data", "classification", "match"],
                         [[name, pd, cls, match] for name, pd, cls, match, _ in SYSTEMS])
    grants = csvfile.write(folder / "grants.csv", ["email", "system", "granted_on", "revoked_on"],
                        [[email(n), SYSTEM_NAMES[key], (today - timedelta(days=s)).isoformat(),
                          (today - timedelta(days=left)).isoformat() if left is not None else ""]
                         for n, _, _, s, left, _, keys in PEOPLE for key in keys])
    directory.import_people(store, people, actor)
    directory.import_systems(store, systems, actor)
    directory.import_grants(store, grants, actor)

    events = _events(today)
    logs = folder / "logs"
    write_m365(logs / "m365" / "purview-export.csv",
               sorted(events["members"] + events["mailbox"] + events["signin_m365"], key=lambda e: e.at))
    write_m365(logs / "m365-old" / "audit-log-search.csv", events["members"][:50], columns="old")
    write_gworkspace(logs / "gworkspace" / "drive-and-login.json",
                     sorted(events["events"] + events["signin_google"], key=lambda e: e.at), per_page=500)
    write_cloudtrail(logs / "cloudtrail", sorted(events["storage"] + events["signin_aws"], key=lambda e: e.at))
    crm = csvfile.write(logs / "superoffice.csv",
                     ["timestamp", "actor", "system", "action", "object", "source_ip", "records"],
                     [[e.at.isoformat(), e.who, e.target, e.action, e.object, e.ip, e.records]
                      for e in sorted(events["crm"], key=lambda e: e.at)])
    added = 0
    for paths, fmt in (([logs / "m365", logs / "m365-old"], "m365"), ([logs / "gworkspace"], "gworkspace"),
                       ([logs / "cloudtrail"], "cloudtrail"), ([crm], "csv")):
        added += access_logs.import_files(store, paths, fmt, actor).added
    return {"people": len(PEOPLE), "systems": len(SYSTEMS), "access_events": added}
