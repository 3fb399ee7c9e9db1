"""Training completions: an LMS export (CSV) or xAPI statements from a learning record
store, stored by the same pseudonym as the people directory and the access logs.

An import is one transaction: a bad record refuses it whole, naming file, record (or
line) and field. Re-importing changes nothing (statement ids, or a hash of the CSV row).
Completions of people not in the directory, and of courses no one is required to take,
are kept and reported, never silently dropped.
"""

import hashlib
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from audits.access.directory import email_address
from audits.access.logs import files_under
from audits.core import clock, labels, pseudonyms, text, trail
from audits.core.errors import InputError, VernError, reason
from audits.core.i18n import Message
from audits.core.store import Store
from audits.io import csvfile, jsonfile, mail

FORMATS = ("csv", "xapi")
MAX_COURSE = 500
MAX_IRI = 2000  # statement, verb and activity ids
COUNTING_VERBS = ("http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed")


@dataclass(frozen=True)
class Completion:
    record_id: str
    identity: str  # an email address, or the account when no address is known
    course: str
    completed_on: date
    expires_on: date | None = None
    score: float | None = None


@dataclass(frozen=True)
class Imported:
    files: int
    completions: int  # read from the files
    added: int  # new to the store
    not_counted: int = 0  # xAPI statements that are no completion (failed, attempted, ...)
    unknown_people: int = 0  # completions by people not in the directory
    unknown_courses: tuple[str, ...] = ()  # courses no one is required to take


def _score(value: str) -> float | None:
    if not value:
        return None
    try:
        score = float(value.replace(",", "."))
    except ValueError:
        raise ValueError(Message("training.refused.not_number")) from None
    if not math.isfinite(score):
        raise ValueError(Message("training.refused.not_finite"))
    return score


CSV_FIELDS = {"email": email_address, "course": csvfile.needed(csvfile.name(MAX_COURSE)),
              "completed_on": csvfile.required_date,
              "score": _score, "expires_on": csvfile.date_or_none}


def _from_csv(path: Path) -> list[Completion]:
    rows = csvfile.parse(path, CSV_FIELDS, ("email", "course", "completed_on"))
    problems = [Message("input.field", {"where": Message("input.line", {"n": line}), "field": "expires_on",
                                        "why": Message("directory.refused.before", {"start": "completed_on"})})
                for line, r in rows if r["expires_on"] and r["expires_on"] < r["completed_on"]]
    if problems:
        raise InputError(str(path), problems)
    return [Completion(_hash(r["email"], r["course"], r["completed_on"].isoformat()), r["email"], r["course"],
                       r["completed_on"], r["expires_on"], r["score"]) for _, r in rows]


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _statements(path: Path) -> Iterator[tuple[int, object]]:
    """(record, statement): a JSON array, an LRS's answer (a StatementResult: `{"statements":
    [...], "more": ...}`), or one statement per line."""
    content = jsonfile.read_text(path)
    if content.lstrip().startswith("["):
        statements = jsonfile.loads(content, str(path), Message("json.what.xapi_statements"))
        if not isinstance(statements, list):
            raise InputError(str(path), [Message("training.refused.not_array")])
        yield from enumerate(statements, start=1)
        return
    lines = content.splitlines()
    filled = [raw for raw in lines if raw.strip()]
    if filled and (len(filled) == 1 or not _one_value(filled[0])):  # one document, maybe over many lines
        document = jsonfile.loads(content, str(path), Message("json.what.xapi_statements"))
        if isinstance(document, dict) and "statements" in document:
            yield from result_statements(document, str(path))
        else:
            yield 1, document
        return
    for line, raw in enumerate(lines, start=1):
        if raw.strip():
            yield line, jsonfile.loads(raw, str(path), Message("json.what.xapi_statement"), line)


def _one_value(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def result_statements(result: object, source: str) -> Iterator[tuple[int, object]]:
    """(record, statement) of a StatementResult, as an LRS answers `GET /statements`."""
    statements = result.get("statements") if isinstance(result, dict) else None
    if not isinstance(statements, list):
        raise InputError(source, [Message("training.refused.not_result")])
    yield from enumerate(statements, start=1)


class _Refused(Exception):
    """A statement's field refused: which field, and why (a Message)."""

    def __init__(self, field: str, why: Message):
        super().__init__(field, why)
        self.field, self.why = field, why


def _missing(field: str) -> _Refused:
    return _Refused(field, Message("training.refused.missing"))


def _text(value: str, field: str, max_length: int) -> str:
    try:
        return text.name(value, max_length)
    except ValueError as error:
        raise _Refused(field, reason(error)) from None


def _path(statement: object, *keys: str):
    for key in keys:
        statement = statement.get(key) if isinstance(statement, dict) else None
    return statement


def _address(value: str, field: str) -> str:
    try:
        return email_address(value)
    except ValueError as error:
        raise _Refused(field, reason(error)) from None


def _identity(statement: dict, account_domain: str) -> str:
    mbox = _path(statement, "actor", "mbox")
    if isinstance(mbox, str) and mbox.lower().startswith("mailto:"):
        return _address(_text(mbox[len("mailto:"):], "actor.mbox", 254), "actor.mbox")
    name, home = _path(statement, "actor", "account", "name"), _path(statement, "actor", "account", "homePage")
    if isinstance(name, str) and name:
        name = _text(name, "actor.account.name", 254)
        home = _text(home if isinstance(home, str) else "", "actor.account.homePage", 200)
        if "@" in name:
            return _address(name, "actor.account.name")
        if account_domain:
            return _address(f"{name}@{account_domain}", "actor.account.name")
        return f"{home or ''}|{name}".lower()  # no address: an unknown person until the directory says otherwise
    raise _Refused("actor", Message("training.refused.no_actor"))


def _course(statement: dict, mapped: dict[str, str], known: set[str]) -> str:
    object_id = _path(statement, "object", "id")
    if not isinstance(object_id, str) or not object_id:
        raise _missing("object.id")
    object_id = _text(object_id, "object.id", MAX_IRI)
    if object_id in mapped:
        return mapped[object_id]
    names = _path(statement, "object", "definition", "name")
    names = [n for n in names.values() if isinstance(n, str)] if isinstance(names, dict) else []
    by_lower = {course.lower(): course for course in known}
    return next((by_lower[n.strip().lower()] for n in names if n.strip().lower() in by_lower),
                names[0].strip() if names else object_id)


def _completion(statement: dict, verb: str, settings: dict, known: set[str]) -> Completion:
    stamp = statement.get("timestamp")
    if not isinstance(stamp, str):
        raise _missing("timestamp")
    try:
        completed = csvfile.instant_or_none(_text(stamp, "timestamp", 100))
    except ValueError:
        raise _Refused("timestamp", Message("training.refused.not_instant")) from None
    if completed is None:
        raise _missing("timestamp")
    identity = _identity(statement, settings["account_domain"])
    course = _text(_course(statement, settings["xapi_courses"], known), "object (the course)", MAX_COURSE)
    scaled = _path(statement, "result", "score", "scaled")
    if scaled is not None and (isinstance(scaled, bool) or not isinstance(scaled, int | float)
                               or not -1 <= scaled <= 1):
        raise _Refused("result.score.scaled", Message("training.refused.scaled"))
    record_id = statement.get("id")
    if record_id is not None and not isinstance(record_id, str):
        raise _Refused("id", Message("training.refused.id"))
    record_id = _text(record_id, "id", MAX_IRI) if record_id else _hash(identity, course, stamp, verb)
    return Completion(record_id, identity, course, completed.astimezone(clock.OSLO).date(), None,
                      scaled * 100 if scaled is not None else None)


def _from_xapi(path: Path, settings: dict, known: set[str]) -> tuple[list[Completion], int]:
    return read_statements(_statements(path), str(path), settings, known)


def read_statements(statements: Iterable[tuple[int, object]], source: str, settings: dict,
                    known: set[str]) -> tuple[list[Completion], int]:
    """The completions among (record, statement), and how many statements were no completion;
    every refused field of `source` (a file, or a page an LRS answered) together."""
    completions, skipped, problems = [], 0, []
    for record, statement in statements:
        try:
            if not isinstance(statement, dict):
                problems.append(Message("input.at", {"where": Message("input.record", {"n": record}),
                                                     "why": Message("training.refused.not_statement")}))
                continue
            verb = _path(statement, "verb", "id")
            if not isinstance(verb, str) or not verb:
                raise _missing("verb.id")
            verb = _text(verb, "verb.id", MAX_IRI)
            success = _path(statement, "result", "success")
            if success is not None and not isinstance(success, bool):
                raise _Refused("result.success", Message("training.refused.not_bool"))
            if verb not in COUNTING_VERBS or success is False:
                skipped += 1
                continue
            completions.append(_completion(statement, verb, settings, known))
        except _Refused as error:
            problems.append(Message("input.field", {"where": Message("input.record", {"n": record}),
                                                    "field": error.field, "why": error.why}))
    if problems:
        raise InputError(source, problems)
    return completions, skipped


def required_courses(settings: dict) -> set[str]:
    return {course for courses in settings["courses"].values() for course in courses}


def import_files(store: Store, paths: list[Path], fmt: str, settings: dict, actor: str) -> Imported:
    """Import completions of one format, all or nothing. `settings`: the training check's."""
    if fmt not in FORMATS:
        raise VernError("training.refused.format", field="format", format=text.key(fmt), allowed=", ".join(FORMATS))
    files = files_under(paths, fmt)
    known = required_courses(settings)
    read, skipped = [], 0
    for path in files:
        if fmt == "csv":
            read += [(path.name, c) for c in _from_csv(path)]
        else:
            completions, not_counted = _from_xapi(path, settings, known)
            read += [(path.name, c) for c in completions]
            skipped += not_counted
    with store.transaction() as tx:
        added, unknown_people, unknown_courses = store_completions(tx, store, fmt, read, known)
        trail.append(tx, actor, "training.import", fmt,
                     {"files": len(files), "completions": len(read), "added": added})
    return Imported(len(files), len(read), added, skipped, unknown_people, unknown_courses)


def store_completions(tx, store: Store, fmt: str, read: list[tuple[str, Completion]],
                      known: set[str]) -> tuple[int, int, tuple[str, ...]]:
    """Store (where read, completion) not stored yet, inside the caller's transaction: how
    many were added, how many are of people not in the directory, and the courses no one
    is required to take."""
    now = clock.now()
    persons = pseudonyms.remember_many(tx, store, {c.identity for _, c in read})
    stored = {r[0] for r in tx.execute(
        "SELECT record_id FROM training_completions WHERE source = ? AND list_contains(?, record_id)",
        [fmt, [c.record_id for _, c in read]]).fetchall()}
    new = {}  # the first of each record not stored yet
    for where, c in read:
        if c.record_id not in stored:
            new.setdefault(c.record_id, [fmt, c.record_id, persons[c.identity], c.course, c.completed_on,
                                         c.expires_on, c.score, where, now])
    if new:
        tx.executemany("INSERT INTO training_completions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", list(new.values()))
    people = {r[0] for r in tx.execute("SELECT person FROM people").fetchall()}
    unknown_people = len(set(persons.values()) - people)
    return len(new), unknown_people, tuple(sorted({c.course for _, c in read} - known))


def reminder_rows(store: Store, status: list[dict]) -> list[dict]:
    """Who should be reminded of what, by name and address (for the adviser only)."""
    wanted = [row for row in status if row["status"] in ("missing", "expired", "due_soon", "new")]
    people = {r["person"]: r for r in store.rows(
        "SELECT person, name, email FROM people WHERE list_contains(?, person)",
        [sorted({row["person"] for row in wanted})])}
    keys = store.keys
    districts = labels.texts(store, (row["district"] for row in wanted))
    return [{
        "name": keys.decrypt(people[row["person"]]["name"], "people.name"),
        "email": keys.decrypt(people[row["person"]]["email"], "people.email"),
        "kind": row["kind"], "district": districts.get(row["district"], ""), "course": row["course"],
        "status": row["status"],
        "by": (row["due"] if row["status"] in ("missing", "new") else row["valid_until"]).isoformat(),
    } for row in sorted(wanted, key=lambda r: (r["status"], r["person"], r["course"]))]


REMINDER_SUBJECT = "Påminnelse: personvernopplæring / Reminder: privacy training"


def reminder_text(courses: list[dict]) -> str:
    lines = [f"- {c['course']}: {'innen' if c['status'] in ('missing', 'new') else 'gyldig til'} {c['by']}"
             for c in courses]
    english = [f"- {c['course']}: {'by' if c['status'] in ('missing', 'new') else 'valid until'} {c['by']}"
               for c in courses]
    return ("Hei!\n\nVåre opplysninger viser at du trenger å ta (eller fornye) personvernopplæringen:\n"
            + "\n".join(lines) + "\n\nHello,\n\nOur records show you need to take (or renew) privacy training:\n"
            + "\n".join(english) + "\n")


def send_reminders(store: Store, mail_settings: dict, rows: list[dict], actor: str) -> int:
    """One mail to each person on the list, through the configured SMTP server."""
    by_person: dict[str, list[dict]] = {}
    for row in rows:
        by_person.setdefault(row["email"], []).append(row)
    for address, courses in by_person.items():
        mail.send(mail_settings, [address], REMINDER_SUBJECT, reminder_text(courses))
    trail.record(store, actor, "training.reminders", "mail", {"people": len(by_person)})
    return len(by_person)
