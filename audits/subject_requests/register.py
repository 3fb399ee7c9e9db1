"""Data-subject requests (GDPR Art. 12-22), each answered on time: one month from receipt
(Art. 12(3)), extendable by two further months with the person told within the first month.
Due dates follow audits.legal_dates (Reg. 1182/71, Norwegian public holidays). The
requester and every free text are encrypted; each change lands in the audit trail.

A marketing opt-out, or an objection given with the address the marketing goes to, writes a
withdrawal into the consent register (origin 'request'), so the consent check judges every
later send against it. An erasure gets a task per system that holds personal data, fixed
when it is logged; it can be answered only when each task has its outcome."""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from audits.access.directory import email_address
from audits.core import clock, legal_dates, pseudonyms, text, trail
from audits.core.errors import InputError, VernError, reason
from audits.core.i18n import Message, t
from audits.core.store import Store
from audits.io import csvfile, jsonfile

KINDS = ("access", "rectification", "erasure", "restriction", "objection", "portability",
         "marketing_opt_out", "automated_decision")
OPEN = ("received", "in_progress")
DUE_SOON_DAYS = 7  # due within a week: the review queue, the check's dsr_due_soon, the overview
WITHDRAWS = ("marketing_opt_out", "objection")  # withdraw consent to marketing (Art. 7(3), 21(2)-(3))
OUTCOMES = ("erased", "kept", "nothing_found")  # of an erasure task; kept needs its ground (Art. 17(3))
FIELDS = ("received_at", "kind", "channel", "requester", "email")
SECRET = {"requester": "requests.requester", "channel": "requests.channel", "verified_how": "requests.verified_how",
          "extension_reason": "requests.extension_reason", "refusal_ground": "requests.refusal_ground",
          "note": "erasure_tasks.note"}
# Every system in the system list or named by an activity.
KNOWN_SYSTEMS = "SELECT name FROM systems UNION SELECT DISTINCT unnest(systems) FROM activities"
# An erasure's tasks: each system that holds personal data or is named by an activity,
# with the activities naming it.
ERASURE_TASKS = """
    WITH named AS (SELECT unnest(systems) AS system, name FROM activities)
    SELECT s.system, coalesce(list(n.name ORDER BY n.name) FILTER (WHERE n.name IS NOT NULL), [])
    FROM (SELECT name AS system FROM systems WHERE holds_personal_data UNION SELECT system FROM named) s
    LEFT JOIN named n USING (system) GROUP BY s.system ORDER BY s.system"""


def kind_words(kind: str, lang: str) -> str:
    """The kind as words inside a sentence: 'innsyn (art. 15)', 'access (Art. 15)'."""
    label = t(f"requests.kind.{kind}", lang)
    return label[:1].lower() + label[1:]


def received_on(received_at: datetime) -> date:
    """The clock counts from the Oslo day of receipt."""
    return clock.local(received_at).date()


def due_on(received_at: datetime, months: int = legal_dates.ANSWER_MONTHS) -> date:
    """Fixed when the request is logged (and extended), so queries can compare dates."""
    return legal_dates.due_on(received_on(received_at), months)


# The due date in force (Art. 12(3)): the extended one once extended, else the first. Over the
# requests table in SQL; `due_in_force` says the same of one request in Python.
DUE_IN_FORCE = "coalesce(extended_due_on, due_on)"


def due_in_force(request: Mapping[str, Any]) -> date | str:
    """The due date in force of a stored row (a date) or a described record (an ISO date)."""
    return request["extended_due_on"] or request["due_on"]


def _problem(field: str, key: str, **values) -> Message:
    """A problem of one field of the request."""
    return Message("requests.refused.field", {"field": field, "why": Message(key, values)})


def _refused(field: str, error: ValueError) -> Message:
    """A field parser's refusal, as a problem of that field."""
    return Message("requests.refused.field", {"field": field, "why": reason(error)})


def _parse(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InputError(source, [Message("requests.refused.not_object")])
    problems, record = [], {}
    problems += [_problem(text.key(key), "requests.refused.unknown", known=", ".join(FIELDS))
                 for key in data if key not in FIELDS]
    try:
        received_at = csvfile.from_json(csvfile.instant_or_none, Message("input.must_be_instant"))(
            data.get("received_at"))
        if received_at is None:
            problems.append(_problem("received_at", "input.required_hint", hint=csvfile.INSTANT_HINT))
        elif received_at > clock.now():
            problems.append(_problem("received_at", "input.future"))
        record["received_at"] = received_at
    except ValueError as error:
        problems.append(_refused("received_at", error))
    kind = data.get("kind")
    if kind not in KINDS:
        problems.append(_problem("kind", "input.not_one_of", allowed=", ".join(KINDS)))
    record["kind"] = kind
    for field, parser in (("channel", csvfile.name(200)), ("requester", csvfile.free_text(500))):
        try:
            record[field] = csvfile.from_json(parser)(data.get(field))
        except ValueError as error:
            problems.append(_refused(field, error))
            continue
        if not record[field]:
            problems.append(_problem(field, "input.required"))
    record["email"] = None
    email = data.get("email")
    email = email.strip() if isinstance(email, str) else email
    if email not in (None, ""):
        try:
            record["email"] = email_address(email if isinstance(email, str) else "")
        except ValueError as error:
            problems.append(_refused("email", error))
    elif kind == "marketing_opt_out":
        problems.append(_problem("email", "requests.refused.email_needed"))
    if problems:
        raise InputError(source, problems)
    return record


def add_file(store: Store, actor: str, path: Path) -> int:
    """Log the request in a JSON file (received_at, kind, channel, requester)."""
    return add(store, actor, jsonfile.read(path, Message("json.what.request")), str(path))


def add(store: Store, actor: str, data: Any, source: str = "request") -> int:
    record = _parse(data, source)
    now = clock.now()
    with store.transaction() as tx:
        person = pseudonyms.remember(tx, store, record["email"]) if record["email"] else None
        request_id = tx.execute(
            # The next number after the highest (one writer at a time): a reloaded demo keeps its numbers.
            "INSERT INTO requests (id, received_at, channel, kind, requester, status, due_on, logged_by, logged_at, "
            "person) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM requests), ?, ?, ?, ?, 'received', ?, ?, ?, ?) "
            "RETURNING id",
            [record["received_at"], store.keys.encrypt(record["channel"], SECRET["channel"]), record["kind"],
             store.keys.encrypt(record["requester"], SECRET["requester"]), due_on(record["received_at"]),
             actor, now, person]).fetchone()[0]
        details = {"kind": record["kind"]}
        if person and record["kind"] in WITHDRAWS:
            tx.execute("INSERT INTO consents VALUES (?, '*', NULL, ?, ?, 'request')",
                       [person, record["received_at"], f"request #{request_id}"])
            details["consent_withdrawn"] = True
        if record["kind"] == "erasure":
            tasks = tx.execute(ERASURE_TASKS).fetchall()
            if tasks:
                tx.executemany("INSERT INTO erasure_tasks (request_id, system, activities) VALUES (?, ?, ?)",
                               [[request_id, system, activities] for system, activities in tasks])
            details["erasure_tasks"] = len(tasks)
        trail.append(tx, actor, "request.add", str(request_id), details)
    return request_id


def _open(tx, request_id: int) -> dict[str, Any]:
    """The request's kind, receipt and first due date, read in the change's own transaction;
    only while open."""
    row = tx.execute("SELECT status, kind, received_at, due_on FROM requests WHERE id = ?", [request_id]).fetchone()
    if row is None:
        raise VernError("requests.refused.not_found", id=request_id)
    if row[0] not in OPEN:
        raise VernError("requests.refused.closed", id=request_id, status=Message(f"requests.status.{row[0]}"))
    return {"kind": row[1], "received_at": row[2], "due_on": row[3]}


def _change(store: Store, actor: str, request_id: int, action: str, sql: str,
            params: Callable[[Any, dict[str, Any]], list]) -> None:
    """Change an open request; `params` gets the transaction and the request (kind, receipt)
    and gives the values of `sql`."""
    with store.transaction() as tx:
        request = _open(tx, request_id)
        tx.execute(f"UPDATE requests SET {sql} WHERE id = ?", [*params(tx, request), request_id])
        trail.append(tx, actor, f"request.{action}", str(request_id))


def _required(value: str, field: str, why: Message) -> str:
    value = text.clean(value, field)
    if not value:
        raise VernError("text.refused", field=field, why=why)
    return value


def _when(at: datetime, request: dict[str, Any]) -> datetime:
    """An instant of handling lies between the receipt and now."""
    if at > clock.now():
        raise VernError("text.refused", field="at", why=Message("input.future"))
    if at < request["received_at"]:
        raise VernError("text.refused", field="at", why=Message("requests.refused.before_received"))
    return at


def verify(store: Store, actor: str, request_id: int, how: str, at: datetime | None = None) -> None:
    how = _required(how, "how", Message("requests.refused.how"))
    _change(store, actor, request_id, "verify", "verified_at = ?, verified_how = ?, status = 'in_progress'",
            lambda _, request: [_when(at or clock.now(), request), store.keys.encrypt(how, SECRET["verified_how"])])


def extend(store: Store, actor: str, request_id: int, reason: str, told_on: date | None = None) -> None:
    """Extend by two further months (Art. 12(3)); `told_on` is when the person was told.
    Extending again records a later `told_on`."""
    reason = _required(reason, "reason", Message("requests.refused.reason"))

    def params(_, request: dict[str, Any]) -> list:
        received_at = request["received_at"]
        if told_on is not None and not received_on(received_at) <= told_on <= clock.today():
            raise VernError("text.refused", field="told_on", why=Message("requests.refused.told_on"))
        # Once the first month is over, only an extension the person was told of in it stands.
        if clock.today() > request["due_on"] and (told_on is None or told_on > request["due_on"]):
            raise VernError("requests.refused.month_over", field="told_on", due=request["due_on"].isoformat())
        return [clock.now(), store.keys.encrypt(reason, SECRET["extension_reason"]), told_on,
                due_on(received_at, legal_dates.EXTENDED_MONTHS)]

    _change(store, actor, request_id, "extend",
            "extended_at = ?, extension_reason = ?, told_on = ?, extended_due_on = ?", params)


def answer(store: Store, actor: str, request_id: int, at: datetime) -> None:
    def params(tx, request: dict[str, Any]) -> list:
        _when(at, request)
        if request["kind"] == "erasure":
            left = [row[0] for row in tx.execute("SELECT system FROM erasure_tasks WHERE request_id = ? "
                                                  "AND outcome IS NULL ORDER BY system", [request_id]).fetchall()]
            if left:
                raise VernError("requests.refused.tasks_open", systems=", ".join(left))
        return [at]

    _change(store, actor, request_id, "answer", "status = 'answered', answered_at = ?", params)


def refuse(store: Store, actor: str, request_id: int, ground: str, at: datetime | None = None) -> None:
    ground = _required(ground, "ground", Message("requests.refused.ground"))
    _change(store, actor, request_id, "refuse", "status = 'refused', answered_at = ?, refusal_ground = ?",
            lambda _, request: [_when(at or clock.now(), request),
                                store.keys.encrypt(ground, SECRET["refusal_ground"])])


def _known(tx, systems: list[str]) -> list[str]:
    """The named systems, trimmed and sorted, each in the system list or named by an activity."""
    known = [row[0] for row in tx.execute(f"SELECT name FROM ({KNOWN_SYSTEMS}) ORDER BY name").fetchall()]
    names = [text.clean_name(system, "system") for system in systems]
    for name in names:
        if name not in known:
            raise VernError("text.refused", field="system", why=Message(
                "requests.refused.unknown_system", {"known": ", ".join(known) or Message("requests.refused.none")}))
    return sorted(set(names))


def search(store: Store, actor: str, request_id: int, systems: list[str]) -> None:
    """Record the systems searched for the person (any kind of request)."""
    if not systems:
        raise VernError("text.refused", field="system", why=Message("requests.refused.no_system"))
    now = clock.now()
    with store.transaction() as tx:
        _open(tx, request_id)
        names = _known(tx, systems)
        tx.executemany("INSERT INTO request_systems VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                       [[request_id, name, now, actor] for name in names])
        tx.execute("UPDATE requests SET status = 'in_progress' WHERE id = ?", [request_id])
        trail.append(tx, actor, "request.search", str(request_id), {"systems": names})


def erase(store: Store, actor: str, request_id: int, system: str, outcome: str, note: str = "") -> None:
    """Record one system's erasure task: erased, kept (with its ground, Art. 17(3)) or
    nothing found. The system counts as searched too."""
    if outcome not in OUTCOMES:
        raise VernError("text.refused", field="outcome", why=Message("input.not_one_of", {"allowed": ", ".join(OUTCOMES)}))
    system = text.clean_name(system, "system")
    note = text.clean(note, "note")
    if outcome == "kept" and not note:
        raise VernError("text.refused", field="note", why=Message("requests.refused.kept_ground"))
    now = clock.now()
    with store.transaction() as tx:
        if _open(tx, request_id)["kind"] != "erasure":
            raise VernError("requests.refused.not_erasure", id=request_id)
        found = tx.execute("UPDATE erasure_tasks SET outcome = ?, note = ?, done_at = ?, done_by = ? "
                           "WHERE request_id = ? AND system = ? RETURNING system",
                           [outcome, store.keys.encrypt(note, SECRET["note"]) if note else None, now, actor,
                            request_id, system]).fetchone()
        if found is None:
            tasks = [row[0] for row in tx.execute("SELECT system FROM erasure_tasks WHERE request_id = ? "
                                                   "ORDER BY system", [request_id]).fetchall()]
            raise VernError("text.refused", field="system", why=Message(
                "requests.refused.no_task", {"tasks": ", ".join(tasks) or Message("requests.refused.none")}))
        tx.execute("INSERT INTO request_systems VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   [request_id, system, now, actor])
        tx.execute("UPDATE requests SET status = 'in_progress' WHERE id = ?", [request_id])
        trail.append(tx, actor, "request.erase", str(request_id), {"system": system, "outcome": outcome})


def summary(store: Store) -> dict[str, int]:
    """Counts for the overview, in one query: no requester, no text."""
    return store.rows(f"""
        SELECT count(*) FILTER (WHERE open) AS open,
               count(*) FILTER (WHERE open AND due BETWEEN $today AND $today + $soon) AS due_soon,
               count(*) FILTER (WHERE open AND due < $today) AS overdue
        FROM (SELECT list_contains($open, status) AS open, {DUE_IN_FORCE} AS due FROM requests)
    """, {"open": list(OPEN), "today": clock.today(), "soon": DUE_SOON_DAYS})[0]


def known_systems(store: Store) -> list[str]:
    return [row["name"] for row in store.rows(f"SELECT name FROM ({KNOWN_SYSTEMS}) ORDER BY name")]


def _described(store: Store, row: dict[str, Any], today: date) -> dict[str, Any]:
    due, extended_due = row["due_on"], row["extended_due_on"]
    return {
        "id": row["id"], "kind": row["kind"], "status": row["status"],
        "channel": store.keys.decrypt(row["channel"], SECRET["channel"]),
        "received_at": clock.iso_utc(row["received_at"]), "due_on": due.isoformat(),
        "extended_due_on": extended_due.isoformat() if extended_due else None,
        "days_left": (due_in_force(row) - today).days if row["status"] in OPEN else None,
        "requester": store.keys.decrypt(row["requester"], SECRET["requester"]),
        "verified_at": clock.iso_utc(row["verified_at"]),
        "verified_how": store.keys.decrypt(row["verified_how"], SECRET["verified_how"]),
        "extended_at": clock.iso_utc(row["extended_at"]),
        "extension_reason": store.keys.decrypt(row["extension_reason"], SECRET["extension_reason"]),
        "told_on": row["told_on"].isoformat() if row["told_on"] else None,
        "answered_at": clock.iso_utc(row["answered_at"]),
        "refusal_ground": store.keys.decrypt(row["refusal_ground"], SECRET["refusal_ground"]),
        "logged_by": row["logged_by"], "person": row["person"],
        "systems_searched": row["systems_searched"],
        "erasure_tasks": [{**task, "done_at": clock.iso_utc(task["done_at"]),
                           "note": store.keys.decrypt(task["note"], SECRET["note"])}
                          for task in row["erasure_tasks"]],
    }


# Each request with the systems searched and its erasure tasks.
WHOLE = """
    SELECT r.*,
           (SELECT coalesce(list(s.system ORDER BY s.system), []) FROM request_systems s
            WHERE s.request_id = r.id) AS systems_searched,
           (SELECT coalesce(list({'system': t.system, 'activities': t.activities, 'outcome': t.outcome,
                                  'note': t.note, 'done_at': t.done_at, 'done_by': t.done_by} ORDER BY t.system), [])
            FROM erasure_tasks t WHERE t.request_id = r.id) AS erasure_tasks
    FROM requests r"""


def listing(store: Store, open_only: bool = False, logged_by: str | None = None) -> list[dict[str, Any]]:
    """Requests by receipt; only the open ones, or only those `logged_by` logged, if asked."""
    rows = store.rows(f"""{WHOLE} WHERE (NOT $open_only OR list_contains($open, status))
                          AND ($logged_by IS NULL OR logged_by = $logged_by) ORDER BY received_at, id""",
                      {"open_only": open_only, "open": list(OPEN), "logged_by": logged_by})
    today = clock.today()
    return [_described(store, row, today) for row in rows]


def get(store: Store, request_id: int) -> dict[str, Any]:
    rows = store.rows(f"{WHOLE} WHERE id = ?", [request_id])
    if not rows:
        raise VernError("requests.refused.not_found", id=request_id)
    return _described(store, rows[0], clock.today())
