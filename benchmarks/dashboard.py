"""Dashboard benchmark (issue 8): five years of a large organisation, and how fast the
overview, the review queue and the board summary render, and the board PDF is made.

    .venv/bin/python benchmarks/dashboard.py [--scale 1.0] [--workdir DIR] [--reuse] [--runs 5]
                                             [--no-profile]

1. Fill (not timed against a target): a Vern database built with DuckDB SQL straight into
   Vern's schema (opened once with audits.runtime.open_vern, so migrations run and the keys
   exist; written through Store.transaction). At --scale 1: 200,000 findings of every
   installed rule with their status history (finding_events), daily check runs over five
   years, 10,000 breaches with assessments, decisions, notifications and timelines (free
   text encrypted as Vern encrypts it), 10,000 data-subject requests, 10 million access
   events (13 months, the default retention), 3,000 people, 200 processors, 100 activities, 100,000 inventory records,
   training coverage snapshots and review decisions. Fixed seeds and hash expressions: the
   same scale gives the same records (only the fresh keys, so pseudonyms and ciphertexts,
   differ). Kept and reused with --workdir DIR --reuse.
2. The functions behind the pages, in a fresh process: the first (cold) call, then --runs
   warm calls; then one more call with every query timed, and a cProfile and DuckDB
   profile of the slowest (unless --no-profile).
3. Each page in its own fresh process, rendered by streamlit.testing.v1.AppTest as a
   signed-in user: only `at.run()` of the page is timed (server-side: the script, the
   queries, the elements), the first (cold) run and then --runs warm runs; then one run
   with its queries timed and, when slow, one sampled run (where the script thread spends
   its time). The board page caches its summary (st.cache_data, keyed by the trail head
   and the minute); it is also timed with the cache cleared before each run, as after any
   write to the trail (a sign-in, a check run) or in the next minute.

Targets (issue 8, on the 2-core machine): each page under one second, the PDF under ten.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

# This file is named dashboard.py, like Vern's dashboard package: _common puts the checkout ahead
# of this folder on the path, so `from dashboard import auth` in the app finds the package.
import _common

HERE = Path(__file__).resolve().parent
NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)  # _common.FIXED_NOW
START = datetime(2021, 11, 24, 11, 0, tzinfo=UTC)  # five years back
SPAN = int((NOW - START).total_seconds())
LOG_DAYS = 395  # raw access events kept (~13 months); older ones only as daily counts
SEED = 20261124
LAYOUT = 3  # bump when the generated data change, so --reuse rebuilds
ROOT = _common.REPO
APP = str(ROOT / "dashboard" / "app.py")
PAGE_TARGET, PDF_TARGET = 1.0, 10.0

FULL = {"people": 3000, "processors": 200, "activities": 100, "inventory": 100_000, "findings": 200_000,
        "breaches": 10_000, "requests": 10_000, "events": 10_000_000}
CATEGORIES = ("member", "event_participant", "invoice", "newsletter", "volunteer", "donor", "applicant",
              "employee", "course", "complaint", "prospect", "legacy")  # 'legacy': no rule governs it
KINDS = ("employee", "volunteer", "board", "contractor")
DISTRICTS = ("", *(f"Krets {n:02d}" for n in range(1, 11)))
N_SYSTEMS = 20


def _ts(at: datetime) -> str:
    return f"TIMESTAMPTZ '{at.isoformat()}'"


def _macros(tx) -> None:
    """u(x, salt): a reproducible uniform number in [0, 1) from any value."""
    tx.execute("CREATE OR REPLACE TEMP MACRO u(x, salt) AS (hash(x, salt) % 1000000) / 1000000.0")


def _advance(tx, sequence: str, table: str) -> None:
    """Rows inserted with explicit ids: move the sequence past them, so later inserts fit."""
    tx.execute(f"SELECT max(nextval('{sequence}')) FROM range((SELECT coalesce(max(id), 0) FROM {table}))").fetchall()


# -- the fill -----------------------------------------------------------------------------
def _directory(tx, store, n: int) -> None:
    import pandas as pd
    rng = random.Random(f"{SEED}-people")
    rows = []
    for i in range(n):
        email = f"person{i}@forening.no"
        started = (START - timedelta(days=rng.randrange(0, 3000))).date()
        left = (START + timedelta(days=rng.randrange(30, 1800))).date() if rng.random() < 0.1 else None
        rows.append((store.keys.pseudonym(email), store.keys.encrypt(f"Person {i}", "people.name"),
                     store.keys.encrypt(email, "people.email"), rng.choices(KINDS, (40, 45, 5, 10))[0],
                     rng.random() < 0.8, started, left, rng.choice(DISTRICTS) or None))
    tx.register("b_people", pd.DataFrame(rows, columns=["person", "name", "email", "kind", "handles",
                                                         "started_on", "left_on", "district"]))
    tx.execute("INSERT INTO people SELECT * FROM b_people")
    tx.execute(f"""
        INSERT INTO systems
        SELECT 'System ' || lpad(k::VARCHAR, 2, '0'), k % 5 <> 4,
               ['open', 'internal', 'confidential', 'strictly_confidential'][1 + k % 4],
               CASE WHEN k % 2 = 0 THEN ['s3:forening-bucket-' || k]
                    ELSE ['m365:https://forening.sharepoint.com/sites/Site' || k] END
        FROM range({N_SYSTEMS}) t(k)""")
    tx.execute(f"""
        INSERT INTO grants
        SELECT p.person, s.name, p.started_on, p.left_on FROM people p, systems s
        WHERE hash(p.person, s.name) % {N_SYSTEMS} < 3""")


def _processors(tx, n: int) -> None:
    tx.execute(f"""
        INSERT INTO processors
        SELECT 'Leverandør ' || k || ' AS', CASE WHEN k % 3 = 0 THEN 'Tjeneste ' || k ELSE '' END,
               [['NO'], ['IE', 'NO'], ['US'], ['IN'], ['SE']][1 + k % 5],
               ['none', 'none', 'dpf', 'scc2021', 'none'][1 + k % 5], k % 5 = 2 AND k % 7 <> 0,
               CASE WHEN u(k, 1) < 0.95 THEN DATE '{(NOW - timedelta(days=1500)).date()}' + (k * 7)::INTEGER END,
               CASE WHEN u(k, 2) < 0.5 THEN DATE '{NOW.date()}' + (u(k, 3) * 1200 - 200)::INTEGER END,
               CASE WHEN u(k, 4) < 0.7 THEN DATE '{NOW.date()}' - (u(k, 5) * 700)::INTEGER END,
               'leverandorregister.csv', {_ts(NOW - timedelta(days=3))}
        FROM range({n}) t(k)""")


def _activities(tx, n: int) -> None:
    governed = len(CATEGORIES) - 1
    tx.execute(f"""
        INSERT INTO activities
        SELECT k + 1, 'Behandling ' || lpad(k::VARCHAR, 3, '0'), 'controller', NULL, 'Formål ' || k,
               ['a', 'b', 'c', 'f'][1 + k % 4], CASE WHEN k % 10 = 0 THEN ['health'] ELSE [] END,
               CASE WHEN k % 20 = 0 THEN 'a' END, ['medlemmer'], ['navn', 'kontaktopplysninger'],
               k % 15 = 0, ['ingen'], ['Leverandør ' || (k * 2) || ' AS'], [12, 24, 36, 60, 120][1 + k % 5],
               CASE WHEN k % 3 = 0 THEN 'purpose_ended' ELSE 'last_activity' END,
               [$categories[1 + k % {governed}]], k % 4 = 0, ['tilgangsstyring'],
               CASE WHEN k % 9 <> 0 THEN 'confidential' END, ['System ' || lpad((k % {N_SYSTEMS})::VARCHAR, 2, '0')],
               CASE WHEN k % 6 = 0 THEN ['large_scale', 'sensitive_data'] ELSE [] END,
               ['completed', 'in_progress', 'not_started'][1 + k % 3], 'Eier ' || k,
               DATE '{NOW.date()}' + (k * 11 % 400 - 100)::INTEGER, NULL, NULL, NULL, {_ts(NOW - timedelta(days=40))},
               'benchmark'
        FROM range({n}) t(k)""", {"categories": list(CATEGORIES)})
    _advance(tx, "activity_ids", "activities")


def _inventory(tx, n: int) -> None:
    tx.execute(f"""
        INSERT INTO inventory
        SELECT 'System ' || lpad((hash(i, 1) % {N_SYSTEMS})::VARCHAR, 2, '0'), 'r-' || left(md5(i::VARCHAR), 16),
               $categories[1 + (hash(i, 2) % {len(CATEGORIES)})::BIGINT],
               DATE '{(START - timedelta(days=1500)).date()}' + (u(i, 3) * 3300)::INTEGER,
               CASE WHEN u(i, 4) < 0.3 THEN DATE '{(START - timedelta(days=700)).date()}'
                                            + (u(i, 5) * 2500)::INTEGER END,
               u(i, 6) < 0.05
        FROM range({n}) t(i)""", {"categories": list(CATEGORIES)})
    tx.execute(f"INSERT INTO inventory_imports SELECT system, system || '.csv', count(*), {_ts(NOW)} "
               "FROM inventory GROUP BY system")


def _training_coverage(tx) -> None:
    tx.execute(f"""
        INSERT INTO training_coverage
        SELECT ts, k.kind, d.district, r.required, (r.required * (0.45 + 0.4 * u(ts, k.kind || d.district)))::INTEGER
        FROM (SELECT unnest(generate_series({_ts(START.replace(hour=5, minute=45))}, {_ts(NOW)},
                                            INTERVAL 1 DAY)) AS ts) t,
             (SELECT unnest($kinds) AS kind) k, (SELECT unnest($districts) AS district) d,
             LATERAL (SELECT 5 + hash(k.kind, d.district) % 60 + epoch(ts - {_ts(START)})::BIGINT // 8640000
                      AS required) r""", {"kinds": list(KINDS), "districts": list(DISTRICTS)})


def _check_runs(tx, store, checks: dict) -> None:
    every = {check_id: 6 if check.schedule.split()[1].startswith("*/") else 24 for check_id, check in checks.items()}
    tx.execute("CREATE TEMP TABLE b_checks (check_id VARCHAR, hours INTEGER, minute INTEGER)")
    tx.executemany("INSERT INTO b_checks VALUES (?, ?, ?)",
                   [[c, h, 5 + 7 * k] for k, (c, h) in enumerate(every.items())])
    error = store.keys.encrypt("OSError: inbox not readable", "check_runs.error")
    tx.execute(f"""
        INSERT INTO check_runs (id, check_id, trigger, started_at, finished_at, status, evidence_rows, findings,
                                error)
        SELECT row_number() OVER (ORDER BY ts, check_id), check_id, 'schedule', ts,
               ts + to_seconds((2 + u(ts, check_id) * 60)::BIGINT),
               CASE WHEN failed THEN 'failed' ELSE 'succeeded' END,
               CASE WHEN NOT failed THEN (u(ts, check_id || 'e') * 100000)::BIGINT END,
               CASE WHEN NOT failed THEN (u(ts, check_id || 'f') * 5000)::INTEGER END,
               CASE WHEN failed THEN $error END
        FROM (SELECT check_id, ts, u(ts, check_id || 'x') < 0.01 AND ts < {_ts(NOW - timedelta(days=2))} AS failed
              FROM (SELECT check_id, unnest(generate_series({_ts(START)} + to_minutes(minute), {_ts(NOW)},
                                                            to_hours(hours))) AS ts FROM b_checks))
        ORDER BY ts, check_id""", {"error": error})
    _advance(tx, "check_run_id", "check_runs")


def _findings(tx, store, checks: dict, n: int) -> None:
    """Findings of every rule, first seen over five years; statuses mixed (10% open, 5%
    acknowledged, 15% resolved, 5% risk accepted, 65% closed by Vern), a fifth of the open
    ones reopened once; every status change in finding_events."""
    import pandas as pd
    rules = [(k, check.id, rule.id, rule.severity.value)
             for k, (check, rule) in enumerate((c, r) for c in checks.values() for r in c.rules)]
    tx.register("b_rules_df", pd.DataFrame(rules, columns=["k", "check_id", "rule", "severity"]))
    tx.execute("CREATE TEMP TABLE b_rules AS SELECT * FROM b_rules_df")
    tx.execute(f"""
        CREATE TEMP TABLE b_f AS
        WITH g AS (SELECT i, u(i, 11) AS u1, u(i, 12) AS u2, u(i, 13) AS u3, u(i, 14) AS u4,
                          hash(i, 15) % {len(rules)} AS k FROM range({n}) t(i)),
        s AS (SELECT g.*, r.check_id, r.rule, r.severity, 'emne ' || lpad(i::VARCHAR, 7, '0') AS subject,
                     {_ts(START)} + to_seconds((u1 * {SPAN - 2 * 86400})::BIGINT) AS first_seen,
                     CASE WHEN u2 < 0.10 THEN 'open' WHEN u2 < 0.15 THEN 'acknowledged'
                          WHEN u2 < 0.30 THEN 'resolved' WHEN u2 < 0.35 THEN 'risk_accepted'
                          ELSE 'closed' END AS status
              FROM g JOIN b_rules r USING (k)),
        d AS (SELECT s.*, least(3600 + u3 * 120 * 86400, epoch({_ts(NOW)} - first_seen) - 3600)::BIGINT AS d
              FROM s)
        SELECT d.*, substr(sha256(check_id || chr(31) || rule || chr(31) || subject), 1, 16) AS fingerprint,
               first_seen + to_seconds(d) AS changed_at, first_seen + to_seconds(d // 3) AS t1,
               first_seen + to_seconds(2 * d // 3) AS t2, status = 'open' AND u4 < 0.2 AS reopened
        FROM d""")
    decided = "status IN ('acknowledged', 'resolved', 'risk_accepted')"
    tx.execute(f"""
        INSERT INTO findings (fingerprint, check_id, rule, subject, severity, message_en, message_nb, status,
                              first_seen, last_seen, closed_at, reopened_count, status_reason, status_by,
                              status_at, review_on, last_run_id, details)
        SELECT fingerprint, check_id, rule, subject, severity, 'Synthetic finding ' || i || ' of ' || rule,
               'Syntetisk funn ' || i || ' av ' || rule, status, first_seen,
               CASE WHEN status = 'closed' THEN changed_at ELSE {_ts(NOW - timedelta(hours=5))} END,
               CASE WHEN status = 'closed' THEN changed_at END, reopened::INTEGER,
               CASE WHEN status IN ('resolved', 'risk_accepted') THEN $reason END,
               CASE WHEN {decided} THEN 'adviser' END, CASE WHEN {decided} THEN changed_at END,
               CASE WHEN status = 'risk_accepted' THEN CAST(changed_at AS DATE) + (u4 * 365)::INTEGER END,
               NULL, '{{}}'
        FROM b_f ORDER BY first_seen""", {"reason": store.keys.encrypt("Vurdert av rådgiver", "findings.status_reason")})
    tx.execute("""
        INSERT INTO finding_events (fingerprint, happened_at, actor, from_status, to_status, reason)
        SELECT * FROM (
            SELECT fingerprint, first_seen AS happened_at, 'vern' AS actor, NULL AS from_status,
                   'open' AS to_status, NULL AS reason FROM b_f
            UNION ALL SELECT fingerprint, t1, 'vern', 'open', 'closed', NULL FROM b_f WHERE reopened
            UNION ALL SELECT fingerprint, t2, 'vern', 'closed', 'open', NULL FROM b_f WHERE reopened
            UNION ALL SELECT fingerprint, changed_at, CASE WHEN status = 'closed' THEN 'vern' ELSE 'adviser' END,
                             'open', status, CASE WHEN status IN ('resolved', 'risk_accepted') THEN $reason END
                      FROM b_f WHERE status <> 'open')
        ORDER BY happened_at""", {"reason": store.keys.encrypt("Vurdert av rådgiver", "finding_events.reason")})
    # The queue's own records: a third of the decisions taken there, and assignments.
    tx.execute(f"""
        INSERT INTO review_decisions
        SELECT row_number() OVER (ORDER BY decided_at, item), * FROM (
            SELECT 'finding:' || fingerprint AS item, 'finding', status, 'adviser', changed_at AS decided_at,
                   $note, NULL, NULL,
                   CASE WHEN status = 'risk_accepted' THEN CAST(changed_at AS DATE) + (u4 * 365)::INTEGER END
            FROM b_f WHERE {decided} AND u3 < 0.33
            UNION ALL
            SELECT 'finding:' || fingerprint, 'finding', 'assigned', 'adviser',
                   least(first_seen + INTERVAL 2 DAY, {_ts(NOW - timedelta(hours=2))}), NULL, 'adviser',
                   CAST(first_seen AS DATE) + 30, NULL
            FROM b_f WHERE status IN ('open', 'acknowledged') AND u(i, 16) < 0.1)""",
               {"note": store.keys.encrypt("Tatt i ukesgjennomgangen", "review_decisions.note")})
    _advance(tx, "review_decision_ids", "review_decisions")
    tx.execute(f"""
        INSERT INTO review_sessions
        SELECT unnest(generate_series({_ts(START)}, {_ts(NOW - timedelta(days=3))}, INTERVAL 7 DAY)), 'adviser'""")


def _breach_rows(store, n: int) -> dict[str, list]:
    """Breaches over five years: most assessed, decided, notified when owed (some late) and
    closed within weeks; the last days' ones still on the clock."""
    rng = random.Random(f"{SEED}-breaches")
    enc = store.keys.encrypt
    token = {context: enc(text, context) for context, text in (
        ("breaches.reported_by", "Kari Nordmann"), ("breaches.consequences", "Uvedkommende kan ha lest e-posten"),
        ("breaches.measures", "Mottaker bedt om å slette"), ("breaches.summary", "Rutine for utsending endret"),
        ("breach_decisions.reason", "Lav risiko etter ny vurdering"),
        ("breach_notifications.delay_reason", "Oppdaget i helgen"))}
    detail = {kind: enc(f"{kind} (benchmark)", "breach_events.detail") for kind in ("assessed", "decided", "notified")}
    out: dict[str, list] = {"breaches": [], "breach_assessments": [], "breach_decisions": [],
                            "breach_notifications": [], "breach_events": []}
    aware_times = sorted(START + timedelta(seconds=rng.uniform(0, SPAN - 600)) for _ in range(n))

    def later(at: datetime, low: float, high: float) -> datetime | None:
        after = at + timedelta(hours=rng.uniform(low, high))
        return after if after < NOW else None

    def add(table: str, *values) -> None:
        out[table].append((len(out[table]) + 1, *values))

    levels = (("low", 1.0), ("medium", 2.0), ("high", 3.0), ("very_high", 4.0))
    for breach_id, aware in enumerate(aware_times, 1):
        processor = rng.random() < 0.1
        deadline = aware + timedelta(hours=24 if processor else 72)
        created = min(aware + timedelta(minutes=rng.uniform(5, 300)), NOW)
        add("breach_events", breach_id, created, "kari", "logged", None)
        status, last, closed_at, summary = "open", created, None, None
        assessed = later(created, 0.5, 30) if rng.random() < 0.95 else None
        if assessed:
            level, base = rng.choices(levels, (50, 30, 15, 5))[0]
            authority, subjects = level != "low" or processor, level in ("high", "very_high")
            add("breach_assessments", breach_id, assessed, "adviser", 2.0, "simple", None, 1.0, 0.25, 0.0, 0.0,
                False, False, round(base + rng.random() * 0.9, 3), level, authority, subjects)
            add("breach_events", breach_id, assessed, "adviser", "assessed", detail["assessed"])
            status, last = "assessed", assessed
            decided = later(assessed, 0.5, 10)
            if decided:
                override = rng.random() < 0.05 and not processor
                notify = authority != override
                add("breach_decisions", breach_id, decided, "adviser", notify, subjects, override,
                    token["breach_decisions.reason"] if override else None)
                add("breach_events", breach_id, decided, "adviser", "decided", detail["decided"])
                last = decided
                noticed = later(decided, 1, 45) if notify else None
                if noticed:
                    late = noticed > deadline
                    recipient = "controller" if processor else "authority"
                    add("breach_notifications", breach_id, recipient, noticed, f"DT-{breach_id}", 1, late,
                        token["breach_notifications.delay_reason"] if late else None, "adviser", noticed)
                    add("breach_events", breach_id, noticed, "adviser", "notified", detail["notified"])
                    status, last = "notified", noticed
                    more = later(noticed, 24, 240) if rng.random() < 0.15 else None
                    if more:
                        add("breach_notifications", breach_id, recipient, more, f"DT-{breach_id}", 2, False, None,
                            "adviser", more)
                    told = later(noticed, 1, 48) if subjects else None
                    if told:
                        add("breach_notifications", breach_id, "subjects", told, "", 1, False, None, "adviser", told)
        if aware < NOW - timedelta(days=30) and rng.random() < 0.97:
            closed_at = last + timedelta(days=rng.uniform(1, 25))
            if closed_at < NOW:
                status, summary = "closed", token["breaches.summary"]
                add("breach_events", breach_id, closed_at, "adviser", "closed", None)
            else:
                closed_at = None
        out["breaches"].append((
            breach_id, enc(f"Brudd {breach_id}: e-post med medlemsliste til feil mottaker", "breaches.title"),
            enc(f"Beskrivelse av brudd {breach_id}", "breaches.description"), aware,
            aware - timedelta(hours=rng.uniform(0, 48)), deadline, token["breaches.reported_by"], "kari",
            "processor" if processor else "controller", "Krets 03" if processor else None,
            rng.choice(("contact", "contact;membership", "contact;financial", "health;contact")),
            rng.random() < 0.05, rng.randrange(1, 5000), rng.randrange(1, 20000),
            rng.choice(("confidentiality", "confidentiality;integrity", "availability")),
            None, token["breaches.consequences"], token["breaches.measures"], None, status, created,
            closed_at, summary))
    return out


BREACH_COLUMNS = {
    "breaches": "id, title, description, aware_at, occurred_at, deadline_at, reported_by, reporter, acting_as, "
                "controller_name, data_categories, special_categories, subjects_count, records_count, "
                "breach_types, processor, consequences, measures, finding, status, created_at, closed_at, summary",
    "breach_assessments": "id, breach_id, happened_at, actor, dpc, data_type, adjustment, ei, cb_confidentiality, "
                          "cb_integrity, cb_availability, malicious, data_unintelligible, score, level, "
                          "propose_authority, propose_subjects",
    "breach_decisions": "id, breach_id, happened_at, actor, notify_authority, notify_subjects, overrides, reason",
    "breach_notifications": "id, breach_id, recipient, happened_at, reference, phase, late, delay_reason, actor, "
                            "recorded_at",
    "breach_events": "id, breach_id, happened_at, actor, kind, detail",
}
SEQUENCES = {"breaches": "breach_id", "breach_assessments": "breach_assessment_id",
             "breach_decisions": "breach_decision_id", "breach_notifications": "breach_notification_id",
             "breach_events": "breach_event_id"}


def _breaches(tx, store, n: int) -> None:
    import pandas as pd
    for table, rows in _breach_rows(store, n).items():
        columns = [c.strip() for c in BREACH_COLUMNS[table].split(",")]
        frame = pd.DataFrame(rows, columns=columns)
        tx.register("b_frame", frame)
        select = ", ".join(f"string_split({c}, ';')" if c in ("data_categories", "breach_types") else c
                           for c in columns)
        tx.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM b_frame ORDER BY id")
        tx.unregister("b_frame")
        _advance(tx, SEQUENCES[table], table)


def _requests(tx, store, n: int) -> None:
    """Data-subject requests over the five years, most answered (some late, some refused,
    some extended), the latest still open. Due dates one month on, without the holiday rule:
    the benchmark measures queries, not the law."""
    from audits.subject_requests.register import KINDS as kinds
    requester = store.keys.encrypt("Person i benchmark", "requests.requester")
    tx.execute(f"""
        INSERT INTO requests (id, received_at, channel, kind, requester, status, due_on, extended_due_on,
                              verified_at, extended_at, told_on, answered_at, logged_by, logged_at)
        SELECT i + 1, received_at, 'e-post', $kinds[1 + (hash(i, 1) % len($kinds))::BIGINT], $requester,
               CASE WHEN open THEN 'in_progress' WHEN u(i, 2) < 0.05 THEN 'refused' ELSE 'answered' END,
               CAST(timezone('Europe/Oslo', received_at) AS DATE) + INTERVAL 1 MONTH,
               CASE WHEN extended THEN CAST(timezone('Europe/Oslo', received_at) AS DATE) + INTERVAL 3 MONTH END,
               CASE WHEN u(i, 3) < 0.9 THEN received_at + INTERVAL 2 DAY END,
               CASE WHEN extended THEN received_at + INTERVAL 20 DAY END,
               CASE WHEN extended AND u(i, 4) < 0.8 THEN CAST(received_at + INTERVAL 21 DAY AS DATE) END,
               CASE WHEN NOT open THEN received_at + to_days(CAST(u(i, 5) * CASE WHEN extended THEN 80 ELSE 35 END
                                                                  AS INTEGER)) END,
               'benchmark', received_at
        FROM (SELECT i, {_ts(START)} + to_seconds(CAST(i * {SPAN // n} AS BIGINT)) AS received_at,
                     i >= {n} - 40 AS open, u(i, 6) < 0.1 AS extended FROM range({n}) t(i))""",
               {"kinds": list(kinds), "requester": requester})


def _access_events(tx, n: int) -> None:
    """Like benchmarks/access_logs.py builds its stored events: hash expressions over range(n),
    joined to the people and to a small table of resources, in one INSERT ... SELECT."""
    first_day = (NOW - timedelta(days=LOG_DAYS - 1)).date()
    tx.execute("CREATE TEMP TABLE b_actor AS SELECT row_number() OVER (ORDER BY person) - 1 AS a, person AS actor "
               "FROM people")
    tx.execute("""
        CREATE TEMP TABLE b_res AS
        SELECT row_number() OVER () - 1 AS r, source, resource FROM (
            SELECT CASE WHEN starts_with(p, 's3:') THEN 'cloudtrail' ELSE 'm365' END AS source,
                   CASE WHEN starts_with(p, 's3:') THEN p ELSE p || '/' END AS resource
            FROM systems, unnest(match) AS m(p)
            UNION ALL SELECT 'cloudtrail', 's3:forening-tmp-' || k FROM range(10) t(k)
            UNION ALL SELECT 'gworkspace', 'gdrive:delt-' || k || '@forening.no' FROM range(10) t(k))""")
    tx.execute("""
        CREATE TEMP TABLE b_ops AS SELECT * FROM (VALUES
            ('cloudtrail', 'signin', 'ConsoleLogin'), ('cloudtrail', 'signin_failed', 'ConsoleLogin'),
            ('cloudtrail', 'read', 'HeadObject'), ('cloudtrail', 'download', 'GetObject'),
            ('cloudtrail', 'write', 'PutObject'), ('m365', 'signin', 'UserLoggedIn'),
            ('m365', 'signin_failed', 'UserLoginFailed'), ('m365', 'read', 'FileAccessed'),
            ('m365', 'download', 'FileDownloaded'), ('m365', 'write', 'FileModified'),
            ('gworkspace', 'signin', 'login_success'), ('gworkspace', 'signin_failed', 'login_failure'),
            ('gworkspace', 'read', 'view'), ('gworkspace', 'download', 'download'), ('gworkspace', 'write', 'edit')
        ) t(source, action, operation)""")
    n_actor = tx.execute("SELECT count(*) FROM b_actor").fetchone()[0]
    n_res = tx.execute("SELECT count(*) FROM b_res").fetchone()[0]
    tx.execute(f"""
        INSERT INTO access_events
        WITH g AS (SELECT i, hash(i) AS h1, hash(i + 1000000007) AS h2, hash(i * 31 + 17) AS h3
                   FROM range({n}) t(i)),
        e AS (SELECT g.*, a.actor, DATE '{first_day}' + (h2 % {LOG_DAYS})::INTEGER AS day,
                     7 + (h3 >> 40) % 11 AS hour, (h3 >> 16) % 1000 AS roll, (h2 >> 24) % {n_res} AS r
              FROM g JOIN b_actor a ON a.a = g.h1 % {n_actor}),
        x AS (SELECT e.*, timezone('Europe/Oslo', day::TIMESTAMP + to_hours(hour::BIGINT)
                                   + to_seconds(((h1 >> 32) % 3600)::BIGINT)) AS happened_at,
                     CASE WHEN roll < 100 THEN 'signin' WHEN roll < 112 THEN 'signin_failed'
                          WHEN roll < 650 THEN 'read' WHEN roll < 800 THEN 'download' ELSE 'write' END AS action
              FROM e)
        SELECT s.source, md5(x.i::VARCHAR), x.happened_at, CAST(timezone('Europe/Oslo', x.happened_at) AS DATE),
               hour(timezone('Europe/Oslo', x.happened_at)), x.actor, false, x.action, o.operation,
               CASE WHEN x.action IN ('signin', 'signin_failed') THEN NULL ELSE s.resource END,
               CASE WHEN x.action IN ('signin', 'signin_failed') THEN NULL ELSE 'Dokument ' || (x.h3 >> 8) % 5000 END,
               '192.0.2.' || (1 + x.h1 % 250), 1, s.source || '/bench-' || (x.i // 1000) || '.log', {_ts(NOW)}
        FROM x JOIN b_res s USING (r) JOIN b_ops o ON o.source = s.source AND o.action = x.action
        ORDER BY x.happened_at""")
    tx.execute("INSERT OR IGNORE INTO access_resources "
               "SELECT DISTINCT resource, NULL FROM access_events WHERE resource IS NOT NULL")
    from audits.access import logs as access_logs
    access_logs.map_resources(tx)
    # Older months, purged to daily counts (no actor), as access_logs.purge leaves them.
    tx.execute(f"""
        INSERT INTO access_daily
        SELECT day::DATE, s.source, r.system, a.action, 1 + hash(day, s.resource, a.action) % 400, 0
        FROM (SELECT unnest(generate_series(DATE '{START.date()}', DATE '{first_day}' - 1, INTERVAL 1 DAY)) AS day),
             b_res s LEFT JOIN access_resources r USING (resource),
             (SELECT unnest(['read', 'download', 'write', 'signin']) AS action) a""")
    tx.execute("UPDATE access_daily SET records = events")


def phase_fill(db: str, scale: float) -> dict:
    """The whole database, step by step, each step in its own transaction and timed."""
    from audits import runtime
    from audits.accounts import users
    db_path = Path(db)
    _common.fresh_database(db_path)
    started = time.perf_counter()
    vern = runtime.open_vern(db)
    store = vern.store
    sizes = {key: max(10, round(value * scale)) for key, value in FULL.items()}
    steps = [
        ("users", lambda tx: None),
        ("directory", lambda tx: _directory(tx, store, sizes["people"])),
        ("processors", lambda tx: _processors(tx, sizes["processors"])),
        ("activities", lambda tx: _activities(tx, sizes["activities"])),
        ("inventory", lambda tx: _inventory(tx, sizes["inventory"])),
        ("training coverage", _training_coverage),
        ("check runs", lambda tx: _check_runs(tx, store, vern.checks)),
        ("findings + events + review", lambda tx: _findings(tx, store, vern.checks, sizes["findings"])),
        ("breaches", lambda tx: _breaches(tx, store, sizes["breaches"])),
        ("requests", lambda tx: _requests(tx, store, sizes["requests"])),
        ("access events", lambda tx: _access_events(tx, sizes["events"])),
    ]
    timings = {}
    for name, step in steps:
        begun = time.perf_counter()
        if name == "users":
            for user, roles in (("adviser", ("adviser",)), ("board", ("board",))):
                users.add(store, "benchmark", user, roles, "a long benchmark password")
        else:
            with store.transaction() as tx:
                _macros(tx)
                step(tx)
        timings[name] = time.perf_counter() - begun
    begun = time.perf_counter()
    _seal(store)
    timings["sealing"] = time.perf_counter() - begun
    begun = time.perf_counter()
    store._con.execute("CHECKPOINT")
    timings["checkpoint"] = time.perf_counter() - begun
    tables = ("people", "grants", "processors", "activities", "inventory", "training_coverage", "check_runs",
              "findings", "finding_events", "review_decisions", "breaches", "breach_assessments",
              "breach_decisions", "breach_notifications", "breach_events", "requests", "access_events", "access_daily")
    counts = {t: store.value(f"SELECT count(*) FROM {t}") for t in tables}
    statuses = {r["status"]: r["n"] for r in
                store.rows("SELECT status, count(*) AS n FROM findings GROUP BY ALL ORDER BY n DESC")}
    vern.close()
    return {"seconds": time.perf_counter() - started, "steps": timings, "counts": counts, "statuses": statuses,
            "db_mb": db_path.stat().st_size / 2**20, "rss_mb": _common.peak_mb(), "sizes": sizes}


def _seal(store) -> None:
    """The steps write some columns in clear that Vern encrypts or labels (declared since they
    were written: breaches.controller_name, requests.channel, the districts,
    access_events.object); sealed here as Vern seals a database from before, so the pages
    read what they would read in use (the overview cannot decrypt a processor's breach
    otherwise)."""
    from audits.core import encrypted_columns
    with store.transaction() as tx:
        tx.execute("DELETE FROM settings WHERE key = ?", [encrypted_columns._SEALED])
    encrypted_columns.seal(store)


# -- measuring ----------------------------------------------------------------------------
@contextmanager
def _timed_queries(store, log: list):
    """Every store.rows / store.value call timed, with its SQL and parameters."""
    originals = {name: getattr(store, name) for name in ("rows", "value")}

    def wrap(name):
        def timed(sql, params=()):
            begun = time.perf_counter()
            result = originals[name](sql, params)
            log.append({"sql": sql, "params": params, "seconds": time.perf_counter() - begun})
            return result
        return timed

    for name in originals:
        setattr(store, name, wrap(name))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(store, name, original)


def _series(call, runs: int) -> dict:
    """The first (cold) call, then `runs` warm ones: wall time, and the process's CPU time
    (all threads, DuckDB's too), which other load on the machine disturbs less."""
    times, cpu, result = [], [], None
    for _ in range(runs + 1):
        begun, begun_cpu = time.perf_counter(), time.process_time()
        result = call()
        times.append(time.perf_counter() - begun)
        cpu.append(time.process_time() - begun_cpu)
    return {"cold": times[0], "warm": times[1:], "cpu": cpu[1:], "result": result}


def _sql_name(sql: str) -> str:
    text = " ".join(sql.split())
    return text[:110]


def _breakdown(store, call) -> dict:
    """One more call with every query timed: SQL against the rest (Python)."""
    log: list = []
    with _timed_queries(store, log):
        begun = time.perf_counter()
        call()
        total = time.perf_counter() - begun
    return _grouped(log, total)


def _grouped(log: list, total: float) -> dict:
    grouped: dict[str, dict] = {}
    for q in log:
        entry = grouped.setdefault(_sql_name(q["sql"]), {"seconds": 0.0, "calls": 0, "sql": q["sql"],
                                                         "params": q["params"]})
        entry["seconds"] += q["seconds"]
        entry["calls"] += 1
    top = sorted(grouped.values(), key=lambda e: -e["seconds"])
    return {"total": total, "sql": sum(q["seconds"] for q in log), "queries": len(log), "top": top[:4]}


def _cprofile(call, top: int = 12) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return "\n".join(lines[start:start + top + 1])


def _duckdb_profile(store, sql: str, params, target: Path) -> dict:
    import importlib.util
    spec = importlib.util.spec_from_file_location("access_logs_benchmark", HERE / "access_logs.py")
    access_logs_benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(access_logs_benchmark)
    cursor = store._con.cursor()
    try:
        cursor.execute("SET enable_profiling = 'json'")
        cursor.execute(f"SET profiling_output = '{target}'")
        cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()
    return access_logs_benchmark._profile_summary(target)


def phase_functions(db: str, runs: int, profile: bool, workdir: str) -> dict:
    """The functions behind the three pages, and the PDF."""
    from audits import runtime
    from audits.breaches import register as breaches
    from audits.reporting import board, board_pdf, overview, review
    from audits.subject_requests import register as subject_requests
    vern = runtime.open_vern(db)
    runtime.install(vern)
    store, config = vern.store, vern.config
    results: dict = {}
    calls = {
        "overview.open_findings": lambda: overview.open_findings(vern),
        "overview.checks_status": lambda: overview.checks_status(vern),
        "breaches.summary (overview)": lambda: breaches.summary(store),
        "breaches.listing open (overview, adviser)": lambda: breaches.listing(store, open_only=True),
        "requests.summary (overview)": lambda: subject_requests.summary(store),
        "review.queue": lambda: review.queue(store, config),
        "review.this_week": lambda: review.this_week(store),
        "board.summary": lambda: board.summary(vern),
        "board_pdf.pdf_bytes(nb)": lambda: board_pdf.pdf_bytes(results["board.summary"], "nb"),
    }
    out = {"functions": {}, "rss_start_mb": _common.peak_mb()}
    for name, call in calls.items():
        series = _series(call, runs)
        result = results[name] = series.pop("result")
        entry = {**series}
        if name == "board_pdf.pdf_bytes(nb)":
            entry["size_kb"] = len(result) / 1024
        elif name == "review.queue":
            entry["note"] = f"{result['total']:,} items, {len(result['items'])} shown"
        elif name.startswith("breaches.summary"):
            entry["note"] = f"{result['total']:,} breaches, {result['clock_running']} on the clock"
        elif name.startswith("breaches.listing"):
            entry["note"] = f"{len(result):,} open breaches built"
        if name != "board_pdf.pdf_bytes(nb)":
            entry["breakdown"] = _breakdown(store, call)
        slow = max(series["warm"]) > 0.2 * (PDF_TARGET if "pdf" in name else PAGE_TARGET)
        if profile and slow:
            entry["cprofile"] = _cprofile(call)
            slow_queries = [q for q in entry.get("breakdown", {}).get("top", [])[:3] if q["seconds"] > 0.1]
            entry["duckdb"] = [
                {"sql": _sql_name(q["sql"]), **_duckdb_profile(
                    store, q["sql"], q["params"], Path(workdir) / f"profile-{name.split()[0]}-{n}.json")}
                for n, q in enumerate(slow_queries, 1)]
        out["functions"][name] = entry
    out["rss_mb"] = _common.peak_mb()
    out["threads"] = store.value("SELECT current_setting('threads')")
    vern.close()
    return out


class _Sampler:
    """Samples the stack of Streamlit's script thread every few milliseconds (cProfile sees
    only the thread that starts it): where a page run spends its time, by Vern function
    (inclusive) and by the package running at the moment (exclusive)."""

    def __init__(self, interval: float = 0.002):
        import threading
        self.interval, self.samples = interval, 0
        self.inclusive: dict[str, int] = {}
        self.exclusive: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _package(path: str) -> str:
        if "site-packages/" in path:
            return path.split("site-packages/")[1].split("/")[0]
        if path.startswith(str(ROOT)):
            return Path(path).relative_to(ROOT).parts[0]
        return "python"

    def _run(self) -> None:
        import threading
        while not self._stop.wait(self.interval):
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if names.get(ident) != "ScriptRunner.scriptThread":
                    continue
                self.samples += 1
                self.exclusive[self._package(frame.f_code.co_filename)] = (
                    self.exclusive.get(self._package(frame.f_code.co_filename), 0) + 1)
                seen = set()
                while frame is not None:
                    path = frame.f_code.co_filename
                    if path.startswith(str(ROOT / "audits")) or path.startswith(str(ROOT / "dashboard")):
                        key = f"{Path(path).relative_to(ROOT)}:{frame.f_code.co_firstlineno} {frame.f_code.co_name}"
                        if key not in seen:
                            seen.add(key)
                            self.inclusive[key] = self.inclusive.get(key, 0) + 1
                    frame = frame.f_back

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def report(self, top: int = 12) -> dict:
        share = {k: v / max(1, self.samples) for k, v in self.inclusive.items()}
        return {"samples": self.samples,
                "inclusive": sorted(share.items(), key=lambda kv: -kv[1])[:top],
                "exclusive": sorted(((k, v / max(1, self.samples)) for k, v in self.exclusive.items()),
                                    key=lambda kv: -kv[1])[:8]}


PAGES = {  # name: (page file or None for the start page, roles)
    "overview (adviser)": (None, ("adviser",)),
    "review (adviser)": ("review", ("adviser",)),
    "board (board)": ("board", ("board",)),
}


def phase_page(db: str, name: str, runs: int, uncached: bool, profile: bool) -> dict:
    """One page, in a fresh process: signed in, first the sign-in page's run (not timed),
    then the page's first run (cold) and `runs` warm runs, each `at.run()` timed."""
    os.environ["VERN_DB"] = db
    import streamlit as st
    from streamlit import logger
    from streamlit.testing.v1 import AppTest

    from audits import runtime
    from audits.core import clock
    page, roles = PAGES[name]
    vern = runtime.open_vern(db)
    runtime.install(vern)
    logger.set_log_level("error")  # not the bare-mode warnings of every run
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "nb"
    at.run()  # the sign-in form: no data read
    logger.set_log_level("error")  # the first run read the default configuration
    at.session_state["user"] = {"name": roles[0], "roles": tuple(roles), "method": "password"}
    at.session_state["last_activity"] = clock.now()
    if page:
        at.switch_page(f"views/{page}.py")

    def render():
        if uncached:
            st.cache_data.clear()
        at.run()
        if at.exception:
            raise RuntimeError(f"{name}: {at.exception[0].value}")

    series = _series(render, runs)
    series.pop("result")
    log: list = []
    with _timed_queries(vern.store, log):
        begun = time.perf_counter()
        render()
        total = time.perf_counter() - begun
    out = {**series, "breakdown": _grouped(log, total)}
    if profile and max(series["warm"]) > 0.3 * PAGE_TARGET:
        with _Sampler() as sampler:
            render()
        out["sampled"] = sampler.report()
    out["shown"] = {"metrics": len(at.metric), "tables": len(at.dataframe), "charts": len(at.get("plotly_chart"))}
    out["rss_mb"] = _common.peak_mb()
    vern.close()
    return out


# -- orchestration ------------------------------------------------------------------------
def _stats(entry: dict) -> tuple[float, float, float]:
    return entry["cold"], statistics.median(entry["warm"]), max(entry["warm"])


def _line(name: str, entry: dict, extra: str = "") -> str:
    cold, median, worst = _stats(entry)
    return (f"   {name:<40} cold {cold:7.3f} s  median {median:7.3f} s  worst {worst:7.3f} s  "
            f"(cpu median {statistics.median(entry['cpu']):.3f} s){extra}")


def _print_sampled(p: dict) -> None:
    print(f"      sampled one more run ({p['samples']} samples of the script thread); share of the run in "
          "Vern's functions (inclusive):")
    for key, share in p["inclusive"]:
        print(f"        {share:6.1%}  {key}")
    print("      and by what ran at the moment: " + ", ".join(f"{k} {v:.0%}" for k, v in p["exclusive"]))


def _print_breakdown(b: dict) -> None:
    print(f"      {b['queries']} queries {b['sql']:.3f} s, the rest (Python) {b['total'] - b['sql']:.3f} s "
          f"of {b['total']:.3f} s; slowest:")
    for q in b["top"]:
        print(f"        {q['seconds']:7.3f} s  {q['calls']:>3}x  {_sql_name(q['sql'])[:100]}")


def _print_profile(p: dict) -> None:
    print(f"      DuckDB profile of {p['sql'][:60]}...: {p['total']:.3f} s wall, {p['cpu'] or 0:.3f} s cpu, "
          f"peak buffer {p['peak_buffer_mb']:.0f} MB")
    for op in p["top"][:5]:
        rows = f"{op['rows']:,}" if isinstance(op["rows"], int) else "?"
        print(f"        {op['seconds']:7.3f} s  {op['op']:<22} rows {rows:>11}  {op['detail'][:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="of the full organisation (0.01: a quick smoke run)")
    parser.add_argument("--workdir", type=Path, help="keep the database here")
    parser.add_argument("--reuse", action="store_true", help="reuse the workdir's database when it matches")
    parser.add_argument("--runs", type=int, default=5, help="warm runs after the first (cold) one")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="skip cProfile and DuckDB profiles of the slow functions")
    args = parser.parse_args()

    _common.isolate()
    with _common.workdir(args.workdir, "vern-dashboard-") as work:
        _common.heading("Vern dashboard benchmark", work, args.workdir is None,
                        f"scale {args.scale:g}; {args.runs} warm runs after the first")
        _measure(args, work)


def _measure(args, work: Path) -> None:
    """Steps 1 to 3 and the summary, in `work`."""
    db = work / "dashboard.duckdb"
    want = {"layout": LAYOUT, "scale": args.scale, "seed": SEED}
    manifest = work / "dashboard.json"
    fill = None
    if args.reuse and db.exists() and manifest.exists():
        saved = json.loads(manifest.read_text())
        if saved.get("want") == want:
            fill = saved["fill"]
            print("1. Database: reused from the workdir (filled earlier in "
                  f"{fill['seconds']:.0f} s)")
    if fill is None:
        print("1. Filling the database with SQL ...", flush=True)
        manifest.unlink(missing_ok=True)
        fill = _common.in_child(phase_fill, str(db), args.scale)
        manifest.write_text(json.dumps({"want": want, "fill": fill}))
        print(f"   filled in {fill['seconds']:.1f} s (peak memory {fill['rss_mb']:,.0f} MB)")
    print("   " + ", ".join(f"{k} {v:.1f} s" for k, v in fill["steps"].items()))
    print("   " + ", ".join(f"{k} {v:,}" for k, v in fill["counts"].items()))
    print("   findings by status: " + ", ".join(f"{k} {v:,}" for k, v in fill["statuses"].items()))
    print(f"   database {db.stat().st_size / 2**20:,.0f} MB")
    print()

    print(f"2. The functions behind the pages (fresh process; first call, then {args.runs} warm); "
          f"load {_common.load_average()} ...", flush=True)
    functions = _common.in_child(phase_functions, str(db), args.runs, args.profile, str(work))
    for name, f in functions["functions"].items():
        extra = f"  {f['note']}" if "note" in f else (f"  {f['size_kb']:.0f} kB" if "size_kb" in f else "")
        print(_line(name, f, extra))
        if "breakdown" in f:
            _print_breakdown(f["breakdown"])
        for p in f.get("duckdb", []):
            _print_profile(p)
        if "cprofile" in f:
            print("      cProfile (one call, by own time):")
            for line in f["cprofile"].splitlines():
                print("        " + line[:150])
    print(f"   peak memory {functions['rss_mb']:,.0f} MB; DuckDB threads {functions['threads']}")
    print()

    print(f"3. Pages with AppTest (each in a fresh process; only the page's at.run() timed); load {_common.load_average()} ...",
          flush=True)
    pages = {}
    for name in PAGES:
        pages[name] = _common.in_child(phase_page, str(db), name, args.runs, False, args.profile)
    pages["board (board), cache cleared"] = _common.in_child(phase_page, str(db), "board (board)", args.runs, True,
                                                      args.profile)
    for name, p in pages.items():
        s = p["shown"]
        print(_line(name, p, f"  {s['metrics']} metrics, {s['tables']} tables, {s['charts']} charts; "
                             f"peak {p['rss_mb']:,.0f} MB"))
        _print_breakdown(p["breakdown"])
        if "sampled" in p:
            _print_sampled(p["sampled"])
    print()
    _summary(args, fill, functions, pages)


def _summary(args, fill: dict, functions: dict, pages: dict) -> None:
    import duckdb
    print("=" * 112)
    print(f"Summary — {os.cpu_count()} CPUs, DuckDB {duckdb.__version__}, scale {args.scale:g}: "
          f"{fill['counts']['findings']:,} findings, {fill['counts']['breaches']:,} breaches, "
          f"{fill['counts']['requests']:,} requests, "
          f"{fill['counts']['access_events']:,} access events; fill {fill['seconds']:.0f} s, "
          f"database {fill['db_mb']:,.0f} MB")
    print(f"load average {_common.load_average()}; cold: the first run in a fresh process; median and worst of {args.runs} warm "
          "runs; cpu: median CPU time of the process (all threads); the result judges wall time, cold and warm")
    print(f"{'measured':<46}{'target':<9}{'cold s':>8}{'median s':>10}{'worst s':>9}{'cpu s':>8}  result")
    rows = [(f"page: {name}", PAGE_TARGET, p) for name, p in pages.items()]
    rows += [(f"function: {name}", PDF_TARGET if "pdf" in name else PAGE_TARGET, f)
             for name, f in functions["functions"].items()]
    summary, pdf = functions["functions"]["board.summary"], functions["functions"]["board_pdf.pdf_bytes(nb)"]
    rows.append(("PDF on a click, uncached (summary + pdf_bytes)", PDF_TARGET,
                 {"cold": summary["cold"] + pdf["cold"],
                  "warm": [a + b for a, b in zip(summary["warm"], pdf["warm"], strict=True)],
                  "cpu": [a + b for a, b in zip(summary["cpu"], pdf["cpu"], strict=True)]}))
    for name, target, entry in rows:
        cold, median, worst = _stats(entry)
        result = "PASS" if max(cold, worst) < target else "MISS (cold only)" if worst < target else "MISS"
        cpu = statistics.median(entry["cpu"])
        print(f"{name[:45]:<46}{'< ' + format(target, 'g') + ' s':<9}{cold:8.3f}{median:10.3f}{worst:9.3f}"
              f"{cpu:8.3f}  {result}")
    peak = max([functions["rss_mb"], *(p["rss_mb"] for p in pages.values())])
    print(f"peak memory (VmHWM): functions {functions['rss_mb']:,.0f} MB, pages "
          + ", ".join(f"{name.split()[0]} {p['rss_mb']:,.0f}" for name, p in pages.items())
          + f" MB; fill {fill['rss_mb']:,.0f} MB; highest of the measuring processes {peak:,.0f} MB")
    print(f"(load average at the end {_common.load_average()})")


if __name__ == "__main__":
    main()
