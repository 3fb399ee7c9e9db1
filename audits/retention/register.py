"""Deletion when the purpose ends (GDPR Art. 5(1)(e), 17(1)(a)): what each system holds,
from its inventory (a CRM export), judged against the retention rules of the processing
activities; deletions the adviser records, confirmed by the system's next inventory.

An inventory replaces that system's records whole, in one transaction. The system's own
record reference may identify a person (a member number): it is stored as a keyed
pseudonym only, and no message repeats it.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from audits.core import clock, text, trail
from audits.core.errors import InputError, VernError
from audits.core.i18n import Message
from audits.core.store import Store
from audits.io import csvfile

COLUMNS = ("record_ref", "category", "last_activity_on", "purpose_ended_on", "pseudonymised")
REQUIRED = ("record_ref", "category", "last_activity_on")

# Each inventory record with its due date. A category may be governed by several
# activities (it is in their record_categories): the record is due at the latest of their
# dates, since it is kept lawfully as long as any purpose holds, and not due at all while a
# purpose_ended rule still waits for its end. Months are calendar months, clamped to the
# month's end (2024-01-31 + 1 month = 2024-02-29). A pseudonymised record is exempt when a
# governing activity keeps pseudonymised statistics. Overdue means due_on < the day asked.
DUE = """
    WITH governed AS (
        SELECT i.*, a.retention_months AS months, a.statistics_exempt AS statistics,
               CAST(CASE a.retention_from WHEN 'purpose_ended' THEN i.purpose_ended_on
                                          ELSE i.last_activity_on END
                    + to_months(a.retention_months) AS DATE) AS due
        FROM inventory i LEFT JOIN (  -- one row per governed category: a hash join, not a loop
            SELECT unnest(record_categories) AS category, retention_months, retention_from, statistics_exempt
            FROM activities) a ON a.category = i.category)
    SELECT system, record_ref, category, last_activity_on, purpose_ended_on, pseudonymised,
           count(months) AS rules,
           pseudonymised AND coalesce(bool_or(statistics), false) AS exempt,
           CASE WHEN count(months) > 0 AND count(due) = count(months) THEN max(due) END AS due_on
    FROM governed
    GROUP BY system, record_ref, category, last_activity_on, purpose_ended_on, pseudonymised"""
OVERDUE = "(rules > 0 AND NOT exempt AND due_on < {on})"
# Per system and category, as of $today: the page, the CLI and the check read this.
SUMMARY = f"""
    SELECT system, category, count(*) AS records, max(rules) > 0 AS has_rule,
           count(*) FILTER (WHERE {OVERDUE.format(on="$today")}) AS overdue,
           min(due_on) FILTER (WHERE {OVERDUE.format(on="$today")}) AS oldest,
           count(*) FILTER (WHERE exempt) AS exempt
    FROM ({DUE}) GROUP BY system, category ORDER BY system, category"""
# Records of the deletion's system and category that were overdue on the day it was deleted.
REMAINING = f"""
    SELECT count(*) FROM ({DUE}) r
    WHERE r.system = d.system AND r.category = d.category AND {OVERDUE.format(on="d.deleted_on")}"""


@dataclass(frozen=True)
class Imported:
    records: int
    deletions_checked: int  # recorded deletions of the system this inventory judged


def subject(system: str, category: str) -> str:
    return f"{system} – {category}"


# -- the inventory -------------------------------------------------------------------
# The reference may identify a person (a member number): like every value, never repeated.
PARSERS = {"record_ref": csvfile.needed(csvfile.name(500)), "category": csvfile.required,
           "last_activity_on": csvfile.required_date,
           "purpose_ended_on": csvfile.date_or_none, "pseudonymised": csvfile.no_unless_yes}


def known_system(store: Store, system: str) -> str:
    system = text.clean_name(system, "system")
    names = [r["name"] for r in store.rows("SELECT name FROM systems ORDER BY name")]
    if system not in names:
        known = ", ".join(names) if names else Message("retention.refused.no_systems")
        raise VernError("retention.refused.system", field="system", known=known)
    return system


def parse(store: Store, path: Path) -> list[tuple[int, dict]]:
    """(line, record) with record_ref already a pseudonym; all problems reported together."""
    rows = csvfile.parse(path, PARSERS, REQUIRED)
    seen, problems = {}, []
    for line, record in rows:
        record["record_ref"] = store.keys.pseudonym(record["record_ref"])
        first = seen.setdefault(record["record_ref"], line)
        if first != line:
            problems.append(Message("input.field", {"where": Message("input.line", {"n": line}), "field": "record_ref",
                                                    "why": Message("retention.refused.same_record", {"first": first})}))
    if problems:
        raise InputError(str(path), problems)
    return rows


def import_inventory(store: Store, path: Path, system: str, actor: str) -> Imported:
    """Replace `system`'s inventory with the file, whole or not at all, and judge the
    deletions recorded for the system since its last inventory."""
    system = known_system(store, system)
    records = [r for _, r in parse(store, Path(path))]
    now = clock.now()
    with store.transaction() as tx:
        tx.execute("DELETE FROM inventory WHERE system = ?", [system])
        tx.execute(
            "INSERT INTO inventory SELECT $system, unnest($refs), unnest($categories), unnest($last), "
            "unnest($ended), unnest($pseudonymised)",
            {"system": system, "refs": [r["record_ref"] for r in records],
             "categories": [r["category"] for r in records], "last": [r["last_activity_on"] for r in records],
             "ended": [r["purpose_ended_on"] for r in records],
             "pseudonymised": [r["pseudonymised"] for r in records]})
        tx.execute("INSERT OR REPLACE INTO inventory_imports VALUES (?, ?, ?, ?)",
                   [system, Path(path).name, len(records), now])
        trail.append(tx, actor, "inventory.import", system, {"records": len(records), "file": Path(path).name})
        checked = tx.execute(
            f"UPDATE deletions d SET checked_at = $now, remaining = ({REMAINING}) "
            "WHERE d.system = $system AND d.checked_at IS NULL AND d.recorded_at <= $now RETURNING id",
            {"now": now, "system": system}).fetchall()
    return Imported(len(records), len(checked))


def inventories(store: Store) -> list[dict]:
    """Each system's last inventory: file, records and when it was imported."""
    return store.rows("SELECT system, file, records, imported_at FROM inventory_imports ORDER BY system")


# -- judging -------------------------------------------------------------------------
def summary(store: Store, today: date) -> list[dict]:
    """Per system and category: records, overdue (as of `today`), the oldest due date among
    the overdue, the exempt, and the retention rules that govern the category."""
    rows = store.rows(SUMMARY, {"today": today})
    rules = store.rows(
        "SELECT name, retention_months, retention_from, statistics_exempt, record_categories FROM activities "
        "WHERE retention_months IS NOT NULL ORDER BY name")
    for row in rows:
        row["rules"] = [{"activity": r["name"], "months": r["retention_months"],
                         "from": r["retention_from"] or "last_activity", "statistics_exempt": r["statistics_exempt"]}
                        for r in rules if row["category"] in r["record_categories"]]
    return rows


# -- deletions -----------------------------------------------------------------------
def record_deletion(store: Store, actor: str, system: str, category: str, deleted_on: date, count: int,
                    evidence: str) -> int:
    """Record that `count` records of `category` were deleted from `system` on `deleted_on`;
    the system's next inventory confirms it (Art. 5(2): the deletion is shown, not asserted)."""
    system = known_system(store, system)
    category = text.clean_name(category, "category")
    categories = [r["category"] for r in store.rows(
        "SELECT DISTINCT category FROM inventory WHERE system = ? ORDER BY category", [system])]
    if category not in categories:
        raise VernError("retention.refused.category", field="category", system=system,
                        known=", ".join(categories) or Message("retention.refused.no_categories"))
    if not isinstance(deleted_on, date):
        raise VernError("retention.refused.not_date", field="deleted_on")
    if deleted_on > clock.today():
        raise VernError("retention.refused.future", field="deleted_on", date=deleted_on.isoformat())
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise VernError("retention.refused.count", field="count")
    evidence = text.clean(evidence, "evidence", 2000)
    if not evidence:
        raise VernError("retention.refused.no_evidence", field="evidence")
    with store.transaction() as tx:
        deletion = tx.execute(
            "INSERT INTO deletions (system, category, deleted_on, count, evidence, recorded_by, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [system, category, deleted_on, count, store.keys.encrypt(evidence, "deletions.evidence"), actor,
             clock.now()]).fetchone()[0]
        trail.append(tx, actor, "retention.deletion", system,
                     {"id": deletion, "category": category, "deleted_on": deleted_on.isoformat(), "count": count})
    return deletion


def deletion_status(row: dict) -> str:
    """awaiting (the next inventory), confirmed, or not_confirmed (records remain)."""
    if row["checked_at"] is None:
        return "awaiting"
    return "confirmed" if row["remaining"] == 0 else "not_confirmed"


def deletions(store: Store) -> list[dict]:
    """Every recorded deletion, newest first, with its status."""
    rows = store.rows("SELECT * FROM deletions ORDER BY recorded_at DESC, id DESC")
    for row in rows:
        row["status"] = deletion_status(row)
        row["evidence"] = store.keys.decrypt(row["evidence"], "deletions.evidence")
    return rows
