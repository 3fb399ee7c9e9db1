"""The Google Workspace source against a fake Google on loopback (audits/demo/providers/google_workspace.py):
the real google-auth signs a JWT with the service account's key and acts as the admin, every
page of every window is read and imported once, a 429 and a 500 are taken in their stride, a
token that runs out mid-pull is renewed, a cursor older than Google keeps is a gap, and a
refusal reaches the adviser in Google's words, never with the key."""

import datetime as dt
import json
import tempfile

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from audits.core.errors import VernError
from audits.demo.providers.google_workspace import APPLICATIONS as KNOWN
from audits.demo.providers.google_workspace import (
    SCOPE,
    SUBJECT,
    UNAUTHORIZED_CLIENT,
    Google,
    activity,
    key_file,
)
from audits.sources import asking, cursors, pulling, windows
from audits.sources import google as connector
from checks.sources import SourcesCheck
from conftest import config_with, open_findings

NOW = dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC)  # conftest's frozen clock
PULLED = ("login", "saml", "drive")


@pytest.fixture
def server():
    started = HTTPServer(host="localhost", port=0)
    started.start()
    yield started
    started.clear()
    started.stop()


@pytest.fixture
def key(tmp_path, monkeypatch):
    path = key_file(tmp_path)
    monkeypatch.setenv("GOOGLE_KEY", str(path))
    return path


def toml(endpoint: str, keys: str = f'credentials_env = "GOOGLE_KEY"\nsubject = "{SUBJECT}"') -> str:
    return f'[sources.google]\nkind = "google"\nendpoint = "{endpoint}"\n{keys}\n'


def ago(hours: float) -> dt.datetime:
    return NOW - dt.timedelta(hours=hours)


def domain_log() -> list[dict]:
    """Fifteen activities over the last day and a half: three failed sign-ins and one good
    one, two SAML sign-ins, nine Drive files viewed (seven in one window: four pages of two).
    Four of them in the last six hours."""
    return ([activity(n, ago(30) + dt.timedelta(minutes=17 + n), "login", "login_failure") for n in range(3)]
            + [activity(3, ago(2), "login", "login_success"),
               activity(10, ago(26), "saml", "login_success"), activity(11, ago(4), "saml", "login_success")]
            + [activity(n, ago(29) + dt.timedelta(minutes=n), "drive", "view") for n in range(20, 27)]
            + [activity(27, ago(3), "drive", "view"), activity(28, ago(1), "drive", "view")])


def workspace(vern, server, key, **settings) -> Google:
    fake = Google(server, key, domain_log(), NOW, **settings)
    vern.config = config_with(vern, toml(fake.endpoint))
    return fake


def pull(vern):
    return pulling.pull(vern.store, vern.config, vern.config.sources["google"], "test")


def stored(vern) -> int:
    return vern.store.value("SELECT count(*) FROM access_events WHERE source = 'gworkspace'")


def pulled_since(vern, days: int) -> None:
    """As if the last pull had been `days` ago."""
    with vern.store.transaction() as tx:
        for application in PULLED:
            cursors.advance(tx, "google", application, (NOW - dt.timedelta(days=days)).isoformat())


def positions(vern) -> dict[str, str]:
    return {c["stream"]: c["position"] for c in cursors.listing(vern.store, "google")}


def problems(vern) -> str:
    """Every problem recorded, in both languages."""
    return " ".join(r["problem"] for r in vern.store.rows("SELECT problem FROM source_pulls WHERE problem IS NOT NULL"))


def test_a_first_pull_reads_every_page_of_180_days_and_a_second_adds_nothing(vern, server, key):
    fake = workspace(vern, server, key)
    first = pull(vern)
    assert (first.problem, first.read, first.new) == (None, 15, 15) and stored(vern) == 15
    # 180 days per application in windows that grow while each has at most one page: 1, 2, 4,
    # then 7 days (google.QUIET), 28 windows; the last window holds the failed sign-ins (two
    # pages with the one after them) and the nine Drive views (five pages).
    assert (fake.pages("login"), fake.pages("saml"), fake.pages("drive")) == (29, 28, 32)
    assert fake.pages() == len(fake.asked) == 89
    asked = [query for _, query in fake.asked]
    assert {query["maxResults"] for query in asked} == {"1000"}
    assert sum("pageToken" in query for query in asked) == 1 + 4
    spans = [(dt.datetime.fromisoformat(q["startTime"]), dt.datetime.fromisoformat(q["endTime"])) for q in asked]
    saml = [end - start for (application, _), (start, end) in zip(fake.asked, spans, strict=True)
            if application == "saml"]
    assert saml[:4] == [dt.timedelta(days=d) for d in (1, 2, 4, 7)] and set(saml[3:-1]) == {dt.timedelta(days=7)}
    assert max(end - start for start, end in spans) == dt.timedelta(days=7)
    assert min(start for start, _ in spans) == NOW - dt.timedelta(days=180, minutes=-5)  # all Google keeps
    assert asked[0]["startTime"] == "2026-05-28T11:05:00.000Z"  # RFC 3339, UTC
    assert positions(vern) == dict.fromkeys(PULLED, "2026-11-24T11:00:00Z")
    assert {r["action"]: r["n"] for r in vern.store.rows(
        "SELECT action, count(*) AS n FROM access_events GROUP BY action")} == {"read": 9, "signin": 3, "signin_failed": 3}
    assert [c["sub"] for c in fake.assertions] == [SUBJECT] and fake.assertions[0]["scope"] == SCOPE
    again = pull(vern)  # re-reads the last six hours, where a late activity would be
    assert (again.problem, again.read, again.new) == (None, 4, 0) and stored(vern) == 15
    assert fake.pages() == 89 + 3


def test_a_429_is_waited_out(vern, server, key, monkeypatch):
    waits = []
    monkeypatch.setattr(asking, "sleep", waits.append)
    fake = workspace(vern, server, key)
    pulled_since(vern, 3)
    fake.trouble = [Response(json.dumps({"error": {"code": 429, "message": "Quota exceeded for quota metric "
                                                   "'Queries' of service 'admin.googleapis.com'.",
                                                   "status": "RESOURCE_EXHAUSTED"}}), 429,
                             headers={"Retry-After": "3"}, content_type="application/json")]
    done = pull(vern)
    assert waits == [3] and (done.problem, done.new) == (None, 15)


def test_a_pull_that_failed_half_way_resumes_with_nothing_lost_or_doubled(vern, server, key, monkeypatch):
    waits = []
    monkeypatch.setattr(asking, "sleep", waits.append)
    fake = workspace(vern, server, key)
    pulled_since(vern, 3)
    fake.broken[len(fake.activities) - 2] = 5  # the page with the Drive views of the last hours: 500, five times
    failed = pull(vern)
    assert failed.problem == ('google svarte HTTP 500: {"error": {"code": 500, "message": "Internal error '
                              'encountered.", "errors": [{"message": "Internal error encountered.", "domain": '
                              '"global", "reason": "backendError"}], "status": "INTERNAL"}}')
    assert waits == [1, 2, 4, 8]
    assert (failed.read, failed.new) == (13, 13) and stored(vern) == 13  # the windows before it, kept
    assert positions(vern) == {"login": "2026-11-24T11:00:00Z", "saml": "2026-11-24T11:00:00Z",
                               "drive": "2026-11-24T05:00:00Z"}  # the end of the last window stored
    resumed = pull(vern)
    assert (resumed.problem, resumed.new) == (None, 2)
    assert stored(vern) == vern.store.value(
        "SELECT count(DISTINCT event_id) FROM access_events WHERE source = 'gworkspace'") == 15


@pytest.mark.parametrize("page_size, broken, read, drive", [
    (2, 8, 6, "2026-11-22T05:00:00Z"),  # etag-22's page, the 3rd of the first Drive window with views
    (1, 13, 13, "2026-11-24T05:00:00Z"),  # etag-27's, the 2nd of the last window, after a whole one
])
def test_a_window_that_fails_half_way_is_taken_out_of_its_batch_file(vern, server, key, monkeypatch,
                                                                      page_size, broken, read, drive):
    """A batch of Google's pages is one file, a page a line: the pages a window kept before
    it failed are cut out of the file again, so the pull stores only the whole windows
    before it (none, or one), and the next pull reads that window whole."""
    monkeypatch.setattr(asking, "sleep", lambda seconds: None)
    fake = workspace(vern, server, key, page_size=page_size)
    pulled_since(vern, 3)
    fake.broken[broken] = asking.TRIES
    failed = pull(vern)
    assert failed.problem.startswith("google svarte HTTP 500")
    assert (failed.read, stored(vern)) == (read, read)  # sign-ins, SAML and Drive's whole windows
    assert positions(vern)["drive"] == drive  # the end of the last whole window
    resumed = pull(vern)
    assert (resumed.problem, resumed.new) == (None, 15 - read) and stored(vern) == 15


@pytest.mark.parametrize("body", ["<html>Service Unavailable</html>", '{"items": "not a list"}', '["a list"]',
                                  '{"items": [{"kind": "admin#reports#activity"}], "nextPageToken": 7}'])
def test_an_answer_that_is_no_page_of_activities_ends_the_pull_storing_nothing(vern, server, key, body):
    """The pull reads of each page only its next token and whether it holds activities
    (google._Skimmed); an answer that is not such a page ends the pull (a token that is no
    text ended the paging silently before)."""
    fake = workspace(vern, server, key)
    pulled_since(vern, 3)
    fake.trouble = [Response(body, 200, content_type="application/json")]
    failed = pull(vern)
    assert failed.problem == "google svarte med noe som ikke er JSON"
    assert stored(vern) == 0 and positions(vern)["login"] == "2026-11-21T11:00:00+00:00"


def test_a_token_refused_before_its_end_is_renewed_and_the_request_asked_again(vern, server, key):
    fake = workspace(vern, server, key)
    pulled_since(vern, 3)
    fake.trouble = [Response(json.dumps({"error": {"code": 401, "message": "Request had invalid authentication "
                                                   "credentials.", "status": "UNAUTHENTICATED"}}), 401,
                             content_type="application/json")]  # revoked after google-auth got it
    assert (pull(vern).problem, stored(vern), len(fake.tokens)) == (None, 15, 2)


def test_a_token_that_expires_between_pages_is_renewed(vern, server, key, monkeypatch):
    import google.auth._helpers

    fake = workspace(vern, server, key, tick=dt.timedelta(minutes=20))  # each page takes twenty minutes
    monkeypatch.setattr(google.auth._helpers, "utcnow", lambda: fake.clock().replace(tzinfo=None))
    pulled_since(vern, 3)
    assert pull(vern).problem is None and stored(vern) == 15
    # Thirteen pages over more than four hours: a token lasts an hour, renewed before its end.
    assert fake.pages() == 13 and len(fake.tokens) == 5
    assert {(c["sub"], c["scope"]) for c in fake.assertions} == {(SUBJECT, SCOPE)}


def test_a_cursor_older_than_google_keeps_is_a_gap_and_a_finding(vern, server, key):
    fake = workspace(vern, server, key)
    pulled_since(vern, 200)
    assert pull(vern).new == 15
    year_ago = NOW - dt.timedelta(days=365)
    assert [(g["stream"], g["missed_from"], g["missed_to"]) for g in cursors.gaps(vern.store, ["google"], year_ago)] \
        == [(application, NOW - dt.timedelta(days=200), NOW - dt.timedelta(days=180, minutes=-5))
            for application in sorted(PULLED)]
    found = open_findings(vern, SourcesCheck, "source_gap", toml(fake.endpoint))
    assert found["google: drive 2026-05-08 13:00–2026-05-28 13:05"] == (
        "The events of google (drive) between 2026-05-08 13:00 and 2026-05-28 13:05 are lost: Vern did not "
        "pull before the provider had deleted them. The findings of that period are no evidence.")
    assert len(found) == 3
    assert pull(vern).problem is None and len(cursors.gaps(vern.store, ["google"], year_ago)) == 3  # no new gap


@pytest.mark.parametrize("refuse, said", [
    (lambda fake: setattr(fake, "delegated", False), f"unauthorized_client: {UNAUTHORIZED_CLIENT}"),
    (lambda fake: fake.users.remove(SUBJECT), "invalid_grant: Invalid email or User ID"),
])
def test_a_refused_sign_in_fails_in_googles_words_without_the_key(vern, server, key, refuse, said):
    fake = workspace(vern, server, key)
    refuse(fake)
    failed = pull(vern)
    assert failed.problem == f"google: Google ga ingen tilgang: {said}"
    assert pulling.test(vern.config, vern.config.sources["google"]) == failed.problem
    assert fake.pages() == 0 and len(fake.assertions) == 2
    assert open_findings(vern, SourcesCheck, "source_failed", toml(fake.endpoint)) == {
        "google": f"The last pull from google (2026-11-24 12:00) failed: google: Google gave no access: {said}"}
    secret = json.loads(key.read_text())["private_key"]
    assert all(line not in problems(vern) for line in secret.splitlines()[1:-1])


def test_an_admin_not_allowed_to_read_reports_is_refused_in_googles_words(vern, server, key):
    fake = workspace(vern, server, key)
    fake.admins.clear()
    said = ('google svarte HTTP 403: {"error": {"code": 403, "message": "Not Authorized to access this '
            'resource/api", "errors": [{"message": "Not Authorized to access this resource/api", "domain": '
            '"global", "reason": "forbidden"}], "status": "PERMISSION_DENIED"}}')
    assert pull(vern).problem == said
    assert pulling.test(vern.config, vern.config.sources["google"]) == said


def test_the_connection_test_signs_in_and_asks_for_one_activity(vern, server, key):
    fake = workspace(vern, server, key)
    assert pulling.test(vern.config, vern.config.sources["google"]) is None
    assert fake.asked == [("login", {"maxResults": "1"})] and len(fake.tokens) == 1
    assert stored(vern) == 0 and positions(vern) == {}


def test_a_batch_of_windows_the_import_refuses_is_kept_in_failed(vern, server, key):
    """Consecutive windows are imported together (audits/sources/windows.py): the three days of
    Drive since the cursor are one batch, its pages kept whole, and the cursor stays where it was."""
    fake = workspace(vern, server, key)
    pulled_since(vern, 3)
    del fake.activities[-1]["id"]["uniqueQualifier"]  # an activity Vern cannot tell apart
    failed = pull(vern)
    folder = vern.config.inbox / "access-logs" / "gworkspace" / "failed"
    kept = sorted(folder.iterdir())
    # One file, a page a line, as the export is; the activity named by its place in the file.
    assert [p.name for p in kept] == ["20261124T110000Z-google-drive-20261121T0500.json"]
    assert failed.problem == (f"google: en side ble avvist og lagt i {folder} som {kept[0].name}:\n"
                              "  post 8: felt id.uniqueQualifier: mangler")
    pages = [json.loads(page) for page in kept[0].read_bytes().splitlines()]  # as Google sent them
    assert [a["etag"] for page in pages for a in page["items"]] == [
        '"etag-26"', '"etag-25"', '"etag-24"', '"etag-23"', '"etag-22"', '"etag-21"', '"etag-20"', '"etag-28"', '"etag-27"']
    # Sign-ins and SAML stored up to now; Drive not at all, its cursor where the last pull left it.
    assert stored(vern) == 6 and positions(vern)["drive"] == "2026-11-21T11:00:00+00:00"


def test_a_batch_refused_again_by_the_next_pull_replaces_its_earlier_copy(vern, server, key, monkeypatch):
    """The stream stops at a refused batch, so each hourly pull fetches it again: failed/ keeps
    one copy of it, the newest, not one a pull; what else lies there stays."""
    fake = workspace(vern, server, key)
    pulled_since(vern, 3)
    del fake.activities[-1]["id"]["uniqueQualifier"]
    folder = vern.config.inbox / "access-logs" / "gworkspace" / "failed"
    pull(vern)
    (folder / "20261120T080000Z-google-login-20261119T0500.json").write_text("another stream's batch")
    (folder / "20261120T080000Z-google-drive-login-20261119T0500.json").write_text("a source named google-drive")
    (folder / "20261120T080000Z-google-drive-20261119T0500-looked-at").mkdir()  # the adviser's folder
    monkeypatch.setenv("VERN_NOW", (NOW + dt.timedelta(hours=1)).isoformat())
    again = pull(vern)
    assert sorted(p.name for p in folder.iterdir()) == [
        "20261120T080000Z-google-drive-20261119T0500-looked-at", "20261120T080000Z-google-drive-login-20261119T0500.json",
        "20261120T080000Z-google-login-20261119T0500.json", "20261124T120000Z-google-drive-20261121T0500.json"]
    assert "som 20261124T120000Z-google-drive-20261121T0500.json:" in again.problem
    assert len((folder / "20261124T120000Z-google-drive-20261121T0500.json").read_bytes().splitlines()) == 5


def test_a_refused_page_stops_its_application_and_the_others_are_read(vern, server, key):
    """Sign-ins come first: a sign-in page the import refuses fails the pull, but SAML's and
    Drive's activities are read and stored, and only the sign-ins' cursor stays."""
    fake = workspace(vern, server, key)
    pulled_since(vern, 3)
    del fake.activities[0]["id"]["uniqueQualifier"]  # a failed sign-in Vern cannot tell apart
    failed = pull(vern)
    folder = vern.config.inbox / "access-logs" / "gworkspace" / "failed"
    assert failed.problem == (f"google: en side ble avvist og lagt i {folder} som "
                              "20261124T110000Z-google-login-20261121T0500.json:\n"
                              "  post 3: felt id.uniqueQualifier: mangler")
    assert (failed.read, stored(vern)) == (11, 11)  # two SAML sign-ins, nine Drive views
    assert positions(vern) == {"login": "2026-11-21T11:00:00+00:00", "saml": "2026-11-24T11:00:00Z",
                               "drive": "2026-11-24T11:00:00Z"}


def test_batches_fetched_after_a_refused_one_are_dropped_with_their_files(vern, server, key, monkeypatch, tmp_path):
    """A window a batch: the first Drive window is refused while the next ones are fetched;
    the pull ends at it, nothing after it is imported, and no batch's files stay behind."""
    monkeypatch.setattr(windows, "BATCH_ANSWERS", 1)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    fake = workspace(vern, server, key)
    pulled_since(vern, 3)
    del next(a for a in fake.activities if a["etag"] == '"etag-26"')["id"]["uniqueQualifier"]
    failed = pull(vern)
    assert failed.problem.endswith("-20261121T0500.json:\n  post 1: felt id.uniqueQualifier: mangler")
    assert stored(vern) == 6 and positions(vern)["drive"] == "2026-11-21T11:00:00+00:00"
    assert list(temp.iterdir()) == []
    kept = vern.config.inbox / "access-logs" / "gworkspace" / "failed"
    # The refused batch alone, the first window's pages; none of the windows after it.
    assert [p.name for p in kept.iterdir()] == ["20261124T110000Z-google-drive-20261121T0500.json"]


@pytest.mark.parametrize("content, why", [
    ("not a key", "JSONDecodeError"),
    ('["a list"]', "TypeError"),
    ('{"type": "service_account", "client_email": "x@y"}', "MalformedError"),
])
def test_a_key_file_that_is_no_key_is_refused_naming_the_variable(vern, server, key, content, why):
    workspace(vern, server, key)
    secret = key.read_text()
    key.write_text(content)
    assert pull(vern).problem == f"google: nøkkelfilen i GOOGLE_KEY kan ikke leses ({why})"
    key.write_text(secret.replace("PRIVATE KEY-----\\n", "PRIVATE KEY-----\\nAAAA", 1))  # a key that is no key
    assert pull(vern).problem == "google: nøkkelfilen i GOOGLE_KEY kan ikke leses (ValueError)"
    assert json.loads(secret)["private_key"].splitlines()[1] not in problems(vern)


def test_the_key_files_variable_must_be_set(vern, server, key, monkeypatch):
    workspace(vern, server, key)
    monkeypatch.delenv("GOOGLE_KEY")
    assert pull(vern).problem == "kilde google: miljøvariabelen GOOGLE_KEY er ikke satt"


@pytest.mark.parametrize("keys, said", [
    ('credentials_env = "GOOGLE_KEY"', "configuration key sources.google.subject: missing"),
    (f'subject = "{SUBJECT}"', "configuration key sources.google.credentials_env: missing"),
    (f'credentials_env = ""\nsubject = "{SUBJECT}"', "configuration key sources.google.credentials_env: missing"),
])
def test_the_configuration_asks_for_the_key_and_the_admin(vern, keys, said):
    with pytest.raises(VernError, match=said):
        config_with(vern, toml("https://localhost:1", keys))


def test_without_an_endpoint_every_address_is_googles_and_with_one_none_is():
    from audits.sources.settings import from_config

    public, moved = from_config({
        "public": {"kind": "google", "credentials_env": "K", "subject": SUBJECT},
        "moved": {"kind": "google", "credentials_env": "K", "subject": SUBJECT, "endpoint": "http://localhost:9/"},
    }).values()
    assert (connector._token_uri(public), connector._activities(public, "drive")) == (
        "https://oauth2.googleapis.com/token",
        "https://admin.googleapis.com/admin/reports/v1/activity/users/all/applications/drive")
    assert (connector._token_uri(moved), connector._activities(moved, "drive")) == (
        "http://localhost:9/token", "http://localhost:9/admin/reports/v1/activity/users/all/applications/drive")
    assert set(PULLED) <= set(KNOWN) and connector.APPLICATIONS == PULLED


def test_windows_grow_while_quiet_and_go_back_to_a_day_when_busy(vern):
    """windows.Spans: a window answered in one page or none makes the next twice as long, up
    to `longest`; one of more pages brings the next back to 24 hours. Microsoft's stay at 24."""
    day = dt.timedelta(days=1)

    def lengths(longest: dt.timedelta, busy: set[int]) -> list[dt.timedelta]:
        spans, seen = windows.Spans(vern.store, "google", "login", dt.timedelta(days=30), dt.timedelta(hours=6),
                                    longest), []
        for n, (start, end) in enumerate(spans):
            seen.append(end - start)
            spans.answered(3 if n in busy else n % 2)  # a page, or none
        return seen

    rest = 2 * day - dt.timedelta(minutes=5)  # 30 days, less the margin inside what Google keeps
    assert lengths(connector.QUIET, {3}) == [day, 2 * day, 4 * day, 7 * day, day, 2 * day, 4 * day, 7 * day, rest]
    assert lengths(windows.WINDOW, set()) == [day] * 29 + [day - dt.timedelta(minutes=5)]
