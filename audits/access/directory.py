"""The people directory, the systems that hold personal data, and access grants (need to
know) — the evidence the access-log and training checks judge against.

Each import replaces its register whole, in one transaction. People are stored by
keyed pseudonym with name and email encrypted; error messages name line and field but
never repeat a person's name or address.
"""

import re
from pathlib import Path

from audits.access import logs as access_logs
from audits.core import labels, pseudonyms, text, trail
from audits.core.errors import InputError
from audits.core.i18n import Message
from audits.core.store import Store
from audits.io import csvfile

KINDS = ("employee", "volunteer", "board", "contractor")
CLASSIFICATIONS = ("open", "internal", "confidential", "strictly_confidential")
MATCH_KINDS = ("s3", "m365", "gdrive")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def email_address(value: str) -> str:
    # The value itself is personal data: the messages do not echo it.
    value = text.name(value, 254)  # RFC 5321's limit for a path
    if not EMAIL.fullmatch(value):
        raise ValueError(Message("directory.refused.not_email"))
    return value.lower()


def _patterns(value: str) -> list[str]:
    patterns = [p.strip() for p in text.name(value, text.MAX_TEXT).split(";") if p.strip()]
    for number, pattern in enumerate(patterns, start=1):
        kind, _, target = pattern.partition(":")
        if kind not in MATCH_KINDS or not target:
            raise ValueError(Message("directory.refused.pattern", {"n": number, "kinds": ", ".join(MATCH_KINDS)}))
    return patterns


_YES_NO = csvfile.needed(csvfile.yes_no, Message("directory.yes_no_hint"))
PEOPLE = {
    "email": email_address, "name": csvfile.required, "kind": csvfile.one_of(KINDS),
    "handles_personal_data": _YES_NO, "started_on": csvfile.required_date,
    "left_on": csvfile.date_or_none, "district": csvfile.name(),
}
SYSTEMS = {
    "name": csvfile.required, "holds_personal_data": _YES_NO,
    "classification": csvfile.one_of(CLASSIFICATIONS), "match": _patterns,
}
GRANTS = {"email": email_address, "system": csvfile.required, "granted_on": csvfile.required_date,
          "revoked_on": csvfile.date_or_none}


def _at(line: int, field: str, key: str, place: str = "input.line", **values) -> Message:
    """A problem of field `field` on the file's line (or, with place="input.row", a table's row)."""
    return Message("input.field", {"where": Message(place, {"n": line}), "field": field, "why": Message(key, values)})


def _unique(rows: list[tuple[int, dict]], key: str, source: Path, place: str = "input.line") -> None:
    seen: dict = {}
    problems = [_at(line, key, "directory.refused.same", place, first=Message(place, {"n": seen[r[key]]}))
                for line, r in rows if seen.setdefault(r[key], line) != line]
    if problems:
        raise InputError(str(source), problems)


def _ordered(rows: list[tuple[int, dict]], start: str, end: str, source: Path) -> None:
    problems = [_at(line, end, "directory.refused.before", start=start) for line, r in rows
                if r[end] is not None and r[end] < r[start]]
    if problems:
        raise InputError(str(source), problems)


def import_people(store: Store, path: Path, actor: str) -> int:
    rows = csvfile.parse(path, PEOPLE, ("email", "name", "kind", "handles_personal_data", "started_on", "left_on"))
    _unique(rows, "email", path)
    _ordered(rows, "started_on", "left_on", path)
    keys = store.keys
    with store.transaction() as tx:
        tx.execute("DELETE FROM people")
        districts = labels.remember_many(tx, keys, "district", {r["district"] for _, r in rows if r["district"]})
        for _, r in rows:
            person = pseudonyms.remember(tx, store, r["email"])
            tx.execute("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [person, keys.encrypt(r["name"], "people.name"), keys.encrypt(r["email"], "people.email"),
                        r["kind"], r["handles_personal_data"], r["started_on"], r["left_on"],
                        districts.get(r["district"])])
        trail.append(tx, actor, "people.import", path.name, {"rows": len(rows)})
    return len(rows)


def import_systems(store: Store, path: Path, actor: str) -> int:
    rows = csvfile.parse(path, SYSTEMS, tuple(SYSTEMS))
    _unique(rows, "name", path)
    _replace_systems(store, [r for _, r in rows], actor, "systems.import", path.name)
    return len(rows)


def edit_systems(store: Store, rows: list[dict[str, str]], actor: str) -> int:
    """Replace the system list with rows edited on the dashboard, checked as an import is."""
    problems, records = [], []
    for number, row in enumerate(rows, start=1):
        values = {field: text.strip(str(row.get(field) or "")) for field in SYSTEMS}
        record, found = csvfile.parse_record(values, SYSTEMS, Message("input.row", {"n": number}))
        problems += found
        records.append((number, record))
    source = Path("systems (dashboard)")
    if problems:
        raise InputError(str(source), problems)
    _unique(records, "name", source, "input.row")
    _replace_systems(store, [r for _, r in records], actor, "systems.edit", "dashboard")
    return len(records)


def _replace_systems(store: Store, records: list[dict], actor: str, action: str, source: str) -> None:
    with store.transaction() as tx:
        tx.execute("DELETE FROM systems")
        if records:
            tx.executemany("INSERT INTO systems VALUES (?, ?, ?, ?)",
                           [[r["name"], r["holds_personal_data"], r["classification"], r["match"]]
                            for r in records])
        access_logs.map_resources(tx)
        trail.append(tx, actor, action, source, {"rows": len(records)})


def import_grants(store: Store, path: Path, actor: str) -> int:
    rows = csvfile.parse(path, GRANTS, ("email", "system", "granted_on", "revoked_on"))
    _ordered(rows, "granted_on", "revoked_on", path)
    systems = {r["name"] for r in store.rows("SELECT name FROM systems")}
    people = {r["person"] for r in store.rows("SELECT person FROM people")}
    problems = [(line, _at(line, "system", "directory.refused.no_system"))
                for line, r in rows if r["system"] not in systems]
    problems += [(line, _at(line, "email", "directory.refused.no_person"))
                 for line, r in rows if store.keys.pseudonym(r["email"]) not in people]
    if problems:
        raise InputError(str(path), [problem for _, problem in sorted(problems, key=lambda p: p[0])])
    with store.transaction() as tx:
        tx.execute("DELETE FROM grants")
        tx.executemany("INSERT INTO grants VALUES (?, ?, ?, ?)",
                       [[store.keys.pseudonym(r["email"]), r["system"], r["granted_on"], r["revoked_on"]]
                        for _, r in rows])
        trail.append(tx, actor, "grants.import", path.name, {"rows": len(rows)})
    return len(rows)


def people(store: Store) -> list[dict]:
    """The directory by pseudonym: no names (re-identification is a recorded act)."""
    rows = store.rows("SELECT person, kind, handles_personal_data, started_on, left_on, district "
                      "FROM people ORDER BY person")
    districts = labels.texts(store, (row["district"] for row in rows))
    return [{**row, "district": districts.get(row["district"])} for row in rows]


def systems(store: Store) -> list[dict]:
    return store.rows("SELECT * FROM systems ORDER BY name")
