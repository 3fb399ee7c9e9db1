"""Tables that show what matters at 1280 px (issue 17): every row without scrolling up to
a page's worth, the columns that matter first, widths that fit beside the open sidebar, and
long text (a finding, the trail's details) wrapped onto more lines instead of cut off."""

import pandas as pd
import streamlit as st

MOST_ROWS = 25  # beyond this the table scrolls inside itself, a page's worth in view
ROW = 35  # Streamlit's row height in pixels, and the header's
WRAPPED_ROW = 72  # tall enough that Streamlit wraps a cell's text (it does above 4rem)


def table(frame: pd.DataFrame | list[dict], widths: dict[str, str | int] | None = None, *,
          helps: dict[str, str] | None = None, wrap: bool = False, **options) -> None:
    """`frame` (its columns in the order that matters) as a table: `widths` by column label
    ("small", "medium", "large" or pixels), `helps` a column's tooltip (a short label's full
    name); `wrap` gives each row room for three lines."""
    frame = pd.DataFrame(frame)
    row = WRAPPED_ROW if wrap else ROW
    height = ROW + row * min(len(frame), MOST_ROWS) + 3  # + the borders: no scrollbar for the last row
    widths, helps = widths or {}, helps or {}
    config = {label: st.column_config.Column(width=widths.get(label), help=helps.get(label))
              for label in widths.keys() | helps.keys()}
    st.dataframe(frame, hide_index=True, width="stretch", height=height, column_config=config,
                 row_height=row if wrap else None, **options)
