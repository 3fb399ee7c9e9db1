"""The vendors' access-log formats, each read by DuckDB straight from the files and
normalised by one SQL query into the same columns:

    file, record, event_id, happened_at, identity, service, action,
    operation, resource, object, source_ip, records

`record` counts from 1 within a file (0 marks a file without the format's envelope);
CSV exports and Reports API pages are read without it (NULL) and numbered only to name
a bad record, since numbering needs each file read in order;
`happened_at` is NULL where the time is missing or has no UTC offset; `identity` is NULL
where the record has no identity element, and '' where it has one that names nobody (an
unattributed event, never a person); `service` marks a machine by the vendor's own actor
type; `checked` adds `flaw`, naming a kept value that is too long or holds a control
character. Nothing here is Python per event: a million events stream through DuckDB
without passing through pandas.
"""

from dataclasses import dataclass

from audits.access import limits as access_input
from audits.access.limits import MAX_OBJECT_BYTES
from audits.core.i18n import Message

FORMATS = ("cloudtrail", "m365", "gworkspace", "csv")


def named(fmt: str) -> Message:
    """What a file of the format is, in words (access.format.*)."""
    return Message(f"access.format.{fmt}")

ACTIONS = ("signin", "signin_failed", "read", "download", "export", "write", "delete", "denied", "other")


@dataclass(frozen=True)
class Fields:
    """The vendor's field behind each normalised column, for error messages."""
    event_id: str
    time: str
    identity: str
    operation: str
    resource: str
    object: str
    source_ip: str
    action: str = "-"
    records: str = "-"


FIELDS = {
    "cloudtrail": Fields("eventID", "eventTime", "userIdentity", "eventName", "requestParameters.bucketName",
                         "requestParameters.key", "sourceIPAddress"),
    "m365": Fields("AuditData.Id", "AuditData.CreationTime", "AuditData.UserId", "AuditData.Operation",
                   "AuditData.SiteUrl", "AuditData.ObjectId", "AuditData.ClientIP", records="AuditData.OperationCount"),
    "gworkspace": Fields("id.uniqueQualifier", "id.time", "actor", "events.name",
                         "events.parameters.owner", "events.parameters.doc_title", "ipAddress"),
    "csv": Fields("-", "timestamp", "actor", "action", "system", "object", "source_ip", "action", "records"),
}
# The values Vern keeps; the object's name is free text, which may hold tab and line breaks.
KEPT = ("event_id", "identity", "operation", "resource", "source_ip", "object")
_CONTROL = "'[\\x00-\\x1F\\x7F]'"
_CONTROL_IN_TEXT = "'[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]'"


def checked(fmt: str, query: str) -> str:
    """The format's query with every kept value at most MAX_FIELD characters and without
    control characters: one that is not becomes NULL (a bomb's megabytes are not staged)
    and `flaw` names its field and what is wrong ('too_long:FIELD', 'control:FIELD'; put into
    words by audits.access.logs), which refuses the import."""
    names, most = FIELDS[fmt], access_input.MAX_FIELD
    arms = [f"WHEN length({c}) > {most} THEN 'too_long:{getattr(names, c)}'" for c in KEPT]
    arms += [f"WHEN regexp_matches({c}, {_CONTROL_IN_TEXT if c == 'object' else _CONTROL}) "
             f"THEN 'control:{getattr(names, c)}'" for c in KEPT]
    nulled = ", ".join(f"CASE WHEN length({c}) <= {most} THEN {c} END AS {c}" for c in KEPT)
    return f"SELECT * REPLACE ({nulled}), CASE {' '.join(arms)} END AS flaw FROM ({query})"


_OFFSET = "regexp_matches({}, '(Z|z|[+-]\\d\\d:?\\d\\d)$')"


def _instant(expr: str) -> str:
    """An instant only when the text carries its offset: no naive times."""
    return f"CASE WHEN {_OFFSET.format(expr)} THEN try_cast({expr} AS TIMESTAMPTZ) END"


def _read_json(kind_columns: str, records: str = "auto") -> str:
    return (f"read_json($files, columns={{{kind_columns}}}, filename=true, format='auto', "
            f"records={records}, maximum_object_size={MAX_OBJECT_BYTES})")


def _named(expr: str) -> str:
    """A value that names someone: an empty one names nobody."""
    return f"nullif(trim({expr}), '')"


# The JSON each format reads, as the vendor documents it: a dict is an object, a list of one
# shape an array of them, TEXT a value kept as text (whatever its JSON type), JSON one read
# as raw JSON. The same declaration types the read and, after DuckDB refuses a file, says
# which record and field is not of the shape (`shapes`).
TEXT, JSON = "VARCHAR", "JSON"
_TRAIL_RECORD = {
    "eventID": TEXT, "eventTime": TEXT, "eventSource": TEXT, "eventName": TEXT, "eventType": TEXT,
    "userIdentity": {"type": TEXT, "principalId": TEXT, "arn": TEXT, "accountId": TEXT, "userName": TEXT,
                     "invokedBy": TEXT, "onBehalfOf": {"userId": TEXT},
                     "sessionContext": {"ec2RoleDelivery": TEXT}},
    "sourceIPAddress": TEXT, "errorCode": TEXT, "errorMessage": TEXT,
    # raw JSON: S3 writes the object's name as `key` or `Key`, and a struct cannot hold both
    "requestParameters": JSON, "responseElements": JSON, "serviceEventDetails": JSON,
}
_ACTIVITY = {
    "id": {"time": TEXT, "uniqueQualifier": TEXT, "applicationName": TEXT},
    "actor": {"email": TEXT, "profileId": TEXT, "callerType": TEXT, "key": TEXT},
    "ipAddress": TEXT,
    "events": [{"type": TEXT, "name": TEXT, "parameters": [{"name": TEXT, "value": TEXT}]}],
}
# The format's list of records in each JSON value of a file, and the shape of one record.
ENVELOPES = {"cloudtrail": ("Records", _TRAIL_RECORD), "gworkspace": ("items", _ACTIVITY)}


def _duck_type(shape) -> str:
    """DuckDB's type for a declared shape."""
    if isinstance(shape, dict):
        return "STRUCT(" + ", ".join(f'"{name}" {_duck_type(inner)}' for name, inner in shape.items()) + ")"
    if isinstance(shape, list):
        return _duck_type(shape[0]) + "[]"
    return shape


# An EC2 instance's role session is named for the instance (i- and 8 or 17 hex digits).
_INSTANCE = "'i-[0-9a-f]{8}([0-9a-f]{9})?'"

CLOUDTRAIL = f"""
WITH files AS (SELECT filename AS file, Records
               FROM {_read_json(f"'Records': '{_duck_type([_TRAIL_RECORD])}'", "true")}),
raw AS (
    SELECT file,
           unnest(coalesce(generate_series(1, len(Records)), [0])) AS record,
           unnest(coalesce(Records, [NULL])) AS r
    FROM files),
-- An Insights record (userIdentity null) describes unusual activity, not an access.
records AS (
    SELECT file, record, r, r.userIdentity AS u, {_named("r.userIdentity.onBehalfOf.userId")} AS on_behalf_of,
           CASE WHEN r.userIdentity.type = 'AssumedRole'
                THEN {_named("split_part(r.userIdentity.principalId, ':', 2)")} END AS session
    FROM raw WHERE r.eventType IS DISTINCT FROM 'AwsCloudTrailInsight'),
identified AS (
    SELECT *, lower(CASE
        -- IAM Identity Center names its user here, and nowhere else once signed in.
        WHEN on_behalf_of IS NOT NULL THEN 'identitycenter:' || on_behalf_of
        -- A console sign-in with a user name that does not exist: AWS hides what was typed.
        WHEN u.userName = 'HIDDEN_DUE_TO_SECURITY_REASONS' THEN ''
        ELSE coalesce(
            CASE u.type WHEN 'AssumedRole' THEN session
                        WHEN 'AWSService' THEN {_named("u.invokedBy")}
                        WHEN 'Root' THEN 'root:' || {_named("u.accountId")} END,
            {_named("u.userName")}, {_named("u.arn")},
            -- a principal that is the account itself (a sign-in not yet tied to a user) names nobody
            nullif({_named("u.principalId")}, u.accountId),
            {_named("u.invokedBy")},
            CASE WHEN u IS NOT NULL THEN '' END)
        END) AS identity
    FROM records)
SELECT file, record, r.eventID AS event_id,
       {_instant("r.eventTime")} AS happened_at,
       identity,
       -- The vendor's actor types: an AWS service or account, an EC2 instance's role, or a
       -- service named only by invokedBy. Someone on whose behalf it ran is a person.
       on_behalf_of IS NULL AND coalesce(
           u.type IN ('AWSService', 'AWSAccount')
           OR (u.type = 'AssumedRole' AND (regexp_full_match(session, {_INSTANCE})
                                           OR u.sessionContext.ec2RoleDelivery IS NOT NULL))
           OR identity = lower({_named("u.invokedBy")}), false) AS service,
       CASE
           WHEN r.eventName = 'ConsoleLogin' THEN
               CASE WHEN r.errorMessage IS NOT NULL
                      OR r.responseElements->>'ConsoleLogin' = 'Failure'
                    THEN 'signin_failed' ELSE 'signin' END
           -- IAM Identity Center: each credential checked, then UserAuthentication once all
           -- passed, which alone is the sign-in (counting the checks too would count it twice).
           WHEN r.eventSource = 'signin.amazonaws.com' AND r.eventName IN ('CredentialVerification', 'UserAuthentication')
               THEN CASE json_extract_string(r.serviceEventDetails, '$.' || r.eventName)
                        WHEN 'Failure' THEN 'signin_failed'
                        WHEN 'Success' THEN CASE r.eventName WHEN 'UserAuthentication' THEN 'signin' ELSE 'other' END
                        ELSE 'other' END
           WHEN r.errorCode IS NOT NULL THEN 'denied'
           WHEN r.eventName IN ('GetObject', 'SelectObjectContent') THEN 'download'
           WHEN regexp_matches(r.eventName, '^(Get|List|Describe|Head|Lookup)') THEN 'read'
           WHEN starts_with(r.eventName, 'Delete') THEN 'delete'
           WHEN regexp_matches(r.eventName, '^(Put|Create|Update|Copy|Upload|Modify|Attach|Restore)')
               THEN 'write'
           ELSE 'other'
       END AS action,
       coalesce(r.eventName, '') AS operation,
       's3:' || (r.requestParameters->>'bucketName') AS resource,
       coalesce(r.requestParameters->>'key', r.requestParameters->>'Key') AS object,
       r.sourceIPAddress AS source_ip,
       1 AS records
FROM identified
"""


def _containers(shape, path: str) -> list[tuple[str, str]]:
    """(JSON path, the JSON type it must have) of every object and array in `shape`."""
    if isinstance(shape, dict):
        return [(path, "OBJECT")] + [c for name, inner in shape.items() for c in _containers(inner, f"{path}.{name}")]
    if isinstance(shape, list):
        return [(path, "ARRAY"), *_containers(shape[0], path + "[*]")]
    return []


def shapes(fmt: str) -> str:
    """The records of $files whose JSON is not of the shape the format reads: (file, record,
    problem), problem 'envelope' for a value that is not an object, else 'not_object:FIELD' or
    'not_list:FIELD' (FIELD empty: the record itself; record 0: the envelope's list). Records
    are numbered through the whole file, as `gworkspace(numbered=True)` numbers them."""
    envelope, record = ENVELOPES[fmt]
    arms = []
    for path, kind in _containers(record, "$"):
        types = f"json_type(r, '{path}')" if "[*]" in path else f"[json_type(r, '{path}')]"
        problem = f"{'not_object' if kind == 'OBJECT' else 'not_list'}:{path[2:].replace('[*]', '')}"
        arms.append(f"WHEN len(list_filter({types}, lambda t: t NOT IN ('{kind}', 'NULL'))) > 0 THEN '{problem}'")
    return f"""
WITH docs AS (
    SELECT filename AS file, json, row_number() OVER (PARTITION BY filename) AS page
    FROM read_json($files, columns={{'json': 'JSON'}}, records=false, format='auto', filename=true,
                   maximum_object_size={MAX_OBJECT_BYTES})),
lists AS (
    SELECT file, json_extract(json, '$.{envelope}[*]') AS items,
           coalesce(sum(json_array_length(json, '$.{envelope}')) OVER (PARTITION BY file ORDER BY page
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM docs WHERE json_type(json, '$.{envelope}') = 'ARRAY'),
records AS (
    SELECT file, before + unnest(generate_series(1, len(items))) AS record, unnest(items) AS r FROM lists),
problems AS (
    SELECT file, 0 AS record, 'envelope' AS problem FROM docs WHERE json_type(json) <> 'OBJECT'
    UNION ALL
    SELECT file, 0, 'not_list:{envelope}' FROM docs WHERE json_type(json, '$.{envelope}') NOT IN ('ARRAY', 'NULL')
    UNION ALL
    SELECT file, record, CASE {' '.join(arms)} END FROM records)
SELECT * FROM problems WHERE problem IS NOT NULL ORDER BY file, record LIMIT 20
"""


# The Purview export has an older (CreationDate, UserIds, Operations, AuditData) and a
# newer (RecordId, CreationDate, RecordType, Operation, UserId, AuditData, ...) column
# set; AuditData carries the same JSON in both, so the event is read from there.
_AUDIT_KEYS = ("Id", "CreationTime", "Operation", "UserId", "UserType", "ClientIP",
               "ClientIPAddress", "Workload", "ObjectId", "SiteUrl", "SourceFileName",
               "MailboxOwnerUPN", "OperationCount")
_AUDIT_PATHS = ", ".join(f"'$.{key}'" for key in _AUDIT_KEYS)
# The schema's UserType: 0 Regular, 1 Reserved, 2 Admin and 9/10 (partner technician, guest)
# are people; 3 DcAdmin (a Microsoft datacenter operator), 4 System, 5 Application,
# 6 ServicePrincipal, 7 CustomPolicy and 8 SystemPolicy are not the organisation's people.
_M365_MACHINE_TYPES = ("3", "4", "5", "6", "7", "8")
# Accounts of the services themselves, written with a person's UserType (app@sharepoint has 0).
_M365_MACHINE_IDS = "('app@sharepoint', 'sharepoint\\system')"
_M365_MACHINE_PREFIX = "'nt authority\\'"  # Windows' own accounts, e.g. Exchange's service host
_M365_OPERATIONS = {
    "read": ("FileAccessed", "FileAccessedExtended", "FilePreviewed", "MailItemsAccessed",
             "PageViewed"),
    "download": ("FileDownloaded", "FileSyncDownloadedFull", "FileSyncDownloadedPartial"),
    "signin": ("UserLoggedIn",),
    "signin_failed": ("UserLoginFailed",),
    "write": ("FileModified", "FileModifiedExtended", "FileUploaded", "FileSyncUploadedFull",
              "FileRenamed", "FileCopied", "FileMoved"),
    "delete": ("FileDeleted", "FileRecycled", "FileDeletedFirstStageRecycleBin",
               "SoftDelete", "HardDelete", "MoveToDeletedItems"),  # the last three: Exchange mail
}


def _operation_case(column: str, table: dict[str, tuple[str, ...]], otherwise: str = "'other'") -> str:
    arms = " ".join(f"WHEN {column} IN ({', '.join(repr(o) for o in names)}) THEN '{action}'"
                    for action, names in table.items())
    return f"CASE {arms} ELSE {otherwise} END"


def _read_csv(groups: int, numbered: bool) -> str:
    """The files of each header ($files0 with $columns0, ...) in one read, in parallel, with
    the columns declared: DuckDB's own sniffing could skip rows or take a record for the
    header. Record numbers, which need one file read in order, only when a problem has to be
    located."""
    record = "row_number() OVER ()" if numbered else "NULL::BIGINT"
    reads = " UNION ALL BY NAME ".join(
        f"SELECT * FROM read_csv($files{k}, columns=$columns{k}, header=true, auto_detect=false, "
        f"delim=',', quote='\"', escape='\"', max_line_size={access_input.MAX_RECORD_BYTES}, filename=true)"
        for k in range(groups))
    return f"SELECT filename AS file, {record} AS record, * EXCLUDE (filename) FROM ({reads})"


def _either(columns: set[str], *names: str) -> str:
    present = [name for name in names if name in columns]
    return f"coalesce({', '.join(present)})" if len(present) > 1 else present[0]


def _read_blobs(numbered: bool) -> str:
    """The records of the Management Activity API's content blobs ($blobs): each file a JSON
    array of them as the API serves it (or one record, or a record a line), every record
    what the export's AuditData holds. Numbered within each file, as gworkspace numbers."""
    record = "row_number() OVER (PARTITION BY filename)" if numbered else "NULL::BIGINT"
    return (f"SELECT filename AS file, {record} AS record, NULL::VARCHAR AS CreationDate, "
            f"NULL::VARCHAR AS operation_column, NULL::VARCHAR AS user_id, "
            f"json_extract_string(json, [{_AUDIT_PATHS}]) AS a "
            f"FROM read_json($blobs, columns={{'json': 'JSON'}}, records=false, format='auto', filename=true, "
            f"maximum_object_size={MAX_OBJECT_BYTES})")


def m365(columns: set[str], groups: int, numbered: bool = False, blobs: bool = False) -> str:
    """Purview's CSV exports in `groups` of one header, and with `blobs` the API's JSON."""
    reads = [_read_blobs(numbered)] if blobs else []
    if groups:
        operation = _either(columns, "Operation", "Operations")
        user = _either(columns, "UserId", "UserIds")
        reads.append(f"""SELECT file, record, CreationDate, {operation} AS operation_column, {user} AS user_id,
           CASE WHEN json_valid(AuditData) THEN json_extract_string(AuditData, [{_AUDIT_PATHS}]) END AS a
    FROM ({_read_csv(groups, numbered)})""")
    a = {key: f"a[{i + 1}]" for i, key in enumerate(_AUDIT_KEYS)}
    creation = f"coalesce({a['CreationTime']}, CreationDate)"
    op = f"coalesce({a['Operation']}, operation_column)"
    return f"""
WITH raw AS ({" UNION ALL ".join(reads)}),
identified AS (
    SELECT *, lower(coalesce({_named(a['UserId'])}, {_named('user_id')},
                             CASE WHEN {a['UserId']} IS NOT NULL THEN '' END)) AS identity
    FROM raw)
SELECT file, record,
       CASE WHEN a IS NOT NULL THEN {a['Id']} END AS event_id,
       -- CreationTime is documented as UTC and written without an offset.
       CASE WHEN {_OFFSET.format(creation)} THEN try_cast({creation} AS TIMESTAMPTZ)
            ELSE try_cast({creation} || 'Z' AS TIMESTAMPTZ) END AS happened_at,
       identity,
       coalesce({a['UserType']} IN {_M365_MACHINE_TYPES} OR identity IN {_M365_MACHINE_IDS}
                OR starts_with(identity, {_M365_MACHINE_PREFIX}), false) AS service,
       {_operation_case(op, _M365_OPERATIONS)} AS action,
       coalesce({op}, '') AS operation,
       CASE WHEN {a['Workload']} IN ('SharePoint', 'OneDrive')
                THEN 'm365:' || coalesce({a['SiteUrl']}, {a['ObjectId']})
            WHEN {a['MailboxOwnerUPN']} IS NOT NULL
                THEN 'm365:mailbox:' || lower({a['MailboxOwnerUPN']}) END AS resource,
       coalesce({a['ObjectId']}, {a['SourceFileName']}) AS object,
       coalesce({a['ClientIP']}, {a['ClientIPAddress']}) AS source_ip,
       -- MailItemsAccessed folds the items read in one session into one record.
       CASE WHEN {a['OperationCount']} IS NULL THEN 1 ELSE try_cast({a['OperationCount']} AS INTEGER) END AS records
FROM identified
"""


M365_REQUIRED = ("CreationDate", "AuditData")

_DRIVE_EVENTS = {
    "read": ("view", "preview"),
    "download": ("download", "print"),
    "write": ("edit", "create", "upload", "rename", "move", "copy"),
    "delete": ("delete", "trash"),
}
_LOGIN_EVENTS = {"signin": ("login_success",), "signin_failed": ("login_failure",)}


def _parameter(name: str) -> str:
    return f"list_filter(ev.parameters, lambda p: p.name = '{name}')[1].\"value\""


def gworkspace(numbered: bool = False) -> str:
    # Records count through the whole file, a page starting where the ones before it
    # ended: worth its cost only when a problem has to be located.
    read = _read_json(f"'kind': 'VARCHAR', 'items': '{_duck_type([_ACTIVITY])}'")
    pages = (f"""SELECT file, kind, items, coalesce(sum(len(items)) OVER (PARTITION BY file ORDER BY page
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
                 FROM (SELECT filename AS file, kind, items, row_number() OVER (PARTITION BY filename) AS page
                       FROM {read})""" if numbered else
             f"SELECT filename AS file, kind, items, NULL::BIGINT AS before FROM {read}")
    # One pass over the pages (`pages` read twice would be held whole in memory: a few monthly
    # files too much). A page of another kind is one row, record 0, which the check refuses.
    return f"""
WITH pages AS ({pages}),
items AS (
    SELECT file, listed, before,
           unnest(CASE WHEN listed THEN generate_series(1, len(items)) ELSE [0] END) AS k,
           unnest(CASE WHEN listed THEN items ELSE [NULL] END) AS it
    FROM (SELECT *, coalesce(kind = 'admin#reports#activities', false) AS listed FROM pages)),
events AS (
    SELECT file, CASE WHEN listed THEN before + k ELSE 0 END AS record, it,
           unnest(CASE WHEN listed THEN generate_series(1, len(it.events)) ELSE [0] END) AS n,
           unnest(CASE WHEN listed THEN it.events ELSE [NULL] END) AS ev
    FROM items)
SELECT file, record,
       'gws:' || it.id.applicationName || ':' || it.id."time" || ':' || it.id.uniqueQualifier
           || ':' || n AS event_id,
       {_instant('it.id."time"')} AS happened_at,
       -- Without an address (the chrome application, a deleted user), the profile is the
       -- identity; an actor that names nobody leaves the event unattributed.
       lower(coalesce({_named('it.actor.email')}, 'profile:' || {_named('it.actor.profileId')},
                      'key:' || {_named('it.actor."key"')}, CASE WHEN it.actor IS NOT NULL THEN '' END)) AS identity,
       coalesce(it.actor.callerType, 'USER') <> 'USER' AS service,  -- KEY: an API key or a robot
       CASE WHEN it.id.applicationName = 'drive' THEN {_operation_case('ev.name', _DRIVE_EVENTS)}
            WHEN it.id.applicationName IN ('login', 'saml') THEN {_operation_case('ev.name', _LOGIN_EVENTS)}
            ELSE 'other' END AS action,
       coalesce(ev.name, '') AS operation,
       CASE WHEN it.id.applicationName = 'drive'
            THEN 'gdrive:' || coalesce({_parameter('shared_drive_id')}, {_parameter('owner')}) END
           AS resource,
       {_parameter('doc_title')} AS object,
       it.ipAddress AS source_ip,
       1 AS records
FROM events
"""


CSV_REQUIRED = ("timestamp", "actor", "system", "action")
CSV_OPTIONAL = ("object", "source_ip", "records")
# The columns of the CSV formats that messages may name (any other by its number: a file
# without a header has values there), and those holding free text (tab, line breaks).
CSV_COLUMNS = {"m365": ("RecordId", "CreationDate", "RecordType", "Operation", "Operations", "UserId",
                        "UserIds", "AuditData", "AssociatedAdminUnits", "AssociatedAdminUnitsNames"),
               "csv": CSV_REQUIRED + CSV_OPTIONAL}
FREE_TEXT = {"m365": ("AuditData",), "csv": ("object",)}


def csv(columns: set[str], groups: int, numbered: bool = False) -> str:
    def optional(name: str) -> str:
        return f"nullif(trim({name}), '')" if name in columns else "NULL"

    # Named, and absent the same as empty, so a row hashes alike whatever columns its file has.
    fields = ", ".join(f"'{c}=' || nullif({c}, '')" for c in (*CSV_REQUIRED, *CSV_OPTIONAL) if c in columns)
    return f"""
WITH raw AS ({_read_csv(groups, numbered)})
SELECT file, record,
       sha256(concat_ws(chr(31), {fields})) AS event_id,
       {_instant('trim(timestamp)')} AS happened_at,
       lower(nullif(trim(actor), '')) AS identity,
       false AS service,
       CASE WHEN lower(trim(action)) IN ({', '.join(repr(a) for a in ACTIONS)})
            THEN lower(trim(action)) END AS action,
       coalesce(trim(action), '') AS operation,
       'csv:' || nullif(trim(system), '') AS resource,
       {optional('object')} AS object,
       {optional('source_ip')} AS source_ip,
       CASE WHEN {optional('records')} IS NULL THEN 1
            ELSE try_cast({optional('records')} AS INTEGER) END AS records
FROM raw
"""


def sniff(first: bytes) -> str | None:
    """Which format a file's first bytes (uncompressed) look like, or None."""
    head = first.decode("utf-8-sig", errors="replace")
    start = head.lstrip()[:1]
    if start in ("{", "["):
        if '"Records"' in head:
            return "cloudtrail"
        if "admin#reports#activit" in head:
            return "gworkspace"
        if '"CreationTime"' in head and '"RecordType"' in head:  # the audit log's common schema
            return "m365"
        return None
    header = head.splitlines()[0] if head else ""
    if "AuditData" in header:
        return "m365"
    if all(name in header for name in CSV_REQUIRED):
        return "csv"
    return None
