"""The board's compliance summary (issue 8): a score per area, its trend over twelve
months, breaches per quarter by severity, the share notified to Datatilsynet within 72
hours, training coverage, processor agreements in order, retention overruns and
data-subject requests answered on time.

Aggregates only: every number is a DuckDB aggregate over the register. No title,
description, name, address, reason or error text is read, so none can reach the board.

Data-subject requests (issue 9, Art. 12(3)-(4)): over the last twelve months, those
answered (a refusal is an answer too) and of them those answered on time — on or before
the due date in force (the extended one once extended), by the Oslo date of the answer —
and, now, those still open and those open past their due date.

The score of an area (stated on the page and in the PDF, `board.method`): 100 minus the
weight of everything in it that still wants work, never below 0. A finding that is open
or acknowledged weighs 25 (critical), 10 (high), 4 (medium) or 1 (low); resolved,
risk-accepted and closed findings weigh nothing. A breach weighs 25 while it is past its
deadline without the notification it owes (Art. 33(1)), 10 when it was notified late in
the twelve months before, 4 while it awaits notification within its deadline, and 1
while it is otherwise open — each breach once, at its heaviest. The trend applies the
same function at the end of each of the last twelve months, to the findings' history
(finding_events: opened, closed, decided) and the breaches' dates.
"""

from datetime import date, datetime, timedelta
from typing import Any

from audits.backups import taking
from audits.checking import registry
from audits.checking.findings import UNHANDLED
from audits.core import clock, trail
from audits.core.i18n import t
from audits.retention import register as retention
from audits.runtime import Vern
from audits.sources import pulling
from audits.subject_requests import register as subject_requests

WEIGHTS = {"critical": 25, "high": 10, "medium": 4, "low": 1}
BREACH_WEIGHTS = {"overdue": 25, "late": 10, "awaiting": 4, "open": 1}
MONTHS = 12
QUARTERS = 8
YEAR = timedelta(days=365)  # "the last 12 months" of the shares: notified within 72 h, requests on time
LEVELS = ("very_high", "high", "medium", "low", "unassessed")
BREACHES = "breaches"  # scored here, after the areas of the installed checks

POINTS = "(SELECT unnest($months::VARCHAR[]) AS month, unnest($ats::TIMESTAMPTZ[]) AS as_of)"

# Findings that still wanted work at each point, from their history: every status a
# finding held, from one event to the next.
FINDINGS_THEN = f"""
    WITH spans AS (
        SELECT fingerprint, to_status, happened_at AS since,
               lead(happened_at, 1, 'infinity'::TIMESTAMPTZ)
                   OVER (PARTITION BY fingerprint ORDER BY happened_at, id) AS until
        FROM finding_events)
    SELECT p.month, f.check_id, f.severity, count(*) AS n
    FROM spans s JOIN {POINTS} p ON s.since <= p.as_of AND p.as_of < s.until
    JOIN findings f USING (fingerprint)
    WHERE list_contains($unhandled, s.to_status)
    GROUP BY ALL"""

FINDINGS_NOW = "SELECT check_id, severity, count(*) AS n FROM findings WHERE list_contains($unhandled, status) GROUP BY ALL"

# Each breach at each point, in one of the exclusive states that weigh on the score. The
# notification that stops the clock is the first to the authority (as controller) or to
# the chapter (as processor); a decision not to notify stops it too, from when it was made.
BREACHES_THEN = f"""
    WITH notice AS (
        SELECT n.breach_id, min(n.happened_at) AS noticed_at, arg_min(n.late, n.happened_at) AS late
        FROM breach_notifications n JOIN breaches b ON b.id = n.breach_id
        WHERE n.recipient = CASE b.acting_as WHEN 'controller' THEN 'authority' ELSE 'controller' END
        GROUP BY n.breach_id),
    state AS (
        SELECT p.month, p.as_of, b.id, b.deadline_at, b.closed_at, e.noticed_at, coalesce(e.late, false) AS late,
               arg_max(d.notify_authority, d.id) AS decided
        FROM {POINTS} p JOIN breaches b ON b.aware_at <= p.as_of
        LEFT JOIN notice e ON e.breach_id = b.id
        LEFT JOIN breach_decisions d ON d.breach_id = b.id AND d.happened_at <= p.as_of
        GROUP BY ALL),
    judged AS (
        SELECT month, as_of, deadline_at,
               coalesce(closed_at <= as_of, false) AS closed,
               coalesce(closed_at <= as_of, false) = false AND coalesce(noticed_at <= as_of, false) = false
                   AND coalesce(decided, true) AS owes,
               late AND noticed_at <= as_of AND noticed_at > as_of - INTERVAL 12 MONTH AS late_recent
        FROM state)
    SELECT month,
           count(*) FILTER (WHERE owes AND deadline_at < as_of) AS overdue,
           count(*) FILTER (WHERE late_recent) AS late,
           count(*) FILTER (WHERE owes AND deadline_at >= as_of) AS awaiting,
           count(*) FILTER (WHERE NOT owes AND NOT late_recent AND NOT closed) AS open
    FROM judged GROUP BY month"""

# Breaches by the Oslo quarter in which we became aware, by their latest ENISA level.
QUARTERLY = """
    SELECT CAST(date_trunc('quarter', timezone('Europe/Oslo', b.aware_at)) AS DATE) AS quarter,
           coalesce(a.level, 'unassessed') AS level, count(*) AS n
    FROM breaches b
    LEFT JOIN (SELECT breach_id, arg_max(level, id) AS level FROM breach_assessments GROUP BY breach_id) a
        ON a.breach_id = b.id
    WHERE b.aware_at >= $since AND b.aware_at <= $now
    GROUP BY ALL"""

# The share notified to Datatilsynet within 72 hours (Art. 33(1)), over one stated period
# and in agreement with "past the deadline, not notified": the controller breaches that owed
# Datatilsynet a notification and whose deadline fell in the last twelve months — notified
# (in time or late), or still owing it past the deadline (at any age: each of those counts
# against the share, as it counts on the board as overdue). A breach decided not to be
# notified, or closed without a notification, owed none. The notification and the decision
# are those made by `now`, as in BREACHES_THEN.
WITHIN_72H = """
    WITH notice AS (
        SELECT breach_id, min(happened_at) AS first_at FROM breach_notifications
        WHERE recipient = 'authority' AND happened_at <= $now GROUP BY breach_id),
    decided AS (
        SELECT breach_id, arg_max(notify_authority, id) AS notify FROM breach_decisions
        WHERE happened_at <= $now GROUP BY breach_id),
    owed AS (
        SELECT b.deadline_at, n.first_at,
               n.first_at IS NULL AND coalesce(d.notify, true) AND coalesce(b.closed_at > $now, true) AS owes
        FROM breaches b LEFT JOIN notice n ON n.breach_id = b.id LEFT JOIN decided d ON d.breach_id = b.id
        WHERE b.acting_as = 'controller' AND b.aware_at <= $now)
    SELECT count(*) AS counted,
           count(*) FILTER (WHERE first_at <= deadline_at) AS within,
           count(*) FILTER (WHERE first_at > deadline_at) AS late,
           count(*) FILTER (WHERE owes) AS overdue
    FROM owed
    WHERE (first_at IS NOT NULL AND deadline_at > $since) OR (owes AND deadline_at < $now)"""

# Data-subject requests in one pass: per Oslo quarter of the answer, and once over all
# (the grand total of the grouping sets), answered and answered on time, in the last
# twelve months and ever; open and open past due now. The due date in force is the
# extended one once extended (Art. 12(3)); answered_at is set for a refusal too (Art. 12(4)).
# Nothing but counts leaves the query.
REQUESTS = f"""
    WITH r AS (
        SELECT coalesce(answered_at <= $now, false) AS answered,
               coalesce(answered_at >= $since AND answered_at <= $now, false) AS in_year,
               CAST(date_trunc('quarter', timezone('Europe/Oslo', answered_at)) AS DATE) AS quarter,
               {subject_requests.DUE_IN_FORCE} AS due,
               CAST(timezone('Europe/Oslo', answered_at) AS DATE) <= due AS on_time
        FROM requests WHERE received_at <= $now)
    SELECT grouping(quarter) = 1 AS whole, quarter,
           count(*) FILTER (WHERE in_year) AS answered_in_year,
           count(*) FILTER (WHERE in_year AND on_time) AS on_time_in_year,
           count(*) FILTER (WHERE answered) AS answered,
           count(*) FILTER (WHERE answered AND on_time) AS on_time,
           count(*) FILTER (WHERE NOT answered) AS open,
           count(*) FILTER (WHERE NOT answered AND due < $today) AS overdue
    FROM r GROUP BY GROUPING SETS ((quarter), ())"""

LAST_RUNS = """
    SELECT check_id, status FROM check_runs WHERE status <> 'running'
    QUALIFY row_number() OVER (PARTITION BY check_id ORDER BY id DESC) = 1"""


# -- the score ------------------------------------------------------------------------
def score(counts: dict[str, int], weights: dict[str, int]) -> int:
    """100 minus the weighted count of what still wants work, never below 0."""
    return max(0, 100 - sum(weights[key] * counts.get(key, 0) for key in weights))


# -- time -------------------------------------------------------------------------------
def _month_start(year: int, month: int) -> datetime:
    """The first instant of an Oslo calendar month, in UTC."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=clock.OSLO).astimezone(clock.UTC)


def month_points(now: datetime) -> list[tuple[str, datetime]]:
    """(YYYY-MM, as-of instant): the last instant of each of the eleven months before this
    one (Oslo time), then now."""
    local = clock.local(now)
    points = []
    for back in range(MONTHS - 1, 0, -1):
        start = _month_start(local.year, local.month - back)
        end = _month_start(local.year, local.month - back + 1) - timedelta(microseconds=1)
        points.append((clock.local(start).strftime("%Y-%m"), end))
    points.append((local.strftime("%Y-%m"), now))
    return points


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _quarter_before(day: date, back: int) -> date:
    index = day.year * 4 + (day.month - 1) // 3 - back
    return date(index // 4, index % 4 * 3 + 1, 1)


def recent_quarters(today: date, first: date | None = None) -> list[date]:
    """The starts of the last QUARTERS Oslo quarters, this one last; given `first` (the first
    quarter that holds anything), only from it on, so no chart opens with empty quarters."""
    this = _quarter_start(today)
    starts = [_quarter_before(this, back) for back in range(QUARTERS - 1, -1, -1)]
    return [start for start in starts if first is None or start >= first]


def quarter_key(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# -- the parts --------------------------------------------------------------------------
def _finding_counts(rows: list[dict], area_of: dict[str, str]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        area = area_of.get(row["check_id"])
        if area is not None and row["severity"] in WEIGHTS:  # a removed check's findings: no area
            by_severity = counts.setdefault(area, dict.fromkeys(WEIGHTS, 0))
            by_severity[row["severity"]] += row["n"]
    return counts


def _breach_states(store, points: list[tuple[str, datetime]]) -> dict[str, dict[str, int]]:
    params = {"months": [m for m, _ in points], "ats": [a for _, a in points]}
    rows = {r["month"]: r for r in store.rows(BREACHES_THEN, params)}
    return {month: {k: int(rows[month][k]) if month in rows else 0 for k in BREACH_WEIGHTS}
            for month, _ in points}


def unverified_areas(checks: dict, store, sources: dict, now: datetime | None = None) -> dict[str, list[str]]:
    """The areas whose checks judge evidence from a source in doubt (its last pull failed,
    or it brought nothing new for too long), each with those sources' names. Their scores
    would rest on stale evidence: the board and the overview say "not verified" instead."""
    doubtful = pulling.in_doubt(store, sources, now)
    found: dict[str, set[str]] = {}
    for check in checks.values():
        for name, kind in doubtful.items():
            if kind in check.sources:
                found.setdefault(check.area, set()).add(name)
    return {area: sorted(names) for area, names in found.items()}


def _areas(store, checks: dict, points, breach_states, doubted: dict[str, list[str]]) -> tuple[list[dict], list[dict]]:
    """Each area's score now and at each month's end; `doubted` as `unverified_areas` says."""
    area_of = {check_id: check.area for check_id, check in checks.items()}
    order = [*registry.areas(checks), BREACHES]
    unhandled = list(UNHANDLED)
    now_counts = _finding_counts(store.rows(FINDINGS_NOW, {"unhandled": unhandled}), area_of)
    history = store.rows(FINDINGS_THEN, {"months": [m for m, _ in points[:-1]],
                                         "ats": [a for _, a in points[:-1]], "unhandled": unhandled})
    by_month: dict[str, list[dict]] = {}
    for row in history:
        by_month.setdefault(row["month"], []).append(row)
    failed = {r["check_id"] for r in store.rows(LAST_RUNS) if r["status"] == "failed"}
    current = points[-1][0]
    areas = []
    for area in order:
        if area == BREACHES:
            counts = breach_states[current]
            areas.append({"area": area, "score": score(counts, BREACH_WEIGHTS), "open": counts,
                          "checks": [], "failed_last_run": 0, "verified": True, "unverified_sources": []})
            continue
        counts = now_counts.get(area, dict.fromkeys(WEIGHTS, 0))
        ids = [c for c, a in area_of.items() if a == area]
        areas.append({"area": area, "score": score(counts, WEIGHTS), "open": counts, "checks": ids,
                      "failed_last_run": sum(c in failed for c in ids), "verified": area not in doubted,
                      "unverified_sources": doubted.get(area, [])})
    trend = []
    for month, at in points[:-1]:
        counts = _finding_counts(by_month.get(month, []), area_of)
        scores = {a: score(counts.get(a, {}), WEIGHTS) for a in order if a != BREACHES}
        scores[BREACHES] = score(breach_states[month], BREACH_WEIGHTS)
        trend.append({"month": month, "at": clock.iso_utc(at), "scores": scores})
    trend.append({"month": current, "at": clock.iso_utc(points[-1][1]),
                  "scores": {a["area"]: a["score"] for a in areas}})
    return areas, trend


def _quarters(store, now: datetime, states: dict[str, int]) -> dict[str, Any]:
    today = clock.local(now).date()
    since = recent_quarters(today)[0]
    start = datetime(since.year, since.month, 1, tzinfo=clock.OSLO).astimezone(clock.UTC)
    rows = store.rows(QUARTERLY, {"since": start, "now": now})
    quarters = []
    for start in recent_quarters(today, min((r["quarter"] for r in rows), default=_quarter_start(today))):
        levels = dict.fromkeys(LEVELS, 0)
        for row in rows:
            if row["quarter"] == start:
                levels[row["level"]] += row["n"]
        quarters.append({"quarter": quarter_key(start), "total": sum(levels.values()), **levels})
    still_open = store.value("SELECT count(*) FROM breaches WHERE aware_at <= $now "
                             "AND (closed_at IS NULL OR closed_at > $now)", {"now": now})
    return {"quarters": quarters, "this_quarter": quarters[-1], "open": still_open,
            "overdue": states["overdue"], "awaiting": states["awaiting"], "notified_late": states["late"]}


def _within_72h(store, now: datetime) -> dict[str, Any]:
    """Of the breaches owed to Datatilsynet with their deadline in the last twelve months
    (WITHIN_72H): `counted`, of them `within` 72 hours, `late`, and `overdue` (not notified)."""
    since = now - YEAR
    row = store.rows(WITHIN_72H, {"since": since, "now": now})[0]
    return {**{key: int(row[key]) for key in ("counted", "within", "late", "overdue")},
            "share": _share(row["within"], row["counted"]), "since": clock.iso_utc(since)}


def requests_answered(store, now: datetime, since: datetime) -> dict[str, Any]:
    """Data-subject requests answered from `since` up to `now` and of them on time, those
    open at `now` and of them past due, and per Oslo quarter (the last QUARTERS, from the
    first with an answer) answered and on time — one query, counts only."""
    today = clock.local(now).date()
    rows = store.rows(REQUESTS, {"now": now, "since": since, "today": today})
    whole = next(r for r in rows if r["whole"])
    by_quarter = {r["quarter"]: r for r in rows if not r["whole"] and r["quarter"] is not None}
    shown = recent_quarters(today)
    first = min((q for q, r in by_quarter.items() if q >= shown[0] and r["answered"]), default=shown[-1])
    quarters = [(start, by_quarter.get(start, {})) for start in recent_quarters(today, first)]
    answered, on_time = int(whole["answered_in_year"]), int(whole["on_time_in_year"])
    return {
        "answered": answered, "on_time": on_time, "late": answered - on_time, "share": _share(on_time, answered),
        "since": clock.iso_utc(since), "open": int(whole["open"]), "overdue": int(whole["overdue"]),
        "quarters": [{"quarter": quarter_key(start), "answered": int(row.get("answered", 0)),
                      "on_time": int(row.get("on_time", 0))} for start, row in quarters],
    }


def _training(store, check, now: datetime, points) -> dict[str, Any]:
    """Coverage as the training check measured it at its runs (none without the check)."""
    runs = check.coverage(store, now) if check else []
    latest = runs[-1] if runs else None
    trend = []
    for month, at in points:
        last = next((r for r in reversed(runs) if r["run_at"] <= at), None)
        if last is not None and clock.local(last["run_at"]).strftime("%Y-%m") == month:
            trend.append({"month": month, "share": _share(int(last["covered"]), int(last["required"]))})
    if latest is None:
        return {"required": None, "covered": None, "share": None, "at": None, "trend": trend}
    required, covered = int(latest["required"]), int(latest["covered"])
    return {"required": required, "covered": covered, "share": _share(covered, required),
            "at": clock.iso_utc(latest["run_at"]), "trend": trend}


def _agreements(vern: Vern, today: date) -> dict[str, Any]:
    """Processor agreements as the processors check judges them (none without the check)."""
    check = vern.checks.get("processors")
    settings = vern.config.check(check.id) if check else {}
    rows = check.status(vern.store, settings, today) if check else []
    counts = {key: sum(r["problem"] == f"dpa_{key}" for r in rows) for key in ("missing", "expired", "review_overdue")}
    in_order = len(rows) - sum(counts.values())
    return {"total": len(rows), "in_order": in_order, "share": _share(in_order, len(rows)),
            "review_months": settings.get("review_months"), **counts}


def _retention(store, today: date) -> dict[str, Any]:
    rows = retention.summary(store, today)
    return {"records": int(sum(r["records"] for r in rows)), "overdue": int(sum(r["overdue"] for r in rows)),
            "systems_overdue": len({r["system"] for r in rows if r["overdue"]}),
            "categories_without_rule": sum(not r["has_rule"] for r in rows)}


def summary(vern: Vern, now: datetime | None = None) -> dict[str, Any]:
    """Every number of the board summary as of `now` (default: the clock), JSON-ready.
    The same dict feeds the page, the PDF and `vern report board --json`."""
    now = (now or clock.now()).astimezone(clock.UTC)
    today = clock.local(now).date()
    store = vern.store
    points = month_points(now)
    states = _breach_states(store, points)
    in_use = {check_id: check for check_id, check in vern.checks.items() if check.in_use(vern.config)}
    areas, trend = _areas(store, in_use, points, states, unverified_areas(in_use, store, vern.config.sources, now))
    return {
        "as_of": clock.iso_utc(now),
        "today": today.isoformat(),
        "method": {"finding_weights": WEIGHTS, "breach_weights": BREACH_WEIGHTS,
                   "trend": "month_end_from_finding_events"},
        "areas": areas,
        "trend": trend,
        "breaches": _quarters(store, now, states[points[-1][0]]),
        "notified_within_72h": _within_72h(store, now),
        "training": _training(store, vern.checks.get("training"), now, points),
        "agreements": _agreements(vern, today),
        "retention": _retention(store, today),
        "requests": requests_answered(store, now, now - YEAR),
        "trail": trail.signed_head(store),  # the audit trail's head, signed: printed in the PDF
        "backups": taking.currency(store, vern.config, now),
    }


# -- words ----------------------------------------------------------------------------
def percent(share: float | None, lang: str) -> str:
    return "—" if share is None else t("board.percent", lang, n=round(share * 100))


def quarter_label(key: str, lang: str) -> str:
    year, quarter = key.split("-Q")
    return t("board.quarter", lang, year=year, q=quarter)


def weakest(data: dict[str, Any]) -> dict[str, Any] | None:
    """The verified area with the lowest score (the first in order on a tie); None when no
    area is verified."""
    verified = [a for a in data["areas"] if a["verified"]]
    return min(verified, key=lambda a: a["score"]) if verified else None


def unverified(data: dict[str, Any], lang: str) -> str | None:
    """The sentence that names the areas not verified, or None when every area is."""
    names = [registry.area_title(a["area"], lang) for a in data["areas"] if not a["verified"]]
    return t("board.say.unverified", lang, areas=", ".join(names), n=len(names)) if names else None


def narrative(data: dict[str, Any], lang: str) -> list[str]:
    """A few sentences for the board: the weakest area, breaches this quarter, notification
    within 72 hours, training, agreements, retention and data-subject requests. Numbers
    only, no names."""
    low, doubted = weakest(data), unverified(data, lang)
    sentences = [doubted] if doubted else []
    if low is not None:
        sentences.append(t("board.say.all_full" if doubted is None else "board.say.verified_full", lang)
                         if low["score"] == 100 else
                         t("board.say.weakest", lang, area=registry.area_title(low["area"], lang), score=low["score"]))
    quarter, counts = data["breaches"]["this_quarter"], data["breaches"]
    serious = quarter["high"] + quarter["very_high"]
    sentences.append(t("board.say.quarter", lang, n=quarter["total"], serious=serious))
    if counts["overdue"]:
        sentences.append(t("board.say.overdue", lang, n=counts["overdue"]))
    within = data["notified_within_72h"]
    sentences.append(t("board.say.within", lang, share=percent(within["share"], lang), within=within["within"],
                       n=within["counted"]) if within["counted"] else t("board.say.within_none", lang))
    training = data["training"]
    sentences.append(t("board.say.training", lang, share=percent(training["share"], lang),
                       covered=training["covered"], required=training["required"])
                     if training["share"] is not None else t("board.say.training_none", lang))
    agreements = data["agreements"]
    if agreements["total"]:
        sentences.append(t("board.say.agreements", lang, n=agreements["in_order"], total=agreements["total"]))
    overdue = data["retention"]["overdue"]
    sentences.append(t("board.say.retention", lang, n=overdue, systems=data["retention"]["systems_overdue"])
                     if overdue else t("board.say.retention_none", lang))
    return sentences + requests_sentences(data["requests"], lang) + [backups_sentence(data["backups"], lang)]


def backups_sentence(figures: dict[str, Any], lang: str) -> str:
    """Whether backups are current, with the days of the last backup and verification (no paths)."""
    def day(key: str) -> str:
        return clock.show_day(clock.local(clock.instant(figures[key])).date(), lang) if figures[key] else \
            t("backups.never", lang)
    said = "board.say.backups_current" if figures["current"] else \
        "board.say.backups_file_gone" if figures["gone"] else "board.say.backups_not_current"
    return t(said, lang, made=day("made_at"), verified=day("verified_at"))


def requests_by_quarter(figures: dict[str, Any], lang: str) -> str:
    """'Q3 2026: 2 of 2 on time; Q4 2026: 3 of 4 on time'."""
    return "; ".join(t("board.requests_quarter", lang, quarter=quarter_label(q["quarter"], lang),
                       on_time=q["on_time"], n=q["answered"]) for q in figures["quarters"])


def requests_sentences(figures: dict[str, Any], lang: str) -> list[str]:
    """Data-subject requests in words: answered on time in the last 12 months, open now."""
    said = [t("board.say.requests", lang, on_time=figures["on_time"], n=figures["answered"],
              share=percent(figures["share"], lang))
            if figures["answered"] else t("board.say.requests_none", lang)]
    if figures["open"]:
        said.append(t("board.say.requests_open", lang, n=figures["open"], overdue=figures["overdue"]))
    return said
