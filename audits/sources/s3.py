"""AWS: the log files a CloudTrail trail delivers to its S3 bucket.

The bucket is read with boto3, as the standard AWS chain (or the named profile) allows:
credentials never sit in Vern's configuration. CloudTrail writes each account's logs in a
folder per region, `<prefix>[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/`, and S3
lists keys in lexicographic order: one cursor over the whole bucket would pass over a new
file in a region that sorts before the one read last. So the region folders are found
first (listings with Delimiter="/"), and each is a cursor stream of its own, holding the
last key imported. Digest and Insights files lie beside CloudTrail/ (CloudTrail-Digest/,
CloudTrail-Insight/) and are never listed.

A region's new files are downloaded to a temporary folder in batches, each read by the
cloudtrail import while the next downloads, and imported together with the regions' cursors
(audits.sources.importing): its de-duplication by event id, its transaction. A batch
the import refuses is kept in the inbox's failed/ folder for the adviser, and its region
stops there; the other regions go on, and the pull fails with it. Requests that S3 slows
down (503 SlowDown) or that fail on its side are tried again by botocore's standard retry
mode.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from audits.access import logs as access_logs
from audits.access.limits import MB
from audits.core.i18n import Message
from audits.sources import asking, cursors, failed
from audits.sources.asking import SourceFailed
from audits.sources.importing import Importing

if TYPE_CHECKING:  # annotations only
    import httpx

    from audits.access.logs import Pending
    from audits.core.config import Config
    from audits.core.store import Store
    from audits.sources.importing import Advance
    from audits.sources.pulling import Counts
    from audits.sources.settings import Source

TRAIL = "CloudTrail"  # an account's folder of log files, one folder per region within
DEPTH = 3  # how far below the prefix the trail's folder may be: [o-org/]account/CloudTrail/
PAGE_SIZE = 1000  # keys one listing asks for (S3's most)
# Log files read as one batch (an hour of one region is about 12), or fewer when they are
# BATCH_BYTES gzipped, well inside the import's limits unpacked. A first pull's month is
# many batches, each read while the next downloads.
BATCH_FILES = 100
BATCH_BYTES = 16 * MB
OVERLAP = timedelta(hours=1)  # how far behind the last file read a late one is looked for
TRIES = asking.TRIES  # in all, as for the other sources; botocore waits between them
# <account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<unique>.json.gz, named for its delivery time
_LOG_FILE = re.compile(r"(?P<folder>.*/)\d{4}/\d{2}/\d{2}/(?P<stem>[^/]*_CloudTrail_[^/]*_)(?P<at>\d{8}T\d{4}Z)_[^/]*")
_STAMP = "%Y%m%dT%H%MZ"


class Bucket:
    """The trail's bucket, as the configured credentials see it."""

    def __init__(self, source: Source):
        import boto3  # imported here: only AWS's pulls need it
        from botocore.config import Config as Settings

        session = boto3.Session(profile_name=source.options["profile"] or None,
                                region_name=source.options["region"] or None)
        self.s3 = session.client("s3", endpoint_url=source.endpoint or None, config=Settings(
            retries={"mode": "standard", "total_max_attempts": TRIES},
            connect_timeout=asking.TIMEOUT_SECONDS, read_timeout=asking.TIMEOUT_SECONDS))
        self.name = source.options["bucket"]

    def _pages(self, prefix: str, **asked) -> Iterator[dict]:
        return self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=prefix, PaginationConfig={"PageSize": PAGE_SIZE}, **asked)

    def holds_files(self, prefix: str) -> bool:
        """One key listed: the least request that needs s3:ListBucket."""
        return bool(self.s3.list_objects_v2(Bucket=self.name, Prefix=prefix, MaxKeys=1).get("Contents"))

    def subfolders(self, folder: str) -> list[str]:
        return [common["Prefix"] for page in self._pages(folder, Delimiter="/")
                for common in page.get("CommonPrefixes", [])]

    def region_folders(self, folder: str, depth: int = DEPTH) -> list[str]:
        """The region folders of every trail folder at most `depth` levels below `folder`."""
        name = folder.rstrip("/").rpartition("/")[2]
        if name == TRAIL:
            return self.subfolders(folder)
        if depth == 0 or name in access_logs.NOT_LOGS:
            return []
        return [found for sub in self.subfolders(folder) for found in self.region_folders(sub, depth - 1)]

    def log_files(self, folder: str, after: str | None) -> Iterator[tuple[str, int]]:
        """(key, size) of the log files under `folder` after the key `after`, in S3's order;
        not a folder's marker, not anything else."""
        for page in self._pages(folder, **({"StartAfter": after} if after else {})):
            for listed in page.get("Contents", []):
                if listed["Key"].endswith(".json.gz"):
                    yield listed["Key"], listed["Size"]

    def download(self, key: str, path: Path) -> None:
        """Streamed to disk: a large file never sits in memory."""
        with self.s3.get_object(Bucket=self.name, Key=key)["Body"] as body, path.open("wb") as out:
            shutil.copyfileobj(body, out, MB)


@contextmanager
def _answered(source: Source) -> Iterator[None]:
    """botocore's failures as SourceFailed: AWS's code and words, or what is missing."""
    from botocore import exceptions as aws

    name = source.name
    try:
        yield
    except aws.ClientError as error:  # AWS refused: no such bucket, access denied, slow down …
        got = error.response.get("Error", {})
        code, said = asking.cleaned(str(got.get("Code", ""))), asking.cleaned(str(got.get("Message", "")))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        raise SourceFailed(Message("sources.http", {"source": name, "status": status,
                                                    "said": f"{code}: {said}" if said else code})) from None
    except aws.NoCredentialsError:
        raise SourceFailed(Message("sources.s3.no_credentials", {"source": name})) from None
    except aws.ProfileNotFound:
        raise SourceFailed(Message("sources.s3.profile", {"source": name,
                                                          "profile": source.options["profile"]})) from None
    except (aws.EndpointConnectionError, aws.ConnectTimeoutError, aws.ReadTimeoutError) as error:
        raise SourceFailed(Message("sources.s3.unreachable", {"source": name, "kind": type(error).__name__,
                                                              "said": asking.cleaned(str(error))})) from None
    except aws.BotoCoreError as error:  # its texts name what is wrong, never a secret
        raise SourceFailed(Message("sources.s3.client", {"source": name, "kind": type(error).__name__,
                                                         "said": asking.cleaned(str(error))})) from None


def _prefix(source: Source) -> str:
    """The configured prefix as a folder: "AWSLogs" lists "AWSLogs/"."""
    prefix = source.options["prefix"]
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


def test(config: Config, source: Source, client: httpx.Client) -> None:
    """One key listed under the prefix: a wrong bucket or prefix, a missing s3:ListBucket or
    missing credentials show."""
    with _answered(source):
        if not Bucket(source).holds_files(_prefix(source)):
            raise SourceFailed(Message("sources.s3.empty", {"source": source.name, "bucket": source.options["bucket"],
                                                            "prefix": _prefix(source)}))


def pull(store: Store, config: Config, source: Source, client: httpx.Client, counts: Counts) -> None:
    with _answered(source), Importing(store, source.name, "cloudtrail", counts) as importing:
        bucket = Bucket(source)
        prefix = _prefix(source)
        for folder in bucket.region_folders(prefix):
            _region(store, config, source, bucket, folder, _stream(prefix, folder), importing)


def _stream(prefix: str, folder: str) -> str:
    """A region folder's cursor stream: its path below the prefix without CloudTrail/, as
    "111122223333/eu-north-1" or, for an organisation's trail, "o-a1b2c3d4e5/111122223333/eu-north-1"."""
    return "/".join(part for part in folder[len(prefix):].split("/") if part and part != TRAIL)


def _start_after(cursor: str | None) -> str | None:
    """Where a region's listing starts: where a file delivered OVERLAP before the cursor's
    would be. Files of one region are not always delivered in the order of their names, so
    one may land behind a file already read; reading the last hour again finds it, and the
    import's de-duplication by event id makes what is read twice harmless."""
    found = _LOG_FILE.fullmatch(cursor or "")
    if not found:
        return cursor  # none yet: from the region's first file
    at = datetime.strptime(found["at"], _STAMP) - OVERLAP
    return f"{found['folder']}{at:%Y/%m/%d}/{found['stem']}{at.strftime(_STAMP)}"


def _region(store: Store, config: Config, source: Source, bucket: Bucket, folder: str, stream: str,
            importing: Importing) -> None:
    """One region folder's files after its cursor, read batch by batch (a batch while the
    next downloads), each in a temporary folder of its own. A download that fails drops the
    batch it was for: the next pull fetches it again from the cursor."""
    cursor = cursors.position(store, source.name, stream)
    batch: list[tuple[str, Path]] = []
    held, temp = 0, None  # temp: the folder of the batch being downloaded
    try:
        for key, size in bucket.log_files(folder, _start_after(cursor)):
            if importing.stopped(stream):  # a batch of this region was refused: the next pull starts there
                break
            name = key.rpartition("/")[2]
            # two days' folders may hold one name; they go in separate batches
            if batch and (len(batch) == BATCH_FILES or held >= BATCH_BYTES or (temp / name).exists()):
                temp = None  # handed over
                cursor = _then_import(config, source, stream, batch, cursor, importing)
                batch, held = [], 0
            if temp is None:
                temp = Path(tempfile.mkdtemp(prefix="vern-pull-"))
            bucket.download(key, temp / name)
            batch.append((key, temp / name))
            held += size
    except BaseException:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
        raise
    if batch:
        _then_import(config, source, stream, batch, cursor, importing)


def _then_import(config: Config, source: Source, stream: str, batch: list[tuple[str, Path]],
                 cursor: str | None, importing: Importing) -> str:
    """The batch handed to `importing`; the cursor it moves to, its last key (the overlap never
    moves it back)."""
    last = max([key for key, _ in batch] + ([cursor] if cursor else []))
    folder = batch[0][1].parent
    importing.then(stream, partial(_read, config, source, stream, [path for _, path in batch], last),
                   partial(shutil.rmtree, folder, ignore_errors=True))
    return last


def _read(config: Config, source: Source, stream: str, paths: list[Path], last: str,
          pending: Pending) -> Advance:
    """A batch read into `pending`; the move of its stream's cursor, for the import's
    transaction. A refused batch is copied to failed/ and ends its region. Its folder goes
    either way."""
    try:
        failed.read_or_keep(pending, config, source.name, stream, paths)
    finally:
        shutil.rmtree(paths[0].parent, ignore_errors=True)
    return lambda tx: cursors.advance(tx, source.name, stream, last)
