-- Training completions from the LMS (CSV) or a learning record store (xAPI), by the same
-- pseudonym as the people directory and the access logs. A completion is valid from
-- completed_on through expires_on (the LMS's, or completed_on + the configured validity).
CREATE TABLE training_completions (
    source       VARCHAR NOT NULL,     -- csv | xapi
    record_id    VARCHAR NOT NULL,     -- the statement id, or a hash of the CSV row
    person       VARCHAR NOT NULL,     -- pseudonym
    course       VARCHAR NOT NULL,
    completed_on DATE NOT NULL,        -- Oslo date
    expires_on   DATE,                 -- from the LMS; NULL: by the configured validity
    score        DOUBLE,
    file         VARCHAR NOT NULL,
    imported_at  TIMESTAMPTZ NOT NULL
);

-- Coverage at each run of the training check, for the trend (no person in it).
CREATE TABLE training_coverage (
    run_at    TIMESTAMPTZ NOT NULL,
    kind      VARCHAR NOT NULL,
    district  VARCHAR NOT NULL,        -- '' without one
    required  INTEGER NOT NULL,        -- people who need training
    covered   INTEGER NOT NULL         -- of them, holding every required course, valid today
);
