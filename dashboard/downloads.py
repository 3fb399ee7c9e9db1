"""Download buttons whose file is made when the button is clicked (Streamlit's deferred
`data`), so a page view costs no file, and the audit trail gets its "export" entry at that
moment. Every list offered for a spreadsheet comes as CSV and as .xlsx (audits/io/export.py)."""

from collections.abc import Callable, Sequence

import streamlit as st

from audits.core import trail
from audits.io import export
from dashboard.ui import vern

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPREADSHEETS = (("csv", export.csv_bytes, "text/csv"), ("xlsx", export.xlsx_bytes, XLSX))


def recorded(make: Callable[[], bytes], actor: str, obj: str, details: dict) -> Callable[[], bytes]:
    def made() -> bytes:
        content = make()
        trail.record(vern().store, actor, "export", obj, details)
        return content
    return made


def spreadsheet_buttons(where: Sequence, labels: dict[str, str], rows: Callable[[], list[dict]], stem: str,
                        actor: str, obj: str, details: dict, columns: Sequence[str] | None = None) -> None:
    """The list as CSV and as .xlsx, one button in each of `where`'s two containers.
    `obj` is the trail's object, "{fmt}" in it replaced by the format."""
    for container, (fmt, write, mime) in zip(where, SPREADSHEETS, strict=True):
        container.download_button(
            labels[fmt], recorded(lambda write=write: write(rows(), columns), actor, obj.format(fmt=fmt),
                                  {**details, "format": fmt}),
            f"{stem}.{fmt}", mime, on_click="ignore", key=f"{stem}-{fmt}")


def spreadsheets(labels: dict[str, str], rows: Callable[[], list[dict]], stem: str, actor: str, obj: str,
                 details: dict, columns: Sequence[str] | None = None) -> None:
    """spreadsheet_buttons side by side."""
    spreadsheet_buttons(st.columns(2), labels, rows, stem, actor, obj, details, columns)
