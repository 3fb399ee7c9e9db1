"""Sources benchmark (issue 18): pulling a million events from loopback fakes of Microsoft 365,
Google Workspace and S3, against the file import of the same events; events/s, the ratio and
peak memory.

    .venv/bin/python benchmarks/sources.py [--events 1000000] [--only m365|google|s3]
                                           [--runs 1] [--workdir PATH] [--profile]

1. Generates --events events, split as benchmarks/access_logs.py splits them (Microsoft 365
   45 %, CloudTrail 30 %, Google Workspace 25 %) and drawn by its generator (2,000 people,
   their systems), with their times moved into what each provider still lists on a first
   pull: Microsoft's last 7 days, Google's last 180 days, CloudTrail's last 30 days. Each
   provider's events are written twice (not timed):
   - as the provider serves them: Microsoft 365 blobs of 1,000 AuditData records per content
     type; Google Reports API activities per application; CloudTrail .json.gz files of 1,000
     records under AWSLogs/<account>/CloudTrail/eu-north-1/YYYY/MM/DD/;
   - as the file import reads them: Purview audit-log exports (CSV with AuditData), pages of
     activities.list (NDJSON, a file a month: see GOOGLE_FILE), and the very same CloudTrail files.
2. For each provider, a fake on 127.0.0.1 in a process of its own (its CPU is not Vern's):
   - Microsoft 365 over TLS (MSAL takes https only; a localhost certificate trusted through
     REQUESTS_CA_BUNDLE and SSL_CERT_FILE): the tests' fake Entra token endpoint and
     subscriptions (tests/sources/microsoft.py), with the content listing (windows of at most
     24 hours, 20 blobs a page, NextPageUri) and the blobs served from pre-generated files;
   - Google: the demo's fake token endpoint (audits/demo/providers/google_workspace.py, JWT
     verified) on its loopback server, with activities.list answered from pre-serialised
     activities (startTime/endTime, newest first, 1,000 a page, pageToken/nextPageToken);
   - S3: moto's server (as tests/sources/test_s3_source.py uses it) holding the CloudTrail files.
   All three run on werkzeug's server, which closes the connection after every answer: each
   request pays a new connection. Microsoft's blobs, nine in ten of its requests, are served
   by a server of their own that keeps connections open as Microsoft's does (a TLS handshake
   per blob cost the pull about 1.5 s in the profile).
3. Pull: `audits.sources.pulling.pull` of that one source, configured in a vern.toml as an
   admin would ([sources.<name>] with `endpoint`), into a fresh database holding the people,
   systems and grants (loaded before the clock starts, as are the client libraries' modules).
   The real sign-in (MSAL, google-auth, boto3's credentials), the real paging, the real
   windows and batches, the real import transactions.
   Then the same pull with its import skipped (what it hands the import is dropped): the
   transfer alone, the part of the pull no import can speed up.
4. File import: `audits.access.logs.import_files` of the same events (what `vern import
   access-logs --format m365|gworkspace|cloudtrail` runs) into a fresh database, timed the
   same way.
5. Beside each ratio of times, the ratio of processor times, and the least time the usable
   CPUs need for the pull's and its fake's processor time together: on this machine no pull
   can be quicker, however well it overlaps fetching with importing.

Every pull and import runs in a fresh Python process, so its peak resident memory (VmHWM) is
its own; the time inside DuckDB statements comes from access_logs.py's timing wrapper around
Store.transaction (the product is not changed). With --profile, one more pull per provider
runs under cProfile, for where the time goes only (not counted). No socket leaves the
machine: the pulling processes and the fakes refuse any host but loopback (tests/offline.py).
"""

import argparse
import bisect
import concurrent.futures
import contextlib
import importlib
import io
import json
import multiprocessing
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _common
import access_logs

NOW = datetime.fromisoformat(_common.FIXED_NOW)  # Vern's clock in every process (VERN_NOW)
LAYOUT = 3  # bump when the generated data changes, so --workdir caches are rebuilt
PROVIDERS = ("m365", "google", "s3")
FORMAT = {"m365": "m365", "google": "gworkspace", "s3": "cloudtrail"}  # the file import's format
NAMES = {"m365": "Microsoft 365", "google": "Google Workspace", "s3": "AWS CloudTrail in S3"}
# How far back each provider's events lie: what a first pull reads (Microsoft lists 7 days,
# Google keeps 180; a CloudTrail bucket keeps everything, and is read from its first file).
DAYS = {"m365": 7, "google": 180, "s3": 30}
RECORDS_PER_BLOB = 1000  # Microsoft 365: AuditData records in one content blob
BLOBS_PER_LISTING = 20  # Microsoft 365: blobs in one page of the content listing (then NextPageUri)
RECORDS_PER_OBJECT = 1000  # CloudTrail: records in one .json.gz log file
# Google's events for the file import: a file a month (~42,000 activities, 32 MB each at the
# default million), as an admin would export them.
GOOGLE_FILE = "%Y-%m"
CONTENT_TYPE = {"SharePoint": "Audit.SharePoint", "Exchange": "Audit.Exchange",
                "AzureActiveDirectory": "Audit.AzureActiveDirectory"}  # AuditData's Workload -> its feed
M365_SECRET, GOOGLE_KEY = "BENCH_M365_SECRET", "BENCH_GOOGLE_KEY"  # the variables the sources name
ACCOUNT, BUCKET, REGION = "111122223333", "vern-trail", "eu-north-1"  # vendor_logs' account and region
PULL_IMPORTS = {  # what a long-running `vern serve` has loaded before a scheduled pull
    "m365": ("httpx", "pandas", "msal", "requests", "audits.sources.m365"),
    "google": ("httpx", "pandas", "google.auth.transport.requests", "google.oauth2.service_account",
               "audits.sources.google"),
    "s3": ("httpx", "pandas", "boto3", "botocore.config", "audits.sources.s3"),
}


def _test_helpers() -> None:
    """tests/ and tests/sources/ on the path: the fakes and the offline guard the tests use."""
    for folder in (_common.REPO / "tests", _common.REPO / "tests" / "sources"):
        if str(folder) not in sys.path:
            sys.path.append(str(folder))


# This machine's AWS settings, which neither the fake S3 nor the pull may read (main drops them).
AWS_SETTINGS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_REGION",
                "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
                "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE")


def _aws_environment(folder: Path) -> dict[str, str]:
    """Fake credentials, and no AWS configuration files of this machine's, no instance
    metadata, as the S3 tests have it."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {"AWS_ACCESS_KEY_ID": "AKIAVERNBENCHMARK001", "AWS_SECRET_ACCESS_KEY": "benchmark/not/a/real/secret",
           "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true"}
    for variable, name in (("AWS_CONFIG_FILE", "aws-config"), ("AWS_SHARED_CREDENTIALS_FILE", "aws-credentials")):
        (folder / name).write_text("", encoding="utf-8")
        env[variable] = str(folder / name)
    return env


# -- generated events, as served and as files ----------------------------------------
def _within(events: list, days: int) -> list:
    """The generator's events (13 months, in order) moved, in order, into the `days` before
    NOW: from ten minutes after the oldest a first pull asks for to half an hour ago."""
    low, high = NOW - timedelta(days=days) + timedelta(minutes=10), NOW - timedelta(minutes=30)
    first, last = events[0].at, events[-1].at
    scale = (high - low) / (last - first) if last > first else 0.0
    return [replace(e, at=low + (e.at - first) * scale) for e in events]


def generate(provider: str, count: int, root: str) -> dict:
    """One provider's events: `served/` as its fake serves them, `files/` for the file import."""
    from audits.access import vendor_logs

    started = time.perf_counter()
    folder = Path(root) / provider
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "served").mkdir(parents=True)
    events = _within(access_logs._events(FORMAT[provider], count), DAYS[provider])
    if provider == "m365":
        served = _m365_blobs(folder / "served", events)
        parts = max(1, min(4, count // 50_000))  # a few large Purview exports, as access_logs.py writes
        size = -(-len(events) // parts)
        for k in range(parts):
            vendor_logs.write_m365(folder / "files" / f"purview-audit-export-{k + 1}.csv",
                                   events[k * size:(k + 1) * size])
    elif provider == "google":
        served = _google_activities(folder / "served", events)
        by_month: dict[str, list] = {}
        for e in events:  # one activities.list dump a month, pages of 1,000
            by_month.setdefault(e.at.astimezone(UTC).strftime(GOOGLE_FILE), []).append(e)
        for month, chunk in by_month.items():
            vendor_logs.write_gworkspace(folder / "files" / f"activities-{month}.json", chunk, per_page=1000)
    else:  # the files the trail delivers are both what S3 holds and what the file import reads
        served = vendor_logs.write_cloudtrail(folder / "files", events, per_file=RECORDS_PER_OBJECT,
                                              account=ACCOUNT)
    files = sorted(p for p in (folder / "files").rglob("*") if p.is_file())
    return {"provider": provider, "events": len(events), "served": served, "files": len(files),
            "bytes": sum(p.stat().st_size for p in files), "seconds": time.perf_counter() - started,
            "first": events[0].at.isoformat(), "last": events[-1].at.isoformat()}


def _m365_blobs(folder: Path, events: list) -> int:
    """Each content type's records in blobs of RECORDS_PER_BLOB, in time order, each available
    five minutes after its last record; `blobs.json`: content type -> [(available, number)]."""
    from audits.access import vendor_logs

    by_type: dict[str, list] = {}
    for e in events:
        record = vendor_logs.m365_audit_data(e)
        by_type.setdefault(CONTENT_TYPE[record["Workload"]], []).append((e.at, record))
    (folder / "blobs").mkdir()
    index: dict[str, list] = {}
    number = 0
    for kind, records in by_type.items():
        for k in range(0, len(records), RECORDS_PER_BLOB):
            chunk = records[k:k + RECORDS_PER_BLOB]
            available = min(chunk[-1][0] + timedelta(minutes=5), NOW - timedelta(minutes=1))
            (folder / "blobs" / f"{number}.json").write_text(json.dumps([r for _, r in chunk]), encoding="utf-8")
            index.setdefault(kind, []).append((available.timestamp(), number))
            number += 1
    (folder / "blobs.json").write_text(json.dumps(index), encoding="utf-8")
    return number


def _google_activities(folder: Path, events: list) -> int:
    """Each application's activities, one JSON line each, oldest first (`<application>.ndjson`),
    and the second of each (`<application>.times.json`)."""
    from audits.access import vendor_logs

    by_application: dict[str, list] = {}
    for e in events:
        item = vendor_logs.gworkspace_item(e)
        stamp = datetime.fromisoformat(item["id"]["time"].replace("Z", "+00:00")).timestamp()
        by_application.setdefault(item["id"]["applicationName"], []).append((stamp, json.dumps(item)))
    for application, items in by_application.items():
        (folder / f"{application}.ndjson").write_text("".join(line + "\n" for _, line in items), encoding="utf-8")
        (folder / f"{application}.times.json").write_text(json.dumps([t for t, _ in items]), encoding="utf-8")
    return len(events)


# -- the fakes, each in a process of its own -------------------------------------------
class _Microsoft:
    """The tests' fake Microsoft (token endpoint, OpenID configuration, subscriptions) over TLS,
    with the content listing and the blobs answered from the pre-generated files."""

    def __init__(self, served: Path, folder: Path):
        import ssl

        from microsoft import CLIENT, SECRET, TENANT, Microsoft, tls_files
        from pytest_httpserver import HTTPServer

        cert, key = tls_files(folder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server = HTTPServer(host="localhost", port=0, ssl_context=context, threaded=True)
        self.server.log = _NoLog()  # it would keep every answer, blobs and all
        self.server.start()
        self.blobs = served / "blobs"
        self.index = {kind: ([at for at, _ in listed], [n for _, n in listed])
                      for kind, listed in json.loads((served / "blobs.json").read_text()).items()}
        self.endpoint = f"https://localhost:{self.server.port}"
        feed = f"/api/v1.0/{TENANT}/activity/feed"
        # Registered before the fake's own routes, which would answer first otherwise.
        self.server.expect_request(f"{feed}/subscriptions/content").respond_with_handler(self.content)
        self.fake = Microsoft(self.server, [])
        self.blob_server = _blob_server(context, self.blobs, self.fake)
        self.blob_endpoint = f"https://localhost:{self.blob_server.server_port}"
        self.env = {M365_SECRET: SECRET, "REQUESTS_CA_BUNDLE": str(cert), "SSL_CERT_FILE": str(cert)}
        self.toml = (f'kind = "m365"\nendpoint = "{self.endpoint}"\ntenant_id = "{TENANT}"\n'
                     f'client_id = "{CLIENT}"\nclient_secret_env = "{M365_SECRET}"\n')

    def requests(self) -> int:
        return len(self.fake.asked)

    def content(self, request):
        from werkzeug import Response

        refused = self.fake._refusal(request)
        if refused:
            return refused
        args = request.args
        kind, page = args["contentType"], int(args.get("nextPage", 0))
        start, end = (datetime.fromisoformat(args[k]).replace(tzinfo=UTC) for k in ("startTime", "endTime"))
        if end - start > timedelta(hours=24) or start >= end:
            return Response(json.dumps({"error": {"code": "AF20055", "message": "Start time and end time must "
                            "both be specified, and no more than 24 hours apart."}}), 400,
                            content_type="application/json")
        times, numbers = self.index.get(kind, ([], []))
        low, high = bisect.bisect_left(times, start.timestamp()), bisect.bisect_left(times, end.timestamp())
        first = low + page * BLOBS_PER_LISTING
        listed = []
        for k in range(first, min(high, first + BLOBS_PER_LISTING)):
            created = datetime.fromtimestamp(times[k], UTC)
            listed.append({"contentType": kind, "contentId": f"blob-{numbers[k]}",
                           "contentUri": f"{self.blob_endpoint}/blobs/{numbers[k]}",
                           "contentCreated": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                           "contentExpiration": (created + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S.000Z")})
        answer = Response(json.dumps(listed), content_type="application/json")
        if first + BLOBS_PER_LISTING < high:
            answer.headers["NextPageUri"] = (f"{self.endpoint}{request.path}?contentType={kind}"
                                             f"&startTime={args['startTime']}&endTime={args['endTime']}"
                                             f"&nextPage={page + 1}")
        return answer

    def stop(self) -> None:
        self.blob_server.shutdown()
        self.server.clear()
        self.server.stop()


def _blob_server(context, blobs: Path, fake):
    """The content blobs on a server of their own that keeps connections open, as Microsoft's
    does (werkzeug's, under the rest of the fake, closes each after one answer: a TLS
    handshake per blob on both sides). It checks the bearer token as the fake does."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from microsoft import MANAGE

    class Blobs(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (http.server's name)
            fake.asked.append(self.path)
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if fake.tokens.get(token, datetime.min.replace(tzinfo=UTC)) < datetime.now(UTC) \
                    or fake.resources[token] != MANAGE:
                status, body = 401, b'{"error": {"code": "AF10001", "message": "The token is not valid."}}'
            else:
                status, body = 200, (blobs / f"{self.path.rsplit('/', 1)[1]}.json").read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("localhost", 0), Blobs)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _NoLog(list):
    """pytest-httpserver's log of requests and answers, kept empty."""

    def append(self, item) -> None:
        pass


class _Google:
    """The demo's fake Google (its token endpoint verifies google-auth's signed assertion) on
    its loopback server, with activities.list answered from pre-serialised activities."""

    def __init__(self, served: Path, folder: Path):
        import re

        from audits.demo.providers import google_workspace
        from audits.demo.providers.loopback import Loopback

        self.server = Loopback("bench-google")
        self.activities = {}
        for path in served.glob("*.ndjson"):
            application = path.name.removesuffix(".ndjson")
            times = json.loads((served / f"{application}.times.json").read_text())
            self.activities[application] = (times, path.read_bytes().splitlines())
        self.asked = 0
        # Registered before the fake's own listing, which answers from a scan of every activity.
        self.server.expect_request(re.compile(r"/admin/reports/v1/activity/users/all/applications/[^/]+")) \
            .respond_with_handler(self.listing)
        key = google_workspace.key_file(folder)
        self.fake = google_workspace.Google(self.server, key, [], NOW.astimezone(UTC))
        self.endpoint = self.fake.endpoint
        self.env = {GOOGLE_KEY: str(key)}
        self.toml = (f'kind = "google"\nendpoint = "{self.endpoint}"\ncredentials_env = "{GOOGLE_KEY}"\n'
                     f'subject = "{google_workspace.SUBJECT}"\n')

    def requests(self) -> int:
        return self.asked

    def listing(self, request):
        """A page of the Reports API's activities.list: the window's activities newest first,
        at most maxResults (1,000), nextPageToken valid only with the same query."""
        import base64

        from werkzeug import Response

        from audits.demo.providers import google_workspace as google

        self.asked += 1
        refused = self.fake._refusal(request, google.SCOPE)
        if refused:
            return refused
        application, args = request.path.rsplit("/", 1)[1], request.args
        if application not in google.APPLICATIONS:
            return google._error(400, f"Invalid value '{application}'.", "invalid", "INVALID_ARGUMENT")
        try:
            start, end = google._instant(args["startTime"]), google._instant(args["endTime"])
            size = int(args.get("maxResults", 1000))
        except (KeyError, ValueError):
            return google._error(400, "Invalid value", "invalid", "INVALID_ARGUMENT")
        if not 1 <= size <= 1000 or start > end:
            return google._error(400, "Invalid value", "invalid", "INVALID_ARGUMENT")
        query = [args.get("startTime"), args.get("endTime"), size]
        offset = google._offset(args, query)
        if offset is None:
            return google._error(400, "Invalid page token", "invalid", "INVALID_ARGUMENT")
        times, lines = self.activities.get(application, ([], []))
        low, high = bisect.bisect_left(times, start.timestamp()), bisect.bisect_left(times, end.timestamp())
        top = high - offset  # newest first: the page holds the activities just older than the last one given
        chunk = lines[max(low, top - size):max(low, top)][::-1]
        page = {"kind": "admin#reports#activities", "etag": f"\"page-{offset}\""}
        if top - len(chunk) > low:
            page["nextPageToken"] = base64.urlsafe_b64encode(json.dumps(
                {"query": query, "offset": offset + len(chunk)}).encode()).decode()
        body = json.dumps(page).encode()
        if chunk:  # Google leaves an empty list out
            body = body[:-1] + b', "items": [' + b",".join(chunk) + b"]}"
        return Response(body, content_type="application/json; charset=UTF-8")

    def stop(self) -> None:
        self.server.stop()


class _S3:
    """moto's S3 server holding the trail's files, behind the tests' door that counts requests."""

    def __init__(self, files: Path, folder: Path):
        import boto3
        from aws import Door
        from moto.server import ThreadedMotoServer

        self.env = _aws_environment(folder)
        os.environ.update(self.env)
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        self.door = Door(self.server._server.app)
        self.server._server.app = self.door
        self.endpoint = f"http://127.0.0.1:{self.server.get_host_and_port()[1]}"
        s3 = boto3.client("s3", endpoint_url=self.endpoint)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        for path in sorted(files.rglob("*.json.gz")):
            s3.put_object(Bucket=BUCKET, Key=path.relative_to(files).as_posix(), Body=path.read_bytes())
        self.toml = f'kind = "s3"\nendpoint = "{self.endpoint}"\nbucket = "{BUCKET}"\nregion = "{REGION}"\n'

    def requests(self) -> int:
        return len(self.door.asked)

    def stop(self) -> None:
        self.server.stop()


def serve(provider: str, root: str, conn) -> None:
    """A provider's fake, until told to stop: says where it is; on "mark" notes its CPU time and
    requests so far; on "since" and "stop" answers what it spent since the mark."""
    import logging

    _test_helpers()
    import offline
    offline.install()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line for every request
    folder = Path(root) / provider
    fake_folder = Path(root) / "fakes" / provider
    shutil.rmtree(fake_folder, ignore_errors=True)
    fake_folder.mkdir(parents=True)
    if provider == "m365":
        fake = _Microsoft(folder / "served", fake_folder)
    elif provider == "google":
        fake = _Google(folder / "served", fake_folder)
    else:
        fake = _S3(folder / "files", fake_folder)
    conn.send({"endpoint": fake.endpoint, "env": fake.env, "toml": fake.toml})
    cpu, asked = time.process_time(), fake.requests()
    while True:
        message = conn.recv()
        if message == "mark":
            cpu, asked = time.process_time(), fake.requests()
            conn.send(None)
            continue
        conn.send({"cpu": time.process_time() - cpu, "requests": fake.requests() - asked,
                   "refused_hosts": sorted(set(offline.attempts))})
        if message == "stop":
            fake.stop()
            return


class _Serving:
    """The parent's end of a fake's process."""

    def __init__(self, provider: str, root: Path):
        context = multiprocessing.get_context("spawn")
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=serve, args=(provider, str(root), theirs),
                                       name=f"fake-{provider}", daemon=True)
        self.process.start()
        if not self.conn.poll(600):
            raise SystemExit(f"the fake {provider} did not start")
        self.facts = self.conn.recv()
        self.stopped: dict | None = None

    def ask(self, message: str):
        self.conn.send(message)
        return self.conn.recv()

    def stop(self) -> dict:
        """What it spent since the mark, and any host it was refused; it ends."""
        if self.stopped is None:
            self.stopped = {}
            with contextlib.suppress(EOFError, OSError):
                self.stopped = self.ask("stop")
        return self.stopped

    def close(self) -> None:
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()


@contextlib.contextmanager
def serving(provider: str, root: Path) -> Iterator[_Serving]:
    fake = _Serving(provider, root)
    try:
        yield fake
    finally:
        fake.stop()
        fake.close()


# -- phases (each in a fresh process) ---------------------------------------------------
def _fresh_store(db: Path, root: Path):
    """A fresh database with the people, systems and grants (the access checks' directory)."""
    _common.fresh_database(db)
    store, _ = access_logs._open(db)
    access_logs._load_directory(store, root / "directory")
    return store


def _steps(log: list, seconds: float) -> dict:
    """The timing wrapper's log summed by step, with the time outside DuckDB's statements."""
    steps: dict[str, float] = {}
    for step in log:
        steps[step["step"]] = steps.get(step["step"], 0) + step["seconds"]
    return {"steps": steps, "imports": sum(1 for s in log if s["step"] == "read + normalise -> staged"),
            "commits": sum(1 for s in log if s["step"] == "commit"), "outside": seconds - sum(steps.values())}


def phase_pull(provider: str, root: str, db: str, toml: str, env: dict, profile: str | None,
               transfer_only: bool = False) -> dict:
    """One pull of `provider` from its fake into a fresh database; with `profile` (a path), under
    cProfile, its statistics written there. `transfer_only`: the import is skipped (what the
    pull hands it is dropped, nothing stored), so the pull measures the transfer alone."""
    import cProfile

    from audits.access import logs
    from audits.checking import registry
    from audits.core import config as configuration
    from audits.sources import pulling

    if transfer_only:
        logs.Pending.add = lambda pending, paths: None

    _test_helpers()
    import offline
    offline.install()
    os.environ.update(env)
    root_path, db_path = Path(root), Path(db)
    store = _fresh_store(db_path, root_path)
    config_path = db_path.with_suffix(".toml")
    config_path.write_text(f"[sources.{provider}]\n{toml}", encoding="utf-8")
    config = configuration.load(config_path, db_path, registry.installed())
    for module in PULL_IMPORTS[provider]:
        importlib.import_module(module)
    out = {"rss_start_mb": _common.peak_mb(), "load_before": _common.load_average()}
    log: list = []
    profiler = cProfile.Profile() if profile else None
    with access_logs._timing_transactions(store, log, None):
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        pulled = pulling.pull(store, config, config.sources[provider], "benchmark")
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    out.update(read=pulled.read, new=pulled.new, problem=pulled.problem, seconds=seconds, cpu=cpu,
               rss_mb=_common.peak_mb(), load_after=_common.load_average(), **_steps(log, seconds),
               stored=store.value("SELECT count(*) FROM access_events"),
               refused_hosts=sorted(set(offline.attempts)))
    if profiler:
        profiler.dump_stats(profile)
        out["profile"] = _profile_text(profile)
    store.close()
    _common.fresh_database(db_path)
    config_path.unlink()
    return out


def phase_import(provider: str, root: str, db: str) -> dict:
    """The file import of the same events into a fresh database."""
    from audits.access import logs
    from audits.core.errors import VernError

    root_path, db_path = Path(root), Path(db)
    store = _fresh_store(db_path, root_path)
    importlib.import_module("pandas")
    out = {"rss_start_mb": _common.peak_mb(), "load_before": _common.load_average()}
    log: list = []
    with access_logs._timing_transactions(store, log, None):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            imported = logs.import_files(store, [root_path / provider / "files"], FORMAT[provider], "benchmark")
        except VernError as error:  # e.g. DuckDB out of memory under the import's cap
            store.close()
            return {"error": error.text("en").splitlines()[0][:300], "rss_mb": _common.peak_mb()}
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    out.update(read=imported.events, new=imported.added, files=imported.files, seconds=seconds, cpu=cpu,
               rss_mb=_common.peak_mb(), load_after=_common.load_average(), **_steps(log, seconds),
               stored=store.value("SELECT count(*) FROM access_events"))
    store.close()
    _common.fresh_database(db_path)
    return out


def _profile_text(path: str, top: int = 18) -> str:
    """The costliest functions of a cProfile run: by time spent in them, and with their callees."""
    import pstats

    text = io.StringIO()
    stats = pstats.Stats(path, stream=text).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    lines = [line for line in text.getvalue().splitlines() if line.strip() and not line.rstrip().endswith(".pstats")
             and not line.lstrip().startswith(("Ordered by", "List reduced"))]
    return "\n".join(lines)


# -- orchestration ------------------------------------------------------------------
def _rate(events: int, seconds: float) -> str:
    return f"{events / seconds:,.0f}" if seconds else "-"


def _counts(events: int) -> dict[str, int]:
    """access_logs.py's split of the events between the formats."""
    counts = {p: round(events * access_logs.SHARE[FORMAT[p]]) for p in PROVIDERS}
    counts["google"] = events - counts["m365"] - counts["s3"]
    return counts


def _generated(work: Path, providers: list[str], events: int) -> dict[str, dict]:
    """Each provider's data, generated (in parallel, not timed) unless the workdir holds it."""
    counts = _counts(events)
    wanted = {p: {"layout": LAYOUT, "access_logs_layout": access_logs.LAYOUT, "events": counts[p],
                  "seed": access_logs.SEED, "now": _common.FIXED_NOW} for p in providers}
    missing = [p for p in providers if not access_logs._manifest_ok(work / p / "manifest.json", wanted[p])]
    if missing:
        print(f"1. Generating {', '.join(missing)} (not timed) ...", flush=True)
        started = time.perf_counter()
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=min(3, len(missing)), mp_context=context) as pool:
            futures = {p: pool.submit(generate, p, counts[p], str(work)) for p in missing}
            for p, future in futures.items():
                (work / p / "generated.json").write_text(json.dumps(future.result()))
                (work / p / "manifest.json").write_text(json.dumps(wanted[p]))
        print(f"   done in {time.perf_counter() - started:.0f} s")
    else:
        print("1. Generated events: reused from the workdir")
    generated = {p: json.loads((work / p / "generated.json").read_text()) for p in providers}
    served = {"m365": "blobs", "google": "activities", "s3": "objects"}
    for p, g in generated.items():
        print(f"   {p:<7}{g['events']:>10,} events {g['first'][:16]} to {g['last'][:16]}; served as "
              f"{g['served']:,} {served[p]}; file import: {g['files']:,} files, {g['bytes'] / 2**20:,.1f} MB")
    print()
    return generated


def _best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["seconds"])


def _print_run(label: str, r: dict, runs: list[dict], extra: str = "") -> None:
    times = ", ".join(f"{x['seconds']:.2f}" for x in runs)
    print(f"   {label:<12}{r['read']:>10,} read {r['new']:>10,} new  {r['seconds']:8.2f} s (cpu {r['cpu']:6.2f} s; "
          f"runs {times})  {_rate(r['read'], r['seconds']):>8} events/s  peak {r['rss_mb']:,.0f} MB"
          f" (at start {r['rss_start_mb']:,.0f}){extra}")
    steps = sorted(r["steps"].items(), key=lambda kv: -kv[1])
    inside = sum(r["steps"].values())
    shown = ", ".join(f"{name} {seconds:.2f}" for name, seconds in steps[:5] if seconds >= 0.01)
    print(f"      {inside:7.2f} s in DuckDB statements and commits ({r['imports']} batches read, "
          f"{r['commits']} commits): {shown}")
    print(f"      {r['outside']:7.2f} s outside them (HTTP, JSON, files written and screened, Python); "
          f"load average {r['load_before']} -> {r['load_after']}")


def _measure(args, work: Path, provider: str, generated: dict) -> dict:
    fmt = FORMAT[provider]
    print(f"{NAMES[provider]} ({provider}): {generated['events']:,} events over {DAYS[provider]} days", flush=True)
    db = work / f"{provider}.duckdb"
    pulls, fakes, profile = [], [], None
    with serving(provider, work) as fake:
        print(f"   fake on {fake.facts['endpoint']}", flush=True)
        for _ in range(args.runs):
            fake.ask("mark")
            pulls.append(_common.in_child(phase_pull, provider, str(work), str(db), fake.facts["toml"],
                                          fake.facts["env"], None))
            fakes.append(fake.ask("since"))
        if args.profile:
            target = work / "profiles" / f"{provider}-pull.pstats"
            target.parent.mkdir(exist_ok=True)
            profile = _common.in_child(phase_pull, provider, str(work), str(db), fake.facts["toml"],
                                       fake.facts["env"], str(target))
            profile["path"] = str(target)
        transfers = [_common.in_child(phase_pull, provider, str(work), str(db), fake.facts["toml"],
                                      fake.facts["env"], None, True) for _ in range(args.runs)]
        refused = fake.stop().get("refused_hosts", [])
    tried = [_common.in_child(phase_import, provider, str(work), str(db)) for _ in range(args.runs)]
    imports = [r for r in tried if "error" not in r]
    pull, imp = _best(pulls), (_best(imports) if imports else None)
    fake_facts = fakes[pulls.index(pull)]
    for r in pulls:
        if r["problem"]:
            print(f"   PULL FAILED: {r['problem']}")
    _print_run("pull", pull, pulls, f"; the fake: {fake_facts['requests']:,} requests, {fake_facts['cpu']:.2f} s cpu")
    for r in tried:
        if "error" in r:
            print(f"   file import ({fmt}) REFUSED: {r['error']} (peak {r['rss_mb']:,.0f} MB)")
    ratio = None
    if imp:
        _print_run(f"file import ({fmt})", imp, imports)
        ratio = pull["seconds"] / imp["seconds"]
        print(f"   pull / file import: {ratio:.2f} (cpu {pull['cpu'] / imp['cpu']:.2f})")
        # The pull's processor time and the fake's share these CPUs: no pull can be quicker.
        cpus = len(os.sched_getaffinity(0))
        least = (pull["cpu"] + fake_facts["cpu"]) / cpus
        print(f"   the least time {cpus} CPUs need for the pull's work and the fake's "
              f"({pull['cpu']:.2f} + {fake_facts['cpu']:.2f} s cpu): {least:.2f} s, "
              f"{least / imp['seconds']:.2f} × the file import")
        transfer = _best(transfers)
        runs = ", ".join(f"{t['seconds']:.2f}" for t in transfers)
        print(f"   the transfer alone (the same pull, its import skipped): {transfer['seconds']:.2f} s "
              f"(runs {runs}), {transfer['seconds'] / imp['seconds']:.2f} × the file import")
    hosts = sorted(set(refused + sum((r["refused_hosts"] for r in pulls), [])))
    if hosts:
        print(f"   REFUSED hosts outside this machine: {', '.join(hosts)}")
    if profile:
        print(f"   profiled pull (cProfile, not counted): {profile['seconds']:.2f} s; {profile['path']}")
        print(textwrap.indent(profile["profile"], "      "))
    print()
    return {"pull": pull, "import": imp, "ratio": ratio, "fake": fake_facts, "refused": hosts,
            "events": generated["events"], "transfer": _best(transfers)}


def _summary(args, results: dict) -> None:
    import duckdb

    print("=" * 130)
    print(f"Summary — {os.cpu_count()} CPUs, DuckDB {duckdb.__version__}, {sum(r['events'] for r in results.values()):,} "
          f"events; load average now {_common.load_average()}")
    print(f"{'provider':<9}{'events':>11}{'pull s':>9}{'pull ev/s':>11}{'import s':>10}{'import ev/s':>13}"
          f"{'pull/import':>13}{'cpu ratio':>11}{'pull MB':>9}{'import MB':>11}{'fake cpu s':>12}{'transfer s':>12}")
    total = {"events": 0, "pull": 0.0, "import": 0.0, "pull cpu": 0.0, "import cpu": 0.0}
    for provider, r in results.items():
        pull, imp = r["pull"], r["import"]
        imported = (f"{imp['seconds']:>10.2f}{_rate(imp['read'], imp['seconds']):>13}{r['ratio']:>13.2f}"
                    f"{pull['cpu'] / imp['cpu']:>11.2f}" if imp else f"{'refused':>10}{'-':>13}{'-':>13}{'-':>11}")
        print(f"{provider:<9}{pull['read']:>11,}{pull['seconds']:>9.2f}{_rate(pull['read'], pull['seconds']):>11}"
              f"{imported}{pull['rss_mb']:>9,.0f}{imp['rss_mb'] if imp else 0:>11,.0f}{r['fake']['cpu']:>12.2f}"
              f"{r['transfer']['seconds']:>12.2f}")
        if imp:
            total["events"] += pull["read"]
            total["pull"] += pull["seconds"]
            total["import"] += imp["seconds"]
            total["pull cpu"] += pull["cpu"]
            total["import cpu"] += imp["cpu"]
    ratio = total["pull"] / total["import"] if total["import"] else None
    if len(results) > 1 and ratio is not None:
        print(f"{'total':<9}{total['events']:>11,}{total['pull']:>9.2f}{_rate(total['events'], total['pull']):>11}"
              f"{total['import']:>10.2f}{_rate(total['events'], total['import']):>13}{ratio:>13.2f}"
              f"{total['pull cpu'] / total['import cpu']:>11.2f}"
              + ("  (providers whose file import went through)" if total["events"] < sum(
                  r["events"] for r in results.values()) else ""))
    print()
    rows = []
    for provider, r in results.items():
        pull, imp = r["pull"], r["import"]
        if imp is None:
            rows.append((f"pull / file import, {provider}", "≤ 1.50", "file import refused", False))
            continue
        complete = not pull["problem"] and pull["read"] == imp["read"] == r["events"] and pull["stored"] == imp["stored"]
        rows.append((f"pull / file import, {provider}", "≤ 1.50",
                     f"{r['ratio']:.2f} ({pull['seconds']:.1f} s vs {imp['seconds']:.1f} s)", r["ratio"] <= 1.5))
        rows.append((f"every event pulled and stored, {provider}", "all",
                     f"{pull['stored']:,} stored by the pull, {imp['stored']:,} by the import", complete))
    if len(results) > 1 and ratio is not None:
        rows.append(("pull / file import, all", "≤ 1.50", f"{ratio:.2f} ({total['pull']:.1f} s vs "
                     f"{total['import']:.1f} s)", ratio <= 1.5))
    peak = max(max(r["pull"]["rss_mb"], r["import"]["rss_mb"] if r["import"] else 0) for r in results.values())
    rows.append(("peak memory (pulls, file imports)", "< 1024 MB", f"{peak:,.0f} MB", peak < 1024))
    rows.append(("nothing asked outside this machine", "none",
                 ", ".join(h for r in results.values() for h in r["refused"]) or "none",
                 not any(r["refused"] for r in results.values())))
    print(f"{'target':<40}{'wanted':<12}{'measured':<52}result")
    for name, wanted, measured, passed in rows:
        print(f"{name:<40}{wanted:<12}{measured:<52}{'PASS' if passed else 'MISS'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in all, split between the providers")
    parser.add_argument("--only", choices=PROVIDERS, help="measure one provider (its share of --events)")
    parser.add_argument("--runs", type=int, default=1,
                        help="pulls and file imports of each provider, each into a fresh database; the fastest counts")
    parser.add_argument("--workdir", type=Path, help="keep the generated events here (reused when they match)")
    parser.add_argument("--profile", action="store_true",
                        help="one more pull per provider under cProfile (not counted): where the time goes")
    args = parser.parse_args()
    providers = [args.only] if args.only else list(PROVIDERS)

    _common.isolate()
    for name in AWS_SETTINGS:
        os.environ.pop(name, None)
    with _common.workdir(args.workdir, "vern-bench-sources-") as work:
        _common.heading("Vern sources benchmark: pulling from loopback fakes against the file import", work,
                        args.workdir is None, f"Vern: {access_logs._git_state()}",
                        f"events: {args.events:,} in all; providers: {', '.join(providers)}; runs: {args.runs}")
        generated = _generated(work, providers, args.events)
        print("2. Pull and file import, each in a fresh process and database")
        results = {p: _measure(args, work, p, generated[p]) for p in providers}
        _summary(args, results)


if __name__ == "__main__":
    main()
