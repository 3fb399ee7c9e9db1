"""Demo inventories of stored records for four demo systems, with planted cases: prospects
past their retention in the CRM, members who left long ago kept only as pseudonymised
statistics (exempt), accessibility needs kept after their events, a category with no
retention rule, one deletion the last inventory confirmed and one awaiting the next.

Written as real CSV files and imported as a real import is; dated relative to `today`.
The retention rules come from the demo activities: load them first.
"""

from datetime import date, timedelta
from pathlib import Path

from audits.core.store import Store
from audits.io import csvfile
from audits.retention import register as retention

CRM = "SuperOffice CRM"
SHAREPOINT = "Medlemsregister (SharePoint)"
DRIVE = "Arrangementer (Google Drive)"
S3 = "Medlemsdata (AWS S3)"

# (category, how many, last activity days ago (first, step), purpose ended days ago or None, pseudonymised)
CRM_RECORDS = [
    ("prospect", 12, (800, 30), None, False),  # 24 months from last activity: overdue
    ("prospect", 8, (30, 60), None, False),
    ("member", 15, (1100, 40), 1100, True),  # left about three years ago, kept as statistics: exempt
    ("member", 40, (5, 7), None, False),  # current members
    ("marketing_profile", 10, (20, 25), None, False),
    ("invoice", 20, (100, 60), None, False),
]
SHAREPOINT_RECORDS = [
    ("member", 30, (10, 9), None, False),
    ("youth_member", 6, (200, 5), 180, False),  # ended half a year ago; 12 months from the end
    ("volunteer_application", 6, (60, 30), None, False),  # no activity governs it: no rule
]
DRIVE_RECORDS = [
    ("accessibility_need", 5, (90, 1), 90, False),  # events ended 3 months ago, 1 month rule: overdue
    ("event_participant", 30, (20, 9), None, False),  # within 12 months
]
DRIVE_BEFORE = DRIVE_RECORDS + [("event_participant", 20, (430, 10), None, False)]  # deleted since
S3_RECORDS = [
    ("district_member", 25, (30, 20), None, False),
    ("district_member", 5, (400, 10), 300, False),  # within 24 months of leaving
]


def _rows(prefix: str, plan: list[tuple], today: date) -> list[list[str]]:
    rows, number = [], 1000
    for category, n, (first, step), ended, pseudonymised in plan:
        for i in range(n):
            number += 1
            rows.append([f"{prefix}-{number}", category, (today - timedelta(days=first + i * step)).isoformat(),
                         (today - timedelta(days=ended + i * step)).isoformat() if ended is not None else "",
                         "yes" if pseudonymised else ""])
    return rows


def load(store: Store, folder: Path, actor: str, today: date) -> dict:
    with store.transaction() as tx:
        for table in ("inventory", "inventory_imports", "deletions"):
            tx.execute(f"DELETE FROM {table}")

    def imported(system: str, name: str, prefix: str, plan: list[tuple]) -> int:
        path = csvfile.write(folder / name, list(retention.COLUMNS), _rows(prefix, plan, today))
        return retention.import_inventory(store, path, system, actor).records

    # Old event registrations deleted three weeks ago; the inventory since shows them gone.
    imported(DRIVE, "arrangementer-forrige.csv", "PM", DRIVE_BEFORE)
    retention.record_deletion(store, actor, DRIVE, "event_participant", today - timedelta(days=21), 20,
                              "Mappen «Påmeldinger 2024» slettet i Google Drive, sak 2026-118")
    records = sum(imported(system, name, prefix, plan) for system, name, prefix, plan in (
        (DRIVE, "arrangementer.csv", "PM", DRIVE_RECORDS),
        (CRM, "superoffice-kontakter.csv", "SO", CRM_RECORDS),
        (SHAREPOINT, "medlemsregister.csv", "MR", SHAREPOINT_RECORDS),
        (S3, "medlemsdata.csv", "S3", S3_RECORDS)))
    # Recorded after the CRM's last inventory: the next one tells.
    retention.record_deletion(store, actor, CRM, "prospect", today - timedelta(days=1), 12,
                              "Slettejobb «Gamle prospekter» kjørt i SuperOffice, logg vedlagt sak 2026-131")
    return {"inventory": records, "deletions": 2}
