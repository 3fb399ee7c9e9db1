-- Audit reports: a dated snapshot of the whole compliance state, the PDF made from it, and
-- their SHA-256s. Rows are only ever inserted (no code updates or deletes one); each is
-- recorded in the hash-chained trail (action audit.run) with both hashes, so an edited
-- report or snapshot disagrees with the trail, and an edited trail fails `vern trail verify`.
CREATE SEQUENCE audit_report_ids START 1;

CREATE TABLE audit_reports (
    id              INTEGER PRIMARY KEY DEFAULT nextval('audit_report_ids'),
    created_at      TIMESTAMPTZ NOT NULL,
    actor           VARCHAR NOT NULL,
    language        VARCHAR NOT NULL,        -- nb | en: the language of the PDF
    period_from     DATE NOT NULL,           -- Oslo dates: breaches noticed in the period
    period_to       DATE NOT NULL,
    trail_head_seq  BIGINT NOT NULL,         -- the trail head the snapshot saw
    trail_head_hash VARCHAR NOT NULL,
    trail_seq       BIGINT NOT NULL,         -- the audit.run entry that records this report
    snapshot        VARCHAR NOT NULL,        -- canonical JSON, hashed exactly as stored
    snapshot_sha256 VARCHAR NOT NULL,
    report_sha256   VARCHAR NOT NULL UNIQUE, -- of the PDF bytes as stored and handed out
    pdf             BLOB NOT NULL
);
