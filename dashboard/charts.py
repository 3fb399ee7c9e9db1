"""Vern's charts in one house style, so each tells the truth at a glance (issue 17):

- time on an axis of days or months named in the reader's language (Plotly has no bokmål,
  and left to itself draws milliseconds for a single point), every day or month in its
  place, at most a few labels written and none slanted, so none overlap at 1280 px;
- a trend of one point is a number (st.metric), not a dot on an empty axis;
- a share written on its bar ("45 %"), so a bar at 0 % is seen as 0 %, not as nothing.
"""

import math
from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from audits.core import clock
from dashboard.ui import lang, tr

MOST_TICKS = 6  # labels written on a full-width time axis; a narrower chart asks for fewer


def month_label(key: str | date) -> str:
    """A month ("2026-11", or a date in it) as the reader names it: nov. 2026 / Nov 2026."""
    day = key if isinstance(key, date) else date(int(key[:4]), int(key[5:7]), 1)
    return clock.show_month(day, lang())


def day_label(day: date) -> str:
    """A day on a time axis: 24. nov. / 24 Nov (the period's years are stated beside it)."""
    return clock.show_day_month(day, lang())


def every_day(first: date, last: date) -> list[date]:
    """Each day from first to last: a day with nothing stays on the axis, so time is not squeezed."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def percent(value: float) -> str:
    """A share of 0-100 as the reader writes it: 45 % in bokmål, 45% in English."""
    return tr("board.percent", n=round(value))


def time_axis(figure: go.Figure, labels: Sequence[str], most: int = MOST_TICKS) -> go.Figure:
    """The x axis of `figure` as the time `labels` (day_label or month_label, oldest first),
    each in its place and at most `most` of them written, level."""
    labels = list(dict.fromkeys(labels))
    step = max(1, math.ceil(len(labels) / most))
    written = labels[::step]
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=labels, tickmode="array",
                        tickvals=written, ticktext=written, tickangle=0, title_text="")
    return figure


def count_axis(figure: go.Figure, top: float) -> go.Figure:
    """A y axis of counts, `top` the largest: whole numbers only (left to itself, Plotly writes
    0.2, 0.4 … beside a bar of 1)."""
    figure.update_yaxes(rangemode="tozero", tickformat="d", title_text="", **({"dtick": 1} if top <= 5 else {}))
    return figure


def percent_axis(figure: go.Figure) -> go.Figure:
    """A y axis of shares from 0 to 100, room above for the label of a full bar."""
    figure.update_yaxes(range=[0, 112], tickvals=[0, 25, 50, 75, 100], ticktext=[percent(v) for v in (0, 25, 50, 75, 100)],
                        title_text="")
    return figure


def share_bars(frame: pd.DataFrame, x: str, share: str, title: str) -> go.Figure:
    """Bars of shares (0-100) with each written on its bar: 0 % is seen, not left blank."""
    figure = px.bar(frame, x=x, y=share, title=title, text=frame[share].map(percent))
    figure.update_traces(textposition="outside", cliponaxis=False, hovertemplate="%{x}: %{text}<extra></extra>")
    figure.update_xaxes(title_text="", tickangle=0)
    return percent_axis(figure)


def trend(frame: pd.DataFrame, x: str, y: str, title: str, *, single: str, shares: bool = False,
          color: str | None = None, most: int = MOST_TICKS) -> None:
    """A line over time, `x` holding time labels in order (a share line has one, no `color`).
    With one point in time it is a number: st.metric, labelled `single` (which says when)."""
    if frame[x].nunique() == 1 and (color is None or frame[color].nunique() == 1):
        value = frame[y].iloc[0]
        st.metric(single, percent(value) if shares else value)
        return
    figure = px.line(frame, x=x, y=y, color=color, markers=True, title=title, labels={x: "", y: "", color: ""})
    if shares:  # hover reads 45 %, as the bars and figures do
        figure.update_traces(customdata=frame[y].map(percent), hovertemplate="%{x}: %{customdata}<extra></extra>")
    else:
        figure.update_traces(hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>")
    time_axis(figure, frame[x], most)
    if shares:
        percent_axis(figure)
    st.plotly_chart(figure, width="stretch")
