-- Spans in which a source's events were lost: its cursor had fallen further behind than the
-- provider keeps (Microsoft 365: 7 days), so a pull could begin no earlier than what the
-- provider still had. Findings of such a span are no evidence; the `sources` check says so.
CREATE TABLE source_gaps (
    source      VARCHAR NOT NULL,
    stream      VARCHAR NOT NULL,
    missed_from TIMESTAMPTZ NOT NULL,   -- where the cursor stood
    missed_to   TIMESTAMPTZ NOT NULL,   -- the oldest the provider still listed
    noticed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, stream, missed_from)
);
