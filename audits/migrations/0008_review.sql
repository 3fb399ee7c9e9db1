-- The adviser's review queue. Findings keep their own lifecycle (findings, finding_events);
-- this holds what the queue adds: decisions on items that are no finding (a breach near its
-- deadline, an agreement about to expire), assignments of any item, and the weekly reviews.
CREATE SEQUENCE review_decision_ids START 1;

CREATE TABLE review_decisions (
    id        BIGINT PRIMARY KEY DEFAULT nextval('review_decision_ids'),
    item      VARCHAR NOT NULL,          -- kind:key, e.g. finding:<fingerprint>, agreement:<subject>:<date>
    kind      VARCHAR NOT NULL,          -- finding | breach | agreement
    action    VARCHAR NOT NULL,          -- acknowledged | assigned | resolved | risk_accepted | open
    actor     VARCHAR NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    note      VARCHAR,                   -- encrypted: what was done, or why the risk is accepted
    assignee  VARCHAR,                   -- a user name
    due_on    DATE,                      -- of an assignment
    review_on DATE                       -- of an accepted risk
);

-- A weekly review held: "this week" is what changed since the one before.
CREATE TABLE review_sessions (
    held_at TIMESTAMPTZ NOT NULL,
    actor VARCHAR NOT NULL
);
