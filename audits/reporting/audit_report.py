"""Audit reports that stand up in an inspection (GDPR Art. 5(2), 24(1): the controller
shows that it complies): a dated snapshot of the whole compliance state, the PDF made
from it, and both their SHA-256s, stored for good.

A report is only ever inserted: no function here or anywhere updates or deletes one.
Creating it appends an `audit.run` entry to the hash-chained trail, in the same
transaction, carrying the SHA-256 of the PDF and of the snapshot. So a stored report or
snapshot edited later disagrees with the trail (`problems`), an edited trail fails
`vern trail verify`, and a copy of the PDF handed to an inspector is recognised — or
not — by its own hash (`identify`).

The snapshot holds no free text, no names and nothing decrypted: ids, states, instants
(UTC, ISO 8601 with Z), counts, and the subjects findings already carry (pseudonyms,
processor names, system names). Canonical JSON: sorted keys, no floats.
"""

import calendar
import hashlib
import json
from datetime import date, datetime, time
from typing import Any

from audits.access import directory
from audits.activities import register as activities
from audits.breaches import register as breaches
from audits.checking import runner
from audits.checking.api import SEVERITY_ORDER, Check
from audits.consent import register as consent
from audits.core import clock, trail
from audits.core.errors import VernError
from audits.core.i18n import Message
from audits.core.store import Store
from audits.organisation import profile as organisation
from audits.processors import register as processors
from audits.reporting import board
from audits.retention import register as retention
from audits.runtime import Vern

FORMAT = 1
PERIOD_MONTHS = 12
OPEN = ("open", "acknowledged", "risk_accepted")  # findings an inspector would ask about
REQUEST_STATUSES = ("received", "in_progress", "answered", "refused")  # migrations/0010_requests.sql
LISTED = ("id", "created_at", "actor", "language", "period_from", "period_to", "trail_head_seq",
          "trail_head_hash", "trail_seq", "snapshot_sha256", "report_sha256")


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_since(today: date) -> date:
    """Twelve calendar months back, clamped to the month's end (2028-02-29 → 2027-02-28)."""
    year, month = divmod(today.year * 12 + today.month - 1 - PERIOD_MONTHS, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _int(value) -> int:
    return int(value or 0)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# -- the snapshot ------------------------------------------------------------------------
def _rule_title(check: type[Check] | None, rule: str, lang: str) -> str:
    found = [r for r in (check.rules if check else ()) if r.id == rule]
    return found[0].title(lang) if found else rule


def _checks(vern: Vern, lang: str) -> list[dict[str, Any]]:
    """Each installed check's last run. A failed run's error may quote evidence (it is
    stored encrypted), so only the kind of error is kept."""
    latest = runner.latest(vern.store)
    items = []
    for check in sorted(vern.checks.values(), key=lambda c: c.id):
        last = latest.get(check.id)
        items.append({
            "id": check.id, "title": check.title(lang), "area": check.area,
            "enabled": bool(vern.config.check(check.id).get("enabled", True)),
            "last_run": None if last is None else {
                "id": last["id"], "status": last["status"], "trigger": last["trigger"],
                "started_at": clock.iso_utc(last["started_at"]), "finished_at": clock.iso_utc(last["finished_at"]),
                "evidence_rows": last["evidence_rows"], "findings": last["findings"],
                "error_type": last["error"].split(":", 1)[0] if last["error"] else None},
        })
    return items


def _count_by(items: list[dict], key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item[key]] = counts.get(item[key], 0) + 1
    return dict(sorted(counts.items()))


def _findings(vern: Vern, lang: str) -> dict[str, Any]:
    rows = vern.store.rows(
        "SELECT fingerprint, check_id, rule, subject, severity, status, first_seen FROM findings "
        "WHERE list_contains(?, status)", [list(OPEN)])
    items = []
    for row in rows:
        check = vern.checks.get(row["check_id"])
        items.append({
            "fingerprint": row["fingerprint"], "check": row["check_id"], "area": check.area if check else row["check_id"],
            "rule": row["rule"], "rule_title": _rule_title(check, row["rule"], lang), "severity": row["severity"],
            "status": row["status"], "subject": row["subject"], "first_seen": clock.iso_utc(row["first_seen"])})
    items.sort(key=lambda f: (-SEVERITY_ORDER.get(f["severity"], -1), f["check"], f["rule"], f["subject"],
                              f["fingerprint"]))
    return {"open": items, "total": len(items), "by_area": _count_by(items, "area"),
            "by_severity": _count_by(items, "severity"), "by_status": _count_by(items, "status")}


def _timeliness(record: dict, first: dict | None, now: datetime) -> str:
    """on_time | late (first notice after the deadline) | not_required (decided so) |
    overdue (still owed, deadline passed) | running (still owed, time left)."""
    if first is not None:
        return "late" if first["late"] else "on_time"
    if not record["clock_running"]:
        return "not_required"
    return "overdue" if clock.parse_instant(record["deadline_at"]) < now else "running"


def _breach(record: dict, now: datetime, start: datetime) -> dict[str, Any]:
    """The facts of one breach without a word anyone typed (listing() decrypts; we keep
    only ids, states, instants and whether a delay reason was given)."""
    sent = [n for n in record["notifications"] if n["to"] == record["notify_recipient"]]
    subjects = [n for n in record["notifications"] if n["to"] == "subjects"]
    first = sent[0] if sent else None
    decision = record["decision"]
    return {
        "id": record["id"], "status": record["status"], "acting_as": record["acting_as"],
        "aware_at": record["aware_at"], "deadline_at": record["deadline_at"], "closed_at": record["closed_at"],
        "in_period": clock.parse_instant(record["aware_at"]) >= start,
        "severity": record["severity"]["level"] if record["severity"] else None,
        "decision": None if decision is None else {
            "notify_authority": decision["notify_authority"], "notify_subjects": decision["notify_subjects"],
            "overrides": decision["overrides"]},
        "notify": record["notify_recipient"],
        "notified_at": first["at"] if first else None,
        "notices": len(sent),
        "timeliness": _timeliness(record, first, now),
        "delay_reason_given": bool(first["delay_reason"]) if first and first["late"] else None,
        "subjects_notified_at": subjects[0]["at"] if subjects else None,
    }


def _start(period_from: date) -> datetime:
    """The period's first instant: midnight in Oslo."""
    return datetime.combine(period_from, time(), clock.OSLO).astimezone(clock.UTC)


def _breaches(store: Store, period_from: date, now: datetime) -> dict[str, Any]:
    """Breaches noticed in the period, and any older one still open."""
    start = _start(period_from)
    items = [_breach(r, now, start) for r in breaches.listing(store)
             if r["status"] != "closed" or clock.parse_instant(r["aware_at"]) >= start]
    items.sort(key=lambda b: b["id"])
    summary = {"total": len(items), "in_period": sum(b["in_period"] for b in items),
               "open": sum(b["status"] != "closed" for b in items)}
    for kind in ("on_time", "late", "overdue", "running", "not_required"):
        summary[kind] = sum(b["timeliness"] == kind for b in items)
    return {"items": items, "summary": summary}


def _training(vern: Vern) -> dict[str, Any]:
    """Coverage as the training check last measured it (counts only; none without the check)."""
    check = vern.checks.get("training")
    runs = check.coverage(vern.store) if check else []
    if not runs:
        return {"measured_at": None, "required": 0, "covered": 0, "percent": None}
    required, covered = _int(runs[-1]["required"]), _int(runs[-1]["covered"])
    percent = (200 * covered + required) // (2 * required) if required else None  # rounded half up
    return {"measured_at": clock.iso_utc(runs[-1]["run_at"]), "required": required, "covered": covered,
            "percent": percent}


def _requests(store: Store, start: datetime, now: datetime) -> dict[str, Any]:
    """Data-subject requests by status; of those answered (or refused: an answer too,
    Art. 12(4)) in the period, how many on time (Art. 12(3)); open now, and past due."""
    by_status = dict.fromkeys(REQUEST_STATUSES, 0)
    for row in store.rows("SELECT status, count(*) AS n FROM requests GROUP BY status"):
        by_status[row["status"]] = _int(row["n"])
    timely = board.requests_answered(store, now, start)
    return {"total": sum(by_status.values()), **by_status, "answered_in_period": timely["answered"],
            **{key: timely[key] for key in ("on_time", "late", "open", "overdue")}}


def _registers(vern: Vern, today: date, now: datetime, start: datetime) -> dict[str, Any]:
    store = vern.store
    register = processors.register(store)
    problems = [processors.agreement_problem(r, today) for r in register]
    records = activities.listing(store)
    required = [r for r in records if activities.dpia_required(r)]
    systems = directory.systems(store)
    kept = retention.summary(store, today)
    deleted = retention.deletions(store)
    agreed = consent.summary(store, vern.config.check("consent").get("service_purposes", []), now)
    marketing = [c for c in agreed["campaigns"] if c["kind"] == "marketing"]
    return {
        "processors": {"count": len(register), "agreement_missing": problems.count("dpa_missing"),
                       "agreement_expired": problems.count("dpa_expired"),
                       "outside_eea": sum(bool(r["outside_eea"]) for r in register)},
        "activities": {"count": len(records), "dpia_required": len(required),
                       "dpia_required_completed": sum(r["dpia_status"] == "completed" for r in required),
                       "dpia_completed": sum(r["dpia_status"] == "completed" for r in records)},
        "systems": {"count": len(systems), "holding_personal_data": sum(s["holds_personal_data"] for s in systems)},
        "people": {"count": _int(store.value("SELECT count(*) FROM people"))},
        "training": _training(vern),
        "retention": {"systems": len({r["system"] for r in kept}), "categories": len(kept),
                      "records": sum(_int(r["records"]) for r in kept),
                      "overdue": sum(_int(r["overdue"]) for r in kept),
                      "categories_overdue": sum(_int(r["overdue"]) > 0 for r in kept),
                      "categories_without_rule": sum(not r["has_rule"] for r in kept),
                      "oldest_due": _day(min((r["oldest"] for r in kept if r["oldest"]), default=None)),
                      "deletions": len(deleted),
                      "deletions_not_confirmed": sum(d["status"] == "not_confirmed" for d in deleted)},
        "consent": {"purposes": len(agreed["consents"]),
                    "valid": sum(_int(c["valid"]) for c in agreed["consents"]),
                    "withdrawn": sum(_int(c["withdrawn"]) for c in agreed["consents"]),
                    "campaigns": len({c["campaign"] for c in marketing}),
                    "marketing_sends": sum(_int(c["sends"]) for c in marketing),
                    "without_consent": sum(_int(c["marketing_without_consent"]) for c in marketing),
                    "after_opt_out": sum(_int(c["marketing_after_opt_out"]) for c in marketing)},
        "requests": _requests(store, start, now),
    }


def snapshot(vern: Vern, lang: str, period_from: date, now: datetime) -> dict[str, Any]:
    """The whole compliance state at `now`, as plain JSON values (the audit block is added
    when the report is stored)."""
    today = now.astimezone(clock.OSLO).date()
    head = trail.signed_head(vern.store) or {"seq": 0, "hash": trail.GENESIS, "signature": ""}
    intact, problem = trail.verify(vern.store)
    return {
        "format": FORMAT, "language": lang, "taken_at": clock.iso_utc(now),
        "organisation": organisation.load(vern.store, vern.config)["name"] or None,
        "period": {"from": period_from.isoformat(), "to": today.isoformat()},
        "trail": {"head_seq": head["seq"], "head_hash": head["hash"], "head_signature": head["signature"],
                  "entries_verified": intact, "intact": problem is None, "problem": problem},
        "checks": _checks(vern, lang),
        "findings": _findings(vern, lang),
        "breaches": _breaches(vern.store, period_from, now),
        "registers": _registers(vern, today, now, _start(period_from)),
    }


# -- storing -------------------------------------------------------------------------------
def run(vern: Vern, actor: str, since: date | None = None, lang: str | None = None) -> dict[str, Any]:
    """Take the snapshot, make the PDF, store both with their hashes and record it in the
    trail; returns the stored report as `listing()` shows it."""
    from audits.reporting import audit_document  # imported here: it loads reportlab (0.2 s)

    store, lang = vern.store, lang or vern.config.language
    now = clock.now()
    today = now.astimezone(clock.OSLO).date()
    period_from = since or default_since(today)
    if period_from > today:
        raise VernError("audit.refused.future", field="since", date=period_from.isoformat())
    facts = snapshot(vern, lang, period_from, now)
    with store.transaction() as tx:  # the number first, so the PDF can carry it
        report_id = tx.execute("SELECT nextval('audit_report_ids')").fetchone()[0]
    facts["audit"] = {"id": report_id, "actor": actor, "created_at": clock.iso_utc(now)}
    text = canonical(facts)
    snapshot_sha = sha256(text.encode("utf-8"))
    pdf = audit_document.pdf(facts, snapshot_sha)  # made outside the write lock: it takes a moment
    report_sha = sha256(pdf)
    with store.transaction() as tx:
        seq = trail.append(tx, actor, "audit.run", str(report_id), {
            "report_sha256": report_sha, "snapshot_sha256": snapshot_sha, "trail_head_seq": facts["trail"]["head_seq"],
            "period_from": facts["period"]["from"], "period_to": facts["period"]["to"]})
        tx.execute(
            f"INSERT INTO audit_reports ({', '.join(LISTED)}, snapshot, pdf) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [report_id, now, actor, lang, period_from, today, facts["trail"]["head_seq"],
             facts["trail"]["head_hash"], seq, snapshot_sha, report_sha, text, pdf])
    return get(store, report_id, with_pdf=False)


# -- reading ---------------------------------------------------------------------------------
def listing(store: Store) -> list[dict[str, Any]]:
    """Every stored report, newest first, without its snapshot and PDF."""
    return store.rows(f"SELECT {', '.join(LISTED)}, octet_length(pdf) AS pdf_bytes FROM audit_reports "
                      "ORDER BY id DESC")


def get(store: Store, report_id: int, with_pdf: bool = True) -> dict[str, Any]:
    """One report with its snapshot (parsed) and, unless asked not to, its PDF bytes."""
    rows = store.rows(f"SELECT {', '.join(LISTED)}, octet_length(pdf) AS pdf_bytes, snapshot"
                      + (", pdf" if with_pdf else "") + " FROM audit_reports WHERE id = ?", [report_id])
    if not rows:
        raise VernError("audit.refused.not_found", id=report_id)
    row = rows[0]
    try:
        row["snapshot"] = json.loads(row["snapshot"])
    except ValueError:
        row["snapshot"] = None  # `problems` names it
    return row


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    """The contract shape of a stored report (list, show, run)."""
    out = {k: row[k] for k in (*LISTED, "pdf_bytes") if k in row}
    out["created_at"] = clock.iso_utc(row["created_at"])
    out["period_from"], out["period_to"] = _day(row["period_from"]), _day(row["period_to"])
    return out


# -- verifying ---------------------------------------------------------------------------------
def _entry_problems(store: Store, row: dict) -> list[Message]:
    entries = store.rows("SELECT seq, details FROM trail WHERE action = 'audit.run' AND object = ?",
                         [str(row["id"])])
    if len(entries) != 1:
        return [Message("audit.problem.entries", {"n": len(entries), "id": row["id"]})]
    seq, details = entries[0]["seq"], json.loads(entries[0]["details"])
    out = []
    if seq != row["trail_seq"]:
        out.append(Message("audit.problem.entry", {"named": row["trail_seq"], "seq": seq}))
    for key, what in (("report_sha256", "pdf"), ("snapshot_sha256", "snapshot")):
        if details.get(key) != row[key]:
            out.append(Message(f"audit.problem.{what}_recorded", {"seq": seq}))
    return out


def problems(store: Store, report_id: int) -> list[Message]:
    """What is wrong with a stored report, checked against itself and its trail entry;
    empty when it is as it was made."""
    rows = store.rows(f"SELECT {', '.join(LISTED)}, snapshot, pdf FROM audit_reports WHERE id = ?", [report_id])
    if not rows:
        raise VernError("audit.refused.not_found", id=report_id)
    row, out = rows[0], []
    if sha256(bytes(row["pdf"])) != row["report_sha256"]:
        out.append(Message("audit.problem.pdf"))
    if sha256(row["snapshot"].encode("utf-8")) != row["snapshot_sha256"]:
        out.append(Message("audit.problem.snapshot"))
    out += _entry_problems(store, row)
    head_hash = trail.GENESIS if row["trail_head_seq"] == 0 else store.value(
        "SELECT hash FROM trail WHERE seq = ?", [row["trail_head_seq"]])
    if head_hash != row["trail_head_hash"]:
        out.append(Message("audit.problem.head", {"seq": row["trail_head_seq"]}))
    return out


def verify_all(store: Store) -> dict[str, Any]:
    """Every stored report re-verified, and the trail they rest on."""
    intact, problem = trail.verify(store)
    reports = {row["id"]: problems(store, row["id"]) for row in listing(store)}
    return {"trail": {"entries_verified": intact, "problem": problem}, "reports": reports}


def identify(store: Store, data: bytes) -> dict[str, Any] | None:
    """Which stored audit a file is (by its SHA-256), with what is wrong with that audit
    and its trail; None when it matches none (a changed byte, or another Vern's)."""
    found = store.value("SELECT id FROM audit_reports WHERE report_sha256 = ?", [sha256(data)])
    if found is None:
        return None
    intact, problem = trail.verify(store)
    return {"report": get(store, found, with_pdf=False), "problems": problems(store, found),
            "trail": {"entries_verified": intact, "problem": problem}}


# -- comparing -----------------------------------------------------------------------------------
def _counts(before: dict[str, int], after: dict[str, int]) -> dict[str, dict[str, int]]:
    return {k: {"before": before.get(k, 0), "after": after.get(k, 0)} for k in sorted(before.keys() | after.keys())}


def _last_status(check: dict | None) -> str | None:
    return check["last_run"]["status"] if check and check["last_run"] else None


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What changed from one snapshot to a later one."""
    old = {f["fingerprint"]: f for f in before["findings"]["open"]}
    new = {f["fingerprint"]: f for f in after["findings"]["open"]}
    old_checks = {c["id"]: c for c in before["checks"]}
    new_checks = {c["id"]: c for c in after["checks"]}
    old_breaches = {b["id"]: b for b in before["breaches"]["items"]}
    registers = [{"register": name, "key": key, "before": before["registers"].get(name, {}).get(key),
                  "after": value}
                 for name, values in after["registers"].items() for key, value in values.items()
                 if before["registers"].get(name, {}).get(key) != value]
    return {
        "findings_new": [new[k] for k in new if k not in old],
        "findings_gone": [old[k] for k in old if k not in new],
        "findings_status_changed": [{"fingerprint": k, "before": old[k]["status"], "after": new[k]["status"]}
                                    for k in new if k in old and old[k]["status"] != new[k]["status"]],
        "open_total": {"before": before["findings"]["total"], "after": after["findings"]["total"]},
        "by_area": _counts(before["findings"]["by_area"], after["findings"]["by_area"]),
        "by_severity": _counts(before["findings"]["by_severity"], after["findings"]["by_severity"]),
        "checks_changed": [{"id": k, "before": _last_status(old_checks.get(k)),
                            "after": _last_status(new_checks.get(k))}
                           for k in sorted(old_checks.keys() | new_checks.keys())
                           if _last_status(old_checks.get(k)) != _last_status(new_checks.get(k))],
        "breaches_added": [b for b in after["breaches"]["items"] if b["id"] not in old_breaches],
        "breaches_changed": [{"id": b["id"], "before": {k: old_breaches[b["id"]][k] for k in ("status", "timeliness")},
                              "after": {k: b[k] for k in ("status", "timeliness")}}
                             for b in after["breaches"]["items"] if b["id"] in old_breaches
                             and (b["status"], b["timeliness"]) != (old_breaches[b["id"]]["status"],
                                                                     old_breaches[b["id"]]["timeliness"])],
        "registers_changed": registers,
    }


def previous(store: Store, report_id: int) -> int | None:
    return store.value("SELECT max(id) FROM audit_reports WHERE id < ?", [report_id])


def diff(store: Store, report_id: int | None = None) -> dict[str, Any]:
    """What changed between an audit (default: the latest) and the one before it."""
    if report_id is None:
        report_id = store.value("SELECT max(id) FROM audit_reports")
        if report_id is None:
            raise VernError("audit.refused.none_yet")
    after = get(store, report_id, with_pdf=False)
    before_id = previous(store, report_id)
    if before_id is None:
        raise VernError("audit.refused.first", id=report_id)
    before = get(store, before_id, with_pdf=False)
    if before["snapshot"] is None or after["snapshot"] is None:
        raise VernError("audit.refused.snapshot")
    return {"from": before_id, "to": report_id, "from_created_at": clock.iso_utc(before["created_at"]),
            "to_created_at": clock.iso_utc(after["created_at"]),
            **compare(before["snapshot"], after["snapshot"])}


def since_date(value: datetime | date | None) -> date | None:
    """A period start given as a date or a datetime (click hands one over)."""
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value

