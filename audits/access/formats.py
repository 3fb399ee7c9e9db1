"""The vendors' access-log formats, each read by DuckDB straight from the files and
normalised by one SQL query into the same columns:

    file, record, event_id, happened_at, identity, service, action,
    operation, resource, object, source_ip, records

`record` counts from 1 within a file (0 marks a file without the format's envelope);
CSV exports and Reports API pages are read without it (NULL) and numbered only to name
a bad record, since numbering needs each file read in order;
`happened_at` is NULL where the time is missing or has no UTC offset; `checked` adds
`flaw`, naming a kept value that is too long or holds a control character. Nothing here
is Python per event: a million events stream through DuckDB without passing through pandas.
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
                   "AuditData.SiteUrl", "AuditData.ObjectId", "AuditData.ClientIP"),
    "gworkspace": Fields("id.uniqueQualifier", "id.time", "actor.email", "events.name",
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


_TRAIL = ("STRUCT(eventID VARCHAR, eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, "
          "userIdentity STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, "
          "userName VARCHAR, invokedBy VARCHAR), sourceIPAddress VARCHAR, "
          "requestParameters STRUCT(bucketName VARCHAR, \"key\" VARCHAR), responseElements JSON, "
          "errorCode VARCHAR, errorMessage VARCHAR)[]")

CLOUDTRAIL = f"""
WITH files AS (SELECT filename AS file, Records FROM {_read_json(f"'Records': '{_TRAIL}'", "true")}),
raw AS (
    SELECT file,
           unnest(coalesce(generate_series(1, len(Records)), [0])) AS record,
           unnest(coalesce(Records, [NULL])) AS r
    FROM files)
SELECT file, record, r.eventID AS event_id,
       {_instant("r.eventTime")} AS happened_at,
       lower(coalesce(
           CASE r.userIdentity.type
               WHEN 'AssumedRole' THEN nullif(split_part(r.userIdentity.principalId, ':', 2), '')
               WHEN 'AWSService' THEN r.userIdentity.invokedBy
               WHEN 'Root' THEN 'root:' || r.userIdentity.accountId
           END,
           r.userIdentity.userName, r.userIdentity.arn, r.userIdentity.principalId)) AS identity,
       coalesce(r.userIdentity.type IN ('AWSService', 'AWSAccount'), false) AS service,
       CASE
           WHEN r.eventName = 'ConsoleLogin' THEN
               CASE WHEN r.errorMessage IS NOT NULL
                      OR r.responseElements->>'ConsoleLogin' = 'Failure'
                    THEN 'signin_failed' ELSE 'signin' END
           WHEN r.errorCode IS NOT NULL THEN 'denied'
           WHEN r.eventName IN ('GetObject', 'SelectObjectContent') THEN 'download'
           WHEN regexp_matches(r.eventName, '^(Get|List|Describe|Head|Lookup)') THEN 'read'
           WHEN starts_with(r.eventName, 'Delete') THEN 'delete'
           WHEN regexp_matches(r.eventName, '^(Put|Create|Update|Copy|Upload|Modify|Attach|Restore)')
               THEN 'write'
           ELSE 'other'
       END AS action,
       coalesce(r.eventName, '') AS operation,
       's3:' || r.requestParameters.bucketName AS resource,
       r.requestParameters."key" AS object,
       r.sourceIPAddress AS source_ip,
       1 AS records
FROM raw
"""

# The Purview export has an older (CreationDate, UserIds, Operations, AuditData) and a
# newer (RecordId, CreationDate, RecordType, Operation, UserId, AuditData, ...) column
# set; AuditData carries the same JSON in both, so the event is read from there.
_AUDIT_KEYS = ("Id", "CreationTime", "Operation", "UserId", "UserType", "ClientIP",
               "ClientIPAddress", "Workload", "ObjectId", "SiteUrl", "SourceFileName",
               "MailboxOwnerUPN")
_M365_OPERATIONS = {
    "read": ("FileAccessed", "FileAccessedExtended", "FilePreviewed", "MailItemsAccessed",
             "PageViewed"),
    "download": ("FileDownloaded", "FileSyncDownloadedFull", "FileSyncDownloadedPartial"),
    "signin": ("UserLoggedIn",),
    "signin_failed": ("UserLoginFailed",),
    "write": ("FileModified", "FileModifiedExtended", "FileUploaded", "FileSyncUploadedFull",
              "FileRenamed", "FileCopied", "FileMoved"),
    "delete": ("FileDeleted", "FileRecycled", "FileDeletedFirstStageRecycleBin"),
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


def m365(columns: set[str], groups: int, numbered: bool = False) -> str:
    operation = _either(columns, "Operation", "Operations")
    user = _either(columns, "UserId", "UserIds")
    paths = ", ".join(f"'$.{key}'" for key in _AUDIT_KEYS)
    a = {key: f"a[{i + 1}]" for i, key in enumerate(_AUDIT_KEYS)}
    creation = f"coalesce({a['CreationTime']}, CreationDate)"
    op = f"coalesce({a['Operation']}, operation_column)"
    return f"""
WITH raw AS (
    SELECT file, record, CreationDate, {operation} AS operation_column, {user} AS user_id,
           CASE WHEN json_valid(AuditData) THEN json_extract_string(AuditData, [{paths}]) END AS a
    FROM ({_read_csv(groups, numbered)}))
SELECT file, record,
       CASE WHEN a IS NOT NULL THEN {a['Id']} END AS event_id,
       -- CreationTime is documented as UTC and written without an offset.
       CASE WHEN {_OFFSET.format(creation)} THEN try_cast({creation} AS TIMESTAMPTZ)
            ELSE try_cast({creation} || 'Z' AS TIMESTAMPTZ) END AS happened_at,
       lower(coalesce({a['UserId']}, user_id)) AS identity,
       coalesce({a['UserType']} IN ('4', '5', '6', '8'), false) AS service,
       {_operation_case(op, _M365_OPERATIONS)} AS action,
       coalesce({op}, '') AS operation,
       CASE WHEN {a['Workload']} IN ('SharePoint', 'OneDrive')
                THEN 'm365:' || coalesce({a['SiteUrl']}, {a['ObjectId']})
            WHEN {a['MailboxOwnerUPN']} IS NOT NULL
                THEN 'm365:mailbox:' || lower({a['MailboxOwnerUPN']}) END AS resource,
       coalesce({a['ObjectId']}, {a['SourceFileName']}) AS object,
       coalesce({a['ClientIP']}, {a['ClientIPAddress']}) AS source_ip,
       1 AS records
FROM raw
"""


M365_REQUIRED = ("CreationDate", "AuditData")

_ITEMS = ("STRUCT(id STRUCT(\"time\" VARCHAR, uniqueQualifier VARCHAR, applicationName VARCHAR), "
          "actor STRUCT(email VARCHAR, callerType VARCHAR, \"key\" VARCHAR), ipAddress VARCHAR, "
          "events STRUCT(type VARCHAR, name VARCHAR, parameters STRUCT(name VARCHAR, "
          "\"value\" VARCHAR)[])[])[]")
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
    read = _read_json(f"'kind': 'VARCHAR', 'items': '{_ITEMS}'")
    pages = (f"""SELECT file, kind, items, coalesce(sum(len(items)) OVER (PARTITION BY file ORDER BY page
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
                 FROM (SELECT filename AS file, kind, items, row_number() OVER (PARTITION BY filename) AS page
                       FROM {read})""" if numbered else
             f"SELECT filename AS file, kind, items, NULL::BIGINT AS before FROM {read}")
    return f"""
WITH pages AS ({pages}),
items AS (
    SELECT file, before + unnest(generate_series(1, len(items))) AS record, unnest(items) AS it
    FROM pages WHERE kind = 'admin#reports#activities'),
events AS (
    SELECT file, record, it, unnest(generate_series(1, len(it.events))) AS n, unnest(it.events) AS ev
    FROM items)
SELECT file, record,
       'gws:' || it.id.applicationName || ':' || it.id."time" || ':' || it.id.uniqueQualifier
           || ':' || n AS event_id,
       {_instant('it.id."time"')} AS happened_at,
       lower(coalesce(it.actor.email, 'key:' || it.actor."key")) AS identity,
       coalesce(it.actor.callerType = 'KEY', false) AS service,
       CASE it.id.applicationName
           WHEN 'drive' THEN {_operation_case('ev.name', _DRIVE_EVENTS)}
           WHEN 'login' THEN {_operation_case('ev.name', _LOGIN_EVENTS)}
           ELSE 'other' END AS action,
       coalesce(ev.name, '') AS operation,
       CASE WHEN it.id.applicationName = 'drive'
            THEN 'gdrive:' || coalesce({_parameter('shared_drive_id')}, {_parameter('owner')}) END
           AS resource,
       {_parameter('doc_title')} AS object,
       it.ipAddress AS source_ip,
       1 AS records
FROM events
UNION ALL
SELECT file, 0, NULL, NULL, NULL, false, NULL, '', NULL, NULL, NULL, 1
FROM pages WHERE kind IS DISTINCT FROM 'admin#reports#activities'
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
        return None
    header = head.splitlines()[0] if head else ""
    if "AuditData" in header:
        return "m365"
    if all(name in header for name in CSV_REQUIRED):
        return "csv"
    return None
