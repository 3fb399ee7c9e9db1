-- The breach register (GDPR Art. 33-34): every breach, notified or not (Art. 33(5)).
-- Free text is encrypted (enc1:…); counts, dates and choices are kept clear for aggregates.
CREATE SEQUENCE breach_id;
CREATE TABLE breaches (
    id                 INTEGER PRIMARY KEY DEFAULT nextval('breach_id'),
    title              VARCHAR NOT NULL,     -- encrypted
    description        VARCHAR,              -- encrypted
    aware_at           TIMESTAMPTZ NOT NULL, -- starts the clock (Art. 33(1))
    occurred_at        TIMESTAMPTZ,
    deadline_at        TIMESTAMPTZ NOT NULL,
    reported_by        VARCHAR,              -- encrypted: the name as given
    reporter           VARCHAR NOT NULL,     -- the account that logged it (staff follow their own)
    acting_as          VARCHAR NOT NULL,     -- controller | processor
    controller_name    VARCHAR,              -- the district chapter when acting as processor
    data_categories    VARCHAR[] NOT NULL,
    special_categories BOOLEAN NOT NULL,
    subjects_count     BIGINT,
    records_count      BIGINT,
    breach_types       VARCHAR[] NOT NULL,
    processor          VARCHAR,
    consequences       VARCHAR,              -- encrypted
    measures           VARCHAR,              -- encrypted
    finding            VARCHAR,              -- the finding it was created from
    status             VARCHAR NOT NULL,     -- open | assessed | notified | closed
    created_at         TIMESTAMPTZ NOT NULL,
    closed_at          TIMESTAMPTZ,
    summary            VARCHAR               -- encrypted: lessons learned
);

CREATE SEQUENCE breach_assessment_id;
CREATE TABLE breach_assessments (
    id                   INTEGER PRIMARY KEY DEFAULT nextval('breach_assessment_id'),
    breach_id            INTEGER NOT NULL,
    happened_at TIMESTAMPTZ NOT NULL,
    actor                VARCHAR NOT NULL,
    dpc                  DECIMAL(6, 3) NOT NULL,
    data_type            VARCHAR,
    adjustment           DECIMAL(6, 3),
    ei                   DECIMAL(6, 3) NOT NULL,
    cb_confidentiality   DECIMAL(6, 3) NOT NULL,
    cb_integrity         DECIMAL(6, 3) NOT NULL,
    cb_availability      DECIMAL(6, 3) NOT NULL,
    malicious            BOOLEAN NOT NULL,
    data_unintelligible  BOOLEAN NOT NULL,
    score                DECIMAL(6, 3) NOT NULL,
    level                VARCHAR NOT NULL,
    propose_authority    BOOLEAN NOT NULL,
    propose_subjects     BOOLEAN NOT NULL
);

CREATE SEQUENCE breach_decision_id;
CREATE TABLE breach_decisions (
    id                INTEGER PRIMARY KEY DEFAULT nextval('breach_decision_id'),
    breach_id         INTEGER NOT NULL,
    happened_at TIMESTAMPTZ NOT NULL,
    actor             VARCHAR NOT NULL,
    notify_authority  BOOLEAN NOT NULL,
    notify_subjects   BOOLEAN NOT NULL,
    overrides         BOOLEAN NOT NULL,
    reason            VARCHAR              -- encrypted; required when overriding the proposal
);

CREATE SEQUENCE breach_notification_id;
CREATE TABLE breach_notifications (
    id            INTEGER PRIMARY KEY DEFAULT nextval('breach_notification_id'),
    breach_id     INTEGER NOT NULL,
    recipient     VARCHAR NOT NULL,        -- authority | controller | subjects
    happened_at TIMESTAMPTZ NOT NULL,
    reference     VARCHAR NOT NULL,
    phase         INTEGER NOT NULL,        -- 1 the first report, then additions (Art. 33(4))
    late          BOOLEAN NOT NULL,
    delay_reason  VARCHAR,                 -- encrypted; required when late
    actor         VARCHAR NOT NULL,
    recorded_at   TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE breach_event_id;
CREATE TABLE breach_events (
    id         INTEGER PRIMARY KEY DEFAULT nextval('breach_event_id'),
    breach_id  INTEGER NOT NULL,
    happened_at TIMESTAMPTZ NOT NULL,
    actor      VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,           -- logged | added | assessed | decided | notified | closed | reminded
    detail     VARCHAR                     -- encrypted
);

-- Reminder mails: one row per breach and threshold, written when the mail was accepted.
CREATE TABLE breach_reminders (
    breach_id  INTEGER NOT NULL,
    hours      INTEGER NOT NULL,           -- 48, 24, 6, 0 hours before the deadline
    sent_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (breach_id, hours)
);
