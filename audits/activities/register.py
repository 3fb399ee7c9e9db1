"""The record of processing activities (GDPR Art. 30): what the association does with
personal data, why, on which legal basis, for how long, with which processors and
systems, and how it screens for a DPIA (WP248 rev.01).

One shape for every way in and out: the JSON form of an activity (the issue's contract)
is what `parse` checks, what the CSV columns flatten, what the dashboard edits and what
`vern activities list --json` prints. An import replaces the register whole.
"""

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from audits.access.directory import CLASSIFICATIONS
from audits.activities.risk import LEVELS, assess
from audits.core import clock, text, trail
from audits.core.errors import InputError, VernError, reason
from audits.core.i18n import Message, joined
from audits.core.store import Store
from audits.core.text import MAX_NAME
from audits.io import csvfile, jsonfile

ROLES = ("controller", "processor")
LEGAL_BASES = tuple("abcdef")  # Art. 6(1)
ART9_CONDITIONS = tuple("abcdefghij")  # Art. 9(2)
SPECIAL_CATEGORIES = (  # Art. 9(1)
    "racial_or_ethnic_origin", "political_opinions", "religious_or_philosophical_beliefs",
    "trade_union_membership", "genetic", "biometric", "health", "sex_life_or_orientation")
DPIA_CRITERIA = (  # WP248 rev.01, section III.B.a
    "evaluation_scoring", "automated_decision_legal_effect", "systematic_monitoring", "sensitive_data",
    "large_scale", "matching_datasets", "vulnerable_subjects", "innovative_technology",
    "prevents_rights_exercise")
DPIA_STATUSES = ("not_started", "in_progress", "completed")
RETENTION_FROM = ("last_activity", "purpose_ended")
LISTS = ("special_categories", "data_subjects", "data_categories", "recipients", "processors",
         "security_measures", "systems", "dpia_criteria")
FIELDS = ("name", "role", "controller_name", "purpose", "legal_basis", "special_categories",
          "art9_condition", "data_subjects", "data_categories", "children", "recipients", "processors",
          "retention", "security_measures", "classification", "systems", "dpia_criteria", "dpia_status",
          "owner", "review_on", "risk_adjustment")
CSV_COLUMNS = (*FIELDS[:12], "retention_months", "retention_from", "retention_categories",
               "retention_statistics_exempt", *FIELDS[13:20], "adjusted_likelihood",
               "adjusted_severity", "adjust_reason")
COLUMNS = ("name", "role", "controller_name", "purpose", "legal_basis", "special_categories",
           "art9_condition", "data_subjects", "data_categories", "children", "recipients", "processors",
           "retention_months", "retention_from", "record_categories", "statistics_exempt",
           "security_measures", "classification", "systems", "dpia_criteria", "dpia_status", "owner",
           "review_on", "likelihood_set", "severity_set", "adjust_reason")
MAX_TEXT = 2000  # purpose, reasons
MAX_ITEM = 500  # one item of a list
MAX_ITEMS = 200


class Problems(Exception):
    """Every problem of one activity, each as (field or None for the whole, why)."""

    def __init__(self, problems: list[tuple[str | None, Message]]):
        super().__init__(problems)
        self.problems = problems


def _why(key: str, /, **values) -> ValueError:
    """A field refused, saying why (never quoting the value)."""
    return ValueError(Message(key, values))


# -- checking one activity ------------------------------------------------------------
def _text(value, field: str, max_length: int = MAX_TEXT) -> str | None:
    """Free text (tabs and line breaks allowed), or None."""
    return csvfile.from_json(csvfile.free_text(max_length))(value) or None


def _line(value, field: str, max_length: int = MAX_NAME) -> str | None:
    """A name or other one-line value, or None."""
    return csvfile.from_json(csvfile.name(max_length))(value) or None


def _choice(choices: tuple[str, ...]):
    def check(value, field: str) -> str | None:
        value = _line(value, field)
        return None if value is None else csvfile.one_of(choices)(value)
    return check


def _list(choices: tuple[str, ...] | None = None):
    def check(value, field: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise _why("activities.refused.not_list")
        if len(value) > MAX_ITEMS:
            raise _why("activities.refused.too_many_items", max=MAX_ITEMS)
        items = []
        for number, item in enumerate(value, start=1):
            try:
                items.append(_line(item, field, MAX_ITEM))
            except ValueError as error:
                raise _why("activities.refused.item", n=number, why=reason(error)) from None
        items = list(dict.fromkeys(item for item in items if item))
        if any(";" in item for item in items):
            raise _why("activities.refused.semicolon")
        if choices is not None:
            items = [item.lower() for item in items]
            unknown = [number for number, item in enumerate(items, start=1) if item not in choices]
            if unknown:
                raise _why("activities.refused.item_not_one_of", n=unknown[0], allowed=", ".join(choices))
        return items
    return check


def _bool(value, field: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _why("activities.refused.not_bool")
    return value


def _date(value, field: str) -> date | None:
    """A date as JSON writes it, or as the register holds it."""
    if isinstance(value, date):
        return value
    return csvfile.from_json(csvfile.date_or_none, Message("activities.refused.not_date"))(value)


def _object(value, field: str, keys: tuple[str, ...]) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _why("activities.refused.not_object", keys=", ".join(keys))
    unknown = [key for key in value if key not in keys]
    if unknown:
        raise _why("activities.refused.unknown_key", key=text.key(unknown[0]), known=", ".join(keys))
    return value


def _part(key: str, check, value, field: str):
    """A key inside an object, checked; its problem named "key: why"."""
    try:
        return check(value, field)
    except ValueError as error:
        raise _why("activities.refused.part", key=key, why=reason(error)) from None


def _months(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1200:
        raise _why("activities.refused.months")
    return value


def _required(check, why: Message):
    def required(value, field: str):
        result = check(value, field)
        if result is None:
            raise ValueError(why)
        return result
    return required


def _must_be_one_of(choices: tuple[str, ...]) -> Message:
    return Message("activities.refused.must_be_one_of", {"allowed": ", ".join(choices)})


def _retention(value, field: str) -> dict | None:
    value = _object(value, field, ("months", "from", "categories", "statistics_exempt"))
    if value is None:
        return None
    checks = {"months": _months, "from": _required(_choice(RETENTION_FROM), _must_be_one_of(RETENTION_FROM)),
              "categories": _list(),
              "statistics_exempt": _bool}
    return {key: _part(key, check, value.get(key), field) for key, check in checks.items()}


def _adjustment(value, field: str) -> dict | None:
    value = _object(value, field, ("likelihood", "severity", "reason"))
    if value is None:
        return None
    level = _required(_choice(LEVELS), _must_be_one_of(LEVELS))
    checks = {"likelihood": level, "severity": level,
              "reason": _required(_text, Message("activities.refused.no_reason"))}
    return {key: _part(key, check, value.get(key), field) for key, check in checks.items()}


def _name(value, field: str) -> str:
    return csvfile.from_json(csvfile.required)(value)


def _role(value, field: str) -> str:
    return _choice(ROLES)(value, field) or "controller"


def _dpia_status(value, field: str) -> str:
    return _choice(DPIA_STATUSES)(value, field) or "not_started"


CHECKS = {
    "name": _name, "role": _role, "controller_name": _line, "purpose": _text,
    "legal_basis": _choice(LEGAL_BASES), "special_categories": _list(SPECIAL_CATEGORIES),
    "art9_condition": _choice(ART9_CONDITIONS), "data_subjects": _list(), "data_categories": _list(),
    "children": _bool, "recipients": _list(), "processors": _list(), "retention": _retention,
    "security_measures": _list(), "classification": _choice(CLASSIFICATIONS), "systems": _list(),
    "dpia_criteria": _list(DPIA_CRITERIA), "dpia_status": _dpia_status, "owner": _line,
    "review_on": _date, "risk_adjustment": _adjustment,
}


def parse(data: Any) -> dict[str, Any]:
    """One activity in its JSON form, checked; raises Problems naming each bad field."""
    if not isinstance(data, dict):
        raise Problems([(None, Message("activities.refused.not_activity", {"fields": ", ".join(FIELDS)}))])
    # An exported register carries ids; an activity is known by its name, so they are ignored.
    problems = [(text.key(key), Message("activities.refused.unknown_field", {"known": ", ".join(FIELDS)}))
                for key in data if key not in CHECKS and key != "id"]
    record = {}
    for field, check in CHECKS.items():
        try:
            record[field] = check(data.get(field), field)
        except ValueError as error:
            problems.append((field, reason(error)))
    if not problems and record["role"] == "processor" and not record["controller_name"]:
        problems.append(("controller_name", Message("activities.refused.no_controller")))
    if problems:
        raise Problems(problems)
    return record


# -- files in and out -----------------------------------------------------------------
def _records_from_json(path: Path) -> list[tuple[str, Any]]:
    data = jsonfile.read(path, Message("json.what.activities"))
    if not isinstance(data, list):
        raise InputError(str(path), [Message("activities.refused.not_array")])
    return [(Message("input.record", {"n": number}), item) for number, item in enumerate(data, 1)]


def _split(value: str) -> list[str]:
    return [item for item in map(text.strip, value.split(";")) if item]


def _from_row(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row in the JSON form, so both are checked by `parse` alike."""
    data: dict[str, Any] = {key: row.get(key) or None for key in FIELDS if key in CSV_COLUMNS}
    for key in LISTS:
        data[key] = _split(row.get(key, ""))
    for key, column in (("children", "children"), ("statistics_exempt", "retention_statistics_exempt")):
        value = row.get(column, "")
        try:
            data[key] = csvfile.no_unless_yes(value)
        except ValueError:
            data[key] = value  # neither yes nor no: parse refuses it, naming the field
    if any(row.get(column) for column in ("retention_months", "retention_from", "retention_categories")):
        months = row.get("retention_months", "")
        data["retention"] = {"months": int(months) if re.fullmatch("[0-9]{1,9}", months) else months,
                             "from": row.get("retention_from") or None,
                             "categories": _split(row.get("retention_categories", "")),
                             "statistics_exempt": data["statistics_exempt"]}
    del data["statistics_exempt"]
    if row.get("adjusted_likelihood") or row.get("adjusted_severity") or row.get("adjust_reason"):
        data["risk_adjustment"] = {"likelihood": row.get("adjusted_likelihood") or None,
                                   "severity": row.get("adjusted_severity") or None,
                                   "reason": row.get("adjust_reason") or None}
    return data


def _records_from_csv(path: Path) -> list[tuple[str, Any]]:
    rows = csvfile.read_rows(path, ("name",))
    unknown = [column for column in rows[0][1] if column not in CSV_COLUMNS]
    if unknown:
        raise InputError(str(path), [csvfile.at_line(1, "activities.refused.unknown_columns", n=len(unknown),
                                                     columns=text.keys(unknown),
                                                     known=", ".join(CSV_COLUMNS))])
    return [(Message("input.line", {"n": line}), _from_row(row)) for line, row in rows]


# A key inside `retention` or `risk_adjustment` is a column of its own in the CSV form.
CSV_PARTS = {("retention", "months"): "retention_months", ("retention", "from"): "retention_from",
             ("retention", "categories"): "retention_categories",
             ("retention", "statistics_exempt"): "retention_statistics_exempt",
             ("risk_adjustment", "likelihood"): "adjusted_likelihood",
             ("risk_adjustment", "severity"): "adjusted_severity", ("risk_adjustment", "reason"): "adjust_reason"}


def _in_csv_terms(field: str | None, why: Message) -> tuple[str | None, Message]:
    """'field retention: months: why' as the CSV names it: 'field retention_months: why'."""
    if why.key == "activities.refused.part" and (field, why.values["key"]) in CSV_PARTS:
        return CSV_PARTS[field, why.values["key"]], why.values["why"]
    return field, why


def _located(where: Message, field: str | None, why: Message) -> Message:
    if field is None:
        return Message("input.at", {"where": where, "why": why})
    return Message("input.field", {"where": where, "field": field, "why": why})


def read_file(path: Path) -> list[dict[str, Any]]:
    """Every activity in a .json or .csv file, checked; all problems reported together."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise InputError(str(path), [Message("activities.refused.suffix")])
    items = _records_from_json(path) if suffix == ".json" else _records_from_csv(path)
    problems, records, first = [], [], {}
    for where, item in items:
        try:
            record = parse(item)
        except Problems as error:
            problems += [_located(where, *(_in_csv_terms(*problem) if suffix == ".csv" else problem))
                         for problem in error.problems]
            continue
        key = record["name"].lower()  # as SQL lower() compares them when ids are kept
        if key in first:
            problems.append(_located(where, "name", Message("activities.refused.same_name", {"first": first[key]})))
        first.setdefault(key, where)
        records.append(record)
    if problems:
        raise InputError(str(path), problems)
    if not records:
        raise InputError(str(path), [Message("activities.refused.no_activities")])
    return records


def to_csv(records: list[dict[str, Any]]) -> bytes:
    """The register as CSV, as the import reads it back."""
    from audits.io.export import csv_bytes  # imported here: the module loads openpyxl (0.2 s)

    return csv_bytes(export_rows(records), CSV_COLUMNS)


def to_xlsx(records: list[dict[str, Any]]) -> bytes:
    """The same rows as an Excel workbook."""
    from audits.io.export import xlsx_bytes  # imported here: the module loads openpyxl (0.2 s)

    return xlsx_bytes(export_rows(records), CSV_COLUMNS)


def export_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The register as spreadsheet rows: lists joined by `;`, as the import reads them."""
    rows = []
    for record in records:
        retention = record["retention"] or {}
        adjustment = record["risk_adjustment"] or {}
        row = {key: record[key] for key in FIELDS if key in CSV_COLUMNS}
        row.update({key: ";".join(record[key]) for key in LISTS})
        row.update(children="yes" if record["children"] else "no", review_on=record["review_on"] or "",
                   retention_months=retention.get("months", ""), retention_from=retention.get("from", ""),
                   retention_categories=";".join(retention.get("categories", [])),
                   retention_statistics_exempt="yes" if retention.get("statistics_exempt") else "",
                   adjusted_likelihood=adjustment.get("likelihood", ""),
                   adjusted_severity=adjustment.get("severity", ""), adjust_reason=adjustment.get("reason", ""))
        rows.append({column: "" if row[column] is None else row[column] for column in CSV_COLUMNS})
    return rows


def to_json(records: list[dict[str, Any]]) -> str:
    return json.dumps([{k: r[k] for k in ("id", *FIELDS) if k in r} for r in records],
                      indent=2, ensure_ascii=False, default=str)


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
