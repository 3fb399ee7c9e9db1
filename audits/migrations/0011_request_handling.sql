-- Handling a data-subject request: the systems searched for the person, the per-system
-- tasks of an erasure (Art. 17), and the person behind an opt-out or objection, whose
-- withdrawal is written into the consent register (Art. 7(3), 21(3)).
ALTER TABLE requests ADD COLUMN person VARCHAR;   -- pseudonym of the requester's e-mail address, if given

CREATE TABLE request_systems (
    request_id  INTEGER NOT NULL,
    system      VARCHAR NOT NULL,
    searched_at TIMESTAMPTZ NOT NULL,
    searched_by VARCHAR NOT NULL,
    PRIMARY KEY (request_id, system)
);

-- Fixed when an erasure request is logged: each system that holds personal data, with the
-- activities that name it (why it may hold the person's data).
CREATE TABLE erasure_tasks (
    request_id INTEGER NOT NULL,
    system     VARCHAR NOT NULL,
    activities VARCHAR[] NOT NULL,
    outcome    VARCHAR,                 -- erased | kept | nothing_found, once done
    note       VARCHAR,                 -- encrypted: the ground for keeping (Art. 17(3)), or how it was done
    done_at    TIMESTAMPTZ,
    done_by    VARCHAR,
    PRIMARY KEY (request_id, system)
);

-- Reminder mails sent to the advisers as a request's due date nears, once per threshold
-- (days before the due date in force; negative = overdue) and per due date (an extension
-- starts the thresholds anew).
CREATE TABLE request_reminders (
    request_id INTEGER NOT NULL,
    due_on     DATE NOT NULL,
    days       INTEGER NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (request_id, due_on, days)
);

-- A withdrawal from a request covers every marketing purpose (purpose '*') and has no
-- consent of its own: it ends each consent the person gave before it.
ALTER TABLE consents ALTER COLUMN given_at DROP NOT NULL;
