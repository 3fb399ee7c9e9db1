"""The Microsoft 365 source against a fake Microsoft on loopback over TLS (tests/sources/
microsoft.py): the real MSAL signs in with a secret or a certificate, the subscriptions are
started, every page and blob is read, a 429 and a 500 are taken in their stride, a token
that expires or is refused is renewed, and a disabled subscription fails in Microsoft's words."""

import datetime as dt
import json
import tempfile

import pytest
from microsoft import CLIENT, SECRET, TENANT, TYPES, Microsoft, https_server, records_from, tls_files
from werkzeug import Response

from audits.core import clock
from audits.core.errors import VernError
from audits.reporting import board
from audits.sources import asking, cursors, pulling
from checks.sources import SourcesCheck
from conftest import config_with, open_findings

NOW = dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC)  # conftest's frozen clock


@pytest.fixture
def server(tmp_path, monkeypatch):
    """An HTTPS server on localhost whose certificate MSAL (requests) and httpx trust."""
    started = https_server(tmp_path, monkeypatch)
    yield started
    started.clear()
    started.stop()


def toml(endpoint: str, auth: str = 'client_secret_env = "M365_SECRET"') -> str:
    return (f'[sources.m365]\nkind = "m365"\nendpoint = "{endpoint}"\ntenant_id = "{TENANT}"\n'
            f'client_id = "{CLIENT}"\n{auth}\n')


def blobs() -> list:
    """Five SharePoint blobs over the last two days (three records each) and one Exchange
    blob three days ago (two records): 17 records."""
    return ([("Audit.SharePoint", NOW - dt.timedelta(hours=40 - 8 * n), records_from(10 * n, 3, NOW - dt.timedelta(hours=41)))
             for n in range(5)]
            + [("Audit.Exchange", NOW - dt.timedelta(days=3), records_from(100, 2, NOW - dt.timedelta(days=3)))])


def stored(vern) -> int:
    return vern.store.value("SELECT count(*) FROM access_events WHERE source = 'm365'")


def pull(vern):
    return pulling.pull(vern.store, vern.config, vern.config.sources["m365"], "test")


def test_a_pull_starts_the_subscriptions_reads_every_page_and_blob_and_a_second_adds_nothing(
        vern, server, monkeypatch):
    monkeypatch.setenv("M365_SECRET", SECRET)
    fake = Microsoft(server, blobs())
    vern.config = config_with(vern, toml(fake.endpoint))
    first = pull(vern)
    assert (first.problem, first.read, first.new) == (None, 17, 17)
    assert fake.enabled == set(TYPES) and stored(vern) == 17
    # Seven days back in windows of at most 24 hours: seven per type, and one page more where
    # three SharePoint blobs fall into one window (two to a page).
    assert fake.pages_listed() == 7 * 4 + 1
    assert {c["stream"]: c["position"] for c in cursors.listing(vern.store, "m365")} == dict.fromkeys(
        TYPES, "2026-11-24T11:00:00Z")
    again = pull(vern)  # re-reads the last 12 hours, where a late blob would be: the one of 8 hours ago
    assert (again.problem, again.read, again.new) == (None, 3, 0) and stored(vern) == 17


def test_a_429_is_waited_out_and_a_pull_that_failed_half_way_resumes_with_nothing_lost_or_doubled(
        vern, server, monkeypatch):
    monkeypatch.setenv("M365_SECRET", SECRET)
    waits = []
    monkeypatch.setattr(asking, "sleep", waits.append)
    fake = Microsoft(server, blobs())
    vern.config = config_with(vern, toml(fake.endpoint))
    fake.trouble = [Response("slow down", 429, headers={"Retry-After": "3"})]
    first = pull(vern)
    assert waits == [3] and (first.problem, first.new) == (None, 17)
    # Two hours ago a new General blob arrived, and Microsoft answers 500 for it five times:
    # the pull ends there, with what it stored before and the cursor where that ended.
    fake.blobs.append(("Audit.General", NOW - dt.timedelta(hours=2), records_from(200, 6, NOW)))
    fake.broken[len(fake.blobs) - 1] = 5
    failed = pull(vern)
    assert failed.problem == "m365 svarte HTTP 500" and stored(vern) == 17  # the configured language
    assert waits[1:] == [1, 2, 4, 8]
    resumed = pull(vern)
    assert (resumed.problem, resumed.new) == (None, 6)
    assert stored(vern) == vern.store.value(
        "SELECT count(DISTINCT event_id) FROM access_events WHERE source = 'm365'") == 23


def test_a_cursor_older_than_microsoft_keeps_is_a_gap_and_a_finding(vern, server, monkeypatch):
    monkeypatch.setenv("M365_SECRET", SECRET)
    fake = Microsoft(server, blobs())
    vern.config = config_with(vern, toml(fake.endpoint))
    with vern.store.transaction() as tx:  # the last pull, nine days ago
        for kind in TYPES:
            cursors.advance(tx, "m365", kind, "2026-11-15T11:00:00Z")
    assert pull(vern).new == 17  # the seven days Microsoft still has
    year_ago = NOW - dt.timedelta(days=365)
    assert [(g["stream"], g["missed_from"], g["missed_to"]) for g in cursors.gaps(vern.store, ["m365"], year_ago)] == [
        (kind, dt.datetime(2026, 11, 15, 11, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 17, 11, 5, tzinfo=dt.UTC))
        for kind in sorted(TYPES)]
    found = open_findings(vern, SourcesCheck, "source_gap", toml(fake.endpoint))
    assert found["m365: Audit.Exchange 2026-11-15 12:00–2026-11-17 12:05"] == (
        "The events of m365 (Audit.Exchange) between 2026-11-15 12:00 and 2026-11-17 12:05 are lost: Vern did "
        "not pull before the provider had deleted them. The findings of that period are no evidence.")
    assert len(found) == 4
    assert pull(vern).problem is None and len(cursors.gaps(vern.store, ["m365"], year_ago)) == 4  # no new gap


def test_blobs_are_kept_as_microsoft_sent_them_and_a_batch_the_import_refuses_lands_in_failed(
        vern, server, monkeypatch, tmp_path):
    """The blobs go to the m365 import unparsed; an empty one is not imported. A record the
    import cannot judge refuses its batch (every SharePoint blob of the week): the blobs
    are kept in failed/ as they came, the refusal names the blob and the record, and the
    SharePoint cursor stays where it was, while the other content types are read and stored."""
    monkeypatch.setenv("M365_SECRET", SECRET)
    temp = tmp_path / "temp"  # where the batches are written while they are imported
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    fake = Microsoft(server, blobs() + [("Audit.General", NOW - dt.timedelta(hours=5), [])])
    del fake.blobs[3][2][1]["CreationTime"]
    vern.config = config_with(vern, toml(fake.endpoint))
    failed = pull(vern)
    folder = vern.config.inbox / "access-logs" / "m365" / "failed"
    kept = sorted(folder.iterdir())
    assert [path.read_bytes() for path in kept] == [json.dumps(fake.blobs[n][2]).encode() for n in range(5)]
    assert failed.problem == (f"m365: en side ble avvist og lagt i {folder} som {kept[3].name}:\n"
                              "  post 2: felt AuditData.CreationTime: mangler, eller er ikke et tidspunkt med "
                              "tidssone")
    positions = {c["stream"]: c["position"] for c in cursors.listing(vern.store, "m365")}
    assert "Audit.SharePoint" not in positions and positions.keys() == set(TYPES) - {"Audit.SharePoint"}
    assert (failed.read, stored(vern)) == (2, 2)  # Exchange's blob, read after SharePoint's were refused
    assert list(temp.iterdir()) == []
    # An hour later, not mended: SharePoint has no cursor yet, so its batch starts an hour
    # later too; its copy replaces the one kept before.
    monkeypatch.setenv("VERN_NOW", clock.iso_utc(NOW + dt.timedelta(hours=1)))
    assert "som 20261124T120000Z-m365-Audit.SharePoint-" in pull(vern).problem
    assert [path.read_bytes() for path in sorted(folder.iterdir())] == [json.dumps(fake.blobs[n][2]).encode()
                                                                        for n in range(5)]
    assert all(path.name.startswith("20261124T120000Z-m365-Audit.SharePoint-") for path in folder.iterdir())
    del fake.blobs[3][2][1]  # Microsoft mends it
    assert (pull(vern).problem, stored(vern)) == (None, 16)
    assert list(temp.iterdir()) == []
    imports = vern.store.rows("SELECT details FROM trail WHERE action = 'access_logs.import' ORDER BY seq")
    assert [json.loads(i["details"])["files"] for i in imports] == [1, 5]  # Exchange's; SharePoint's; not the empty one


def test_a_token_that_expires_between_pages_is_renewed(vern, server, monkeypatch):
    monkeypatch.setenv("M365_SECRET", SECRET)
    fake = Microsoft(server, blobs(), token_seconds=1)  # MSAL asks anew for one this close to its end
    vern.config = config_with(vern, toml(fake.endpoint))
    assert pull(vern).problem is None and stored(vern) == 17
    assert len(fake.tokens) > 1


def test_a_token_refused_before_its_end_is_renewed_and_the_request_asked_again(vern, server, monkeypatch):
    monkeypatch.setenv("M365_SECRET", SECRET)
    fake = Microsoft(server, blobs())
    fake.revoked = {"token-1"}  # revoked in Entra after MSAL got it: MSAL would keep it an hour
    vern.config = config_with(vern, toml(fake.endpoint))
    assert pull(vern).problem is None and stored(vern) == 17
    assert (fake.refused, len(fake.tokens)) == (1, 2)


def test_a_token_refused_again_once_renewed_fails_in_microsofts_words(vern, server, monkeypatch):
    monkeypatch.setenv("M365_SECRET", SECRET)
    fake = Microsoft(server, blobs())
    fake.feed_granted = False  # the app was not granted ActivityFeed.Read
    vern.config = config_with(vern, toml(fake.endpoint))
    assert pull(vern).problem == ('m365 svarte HTTP 401: {"error": {"code": "AF10001", "message": "The permission '
                                  'set () sent in the request does not include the expected permission."}}')
    assert (fake.refused, len(fake.tokens), stored(vern)) == (2, 2, 0)  # renewed once, then no more asking


def test_a_disabled_subscription_fails_in_microsofts_words_and_is_a_finding(vern, server, monkeypatch):
    monkeypatch.setenv("M365_SECRET", SECRET)
    fake = Microsoft(server, blobs())
    fake.disabled = True
    vern.config = config_with(vern, toml(fake.endpoint))
    said = ('HTTP 400: {"error": {"code": "AF20023", "message": "The subscription was disabled by '
            'an administrator: audit logging is turned off."}}')
    assert pull(vern).problem == f"m365 svarte {said}"
    assert open_findings(vern, SourcesCheck, "source_failed", toml(fake.endpoint)) == {
        "m365": f"The last pull from m365 (2026-11-24 12:00) failed: m365 answered {said}"}
    areas = {a["area"]: a for a in board.summary(vern)["areas"]}  # the access checks judge its evidence
    assert (areas["access"]["verified"], areas["access"]["unverified_sources"]) == (False, ["m365"])


def test_a_wrong_secret_is_refused_in_entras_words(vern, server, monkeypatch):
    monkeypatch.setenv("M365_SECRET", "not-the-secret")
    fake = Microsoft(server, blobs())
    vern.config = config_with(vern, toml(fake.endpoint))
    said = "m365: Microsoft ga ingen tilgang: AADSTS7000215: Invalid client secret provided."
    assert pull(vern).problem == said
    assert pulling.test(vern.config, vern.config.sources["m365"]) == said


def test_the_app_signs_in_with_its_certificate(vern, server, monkeypatch, tmp_path):
    from cryptography import x509

    cert, key = server.tls_files  # any key and certificate will do for the app
    pem = tmp_path / "vern-app.pem"
    pem.write_bytes(key.read_bytes() + cert.read_bytes())
    monkeypatch.setenv("M365_CERT", str(pem))
    fake = Microsoft(server, blobs(), certificate=x509.load_pem_x509_certificate(cert.read_bytes()))
    vern.config = config_with(vern, toml(fake.endpoint, 'certificate_env = "M365_CERT"'))
    assert pull(vern).problem is None and stored(vern) == 17
    (tmp_path / "chain").mkdir()
    other, _ = tls_files(tmp_path / "chain")
    pem.write_bytes(key.read_bytes() + cert.read_bytes() + other.read_bytes())  # the app's, then a chain
    assert pull(vern).problem is None
    pem.write_text("not a certificate")
    assert pull(vern).problem == "m365: sertifikatfilen i M365_CERT kan ikke leses (StopIteration)"


@pytest.mark.parametrize("auth, said", [
    ("", "configuration key sources.m365: give either client_secret_env (a secret) or certificate_env"),
    ('client_secret_env = "A"\ncertificate_env = "B"', "configuration key sources.m365: give either"),
])
def test_the_configuration_asks_for_a_secret_or_a_certificate(vern, auth, said):
    with pytest.raises(VernError, match=said.replace("(", r"\(").replace(")", r"\)")):
        config_with(vern, toml("https://localhost:1", auth))
    with pytest.raises(VernError, match="configuration key sources.m365.tenant_id: missing"):
        config_with(vern, '[sources.m365]\nkind = "m365"\nclient_id = "x"\nclient_secret_env = "S"\n')
    assert config_with(vern, '[sources.m365]\nkind = "m365"\ntenant_id = "t"\nclient_id = "x"\n'
                             'client_secret_env = "S"\n').sources["m365"].endpoint == ""  # Microsoft's own


def test_blobs_are_asked_for_side_by_side_and_handed_on_in_the_listings_order():
    """AT_ONCE blobs asked for at a time, the next as soon as one is in; never more than
    2 × AT_ONCE asked for ahead of the one handed on; after a failure no more are asked for."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from audits.sources import m365

    asked, lock = [], threading.Lock()

    def fetch(uri: str) -> bytes:
        with lock:
            asked.append(uri)
        time.sleep(0.001 * (int(uri) % 3))  # answers arrive out of order
        if uri == "13":
            raise asking.SourceFailed(m365.Message("sources.http_silent", {"source": "m365", "status": 500}))
        return uri.encode()

    uris = [str(n) for n in range(40)]
    with ThreadPoolExecutor(m365.AT_ONCE) as pool:
        handed, when = [], []
        with pytest.raises(asking.SourceFailed):
            for blob in m365._side_by_side(pool, fetch, uris):
                when.append(len(asked))
                handed.append(blob.decode())
    assert handed == uris[:13]  # in order, up to the one that failed
    assert all(n <= k + 2 * m365.AT_ONCE for k, n in enumerate(when))  # k handed on before
    assert set(asked) <= set(uris[:13 + 2 * m365.AT_ONCE])
