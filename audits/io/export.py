"""Spreadsheet exports that cannot run, for Norway: every list as CSV and as .xlsx.

CSV: UTF-8 with a byte-order mark (so Excel reads æøå), cells separated by semicolons as
Excel with Norwegian settings splits them. A cell holding ; , a quote, CR or LF is quoted,
so no part of it becomes a cell of its own; a text cell a spreadsheet could take for a
formula (starting with =, +, -, @, tab or carriage return) gets an apostrophe in front
(OWASP, CSV injection).

XLSX (openpyxl), which Excel opens alike in every locale: text is stored as text with its
exact value, never as a formula (line breaks as Excel's LF); numbers as numbers, dates as
dates, instants in Oslo wall time (Excel knows no time zones).
"""

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audits.core import clock

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
DELIMITER = ";"
QUOTED = (";", ",", '"', "\r", "\n")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(safe_cell(value))
    if any(mark in text for mark in QUOTED):
        return '"' + text.replace('"', '""') + '"'
    return text


def _header(rows: list[dict[str, Any]], columns: Sequence[str] | None) -> list[str]:
    return list(columns) if columns is not None else list(rows[0]) if rows else []


def csv_bytes(rows: list[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """`columns`: the header when there may be no rows (else the first row's keys)."""
    header = _header(rows, columns)
    lines = [header, *([row.get(column) for column in header] for row in rows)] if header else []
    text = "".join(DELIMITER.join(_csv_cell(v) for v in line) + "\r\n" for line in lines)
    return ("\ufeff" + text).encode("utf-8")


def _xlsx_cell(sheet, value: Any) -> Any:
    if isinstance(value, datetime):
        return clock.local(value).replace(tzinfo=None)
    if not isinstance(value, str):
        return value  # None, numbers, booleans and dates as they are
    # Control characters an .xlsx cannot hold become U+FFFD, and a line break is Excel's LF
    # (XML would read CR as LF anyway); the rest is kept exactly.
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value.replace("\r\n", "\n").replace("\r", "\n"))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    return cell


def xlsx_bytes(rows: list[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """One sheet, "Vern": the header, then a row per item. Written streaming (write-only mode)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Vern")
    header = _header(rows, columns)
    if header:
        sheet.append([_xlsx_cell(sheet, column) for column in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row.get(column)) for column in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
