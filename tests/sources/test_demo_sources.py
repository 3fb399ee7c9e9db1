"""The demo's sources (audits/demo/sources.py): on the demo's database with no sources
configured, the fake providers run in this process on loopback (no pytest-httpserver) and
answer real pulls — the learning record store and Google go through, Microsoft 365 fails for
want of its secret, and its area is not verified. A database that is not the demo's, or a
configuration naming sources, starts nothing and is left as it is. Served, the first pulls
run at once and the sources check judges them."""

import os
import threading
import time

import pytest

from audits import scheduler
from audits.checking import runner
from audits.demo import sources as demo
from audits.reporting import board
from audits.sources import pulling
from conftest import config_with

FAILED = "kilde microsoft: miljøvariabelen VERN_DEMO_M365_SECRET er ikke satt"


def scheduled_runs(vern, check_id: str) -> list[dict]:
    return [run for run in runner.history(vern.store, check_id) if run["trigger"] == "schedule"]


def provider_threads() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name.startswith("demo-provider-")]


@pytest.fixture
def running(demo_vern):
    started = demo.start(demo_vern)
    assert started is not None
    yield started
    started.stop()


def test_the_providers_served_in_process_answer_real_pulls(demo_vern, running):
    sources = demo_vern.config.sources
    assert {name: source.kind for name, source in sources.items()} == {
        "kursportal": "xapi", "google": "google", "microsoft": "m365"}
    assert sorted(provider_threads()) == ["demo-provider-google", "demo-provider-lrs"]
    for name in ("kursportal", "google"):
        assert sources[name].endpoint.startswith("http://127.0.0.1:")
    assert sources["microsoft"].endpoint == ""  # Microsoft's own, never asked: its secret is never set

    pulled = {name: pulling.pull(demo_vern.store, demo_vern.config, source, "test") for name, source in sources.items()}
    # The LRS holds the statements `vern demo` imported and Anne's renewal since: one new.
    assert (pulled["kursportal"].read, pulled["kursportal"].new, pulled["kursportal"].problem) == (8, 1, None)
    # Google: the sign-ins and Drive activity of the working days among the last five.
    assert pulled["google"].problem is None and pulled["google"].new == pulled["google"].read > 20
    assert (pulled["microsoft"].read, pulled["microsoft"].problem) == (0, FAILED)
    assert {name: pulling.test(demo_vern.config, source) for name, source in sources.items()} == {
        "kursportal": None, "google": None, "microsoft": FAILED}
    again = {name: pulling.pull(demo_vern.store, demo_vern.config, source, "test").new
             for name, source in sources.items()}
    assert again == {"kursportal": 0, "google": 0, "microsoft": 0}  # the cursors hold

    areas = {area["area"]: area for area in board.summary(demo_vern)["areas"]}
    assert areas["training"]["verified"] is True  # its evidence pulled from the learning record store
    assert (areas["access"]["verified"], areas["access"]["unverified_sources"]) == (False, ["microsoft"])


def test_stopped_the_providers_end_and_what_was_set_is_put_back(demo_vern, monkeypatch):
    monkeypatch.setenv(demo.M365_SECRET, "someone-set-it")  # unset while the demo runs: nothing reaches Microsoft
    monkeypatch.delenv(demo.GOOGLE_KEY, raising=False)
    started = demo.start(demo_vern)
    key = os.environ[demo.GOOGLE_KEY]
    assert os.path.isfile(key) and demo.M365_SECRET not in os.environ
    started.stop()
    assert provider_threads() == [] and demo_vern.config.sources == {}
    assert demo.GOOGLE_KEY not in os.environ and not os.path.exists(key)
    assert os.environ[demo.M365_SECRET] == "someone-set-it"


def test_a_database_not_the_demos_starts_no_provider(vern):
    before = vern.config
    assert demo.start(vern) is None
    assert vern.config is before and vern.config.sources == {}
    assert provider_threads() == [] and demo.LRS_TOKEN not in os.environ and demo.GOOGLE_KEY not in os.environ


@pytest.mark.parametrize("toml", [
    '[sources.lrs]\nkind = "xapi"\nendpoint = "https://lrs.forening.no/xapi"\ntoken_env = "LRS_TOKEN"\n',
    "[sources]\n",  # even an empty table: the admin's
], ids=["a source", "an empty table"])
def test_a_configuration_with_sources_is_never_touched(demo_vern, toml):
    demo_vern.config = config_with(demo_vern, toml)
    before = demo_vern.config
    assert demo.start(demo_vern) is None
    assert demo_vern.config is before and provider_threads() == []


def test_served_the_first_pulls_run_at_once_and_the_sources_check_judges_them(demo_vern, running):
    started = scheduler.start(demo_vern, pull_at_start=True)
    try:
        deadline = time.monotonic() + 60
        while not (runs := [r for r in scheduled_runs(demo_vern, "sources") if r["status"] != "running"]):
            assert time.monotonic() < deadline, "the sources check did not run after the first pulls"
            time.sleep(0.1)
        pulls = demo_vern.store.rows("SELECT source, status, actor, finished_at FROM source_pulls ORDER BY id")
        assert [(p["source"], p["status"], p["actor"]) for p in pulls] == [
            ("kursportal", "ok", "schedule"), ("google", "ok", "schedule"), ("microsoft", "failed", "schedule")]
        assert runs[0]["started_at"] >= max(p["finished_at"] for p in pulls)
        assert demo_vern.store.rows("SELECT rule, subject FROM findings WHERE check_id = 'sources' "
                                    "AND status = 'open'") == [{"rule": "source_failed", "subject": "microsoft"}]
        job = started.get_job(scheduler.source_job_id("google"))  # then on its schedule
        assert str(job.trigger) == str(scheduler.cron_trigger("15 * * * *"))
        assert scheduler.next_pull(demo_vern, "google") == job.next_run_time
    finally:
        started.shutdown()
        demo_vern.scheduler = None
