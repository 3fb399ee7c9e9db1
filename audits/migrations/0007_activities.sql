-- The record of processing activities (GDPR Art. 30) with its risk assessment, the
-- inventories of stored records that the retention rules are judged against, and the
-- consent register with the marketing sends judged against it.
CREATE SEQUENCE activity_ids START 1;

CREATE TABLE activities (
    id                 INTEGER PRIMARY KEY DEFAULT nextval('activity_ids'),
    name               VARCHAR NOT NULL UNIQUE,
    role               VARCHAR NOT NULL,           -- controller | processor
    controller_name    VARCHAR,                    -- the district chapter, when role = processor
    purpose            VARCHAR,
    legal_basis        VARCHAR,                    -- Art. 6(1) letter a-f
    special_categories VARCHAR[] NOT NULL,
    art9_condition     VARCHAR,                    -- Art. 9(2) letter a-j
    data_subjects      VARCHAR[] NOT NULL,
    data_categories    VARCHAR[] NOT NULL,
    children           BOOLEAN NOT NULL,
    recipients         VARCHAR[] NOT NULL,
    processors         VARCHAR[] NOT NULL,         -- names in the processor register
    retention_months   INTEGER,
    retention_from     VARCHAR,                    -- last_activity | purpose_ended
    record_categories  VARCHAR[] NOT NULL,         -- inventory categories this retention rule governs
    statistics_exempt  BOOLEAN NOT NULL,           -- pseudonymised statistics may be kept
    security_measures  VARCHAR[] NOT NULL,
    classification     VARCHAR,                    -- open | internal | confidential | strictly_confidential
    systems            VARCHAR[] NOT NULL,         -- names in the system list
    dpia_criteria      VARCHAR[] NOT NULL,         -- WP248 criterion ids
    dpia_status        VARCHAR NOT NULL,           -- not_started | in_progress | completed
    owner              VARCHAR,                    -- who answers for the risk (a role or a name)
    review_on          DATE,                       -- next risk review
    likelihood_set     INTEGER,                    -- the adviser's adjustment of the computed
    severity_set       INTEGER,                    --   inherent risk (1-4), with a reason
    adjust_reason      VARCHAR,
    updated_at         TIMESTAMPTZ NOT NULL,
    updated_by         VARCHAR NOT NULL
);

-- What each system holds, as of its last inventory (a CRM export): replaced per system.
CREATE TABLE inventory (
    system           VARCHAR NOT NULL,
    record_ref       VARCHAR NOT NULL,             -- pseudonym of the system's own reference
    category         VARCHAR NOT NULL,
    last_activity_on DATE NOT NULL,
    purpose_ended_on DATE,
    pseudonymised    BOOLEAN NOT NULL,             -- kept only as pseudonymised statistics
    PRIMARY KEY (system, record_ref)
);

CREATE TABLE inventory_imports (
    system      VARCHAR PRIMARY KEY,
    file        VARCHAR NOT NULL,
    records     INTEGER NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);

-- Deletions the adviser records; the next inventory of the system confirms them.
CREATE SEQUENCE deletion_ids START 1;

CREATE TABLE deletions (
    id           INTEGER PRIMARY KEY DEFAULT nextval('deletion_ids'),
    system       VARCHAR NOT NULL,
    category     VARCHAR NOT NULL,
    deleted_on   DATE NOT NULL,
    count        INTEGER NOT NULL,
    evidence     VARCHAR NOT NULL,
    recorded_by  VARCHAR NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL,
    checked_at   TIMESTAMPTZ,                      -- the inventory that judged it
    remaining    INTEGER                           -- records due by deleted_on still there (0 = confirmed)
);

-- Consents by pseudonym of the email address; imports replace the imported rows only.
CREATE TABLE consents (
    person       VARCHAR NOT NULL,
    purpose      VARCHAR NOT NULL,
    given_at     TIMESTAMPTZ NOT NULL,
    withdrawn_at TIMESTAMPTZ,
    source       VARCHAR NOT NULL,
    origin       VARCHAR NOT NULL                  -- import | request (a data-subject request)
);

CREATE TABLE campaign_sends (
    person      VARCHAR NOT NULL,
    campaign    VARCHAR NOT NULL,
    purpose     VARCHAR NOT NULL,
    sent_at     TIMESTAMPTZ NOT NULL,
    file        VARCHAR NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person, campaign, sent_at)
);
