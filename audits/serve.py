"""`vern serve`: one process owns the database, runs the scheduler and the dashboard.

Streamlit's server is started inside this interpreter (streamlit.web.bootstrap), so the
pages import the very store and scheduler opened here: DuckDB allows one read-write
process per database file. It runs as an st.App, Streamlit's own server with routes of
ours beside the pages: the session cookie is set and cleared there
(audits/accounts/session_routes.py).

On the demo's database with no sources configured, the demo's fake providers run in this
process too, and its sources are pulled at once and then on their schedules
(audits/demo/sources.py).
"""

import logging
from pathlib import Path

from audits import runtime, scheduler
from audits.demo import sources as demo_sources
from audits.runtime import Vern

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def serve(vern: Vern, port: int, address: str) -> None:
    import streamlit as st
    from streamlit import config as streamlit_config
    from streamlit.web import bootstrap

    from audits.accounts import session_routes

    # The server's log says which check ran and which failed (never the data it read).
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("audits").setLevel(logging.INFO)
    runtime.install(vern)
    demo = demo_sources.start(vern)  # None unless the demo's database with no [sources]
    scheduler.start(vern, pull_at_start=demo is not None)
    flags = {
        "server_port": port,
        "server_address": address,
        "server_headless": True,
        "server_fileWatcherType": "none",
        "browser_gatherUsageStats": False,
        "client_toolbarMode": "viewer",
        "client_showErrorDetails": "none",  # never a traceback (or an error's text) in the browser
        "server_maxUploadSize": 50,  # MB, as for imports (audits.io.csvfile.MAX_BYTES)
        # Not a full garbage collection after every run of a page: over the 130,000 objects
        # of Streamlit, pandas and plotly it costs 70-100 ms of CPU per click and per refresh
        # of a live register; Python's own collector still runs as objects accumulate.
        "runner_postScriptGC": False,
        # The kept forms give each widget both a key and the value it holds as its
        # default, on purpose (dashboard/draft_ui.py): not a mistake to warn of in the log.
        "global_disableWidgetStateDuplicationWarning": True,
    }
    streamlit_config._main_script_path = str(APP)  # where Streamlit looks for .streamlit/
    bootstrap.load_config_options(flag_options=flags)
    app = st.App(str(APP), routes=session_routes.ROUTES)
    # What `streamlit run` does with a script that holds an st.App, here with the App itself
    # rather than an import string, so it is this process's store the pages use.
    try:
        bootstrap.run_asgi_app(str(APP), app, [], flags)  # returns when the server stops
    finally:
        if demo is not None:
            demo.stop()
