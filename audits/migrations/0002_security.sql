-- Sign-in accounts. Passwords as Argon2id hashes; roles: staff, adviser, board, admin.
CREATE TABLE users (
    username        VARCHAR PRIMARY KEY,
    password_hash   VARCHAR,                 -- NULL for accounts that sign in through OIDC only
    roles           VARCHAR[] NOT NULL,
    disabled        BOOLEAN NOT NULL DEFAULT false,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    last_sign_in    TIMESTAMPTZ
);

-- The audit trail: append-only, each entry chained to the one before by SHA-256.
CREATE TABLE trail (
    seq       BIGINT PRIMARY KEY,
    at_utc    VARCHAR NOT NULL,              -- ISO 8601 with Z: hashed exactly as stored
    actor     VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,
    object    VARCHAR NOT NULL,
    details   VARCHAR NOT NULL,              -- canonical JSON, never personal data in clear
    prev_hash VARCHAR NOT NULL,
    hash      VARCHAR NOT NULL
);

-- Pseudonym -> identity, the identity encrypted: re-identification is a recorded act.
CREATE TABLE identities (
    pseudonym VARCHAR PRIMARY KEY,
    identity  VARCHAR NOT NULL
);

-- Why a pseudonym was re-identified (encrypted): the trail entry says who, when and which.
CREATE TABLE reidentifications (
    trail_seq BIGINT PRIMARY KEY,
    reason    VARCHAR NOT NULL
);
