"""Kilder / Sources: where Vern pulls evidence itself. Each source's state, its last good
pull, its next, the new events per day (a directory's changes to the people register), how
old its cursors are and the last error in full, with *Pull now* and *Test connection*. The
admin also sees where each secret is read from: the environment variable's name, never its
value."""

from datetime import timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from audits import scheduler
from audits.core import clock
from audits.core.i18n import catalogue
from audits.sources import pulling
from dashboard import auth
from dashboard.charts import count_axis, day_label, every_day, time_axis
from dashboard.ui import lang, number, plain, tr, vern, when

DAYS = 30  # the chart's span


def stream_name(stream: str) -> str:
    """A cursor's stream by what it holds (sign-ins, Drive files …); one Vern has no name for
    (an AWS account and region) as it is."""
    key = f"sources.stream.{stream}"
    return tr(key) if key in catalogue() else stream


def cursor_age(moved) -> str:
    hours = (clock.now() - moved) // timedelta(hours=1)
    if hours < 1:
        return tr("sources.page.cursor_recent", at=when(moved))
    return tr("sources.page.cursor_age", at=when(moved), hours=hours)


user = auth.require("sources")
st.title(tr("sources.page.title"))
st.caption(tr("sources.page.explain"))
sources = vern().config.sources
if not sources:
    st.info(tr("sources.page.none"))
    st.stop()

today = clock.today()
states = {state["name"]: state for state in pulling.states(vern().store, sources)}
for name, source in sources.items():
    state = states[name]
    with st.container(border=True, key=f"source-{name}"):
        st.subheader(plain(name), anchor=False)
        said = tr(f"sources.state.{state['state']}")
        if state["state"] == "ok" and pulling.stale(state, source, clock.now()):
            said = tr("sources.page.stale", hours=number(source.quiet_hours))
        facts = {
            tr("sources.page.kind"): tr(f"sources.kind.{source.kind}"),
            tr("sources.page.state"): said,
            tr("sources.page.last_pull"): when(state["last_pull_at"]) if state["last_pull_at"] else tr("sources.never"),
            tr("sources.page.last_success"): (when(state["last_success_at"]) if state["last_success_at"]
                                              else tr("sources.never")),
            tr("sources.page.last_new"): when(state["last_new_at"]) if state["last_new_at"] else tr("sources.never"),
            tr("sources.page.schedule"): source.schedule,
        }
        upcoming = scheduler.next_pull(vern(), name)
        if upcoming:
            facts[tr("sources.page.next_pull")] = when(upcoming)
        expiry = pulling.expires(source)
        if expiry:
            facts[tr(f"sources.page.valid_until.{expiry[1]}")] = clock.show_day(expiry[0], lang())
        for cursor in state["cursors"]:
            facts[tr("sources.page.cursor", stream=stream_name(cursor["stream"]))] = cursor_age(cursor["updated_at"])
        if "admin" in user["roles"]:  # where the secrets are read from, for the one who sets them
            for key, variable in source.options.items():
                if key.endswith("_env") and variable:
                    facts[tr("sources.page.secret", setting=key)] = tr("sources.page.variable", variable=variable)
        # st.table reads Markdown in its cells: "4. des." would start a list, "* * *" emphasis.
        st.table(pd.DataFrame({tr("sources.page.fact"): [plain(f) for f in facts],
                               tr("sources.page.value"): [plain(v) for v in facts.values()]})
                 .set_index(tr("sources.page.fact")))
        if state["problem"]:
            st.error(plain(state["problem"][lang()]))
        counted = pulling.counted(source)  # events, or a directory's accounts and register changes
        first = today - timedelta(days=DAYS - 1)
        counts = pulling.daily(vern().store, name, first)
        if not any(counts.values()):
            st.caption(tr(f"sources.page.nothing_new.{counted}", days=DAYS))
        else:
            frame = pd.DataFrame([{"day": day_label(d), "new": counts.get(d, 0)} for d in every_day(first, today)])
            figure = px.bar(frame, x="day", y="new", title=tr(f"sources.page.per_day.{counted}", days=DAYS),
                            labels={"day": "", "new": ""})
            figure.update_traces(hovertemplate="%{x}: %{y}<extra></extra>")
            st.plotly_chart(count_axis(time_axis(figure, frame["day"]), frame["new"].max()), width="stretch",
                            key=f"chart-{name}")
        pull_now, test_now = st.columns(2)
        if pull_now.button(tr("sources.page.pull"), key=f"pull-{name}"):
            with st.spinner(tr("sources.page.pulling")):
                pulled = pulling.pull(vern().store, vern().config, source, user["name"])
            if pulled.problem:
                st.error(plain(tr("sources.pull_failed", source=name, problem=pulled.problem)))
            else:
                st.success(tr(f"sources.pulled.{counted}", source=name, read=number(pulled.read), new=number(pulled.new)))
        if test_now.button(tr("sources.page.test"), key=f"test-{name}"):
            problem = pulling.test(vern().config, source)
            if problem:
                st.error(plain(tr("sources.pull_failed", source=name, problem=problem)))
            else:
                st.success(tr("sources.test_ok", source=name))
