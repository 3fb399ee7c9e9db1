"""Write access events as the vendors deliver them — for the demo and the benchmark.

One neutral event (when, who, what, where) becomes a CloudTrail record, a Purview
audit-export row or a Reports API activity, with the fields as each vendor documents them.
"""

import csv
import gzip
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Event:
    at: datetime  # aware
    who: str  # email address (or an IAM user name)
    action: str  # signin | signin_failed | read | download | write | mail (Microsoft 365 only)
    target: str = ""  # bucket / site URL / drive owner
    object: str = ""
    ip: str = "192.0.2.10"
    records: int = 1  # rows in an export (csv format only)


def _utc(at: datetime, digits: int = 0) -> str:
    text = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return text + ("." + "0" * digits if digits else "")


def _id(event: Event, salt: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{salt}|{event.at.isoformat()}|{event.who}|{event.object}|{event.action}"))


# -- AWS CloudTrail -------------------------------------------------------------
_S3_NAMES = {"read": "HeadObject", "download": "GetObject", "write": "PutObject"}


def cloudtrail_record(event: Event, account: str = "111122223333") -> dict:
    identity = {"type": "AssumedRole", "principalId": f"AROAEXAMPLEID:{event.who}",
                "arn": f"arn:aws:sts::{account}:assumed-role/AWSReservedSSO_Staff/{event.who}",
                "accountId": account}
    record = {"eventVersion": "1.09", "userIdentity": identity, "eventTime": _utc(event.at) + "Z",
              "awsRegion": "eu-north-1", "sourceIPAddress": event.ip, "userAgent": "aws-cli/2.15",
              "eventID": _id(event, "cloudtrail"), "readOnly": event.action != "write",
              "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": account}
    if event.action in ("signin", "signin_failed"):
        failed = event.action == "signin_failed"
        identity.update(type="IAMUser", userName=event.who, principalId="AIDAEXAMPLEID",
                        arn=f"arn:aws:iam::{account}:user/{event.who}")
        record.update(eventSource="signin.amazonaws.com", eventName="ConsoleLogin",
                      eventType="AwsConsoleSignIn", managementEvent=True,
                      responseElements={"ConsoleLogin": "Failure" if failed else "Success"},
                      additionalEventData={"MFAUsed": "Yes"})
        if failed:
            record["errorMessage"] = "Failed authentication"
    else:
        record.update(eventSource="s3.amazonaws.com", eventName=_S3_NAMES[event.action],
                      requestParameters={"bucketName": event.target, "key": event.object},
                      resources=[{"type": "AWS::S3::Object",
                                  "ARN": f"arn:aws:s3:::{event.target}/{event.object}"}])
    return record


def write_cloudtrail(root: Path, events: Iterable[Event], per_file: int = 500,
                     account: str = "111122223333") -> int:
    """Gzipped files in the S3 delivery layout AWSLogs/ACCOUNT/CloudTrail/REGION/Y/M/D/."""
    files, batch = 0, []

    def flush():
        nonlocal files, batch
        if not batch:
            return
        day = batch[0].at.astimezone(UTC)
        folder = root / "AWSLogs" / account / "CloudTrail" / "eu-north-1" / day.strftime("%Y/%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{account}_CloudTrail_eu-north-1_{day.strftime('%Y%m%dT%H%MZ')}_{files:06d}.json.gz"
        with gzip.open(folder / name, "wt", encoding="utf-8", compresslevel=1) as out:
            json.dump({"Records": [cloudtrail_record(e, account) for e in batch]}, out)
        files += 1
        batch = []

    for event in events:
        batch.append(event)
        if len(batch) >= per_file:
            flush()
    flush()
    return files


# -- Microsoft 365 (Purview audit search export) --------------------------------
_M365 = {"read": ("FileAccessed", "SharePoint"), "download": ("FileDownloaded", "SharePoint"),
         "write": ("FileModified", "SharePoint"), "signin": ("UserLoggedIn", "AzureActiveDirectory"),
         "signin_failed": ("UserLoginFailed", "AzureActiveDirectory"),
         "mail": ("MailItemsAccessed", "Exchange")}
NEW_COLUMNS = ("RecordId", "CreationDate", "RecordType", "Operation", "UserId", "AuditData",
               "AssociatedAdminUnits", "AssociatedAdminUnitsNames")
OLD_COLUMNS = ("CreationDate", "UserIds", "Operations", "AuditData")


def m365_audit_data(event: Event, organization: str = "4a7c8238-5799-4b6c-8a2f-000000000001") -> dict:
    operation, workload = _M365[event.action]
    data = {"CreationTime": _utc(event.at), "Id": _id(event, "m365"), "Operation": operation,
            "OrganizationId": organization, "RecordType": 6, "UserKey": event.who, "UserType": 0,
            "Version": 1, "Workload": workload, "UserId": event.who, "ClientIP": event.ip}
    if workload == "SharePoint":
        data.update(RecordType=6, ObjectId=f"{event.target}/{event.object}", SiteUrl=event.target + "/",
                    SourceFileName=event.object.rsplit("/", 1)[-1], ItemType="File")
    elif workload == "Exchange":
        data.update(RecordType=50, MailboxOwnerUPN=event.target, ClientIPAddress=event.ip,
                    OperationCount=1, LogonType=0)
        del data["ClientIP"]
    else:
        data.update(RecordType=15, ObjectId="00000003-0000-0ff1-ce00-000000000000",
                    ResultStatus="Failed" if event.action == "signin_failed" else "Success")
        if event.action == "signin_failed":
            data.update(LogonError="InvalidUserNameOrPassword", ErrorNumber="50126")
    return data


def write_m365(path: Path, events: Iterable[Event], columns: str = "new") -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(NEW_COLUMNS if columns == "new" else OLD_COLUMNS)
        for event in events:
            data = m365_audit_data(event)
            created = _utc(event.at, 7) + "Z"
            audit = json.dumps(data, separators=(",", ":"))
            if columns == "new":
                writer.writerow([data["Id"], created, data["RecordType"], data["Operation"],
                                 event.who, audit, "", ""])
            else:
                writer.writerow([created, event.who, data["Operation"], audit])
            rows += 1
    return rows


# -- Google Workspace (Admin SDK Reports API, activities.list) ------------------
_DRIVE = {"read": "view", "download": "download", "write": "edit"}


def gworkspace_item(event: Event, customer: str = "C01abcdef") -> dict:
    login = event.action in ("signin", "signin_failed")
    application = "login" if login else "drive"
    item = {"kind": "admin#reports#activity",
            "id": {"time": _utc(event.at, 3) + "Z", "uniqueQualifier": str(-(uuid.UUID(_id(event, "gws")).int % 10**18)),
                   "applicationName": application, "customerId": customer},
            "etag": f"\"{_id(event, 'etag')}\"",
            "actor": {"callerType": "USER", "email": event.who, "profileId": str(uuid.uuid5(uuid.NAMESPACE_URL, event.who).int % 10**20)},
            "ipAddress": event.ip}
    if login:
        item["events"] = [{"type": "login", "name": "login_success" if event.action == "signin" else "login_failure",
                           "parameters": [{"name": "login_type", "value": "google_password"},
                                          {"name": "is_suspicious", "boolValue": False}]}]
    else:
        item["events"] = [{"type": "access", "name": _DRIVE[event.action], "parameters": [
            {"name": "primary_event", "boolValue": True},
            {"name": "doc_id", "value": _id(event, "doc")[:28]},
            {"name": "doc_type", "value": "spreadsheet"},
            {"name": "doc_title", "value": event.object},
            {"name": "visibility", "value": "private"},
            {"name": "owner", "value": event.target},
            {"name": "owner_is_shared_drive", "boolValue": False}]}]
    return item


def write_gworkspace(path: Path, events: Iterable[Event], per_page: int = 1000) -> int:
    """Newline-delimited pages, as a script saving each activities.list response writes them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows, page = 0, []
    with path.open("w", encoding="utf-8") as out:
        def flush():
            if page:
                out.write(json.dumps({"kind": "admin#reports#activities", "etag": "\"page\"",
                                      "items": page}) + "\n")
        for event in events:
            page.append(gworkspace_item(event))
            rows += 1
            if len(page) >= per_page:
                flush()
                page = []
        flush()
    return rows
