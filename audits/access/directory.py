"""The people directory, the systems that hold personal data, and access grants (need to
know) — the evidence the access-log and training checks judge against.

Each import replaces its register whole, in one transaction. People are stored by
keyed pseudonym with name and email encrypted; error messages name line and field but
never repeat a person's name or address.

People come from the CSV import and from the directories Vern pulls (Entra ID, Google
Workspace: audits.sources.people). Each replaces only its own people (`people_sources`
says which a directory wrote); a directory is the source of truth, so a person it lists
takes the place of a CSV row for the same address, and the CSV keeps those without an
account (volunteers, mostly).
"""

import re
from dataclasses import dataclass
from pathlib import Path

from audits.access import logs as access_logs
from audits.core import clock, labels, pseudonyms, text, trail
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
    """The CSV's people in place of the CSV's earlier ones; a person a directory lists is
    the directory's, and their row is left out. How many were imported."""
    rows = csvfile.parse(path, PEOPLE, ("email", "name", "kind", "handles_personal_data", "started_on", "left_on"))
    _unique(rows, "email", path)
    _ordered(rows, "started_on", "left_on", path)
    keys = store.keys
    with store.transaction() as tx:
        pulled = {row[0] for row in tx.execute("SELECT person FROM people_sources").fetchall()}
        tx.execute("DELETE FROM people WHERE person NOT IN (SELECT person FROM people_sources)")
        kept = [r for _, r in rows if keys.pseudonym(r["email"]) not in pulled]
        _insert_people(tx, store, kept)
        superseded = {"superseded": len(rows) - len(kept)} if len(kept) < len(rows) else {}
        trail.append(tx, actor, "people.import", path.name, {"rows": len(rows), **superseded})
    return len(kept)


def _insert_people(tx, store: Store, records: list[dict]) -> None:
    """Checked records as rows: by pseudonym, name and email encrypted, the district a label."""
    if not records:
        return
    keys = store.keys
    districts = labels.remember_many(tx, keys, "district", {r["district"] for r in records if r["district"]})
    persons = pseudonyms.remember_many(tx, store, [r["email"] for r in records])
    tx.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
        [persons[r["email"]], keys.encrypt(r["name"], "people.name"), keys.encrypt(r["email"], "people.email"),
         r["kind"], r["handles_personal_data"], r["started_on"], r["left_on"], districts.get(r["district"])]
        for r in records])


@dataclass(frozen=True)
class Account:
    """An account a directory lists (audits.sources.people), its fields as a CSV row holds
    them, checked here by the CSV's own parsers."""
    id: str  # the directory's object id: how Vern names an account it could not read
    enabled: bool
    fields: dict[str, str]  # PEOPLE's but left_on; started_on empty when the directory knows no date


@dataclass(frozen=True)
class Synced:
    added: int  # new to the directory's people (a CSV row it took the place of, too)
    changed: int
    left: int  # disabled or no longer listed since the last pull
    skipped: int  # accounts that could not be read
    problems: list[Message]  # why, naming each by its id


def sync_people(store: Store, source: str, accounts: list[Account]) -> Synced:
    """The people of the directory `source` from the accounts it lists now, in one
    transaction. A disabled account is a person who left the day Vern first saw it so; an
    account no longer listed (deleted) is kept, left the day Vern first missed it: access
    after offboarding is judged either way. An account a field refuses is skipped and its
    person, if any, kept as it was; InputError when none can be read. A person another
    directory wrote stays that directory's."""
    today, keys = clock.today(), store.keys
    with store.transaction() as tx:
        before = {row[0]: dict(zip(_KNOWN, row, strict=True)) for row in tx.execute(
            f"SELECT {', '.join(_KNOWN)} FROM people LEFT JOIN people_sources USING (person)").fetchall()}
        records, listed, skipped, problems = {}, {}, 0, []
        for account in accounts:
            record, person, found = _read(account, keys, before, listed, today)
            if person:
                listed.setdefault(person, account.id)
            skipped += bool(found)
            problems.extend(found)
            if not found and before.get(person, {}).get("source") in (None, source):
                records[person] = record
        if skipped == len(accounts):  # nothing could be read: nothing is changed
            raise InputError(source, problems)
        written, counted = _changes(store, source, records, before)
        if written:
            tx.execute("DELETE FROM people WHERE list_contains(?, person)", [[person for person, _ in written]])
            _insert_people(tx, store, [record for _, record in written])
            tx.executemany("INSERT OR REPLACE INTO people_sources VALUES (?, ?)", [[p, source] for p, _ in written])
        gone = [person for person, row in before.items()
                if row["source"] == source and person not in listed and row["left_on"] is None]
        if gone:
            tx.execute("UPDATE people SET left_on = ? WHERE list_contains(?, person)", [today, gone])
        synced = Synced(counted["added"], counted["changed"], counted["left"] + len(gone), skipped, problems)
        trail.append(tx, trail.ACTOR, "people.sync", source, {
            "added": synced.added, "changed": synced.changed, "left": synced.left, "skipped": skipped})
    return synced


_KNOWN = ("person", "name", "kind", "handles_personal_data", "started_on", "left_on", "district", "source")


def _read(account: Account, keys, before: dict, listed: dict, today) -> tuple[dict, str | None, list[Message]]:
    """The account as a person's record: (record, their pseudonym when the address reads,
    what is wrong with it). Dates Vern knows from earlier pulls (or the CSV) are kept."""
    where = Message("sources.directory.account", {"id": account.id})
    try:
        person = keys.pseudonym(email_address(account.fields.get("email", "")))
    except ValueError:
        person = None
    if person in listed:  # a second account with the same address
        return {}, person, [Message("input.field", {"where": where, "field": "email", "why": Message(
            "directory.refused.same", {"first": Message("sources.directory.account", {"id": listed[person]})})})]
    known = before.get(person, {})
    started = account.fields.get("started_on") or (known.get("started_on") or today).isoformat()
    left = None if account.enabled else known.get("left_on") or today
    record, problems = csvfile.parse_record(
        {**account.fields, "started_on": started, "left_on": left.isoformat() if left else ""}, PEOPLE, where)
    if not problems and record["left_on"] and record["left_on"] < record["started_on"]:
        problems = [Message("input.field", {"where": where, "field": "left_on",
                                            "why": Message("directory.refused.before", {"start": "started_on"})})]
    return record, person, problems


def _changes(store: Store, source: str, records: dict, before: dict) -> tuple[list, dict[str, int]]:
    """The records that differ from what is stored, and how many of them are new, changed
    or newly left."""
    keys, written, counted = store.keys, [], {"added": 0, "changed": 0, "left": 0}
    for person, record in records.items():
        known = before.get(person)
        if known is None or known["source"] != source:
            counted["added"] += 1
        else:
            stored = (keys.decrypt(known["name"], "people.name"), known["kind"], known["handles_personal_data"],
                      known["started_on"], known["left_on"], known["district"])
            district = keys.label_ref("district", record["district"]) if record["district"] else None
            if stored == (record["name"], record["kind"], record["handles_personal_data"], record["started_on"],
                          record["left_on"], district):
                continue
            counted["left" if known["left_on"] is None and record["left_on"] else "changed"] += 1
        written.append((person, record))
    return written, counted


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
