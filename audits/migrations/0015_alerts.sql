-- Alerts waiting to go out, and what became of them (audits.alerts.outbox): one row per
-- event and channel. `data` holds numbers, instants and names of organisations only,
-- never a title, a description or anything about a person; `channel` is "mail" or a chat
-- channel's kind and a hash of its URL (the URL itself is a secret and is not stored).
CREATE SEQUENCE alert_id;
CREATE TABLE alerts (
    id          BIGINT PRIMARY KEY DEFAULT nextval('alert_id'),
    created_at  TIMESTAMPTZ NOT NULL,
    event       VARCHAR NOT NULL,      -- breach_logged, breach_reminder, request_reminder, check_failed, digest, test
    data        JSON NOT NULL,
    channel     VARCHAR NOT NULL,
    status      VARCHAR NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TIMESTAMPTZ NOT NULL,  -- when to try (again)
    sent_at     TIMESTAMPTZ,
    problem     VARCHAR                -- why the last try failed: a kind, never a message's content
);
