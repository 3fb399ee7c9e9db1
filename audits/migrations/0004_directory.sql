-- Who is who (the people directory), which systems hold personal data, and who is meant
-- to have access to which (need to know). People are known by pseudonym; their names and
-- addresses are encrypted, and the identity behind a pseudonym lives in `identities`.
CREATE TABLE people (
    person                VARCHAR PRIMARY KEY,   -- pseudonym of the email address
    name                  VARCHAR NOT NULL,      -- encrypted
    email                 VARCHAR NOT NULL,      -- encrypted
    kind                  VARCHAR NOT NULL,      -- employee | volunteer | board | contractor
    handles_personal_data BOOLEAN NOT NULL,
    started_on            DATE NOT NULL,
    left_on               DATE,
    district              VARCHAR
);

CREATE TABLE systems (
    name                VARCHAR PRIMARY KEY,
    holds_personal_data BOOLEAN NOT NULL,
    classification      VARCHAR NOT NULL,        -- open | internal | confidential | strictly_confidential
    match               VARCHAR[] NOT NULL       -- s3:BUCKET, m365:SITE-URL-PREFIX, gdrive:OWNER-OR-SHARED-DRIVE
);

CREATE TABLE grants (
    person      VARCHAR NOT NULL,                -- pseudonym
    system      VARCHAR NOT NULL,
    granted_on  DATE NOT NULL,
    revoked_on  DATE
);
