"""The breach register: log, assess (ENISA), decide, notify, close — GDPR Art. 33-34.

The clock is exact elapsed time from awareness, computed on UTC instants: 72 hours to
Datatilsynet where the association is controller (Art. 33(1)); where it is processor
for a district chapter, the chapter is told "without undue delay" (Art. 33(2)), which
Vern holds to the configured `breaches.processor_notice_hours`. Every breach is kept,
notified or not, with its timeline (Art. 33(5)).
"""

from datetime import datetime, timedelta
from typing import Any

from audits.alerts import outbox
from audits.breaches import enisa
from audits.core import clock, text, trail
from audits.core.config import Config
from audits.core.errors import VernError, reason
from audits.core.i18n import Message
from audits.core.store import Store
from audits.io import csvfile

AUTHORITY_HOURS = 72
BREACH_TYPES = ("confidentiality", "integrity", "availability")
RECIPIENTS = ("authority", "controller", "subjects")
# Whom a breach concerns (Art. 33(3)(a)), as a membership association knows its people.
SUBJECT_CATEGORIES = ("member", "volunteer", "employee", "donor", "participant", "child", "contact", "other")
MAX_COUNT = 10_000_000_000  # more people than there are: a typo, not an estimate
FIELDS = {
    "title", "description", "aware_at", "occurred_at", "reported_by", "acting_as",
    "controller_name", "data_categories", "special_categories", "subjects_count",
    "records_count", "breach_types", "processor", "consequences", "measures", "finding",
    "subject_categories",
}
SECRET = ("title", "description", "reported_by", "consequences", "measures", "summary", "controller_name")


# -- reading input ------------------------------------------------------------------
def _field(parser, value, field: str, wrong_type: Message = csvfile.MUST_BE_TEXT):
    """A JSON value through one of csvfile's field parsers; its problem named by the field."""
    try:
        return csvfile.from_json(parser, wrong_type)(value)
    except ValueError as error:
        raise VernError("text.refused", field=field, why=reason(error)) from None


def _instant(value, field: str, required: bool = False) -> datetime | None:
    instant = _field(csvfile.instant_or_none, value, field, Message("input.must_be_instant"))
    if instant is None and required:
        raise VernError("text.refused", field=field, why=Message("input.required_hint", {"hint": csvfile.INSTANT_HINT}))
    return instant


def _count(value, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise VernError("text.refused", field=field, why=Message("breaches.refused.count", {"max": MAX_COUNT}))
    return value


def _choices(value, allowed, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise VernError("text.refused", field=field, why=Message("breaches.refused.not_list"))
    unknown = [number for number, v in enumerate(value, start=1) if v not in allowed]
    if unknown:
        raise VernError("text.refused", field=field,
                        why=Message("breaches.refused.item", {"n": unknown[0], "allowed": ", ".join(allowed)}))
    return list(dict.fromkeys(value))


def _text(value, field: str, limit: int = text.MAX_TEXT) -> str | None:
    """Free text (line breaks allowed), or None."""
    return _field(csvfile.free_text(limit), value, field) or None


def _name(value, field: str, limit: int = 300) -> str | None:
    """A name or other one-line value, or None."""
    return _field(csvfile.name(limit), value, field) or None


# The facts the adviser may complete after the report (Art. 33(4): information in phases),
# each read as the report reads it.
FACTS = {
    "description": lambda value: _text(value, "description"),
    "occurred_at": lambda value: _instant(value, "occurred_at"),
    "subject_categories": lambda value: _choices(value, SUBJECT_CATEGORIES, "subject_categories"),
    "subjects_count": lambda value: _count(value, "subjects_count"),
    "data_categories": lambda value: _choices(value, tuple(enisa.DATA_CATEGORIES), "data_categories"),
    "records_count": lambda value: _count(value, "records_count"),
    "breach_types": lambda value: _choices(value, BREACH_TYPES, "breach_types"),
    "consequences": lambda value: _text(value, "consequences"),
    "measures": lambda value: _text(value, "measures"),
}


def parse(store: Store, data: dict, now: datetime) -> dict[str, Any]:
    """A new breach as `vern breach add` and the staff form give it; refused by field name."""
    if not isinstance(data, dict):
        raise VernError("text.refused", field="breach", why=Message("breaches.refused.not_object"))
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise VernError("text.refused", field=text.key(unknown[0]), why=Message("breaches.refused.unknown_field"))
    breach = {
        "title": _name(data.get("title"), "title"),
        "aware_at": _instant(data.get("aware_at"), "aware_at", required=True),
        "reported_by": _name(data.get("reported_by"), "reported_by"),
        "acting_as": data.get("acting_as") or "controller",
        "controller_name": _name(data.get("controller_name"), "controller_name"),
        "processor": _name(data.get("processor"), "processor"),
        "finding": _name(data.get("finding"), "finding", 64),
        **{field: read(data.get(field)) for field, read in FACTS.items()},
    }
    breach["special_categories"] = enisa.special_categories(breach["data_categories"])
    if not breach["title"]:
        raise VernError("text.refused", field="title", why=Message("input.required"))
    if breach["aware_at"] > now:
        raise VernError("text.refused", field="aware_at", why=Message("input.future"))
    if breach["occurred_at"] and breach["occurred_at"] > breach["aware_at"]:
        raise VernError("text.refused", field="occurred_at", why=Message("breaches.refused.occurred_after"))
    if breach["acting_as"] not in ("controller", "processor"):
        raise VernError("text.refused", field="acting_as", why=Message("breaches.refused.acting_as"))
    if breach["acting_as"] == "processor" and not breach["controller_name"]:
        raise VernError("text.refused", field="controller_name", why=Message("breaches.refused.controller_needed"))
    _special_categories_agree(data.get("special_categories"), breach)
    if breach["processor"] and not store.value(
            "SELECT count(*) FROM processors WHERE name = ?", [breach["processor"]]):
        raise VernError("text.refused", field="processor", why=Message("breaches.refused.unknown_processor"))
    if breach["finding"] and not store.value(
            "SELECT count(*) FROM findings WHERE fingerprint = ?", [breach["finding"]]):
        raise VernError("text.refused", field="finding", why=Message("breaches.refused.unknown_finding"))
    return breach


def _special_categories_agree(given, breach: dict[str, Any]) -> None:
    """`special_categories` follows from `data_categories` (Art. 9 and 10); a file may still
    say it, but only in agreement: a contradiction is refused rather than silently corrected,
    so whoever wrote it learns that their facts disagree before a notification repeats them."""
    if given is None:
        return
    if not isinstance(given, bool):
        raise VernError("text.refused", field="special_categories", why=Message("breaches.refused.true_false"))
    if given != breach["special_categories"]:
        why = "special_categories_given" if breach["special_categories"] else "special_categories_none"
        raise VernError("text.refused", field="special_categories", why=Message(f"breaches.refused.{why}"))


# -- the clock ------------------------------------------------------------------------
def deadline(aware_at: datetime, acting_as: str, config: Config) -> datetime:
    """Exact elapsed time on UTC instants: nights, weekends, holidays and DST included."""
    hours = AUTHORITY_HOURS if acting_as == "controller" else config.breaches["processor_notice_hours"]
    return aware_at.astimezone(clock.UTC) + timedelta(hours=hours)


# Hours before the deadline, earliest first, at which the advisers get a reminder mail and the
# countdown changes colour; 0 is the deadline itself.
WARNING_HOURS = (48, 24, 6, 0)


def warning_reached(left: timedelta) -> int | None:
    """The latest of WARNING_HOURS reached with `left` to the deadline, or None while more
    than 48 hours are left. Each is reached at the exact instant `deadline - hours`."""
    reached = [hours for hours in WARNING_HOURS if left <= timedelta(hours=hours)]
    return min(reached) if reached else None


# -- writing --------------------------------------------------------------------------
def _event(tx, store: Store, breach_id: int, actor: str, kind: str, detail: str | None = None) -> None:
    tx.execute("INSERT INTO breach_events (breach_id, happened_at, actor, kind, detail) VALUES (?, ?, ?, ?, ?)",
               [breach_id, clock.now(), actor, kind, store.keys.encrypt(detail, "breach_events.detail")])


def add(store: Store, config: Config, actor: str, data: dict, reporter: str | None = None,
        alert: bool = True) -> int:
    """Log a breach; returns its number. Nothing is stored unless all of it is valid.
    `reporter` is the account that follows it as its own (the actor unless someone logs
    it on another's behalf). `alert=False` only for the demo's made-up breaches."""
    now = clock.now()
    breach = parse(store, data, now)
    sealed = {k: store.keys.encrypt(v, f"breaches.{k}") if k in SECRET else v for k, v in breach.items()}
    with store.transaction() as tx:
        breach_id = tx.execute(
            "INSERT INTO breaches (title, description, aware_at, occurred_at, deadline_at, reported_by, "
            " reporter, acting_as, controller_name, data_categories, special_categories, subjects_count, "
            " records_count, breach_types, processor, consequences, measures, finding, subject_categories, "
            " status, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) RETURNING id",
            [sealed["title"], sealed["description"], breach["aware_at"], breach["occurred_at"],
             deadline(breach["aware_at"], breach["acting_as"], config), sealed["reported_by"], reporter or actor,
             breach["acting_as"], sealed["controller_name"], breach["data_categories"],
             breach["special_categories"], breach["subjects_count"], breach["records_count"],
             breach["breach_types"], breach["processor"], sealed["consequences"], sealed["measures"],
             breach["finding"], breach["subject_categories"], now]).fetchone()[0]
        _event(tx, store, breach_id, actor, "logged")
        trail.append(tx, actor, "breach.add", str(breach_id),
                     {"acting_as": breach["acting_as"], "finding": breach["finding"]})
        # The advisers are told at once: queued with the breach, sent right after (never
        # blocking the save). Numbers and instants only: no title, no description, no name.
        if alert:
            outbox.queue(tx, config, "breach_logged", {
                "breach": breach_id, "aware_at": clock.iso_utc(breach["aware_at"]),
                "deadline_at": clock.iso_utc(deadline(breach["aware_at"], breach["acting_as"], config)),
                "recipient": "authority" if breach["acting_as"] == "controller" else "controller"}, now)
    return breach_id


def _open(tx, breach_id: int) -> dict[str, Any]:
    """The facts a change needs, inside its transaction; a closed breach takes no changes."""
    row = tx.execute("SELECT status, acting_as, deadline_at, aware_at FROM breaches WHERE id = ?",
                     [breach_id]).fetchone()
    if row is None:
        raise VernError("breaches.refused.not_found", id=breach_id)
    if row[0] == "closed":
        raise VernError("breaches.refused.closed", id=breach_id)
    return dict(zip(("status", "acting_as", "deadline_at", "aware_at"), row, strict=True))


def complete(store: Store, actor: str, breach_id: int, data: dict) -> dict[str, Any]:
    """Set the facts in `data` (any of FACTS) that were missing or have changed since the
    report. The timeline and the trail name the fields, never their values."""
    if not isinstance(data, dict) or not data:
        raise VernError("text.refused", field="facts", why=Message("breaches.refused.no_facts"))
    unknown = sorted(set(data) - set(FACTS), key=str)
    if unknown:
        raise VernError("text.refused", field=text.key(unknown[0]), why=Message("breaches.refused.unknown_field"))
    given = {field: read(data[field]) for field, read in FACTS.items() if field in data}
    if "data_categories" in given:
        given["special_categories"] = enisa.special_categories(given["data_categories"])
    with store.transaction() as tx:
        breach = _open(tx, breach_id)
        if given.get("occurred_at") and given["occurred_at"] > breach["aware_at"]:
            raise VernError("text.refused", field="occurred_at", why=Message("breaches.refused.occurred_after"))
        values = [store.keys.encrypt(v, f"breaches.{k}") if k in SECRET else v for k, v in given.items()]
        tx.execute(f"UPDATE breaches SET {', '.join(f'{k} = ?' for k in given)} WHERE id = ?", [*values, breach_id])
        fields = [field for field in FACTS if field in data]
        _event(tx, store, breach_id, actor, "completed", ", ".join(fields))
        trail.append(tx, actor, "breach.complete", str(breach_id), {"fields": fields})
    return get(store, None, breach_id)


def add_information(store: Store, actor: str, breach_id: int, information: str) -> None:
    """What the reporter (or anyone handling it) learns later, kept in the timeline."""
    information = text.clean(information, "information")
    if not information:
        raise VernError("text.refused", field="information", why=Message("input.required"))
    with store.transaction() as tx:
        _open(tx, breach_id)
        _event(tx, store, breach_id, actor, "added", information)
        trail.append(tx, actor, "breach.add_information", str(breach_id))


def assess(store: Store, actor: str, breach_id: int, data: dict) -> dict:
    """Score the breach; every assessment is kept (re-assess when the facts change)."""
    a = enisa.parse(data)
    authority, subjects = enisa.proposal(a.level, a.data_unintelligible)
    with store.transaction() as tx:
        breach = _open(tx, breach_id)
        if breach["acting_as"] == "processor":
            authority = True  # Art. 33(2): a processor tells the controller of every breach
        tx.execute(
            "INSERT INTO breach_assessments (breach_id, happened_at, actor, dpc, data_type, adjustment, ei, "
            " cb_confidentiality, cb_integrity, cb_availability, malicious, data_unintelligible, score, "
            " level, propose_authority, propose_subjects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [breach_id, clock.now(), actor, a.dpc, a.data_type, a.adjustment, a.ei, a.confidentiality,
             a.integrity, a.availability, a.malicious, a.data_unintelligible, a.score, a.level,
             authority, subjects])
        if breach["status"] == "open":
            tx.execute("UPDATE breaches SET status = 'assessed' WHERE id = ?", [breach_id])
        _event(tx, store, breach_id, actor, "assessed", f"{a.score} {a.level}")
        trail.append(tx, actor, "breach.assess", str(breach_id), {"score": str(a.score), "level": a.level})
    return get(store, None, breach_id)


def decide(store: Store, actor: str, breach_id: int, notify_authority: bool, notify_subjects: bool,
           reason: str = "") -> dict:
    """The adviser confirms or overrides the proposal; an override needs a written reason."""
    reason = text.clean(reason, "reason")
    with store.transaction() as tx:
        breach = _open(tx, breach_id)
        proposed = tx.execute(
            "SELECT propose_authority, propose_subjects FROM breach_assessments WHERE breach_id = ? "
            "ORDER BY id DESC LIMIT 1", [breach_id]).fetchone()
        if proposed is None:
            raise VernError("breaches.refused.assess_first", id=breach_id)
        if breach["acting_as"] == "processor" and not notify_authority:
            raise VernError("text.refused", field="notify_authority", why=Message("breaches.refused.processor_tells"))
        overrides = (notify_authority, notify_subjects) != tuple(proposed)
        if overrides and not reason:
            raise VernError("text.refused", field="reason", why=Message("breaches.refused.override_reason"))
        tx.execute(
            "INSERT INTO breach_decisions (breach_id, happened_at, actor, notify_authority, notify_subjects, "
            " overrides, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [breach_id, clock.now(), actor, notify_authority, notify_subjects, overrides,
             store.keys.encrypt(reason or None, "breach_decisions.reason")])
        _event(tx, store, breach_id, actor, "decided")
        trail.append(tx, actor, "breach.decide", str(breach_id),
                     {"notify_authority": notify_authority, "notify_subjects": notify_subjects,
                      "overrides": overrides})
    return get(store, None, breach_id)


def notify(store: Store, actor: str, breach_id: int, recipient: str, at: datetime, reference: str,
           delay_reason: str = "") -> dict:
    """Record a notification; a later one to the same recipient is a further phase (Art. 33(4))."""
    if recipient not in RECIPIENTS:
        raise VernError("text.refused", field="to",
                        why=Message("breaches.refused.one_of", {"allowed": ", ".join(RECIPIENTS)}))
    reference = text.clean(reference, "reference", 300)
    delay_reason = text.clean(delay_reason, "delay_reason")
    if not reference:
        raise VernError("text.refused", field="reference", why=Message("breaches.refused.reference"))
    if at > clock.now():
        raise VernError("text.refused", field="at", why=Message("input.future"))
    with store.transaction() as tx:
        breach = _open(tx, breach_id)
        acting_as, deadline_at = breach["acting_as"], breach["deadline_at"]
        expected = "authority" if acting_as == "controller" else "controller"
        if recipient in ("authority", "controller") and recipient != expected:
            raise VernError("text.refused", field="to", why=Message(f"breaches.refused.notified_to.{expected}"))
        if at < breach["aware_at"]:
            raise VernError("text.refused", field="at", why=Message("breaches.refused.before_aware"))
        late = recipient != "subjects" and at > deadline_at
        if late and not delay_reason:
            raise VernError("text.refused", field="delay_reason",
                            why=Message("breaches.refused.delay_reason", {"deadline": clock.show(deadline_at)}))
        phase = tx.execute("SELECT count(*) + 1 FROM breach_notifications WHERE breach_id = ? AND recipient = ?",
                           [breach_id, recipient]).fetchone()[0]
        tx.execute(
            "INSERT INTO breach_notifications (breach_id, recipient, happened_at, reference, phase, late, "
            " delay_reason, actor, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [breach_id, recipient, at, reference, phase, late,
             store.keys.encrypt(delay_reason or None, "breach_notifications.delay_reason"), actor, clock.now()])
        tx.execute("UPDATE breaches SET status = 'notified' WHERE id = ?", [breach_id])
        _event(tx, store, breach_id, actor, "notified", f"{recipient} {reference}")
        trail.append(tx, actor, "breach.notify", str(breach_id),
                     {"to": recipient, "phase": phase, "late": late})
    return get(store, None, breach_id)


def close(store: Store, actor: str, breach_id: int, summary: str) -> dict:
    """Close with the lessons learned, once every decided notification is recorded."""
    summary = text.clean(summary, "summary")
    if not summary:
        raise VernError("text.refused", field="summary", why=Message("breaches.refused.summary"))
    record = get(store, None, breach_id)
    if record["status"] == "closed":
        raise VernError("breaches.refused.closed_already", id=breach_id)
    decision = record["decision"]
    if decision is None:
        raise VernError("breaches.refused.decide_first", id=breach_id)
    sent = {n["to"] for n in record["notifications"]}
    owed = [to for to, due in ((record["notify_recipient"], decision["notify_authority"]),
                               ("subjects", decision["notify_subjects"])) if due and to not in sent]
    if owed:
        raise VernError("breaches.refused.notify_first", id=breach_id, whom=Message(f"breaches.refused.whom.{owed[0]}"))
    with store.transaction() as tx:
        tx.execute("UPDATE breaches SET status = 'closed', closed_at = ?, summary = ? WHERE id = ?",
                   [clock.now(), store.keys.encrypt(summary, "breaches.summary"), breach_id])
        _event(tx, store, breach_id, actor, "closed")
        trail.append(tx, actor, "breach.close", str(breach_id))
    return get(store, None, breach_id)


# -- reading --------------------------------------------------------------------------
def _decimal(value) -> float | None:
    return None if value is None else float(value)


def get(store: Store, reporter: str | None, breach_id: int) -> dict[str, Any]:
    """One breach as its JSON contract; `reporter` limits staff to their own."""
    records = _records(store, "WHERE id = ?", [breach_id])
    if not records or (reporter is not None and records[0]["reporter"] != reporter):
        raise VernError("breaches.refused.not_found", id=breach_id)
    return records[0]


def listing(store: Store, open_only: bool = False, reporter: str | None = None) -> list[dict[str, Any]]:
    """Breaches, overdue and nearest deadline first among the open ones."""
    where, params = [], []
    if open_only:
        where.append("status <> 'closed'")
    if reporter is not None:
        where.append("reporter = ?")
        params.append(reporter)
    records = _records(store, ("WHERE " + " AND ".join(where)) if where else "", params)
    records.sort(key=lambda r: (not r["clock_running"], r["hours_left"] if r["clock_running"] else -r["id"]))
    return records


def _records(store: Store, where: str, params: list) -> list[dict[str, Any]]:
    """The breaches chosen by `where`, each with its history: five queries, however many."""
    rows = store.rows(f"SELECT * FROM breaches {where}", params)
    chosen = f"breach_id IN (SELECT id FROM breaches {where})"
    history = {}
    for table, order in (("breach_assessments", "id"), ("breach_decisions", "id"),
                         ("breach_notifications", "happened_at, id"), ("breach_events", "id")):
        grouped: dict[int, list] = {}
        for item in store.rows(f"SELECT * FROM {table} WHERE {chosen} ORDER BY {order}", params):
            grouped.setdefault(item["breach_id"], []).append(item)
        history[table] = grouped
    return [_record(store, row, *(history[t].get(row["id"], []) for t in history)) for row in rows]


def _record(store: Store, row: dict[str, Any], assessments: list, decisions: list, notifications: list,
            events: list) -> dict[str, Any]:
    breach_id, now = row["id"], clock.now()
    for key in SECRET:
        row[key] = store.keys.decrypt(row[key], f"breaches.{key}")
    latest = assessments[-1] if assessments else None
    decision = decisions[-1] if decisions else None
    recipient = "authority" if row["acting_as"] == "controller" else "controller"
    first_notice = next((n for n in notifications if n["recipient"] == recipient), None)
    owes_notice = first_notice is None and row["status"] != "closed" and not (
        decision is not None and not decision["notify_authority"])
    return {
        "id": breach_id,
        "title": row["title"],
        "status": row["status"],
        "aware_at": clock.iso_utc(row["aware_at"]),
        "occurred_at": clock.iso_utc(row["occurred_at"]),
        "deadline_at": clock.iso_utc(row["deadline_at"]),
        "deadline_local": clock.local(row["deadline_at"]).isoformat(),
        "hours_left": round((row["deadline_at"] - now).total_seconds() / 3600, 2),
        "clock_running": owes_notice,
        "notify_to": "datatilsynet" if row["acting_as"] == "controller" else row["controller_name"],
        "notify_recipient": recipient,
        "acting_as": row["acting_as"],
        "controller_name": row["controller_name"],
        "description": row["description"],
        "reported_by": row["reported_by"],
        "reporter": row["reporter"],
        "data_categories": row["data_categories"],
        "subject_categories": row["subject_categories"] or [],
        "special_categories": enisa.special_categories(row["data_categories"]),  # derived, also for old rows
        "subjects_count": row["subjects_count"],
        "records_count": row["records_count"],
        "breach_types": row["breach_types"],
        "processor": row["processor"],
        "consequences": row["consequences"],
        "measures": row["measures"],
        "finding": row["finding"],
        "created_at": clock.iso_utc(row["created_at"]),
        "closed_at": clock.iso_utc(row["closed_at"]),
        "summary": row["summary"],
        "severity": None if latest is None else {"score": _decimal(latest["score"]), "level": latest["level"]},
        "assessment": None if latest is None else {
            "dpc": _decimal(latest["dpc"]), "data_type": latest["data_type"],
            "adjustment": _decimal(latest["adjustment"]), "ei": _decimal(latest["ei"]),
            "cb": {"confidentiality": _decimal(latest["cb_confidentiality"]),
                   "integrity": _decimal(latest["cb_integrity"]),
                   "availability": _decimal(latest["cb_availability"]), "malicious": latest["malicious"]},
            "data_unintelligible": latest["data_unintelligible"], "by": latest["actor"],
            "at": clock.iso_utc(latest["happened_at"]), "count": len(assessments)},
        "proposed": None if latest is None else {
            "notify_authority": latest["propose_authority"], "notify_subjects": latest["propose_subjects"]},
        "decision": None if decision is None else {
            "notify_authority": decision["notify_authority"], "notify_subjects": decision["notify_subjects"],
            "overrides": decision["overrides"], "by": decision["actor"], "at": clock.iso_utc(decision["happened_at"]),
            "reason": store.keys.decrypt(decision["reason"], "breach_decisions.reason")},
        "notifications": [{
            "to": n["recipient"], "at": clock.iso_utc(n["happened_at"]), "reference": n["reference"],
            "phase": n["phase"], "late": n["late"], "by": n["actor"],
            "delay_reason": store.keys.decrypt(n["delay_reason"], "breach_notifications.delay_reason"),
        } for n in notifications],
        "notified_in_time": None if first_notice is None else not first_notice["late"],
        "timeline": [{
            "at": clock.iso_utc(e["happened_at"]), "actor": e["actor"], "kind": e["kind"],
            "detail": store.keys.decrypt(e["detail"], "breach_events.detail"),
        } for e in events],
    }


# Per breach: its first notice to whom it owes one, and its latest decision (as `_record`).
_STATE = """
    SELECT b.status, b.deadline_at, n.late AS first_late,
           n.breach_id IS NULL AND b.status <> 'closed' AND coalesce(d.notify_authority, true) AS clock_running
    FROM breaches b
    LEFT JOIN (SELECT breach_id, recipient, arg_min(late, (happened_at, id)) AS late
               FROM breach_notifications GROUP BY ALL) n
           ON n.breach_id = b.id AND n.recipient = CASE b.acting_as WHEN 'controller' THEN 'authority'
                                                                    ELSE 'controller' END
    LEFT JOIN (SELECT breach_id, arg_max(notify_authority, id) AS notify_authority
               FROM breach_decisions GROUP BY ALL) d ON d.breach_id = b.id"""


def summary(store: Store) -> dict[str, int]:
    """Counts for the overview and the board, in one query: no titles, no people."""
    row = store.rows(f"""
        SELECT count(*) AS total, count(*) FILTER (WHERE status <> 'closed') AS open,
               count(*) FILTER (WHERE clock_running) AS clock_running,
               count(*) FILTER (WHERE clock_running AND deadline_at < $now) AS overdue,
               count(*) FILTER (WHERE NOT first_late) AS notified_in_time,
               count(*) FILTER (WHERE first_late) AS notified_late,
               count(*) FILTER (WHERE status = 'closed') AS closed
        FROM ({_STATE})""", {"now": clock.now()})[0]
    return {key: int(value) for key, value in row.items()}
