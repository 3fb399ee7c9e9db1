"""Spreadsheet exports that cannot run: every cell a spreadsheet could take for a formula
(starting with =, +, -, @, tab or carriage return) is prefixed with an apostrophe (OWASP)."""

import csv
import io
from typing import Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads æøå right."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
