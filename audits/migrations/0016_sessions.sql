-- Signed-in sessions kept on the server (audits.accounts.sessions), so a reload does not sign
-- anyone out. The browser's cookie holds only a random id; this table keeps its SHA-256, so
-- whoever reads the database file cannot sign in with what they read. A session ends at
-- `expires_at` (the idle limit after it was last used) or on sign-out, when its row goes.
CREATE TABLE sessions (
    id_hash     VARCHAR PRIMARY KEY,
    username    VARCHAR NOT NULL,
    roles       VARCHAR[] NOT NULL,
    method      VARCHAR NOT NULL,       -- password, oidc
    created_at  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

-- A form being written (a breach report, a data-subject request), kept for its author until
-- it is saved or discarded (audits.accounts.drafts). The content is encrypted (declared in
-- audits/core/encrypted_columns.py): it is what the person typed.
CREATE TABLE drafts (
    author    VARCHAR NOT NULL,
    form      VARCHAR NOT NULL,         -- breach, request
    content   VARCHAR NOT NULL,
    saved_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (author, form)
);
