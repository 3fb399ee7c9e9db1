"""Demo training records for the demo people: an LMS export (CSV) and a learning record
store's xAPI statements, with someone trained, due soon, expired, never trained, newly
started, and one who left — written as real files and imported as a real import is.

The same learning record store, holding those statements and one completion since, is what
`vern serve` pulls from on the demo's database (`lrs_statements`, audits/demo/sources.py)."""

import csv
import json
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

from audits.core import clock
from audits.core.store import Store
from audits.demo.access import email
from audits.training import register as training

COURSE = "Personvern grunnkurs"
COURSE_ID = "https://lms.forening.no/kurs/personvern-grunnkurs"
VERBS = {"completed": "http://adlnet.gov/expapi/verbs/completed",
         "passed": "http://adlnet.gov/expapi/verbs/passed",
         "failed": "http://adlnet.gov/expapi/verbs/failed",
         "attempted": "http://adlnet.gov/expapi/verbs/attempted"}

# name, days ago, how: LMS rows, then xAPI statements
LMS = [("Kari Nordmann", 200), ("Ingrid Berg", 400)]  # Ingrid's expired 35 days ago
XAPI = [
    ("Ola Hansen", 350, "completed", "mbox"),  # valid for 15 more days
    ("Nils Haugen", 100, "passed", "account"),
    ("Anne Bakken", 300, "passed", "mbox"),
    ("Jonas Lie", 60, "failed", "mbox"),  # failed: does not count
    ("Jonas Lie", 61, "attempted", "mbox"),
]
# Only in the learning record store `vern serve` pulls from: Anne renews hers early, which
# changes no finding (hers was valid for two more months), so the pull brings something new.
PULLED = [("Anne Bakken", 2, "completed", "mbox")]


def _statement(name: str, day: date, verb: str, actor: str) -> dict:
    who = email(name)
    at = datetime.combine(day, time(19, 30), clock.OSLO)
    statement = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{who}|{day}|{verb}")),
        "actor": {"objectType": "Agent", "name": name, "mbox": f"mailto:{who}"} if actor == "mbox" else
                 {"objectType": "Agent", "account": {"homePage": "https://lms.forening.no", "name": who}},
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": COURSE_ID,
                   "definition": {"name": {"nb-NO": COURSE, "en-US": "Privacy basics"}}},
        "timestamp": at.isoformat(),
    }
    if verb in ("passed", "failed"):
        statement["result"] = {"success": verb == "passed", "completion": True, "score": {"scaled": 0.9}}
    return statement


def _statements(today: date) -> list[dict]:
    """The xAPI statements of the demo's export: the course's, another course's, an outsider's."""
    statements = [_statement(name, today - timedelta(days=ago), verb, how) for name, ago, verb, how in XAPI]
    # Someone outside the directory, and a course no one is required to take.
    statements.append({**_statement("Ola Hansen", today - timedelta(days=5), "completed", "mbox"),
                       "object": {"id": "https://lms.forening.no/kurs/brannvern",
                                  "definition": {"name": {"nb-NO": "Brannvern"}}}})
    statements.append({**_statement("Ola Hansen", today - timedelta(days=8), "completed", "mbox"),
                       "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "outsider")),
                       "actor": {"mbox": "mailto:tidligere.frivillig@example.org"}})
    return statements


def lrs_statements(today: date) -> list[dict]:
    """What the demo's learning record store holds: the statements of the export and the
    completion since (`PULLED`), each stored by the LRS a few seconds after it happened (its
    `stored` time, in UTC as an LRS gives it)."""
    held = _statements(today) + [_statement(name, today - timedelta(days=ago), verb, how)
                                 for name, ago, verb, how in PULLED]
    return [{**statement, "stored": clock.iso_utc(datetime.fromisoformat(statement["timestamp"])
                                                  + timedelta(seconds=2))}
            for statement in held]


def load(store: Store, folder: Path, settings: dict, actor: str) -> dict[str, int]:
    today = clock.today()
    with store.transaction() as tx:
        tx.execute("DELETE FROM training_completions")
        tx.execute("DELETE FROM training_coverage")
    lms = folder / "lms-export.csv"
    with lms.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["email", "course", "completed_on", "score"])
        for name, ago in LMS:
            writer.writerow([email(name), COURSE, (today - timedelta(days=ago)).isoformat(), "92"])
    xapi = folder / "lrs-statements.json"
    xapi.write_text(json.dumps(_statements(today), ensure_ascii=False, indent=1), encoding="utf-8")
    from_lms = training.import_files(store, [lms], "csv", settings, actor)
    from_lrs = training.import_files(store, [xapi], "xapi", settings, actor)
    return {"training_completions": from_lms.added + from_lrs.added}
