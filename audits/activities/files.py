"""The record of processing activities in files: read from .json or .csv (all problems
reported together, by record or line and field), written as CSV, Excel or JSON."""

import json
import re
from pathlib import Path
from typing import Any

from audits.activities.record import CSV_COLUMNS, FIELDS, LISTS, Problems, parse
from audits.core import text
from audits.core.errors import InputError
from audits.core.i18n import Message
from audits.io import csvfile, jsonfile


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
