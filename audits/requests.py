"""Data-subject requests (GDPR Art. 12-22), each answered on time: one month from receipt
(Art. 12(3)), extendable by two further months with the person told within the first month.
Due dates follow audits.legal_dates (Reg. 1182/71, Norwegian public holidays). The
requester and every free text are encrypted; each change lands in the audit trail."""

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from audits import clock, jsonfile, legal_dates, text, trail
from audits.errors import InputError, VernError
from audits.store import Store

KINDS = ("access", "rectification", "erasure", "restriction", "objection", "portability",
         "marketing_opt_out", "automated_decision")
OPEN = ("received", "in_progress")
SECRET = {"requester": "requests.requester", "verified_how": "requests.verified_how",
          "extension_reason": "requests.extension_reason", "refusal_ground": "requests.refusal_ground"}


def received_on(received_at: datetime) -> date:
    """The clock counts from the Oslo day of receipt."""
    return clock.local(received_at).date()


def due_on(received_at: datetime, months: int = legal_dates.ANSWER_MONTHS) -> date:
    """Fixed when the request is logged (and extended), so queries can compare dates."""
    return legal_dates.due_on(received_on(received_at), months)


def _parse(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InputError(source, ["must be a JSON object with received_at, kind, channel, requester"])
    problems, record = [], {}
    unknown = [key for key in data if key not in ("received_at", "kind", "channel", "requester")]
    problems += [f"field {key}: unknown (known: received_at, kind, channel, requester)" for key in unknown]
    try:
        if not isinstance(data.get("received_at"), str):
            raise VernError("received_at: required, ISO 8601 with an offset (e.g. 2026-11-24T09:30:00+01:00)")
        record["received_at"] = clock.parse_instant(data["received_at"], "received_at")
        if record["received_at"] > clock.now():
            raise VernError("received_at: lies in the future")
    except VernError as error:
        problems.append(f"field {error}")
    kind = data.get("kind")
    if kind not in KINDS:
        problems.append(f"field kind: {kind!r} is not one of {', '.join(KINDS)}")
    record["kind"] = kind
    for field, limit in (("channel", 200), ("requester", 500)):
        value = data.get(field)
        try:
            record[field] = text.clean(value if isinstance(value, str) else "", field, limit)
        except VernError as error:
            problems.append(f"field {error}")
            continue
        if not record[field]:
            problems.append(f"field {field}: required")
    if problems:
        raise InputError(source, problems)
    return record


def add_file(store: Store, actor: str, path: Path) -> int:
    """Log the request in a JSON file (received_at, kind, channel, requester)."""
    return add(store, actor, jsonfile.read(path, "a request"), str(path))


def add(store: Store, actor: str, data: Any, source: str = "request") -> int:
    record = _parse(data, source)
    now = clock.now()
    with store.transaction() as tx:
        request_id = tx.execute(
            "INSERT INTO requests (received_at, channel, kind, requester, status, due_on, logged_by, logged_at) "
            "VALUES (?, ?, ?, ?, 'received', ?, ?, ?) RETURNING id",
            [record["received_at"], record["channel"], record["kind"],
             store.keys.encrypt(record["requester"], SECRET["requester"]), due_on(record["received_at"]),
             actor, now]).fetchone()[0]
        trail.append(tx, actor, "request.add", str(request_id), {"kind": record["kind"]})
    return request_id


def _change(store: Store, actor: str, request_id: int, action: str, sql: str,
            params: Callable[[datetime], list]) -> None:
    """Change an open request; `params` gets its receipt instant and gives the values of `sql`."""
    with store.transaction() as tx:
        row = tx.execute("SELECT status, received_at FROM requests WHERE id = ?", [request_id]).fetchone()
        if row is None:
            raise VernError(f"no request {request_id}")
        if row[0] not in OPEN:
            raise VernError(f"request {request_id} is {row[0]}: it is no longer open")
        tx.execute(f"UPDATE requests SET {sql} WHERE id = ?", [*params(row[1]), request_id])
        trail.append(tx, actor, f"request.{action}", str(request_id))


def _required(value: str, field: str, why: str) -> str:
    value = text.clean(value, field)
    if not value:
        raise VernError(f"{field}: {why}")
    return value


def verify(store: Store, actor: str, request_id: int, how: str, at: datetime | None = None) -> None:
    how = _required(how, "how", "say how the identity was verified")
    _change(store, actor, request_id, "verify", "verified_at = ?, verified_how = ?, status = 'in_progress'",
            lambda _: [at or clock.now(), store.keys.encrypt(how, SECRET["verified_how"])])


def extend(store: Store, actor: str, request_id: int, reason: str, told_on: date | None = None) -> None:
    """Extend by two further months (Art. 12(3)); `told_on` is when the person was told."""
    reason = _required(reason, "reason", "an extension needs a reason (Art. 12(3))")

    def params(received_at: datetime) -> list:
        if told_on is not None and not received_on(received_at) <= told_on <= clock.today():
            raise VernError("told_on: must lie between the day of receipt and today")
        return [clock.now(), store.keys.encrypt(reason, SECRET["extension_reason"]), told_on,
                due_on(received_at, legal_dates.EXTENDED_MONTHS)]

    _change(store, actor, request_id, "extend",
            "extended_at = ?, extension_reason = ?, told_on = ?, extended_due_on = ?", params)


def answer(store: Store, actor: str, request_id: int, at: datetime) -> None:
    if at > clock.now():
        raise VernError("at: lies in the future")

    def params(received_at: datetime) -> list:
        if at < received_at:
            raise VernError("at: before the request was received")
        return [at]

    _change(store, actor, request_id, "answer", "status = 'answered', answered_at = ?", params)


def refuse(store: Store, actor: str, request_id: int, ground: str, at: datetime | None = None) -> None:
    ground = _required(ground, "ground", "a refusal needs its legal ground (Art. 12(4))")
    _change(store, actor, request_id, "refuse", "status = 'refused', answered_at = ?, refusal_ground = ?",
            lambda _: [at or clock.now(), store.keys.encrypt(ground, SECRET["refusal_ground"])])


def _described(store: Store, row: dict[str, Any], today: date) -> dict[str, Any]:
    due, extended_due = row["due_on"], row["extended_due_on"]
    due_now = extended_due or due
    return {
        "id": row["id"], "kind": row["kind"], "status": row["status"], "channel": row["channel"],
        "received_at": clock.iso_utc(row["received_at"]), "due_on": due.isoformat(),
        "extended_due_on": extended_due.isoformat() if extended_due else None,
        "days_left": (due_now - today).days if row["status"] in OPEN else None,
        "requester": store.keys.decrypt(row["requester"], SECRET["requester"]),
        "verified_at": clock.iso_utc(row["verified_at"]),
        "verified_how": store.keys.decrypt(row["verified_how"], SECRET["verified_how"]),
        "extended_at": clock.iso_utc(row["extended_at"]),
        "extension_reason": store.keys.decrypt(row["extension_reason"], SECRET["extension_reason"]),
        "told_on": row["told_on"].isoformat() if row["told_on"] else None,
        "answered_at": clock.iso_utc(row["answered_at"]),
        "refusal_ground": store.keys.decrypt(row["refusal_ground"], SECRET["refusal_ground"]),
        "logged_by": row["logged_by"],
    }


def listing(store: Store, open_only: bool = False) -> list[dict[str, Any]]:
    where = "WHERE list_contains($open, status)" if open_only else ""
    rows = store.rows(f"SELECT * FROM requests {where} ORDER BY received_at, id", {"open": list(OPEN)}
                      if open_only else {})
    today = clock.today()
    return [_described(store, row, today) for row in rows]


def get(store: Store, request_id: int) -> dict[str, Any]:
    rows = store.rows("SELECT * FROM requests WHERE id = ?", [request_id])
    if not rows:
        raise VernError(f"no request {request_id}")
    return _described(store, rows[0], clock.today())
