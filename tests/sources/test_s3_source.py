"""The AWS source against a real S3 on loopback (moto's server, tests/sources/aws.py): the real
boto3 lists the trail's region folders and reads each region's new log files from its own
cursor, page by page, in batches; digest and Insights files are left alone; a late file is
found; a refused file is kept for the adviser; S3's refusals fail the pull in AWS's words."""

import datetime as dt
import socket
import tempfile

import boto3
import httpx
import pytest
from aws import (
    ACCOUNT,
    BUCKET,
    MEMBER,
    ORG,
    Door,
    console_sign_in,
    digest,
    gzipped,
    insight,
    log_key,
    s3_event,
)

from audits.core.errors import VernError
from audits.sources import cursors, pulling
from audits.sources import s3 as source_s3
from conftest import FAKE_AWS_SECRET, config_with, only_fake_aws

NOW = dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC)  # conftest's frozen clock


@pytest.fixture
def aws(tmp_path, monkeypatch, moto_server):
    """moto's S3 with the trail's bucket, fake credentials in the environment, and nothing
    of this machine's AWS setup read (conftest.only_fake_aws)."""
    only_fake_aws(monkeypatch, tmp_path)
    moto = moto_server._server.app
    door = Door(moto)  # werkzeug's server calls its `app` for every request
    moto_server._server.app = door
    door.endpoint = f"http://127.0.0.1:{moto_server.get_host_and_port()[1]}"
    door.s3 = boto3.client("s3", endpoint_url=door.endpoint)
    door.s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    yield door
    httpx.post(f"{door.endpoint}/moto-api/reset")  # moto's state is this process's
    moto_server._server.app = moto


def toml(endpoint: str, more: str = "", bucket: str = BUCKET) -> str:
    return f'[sources.trail]\nkind = "s3"\nendpoint = "{endpoint}"\nbucket = "{bucket}"\n{more}'


def deliver(aws: Door, at: dt.datetime, records: list[dict], **where) -> str:
    """A log file as the trail delivers it; its key."""
    key = log_key(at, **where)
    aws.s3.put_object(Bucket=BUCKET, Key=key, Body=gzipped({"Records": records}))
    return key


def hours_ago(hours: float) -> dt.datetime:
    return NOW - dt.timedelta(hours=hours)


def pull(vern):
    return pulling.pull(vern.store, vern.config, vern.config.sources["trail"], "test")


def stored(vern) -> int:
    return vern.store.value("SELECT count(*) FROM access_events WHERE source = 'cloudtrail'")


def positions(vern) -> dict[str, str]:
    return {c["stream"]: c["position"] for c in cursors.listing(vern.store, "trail")}


def trail_of_two_regions_and_an_organisation(aws: Door) -> dict[str, list[str]]:
    """15 events in 8 files: eu-north-1 (5 files of 2 S3 data events, from last night to ten
    minutes ago), eu-west-1 (2 of 1 deletion), us-east-1 (a console sign-in) and a member
    account's eu-north-1 under the organisation's folder (2 of 1). Beside them a digest file,
    an Insights file and a folder's marker, none of them logs. The keys of each region."""
    keys: dict[str, list[str]] = {}
    for n, hours in enumerate((13, 11.5, 10.8, 1.9, 0.2)):
        keys.setdefault("north", []).append(deliver(aws, hours_ago(hours), [
            s3_event(10 * n, hours_ago(hours + 0.1)), s3_event(10 * n + 1, hours_ago(hours + 0.1), "PutObject")]))
    for n, hours in enumerate((8, 0.5)):
        keys.setdefault("west", []).append(deliver(aws, hours_ago(hours), [
            s3_event(100 + n, hours_ago(hours + 0.1), "DeleteObject", region="eu-west-1")], region="eu-west-1"))
    keys["east"] = [deliver(aws, hours_ago(3), [console_sign_in(200, hours_ago(3.1))], region="us-east-1")]
    for n, hours in enumerate((4, 3.4)):
        keys.setdefault("member", []).append(deliver(aws, hours_ago(hours), [
            s3_event(300 + n, hours_ago(hours + 0.1), account=MEMBER)], account=MEMBER, org=ORG))
    for key, body in (digest(hours_ago(1)), insight(hours_ago(1))):
        aws.s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    aws.s3.put_object(Bucket=BUCKET, Key=f"AWSLogs/{ACCOUNT}/CloudTrail/eu-north-1/2026/11/", Body=b"")
    return keys


def test_each_region_is_read_page_by_page_from_its_own_cursor_and_a_second_pull_adds_nothing(
        vern, aws, monkeypatch):
    monkeypatch.setattr(source_s3, "PAGE_SIZE", 2)
    keys = trail_of_two_regions_and_an_organisation(aws)
    vern.config = config_with(vern, toml(aws.endpoint))
    first = pull(vern)
    assert (first.problem, first.read, first.new) == (None, 15, 15) and stored(vern) == 15
    assert positions(vern) == {f"{ACCOUNT}/eu-north-1": keys["north"][-1], f"{ACCOUNT}/eu-west-1": keys["west"][-1],
                               f"{ACCOUNT}/us-east-1": keys["east"][-1],
                               f"{ORG}/{MEMBER}/eu-north-1": keys["member"][-1]}
    # Five files and a marker, two keys to a page: three listings, the last two continuing.
    north = aws.listings(f"AWSLogs/{ACCOUNT}/CloudTrail/eu-north-1/")
    assert len(north) == 3 and [("continuation-token" in a.args) for a in north] == [False, True, True]
    assert sorted(aws.gets()) == sorted(key for region in keys.values() for key in region)  # no digest, no Insights
    assert {r["action"] for r in vern.store.rows("SELECT DISTINCT action FROM access_events")} == {
        "download", "write", "delete", "signin"}
    assert vern.store.value("SELECT file FROM access_events WHERE operation = 'ConsoleLogin'") == \
        keys["east"][0].rpartition("/")[2]  # the file CloudTrail delivered
    before = positions(vern)
    aws.asked.clear()
    again = pull(vern)  # each region's last hour again, where a late file would be
    assert (again.problem, again.new) == (None, 0) and stored(vern) == 15
    assert again.read == 2 + 1 + 1 + 2  # the files of north 10:48, west 10:30, east 08:00, member 07:00 and 07:36
    assert aws.listings(f"AWSLogs/{ACCOUNT}/CloudTrail/eu-north-1/")[0].args["start-after"] == (
        f"AWSLogs/{ACCOUNT}/CloudTrail/eu-north-1/2026/11/24/{ACCOUNT}_CloudTrail_eu-north-1_20261124T0948Z")
    assert positions(vern) == before


def test_a_new_file_in_a_region_that_sorts_first_and_a_new_region_are_read_by_the_next_pull(vern, aws):
    trail_of_two_regions_and_an_organisation(aws)
    vern.config = config_with(vern, toml(aws.endpoint))
    assert pull(vern).new == 15
    # After the organisation's folder (the last key of the bucket) was read, eu-north-1, which
    # sorts before eu-west-1 and the organisation, gets a file, and eu-central-1 begins.
    late = deliver(aws, hours_ago(0.05), [s3_event(500, hours_ago(0.1))])
    begun = deliver(aws, hours_ago(0.1), [s3_event(501, hours_ago(0.1), region="eu-central-1")], region="eu-central-1")
    assert begun < late < max(positions(vern).values())
    again = pull(vern)
    assert (again.problem, again.new) == (None, 2) and stored(vern) == 17
    assert positions(vern)[f"{ACCOUNT}/eu-north-1"] == late
    assert positions(vern)[f"{ACCOUNT}/eu-central-1"] == begun


def test_a_file_delivered_late_behind_the_cursor_is_read_across_midnight(vern, aws):
    at = dt.datetime(2026, 11, 24, 0, 10, tzinfo=dt.UTC)
    first = deliver(aws, at - dt.timedelta(minutes=40), [s3_event(1, at - dt.timedelta(minutes=45))])
    cursor = deliver(aws, at, [s3_event(2, at - dt.timedelta(minutes=5))])
    vern.config = config_with(vern, toml(aws.endpoint))
    assert pull(vern).new == 2
    # Delivered now, named for 23:50 yesterday: between the two files already read.
    late = deliver(aws, at - dt.timedelta(minutes=20), [s3_event(3, at - dt.timedelta(minutes=25), "DeleteObject")])
    assert first < late < cursor
    aws.asked.clear()
    again = pull(vern)
    assert (again.problem, again.read, again.new) == (None, 3, 1) and stored(vern) == 3
    assert aws.listings(f"AWSLogs/{ACCOUNT}/CloudTrail/eu-north-1/")[0].args["start-after"] == (
        f"AWSLogs/{ACCOUNT}/CloudTrail/eu-north-1/2026/11/23/{ACCOUNT}_CloudTrail_eu-north-1_20261123T2310Z")
    assert positions(vern) == {f"{ACCOUNT}/eu-north-1": cursor}  # never moved back by what the overlap re-read


@pytest.mark.parametrize("prefix, streams, events", [
    ("AWSLogs", [f"{ACCOUNT}/eu-north-1", f"{ACCOUNT}/eu-west-1", f"{ACCOUNT}/us-east-1",
                 f"{ORG}/{MEMBER}/eu-north-1"], 15),  # a folder, though written without its /
    (f"AWSLogs/{ACCOUNT}/", ["eu-north-1", "eu-west-1", "us-east-1"], 13),  # one account
    (f"AWSLogs/{ORG}/", [f"{MEMBER}/eu-north-1"], 2),  # one organisation
    (f"AWSLogs/{ACCOUNT}/CloudTrail/", ["eu-north-1", "eu-west-1", "us-east-1"], 13),
])
def test_a_deeper_prefix_reads_what_lies_under_it(vern, aws, prefix, streams, events):
    trail_of_two_regions_and_an_organisation(aws)
    vern.config = config_with(vern, toml(aws.endpoint, f'prefix = "{prefix}"\n'))
    assert (pull(vern).new, sorted(positions(vern))) == (events, streams)
    assert all(a.args.get("prefix", "").startswith(prefix) for a in aws.asked if a.listing)  # what the policy allows


def test_one_name_in_two_days_folders_is_two_files(vern, aws):
    """Not CloudTrail's doing, but a batch's folder holds one file of a name: the second waits
    for the next batch rather than overwriting the first."""
    key = log_key(hours_ago(2))
    for n, where in enumerate((key.replace("/2026/11/24/", "/2026/11/23/"), key)):
        aws.s3.put_object(Bucket=BUCKET, Key=where, Body=gzipped({"Records": [s3_event(n, hours_ago(2.1))]}))
    vern.config = config_with(vern, toml(aws.endpoint))
    assert (pull(vern).new, stored(vern)) == (2, 2)


def test_a_refused_file_is_kept_in_failed_and_the_cursor_stays_before_its_batch(vern, aws, monkeypatch, tmp_path):
    monkeypatch.setattr(source_s3, "BATCH_FILES", 2)
    temp = tmp_path / "temp"  # where the batches are downloaded while one is imported
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    keys = [deliver(aws, hours_ago(10 - n), [s3_event(n, hours_ago(10.5 - n))]) for n in range(5)]
    broken = s3_event(3, hours_ago(7.5))
    del broken["eventID"]
    keys[3] = deliver(aws, hours_ago(7), [broken])
    vern.config = config_with(vern, toml(aws.endpoint))
    for read, new in ((2, 2), (2, 0)):  # the next pull stops at the same file: nothing is skipped
        failed = pull(vern)
        folder = vern.config.inbox / "access-logs" / "cloudtrail" / "failed"
        name = keys[3].rpartition("/")[2]
        assert failed.problem == (f"trail: en side ble avvist og lagt i {folder} som {name}:\n"
                                  "  post 1: felt eventID: mangler")
        assert (failed.read, failed.new) == (read, new)
        assert sorted(p.name for p in folder.iterdir()) == sorted(k.rpartition("/")[2] for k in keys[2:4])
        # The batch after it (keys[4]) may be downloaded while this one is imported: never stored.
        assert positions(vern) == {f"{ACCOUNT}/eu-north-1": keys[1]} and stored(vern) == 2
        assert list(temp.iterdir()) == []


def test_a_refused_file_stops_its_region_and_the_other_regions_are_read(vern, aws):
    """eu-central-1 sorts before eu-north-1: its refused file fails the pull, but the north's
    files are read and stored, and only the central cursor stays where it was."""
    broken = s3_event(1, hours_ago(5.5), region="eu-central-1")
    del broken["eventID"]
    central = deliver(aws, hours_ago(5), [broken], region="eu-central-1")
    north = [deliver(aws, hours_ago(4 - n), [s3_event(10 + n, hours_ago(4.5 - n))]) for n in range(2)]
    vern.config = config_with(vern, toml(aws.endpoint))
    failed = pull(vern)
    assert failed.problem.endswith(f"{central.rpartition('/')[2]}:\n  post 1: felt eventID: mangler")
    assert (failed.read, failed.new) == (2, 2) and stored(vern) == 2
    assert positions(vern) == {f"{ACCOUNT}/eu-north-1": north[1]}


def test_a_slow_down_is_tried_again_and_one_that_lasts_ends_the_pull_which_the_next_resumes(
        vern, aws, monkeypatch):
    monkeypatch.setattr(source_s3, "BATCH_FILES", 2)
    monkeypatch.setattr(source_s3, "TRIES", 2)
    keys = [deliver(aws, hours_ago(10 - n), [s3_event(2 * n, hours_ago(10.5 - n)),
                                             s3_event(2 * n + 1, hours_ago(10.5 - n), "PutObject")])
            for n in range(6)]
    aws.fail(lambda asked: asked.method == "GET" and asked.key == keys[0], 503, "SlowDown",
             "Please reduce your request rate.")
    aws.fail(lambda asked: asked.method == "GET" and asked.key == keys[3], 503, "SlowDown",
             "Please reduce your request rate.", times=2)
    vern.config = config_with(vern, toml(aws.endpoint))
    failed = pull(vern)
    assert aws.gets().count(keys[0]) == 2  # botocore tried again after the first SlowDown
    assert failed.problem == "trail svarte HTTP 503: SlowDown: Please reduce your request rate."
    assert (failed.read, failed.new) == (4, 4) and positions(vern) == {f"{ACCOUNT}/eu-north-1": keys[1]}
    resumed = pull(vern)
    assert (resumed.problem, resumed.new) == (None, 8)
    assert stored(vern) == vern.store.value(
        "SELECT count(DISTINCT event_id) FROM access_events WHERE source = 'cloudtrail'") == 12


DENIED = ('User: arn:aws:iam::111122223333:user/vern is not authorized to perform: s3:ListBucket on resource: '
          '"arn:aws:s3:::vern-trail" because no identity-based policy allows the s3:ListBucket action')


@pytest.mark.parametrize("case, said", [
    ("no bucket", "trail svarte HTTP 404: NoSuchBucket: The specified bucket does not exist"),
    ("denied", f"trail svarte HTTP 403: AccessDenied: {DENIED}"),
    ("no credentials", "trail: fant ingen AWS-nøkler (miljøvariabler, ~/.aws/credentials, en profil eller en rolle)"),
    ("no profile", "trail: AWS-profilen revisor finnes ikke i AWS-konfigurasjonen"),
])
def test_what_aws_refuses_fails_the_pull_and_the_connection_test_in_its_words(vern, aws, monkeypatch, case, said):
    deliver(aws, hours_ago(1), [s3_event(1, hours_ago(1.1))])
    if case == "denied":
        aws.fail(lambda asked: asked.listing, 403, "AccessDenied", DENIED, times=99)
    if case == "no credentials":
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    vern.config = config_with(vern, toml(aws.endpoint, 'profile = "revisor"\n' if case == "no profile" else "",
                                         "no-such-bucket" if case == "no bucket" else BUCKET))
    failed = pull(vern)
    assert (failed.problem, failed.read) == (said, 0) and stored(vern) == 0
    assert pulling.test(vern.config, vern.config.sources["trail"]) == said
    row = vern.store.rows("SELECT status, problem FROM source_pulls ORDER BY id DESC")[0]
    assert row["status"] == "failed" and FAKE_AWS_SECRET not in row["problem"]


def test_the_connection_test_lists_one_key_and_says_when_the_prefix_holds_nothing(vern, aws):
    deliver(aws, hours_ago(1), [s3_event(1, hours_ago(1.1))])
    vern.config = config_with(vern, toml(aws.endpoint))
    assert pulling.test(vern.config, vern.config.sources["trail"]) is None
    assert [a.args.get("max-keys") for a in aws.asked if a.listing][-1] == "1"
    vern.config = config_with(vern, toml(aws.endpoint, 'prefix = "Logs"\n'))
    assert pulling.test(vern.config, vern.config.sources["trail"]) == (
        "trail: bøtta vern-trail har ingen filer under Logs/ (stemmer prefix?)")
    assert pull(vern).problem is None and stored(vern) == 0  # a new trail has delivered nothing yet


def test_an_endpoint_that_does_not_answer_fails_the_pull(vern, aws):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    vern.config = config_with(vern, toml(f"http://127.0.0.1:{port}"))
    assert pull(vern).problem.startswith("trail: AWS kan ikke nås (EndpointConnectionError): Could not connect to "
                                         f'the endpoint URL: "http://127.0.0.1:{port}/vern-trail?')


def signer(asked) -> tuple[str, str]:
    """(access key id, region) of a request's SigV4 credential scope: KEY/DATE/REGION/s3/aws4_request."""
    scope = asked.authorization.split("Credential=", 1)[1].split(",", 1)[0].split("/")
    return scope[0], scope[2]


def test_a_named_profile_is_read_from_the_aws_config_files(vern, aws, monkeypatch, tmp_path):
    (tmp_path / "aws-config").write_text("[profile revisor]\nregion = eu-west-1\n", encoding="utf-8")
    (tmp_path / "aws-credentials").write_text(
        "[revisor]\naws_access_key_id = AKIAVERNREVISOR00001\naws_secret_access_key = revisor-secret\n",
        encoding="utf-8")
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # it would come before the profile's
    deliver(aws, hours_ago(1), [s3_event(1, hours_ago(1.1))])
    vern.config = config_with(vern, toml(aws.endpoint, 'profile = "revisor"\n'))
    aws.asked.clear()
    assert pull(vern).new == 1
    assert {signer(a) for a in aws.asked} == {("AKIAVERNREVISOR00001", "eu-west-1")}  # not the environment's key
    vern.config = config_with(vern, toml(aws.endpoint, 'profile = "revisor"\nregion = "eu-north-1"\n'))
    aws.asked.clear()
    assert pull(vern).problem is None
    assert {signer(a) for a in aws.asked} == {("AKIAVERNREVISOR00001", "eu-north-1")}


def test_the_bucket_is_required_and_aws_is_asked_without_an_endpoint(vern):
    with pytest.raises(VernError, match="configuration key sources.trail.bucket: missing"):
        config_with(vern, '[sources.trail]\nkind = "s3"\n')
    source = config_with(vern, f'[sources.trail]\nkind = "s3"\nbucket = "{BUCKET}"\n').sources["trail"]
    assert (source.endpoint, source.options["prefix"]) == ("", "AWSLogs/")  # Amazon's own; the trail's default
