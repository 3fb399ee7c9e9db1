"""Access-log import: the vendors' own formats (hand-written fixtures to their documented
schemas, in tests/access/fixtures/) normalised to one row per event with the actor as a
pseudonym, times in UTC with their Oslo day and hour; all or nothing; re-import changes
nothing; the purge after retention; the inbox."""

import gzip
import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import vern_process

from audits.access import directory
from audits.access import logs as access_logs
from audits.checking import runner
from audits.core import config as configuration
from audits.core import labels, trail
from audits.core.errors import InputError
from checks.access_logs import AccessLogsCheck
from conftest import VERN, copy_template

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLOUDTRAIL = FIXTURES / "cloudtrail"
M365_NEW = FIXTURES / "m365" / "purview-new.csv"
M365_OLD = FIXTURES / "m365" / "purview-old.csv"
M365_BLOB = FIXTURES / "m365" / "content-blob.json"  # purview-old.csv's AuditData, as the API serves it
GWS = FIXTURES / "gworkspace" / "drive-activities.json"
GWS_NDJSON = FIXTURES / "gworkspace" / "drive-pages.ndjson"
GWS_ARRAY = FIXTURES / "gworkspace" / "drive-pages-array.json"
GWS_EMPTY = FIXTURES / "gworkspace" / "empty-page.json"
CSV = FIXTURES / "csv" / "crm-events.csv"
TRAIL_25 = next(CLOUDTRAIL.rglob("*_CloudTrail_eu-north-1_20261025T0035Z_*.json"))
TRAIL_26 = next(CLOUDTRAIL.rglob("*_CloudTrail_eu-north-1_20261026T0710Z_*.json"))

SYSTEMS_HEADER = "name,holds_personal_data,classification,match"


@pytest.fixture
def db(db, new_db_template):
    """The database the first command would create, copied (see `new_db_template`)."""
    return copy_template(new_db_template, db)


@pytest.fixture
def store(vern):
    return vern.store


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def delivered(fixture: Path, folder: Path) -> Path:
    """A fixture as CloudTrail delivers it: gzipped, under the same name plus .gz."""
    target = folder / (fixture.name + ".gz")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(fixture.read_bytes()))
    return target


def delivery_tree(tmp_path: Path) -> Path:
    """The fixture tree as it lands from the S3 bucket: AWSLogs/<account>/CloudTrail/...
    and CloudTrail-Digest/... beside it, every file gzipped."""
    root = tmp_path / "bucket"
    for fixture in CLOUDTRAIL.rglob("*.json"):
        delivered(fixture, root / fixture.parent.relative_to(CLOUDTRAIL))
    return root / "AWSLogs"


def imported(store, *paths: Path, fmt: str) -> access_logs.Imported:
    return access_logs.import_files(store, list(paths), fmt, "test")


def stored(store, source: str | None = None) -> dict[str, dict]:
    """The stored events by event id, without the bookkeeping columns."""
    where = "WHERE source = ?" if source else ""
    rows = store.rows(f"SELECT * EXCLUDE (file, imported_at) FROM access_events {where}",
                      [source] if source else [])
    objects = labels.texts(store, (row["object"] for row in rows))  # stored as encrypted labels
    return {row.pop("event_id"): {**row, "object": objects.get(row["object"], row["object"])} for row in rows}


def count(store) -> int:
    return store.value("SELECT count(*) FROM access_events")


def snapshot(store) -> dict:
    """Everything an import may touch."""
    return {
        "events": store.rows("SELECT * FROM access_events ORDER BY source, event_id"),
        "resources": store.rows("SELECT * FROM access_resources ORDER BY resource"),
        "identities": store.rows("SELECT * FROM identities ORDER BY pseudonym"),
        "trail": store.rows("SELECT seq, hash FROM trail ORDER BY seq"),
    }


def refused(store, *paths: Path, fmt: str) -> InputError:
    """The import is refused with an InputError and the store is exactly as it was."""
    before = snapshot(store)
    with pytest.raises(InputError) as caught:
        imported(store, *paths, fmt=fmt)
    assert snapshot(store) == before
    assert "nothing was imported" in str(caught.value)
    return caught.value


def event(store, email: str, happened: str, action: str, operation: str, resource, obj, ip,
          day: str, hour: int, service: bool = False, source: str = "cloudtrail", records: int = 1) -> dict:
    return {"source": source, "happened_at": utc(happened), "oslo_day": date.fromisoformat(day),
            "oslo_hour": hour, "actor": store.keys.pseudonym(email), "service": service,
            "action": action, "operation": operation, "resource": resource, "object": obj,
            "source_ip": ip, "records": records}


def systems(store, tmp_path: Path, text: str) -> None:
    directory.import_systems(store, write(tmp_path, "systems.csv", SYSTEMS_HEADER + "\n" + text), "test")


# -- AWS CloudTrail ---------------------------------------------------------------------
def test_cloudtrail_tree_is_read_gzipped_and_the_digest_folder_ignored(store, tmp_path):
    tree = delivery_tree(tmp_path)
    assert list(tree.rglob("*CloudTrail-Digest*.json.gz"))  # present, and must be skipped
    assert imported(store, tree, fmt="cloudtrail") == access_logs.Imported(files=2, events=9, added=9)
    assert count(store) == 9


def test_cloudtrail_records_are_normalised(store, tmp_path):
    imported(store, delivery_tree(tmp_path), fmt="cloudtrail")
    ola, kari = "ola@example.org", "kari@example.org"
    crm = "s3:members-crm"
    members = "exports/members-2026.csv"
    new = "imports/new-members.csv"
    assert stored(store) == {
        "0d6c2a1e-0001-4b1e-9d2f-1a2b3c4d5e01": event(
            store, ola, "2026-10-24T22:30:00", "download", "GetObject", crm, members, "198.51.100.7",
            "2026-10-25", 0),
        "0d6c2a1e-0002-4b1e-9d2f-1a2b3c4d5e02": event(
            store, kari, "2026-10-25T00:30:00", "read", "ListObjects", crm, None, "203.0.113.20",
            "2026-10-25", 2),
        "0d6c2a1e-0003-4b1e-9d2f-1a2b3c4d5e03": event(
            store, kari, "2026-10-25T01:30:00", "read", "HeadObject", crm, members, "203.0.113.20",
            "2026-10-25", 2),
        "0d6c2a1e-0004-4b1e-9d2f-1a2b3c4d5e04": event(
            store, kari, "2026-10-25T11:00:00", "write", "PutObject", crm, new, "203.0.113.20",
            "2026-10-25", 12),
        "0d6c2a1e-0005-4b1e-9d2f-1a2b3c4d5e05": event(
            store, kari, "2026-10-25T23:30:00", "delete", "DeleteObject", crm, new, "203.0.113.20",
            "2026-10-26", 0),
        "0d6c2a1e-0006-4b1e-9d2f-1a2b3c4d5e06": event(
            store, ola, "2026-10-26T07:00:00", "signin_failed", "ConsoleLogin", None, None, "198.51.100.66",
            "2026-10-26", 8),
        "0d6c2a1e-0007-4b1e-9d2f-1a2b3c4d5e07": event(
            store, ola, "2026-10-26T07:01:30", "signin", "ConsoleLogin", None, None, "198.51.100.66",
            "2026-10-26", 8),
        "0d6c2a1e-0008-4b1e-9d2f-1a2b3c4d5e08": event(
            store, "cloudtrail.amazonaws.com", "2026-10-26T08:00:00", "read", "GetBucketAcl", crm, None,
            "cloudtrail.amazonaws.com", "2026-10-26", 9, service=True),
        "0d6c2a1e-0009-4b1e-9d2f-1a2b3c4d5e09": event(
            store, kari, "2026-10-26T09:15:00", "denied", "GetObject", "s3:payroll-archive",
            "2026/salaries.xlsx", "203.0.113.20", "2026-10-26", 10),
    }


def test_oslo_day_and_hour_follow_the_clock_change(store, tmp_path):
    """2026-10-25: CEST (+02:00) until 01:00 UTC, CET (+01:00) after. 00:30 UTC and 01:30 UTC
    are both 02:30 in Oslo; 22:30 UTC the day before is already the 25th; 23:30 UTC on the
    25th is the 26th."""
    imported(store, delivered(TRAIL_25, tmp_path), fmt="cloudtrail")
    rows = store.rows("SELECT happened_at, oslo_day, oslo_hour FROM access_events ORDER BY happened_at")
    assert [(r["happened_at"], r["oslo_day"], r["oslo_hour"]) for r in rows] == [
        (utc("2026-10-24T22:30:00"), date(2026, 10, 25), 0),
        (utc("2026-10-25T00:30:00"), date(2026, 10, 25), 2),
        (utc("2026-10-25T01:30:00"), date(2026, 10, 25), 2),
        (utc("2026-10-25T11:00:00"), date(2026, 10, 25), 12),
        (utc("2026-10-25T23:30:00"), date(2026, 10, 26), 0),
    ]


def test_plain_json_cloudtrail_file_is_read_too(store):
    assert imported(store, TRAIL_26, fmt="cloudtrail") == access_logs.Imported(files=1, events=4, added=4)


def test_actors_are_stored_as_pseudonyms_never_as_addresses(store, tmp_path):
    imported(store, delivery_tree(tmp_path), fmt="cloudtrail")
    imported(store, M365_NEW, fmt="m365")
    imported(store, GWS, fmt="gworkspace")
    imported(store, CSV, fmt="csv")
    actors = {r["actor"] for r in store.rows("SELECT DISTINCT actor FROM access_events")}
    p = store.keys.pseudonym
    assert actors == {p("kari@example.org"), p("ola@example.org"), p("cloudtrail.amazonaws.com")}
    assert all(a.startswith("p-") and "@" not in a and "example" not in a for a in actors)


def test_the_identity_behind_each_pseudonym_is_kept_encrypted(store):
    imported(store, M365_NEW, fmt="m365")
    rows = {r["pseudonym"]: r["identity"] for r in store.rows("SELECT * FROM identities")}
    kari = store.keys.pseudonym("kari@example.org")
    assert kari in rows
    assert rows[kari].startswith("enc1:") and "kari" not in rows[kari]
    assert store.keys.decrypt(rows[kari], "identities.identity") == "kari@example.org"


# -- Microsoft 365 (Purview audit search export) -------------------------------------------
SITE = "https://example.sharepoint.com/sites/Members/"
AAD = "00000003-0000-0ff1-ce00-000000000000"  # the Office 365 SharePoint Online app


def m365_events(store) -> dict[str, dict]:
    """Every event of the two M365 fixtures as it must be stored."""
    kari, ola = "kari@example.org", "ola@example.org"
    return {
        "6f1c2b3a-1111-4c5d-8e9f-0a1b2c3d4e01": event(
            store, kari, "2026-10-25T01:15:00", "read", "FileAccessed",
            "m365:" + SITE, SITE + "Shared Documents/members.xlsx", "192.0.2.10",
            "2026-10-25", 2, source="m365"),
        "6f1c2b3a-2222-4c5d-8e9f-0a1b2c3d4e02": event(
            store, ola, "2026-11-02T09:15:00", "download", "FileDownloaded",
            "m365:https://example-my.sharepoint.com/personal/ola_example_org/",
            "https://example-my.sharepoint.com/personal/ola_example_org/Documents/export.csv", "192.0.2.12",
            "2026-11-02", 10, source="m365"),
        "6f1c2b3a-3333-4c5d-8e9f-0a1b2c3d4e03": event(
            store, kari, "2026-11-02T09:20:00", "download", "FileSyncDownloadedFull",
            "m365:" + SITE, SITE + "Shared Documents/board/minutes.docx", "192.0.2.10",
            "2026-11-02", 10, source="m365"),
        "6f1c2b3a-4444-4c5d-8e9f-0a1b2c3d4e04": event(
            store, kari, "2026-11-02T10:00:00", "read", "MailItemsAccessed",
            "m365:mailbox:personvern@example.org", None, "192.0.2.11", "2026-11-02", 11, source="m365"),
        "6f1c2b3a-5555-4c5d-8e9f-0a1b2c3d4e05": event(
            store, kari, "2026-11-02T07:00:00", "signin", "UserLoggedIn", None, AAD, "192.0.2.10",
            "2026-11-02", 8, source="m365"),
        "6f1c2b3a-6666-4c5d-8e9f-0a1b2c3d4e06": event(
            store, kari, "2026-11-02T06:58:00", "signin_failed", "UserLoginFailed", None, AAD,
            "198.51.100.99", "2026-11-02", 7, source="m365"),
        "6f1c2b3a-7777-4c5d-8e9f-0a1b2c3d4e07": event(
            store, ola, "2026-11-03T12:00:00", "read", "FileAccessed",
            "m365:" + SITE, SITE + "Shared Documents/volunteers.xlsx", "192.0.2.12",
            "2026-11-03", 13, source="m365"),
    }


def test_m365_export_with_the_newer_columns_is_normalised(store):
    assert imported(store, M365_NEW, fmt="m365") == access_logs.Imported(files=1, events=6, added=6)
    expected = m365_events(store)
    assert stored(store) == {k: expected[k] for k in (
        "6f1c2b3a-1111-4c5d-8e9f-0a1b2c3d4e01", "6f1c2b3a-2222-4c5d-8e9f-0a1b2c3d4e02",
        "6f1c2b3a-3333-4c5d-8e9f-0a1b2c3d4e03", "6f1c2b3a-4444-4c5d-8e9f-0a1b2c3d4e04",
        "6f1c2b3a-5555-4c5d-8e9f-0a1b2c3d4e05", "6f1c2b3a-6666-4c5d-8e9f-0a1b2c3d4e06")}


def test_m365_export_with_the_older_columns_is_normalised(store):
    assert imported(store, M365_OLD, fmt="m365") == access_logs.Imported(files=1, events=3, added=3)
    expected = m365_events(store)
    assert stored(store) == {k: expected[k] for k in (
        "6f1c2b3a-1111-4c5d-8e9f-0a1b2c3d4e01", "6f1c2b3a-2222-4c5d-8e9f-0a1b2c3d4e02",
        "6f1c2b3a-7777-4c5d-8e9f-0a1b2c3d4e07")}


def test_m365_events_in_both_exports_are_stored_once(store):
    imported(store, M365_NEW, fmt="m365")
    result = imported(store, M365_OLD, fmt="m365")
    assert (result.events, result.added) == (3, 1)
    assert stored(store) == m365_events(store)


def test_m365_events_in_both_exports_of_one_import_are_stored_once(store):
    result = imported(store, M365_OLD, M365_NEW, fmt="m365")
    assert (result.files, result.events, result.added) == (2, 9, 7)
    assert stored(store) == m365_events(store)


def test_m365_content_blobs_are_read_as_the_exports_audit_data(store, tmp_path):
    """The Management Activity API's content blob (what `vern sources pull` keeps of it):
    the same records as the older export, plain or gzipped, read alongside an export."""
    gz = tmp_path / "blob.json.gz"
    gz.write_bytes(gzip.compress(M365_BLOB.read_bytes()))
    result = imported(store, M365_BLOB, M365_NEW, fmt="m365")
    assert (result.files, result.events, result.added) == (2, 9, 7)
    assert stored(store) == m365_events(store)
    assert imported(store, gz, fmt="m365") == access_logs.Imported(files=1, events=3, added=0)


def test_m365_blob_record_that_is_not_an_object_is_refused_naming_the_record(store, tmp_path):
    records = json.loads(M365_BLOB.read_text(encoding="utf-8"))
    bad = write(tmp_path, "blob.json", json.dumps([records[0], "not a record", records[2]]))
    error = refused(store, M365_NEW, bad, fmt="m365")
    assert error.source == str(bad)
    assert error.shown("en") == ["record 2: field AuditData.CreationTime: missing, or not a time with its UTC offset"]


def test_m365_blob_cut_short_is_refused_naming_the_byte(store, tmp_path):
    bad = write(tmp_path, "blob.json", M365_BLOB.read_text(encoding="utf-8")[:500])
    error = refused(store, bad, fmt="m365")
    assert error.source == str(bad)
    assert error.shown("en") == ["not valid JSON (at byte 500 uncompressed)"]


# -- Google Workspace (Reports API activities.list) ----------------------------------------
def test_gworkspace_response_is_normalised(store):
    assert imported(store, GWS, fmt="gworkspace") == access_logs.Imported(files=1, events=5, added=5)
    kari, ola = "kari@example.org", "ola@example.org"
    owned = "gdrive:Arrangement@Example.org"
    assert stored(store) == {
        "gws:drive:2026-10-25T00:45:00.000Z:-4611686018427387001:1": event(
            store, kari, "2026-10-25T00:45:00", "read", "view", "gdrive:0AEventsDriveXyzUk9PVA",
            "Participants autumn camp", "192.0.2.30", "2026-10-25", 2, source="gworkspace"),
        "gws:drive:2026-10-25T10:05:00.000Z:-4611686018427387002:1": event(
            store, ola, "2026-10-25T10:05:00", "download", "download", owned, "Allergies.pdf",
            "192.0.2.31", "2026-10-25", 11, source="gworkspace"),
        "gws:drive:2026-10-25T10:05:00.000Z:-4611686018427387002:2": event(
            store, ola, "2026-10-25T10:05:00", "write", "edit", owned, "Allergies.pdf",
            "192.0.2.31", "2026-10-25", 11, source="gworkspace"),
        "gws:login:2026-10-25T11:00:00.000Z:-4611686018427387003:1": event(
            store, ola, "2026-10-25T11:00:00", "signin_failed", "login_failure", None, None,
            "198.51.100.44", "2026-10-25", 12, source="gworkspace"),
        "gws:login:2026-10-25T11:01:00.000Z:-4611686018427387004:1": event(
            store, ola, "2026-10-25T11:01:00", "signin", "login_success", None, None,
            "198.51.100.44", "2026-10-25", 12, source="gworkspace"),
    }


def test_gworkspace_newline_delimited_pages_are_all_read(store):
    """Three pages, one per line; the last has no items, as the last page may."""
    assert imported(store, GWS_NDJSON, fmt="gworkspace") == access_logs.Imported(files=1, events=3, added=3)
    rows = stored(store)
    assert sorted((r["happened_at"], r["action"], r["object"]) for r in rows.values()) == [
        (utc("2026-11-03T08:00:00"), "read", "Volunteers list"),
        (utc("2026-11-03T08:05:00"), "write", "Volunteers list"),
        (utc("2026-11-03T09:00:00"), "download", "Phone tree"),
    ]
    assert {r["resource"] for r in rows.values()} == {"gdrive:arrangement@example.org"}
    assert {r["actor"] for r in rows.values()} == {store.keys.pseudonym("ingrid@example.org")}


def test_gworkspace_json_array_of_pages_is_read(store):
    assert imported(store, GWS_ARRAY, fmt="gworkspace") == access_logs.Imported(files=1, events=2, added=2)
    rows = stored(store)
    assert sorted((r["happened_at"], r["action"]) for r in rows.values()) == [
        (utc("2026-11-04T13:00:00"), "read"), (utc("2026-11-04T13:30:00"), "download")]
    assert {r["oslo_hour"] for r in rows.values()} == {14}


def test_gworkspace_page_without_items_is_a_valid_empty_page(store):
    assert imported(store, GWS_EMPTY, fmt="gworkspace") == access_logs.Imported(files=1, events=0, added=0)
    assert count(store) == 0
    [entry] = trail.listing(store, action="access_logs")
    assert entry["details"] == {"files": 1, "events": 0, "added": 0}


def test_gworkspace_files_of_every_shape_in_one_import(store):
    result = imported(store, GWS, GWS_NDJSON, GWS_ARRAY, GWS_EMPTY, fmt="gworkspace")
    assert result == access_logs.Imported(files=4, events=10, added=10)


# -- csv ----------------------------------------------------------------------------------
def test_csv_events_are_normalised_with_a_content_hash_as_id(store):
    imported(store, CSV, fmt="csv")
    kari, ola = "kari@example.org", "ola@example.org"
    rows = sorted(stored(store).items(), key=lambda item: item[1]["happened_at"])
    assert [row for _, row in rows] == [
        event(store, kari, "2026-10-24T23:30:00", "read", "read", "csv:CRM", "member 1042", "192.0.2.60",
              "2026-10-25", 1, source="csv"),
        event(store, kari, "2026-10-25T01:30:00", "export", "export", "csv:CRM", "all members",
              "192.0.2.60", "2026-10-25", 2, source="csv", records=250),
        event(store, ola, "2026-11-02T09:00:00", "download", "Download", "csv:Payroll", "salaries 2026-10",
              None, "2026-11-02", 10, source="csv"),
    ]
    ids = [event_id for event_id, _ in rows]
    assert all(len(i) == 64 and set(i) <= set("0123456789abcdef") for i in ids)
    assert len(set(ids)) == 3


def test_csv_reports_systems_missing_from_the_system_list(store, tmp_path):
    systems(store, tmp_path, "CRM,yes,confidential,\n")
    result = imported(store, CSV, fmt="csv")
    assert result.unknown_systems == ("Payroll",)
    mapped = {r["resource"]: r["system"] for r in store.rows("SELECT * FROM access_resources")}
    assert mapped == {"csv:CRM": "CRM", "csv:Payroll": None}
    assert count(store) == 3  # stored even so


def test_csv_without_a_system_list_reports_every_system(store):
    assert imported(store, CSV, fmt="csv").unknown_systems == ("CRM", "Payroll")


# -- systems ------------------------------------------------------------------------------
def test_resources_map_to_systems_by_the_longest_pattern(store, tmp_path):
    systems(store, tmp_path, "\n".join([
        "Members,yes,confidential,m365:https://example.sharepoint.com/sites/Members",
        "Intranet,no,internal,m365:https://example.sharepoint.com/",
        "Privacy mailbox,yes,confidential,m365:mailbox:personvern@example.org",
        "Member bucket,yes,confidential,s3:members",
        "CRM bucket,yes,confidential,s3:members-crm",
        "Events drive,yes,internal,gdrive:0AEventsDriveXyzUk9PVA",
        "Arrangement,yes,internal,gdrive:Arrangement",
    ]) + "\n")
    imported(store, M365_NEW, fmt="m365")
    imported(store, TRAIL_25, TRAIL_26, fmt="cloudtrail")
    imported(store, GWS, fmt="gworkspace")
    mapped = {r["resource"]: r["system"] for r in store.rows("SELECT * FROM access_resources")}
    assert mapped == {
        "m365:" + SITE: "Members",  # the longer of the two matching prefixes
        "m365:https://example-my.sharepoint.com/personal/ola_example_org/": None,
        "m365:mailbox:personvern@example.org": "Privacy mailbox",
        "s3:members-crm": "CRM bucket",  # exactly: not s3:members
        "s3:payroll-archive": None,
        "gdrive:0AEventsDriveXyzUk9PVA": "Events drive",
        "gdrive:Arrangement@Example.org": None,  # exactly: not a prefix
    }


def test_resources_are_mapped_again_when_the_system_list_changes(store, tmp_path):
    imported(store, TRAIL_25, fmt="cloudtrail")
    assert store.value("SELECT system FROM access_resources WHERE resource = 's3:members-crm'") is None
    systems(store, tmp_path, "CRM,yes,confidential,s3:members-crm\n")
    assert store.value("SELECT system FROM access_resources WHERE resource = 's3:members-crm'") == "CRM"


# -- re-import --------------------------------------------------------------------------
@pytest.mark.parametrize(("fmt", "paths"), [
    ("cloudtrail", (TRAIL_25, TRAIL_26)), ("m365", (M365_NEW,)), ("m365", (M365_OLD,)),
    ("gworkspace", (GWS, GWS_NDJSON, GWS_ARRAY)), ("csv", (CSV,)),
], ids=["cloudtrail", "m365-new", "m365-old", "gworkspace", "csv"])
def test_reimport_changes_nothing(store, fmt, paths):
    first = imported(store, *paths, fmt=fmt)
    events = store.rows("SELECT * FROM access_events ORDER BY source, event_id")
    again = imported(store, *paths, fmt=fmt)
    assert (again.events, again.added) == (first.events, 0)
    assert store.rows("SELECT * FROM access_events ORDER BY source, event_id") == events
    latest, earlier = trail.listing(store, action="access_logs.import")
    assert earlier["details"] == {"files": len(paths), "events": first.events, "added": first.added}
    assert latest["details"] == {"files": len(paths), "events": first.events, "added": 0}
    assert latest["object"] == fmt


def test_reimport_of_the_gzipped_tree_after_the_plain_files_adds_nothing(store, tmp_path):
    imported(store, TRAIL_25, TRAIL_26, fmt="cloudtrail")
    assert imported(store, delivery_tree(tmp_path), fmt="cloudtrail").added == 0
    assert count(store) == 9


# -- refusals ---------------------------------------------------------------------------
def test_truncated_cloudtrail_file_is_refused_naming_the_file(store, tmp_path):
    text = TRAIL_25.read_text()
    bad = write(tmp_path, "truncated.json", text[: len(text) // 2])
    error = refused(store, bad, fmt="cloudtrail")
    assert str(bad) in str(error)


def test_truncated_cloudtrail_file_after_a_good_one_leaves_the_store_unchanged(store, tmp_path):
    imported(store, GWS, fmt="gworkspace")  # something there already
    text = TRAIL_25.read_text()
    bad = write(tmp_path, "truncated.json", text[: len(text) // 2])
    error = refused(store, TRAIL_26, bad, fmt="cloudtrail")
    assert str(bad) in str(error)


def test_truncated_gzipped_delivery_is_refused_naming_the_file(store, tmp_path):
    whole = gzip.compress(TRAIL_25.read_bytes())
    bad = tmp_path / (TRAIL_25.name + ".gz")
    bad.write_bytes(whole[: len(whole) // 2])
    error = refused(store, bad, fmt="cloudtrail")
    assert str(bad) in str(error)


def without(fixture: Path, record: int, *field: str) -> str:
    """The fixture with one field removed from its record (counted from 1)."""
    data = json.loads(fixture.read_text())
    target = data["Records"][record - 1]
    for key in field[:-1]:
        target = target[key]
    del target[field[-1]]
    return json.dumps(data, indent=2)


def test_cloudtrail_record_without_event_time_is_refused_naming_file_record_and_field(store, tmp_path):
    bad = write(tmp_path, "no-time.json", without(TRAIL_25, 3, "eventTime"))
    error = refused(store, TRAIL_26, bad, fmt="cloudtrail")  # the good file first
    assert error.source == str(bad)
    assert error.shown("en") == ["record 3: field eventTime: missing, or not a time with its UTC offset"]


def test_cloudtrail_record_without_identity_is_refused(store, tmp_path):
    bad = write(tmp_path, "nobody.json", without(TRAIL_26, 2, "userIdentity"))
    error = refused(store, bad, fmt="cloudtrail")
    assert error.shown("en")[0].startswith("record 2: field userIdentity")


def test_cloudtrail_naive_event_time_is_refused(store, tmp_path):
    data = json.loads(TRAIL_25.read_text())
    data["Records"][0]["eventTime"] = "2026-10-24T22:30:00"
    bad = write(tmp_path, "naive.json", json.dumps(data))
    error = refused(store, bad, fmt="cloudtrail")
    assert error.shown("en")[0].startswith("record 1: field eventTime")


def test_json_without_a_records_array_is_refused(store, tmp_path):
    bad = write(tmp_path, "other.json", '{"Events": []}')
    error = refused(store, bad, fmt="cloudtrail")
    assert error.source == str(bad)
    assert "not an AWS CloudTrail log file" in str(error)


CSV_HEADER = "timestamp,actor,system,action,object,source_ip,records"


def test_csv_naive_timestamp_is_refused_naming_line_and_field(store, tmp_path):
    text = CSV_HEADER + "\n" + "\n".join([
        "2026-11-02T09:00:00+01:00,kari@example.org,CRM,read,,,",
        "2026-11-02T09:05:00,kari@example.org,CRM,read,,,",
    ]) + "\n"
    bad = write(tmp_path, "naive.csv", text)
    error = refused(store, CSV, bad, fmt="csv")  # the good file first
    assert error.source == str(bad)
    assert error.shown("en") == ["line 3, field timestamp: missing, or not a time with its UTC offset"]


def test_csv_unknown_action_is_refused_naming_line_and_field(store, tmp_path):
    bad = write(tmp_path, "action.csv", CSV_HEADER + "\n2026-11-02T09:00:00+01:00,kari@example.org,CRM,peek,,,\n")
    error = refused(store, bad, fmt="csv")
    assert len(error.shown("en")) == 1
    assert error.shown("en")[0].startswith("line 2, field action: not one of signin, signin_failed, read")


def test_csv_negative_records_are_refused(store, tmp_path):
    bad = write(tmp_path, "records.csv", CSV_HEADER + "\n2026-11-02T09:00:00+01:00,kari@example.org,CRM,export,,,-5\n")
    error = refused(store, bad, fmt="csv")
    assert error.shown("en") == ["line 2, field records: not a whole number of records"]


def test_csv_missing_column_is_refused(store, tmp_path):
    bad = write(tmp_path, "columns.csv", "timestamp,actor,action\n2026-11-02T09:00:00+01:00,kari@example.org,read\n")
    error = refused(store, bad, fmt="csv")
    assert error.shown("en") == ["line 1: missing column system: not an access-log CSV"]


def test_m365_audit_data_that_is_not_json_is_refused_naming_line_and_field(store, tmp_path):
    lines = M365_NEW.read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace('"{""CreationTime""', '"{""CreationTime""::', 1)  # record 3, line 4
    bad = write(tmp_path, "broken.csv", "\n".join(lines) + "\n")
    error = refused(store, M365_OLD, bad, fmt="m365")  # the good file first
    assert error.source == str(bad)
    assert len(error.shown("en")) == 1
    assert error.shown("en") == ["line 4, field AuditData.Id: missing"]


def gws_page(fixture: Path) -> dict:
    return json.loads(fixture.read_text())


def test_gworkspace_activity_without_time_is_refused_naming_the_time_field(store, tmp_path):
    page = gws_page(GWS)
    del page["items"][1]["id"]["time"]
    bad = write(tmp_path, "no-time.json", json.dumps(page))
    error = refused(store, bad, fmt="gworkspace")
    assert error.shown("en")[0].startswith("record 2: field id.time")


def test_gworkspace_records_are_counted_through_the_whole_file_not_per_page(store, tmp_path):
    """The NDJSON fixture holds two activities on page 1 and one on page 2: the one on
    page 2 is the file's record 3."""
    pages = [json.loads(line) for line in GWS_NDJSON.read_text().splitlines()]
    del pages[1]["items"][0]["actor"]
    bad = write(tmp_path, "pages.ndjson", "\n".join(json.dumps(p) for p in pages) + "\n")
    error = refused(store, bad, fmt="gworkspace")
    assert error.shown("en")[0].startswith("record 3: field actor")


def test_json_that_is_not_an_activity_list_is_refused_as_gworkspace(store, tmp_path):
    bad = write(tmp_path, "other.json", '{"kind": "admin#directory#users", "users": []}')
    error = refused(store, bad, fmt="gworkspace")
    assert "not a Google Workspace activity report" in str(error)


@pytest.mark.parametrize("other", [{"kind": "admin#directory#users", "users": []}, {"items": []}],
                         ids=["another-kind", "no-kind"])
def test_a_page_of_another_kind_after_good_ones_is_refused(store, tmp_path, other):
    """Every page of a file is read in one pass; one that is not an activity list, anywhere
    in it, refuses the import."""
    pages = GWS_NDJSON.read_text().splitlines() + [json.dumps(other)]
    bad = write(tmp_path, "pages.ndjson", "\n".join(pages) + "\n")
    error = refused(store, bad, fmt="gworkspace")
    assert error.shown("en") == ["no activity list: not a Google Workspace activity report"]


@pytest.mark.parametrize(("fixture", "fmt", "says"), [
    (TRAIL_25, "gworkspace", "this is an AWS CloudTrail log file, not a Google Workspace activity report: "
                             "import it with --format cloudtrail"),
    (GWS, "cloudtrail", "this is a Google Workspace activity report, not an AWS CloudTrail log file: "
                        "import it with --format gworkspace"),
    (M365_NEW, "csv", "this is a Microsoft 365 audit-log export, not an access-log CSV: "
                      "import it with --format m365"),
    (CSV, "m365", "this is an access-log CSV, not a Microsoft 365 audit-log export: "
                  "import it with --format csv"),
    (M365_BLOB, "cloudtrail", "this is a Microsoft 365 audit-log export, not an AWS CloudTrail log file: "
                              "import it with --format m365"),
    (M365_BLOB, "csv", "this is a Microsoft 365 audit-log export, not an access-log CSV: import it with --format m365"),
    (GWS_NDJSON, "csv", "this is a Google Workspace activity report, not an access-log CSV: "
                        "import it with --format gworkspace"),
], ids=["cloudtrail-as-gworkspace", "gworkspace-as-cloudtrail", "m365-as-csv", "csv-as-m365", "blob-as-cloudtrail",
        "blob-as-csv", "pages-as-csv"])
def test_mislabelled_file_is_refused_saying_what_it_is(store, tmp_path, fixture, fmt, says):
    imported(store, GWS_ARRAY, fmt="gworkspace")
    error = refused(store, fixture, fmt=fmt)
    assert error.source == str(fixture)
    assert error.shown("en") == [says]


@pytest.mark.parametrize("name", ["other.json", "other.json.gz"])
def test_json_of_no_known_kind_given_as_csv_is_refused_as_json(store, tmp_path, name):
    """Before, a JSON file given as CSV was refused for its "header" (two columns with the same
    name, a quote never closed); now it is named for what it is."""
    content = b'[{"when": "2026-11-24T10:00:00Z", "who": "kari"}]\n'
    bad = tmp_path / name
    bad.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    error = refused(store, bad, fmt="csv")
    assert error.shown("en") == ["this is a JSON file, not an access-log CSV; Vern reads JSON from AWS CloudTrail "
                                 "(--format cloudtrail), Google Workspace (--format gworkspace) and Microsoft 365 "
                                 "(--format m365)"]
    assert store.value("SELECT count(*) FROM access_events") == 0


def test_gzipped_cloudtrail_file_given_as_gworkspace_is_refused(store, tmp_path):
    gz = delivered(TRAIL_26, tmp_path)
    error = refused(store, gz, fmt="gworkspace")
    assert "this is an AWS CloudTrail log file" in str(error)


# -- command line ---------------------------------------------------------------------
def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vern_process.run([VERN, "--db", str(db), "--lang", "en", *args], capture_output=True, text=True, timeout=120)


def stored_count(db: Path) -> int:
    from audits.runtime import open_vern
    opened = open_vern(str(db))
    try:
        return count(opened.store)
    finally:
        opened.close()


def test_cli_imports_a_cloudtrail_tree(db, tmp_path):
    result = cli(db, "import", "access-logs", str(delivery_tree(tmp_path)), "--format", "cloudtrail")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2 file(s): 9 events read, 9 new"
    assert stored_count(db) == 9


def test_cli_prints_json_with_the_unknown_systems(db, tmp_path):
    result = cli(db, "import", "access-logs", str(CSV), "--format", "csv", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"files": 1, "events": 3, "added": 3,
                                         "unknown_systems": ["CRM", "Payroll"]}


def test_cli_warns_of_unknown_systems_on_stderr(db):
    result = cli(db, "import", "access-logs", str(CSV), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 file(s): 3 events read, 3 new"
    assert "CRM, Payroll" in result.stderr


def test_cli_refuses_a_bad_record_naming_file_record_and_field(db, tmp_path):
    bad = write(tmp_path, "no-time.json", without(TRAIL_25, 3, "eventTime"))
    result = cli(db, "import", "access-logs", str(TRAIL_26), str(bad), "--format", "cloudtrail")
    assert result.returncode == 1
    assert str(bad) in result.stderr
    assert "record 3: field eventTime" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert stored_count(db) == 0


def test_cli_refuses_a_truncated_file_without_a_traceback(db, tmp_path):
    text = TRAIL_25.read_text()
    bad = write(tmp_path, "truncated.json", text[: len(text) // 2])
    result = cli(db, "import", "access-logs", str(bad), "--format", "cloudtrail")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert str(bad) in result.stderr
    assert stored_count(db) == 0


def test_cli_refuses_a_mislabelled_file(db):
    result = cli(db, "import", "access-logs", str(GWS), "--format", "cloudtrail")
    assert result.returncode == 1
    assert "import it with --format gworkspace" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_refuses_a_missing_path(db, tmp_path):
    result = cli(db, "import", "access-logs", str(tmp_path / "absent.json"), "--format", "cloudtrail")
    assert result.returncode == 1
    assert "absent.json" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# -- purge ------------------------------------------------------------------------------
def old_and_young(tmp_path: Path) -> Path:
    """Today is 2026-11-24 in Oslo; 13 months back is 2025-10-24. 21:30 UTC on 2025-10-23 is
    23:30 that day in Oslo (CEST): older. 22:30 UTC is 00:30 on the 24th in Oslo: kept."""
    return write(tmp_path, "old.csv", CSV_HEADER + "\n" + "\n".join([
        "2025-10-23T21:30:00Z,kari@example.org,CRM,read,,,",
        "2025-10-23T21:40:00Z,kari@example.org,CRM,export,,,40",
        "2025-10-23T21:50:00Z,ola@example.org,Web,read,,,",
        "2025-10-23T22:30:00Z,kari@example.org,CRM,read,,,",
        "2026-11-20T09:00:00+01:00,kari@example.org,CRM,read,,,",
    ]) + "\n")


def test_purge_deletes_events_older_than_retention_in_oslo_days(store, tmp_path):
    imported(store, old_and_young(tmp_path), fmt="csv")
    assert access_logs.purge(store, date(2026, 11, 24), 13, "test") == 3
    kept = store.rows("SELECT happened_at, oslo_day FROM access_events ORDER BY happened_at")
    assert [(r["happened_at"], r["oslo_day"]) for r in kept] == [
        (utc("2025-10-23T22:30:00"), date(2025, 10, 24)),
        (utc("2026-11-20T08:00:00"), date(2026, 11, 20)),
    ]


def test_purged_events_are_counted_per_day_without_actor(store, tmp_path):
    systems(store, tmp_path, "CRM,yes,confidential,\n")
    imported(store, old_and_young(tmp_path), fmt="csv")
    access_logs.purge(store, date(2026, 11, 24), 13, "test")
    rows = store.rows("SELECT * FROM access_daily ORDER BY system, action")
    assert rows == [
        {"day": date(2025, 10, 23), "source": "csv", "system": "CRM", "action": "export", "events": 1,
         "records": 40},
        {"day": date(2025, 10, 23), "source": "csv", "system": "CRM", "action": "read", "events": 1,
         "records": 1},
        {"day": date(2025, 10, 23), "source": "csv", "system": None, "action": "read", "events": 1,
         "records": 1},
    ]
    assert "actor" not in rows[0]


def test_purge_is_recorded_in_the_trail(store, tmp_path):
    imported(store, old_and_young(tmp_path), fmt="csv")
    access_logs.purge(store, date(2026, 11, 24), 13, "scheduler")
    [entry] = trail.listing(store, action="access_logs.purge")
    assert entry["actor"] == "scheduler"
    assert entry["details"] == {"before": "2025-10-24", "events": 3, "months": 13}


def test_purge_with_nothing_old_changes_nothing(store, tmp_path):
    imported(store, CSV, fmt="csv")
    before = snapshot(store)
    assert access_logs.purge(store, date(2026, 11, 24), 13, "test") == 0
    assert snapshot(store) == before
    assert store.value("SELECT count(*) FROM access_daily") == 0


def test_purge_months_are_a_parameter(store, tmp_path):
    imported(store, old_and_young(tmp_path), fmt="csv")
    assert access_logs.purge(store, date(2026, 11, 24), 1, "test") == 4  # before 2026-10-24
    [kept] = store.rows("SELECT oslo_day FROM access_events")
    assert kept["oslo_day"] == date(2026, 11, 20)


def run_check(vern, toml: str = ""):
    """Run the check as the scheduler does, with `toml` as the configuration file."""
    config = vern.config
    if toml:
        path = write(vern.store.path.parent, "vern.toml", toml)
        config = configuration.load(path, vern.store.path, vern.checks)
    return runner.run(vern.store, config, AccessLogsCheck, "manual")


def test_the_check_purges_after_13_months_by_default(vern, tmp_path):
    imported(vern.store, old_and_young(tmp_path), fmt="csv")
    assert run_check(vern).status == "succeeded"
    assert count(vern.store) == 2
    [entry] = trail.listing(vern.store, action="access_logs.purge")
    assert entry["details"] == {"before": "2025-10-24", "events": 3, "months": 13}


def test_the_check_purges_after_the_configured_months(vern, tmp_path):
    imported(vern.store, old_and_young(tmp_path), fmt="csv")
    result = run_check(vern, "[checks.access_logs]\nretention_months = 1\n")
    assert result.status == "succeeded"
    assert count(vern.store) == 1
    [entry] = trail.listing(vern.store, action="access_logs.purge")
    assert entry["details"] == {"before": "2026-10-24", "events": 4, "months": 1}


def test_reimporting_a_purged_file_does_not_count_its_events_twice(vern, tmp_path):
    """Re-importing changes nothing: a file whose events were purged must not add them to
    the daily counts a second time."""
    old = old_and_young(tmp_path)
    imported(vern.store, old, fmt="csv")
    run_check(vern)
    daily = vern.store.rows("SELECT * FROM access_daily ORDER BY ALL")
    imported(vern.store, old, fmt="csv")
    run_check(vern)
    assert vern.store.rows("SELECT * FROM access_daily ORDER BY ALL") == daily
    assert vern.store.value("SELECT sum(events) FROM access_daily") == 3


# -- inbox ------------------------------------------------------------------------------
STAMP = "20261124T110000Z-"  # the fixed clock, in UTC


def inbox(vern, fmt: str = "cloudtrail") -> Path:
    folder = vern.config.inbox / "access-logs" / fmt
    folder.mkdir(parents=True)
    return folder


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_files_dropped_in_the_inbox_are_imported_and_moved(vern):
    folder = inbox(vern)
    delivered(TRAIL_25, folder)
    delivered(TRAIL_26, folder)
    result = run_check(vern)
    assert result.status == "succeeded"
    assert result.evidence_rows == 9
    assert count(vern.store) == 9
    assert names(folder) == ["imported"]
    assert names(folder / "imported") == [STAMP + TRAIL_25.name + ".gz", STAMP + TRAIL_26.name + ".gz"]


def test_a_delivery_tree_dropped_in_the_inbox_is_imported(vern, tmp_path):
    folder = inbox(vern)
    shutil.move(str(delivery_tree(tmp_path)), str(folder / "AWSLogs"))
    assert run_check(vern).status == "succeeded"
    assert count(vern.store) == 9
    assert names(folder / "imported") == [STAMP + "AWSLogs"]


def test_each_format_has_its_own_inbox(vern):
    shutil.copy(M365_NEW, inbox(vern, "m365"))
    shutil.copy(GWS_NDJSON, inbox(vern, "gworkspace"))
    shutil.copy(CSV, inbox(vern, "csv"))
    assert run_check(vern).status == "succeeded"
    sources = store_sources(vern.store)
    assert sources == {"m365": 6, "gworkspace": 3, "csv": 3}


def store_sources(store) -> dict[str, int]:
    return {r["source"]: r["n"] for r in store.rows("SELECT source, count(*) AS n FROM access_events GROUP BY 1")}


def test_a_bad_inbox_file_goes_to_failed_and_the_good_ones_still_land(vern):
    folder = inbox(vern)
    delivered(TRAIL_25, folder)
    write(folder, "no-time.json", without(TRAIL_26, 3, "eventTime"))
    result = run_check(vern)
    assert result.status == "failed"
    assert count(vern.store) == 5  # the good file's events
    assert names(folder) == ["failed", "imported"]
    assert names(folder / "imported") == [STAMP + TRAIL_25.name + ".gz"]
    assert names(folder / "failed") == [STAMP + "no-time.json"]
    [run] = runner.history(vern.store, "access_logs")
    assert run["status"] == "failed"
    assert "cloudtrail/no-time.json" in run["error"]
    assert "record 3: field eventTime" in run["error"]


def test_the_good_files_of_a_refused_inbox_batch_land_in_one_import(vern):
    """The batch is refused; each file is then read and checked on its own (nothing stored)
    and the good ones imported together: one import in the trail, not one per file."""
    folder = inbox(vern, "gworkspace")
    shutil.copy(GWS_NDJSON, folder / "one.json")
    shutil.copy(GWS_ARRAY, folder / "two.json")
    write(folder, "other.json", '{"kind": "admin#directory#users", "users": []}')
    assert run_check(vern).status == "failed"
    assert names(folder / "failed") == [STAMP + "other.json"]
    assert names(folder / "imported") == [STAMP + "one.json", STAMP + "two.json"]
    imports = [e["details"] for e in trail.listing(vern.store, action="access_logs.import")]
    assert [i["files"] for i in imports] == [2]


def test_a_truncated_inbox_delivery_goes_to_failed_and_the_good_ones_still_land(vern):
    folder = inbox(vern)
    delivered(TRAIL_25, folder)
    whole = gzip.compress(TRAIL_26.read_bytes())
    (folder / "partial.json.gz").write_bytes(whole[: len(whole) // 2])
    result = run_check(vern)
    assert result.status == "failed"
    assert count(vern.store) == 5
    assert names(folder / "imported") == [STAMP + TRAIL_25.name + ".gz"]
    assert names(folder / "failed") == [STAMP + "partial.json.gz"]
    [run] = runner.history(vern.store, "access_logs")
    assert "cloudtrail/partial.json.gz" in run["error"]


def test_a_mislabelled_inbox_file_goes_to_failed_saying_what_it_is(vern):
    folder = inbox(vern)
    shutil.copy(GWS, folder)
    result = run_check(vern)
    assert result.status == "failed"
    assert names(folder / "failed") == [STAMP + GWS.name]
    [run] = runner.history(vern.store, "access_logs")
    assert "import it with --format gworkspace" in run["error"]


# -- symbolic links: never followed -------------------------------------------------------
LINK = "a symbolic link: Vern does not follow links (put the file itself there)"


def test_links_in_the_inbox_go_to_failed_unread_and_the_files_still_land(vern, tmp_path):
    """A link to a valid CloudTrail file outside the inbox: were it followed, its four
    events would be stored."""
    folder = inbox(vern)
    delivered(TRAIL_25, folder)
    (folder / "trail.json").symlink_to(TRAIL_26)
    (folder / "AWSLogs").symlink_to(delivery_tree(tmp_path), target_is_directory=True)
    result = run_check(vern)
    assert result.status == "failed"
    assert count(vern.store) == 5  # TRAIL_25's events only
    assert names(folder / "imported") == [STAMP + TRAIL_25.name + ".gz"]
    assert names(folder / "failed") == [STAMP + "AWSLogs", STAMP + "trail.json"]
    assert (folder / "failed" / (STAMP + "trail.json")).is_symlink()
    [run] = runner.history(vern.store, "access_logs")
    assert f"cloudtrail/trail.json: {LINK}" in run["error"]
    assert f"cloudtrail/AWSLogs: {LINK}" in run["error"]


def test_a_linked_file_inside_a_tree_refuses_the_import(store, tmp_path):
    tree = delivery_tree(tmp_path)
    link = tree / "111122223333" / "CloudTrail" / "passwd.json"
    link.symlink_to("/etc/passwd")
    error = refused(store, tree, fmt="cloudtrail")
    assert (error.source, error.shown("en")) == (str(link), [LINK])


def test_a_linked_folder_inside_a_tree_refuses_the_import(store, tmp_path):
    tree = delivery_tree(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    delivered(TRAIL_26, elsewhere)
    link = tree / "111122223333" / "CloudTrail" / "more"
    link.symlink_to(elsewhere, target_is_directory=True)
    error = refused(store, tree, fmt="cloudtrail")
    assert (error.source, error.shown("en")) == (str(link), [LINK])


def test_a_tree_dropped_in_the_inbox_with_a_link_inside_goes_to_failed(vern, tmp_path):
    folder = inbox(vern)
    tree = delivery_tree(tmp_path)
    (tree / "111122223333" / "passwd.json").symlink_to("/etc/passwd")
    shutil.move(str(tree), str(folder / "AWSLogs"))
    assert run_check(vern).status == "failed"
    assert count(vern.store) == 0
    assert names(folder / "failed") == [STAMP + "AWSLogs"]
    [run] = runner.history(vern.store, "access_logs")
    assert f"cloudtrail/AWSLogs: {LINK}" in run["error"]


def test_cli_refuses_a_named_link(db, tmp_path):
    link = tmp_path / "trail.json"
    link.symlink_to(TRAIL_26)
    result = cli(db, "import", "access-logs", str(link), "--format", "cloudtrail")
    assert result.returncode == 1
    assert result.stderr == f"vern: {link}: nothing was imported.\n  {LINK}\n"
    assert stored_count(db) == 0


def test_hidden_files_and_folders_and_the_digest_folder_are_skipped(store, tmp_path):
    tree = delivery_tree(tmp_path)
    delivered(TRAIL_26, tree / ".cache")
    (tree / ".partial.json").write_text("{not json")
    assert imported(store, tree, fmt="cloudtrail") == access_logs.Imported(files=2, events=9, added=9)


def test_a_pull_reads_its_batches_while_another_writer_holds_the_store(store):
    """Pending.add writes only its own temporary tables, so it does not wait for the write
    lock; only settle does."""
    import threading

    holding, release = threading.Event(), threading.Event()

    def writer():
        with store.transaction():
            holding.set()
            release.wait(10)

    with access_logs.Pending(store, "m365") as pending:
        other = threading.Thread(target=writer)
        other.start()
        try:
            holding.wait(10)
            reader = threading.Thread(target=pending.add, args=([M365_BLOB],))
            reader.start()
            reader.join(10)
            assert not reader.is_alive() and pending.events > 0  # read while the writer holds the lock
            assert store.value("SELECT count(*) FROM access_events") == 0
        finally:
            release.set()
            other.join()
        imported = pending.settle("tester")
    in_blob = len(json.loads(M365_BLOB.read_text(encoding="utf-8")))
    assert imported.added == in_blob == store.value("SELECT count(*) FROM access_events")


def test_the_memory_cap_holds_while_any_import_of_the_store_runs(store):
    def limit():
        return store.value("SELECT current_setting('memory_limit')")

    uncapped = limit()
    with access_logs.Pending(store, "m365"):
        with access_logs.Pending(store, "m365"):
            capped = limit()
        assert limit() == capped != uncapped  # the other import still runs
    assert limit() == uncapped
