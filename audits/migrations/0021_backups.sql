-- Every backup Vern took or tried, and every verification of one (audits.backups): what the
-- `backups` check, the overview, the admin's page and the board read. File names only,
-- never a folder; why one failed as {"nb": …, "en": …}.
CREATE SEQUENCE backup_event_id;
CREATE TABLE backup_events (
    id           BIGINT PRIMARY KEY DEFAULT nextval('backup_event_id'),
    action       VARCHAR NOT NULL CHECK (action IN ('create', 'verify')),
    trigger      VARCHAR NOT NULL CHECK (trigger IN ('schedule', 'button', 'cli')),
    actor        VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    ok           BOOLEAN NOT NULL,
    file         VARCHAR,              -- vern-<UTC instant>.vernbackup
    bytes        BIGINT,
    sha256       VARCHAR,
    problem      VARCHAR,              -- why it failed; NULL when it held
    copy_problem VARCHAR               -- a backup made, but its copy to S3 failed
);
