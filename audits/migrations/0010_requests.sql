-- Data-subject requests (GDPR Art. 12-22) and their legal clock (Art. 12(3)).
CREATE SEQUENCE request_ids START 1;

CREATE TABLE requests (
    id               INTEGER PRIMARY KEY DEFAULT nextval('request_ids'),
    received_at      TIMESTAMPTZ NOT NULL,       -- starts the clock
    channel          VARCHAR NOT NULL,           -- e-post, brev, telefon, skjema …
    kind             VARCHAR NOT NULL,           -- access | rectification | erasure | …
    requester        VARCHAR NOT NULL,           -- encrypted
    status           VARCHAR NOT NULL,           -- received | in_progress | answered | refused
    due_on           DATE NOT NULL,              -- one month from the Oslo day of receipt (Reg. 1182/71)
    extended_due_on  DATE,                       -- three months from it, once extended
    verified_at      TIMESTAMPTZ,                -- identity verified (when, how)
    verified_how     VARCHAR,                    -- encrypted
    extended_at      TIMESTAMPTZ,                -- extended by two further months (why, when told)
    extension_reason VARCHAR,                    -- encrypted
    told_on          DATE,                       -- the person told of the extension
    answered_at      TIMESTAMPTZ,
    refusal_ground   VARCHAR,                    -- encrypted
    logged_by        VARCHAR NOT NULL,
    logged_at        TIMESTAMPTZ NOT NULL
);
