"""The vendors' real shapes, as their documentation writes them: who an event belongs to
when the identity is empty or elsewhere, sign-ins the plain readers missed, files beside the
logs that are not accesses, machines that must not be judged as people, and a file of the
wrong shape refused where it is wrong. Each record below is written from the vendor's
published schema or example (CloudTrail userIdentity element and IAM Identity Center
sign-in events; the Office 365 Management Activity API schema; the Reports API
activities resource); imported into a real database and judged by the check.
Today is 2026-11-24; the events are in the week before.
"""

import csv
import gzip
import json
from functools import partial
from pathlib import Path

import pytest

from audits.access import directory
from audits.access import logs as access_logs
from audits.access.vendor_logs import NEW_COLUMNS
from audits.core import labels
from audits.core.errors import InputError
from checks.access_logs import AccessLogsCheck
from conftest import open_findings

ACCOUNT = "111122223333"
KARI = "kari@example.org"
UNKNOWN, FAILED, WITHOUT_GRANT = "access_unknown_actor", "access_failed_signins", "access_without_grant"
MEMBERS_SITE = "https://example.sharepoint.com/sites/Members/"


@pytest.fixture
def store(vern, tmp_path):
    """Kari in the directory with a grant to CRM; CRM is the bucket, the members' site and
    the mailbox, all holding personal data."""
    for name, text, load in (
            ("people.csv", "email,name,kind,handles_personal_data,started_on,left_on,district\n"
                           f"{KARI},Kari Nordmann,employee,yes,2020-01-15,,\n", directory.import_people),
            ("systems.csv", "name,holds_personal_data,classification,match\n"
                            f"CRM,yes,confidential,s3:members-crm;m365:{MEMBERS_SITE};m365:mailbox:{KARI};"
                            "gdrive:arrangement@example.org\n", directory.import_systems),
            ("grants.csv", f"email,system,granted_on,revoked_on\n{KARI},CRM,2020-02-01,\n", directory.import_grants)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        load(vern.store, tmp_path / name, "test")
    return vern.store


def imported(store, path: Path, fmt: str) -> access_logs.Imported:
    return access_logs.import_files(store, [path], fmt, "test")


def refused(store, path: Path, fmt: str) -> InputError:
    with pytest.raises(InputError) as caught:
        imported(store, path, fmt)
    assert store.value("SELECT count(*) FROM access_events") == 0
    return caught.value


def stored(store) -> dict[str, dict]:
    """event id → (actor, service, action, operation, records) as stored."""
    return {r["event_id"]: {k: r[k] for k in ("actor", "service", "action", "operation", "records")}
            for r in store.rows("SELECT * FROM access_events")}


def actor(store, identity: str) -> str:
    return store.keys.pseudonym(identity)


def findings(vern, rule: str) -> dict[str, str]:
    return open_findings(vern, AccessLogsCheck, rule)


# -- AWS CloudTrail ---------------------------------------------------------------------
def trail_file(folder: Path, *records: dict, name: str = f"{ACCOUNT}_CloudTrail_eu-north-1_20261116T0900Z_a1.json") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Records": list(records)}), encoding="utf-8")
    return path


def trail(event_id: str, when: str, identity: dict, **fields) -> dict:
    """A record with the fields every CloudTrail event carries."""
    return {"eventVersion": "1.09", "userIdentity": identity, "eventTime": when, "awsRegion": "eu-north-1",
            "sourceIPAddress": "192.0.2.14", "userAgent": "Mozilla/5.0", "eventID": event_id,
            "recipientAccountId": ACCOUNT, "eventCategory": "Management", **fields}


def s3_get(event_id: str, when: str, identity: dict, parameters: dict | None = None) -> dict:
    return trail(event_id, when, identity, eventSource="s3.amazonaws.com", eventName="GetObject",
                 eventType="AwsApiCall", managementEvent=False, readOnly=True,
                 requestParameters=parameters or {"bucketName": "members-crm", "key": "exports/members.csv"})


def identity_center_user(user_id: str) -> dict:
    """userIdentity of a request made on behalf of an IAM Identity Center user (since July 2025)."""
    return {"type": "IdentityCenterUser", "accountId": ACCOUNT,
            "onBehalfOf": {"userId": user_id,
                           "identityStoreArn": f"arn:aws:identitystore::{ACCOUNT}:identitystore/d-9067642ac7"},
            "credentialId": "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE"}


def identity_center_sign_in(event_id: str, when: str, name: str, result: str, user_id: str | None) -> dict:
    """An IAM Identity Center sign-in event; before the user is known (a wrong user name)
    the identity is the account's, with an empty arn and no onBehalfOf."""
    identity = {"type": "Unknown", "principalId": ACCOUNT, "arn": "", "accountId": ACCOUNT, "accessKeyId": ""}
    if user_id:
        identity = {**identity, "userName": "demo-user-2", "credentialId": "b41f0a02-1635-4d07-a414-aecf9e14b906",
                    "onBehalfOf": {"userId": user_id, "identityStoreArn":
                                   f"arn:aws:identitystore::{ACCOUNT}:identitystore/d-9a670c546e"}}
    return trail(event_id, when, identity, eventSource="signin.amazonaws.com", eventName=name,
                 eventType="AwsServiceEvent", managementEvent=True, readOnly=False,
                 requestParameters=None, responseElements=None,
                 additionalEventData={"AuthWorkflowID": "7a4ef12c-7c4b-4bc3-b5bd-c2469afcc795",
                                      "CredentialType": "PASSWORD",
                                      "UserName": "demo-user-2" if user_id else "HIDDEN_DUE_TO_SECURITY_REASONS"},
                 serviceEventDetails={name: result})


def hidden_console_sign_in(event_id: str, when: str) -> dict:
    """A console sign-in failure caused by a user name that does not exist."""
    return trail(event_id, when, {"type": "IAMUser", "accountId": ACCOUNT, "accessKeyId": "",
                                  "userName": "HIDDEN_DUE_TO_SECURITY_REASONS"},
                 eventSource="signin.amazonaws.com", eventName="ConsoleLogin", eventType="AwsConsoleSignIn",
                 errorMessage="No username found in supplied account", requestParameters=None,
                 responseElements={"ConsoleLogin": "Failure"},
                 additionalEventData={"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No",
                                      "MFAUsed": "No"})


ALICE_ID, BJORN_ID = "544894e8-80c1-707f-60e3-3ba6510dfac1", "f12bb510-a011-702f-10dd-5607e2776dbc"


def test_identity_center_users_are_told_apart_by_their_user_id(store, tmp_path):
    imported(store, trail_file(tmp_path, s3_get("ic-1", "2026-11-16T09:00:00Z", identity_center_user(ALICE_ID)),
                               s3_get("ic-2", "2026-11-16T09:05:00Z", identity_center_user(BJORN_ID))), "cloudtrail")
    events = stored(store)
    assert events["ic-1"]["actor"] == actor(store, f"identitycenter:{ALICE_ID}")
    assert events["ic-2"]["actor"] == actor(store, f"identitycenter:{BJORN_ID}")
    assert not events["ic-1"]["service"]


def test_an_identity_center_sign_in_is_its_user_not_the_name_typed(store, tmp_path):
    """Before July 2025 the sign-in carried the user name as well; the user id is what both
    shapes carry, so the same person has one pseudonym across them."""
    imported(store, trail_file(tmp_path, identity_center_sign_in(
        "si-1", "2026-11-16T08:59:00Z", "UserAuthentication", "Success", BJORN_ID)), "cloudtrail")
    assert stored(store)["si-1"]["actor"] == actor(store, f"identitycenter:{BJORN_ID}")


def test_identity_center_sign_ins_are_sign_ins(store, tmp_path):
    imported(store, trail_file(tmp_path,
                               identity_center_sign_in("cv-fail", "2026-11-16T08:58:00Z", "CredentialVerification",
                                                       "Failure", BJORN_ID),
                               identity_center_sign_in("cv-ok", "2026-11-16T08:58:30Z", "CredentialVerification",
                                                       "Success", BJORN_ID),
                               identity_center_sign_in("ua-ok", "2026-11-16T08:59:00Z", "UserAuthentication",
                                                       "Success", BJORN_ID)), "cloudtrail")
    assert {k: e["action"] for k, e in stored(store).items()} == {
        "cv-fail": "signin_failed", "cv-ok": "other", "ua-ok": "signin"}  # one sign-in, counted once


def test_a_burst_of_failed_identity_center_sign_ins_is_a_finding(vern, store, tmp_path):
    failures = [identity_center_sign_in(f"cv-{i}", f"2026-11-16T08:5{i}:00Z", "CredentialVerification", "Failure",
                                        BJORN_ID) for i in range(10)]
    imported(store, trail_file(tmp_path, *failures), "cloudtrail")
    bjorn = actor(store, f"identitycenter:{BJORN_ID}")
    assert list(findings(vern, FAILED)) == [f"{bjorn} · 2026-11-16"]


def test_a_sign_in_that_names_only_the_account_is_unattributed(store, tmp_path):
    """A wrong user name at the Identity Center sign-in: principalId is the account id and
    the arn is empty; neither is a person."""
    imported(store, trail_file(tmp_path, identity_center_sign_in(
        "cv-nobody", "2026-11-16T08:58:00Z", "CredentialVerification", "Failure", None)), "cloudtrail")
    assert stored(store)["cv-nobody"] == {"actor": access_logs.UNATTRIBUTED, "service": False,
                                          "action": "signin_failed", "operation": "CredentialVerification",
                                          "records": 1}


def test_console_sign_ins_with_hidden_user_names_are_not_one_account(vern, store, tmp_path):
    """Twelve wrong user names in ten minutes: AWS hides each as HIDDEN_DUE_TO_SECURITY_REASONS.
    They are kept, unattributed, and do not make one account's burst or an unknown account."""
    attempts = [hidden_console_sign_in(f"hidden-{i:02}", f"2026-11-16T09:0{i % 10}:{i:02}Z") for i in range(12)]
    imported(store, trail_file(tmp_path, *attempts), "cloudtrail")
    assert {e["actor"] for e in stored(store).values()} == {access_logs.UNATTRIBUTED}
    assert store.rows("SELECT pseudonym FROM identities WHERE pseudonym = ?",
                      [actor(store, "hidden_due_to_security_reasons")]) == []
    assert findings(vern, FAILED) == {}
    assert findings(vern, UNKNOWN) == {}
    assert access_logs.counts(store)["actors"] == 0  # not an account


def test_failed_console_sign_ins_of_a_real_user_still_make_a_burst(vern, store, tmp_path):
    """The other side of the one above: the same attempts naming Kari are her burst."""
    attempts = [{**hidden_console_sign_in(f"kari-{i:02}", f"2026-11-16T09:0{i}:00Z"),
                 "userIdentity": {"type": "IAMUser", "principalId": "AIDAJ45Q7YFFAREXAMPLE",
                                  "arn": f"arn:aws:iam::{ACCOUNT}:user/{KARI}", "accountId": ACCOUNT,
                                  "userName": KARI}} for i in range(10)]
    imported(store, trail_file(tmp_path, *attempts), "cloudtrail")
    assert list(findings(vern, FAILED)) == [f"{actor(store, KARI)} · 2026-11-16"]


def ec2_role(session: str, delivery: str | None = None) -> dict:
    context = {"sessionIssuer": {"type": "Role", "principalId": "AROAIDPPEZS35WEXAMPLE",
                                 "arn": f"arn:aws:iam::{ACCOUNT}:role/MembersExport", "accountId": ACCOUNT,
                                 "userName": "MembersExport"},
               "attributes": {"creationDate": "2026-11-16T08:00:00Z", "mfaAuthenticated": "false"}}
    if delivery:
        context["ec2RoleDelivery"] = delivery
    return {"type": "AssumedRole", "principalId": f"AROAIDPPEZS35WEXAMPLE:{session}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/MembersExport/{session}", "accountId": ACCOUNT,
            "accessKeyId": "ASIAEXAMPLEKEY", "sessionContext": context}


def test_machines_are_services_by_the_vendors_own_actor_types(vern, store, tmp_path):
    """An EC2 instance's role session (named for the instance, or delivered by the instance
    metadata service), an AWS service; a person's role session stays a person."""
    imported(store, trail_file(
        tmp_path,
        s3_get("ec2-named", "2026-11-16T09:00:00Z", ec2_role("i-0a1b2c3d4e5f60718")),
        s3_get("ec2-imds", "2026-11-16T09:01:00Z", ec2_role("nightly-export", delivery="2.0")),
        s3_get("aws-service", "2026-11-16T09:02:00Z", {"type": "AWSService", "invokedBy": "backup.amazonaws.com"}),
        s3_get("person", "2026-11-16T09:03:00Z", ec2_role("stranger@example.net"))), "cloudtrail")
    assert {k: e["service"] for k, e in stored(store).items()} == {
        "ec2-named": True, "ec2-imds": True, "aws-service": True, "person": False}
    stranger = actor(store, "stranger@example.net")
    assert list(findings(vern, UNKNOWN)) == [stranger]


def test_an_ec2_session_name_must_be_a_whole_instance_id(store, tmp_path):
    imported(store, trail_file(tmp_path, s3_get("not-ec2", "2026-11-16T09:00:00Z", ec2_role("i-am-kari"))),
             "cloudtrail")
    assert stored(store)["not-ec2"]["service"] is False


def insight(event_id: str, state: str) -> dict:
    """A CloudTrail Insights record: no userIdentity, an insightDetails block."""
    return {"eventVersion": "1.08", "eventTime": "2026-11-16T10:05:00Z", "awsRegion": "eu-north-1",
            "eventID": event_id, "eventType": "AwsCloudTrailInsight", "recipientAccountId": ACCOUNT,
            "sharedEventID": "12edc982-3348-4794-83d3-a3db26525049", "userIdentity": None,
            "insightDetails": {"state": state, "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
                               "insightType": "ApiCallRateInsight",
                               "insightContext": {"statistics": {"baseline": {"average": 1.75},
                                                                 "insight": {"average": 50.1}}}},
            "eventCategory": "Insight"}


def test_the_insights_folder_of_a_delivery_tree_is_skipped(store, tmp_path):
    """AWSLogs/<account>/CloudTrail-Insight/ beside CloudTrail/ when Insights are on."""
    logs = tmp_path / "AWSLogs" / ACCOUNT
    day = "eu-north-1/2026/11/16"
    log = trail_file(logs / "CloudTrail" / day, s3_get("get-1", "2026-11-16T09:00:00Z", identity_center_user(ALICE_ID)))
    found = trail_file(logs / "CloudTrail-Insight" / day, insight("in-1", "Start"), insight("in-2", "End"),
                       name=f"{ACCOUNT}_CloudTrail-Insight_eu-north-1_20261116T1005Z_b2.json")
    for path in (log, found):
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes()))
        path.unlink()
    assert imported(store, tmp_path / "AWSLogs", "cloudtrail") == access_logs.Imported(files=1, events=1, added=1)


def test_insights_records_in_a_log_file_are_skipped_not_refused(store, tmp_path):
    path = trail_file(tmp_path, insight("in-1", "Start"),
                      s3_get("get-1", "2026-11-16T09:00:00Z", identity_center_user(ALICE_ID)))
    assert imported(store, path, "cloudtrail") == access_logs.Imported(files=1, events=1, added=1)
    assert list(stored(store)) == ["get-1"]


def test_the_object_name_is_read_from_key_in_either_case(store, tmp_path):
    imported(store, trail_file(tmp_path, s3_get("lower", "2026-11-16T09:00:00Z", identity_center_user(ALICE_ID)),
                               s3_get("upper", "2026-11-16T09:01:00Z", identity_center_user(ALICE_ID),
                                      {"bucketName": "members-crm", "Key": "exports/volunteers.csv"})),
             "cloudtrail")
    rows = {r["event_id"]: r for r in store.rows("SELECT event_id, resource, object FROM access_events")}
    names = labels.texts(store, [r["object"] for r in rows.values()])
    assert {k: (r["resource"], names[r["object"]]) for k, r in rows.items()} == {
        "lower": ("s3:members-crm", "exports/members.csv"), "upper": ("s3:members-crm", "exports/volunteers.csv")}


def test_a_record_of_the_wrong_shape_is_refused_naming_record_and_field_not_value(store, tmp_path):
    """DuckDB refuses a userIdentity that is not an object and quotes the value; the import
    names the file, the record and the field, and never the value."""
    path = trail_file(tmp_path, s3_get("get-1", "2026-11-16T09:00:00Z", identity_center_user(ALICE_ID)),
                      {**s3_get("get-2", "2026-11-16T09:01:00Z", {}), "userIdentity": "kari@example.org"})
    error = refused(store, path, "cloudtrail")
    assert error.source == str(path)
    assert error.shown("en") == ["record 2: field userIdentity: not a JSON object"]
    assert error.shown("nb") == ["post 2: felt userIdentity: ikke et JSON-objekt"]
    assert "kari" not in str(error)


def test_a_nested_field_of_the_wrong_shape_is_named_by_its_path(store, tmp_path):
    path = trail_file(tmp_path, s3_get("get-1", "2026-11-16T09:00:00Z",
                                       {**identity_center_user(ALICE_ID), "onBehalfOf": "kari@example.org"}))
    assert refused(store, path, "cloudtrail").shown("en") == [
        "record 1: field userIdentity.onBehalfOf: not a JSON object"]


def test_records_that_are_not_a_list_are_refused_naming_the_field(store, tmp_path):
    path = tmp_path / "trail.json"
    path.write_text(json.dumps({"Records": {"eventID": "x"}}), encoding="utf-8")
    assert refused(store, path, "cloudtrail").shown("en") == ["field Records: not a JSON array"]


# -- Microsoft 365 (Purview audit export, the Management Activity API's records) ------------
def purview(folder: Path, *records: dict) -> Path:
    """The export with the newer columns; UserId mirrors AuditData's."""
    path = folder / "purview.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(NEW_COLUMNS)
        for data in records:
            writer.writerow([data["Id"], data["CreationTime"] + ".0000000Z", data["RecordType"], data["Operation"],
                             data["UserId"], json.dumps(data), "", ""])
    return path


def blob(folder: Path, *records: dict) -> Path:
    """The same records as the Management Activity API serves a content blob: a JSON array."""
    path = folder / "blob.json"
    path.write_text(json.dumps(list(records)), encoding="utf-8")
    return path


@pytest.fixture(params=["export", "blob"])
def m365_file(request, tmp_path):
    """Microsoft 365's records as a file: Purview's export, or the API's content blob."""
    return partial(purview if request.param == "export" else blob, tmp_path)


def audit(record_id: str, when: str, user: str, user_type: int, operation: str, **fields) -> dict:
    return {"CreationTime": when, "Id": record_id, "Operation": operation,
            "OrganizationId": "4a7c8238-5799-4b6c-8a2f-0e1d2c3b4a59", "UserKey": "10032001A2B3C4D5",
            "UserType": user_type, "Version": 1, "UserId": user, **fields}


def sharepoint(record_id: str, when: str, user: str, user_type: int = 0, **fields) -> dict:
    return audit(record_id, when, user, user_type, "FileAccessed", RecordType=6, Workload="SharePoint",
                 ClientIP="192.0.2.10", ObjectId=MEMBERS_SITE + "Shared Documents/members.xlsx",
                 SiteUrl=MEMBERS_SITE, SourceFileName="members.xlsx", ItemType="File", **fields)


def exchange(record_id: str, when: str, user: str, user_type: int, operation: str, **fields) -> dict:
    return audit(record_id, when, user, user_type, operation, RecordType=2, Workload="Exchange",
                 ClientIPAddress="192.0.2.11", MailboxOwnerUPN=KARI, LogonType=0, ExternalAccess=False,
                 OrganizationName="example.onmicrosoft.com", **fields)


def test_an_empty_user_id_is_unattributed_not_a_shared_blank_person(vern, store, m365_file):
    imported(store, m365_file(sharepoint("blank-1", "2026-11-16T09:00:00", "", UserKey=""),
                              sharepoint("blank-2", "2026-11-16T09:05:00", "", UserKey="")), "m365")
    assert {e["actor"] for e in stored(store).values()} == {access_logs.UNATTRIBUTED}
    assert findings(vern, UNKNOWN) == {}
    assert findings(vern, WITHOUT_GRANT) == {}


def test_services_of_microsoft_365_are_not_people(vern, store, m365_file):
    """app@sharepoint is written with UserType 0 (Regular); Exchange's service host is
    UserType 3 (DcAdmin, a Microsoft datacenter operator). A stranger with UserType 0 is
    still a person the rules judge."""
    app = sharepoint("app", "2026-11-16T09:00:00", "app@sharepoint",
                     UserKey="i:0i.t|ms.sp.ext|00000003-0000-0ff1-ce00-000000000000@4a7c8238-5799-4b6c-8a2f-0e1d2c3b4a59")
    host = exchange("host", "2026-11-16T09:01:00", "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)", 3,
                    "MailItemsAccessed", OperationCount=1)
    system = exchange("system", "2026-11-16T09:02:00", "Retention policy", 4, "HardDelete")
    stranger = sharepoint("stranger", "2026-11-16T09:03:00", "stranger@example.net")
    imported(store, m365_file(app, host, system, stranger), "m365")
    assert {k: e["service"] for k, e in stored(store).items()} == {
        "app": True, "host": True, "system": True, "stranger": False}
    assert list(findings(vern, UNKNOWN)) == [actor(store, "stranger@example.net")]


def test_mailbox_items_deleted_are_deletions(store, m365_file):
    folder = {"Id": "LgAAAAAdhAMRqmYRzZvIAKoAL8RaDQAB", "Path": "\\Inbox"}
    imported(store, m365_file(exchange("soft", "2026-11-16T09:00:00", KARI, 0, "SoftDelete", Folder=folder,
                                       AffectedItems=[{"Subject": "Membership", "ParentFolder": folder}]),
                              exchange("hard", "2026-11-16T09:01:00", KARI, 0, "HardDelete", Folder=folder),
                              exchange("moved", "2026-11-16T09:02:00", KARI, 0, "MoveToDeletedItems",
                                       Folder=folder, DestFolder={"Path": "\\Deleted Items"})), "m365")
    assert {k: e["action"] for k, e in stored(store).items()} == {"soft": "delete", "hard": "delete", "moved": "delete"}


def test_mail_items_accessed_counts_the_items_it_folds_together(store, m365_file):
    """MailItemsAccessed aggregates: OperationCount says how many items were read."""
    bind = exchange("bind", "2026-11-16T09:00:00", KARI, 0, "MailItemsAccessed", OperationCount=7,
                    OperationProperties=[{"Name": "MailAccessType", "Value": "Bind"},
                                         {"Name": "IsThrottled", "Value": "False"}],
                    Folders=[{"FolderItems": [{"InternetMessageId": f"<m{i}@example.org>"} for i in range(7)],
                              "Path": "\\Inbox"}])
    imported(store, m365_file(bind, exchange("one", "2026-11-16T09:05:00", KARI, 0, "Send")), "m365")
    assert {k: (e["action"], e["records"]) for k, e in stored(store).items()} == {
        "bind": ("read", 7), "one": ("other", 1)}


def test_an_operation_count_that_is_not_a_number_is_refused_naming_the_field(store, m365_file):
    path = m365_file(exchange("bind", "2026-11-16T09:00:00", KARI, 0, "MailItemsAccessed", OperationCount="many"))
    where = "line 2," if path.suffix == ".csv" else "record 1:"  # the export's line, the blob's record
    assert refused(store, path, "m365").shown("en") == [
        f"{where} field AuditData.OperationCount: not a whole number of records"]


# -- Google Workspace (Reports API activities.list) ---------------------------------------
def reports(folder: Path, *items: dict) -> Path:
    path = folder / "activities.json"
    path.write_text(json.dumps({"kind": "admin#reports#activities", "etag": "\"page\"", "items": list(items)}),
                    encoding="utf-8")
    return path


def activity(qualifier: str, when: str, application: str, actor_: dict, *events: dict) -> dict:
    return {"kind": "admin#reports#activity",
            "id": {"time": when, "uniqueQualifier": qualifier, "applicationName": application, "customerId": "C01abcd2e"},
            "etag": f"\"e{qualifier}\"", "actor": actor_, "ipAddress": "192.0.2.30", "events": list(events)}


def drive_view(owner: str = "arrangement@example.org") -> dict:
    return {"type": "access", "name": "view", "parameters": [
        {"name": "primary_event", "boolValue": True}, {"name": "owner", "value": owner},
        {"name": "doc_id", "value": "1AbCdEfGhIjKlMnOpQrStUvWxYz012345"}, {"name": "doc_type", "value": "spreadsheet"},
        {"name": "doc_title", "value": "Participants"}, {"name": "visibility", "value": "private"}]}


def saml(name: str) -> dict:
    parameters = [{"name": "application_name", "value": "Members CRM"}, {"name": "initiated_by", "value": "sp"},
                  {"name": "orgunit_path", "value": "/"}, {"name": "saml_status_code", "value": "SUCCESS_URI"}]
    if name == "login_failure":
        parameters = [*parameters[:3], {"name": "failure_type", "value": "failure_app_not_configured_for_user"}]
    return {"type": "login", "name": name, "parameters": parameters}


def gid(qualifier: str, when: str, application: str) -> str:
    return f"gws:{application}:{when}:{qualifier}:1"


def test_an_actor_without_an_address_is_its_profile(store, tmp_path):
    """An empty email beside a profile id; two profiles are two accounts."""
    when = "2026-11-16T09:00:00.000Z"
    imported(store, reports(tmp_path,
                            activity("-1", when, "drive", {"callerType": "USER", "email": "", "profileId": "1048576001"},
                                     drive_view()),
                            activity("-2", when, "drive", {"callerType": "USER", "email": "", "profileId": "1048576002"},
                                     drive_view())), "gworkspace")
    events = stored(store)
    assert events[gid("-1", when, "drive")]["actor"] == actor(store, "profile:1048576001")
    assert events[gid("-2", when, "drive")]["actor"] == actor(store, "profile:1048576002")


def test_a_page_with_an_actor_of_only_caller_type_and_profile_is_read(store, tmp_path):
    """The chrome application's activities name their actor by profile alone."""
    when = "2026-11-16T09:00:00.000Z"
    chrome = activity("-3", when, "chrome", {"callerType": "USER", "profileId": "1048576003"},
                      {"type": "BROWSER_EXTENSION_INSTALL_TYPE", "name": "BROWSER_EXTENSION_INSTALL",
                       "parameters": [{"name": "BROWSER_VERSION", "value": "130.0.6723.117"},
                                      {"name": "APP_ID", "value": "aapbdbdomjkkjkaonfhkkikfgjllcleb"}]})
    assert imported(store, reports(tmp_path, chrome), "gworkspace") == access_logs.Imported(files=1, events=1, added=1)
    assert stored(store)[gid("-3", when, "chrome")] == {
        "actor": actor(store, "profile:1048576003"), "service": False, "action": "other",
        "operation": "BROWSER_EXTENSION_INSTALL", "records": 1}


def test_an_actor_that_names_nobody_is_unattributed(vern, store, tmp_path):
    when = "2026-11-16T09:00:00.000Z"
    imported(store, reports(tmp_path, activity("-4", when, "drive", {"callerType": "USER", "email": ""},
                                               drive_view())), "gworkspace")
    assert stored(store)[gid("-4", when, "drive")]["actor"] == access_logs.UNATTRIBUTED
    assert findings(vern, UNKNOWN) == {}


def test_callers_other_than_a_user_are_services(vern, store, tmp_path):
    when = "2026-11-16T09:00:00.000Z"
    imported(store, reports(tmp_path,
                            activity("-5", when, "drive", {"callerType": "KEY", "key": "SYSTEM"}, drive_view()),
                            activity("-6", when, "drive", {"callerType": "APPLICATION", "profileId": "1048576006"},
                                     drive_view()),
                            activity("-7", when, "drive", {"callerType": "USER", "email": "stranger@example.net",
                                                           "profileId": "1048576007"}, drive_view())), "gworkspace")
    assert {k.split(":")[-2]: e["service"] for k, e in stored(store).items()} == {"-5": True, "-6": True, "-7": False}
    assert list(findings(vern, UNKNOWN)) == [actor(store, "stranger@example.net")]


def test_saml_logins_are_sign_ins(vern, store, tmp_path):
    """A SAML application's logins; ten failures within ten minutes are a burst."""
    failures = [activity(f"-{10 + i}", f"2026-11-16T09:0{i}:00.000Z", "saml", {"callerType": "USER", "email": KARI},
                         saml("login_failure")) for i in range(10)]
    success = activity("-20", "2026-11-16T09:10:00.000Z", "saml", {"callerType": "USER", "email": KARI},
                       saml("login_success"))
    imported(store, reports(tmp_path, *failures, success), "gworkspace")
    assert sorted(e["action"] for e in stored(store).values()) == ["signin"] + ["signin_failed"] * 10
    assert list(findings(vern, FAILED)) == [f"{actor(store, KARI)} · 2026-11-16"]


def test_an_activity_of_the_wrong_shape_is_refused_naming_record_and_field_not_value(store, tmp_path):
    when = "2026-11-16T09:00:00.000Z"
    bad = activity("-31", when, "drive", {"callerType": "USER", "email": KARI}, drive_view())
    bad["events"][0]["parameters"].append("kari@example.org")
    path = reports(tmp_path, activity("-30", when, "drive", {"callerType": "USER", "email": KARI}, drive_view()), bad)
    error = refused(store, path, "gworkspace")
    assert error.source == str(path)
    assert error.shown("en") == ["record 2: field events.parameters: not a JSON object"]
    assert "kari" not in str(error)
