"""The adviser's review queue: one list of everything that wants a human decision, most
urgent first, and the weekly review over it.

Items come from three sources, gathered in one SQL query so the queue stays fast with
hundreds of thousands of findings: findings that still want work (new, reopened,
acknowledged, or a risk acceptance whose review date has come); breaches whose
notification clock is running; processor agreements that expire soon. Findings keep their
own lifecycle (audits.findings); decisions on the other items, and assignments of any
item, are kept in `review_decisions`. Every decision lands in the audit trail.
"""

from datetime import date, datetime, timedelta
from typing import Any

from audits.checking import findings
from audits.checking.registry import installed
from audits.core import clock, text, trail
from audits.core.config import Config
from audits.core.errors import VernError
from audits.core.i18n import t
from audits.core.store import Store
from audits.subject_requests import register as subject_requests

ACTIONS = ("acknowledged", "assigned", "resolved", "risk_accepted")
KINDS = ("finding", "breach", "agreement", "request")
CLOCK_RULES = ("dsr_overdue", "dsr_due_soon")  # a request's own queue item stands for these findings
URGENCY = {"critical": 3, "high": 2, "medium": 1, "low": 0}
BREACH_NEAR_HOURS = 24
LIMIT = 200  # rows the page shows; the counts cover every item
CHANGES_SHOWN = 500

# The latest decision on each item that is no finding, and the latest assignment of any.
_LATEST = """
    SELECT item, arg_max(action, id) FILTER (WHERE action <> 'assigned') AS decided,
           arg_max(review_on, id) FILTER (WHERE action <> 'assigned') AS decided_review_on,
           arg_max(assignee, id) FILTER (WHERE action = 'assigned') AS assignee,
           arg_max(due_on, id) FILTER (WHERE action = 'assigned') AS assigned_due
    FROM review_decisions GROUP BY item"""
_FINDINGS = """
    SELECT 'finding:' || f.fingerprint AS item, 'finding' AS kind, coalesce(a.area, f.check_id) AS area,
           f.severity AS urgency, f.status AS state, f.rule, f.subject, f.message_nb AS text_nb,
           f.message_en AS text_en, CAST(f.review_on AS TIMESTAMPTZ) AS due, f.first_seen AS since,
           f.reopened_count > 0 AND f.status = 'open' AS reopened, f.fingerprint AS ref
    FROM findings f LEFT JOIN (SELECT unnest($checks::VARCHAR[]) AS check_id, unnest($areas::VARCHAR[]) AS area) a
         USING (check_id)
    WHERE (f.status IN ('open', 'acknowledged') OR (f.status = 'risk_accepted' AND f.review_on <= $today))
      AND NOT list_contains($clock_rules, f.rule)"""
# A breach whose clock runs: not closed, its first notice not given, and no decision that
# no notice is owed (as audits.breaches judges it).
_BREACHES = """
    SELECT 'breach:' || b.id AS item, 'breach' AS kind, 'breaches' AS area,
           CASE WHEN b.deadline_at < $now THEN 'critical'
                WHEN b.deadline_at < $now + to_hours($near) THEN 'high' ELSE 'medium' END AS urgency,
           'open' AS state, 'breach_clock' AS rule, CAST(b.id AS VARCHAR) AS subject, NULL AS text_nb,
           NULL AS text_en, b.deadline_at AS due, b.created_at AS since, false AS reopened,
           CAST(b.id AS VARCHAR) AS ref
    FROM breaches b
    WHERE b.status <> 'closed'
      AND NOT EXISTS (SELECT 1 FROM breach_notifications n WHERE n.breach_id = b.id
                      AND n.recipient = CASE b.acting_as WHEN 'controller' THEN 'authority' ELSE 'controller' END)
      AND coalesce((SELECT arg_max(d.notify_authority, d.id) FROM breach_decisions d WHERE d.breach_id = b.id),
                   true)"""
_AGREEMENTS = """
    SELECT 'agreement:' || p.name || ' – ' || p.service || ':' || p.dpa_expires_on AS item,
           'agreement' AS kind, 'processors' AS area,
           CASE WHEN p.dpa_expires_on <= $today + 14 THEN 'high' ELSE 'medium' END AS urgency,
           'open' AS state, 'agreement_expiring' AS rule,
           CASE WHEN p.service = '' THEN p.name ELSE p.name || ' – ' || p.service END AS subject,
           NULL AS text_nb, NULL AS text_en, CAST(p.dpa_expires_on AS TIMESTAMPTZ) AS due,
           p.imported_at AS since, false AS reopened, p.name AS ref
    FROM processors p
    WHERE p.dpa_signed_on IS NOT NULL AND p.dpa_expires_on BETWEEN $today AND $today + $agreement_days"""
# An open data-subject request due within a week, or overdue (Art. 12(3)). It stands in the
# queue for the requests check's findings on its clock (CLOCK_RULES), which stay out: one
# item per request, live, and gone once the request is answered.
_REQUESTS = f"""
    SELECT 'request:' || r.id AS item, 'request' AS kind, 'requests' AS area,
           CASE WHEN {subject_requests.DUE_IN_FORCE} < $today THEN 'critical' ELSE 'high' END AS urgency,
           'open' AS state, 'request_due' AS rule, '#' || r.id AS subject,
           NULL AS text_nb, NULL AS text_en, CAST({subject_requests.DUE_IN_FORCE} AS TIMESTAMPTZ) AS due,
           r.logged_at AS since, false AS reopened, CAST(r.id AS VARCHAR) AS ref
    FROM requests r
    WHERE r.status IN ('received', 'in_progress')
      AND {subject_requests.DUE_IN_FORCE} <= $today + $request_days"""
# Items with their state. A non-finding item resolved, or accepted until a review date not
# yet come, leaves the queue.
ITEMS = f"""
    SELECT i.*, CASE WHEN i.kind = 'finding' THEN i.state ELSE coalesce(l.decided, i.state) END AS status,
           l.assignee, l.assigned_due
    FROM ({_FINDINGS} UNION ALL {_BREACHES} UNION ALL {_AGREEMENTS} UNION ALL {_REQUESTS}) i LEFT JOIN ({_LATEST}) l USING (item)
    WHERE i.kind = 'finding' OR l.decided IS NULL OR l.decided IN ('acknowledged', 'open')
       OR (l.decided = 'risk_accepted' AND l.decided_review_on <= $today)"""
ORDER = """
    ORDER BY CASE urgency WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END DESC,
             status = 'open' DESC, due ASC NULLS LAST, since DESC, item"""


def _params(config: Config, now: datetime, today: date) -> dict[str, Any]:
    checks = installed()
    return {"checks": list(checks), "areas": [c.area for c in checks.values()], "now": now, "today": today,
            "near": BREACH_NEAR_HOURS, "agreement_days": config.review["agreement_days"],
            "request_days": subject_requests.DUE_SOON_DAYS, "clock_rules": list(CLOCK_RULES)}


def queue(store: Store, config: Config, area: str | None = None, kind: str | None = None,
          limit: int = LIMIT) -> dict[str, Any]:
    """The most urgent items (at most `limit`, filtered by area and kind) and the counts of
    all of them by area, kind and urgency."""
    now, today = clock.now(), clock.today()
    params = _params(config, now, today)
    where, filters = [], {}
    if area:
        where.append("area = $area")
        filters["area"] = area
    if kind:
        where.append("kind = $kind")
        filters["kind"] = kind
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    rows = store.rows(f"SELECT * FROM ({ITEMS}) {condition} {ORDER} LIMIT $limit",
                      {**params, **filters, "limit": limit})
    counts = store.rows(f"SELECT area, kind, urgency, count(*) AS n FROM ({ITEMS}) GROUP BY ALL", params)
    shown = [int(row["ref"]) for row in rows if row["kind"] == "breach"]
    titles = {r["id"]: r["title"] for r in store.rows(  # encrypted: opened for the shown rows only
        "SELECT id, title FROM breaches WHERE list_contains($ids, id)", {"ids": shown})} if shown else {}
    asked = [int(row["ref"]) for row in rows if row["kind"] == "request"]
    kinds = {r["id"]: r["kind"] for r in store.rows(
        "SELECT id, kind FROM requests WHERE list_contains($ids, id)", {"ids": asked})} if asked else {}
    for row in rows:
        if row["kind"] == "breach":
            row["subject"] = f"#{row['ref']} {store.keys.decrypt(titles[int(row['ref'])], 'breaches.title')}"
        if row["kind"] == "request":
            row["request_kind"] = kinds[int(row["ref"])]  # named in the reader's language (digest.item_text)
    matching = sum(c["n"] for c in counts if (not area or c["area"] == area) and (not kind or c["kind"] == kind))
    return {"items": rows, "counts": counts, "total": sum(c["n"] for c in counts), "matching": matching}


def item_name(store: Store, item: str, lang: str) -> str:
    """A decided item by its name, not its key (finding:…, breach:2): the finding's message,
    the breach or request by number, the agreement by processor and service."""
    kind, _, key = item.partition(":")
    kind_name = t(f"review.kind.{kind}", lang) if kind in KINDS else kind
    if kind == "finding":
        try:
            return findings.get(store, key)[f"message_{lang}"]
        except VernError:  # gone since: its kind is all there is to say
            return kind_name
    if kind == "agreement":
        return key.rpartition(":")[0]
    return f"{kind_name} #{key}"


def _split(item: str) -> tuple[str, str]:
    kind, _, key = item.partition(":")
    if kind not in KINDS or not key:
        raise VernError("review.refused.not_item", field="items", item=repr(item))
    return kind, key


def decide(store: Store, config: Config, actor: str, items: list[str], action: str, note: str = "",
           assignee: str | None = None, due_on: date | None = None, review_on: date | None = None) -> int:
    """One decision on one or more items of the same kind, in one transaction: acknowledged,
    assigned (to a user, with a due date), resolved (what was done) or risk_accepted (a
    reason and a review date). Returns how many items were decided."""
    if action not in ACTIONS:
        raise VernError("review.refused.action", field="action", allowed=", ".join(ACTIONS))
    if not items:
        raise VernError("review.refused.no_items", field="items")
    kinds = {_split(item)[0] for item in items}
    if len(kinds) > 1:
        raise VernError("review.refused.kinds", field="items", kinds=", ".join(sorted(kinds)))
    note = text.clean(note, "note")
    if action == "resolved" and not note:
        raise VernError("review.refused.no_note", field="note")
    if action == "risk_accepted" and (not note or review_on is None):
        raise VernError("review.refused.risk", field="note" if not note else "review_on")
    if action == "assigned":
        assignee = text.clean(assignee, "assignee", 200)
        if not assignee or due_on is None:
            raise VernError("review.refused.assignment", field="assignee" if not assignee else "due_on")
        if not store.value("SELECT count(*) FROM users WHERE username = ? AND NOT disabled", [assignee]):
            raise VernError("review.refused.assignee", field="assignee")
    now, items = clock.now(), list(dict.fromkeys(items))
    waiting = {row["item"] for row in store.rows(
        f"SELECT item FROM ({ITEMS}) WHERE list_contains($items, item)",
        {**_params(config, now, clock.today()), "items": items})}
    unknown = [item for item in items if item not in waiting]
    if unknown:
        raise VernError("review.refused.not_waiting", field="items", item=repr(unknown[0]))
    with store.transaction() as tx:
        for item in items:
            kind, key = _split(item)
            if kind == "finding" and action != "assigned":
                findings.decide(tx, store, key, action, actor, note, review_on)
            tx.execute(
                "INSERT INTO review_decisions (item, kind, action, actor, decided_at, note, assignee, due_on, "
                "review_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [item, kind, action, actor, now, store.keys.encrypt(note or None, "review_decisions.note"),
                 assignee if action == "assigned" else None, due_on if action == "assigned" else None,
                 review_on if action == "risk_accepted" else None])
            if not (kind == "finding" and action != "assigned"):  # findings.decide recorded it
                trail.append(tx, actor, f"review.{action}", item,
                             {"assignee": assignee, "due_on": due_on.isoformat() if due_on else None,
                              "review_on": review_on.isoformat() if review_on else None})
    return len(items)


# -- the weekly review ----------------------------------------------------------------
def last_review(store: Store) -> datetime | None:
    return store.value("SELECT max(held_at) FROM review_sessions")


def hold(store: Store, actor: str) -> datetime:
    """Mark the weekly review done: the next "this week" starts here."""
    now = clock.now()
    with store.transaction() as tx:
        tx.execute("INSERT INTO review_sessions VALUES (?, ?)", [now, actor])
        trail.append(tx, actor, "review.held", "")
    return now


def this_week(store: Store, since: datetime | None = None) -> dict[str, Any]:
    """What changed since the last review (or the last seven days): findings new, reopened
    and closed by Vern, breaches logged, and every decision taken."""
    since = since or last_review(store) or clock.now() - timedelta(days=7)
    changes = store.rows(  # the newest CHANGES_SHOWN; the counts cover them all
        "SELECT f.fingerprint, f.check_id, f.rule, f.severity, f.subject, f.message_nb, f.message_en, "
        "       e.happened_at, CASE WHEN e.from_status IS NULL THEN 'new' "
        "                           WHEN e.to_status = 'open' THEN 'reopened' ELSE 'closed' END AS change "
        "FROM finding_events e JOIN findings f USING (fingerprint) "
        "WHERE e.actor = 'vern' AND e.happened_at > ? "
        "ORDER BY e.happened_at DESC, f.fingerprint LIMIT ?", [since, CHANGES_SHOWN])
    counted = store.rows(
        "SELECT CASE WHEN from_status IS NULL THEN 'new' WHEN to_status = 'open' THEN 'reopened' "
        "ELSE 'closed' END AS change, count(*) AS n FROM finding_events "
        "WHERE actor = 'vern' AND happened_at > ? GROUP BY ALL", [since])
    decisions = store.rows(
        "SELECT item, kind, action, actor, decided_at, note, assignee, due_on, review_on FROM review_decisions "
        "WHERE decided_at > ? ORDER BY decided_at DESC, id DESC LIMIT ?", [since, CHANGES_SHOWN])
    for row in decisions:
        row["note"] = store.keys.decrypt(row["note"], "review_decisions.note")
    breaches = store.value("SELECT count(*) FROM breaches WHERE created_at > ?", [since])
    return {"since": since, "changes": changes, "counts": {row["change"]: row["n"] for row in counted},
            "decisions": decisions, "breaches_logged": breaches}
