"""Each backup also copied to `[backup] s3_bucket` (boto3, the standard credential chain)
against a real S3 on loopback (moto's server): the very file, under `s3_prefix`; a copy S3
refuses is recorded with AWS's code and is a `backup_failed` finding, while the backup on
disk stands."""

import hashlib

import boto3
import httpx
import pytest

from audits.backups import taking
from checks.backups import BackupsCheck
from conftest import config_with, only_fake_aws, open_findings

PASSPHRASE = "korrekt hest batteri stift"
BUCKET = "vern-backups"


@pytest.fixture
def s3(tmp_path, monkeypatch, moto_server):
    only_fake_aws(monkeypatch, tmp_path)
    endpoint = f"http://127.0.0.1:{moto_server.get_host_and_port()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint)  # boto3's own setting: how an S3-compatible store is named
    monkeypatch.setenv("VERN_BACKUP_PASSPHRASE", PASSPHRASE)
    client = boto3.client("s3", endpoint_url=endpoint)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    yield client
    httpx.post(f"{endpoint}/moto-api/reset")


def test_the_backup_is_copied_to_the_bucket_as_it_is(vern, s3):
    config = config_with(vern, f'[backup]\ns3_bucket = "{BUCKET}"\ns3_prefix = "forening/vern/"\n')
    made = taking.take(vern.store, config, "cli", "cli:tester")
    stored = s3.get_object(Bucket=BUCKET, Key=f"forening/vern/{made.path.name}")["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == made.sha256 == hashlib.sha256(made.path.read_bytes()).hexdigest()
    assert taking.status(vern.store)["made"]["copy_problem"] is None


def test_a_copy_refused_is_a_finding_and_the_backup_stands(vern, s3, monkeypatch):
    toml = '[backup]\ns3_bucket = "no-such-bucket"\n'
    vern.config = config_with(vern, toml)
    taking.scheduled(vern)
    made = taking.status(vern.store)["made"]
    assert (vern.config.backup["folder"] / made["file"]).exists()
    assert made["copy_problem"]["en"] == "The copy to the S3 bucket no-such-bucket failed: NoSuchBucket"
    assert open_findings(vern, BackupsCheck, "backup_failed", toml) == {
        "vern": "The backup at 2026-11-24 12:00 failed: The copy to the S3 bucket no-such-bucket failed: NoSuchBucket"}
    assert open_findings(vern, BackupsCheck, "backup_missing", toml) == {}  # it is on disk


def test_without_credentials_the_copy_says_so(vern, s3, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    config = config_with(vern, f'[backup]\ns3_bucket = "{BUCKET}"\n')
    taking.take(vern.store, config, "cli", "cli:tester")
    assert taking.status(vern.store)["made"]["copy_problem"]["en"].endswith("failed: NoCredentialsError")
