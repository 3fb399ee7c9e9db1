"""The `sources` check: a source that failed, went quiet or was never pulled is a finding,
so a clean score never stands on evidence that stopped arriving."""

import json
from datetime import timedelta

from lrs import LRS, USER, statement
from werkzeug import Response

from audits.core import clock
from audits.sources import pulling
from checks.sources import SourcesCheck
from conftest import open_findings

NOW = clock.parse_instant("2026-11-24T12:00+01:00")  # conftest's frozen clock


def toml(endpoint: str, extra: str = "") -> str:
    return f'[sources.lrs]\nkind = "xapi"\nendpoint = "{endpoint}"\ntoken_env = "LRS_TOKEN"\n{extra}'


def pull(vern, config):
    return pulling.pull(vern.store, config, config.sources["lrs"], "test")


def test_no_source_configured_no_finding_and_a_source_never_pulled_is_stale(vern, httpserver):
    assert open_findings(vern, SourcesCheck, "source_stale") == {}
    lrs = LRS(httpserver, [])
    assert open_findings(vern, SourcesCheck, "source_stale", toml(lrs.endpoint)) == {
        "lrs": "Nothing new from lrs since —; quiet for more than 336 hours is not expected."}


def test_a_failed_pull_is_a_finding_with_the_providers_words_until_a_pull_goes_through(
        vern, httpserver, monkeypatch):
    from conftest import config_with

    monkeypatch.setenv("LRS_TOKEN", USER)  # not the LRS's token
    lrs = LRS(httpserver, [statement(1, NOW - timedelta(hours=1))], bearer=True)
    config = config_with(vern, toml(lrs.endpoint))
    assert pull(vern, config).problem
    found = open_findings(vern, SourcesCheck, "source_failed", toml(lrs.endpoint))
    said = json.dumps({"error": "Unauthorized: bad credentials"})
    assert found == {"lrs": f"The last pull from lrs (2026-11-24 12:00) failed: lrs answered HTTP 401: {said}"}
    monkeypatch.setenv("LRS_TOKEN", "lrs-token")
    assert pull(vern, config).problem is None
    assert open_findings(vern, SourcesCheck, "source_failed", toml(lrs.endpoint)) == {}


def test_quiet_longer_than_quiet_hours_is_stale(vern, httpserver, monkeypatch):
    from conftest import config_with

    monkeypatch.setenv("LRS_TOKEN", "lrs-token")
    lrs = LRS(httpserver, [statement(1, NOW - timedelta(hours=1))], bearer=True)
    config = config_with(vern, toml(lrs.endpoint, "quiet_hours = 48\n"))
    assert pull(vern, config).new == 1
    assert open_findings(vern, SourcesCheck, "source_stale", toml(lrs.endpoint, "quiet_hours = 48\n")) == {}
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + timedelta(hours=47)))
    lrs.trouble = [Response(json.dumps({"statements": [], "more": ""}), 200)]  # reachable, nothing new
    assert pull(vern, config).problem is None
    assert open_findings(vern, SourcesCheck, "source_stale", toml(lrs.endpoint, "quiet_hours = 48\n")) == {}
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + timedelta(hours=49)))
    assert open_findings(vern, SourcesCheck, "source_stale", toml(lrs.endpoint, "quiet_hours = 48\n")) == {
        "lrs": "Nothing new from lrs since 2026-11-24 12:00; quiet for more than 48 hours is not expected."}


def test_the_board_shows_the_sources_area_only_when_a_source_is_configured(vern, httpserver):
    from audits.reporting import board
    from conftest import config_with

    assert "sources" not in [a["area"] for a in board.summary(vern)["areas"]]  # not a clean 100 over nothing
    vern.config = config_with(vern, toml(LRS(httpserver, []).endpoint))
    open_findings(vern, SourcesCheck, "source_stale")  # never pulled
    shown = {a["area"]: a for a in board.summary(vern)["areas"]}
    assert shown["sources"]["open"]["medium"] == 1 and shown["sources"]["score"] < 100
