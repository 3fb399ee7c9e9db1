"""The findings lifecycle.

A finding is known by a stable fingerprint of (check, rule, subject), so the same problem
seen in ten runs is one finding with first_seen/last_seen. A finding no longer seen by
its check is closed by Vern; one that comes back is reopened. The adviser's decision
(acknowledged, resolved, risk accepted) survives later runs that still see it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from audits.checking.api import SEVERITY_ORDER, Check, Finding
from audits.core import clock, text, trail
from audits.core.errors import VernError
from audits.core.i18n import Message
from audits.core.store import Store

if TYPE_CHECKING:  # annotations only
    import pandas as pd

STATUSES = ("open", "acknowledged", "resolved", "risk_accepted", "closed")
DECISIONS = ("open", "acknowledged", "resolved", "risk_accepted")  # what a person may set
UNHANDLED = ("open", "acknowledged")  # still wants work: counted as open on the overview


# What a finding concerns (api.Finding), in columns of their own; systems pass as JSON.
LINKS = ("activity", "processor", "systems", "record_category")
_SYSTEMS = "from_json(s.systems, '[\"VARCHAR\"]')"


def fingerprint(check_id: str, rule: str, subject: str) -> str:
    return hashlib.sha256("\x1f".join((check_id, rule, subject)).encode()).hexdigest()[:16]


def _frame(check: type[Check], findings: Iterable[Finding]) -> pd.DataFrame:
    import pandas as pd  # imported here: pandas costs 0.3 s at every command's start

    rows = {}
    for finding in findings:
        rule = check.rule(finding.rule)
        values = {"subject": finding.subject, **finding.values}
        key = fingerprint(check.id, rule.id, finding.subject)
        systems = json.dumps(list(finding.systems)) if finding.systems else None
        rows[key] = (key, rule.id, finding.subject, rule.severity.value,
                     rule.message("en", **values), rule.message("nb", **values),
                     json.dumps(finding.values, default=str, sort_keys=True),
                     finding.activity, finding.processor, systems, finding.record_category)
    columns = ["fingerprint", "rule", "subject", "severity", "message_en", "message_nb", "details", *LINKS]
    return pd.DataFrame(list(rows.values()), columns=columns, dtype="string")


def apply(tx, check: type[Check], findings: Iterable[Finding], run_id: int, now: datetime) -> int:
    """Merge one run's findings into the register inside the caller's transaction."""
    seen = _frame(check, findings)
    tx.register("seen", seen)
    try:
        _merge(tx, check.id, run_id, now)
    finally:
        tx.unregister("seen")
    return len(seen)


def _merge(tx, check_id: str, run_id: int, now: datetime) -> None:
    event = "INSERT INTO finding_events (fingerprint, happened_at, actor, from_status, to_status, reason) "
    tx.execute(
        event + "SELECT fingerprint, ?, 'vern', NULL, 'open', NULL "
        "FROM seen ANTI JOIN findings USING (fingerprint)", [now])
    tx.execute(
        event + "SELECT f.fingerprint, ?, 'vern', 'closed', 'open', NULL "
        "FROM findings f JOIN seen s USING (fingerprint) WHERE f.status = 'closed'", [now])
    tx.execute(
        event + "SELECT f.fingerprint, ?, 'vern', f.status, 'closed', NULL "
        "FROM findings f ANTI JOIN seen s USING (fingerprint) "
        "WHERE f.check_id = ? AND f.status <> 'closed'", [now, check_id])
    tx.execute(
        "UPDATE findings SET status = 'closed', closed_at = ? "
        "WHERE check_id = ? AND status <> 'closed' "
        "AND fingerprint NOT IN (SELECT fingerprint FROM seen)", [now, check_id])
    tx.execute(
        "UPDATE findings f SET last_seen = ?, last_run_id = ?, severity = s.severity, "
        " message_en = s.message_en, message_nb = s.message_nb, details = s.details, "
        f" activity = s.activity, processor = s.processor, systems = {_SYSTEMS}, "
        " record_category = s.record_category, "
        " reopened_count = f.reopened_count + CASE WHEN f.status = 'closed' THEN 1 ELSE 0 END, "
        " status = CASE WHEN f.status = 'closed' THEN 'open' ELSE f.status END, "
        " closed_at = NULL "
        "FROM seen s WHERE f.fingerprint = s.fingerprint", [now, run_id])
    tx.execute(
        "INSERT INTO findings (fingerprint, check_id, rule, subject, severity, message_en, "
        f" message_nb, details, {', '.join(LINKS)}, status, first_seen, last_seen, last_run_id) "
        "SELECT fingerprint, ?, rule, subject, severity, message_en, message_nb, details, "
        f"s.activity, s.processor, {_SYSTEMS}, s.record_category, "
        "'open', ?, ?, ? FROM seen s ANTI JOIN findings USING (fingerprint)", [check_id, now, now, run_id])


def set_status(store: Store, key: str, status: str, actor: str, reason: str = "",
               review_on: date | None = None) -> dict[str, Any]:
    """Record a person's decision on a finding (any unambiguous fingerprint prefix)."""
    with store.transaction() as tx:
        found = decide(tx, store, key, status, actor, reason, review_on)
    return get(store, found)


def decide(tx, store: Store, key: str, status: str, actor: str, reason: str = "",
           review_on: date | None = None) -> str:
    """`set_status` inside the caller's transaction (the review queue decides many at once);
    returns the fingerprint."""
    if status not in DECISIONS:
        raise VernError("findings.refused.status", field="status", allowed=", ".join(DECISIONS))
    reason = text.clean(reason, "reason")
    if status == "risk_accepted" and not reason:
        raise VernError("findings.refused.no_reason", field="reason")
    key = text.clean(key, "finding", 64)
    matches = tx.execute(
        "SELECT fingerprint, status FROM findings WHERE starts_with(fingerprint, ?)", [key]
    ).fetchall()
    if not matches:
        raise VernError("findings.refused.not_found", field="finding", prefix=_shown(key))
    if len(matches) > 1:
        raise VernError("findings.refused.ambiguous", field="finding", prefix=_shown(key))
    found, old = matches[0]
    if old == "closed":
        raise VernError("findings.refused.closed", field="finding", prefix=found)
    now = clock.now()
    sealed = store.keys.encrypt(reason or None, "findings.status_reason")
    tx.execute(
        "UPDATE findings SET status = ?, status_reason = ?, status_by = ?, status_at = ?, "
        "review_on = ? WHERE fingerprint = ?",
        [status, sealed, actor, now, review_on, found])
    tx.execute(
        "INSERT INTO finding_events (fingerprint, happened_at, actor, from_status, to_status, reason) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [found, now, actor, old, status, store.keys.encrypt(reason or None, "finding_events.reason")])
    trail.append(tx, actor, "finding.status", found,
                 {"from": old, "to": status, "review_on": review_on.isoformat() if review_on else None})
    return found


_SELECT = (
    "SELECT fingerprint, check_id AS \"check\", rule, subject, severity, status, "
    "message_en, message_nb, first_seen, last_seen, closed_at, reopened_count, "
    "status_reason, status_by, status_at, review_on, details FROM findings "
)


def as_json(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """A finding as `vern findings list --json` prints it: its field names are a contract."""
    out = {k: v for k, v in row.items() if k not in ("message_en", "message_nb")}
    out["message"] = row["message_nb"] if lang == "nb" else row["message_en"]
    for key in ("first_seen", "last_seen", "closed_at", "status_at"):
        out[key] = clock.iso_utc(row[key])
    out["review_on"] = row["review_on"].isoformat() if row["review_on"] else None
    return out


def listing(store: Store, check: str | None = None, status: str | None = None,
            severity: str | None = None) -> list[dict[str, Any]]:
    """Findings, most severe and most recent first."""
    if status is not None and status not in STATUSES:
        raise VernError("findings.refused.status", field="status", allowed=", ".join(STATUSES))
    where, params = [], []
    for column, value in (("check_id", check), ("status", status), ("severity", severity)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    rows = [_opened(store, row) for row in store.rows(sql, params)]
    rows.sort(key=lambda r: r["last_seen"], reverse=True)
    rows.sort(key=lambda r: SEVERITY_ORDER[r["severity"]], reverse=True)
    return rows


def get(store: Store, key: str) -> dict[str, Any]:
    rows = store.rows(_SELECT + "WHERE fingerprint = ?", [key])
    if not rows:
        raise VernError("findings.refused.not_found", field="finding", prefix=_shown(key))
    return _opened(store, rows[0])


def _opened(store: Store, row: dict[str, Any]) -> dict[str, Any]:
    row["status_reason"] = store.keys.decrypt(row["status_reason"], "findings.status_reason")
    row["details"] = json.loads(row["details"]) if row["details"] else {}
    return row


def history(store: Store, key: str) -> list[dict[str, Any]]:
    """Every change of status; Vern's own (actor 'vern') carry no reason."""
    rows = store.rows(
        "SELECT happened_at, actor, from_status, to_status, reason FROM finding_events "
        "WHERE fingerprint = ? ORDER BY id", [key])
    for row in rows:
        row["reason"] = store.keys.decrypt(row["reason"], "finding_events.reason")
    return rows


def open_counts(store: Store) -> list[dict[str, Any]]:
    """Findings that still want work, counted by check and severity (for the overview)."""
    return store.rows(
        "SELECT check_id AS \"check\", severity, count(*) AS n FROM findings "
        "WHERE list_contains(?, status) GROUP BY ALL", [list(UNHANDLED)])


def export_rows(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Findings as flat rows for a spreadsheet."""
    keep = ("fingerprint", "check", "rule", "subject", "severity", "status", "message",
            "first_seen", "last_seen", "status_reason", "status_by", "review_on")
    return [{k: v for k, v in as_json(row, lang).items() if k in keep} for row in rows]


def _shown(key: str) -> str | Message:
    """A typed fingerprint as a message may quote it: hexadecimal as it is, anything else
    (a bidirectional override, a control character, personal data) not at all."""
    return key if re.fullmatch(r"[0-9a-f]{1,64}", key) else Message("text.name_not_shown")
