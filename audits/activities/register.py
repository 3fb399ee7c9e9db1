"""The record of processing activities (GDPR Art. 30): what the association does with
personal data, why, on which legal basis, for how long, with which processors and
systems, and how it screens for a DPIA (WP248 rev.01). An import replaces the register whole.
"""

from pathlib import Path
from typing import Any

from audits.activities.files import read_file
from audits.activities.record import COLUMNS, FIELDS, Problems, parse
from audits.activities.risk import LEVELS, assess
from audits.core import clock, trail
from audits.core.errors import VernError
from audits.core.i18n import Message, joined
from audits.core.store import Store


# -- the register ---------------------------------------------------------------------
def _row(record: dict[str, Any]) -> list[Any]:
    retention = record["retention"] or {}
    adjustment = record["risk_adjustment"] or {}
    level = {name: number for number, name in enumerate(LEVELS, 1)}
    values = {**record, "retention_months": retention.get("months"), "retention_from": retention.get("from"),
              "record_categories": retention.get("categories", []),
              "statistics_exempt": retention.get("statistics_exempt", False),
              "likelihood_set": level.get(adjustment.get("likelihood")),
              "severity_set": level.get(adjustment.get("severity")), "adjust_reason": adjustment.get("reason")}
    return [values[column] for column in COLUMNS]


INSERT = (f"INSERT INTO activities (id, {', '.join(COLUMNS)}, updated_at, updated_by) "
          f"VALUES (coalesce(?, nextval('activity_ids')), {', '.join('?' * (len(COLUMNS) + 2))})")


def import_file(store: Store, path: Path, actor: str) -> int:
    """Replace the register with the file's activities, whole or not at all. An activity
    keeps its id when its name stays."""
    records = read_file(path)
    now = clock.now()
    with store.transaction() as tx:
        kept = dict(tx.execute("SELECT lower(name), id FROM activities").fetchall())
        tx.execute("DELETE FROM activities")
        tx.executemany(INSERT, [[kept.get(r["name"].lower()), *_row(r), now, actor] for r in records])
        trail.append(tx, actor, "activities.import", path.name, {"activities": len(records)})
    return len(records)


def save(store: Store, data: dict[str, Any], actor: str, activity_id: int | None = None,
         action: str = "activities.save") -> int:
    """Add an activity, or replace activity `activity_id` with `data` (its JSON form)."""
    try:
        record = parse(data)
    except Problems as error:
        raise _refused(error.problems) from None
    with store.transaction() as tx:
        clash = tx.execute("SELECT id FROM activities WHERE lower(name) = lower(?) AND id IS DISTINCT FROM ?",
                           [record["name"], activity_id]).fetchone()
        if clash:
            raise VernError("activities.refused.name_taken", field="name", id=clash[0])
        if activity_id is not None:
            if not tx.execute("SELECT 1 FROM activities WHERE id = ?", [activity_id]).fetchone():
                raise VernError("activities.refused.no_activity", id=activity_id)
            tx.execute("DELETE FROM activities WHERE id = ?", [activity_id])
        activity_id = tx.execute(INSERT + " RETURNING id", [activity_id, *_row(record), clock.now(), actor]
                                 ).fetchone()[0]
        adjustment = record["risk_adjustment"] or {}
        trail.append(tx, actor, action, record["name"],
                     {"id": activity_id, **{k: adjustment[k] for k in ("likelihood", "severity") if k in adjustment}}
                     if action == "activities.adjust" else {"id": activity_id})
    return activity_id


def _refused(problems: list[tuple[str | None, Message]]) -> VernError:
    """An activity refused on a form: every problem, the form's field of the first named (so
    the dashboard shows it there)."""
    said = [Message("activities.refused.field", {"field": field, "why": why}) if field else why
            for field, why in problems]
    return VernError("activities.refused", field=problems[0][0], problems=joined(said))


def remove(store: Store, activity_id: int, actor: str) -> None:
    with store.transaction() as tx:
        row = tx.execute("DELETE FROM activities WHERE id = ? RETURNING name", [activity_id]).fetchone()
        if row is None:
            raise VernError("activities.refused.no_activity", id=activity_id)
        trail.append(tx, actor, "activities.remove", row[0], {"id": activity_id})


def _record(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row in the JSON form."""
    record = {"id": row["id"], **{k: row[k] for k in FIELDS if k in row}}
    record["retention"] = None if row["retention_months"] is None else {
        "months": row["retention_months"], "from": row["retention_from"],
        "categories": row["record_categories"], "statistics_exempt": row["statistics_exempt"]}
    record["risk_adjustment"] = None if row["likelihood_set"] is None else {
        "likelihood": LEVELS[row["likelihood_set"] - 1], "severity": LEVELS[row["severity_set"] - 1],
        "reason": row["adjust_reason"]}
    return record


def listing(store: Store) -> list[dict[str, Any]]:
    """Every activity in its JSON form (with its id), by name."""
    return [_record(row) for row in store.rows("SELECT * FROM activities ORDER BY lower(name)")]


def get(store: Store, activity_id: int) -> dict[str, Any]:
    rows = store.rows("SELECT * FROM activities WHERE id = ?", [activity_id])
    if not rows:
        raise VernError("activities.refused.no_activity", id=activity_id)
    return _record(rows[0])


def dpia_required(record: dict[str, Any]) -> bool:
    """WP248 rev.01: two or more criteria make a DPIA likely to be required."""
    return len(record["dpia_criteria"]) >= 2


def described(store: Store, records: list[dict[str, Any]], lang: str = "en") -> list[dict[str, Any]]:
    """The records with their DPIA screening and risk (reasons in `lang`), as `vern activities
    show` prints them."""
    risks = assess(store, records)
    out = []
    for record in records:
        risk = risks[record["id"]]
        out.append({**record, "dpia_criteria_met": len(record["dpia_criteria"]),
                    "dpia_required": dpia_required(record),
                    "risk": {**{kind: risk[kind].as_json(lang) for kind in ("computed", "inherent", "residual")},
                             "adjusted": record["risk_adjustment"] is not None, "outside_eea": risk["outside_eea"]}})
    return out


def adjust(store: Store, activity_id: int, likelihood: str | None, severity: str | None, reason: str,
           actor: str) -> None:
    """Set the inherent risk by hand (with a written reason), or clear the adjustment (None)."""
    record = get(store, activity_id)
    record["risk_adjustment"] = None if likelihood is None and severity is None else {
        "likelihood": likelihood, "severity": severity, "reason": reason}
    save(store, {k: v for k, v in record.items() if k in FIELDS}, actor, activity_id, "activities.adjust")
