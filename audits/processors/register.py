"""The processor register: who processes personal data for us, under which agreement
(GDPR Art. 28(3)), and where the data go (Chapter V, Art. 44-49)."""

from pathlib import Path
from typing import Any

import pycountry

from audits.checking.findings import UNHANDLED
from audits.core import clock, trail
from audits.core.errors import InputError
from audits.core.i18n import Message
from audits.core.store import Store
from audits.io import csvfile
from audits.processors.transfer_law import EEA, MECHANISMS

COLUMNS = ("name", "service", "countries", "transfer_mechanism", "dpf_certified",
           "dpa_signed_on", "dpa_expires_on", "last_reviewed_on")


def _countries(value: str) -> list[str]:
    codes = [code.strip().upper() for code in value.split(";") if code.strip()]
    if not codes:
        raise ValueError(Message("processors.refused.no_country"))
    for number, code in enumerate(codes, start=1):
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(Message("processors.refused.country", {"n": number}))
    return list(dict.fromkeys(codes))


PARSERS = {
    "name": csvfile.required,
    "service": csvfile.name(),
    "countries": _countries,
    "transfer_mechanism": csvfile.one_of(MECHANISMS),
    "dpf_certified": csvfile.yes_no,
    "dpa_signed_on": csvfile.date_or_none,
    "dpa_expires_on": csvfile.date_or_none,
    "last_reviewed_on": csvfile.date_or_none,
}


def parse(path: Path) -> list[dict[str, Any]]:
    """Every row checked; all problems reported together, naming line and field."""
    problems, records, first_line = [], [], {}
    for line, record in csvfile.parse(path, PARSERS, COLUMNS):
        key = (record["name"], record["service"])
        if key in first_line:
            problems.append(Message("input.field", {"where": Message("input.line", {"n": line}), "field": "name",
                                                    "why": Message("processors.refused.twice", {"first": first_line[key]})}))
        first_line.setdefault(key, line)
        records.append(record)
    if problems:
        raise InputError(str(path), problems)
    return records


def import_register(store: Store, path: Path, actor: str) -> int:
    """Replace the register with the file's contents, whole or not at all."""
    records = parse(path)
    now = clock.now()
    with store.transaction() as tx:
        tx.execute("DELETE FROM processors")
        tx.executemany(
            "INSERT INTO processors (name, service, countries, transfer_mechanism, dpf_certified, "
            "dpa_signed_on, dpa_expires_on, last_reviewed_on, source, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[*(r[c] for c in COLUMNS), path.name, now] for r in records])
        trail.append(tx, actor, "processors.import", path.name, {"rows": len(records)})
    return len(records)


def agreement_problem(row: dict[str, Any], today) -> str | None:
    """The rule an agreement breaks (Art. 28(3)): dpa_missing, dpa_expired, or None."""
    if row["dpa_signed_on"] is None:
        return "dpa_missing"
    if row["dpa_expires_on"] is not None and row["dpa_expires_on"] < today:
        return "dpa_expired"
    return None


def subject(name: str, service: str) -> str:
    return f"{name} – {service}" if service else name


def register(store: Store) -> list[dict[str, Any]]:
    rows = store.rows(
        "SELECT name, service, countries, transfer_mechanism, dpf_certified, dpa_signed_on, "
        "dpa_expires_on, last_reviewed_on, source, imported_at FROM processors ORDER BY name, service")
    for row in rows:
        row["outside_eea"] = [c for c in row["countries"] if c not in EEA]
    return rows


def open_findings_by_subject(store: Store) -> dict[str, int]:
    """How many findings that still want work each processor has."""
    rows = store.rows(
        "SELECT subject, count(*) AS n FROM findings WHERE check_id = 'processors' "
        "AND list_contains(?, status) GROUP BY subject", [list(UNHANDLED)])
    return {row["subject"]: row["n"] for row in rows}
