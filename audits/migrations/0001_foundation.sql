-- The processor register (Art. 28 agreements, Chapter V transfers).
CREATE TABLE processors (
    name               VARCHAR NOT NULL,
    service            VARCHAR NOT NULL DEFAULT '',
    countries          VARCHAR[] NOT NULL,
    transfer_mechanism VARCHAR NOT NULL,
    dpf_certified      BOOLEAN,
    dpa_signed_on      DATE,
    dpa_expires_on     DATE,
    last_reviewed_on   DATE,
    source             VARCHAR NOT NULL,
    imported_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (name, service)
);

CREATE SEQUENCE check_run_id;
CREATE TABLE check_runs (
    id            BIGINT PRIMARY KEY DEFAULT nextval('check_run_id'),
    check_id      VARCHAR NOT NULL,
    trigger       VARCHAR NOT NULL,          -- schedule | manual | cli
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,          -- running | succeeded | failed
    evidence_rows BIGINT,
    findings      INTEGER,
    error         VARCHAR
);

CREATE TABLE findings (
    fingerprint    VARCHAR PRIMARY KEY,      -- sha256(check, rule, subject)
    check_id       VARCHAR NOT NULL,
    rule           VARCHAR NOT NULL,
    subject        VARCHAR NOT NULL,
    severity       VARCHAR NOT NULL,
    message_en     VARCHAR NOT NULL,
    message_nb     VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,         -- open | acknowledged | resolved | risk_accepted | closed
    first_seen     TIMESTAMPTZ NOT NULL,
    last_seen      TIMESTAMPTZ NOT NULL,
    closed_at      TIMESTAMPTZ,
    reopened_count INTEGER NOT NULL DEFAULT 0,
    status_reason  VARCHAR,
    status_by      VARCHAR,
    status_at      TIMESTAMPTZ,
    review_on      DATE,
    last_run_id    BIGINT
);

CREATE SEQUENCE finding_event_id;
CREATE TABLE finding_events (
    id          BIGINT PRIMARY KEY DEFAULT nextval('finding_event_id'),
    fingerprint VARCHAR NOT NULL,
    happened_at TIMESTAMPTZ NOT NULL,
    actor       VARCHAR NOT NULL,            -- a user, or 'vern' for the lifecycle
    from_status VARCHAR,
    to_status   VARCHAR NOT NULL,
    reason      VARCHAR
);

CREATE TABLE settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
