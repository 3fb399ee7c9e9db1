-- Labels: the text behind keyed references in columns that checks group by
-- (people.district, training_coverage.district, access_events.object), encrypted.
CREATE TABLE labels (
    ref  VARCHAR PRIMARY KEY,   -- l-<HMAC>: the same text, the same reference
    kind VARCHAR NOT NULL,      -- district | object
    text VARCHAR NOT NULL       -- encrypted
);
