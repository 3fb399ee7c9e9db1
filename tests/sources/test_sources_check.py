"""The `sources` check: a source that failed, went quiet or was never pulled is a finding,
so a clean score never stands on evidence that stopped arriving."""

import json
from datetime import timedelta

import pytest
from werkzeug import Response

from audits.core import clock
from audits.core.errors import VernError
from audits.demo.providers.lrs import LRS, USER, statement
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


def test_a_certificate_or_a_noted_secret_ending_within_30_days_is_a_finding(vern, tmp_path, monkeypatch):
    from microsoft import tls_files

    from conftest import config_with

    ends = NOW + timedelta(days=30, hours=12, minutes=30)  # 24 Dec 2026 at 23:30 UTC: 25 Dec in Oslo
    cert, key = tls_files(tmp_path, valid_until=ends)
    (tmp_path / "app.pem").write_bytes(key.read_bytes() + cert.read_bytes())
    monkeypatch.setenv("M365_CERT", str(tmp_path / "app.pem"))
    m365 = '[sources.m365]\nkind = "m365"\ntenant_id = "t"\nclient_id = "c"\ncertificate_env = "M365_CERT"\n'
    assert open_findings(vern, SourcesCheck, "source_secret_expiring", m365) == {}  # 31 days left, in Oslo
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + timedelta(days=1)))
    assert open_findings(vern, SourcesCheck, "source_secret_expiring", m365) == {
        "m365": "The certificate m365 signs in with is valid until 2026-12-25; after that the pull fails."}
    noted = toml("http://localhost:1", "expires_on = 2026-12-01\n")  # the admin's note from the provider
    monkeypatch.setenv("LRS_TOKEN", "lrs-token")
    assert open_findings(vern, SourcesCheck, "source_secret_expiring", m365 + noted) == {
        "m365": "The certificate m365 signs in with is valid until 2026-12-25; after that the pull fails.",
        "lrs": "The secret lrs signs in with is valid until 2026-12-01; after that the pull fails."}
    assert vern.store.value("SELECT message_nb FROM findings WHERE rule = 'source_secret_expiring' AND subject = 'lrs'") \
        == "Hemmeligheten som lrs logger inn med, gjelder til 1. des. 2026; etter det feiler hentingen."
    with pytest.raises(VernError) as refused:
        config_with(vern, toml("http://localhost:1", 'expires_on = "soon"\n'))
    assert refused.value.text("en") == "configuration key sources.lrs.expires_on: expected a date, for example 2027-05-01"
