"""Access to personal data is limited to those who need it (GDPR Art. 5(1)(f), 25(2),
32(4)) — judged from the access logs Microsoft 365, Google Workspace, AWS and the CRMs
really write, against the people directory, the system list and the access grants.

Events on resources no system claims are kept but not judged, except sign-ins, which
concern the account itself. Each rule is one SQL query over the stored events.
"""

import re
import shutil
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from audits import access_logs, clock
from audits.access_formats import FORMATS
from audits.checks import Check, CheckContext, Finding, Rule, Severity
from audits.errors import VernError
from audits.i18n import Text

_WHO = "{actor}"
RULES = (
    Rule(
        "access_unknown_actor", Severity.high, "Art. 5(1)(f), 32(1)(b)",
        Text("Tilgang fra ukjent konto", "Access by an unknown account"),
        Text(f"{_WHO}, som ikke er i personkatalogen, har {{count}} hendelser i {{systems}} "
             "fra {first} til {last}.",
             f"{_WHO}, who is not in the people directory, has {{count}} events in {{systems}} "
             "from {first} to {last}."),
        Text("Finn ut hvem kontoen tilhører. Legg personen inn i katalogen, eller steng kontoen "
             "og vurder om det er et avvik.",
             "Find out whose account this is. Add the person to the directory, or close the "
             "account and consider whether this is a breach."),
    ),
    Rule(
        "access_after_offboarding", Severity.high, "Art. 5(1)(f), 32(1)(b)",
        Text("Tilgang etter fratreden", "Access after leaving"),
        Text(f"{_WHO} sluttet {{left_on}}, men har {{count}} hendelser i {{systems}} "
             "fra {first} til {last}.",
             f"{_WHO} left on {{left_on}} but has {{count}} events in {{systems}} "
             "from {first} to {last}."),
        Text("Steng kontoen og fjern tilgangene nå, og vurder om dette er et personvernavvik.",
             "Close the account and remove its access now, and consider whether this is a breach."),
    ),
    Rule(
        "access_without_grant", Severity.medium, "Art. 25(2), 32(4)",
        Text("Tilgang uten tjenstlig behov", "Access without a grant"),
        Text(f"{_WHO} brukte {{system}} {{count}} ganger fra {{first}} til {{last}} "
             "uten registrert tilgang.",
             f"{_WHO} used {{system}} {{count}} times from {{first}} to {{last}} "
             "without a recorded grant."),
        Text("Registrer tilgangen hvis behovet er reelt; ellers fjern den i systemet.",
             "Record the grant if the need is real; otherwise remove the access in the system."),
    ),
    Rule(
        "access_bulk_export", Severity.high, "Art. 5(1)(f), 33(1)",
        Text("Uvanlig stor nedlasting", "Unusually large download"),
        Text(f"{_WHO} lastet ned eller eksporterte {{count}} poster fra {{systems}} {{day}}; "
             "vanlig er {baseline} per dag.",
             f"{_WHO} downloaded or exported {{count}} records from {{systems}} on {{day}}; "
             "their usual is {baseline} a day."),
        Text("Spør personen hva nedlastingen gjaldt. Uten god grunn: opprett et avvik.",
             "Ask the person what the download was for. Without a good reason: log a breach."),
    ),
    Rule(
        "access_failed_signins", Severity.medium, "Art. 32(1)(b)",
        Text("Mange mislykkede innlogginger", "Burst of failed sign-ins"),
        Text(f"{{count}} mislykkede innlogginger på {_WHO} innen {{minutes}} minutter, "
             "{first}–{last}.",
             f"{{count}} failed sign-ins for {_WHO} within {{minutes}} minutes, {{first}}–{{last}}."),
        Text("Sjekk om kontoen er under angrep: krev nytt passord og tofaktor, og se etter "
             "vellykket innlogging rett etter.",
             "Check whether the account is under attack: reset the password, enforce MFA, and "
             "look for a successful sign-in right after."),
    ),
    Rule(
        "access_out_of_hours", Severity.low, "Art. 32(1)(b)",
        Text("Bruk utenom arbeidstid", "Use out of hours"),
        Text(f"{_WHO} brukte {{systems}} {{count}} ganger {{day}} utenom arbeidstid "
             "({first}–{last}, Oslo-tid).",
             f"{_WHO} used {{systems}} {{count}} times on {{day}} out of hours "
             "({first}–{last}, Oslo time)."),
        Text("Som regel i orden; se etter mønstre sammen med andre funn.",
             "Usually fine; look for patterns together with other findings."),
    ),
)

NIGHT = "(oslo_hour >= $night_from OR oslo_hour < $night_until OR isodow(oslo_day) >= 6)"


def _judged(source: str) -> str:
    """The events the rules judge — sign-ins, and anything on a resource a system claims —
    with what the rules ask of them."""
    return f"""
    SELECT x.*, r.system, coalesce(s.holds_personal_data, false) AS personal,
           p.person IS NOT NULL AS known, p.left_on
    FROM ({source}) x
    LEFT JOIN access_resources r USING (resource)
    LEFT JOIN systems s ON s.name = r.system
    LEFT JOIN people p ON p.person = x.actor
    WHERE r.system IS NOT NULL OR x.action IN ('signin', 'signin_failed')"""


# One row per event (the drill-down), or per account, resource, day and action (the rules:
# ten million events are a few hundred thousand such rows, joined once).
EVENTS = _judged(f"SELECT *, {NIGHT} AS night, 1 AS n, records AS recs, "
                 "happened_at AS first, happened_at AS last FROM access_events")
DAILY = _judged(f"SELECT actor, service, resource, oslo_day, action, {NIGHT} AS night, count(*) AS n, "
                "sum(records) AS recs, min(happened_at) AS first, max(happened_at) AS last "
                "FROM access_events GROUP BY ALL")
NOT_ACCESS = "('signin', 'signin_failed', 'denied')"  # the account, not a system's data
# Which events each rule counts: the findings aggregate them, the drill-down lists them.
COUNTS = {
    "access_unknown_actor": "NOT service AND NOT known AND action NOT IN ('signin_failed', 'denied')",
    "access_after_offboarding": "oslo_day > left_on AND action NOT IN ('signin_failed', 'denied')",
    "access_without_grant": f"personal AND known AND NOT service AND action NOT IN {NOT_ACCESS} "
                            "AND (left_on IS NULL OR oslo_day <= left_on)",  # and no grant that day
    "access_bulk_export": "personal AND NOT service AND action IN ('download', 'export')",
    "access_failed_signins": "action = 'signin_failed'",  # within a burst
    "access_out_of_hours": f"personal AND NOT service AND action NOT IN {NOT_ACCESS} AND night",
}
GRANTED = """EXISTS (SELECT 1 FROM grants g WHERE g.person = {t}.actor AND g.system = {t}.system
             AND g.granted_on <= {t}.oslo_day AND (g.revoked_on IS NULL OR {t}.oslo_day <= g.revoked_on))"""
BURSTS = f"""
    WITH failed AS (
        SELECT actor, oslo_day, happened_at, count(*) OVER burst AS n, min(happened_at) OVER burst AS started
        FROM access_events WHERE {COUNTS["access_failed_signins"]}
        WINDOW burst AS (PARTITION BY actor ORDER BY happened_at
                         RANGE BETWEEN to_minutes($minutes) PRECEDING AND CURRENT ROW))
    SELECT actor, oslo_day, max(n) AS n, min(started) AS first, max(happened_at) AS last
    FROM failed WHERE n >= $threshold GROUP BY actor, oslo_day
"""
_SYSTEMS = "list_sort(list(DISTINCT system) FILTER (WHERE system IS NOT NULL))"
INBOX = "access-logs"  # data/inbox/access-logs/<format>/


def _systems(names: list[str] | None) -> str:
    return ", ".join(names) if names else "sign-in"


class AccessLogsCheck(Check):
    id = "access_logs"
    title = Text("Tilgang til personopplysninger", "Access to personal data")
    area = "access"
    schedule = "30 */6 * * *"
    settings = {
        "retention_months": 13,  # raw events are personal data too
        "bulk_floor": 100,  # records a day below which no download is unusual
        "bulk_factor": 5,  # times the actor's own daily average
        "baseline_days": 30,
        "failed_signins": 10,  # failures within failed_minutes that make a burst
        "failed_minutes": 10,
        "night_from": 22,  # Oslo hours; weekends are out of hours all day
        "night_until": 6,
    }
    rules = RULES

    @classmethod
    def check_settings(cls, settings: dict) -> None:
        for key in ("retention_months", "bulk_floor", "bulk_factor", "baseline_days",
                    "failed_signins", "failed_minutes"):
            if settings[key] < 1:
                raise ValueError(f"{key}: must be at least 1")
        for key in ("night_from", "night_until"):
            if not 0 <= settings[key] <= 23:
                raise ValueError(f"{key}: must be an hour from 0 to 23")

    def collect(self, ctx: CheckContext) -> int:
        failed = []
        for fmt in FORMATS:
            folder = ctx.inbox.parent / INBOX / fmt
            failed += _import_inbox(ctx, folder, fmt)
        access_logs.purge(ctx.store, ctx.today, ctx.settings["retention_months"], ctx.actor)
        if failed:
            raise VernError("access logs refused, moved to failed/: " + "; ".join(failed))
        return ctx.store.value("SELECT count(*) FROM access_events")

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        s = ctx.settings
        params = {"night_from": s["night_from"], "night_until": s["night_until"],
                  "days": s["baseline_days"], "floor": s["bulk_floor"], "factor": s["bulk_factor"]}
        for row in ctx.store.rows(RULES_SQL, params):
            rule, actor = row["rule"], row["actor"]
            if rule == "access_unknown_actor":
                yield _finding(rule, actor, row)
            elif rule == "access_after_offboarding":
                yield _finding(rule, actor, row, left_on=row["left_on"].isoformat())
            elif rule == "access_without_grant":
                yield _finding(rule, f"{actor} · {row['system']}", row, system=row["system"])
            elif rule == "access_bulk_export":
                yield _finding(rule, f"{actor} · {row['day']}", row, day=row["day"].isoformat(),
                               baseline=round(float(row["baseline"]), 1))
            else:
                yield _finding(rule, f"{actor} · {row['day']}", row, day=row["day"].isoformat())
        for row in ctx.store.rows(BURSTS, {"minutes": s["failed_minutes"], "threshold": s["failed_signins"]}):
            yield _finding("access_failed_signins", f"{row['actor']} · {row['oslo_day']}", row,
                           minutes=s["failed_minutes"])


_SUMMARY = "sum(n) AS n, min(first) AS first, max(last) AS last"
# Every rule but the burst of failed sign-ins (which needs each instant) from one pass
# over the events: the daily rows are built once and read by each rule.
RULES_SQL = f"""
WITH daily AS MATERIALIZED ({DAILY}),
ungranted AS (
    SELECT actor, system, oslo_day, {_SUMMARY} FROM daily
    WHERE {COUNTS["access_without_grant"]} GROUP BY actor, system, oslo_day),
downloads AS MATERIALIZED (
    SELECT actor, oslo_day, sum(recs) AS n, min(first) AS first, max(last) AS last, {_SYSTEMS} AS systems
    FROM daily WHERE {COUNTS["access_bulk_export"]} GROUP BY actor, oslo_day),
bulk AS (
    SELECT c.actor, c.oslo_day, c.n, c.first, c.last, c.systems,
           coalesce(sum(d.n), 0) / $days AS baseline
    FROM downloads c LEFT JOIN downloads d
      ON d.actor = c.actor AND d.oslo_day >= c.oslo_day - to_days($days) AND d.oslo_day < c.oslo_day
    WHERE c.n >= $floor
    GROUP BY c.actor, c.oslo_day, c.n, c.first, c.last, c.systems)
SELECT 'access_unknown_actor' AS rule, actor, {_SUMMARY}, {_SYSTEMS} AS systems
FROM daily WHERE {COUNTS["access_unknown_actor"]} GROUP BY actor
UNION ALL BY NAME
SELECT 'access_after_offboarding' AS rule, actor, left_on, {_SUMMARY}, {_SYSTEMS} AS systems
FROM daily WHERE {COUNTS["access_after_offboarding"]} GROUP BY actor, left_on
UNION ALL BY NAME
SELECT 'access_without_grant' AS rule, actor, system, {_SUMMARY}
FROM ungranted u WHERE NOT {GRANTED.format(t="u")} GROUP BY actor, system
UNION ALL BY NAME
SELECT 'access_bulk_export' AS rule, actor, oslo_day AS day, n, first, last, systems, baseline
FROM bulk WHERE n > $factor * baseline
UNION ALL BY NAME
SELECT 'access_out_of_hours' AS rule, actor, oslo_day AS day, {_SUMMARY}, {_SYSTEMS} AS systems
FROM daily WHERE {COUNTS["access_out_of_hours"]} GROUP BY actor, oslo_day
"""


def behind(store, settings: dict, rule: str, subject: str, limit: int = 500) -> list[dict]:
    """Exactly the events an access finding counted, newest first, from its subject:
    `ACTOR`, `ACTOR · SYSTEM` or `ACTOR · DAY`."""
    actor, _, rest = subject.partition(" · ")
    where = [COUNTS[rule], "actor = $actor"]
    params = {"actor": actor, "night_from": settings["night_from"], "night_until": settings["night_until"]}
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", rest):
        where.append("oslo_day = $day")
        params["day"] = date.fromisoformat(rest)
    elif rest:
        where.append("system = $system")
        params["system"] = rest
    if rule == "access_without_grant":
        where.append(f"NOT {GRANTED.format(t='e')}")
    if rule == "access_failed_signins":
        burst = store.rows(f"SELECT * FROM ({BURSTS}) WHERE actor = $actor AND oslo_day = $day",
                           {"minutes": settings["failed_minutes"], "threshold": settings["failed_signins"],
                            "actor": actor, "day": params["day"]})
        if not burst:
            return []
        where.append("happened_at BETWEEN $first AND $last")
        params.update(first=burst[0]["first"], last=burst[0]["last"])
    return store.rows(
        "SELECT happened_at, source, system, action, operation, object, source_ip, records "
        f"FROM ({EVENTS}) e WHERE {' AND '.join(where)} ORDER BY happened_at DESC LIMIT $limit",
        {**params, "limit": limit})


def _finding(rule: str, subject: str, row: dict, **values) -> Finding:
    names = row.get("systems") or ([row["system"]] if row.get("system") else [])
    return Finding(rule, subject, {
        "actor": row["actor"], "count": int(row["n"]), "first": clock.show(row["first"]),
        "last": clock.show(row["last"]), "systems": _systems(names), "system_list": names,
        "first_at": clock.iso_utc(row["first"]), "last_at": clock.iso_utc(row["last"]), **values})


def _import_inbox(ctx: CheckContext, folder: Path, fmt: str) -> list[str]:
    """Import what was dropped; a refused file goes to failed/ and the others still land."""
    if not folder.is_dir():
        return []
    waiting = sorted(p for p in folder.iterdir() if not p.name.startswith(".")
                     and p.name not in ("imported", "failed"))
    if not waiting:
        return []
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    try:
        access_logs.import_files(ctx.store, waiting, fmt, ctx.actor)
        done, refused = waiting, []
    except VernError:
        done, refused = [], []
        for path in waiting:  # one at a time, to find the bad ones
            try:
                access_logs.import_files(ctx.store, [path], fmt, ctx.actor)
                done.append(path)
            except VernError as error:
                refused.append((path, str(error).splitlines()[-1].strip()))
    for path in done:
        _move(path, folder / "imported", stamp)
    for path, _ in refused:
        _move(path, folder / "failed", stamp)
    return [f"{fmt}/{path.name}: {why}" for path, why in refused]


def _move(path: Path, folder: Path, stamp: str) -> None:
    folder.mkdir(exist_ok=True)
    shutil.move(str(path), str(folder / f"{stamp}-{path.name}"))
