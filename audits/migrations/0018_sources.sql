-- Evidence pulled by Vern itself (audits.sources): where each source's stream has read to,
-- advanced in the transaction that stores the events it covered; and every pull, so the
-- pages and the `sources` check can say when a source last delivered or why it failed.
CREATE TABLE source_cursors (
    source      VARCHAR NOT NULL,      -- the name in [sources.<name>]
    stream      VARCHAR NOT NULL,      -- one per feed of a source ("statements", "Audit.Exchange" …)
    position    VARCHAR NOT NULL,      -- the provider's own position: an instant, a key, a token
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, stream)
);
CREATE SEQUENCE source_pull_id;
CREATE TABLE source_pulls (
    id           BIGINT PRIMARY KEY DEFAULT nextval('source_pull_id'),
    source       VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    actor        VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
    events_read  BIGINT NOT NULL DEFAULT 0,
    events_new   BIGINT NOT NULL DEFAULT 0,
    problem      VARCHAR               -- the provider's own answer when it refused, or what failed
);
