-- Access events from the vendors' own logs, normalised. The actor is a pseudonym; the
-- Oslo day and hour are fixed at import (from the tz database) so the rules never
-- convert ten million instants. Raw events are purged after `retention_months`,
-- leaving only the daily counts in access_daily (no actor).
CREATE TABLE access_events (
    source      VARCHAR NOT NULL,     -- cloudtrail | m365 | gworkspace | csv
    event_id    VARCHAR NOT NULL,     -- the vendor's id, or a content hash (csv)
    happened_at TIMESTAMPTZ NOT NULL,
    oslo_day    DATE NOT NULL,
    oslo_hour   UTINYINT NOT NULL,
    actor       VARCHAR NOT NULL,     -- pseudonym
    service     BOOLEAN NOT NULL,     -- a machine identity (AWS service, API key), not a person
    action      VARCHAR NOT NULL,     -- signin | signin_failed | read | download | export | write | delete | denied | other
    operation   VARCHAR NOT NULL,     -- the vendor's name for it (GetObject, FileDownloaded, ...)
    resource    VARCHAR,              -- s3:BUCKET, m365:URL, gdrive:OWNER-OR-DRIVE, csv:SYSTEM
    object      VARCHAR,
    source_ip   VARCHAR,
    records     INTEGER NOT NULL,
    file        VARCHAR NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);

-- Which system each resource seen in the logs belongs to (NULL: unmapped), rebuilt
-- whenever the system list changes.
CREATE TABLE access_resources (
    resource VARCHAR PRIMARY KEY,
    system   VARCHAR
);

CREATE TABLE access_daily (
    day     DATE NOT NULL,
    source  VARCHAR NOT NULL,
    system  VARCHAR,
    action  VARCHAR NOT NULL,
    events  BIGINT NOT NULL,
    records BIGINT NOT NULL
);

-- What a finding was computed from (actor pseudonym, system, window, count): the
-- drill-down and the charts read it instead of parsing messages.
ALTER TABLE findings ADD COLUMN details JSON;
