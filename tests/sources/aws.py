"""A real S3 on loopback: moto's server, behind a door that notes every request and can
answer for S3 as S3 does when it refuses (403 AccessDenied, 503 SlowDown). And CloudTrail's
log files as a trail delivers them: gzipped JSON of records shaped as AWS documents them
(S3 data events, a console sign-in), at `<prefix><account>/CloudTrail/<region>/YYYY/MM/DD/
<account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<unique>.json.gz`."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from werkzeug import Request, Response

ACCOUNT, MEMBER, ORG = "111122223333", "444455556666", "o-a1b2c3d4e5"
BUCKET = "vern-trail"


@dataclass(frozen=True)
class Asked:
    method: str
    path: str  # unquoted: /bucket/key
    args: dict[str, str]
    authorization: str

    @property
    def key(self) -> str:
        return self.path.split("/", 2)[2] if self.path.count("/") >= 2 else ""

    @property
    def listing(self) -> bool:
        return self.method == "GET" and self.args.get("list-type") == "2"


class Door:
    """Moto's WSGI app behind a door: `asked` notes every request; a fault (a test on the
    request, how many times, the answer) answers in S3's place."""

    def __init__(self, app):
        self.app = app
        self.asked: list[Asked] = []
        self.faults: list[list] = []

    def fail(self, when: Callable[[Asked], bool], status: int, code: str, message: str, times: int = 1) -> None:
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
                f"<RequestId>4442587FB7D0A2F9</RequestId><HostId>vern-test</HostId></Error>")
        self.faults.append([when, times, Response(body, status, content_type="application/xml")])

    def __call__(self, environ, start_response):
        request = Request(environ)
        asked = Asked(request.method, unquote(request.path), dict(request.args),
                      request.headers.get("Authorization", ""))
        self.asked.append(asked)
        for fault in self.faults:
            if fault[1] and fault[0](asked):
                fault[1] -= 1
                return fault[2](environ, start_response)
        return self.app(environ, start_response)

    def gets(self) -> list[str]:
        """The keys downloaded, in order."""
        return [a.key for a in self.asked if a.method == "GET" and not a.listing]

    def listings(self, prefix: str) -> list[Asked]:
        """The listings of keys under `prefix` (not of folders)."""
        return [a for a in self.asked if a.listing and a.args.get("prefix") == prefix and "delimiter" not in a.args]


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def s3_event(n: int, at: dt.datetime, name: str = "GetObject", account: str = ACCOUNT, region: str = "eu-north-1",
             user: str = "kari") -> dict:
    """An S3 data event: GetObject, PutObject or DeleteObject on an object of the member list's bucket."""
    key = f"eksport/medlemsliste-{n}.csv"
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLEKARI01", "accountId": account,
                         "arn": f"arn:aws:iam::{account}:user/{user}", "accessKeyId": "AKIAEXAMPLEKARI01",
                         "userName": user},
        "eventTime": _utc(at), "eventSource": "s3.amazonaws.com", "eventName": name, "awsRegion": region,
        "sourceIPAddress": "192.0.2.10", "userAgent": "[aws-cli/2.22.0 md/awscrt#0.23.4]",
        "requestParameters": {"bucketName": "medlemmer", "Host": f"medlemmer.s3.{region}.amazonaws.com", "key": key},
        "responseElements": None,
        "additionalEventData": {"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader",
                                "bytesTransferredIn": 0, "bytesTransferredOut": 2048},
        "requestID": f"REQ{n:013d}", "eventID": str(uuid.UUID(int=n)), "readOnly": name == "GetObject",
        "resources": [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::medlemmer/{key}"},
                      {"accountId": account, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::medlemmer"}],
        "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": account, "eventCategory": "Data",
    }


def console_sign_in(n: int, at: dt.datetime, account: str = ACCOUNT, user: str = "kari") -> dict:
    """A console sign-in (signin.amazonaws.com ConsoleLogin, delivered in us-east-1's folder)."""
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLEKARI01", "accountId": account,
                         "arn": f"arn:aws:iam::{account}:user/{user}", "userName": user},
        "eventTime": _utc(at), "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
        "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.10",
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        "requestParameters": None, "responseElements": {"ConsoleLogin": "Success"},
        "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No",
                                "MFAUsed": "Yes"},
        "eventID": str(uuid.UUID(int=n)), "readOnly": False, "eventType": "AwsConsoleSignIn",
        "managementEvent": True, "recipientAccountId": account, "eventCategory": "Management",
    }


def log_key(at: dt.datetime, region: str = "eu-north-1", account: str = ACCOUNT, org: str = "",
            prefix: str = "AWSLogs/", kind: str = "CloudTrail") -> str:
    """Where the trail delivers a file at `at` (its name carries that time)."""
    at = at.astimezone(dt.UTC)
    unique = uuid.uuid5(uuid.NAMESPACE_URL, f"{account}{region}{at}{kind}").hex[:16]
    name = f"{account}_{kind}_{region}_{at:%Y%m%dT%H%MZ}_{unique}.json.gz"
    return f"{prefix}{org + '/' if org else ''}{account}/{kind}/{region}/{at:%Y/%m/%d}/{name}"


def gzipped(document) -> bytes:
    return gzip.compress(json.dumps(document).encode())


def digest(at: dt.datetime, region: str = "eu-north-1") -> tuple[str, bytes]:
    """A digest file (no Records: the import would refuse it) in CloudTrail-Digest/."""
    at = at.astimezone(dt.UTC)
    key = (f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/{region}/{at:%Y/%m/%d}/"
           f"{ACCOUNT}_CloudTrail-Digest_{region}_vern_{region}_{at:%Y%m%dT%H%M%SZ}.json.gz")
    return key, gzipped({"awsAccountId": ACCOUNT, "digestStartTime": _utc(at - dt.timedelta(hours=1)),
                         "digestEndTime": _utc(at), "digestS3Bucket": BUCKET, "logFiles": []})


def insight(at: dt.datetime, region: str = "eu-north-1") -> tuple[str, bytes]:
    """An Insights file in CloudTrail-Insight/ (its records name nobody: the import would skip them)."""
    record = {"eventVersion": "1.08", "eventTime": _utc(at), "awsRegion": region, "eventID": str(uuid.uuid4()),
              "eventType": "AwsCloudTrailInsight", "recipientAccountId": ACCOUNT, "sharedEventID": str(uuid.uuid4()),
              "insightDetails": {"state": "Start", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
                                 "insightType": "ApiCallRateInsight"}, "eventCategory": "Insight"}
    return log_key(at, region, kind="CloudTrail-Insight"), gzipped({"Records": [record]})
