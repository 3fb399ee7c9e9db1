"""The consent register and the campaign send logs, and the one query that judges every
marketing send against the consents (GDPR Art. 6(1)(a), 7(1), 7(3), 21(3)).

People are stored by the pseudonym of their email address. An import is one transaction:
a bad file is refused whole, naming file, line and field (never the address). Importing
the register replaces the rows that came from an import only: a withdrawal recorded from
a data-subject request (origin 'request') outlives the next export of the mailing tool.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from audits.access.directory import email_address
from audits.core import clock, pseudonyms, trail
from audits.core.errors import InputError
from audits.core.i18n import Message
from audits.core.store import Store
from audits.io import csvfile

CONSENT_COLUMNS = ("email", "purpose", "given_at", "withdrawn_at")  # and source, optional
SEND_COLUMNS = ("email", "campaign", "purpose", "sent_at")
RULES = ("marketing_without_consent", "marketing_after_opt_out")


@dataclass(frozen=True)
class SendsImported:
    read: int  # sends in the file
    added: int  # new to the store


CONSENT_FIELDS = {"email": email_address, "purpose": csvfile.required,
                  "given_at": csvfile.needed(csvfile.instant_or_none, csvfile.INSTANT_HINT),
                  "withdrawn_at": csvfile.instant_or_none, "source": csvfile.name(500)}
# A campaign's name stays in clear: findings, the digest, audit reports and the board's
# consent page name the mailing by it. So it must name the mailing, never reach a person.
_CONTACT = re.compile(r"\S@\S+\.\S|\d(?: ?\d){7,}")  # an address; 8+ digits: a phone or identity number


def _campaign(value: str) -> str:
    value = csvfile.name(200)(value)
    if _CONTACT.search(value):
        raise ValueError(Message("consent.refused.campaign_contact"))
    return value


SEND_FIELDS = {"email": email_address, "campaign": csvfile.needed(_campaign),
               "purpose": csvfile.required, "sent_at": csvfile.needed(csvfile.instant_or_none, csvfile.INSTANT_HINT)}


def _iso(instant: datetime | None) -> str | None:
    # Passed to DuckDB as text: pandas' own timestamps end in the year 2262.
    return instant.isoformat() if instant is not None else None


def _persons(tx, store: Store, addresses: set[str]) -> dict[str, str]:
    """address → pseudonym; new addresses remembered (encrypted, for re-identification)."""
    return pseudonyms.remember_many(tx, store, sorted(addresses))


def import_consents(store: Store, path: Path, actor: str) -> int:
    """Replace the imported consents with the file's (email, purpose, given_at, withdrawn_at[,
    source]); rows from data-subject requests stay. Returns the rows imported."""
    import pandas as pd  # imported here: pandas costs 0.3 s at every command's start

    rows = csvfile.parse(path, CONSENT_FIELDS, CONSENT_COLUMNS)
    problems = [Message("input.field", {"where": Message("input.line", {"n": line}), "field": "withdrawn_at",
                                        "why": Message("directory.refused.before", {"start": "given_at"})})
                for line, r in rows if r["withdrawn_at"] is not None and r["withdrawn_at"] < r["given_at"]]
    if problems:
        raise InputError(str(path), problems)
    with store.transaction() as tx:
        persons = _persons(tx, store, {r["email"] for _, r in rows})
        tx.execute("DELETE FROM consents WHERE origin = 'import'")
        frame = pd.DataFrame({
            "person": [persons[r["email"]] for _, r in rows], "purpose": [r["purpose"] for _, r in rows],
            "given_at": [_iso(r["given_at"]) for _, r in rows],
            "withdrawn_at": [_iso(r["withdrawn_at"]) for _, r in rows],
            "source": [r["source"] for _, r in rows]}, dtype="string")
        tx.register("incoming_consents", frame)
        tx.execute("INSERT INTO consents SELECT person, purpose, CAST(given_at AS TIMESTAMPTZ), "
                   "CAST(withdrawn_at AS TIMESTAMPTZ), source, 'import' FROM incoming_consents")
        tx.unregister("incoming_consents")
        trail.append(tx, actor, "consents.import", path.name, {"rows": len(rows)})
    return len(rows)


def import_campaigns(store: Store, path: Path, actor: str) -> SendsImported:
    """Add the sends in a campaign log (email, campaign, purpose, sent_at). A send already
    stored — same person, campaign and instant — is skipped, as is a repeat in the file."""
    import pandas as pd  # imported here: pandas costs 0.3 s at every command's start

    rows = csvfile.parse(path, SEND_FIELDS, SEND_COLUMNS)
    now = clock.now()
    with store.transaction() as tx:
        persons = _persons(tx, store, {r["email"] for _, r in rows})
        frame = pd.DataFrame({
            "person": [persons[r["email"]] for _, r in rows],
            "campaign": [r["campaign"] for _, r in rows], "purpose": [r["purpose"] for _, r in rows],
            "sent_at": [_iso(r["sent_at"]) for _, r in rows]}, dtype="string")
        frame.insert(0, "line", [line for line, _ in rows])
        tx.register("incoming_sends", frame)
        added = tx.execute("""
            INSERT INTO campaign_sends
            SELECT person, campaign, purpose, sent_at, ?, ?
            FROM (SELECT line, person, campaign, purpose, CAST(sent_at AS TIMESTAMPTZ) AS sent_at
                  FROM incoming_sends) i
            WHERE NOT EXISTS (SELECT 1 FROM campaign_sends s WHERE s.person = i.person
                              AND s.campaign = i.campaign AND s.sent_at = i.sent_at)
            QUALIFY row_number() OVER (PARTITION BY person, campaign, sent_at ORDER BY line) = 1
        """, [path.name, now]).fetchone()[0]
        tx.unregister("incoming_sends")
        trail.append(tx, actor, "campaigns.import", path.name, {"rows": len(rows), "added": added})
    return SendsImported(len(rows), added)


# -- judging ------------------------------------------------------------------------------
# Purposes compare without case or surrounding blanks.
_SAME_PURPOSE = "c.person = s.person AND lower(trim(c.purpose)) = lower(trim(s.purpose))"
# A withdrawal from a data-subject request (origin 'request', purpose '*') covers every
# marketing purpose: it ends each consent the person gave before it, whatever the mailing
# tool's next export says; only a consent given after it counts again.
_ENDED_BY_REQUEST = """EXISTS (SELECT 1 FROM consents r WHERE r.origin = 'request' AND r.person = c.person
                                AND r.withdrawn_at >= c.given_at AND r.withdrawn_at <= {at})"""
# Every send with its verdict. A consent is valid at the send's instant when it was given
# at or before it and not withdrawn by then (Art. 7(1)); a withdrawal at or before the
# instant is an opt-out (Art. 7(3), 21(3)). Service mail (`$service`, lower case) is no
# marketing and is never judged.
JUDGED = f"""
    SELECT s.person, s.campaign, s.purpose, lower(trim(s.purpose)) AS purpose_key, s.sent_at,
           CASE WHEN list_contains($service, lower(trim(s.purpose))) THEN 'service'
                WHEN EXISTS (SELECT 1 FROM consents c WHERE {_SAME_PURPOSE} AND c.given_at <= s.sent_at
                             AND (c.withdrawn_at IS NULL OR c.withdrawn_at > s.sent_at)
                             AND NOT {_ENDED_BY_REQUEST.format(at="s.sent_at")}) THEN 'consented'
                WHEN EXISTS (SELECT 1 FROM consents c WHERE c.person = s.person AND c.withdrawn_at <= s.sent_at
                             AND (c.origin = 'request' OR lower(trim(c.purpose)) = lower(trim(s.purpose))))
                    THEN 'marketing_after_opt_out'
                ELSE 'marketing_without_consent' END AS verdict
    FROM campaign_sends s"""
VIOLATIONS = f"""
    SELECT verdict AS rule, campaign, min(purpose) AS purpose, count(*) AS sends,
           count(DISTINCT person) AS people, min(sent_at) AS first, max(sent_at) AS last
    FROM ({JUDGED}) WHERE verdict IN {RULES}
    GROUP BY verdict, campaign, purpose_key ORDER BY campaign, purpose_key, verdict"""
CAMPAIGNS = f"""
    SELECT campaign, min(purpose) AS purpose, bool_or(verdict = 'service') AS service,
           count(*) AS sends, count(DISTINCT person) AS people, min(sent_at) AS first, max(sent_at) AS last,
           count(*) FILTER (WHERE verdict = 'marketing_without_consent') AS marketing_without_consent,
           count(*) FILTER (WHERE verdict = 'marketing_after_opt_out') AS marketing_after_opt_out
    FROM ({JUDGED}) GROUP BY campaign, purpose_key ORDER BY min(sent_at), campaign, purpose_key"""
# Per purpose, now: people holding a valid consent, and people who withdrew and hold none
# (a request's withdrawal counts for each purpose the person had consented to).
CONSENTS = f"""
    WITH per_person AS (
        SELECT person, lower(trim(purpose)) AS purpose_key, min(purpose) AS purpose,
               bool_or(given_at <= $now AND (withdrawn_at IS NULL OR withdrawn_at > $now)
                       AND NOT {_ENDED_BY_REQUEST.format(at="$now")}) AS valid,
               bool_or(withdrawn_at <= $now OR {_ENDED_BY_REQUEST.format(at="$now")}) AS withdrawn
        FROM consents c WHERE origin = 'import' GROUP BY person, purpose_key)
    SELECT min(purpose) AS purpose, count(*) FILTER (WHERE valid) AS valid,
           count(*) FILTER (WHERE withdrawn AND NOT valid) AS withdrawn
    FROM per_person GROUP BY purpose_key ORDER BY purpose_key"""


def service_keys(service_purposes: list[str]) -> list[str]:
    return sorted({purpose.strip().lower() for purpose in service_purposes})


def violations(store: Store, service_purposes: list[str]) -> list[dict]:
    """One row per (rule, campaign, purpose): sends, distinct people, first and last send."""
    return store.rows(VIOLATIONS, {"service": service_keys(service_purposes)})


def marketing_sends(store: Store, service_purposes: list[str]) -> int:
    return store.value("SELECT count(*) FROM campaign_sends s WHERE NOT list_contains($service, "
                       "lower(trim(s.purpose)))", {"service": service_keys(service_purposes)})


def campaigns(store: Store, service_purposes: list[str]) -> list[dict]:
    """Sends per campaign and purpose, service or marketing, with the sends breaking each rule."""
    return store.rows(CAMPAIGNS, {"service": service_keys(service_purposes)})


def consents_by_purpose(store: Store, now: datetime) -> list[dict]:
    return store.rows(CONSENTS, {"now": now})


def summary(store: Store, service_purposes: list[str], now: datetime) -> dict:
    """Aggregates only, for the page and `vern consent summary`: no person is named."""
    return {
        "consents": consents_by_purpose(store, now),
        "request_withdrawals": store.value("SELECT count(DISTINCT person) FROM consents WHERE origin = 'request' "
                                           "AND withdrawn_at <= ?", [now]),
        "campaigns": [{**{k: v for k, v in row.items() if k != "service"},
                       "kind": "service" if row["service"] else "marketing"}
                      for row in campaigns(store, service_purposes)],
    }
