"""Access to personal data is limited to those who need it (GDPR Art. 5(1)(f), 25(2),
32(4)) — judged from the access logs Microsoft 365, Google Workspace, AWS and the CRMs
really write, against the people directory, the system list and the access grants.

Events on resources no system claims are kept but not judged, except sign-ins, which
concern the account itself. Each rule is one SQL query over the stored events.
"""

import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from audits.access import logs as access_logs
from audits.access.events import NOT_ACCESS, judged
from audits.access.formats import FORMATS
from audits.checking.api import Check, CheckContext, Finding, Rule, Severity
from audits.core import labels
from audits.core.errors import VernError
from audits.core.i18n import Message, Text, joined
from audits.io import inbox

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

# Which events each rule counts: the findings aggregate them, the drill-down lists them.
# Every rule judges an account: an event whose log names nobody is no one's, and is not
# lumped into one (wrong user names at a failed sign-in would all be one account).
COUNTS = {rule: f"actor <> '{access_logs.UNATTRIBUTED}' AND {counted}" for rule, counted in {
    "access_unknown_actor": "NOT service AND NOT known AND action NOT IN ('signin_failed', 'denied')",
    "access_after_offboarding": "oslo_day > left_on AND action NOT IN ('signin_failed', 'denied')",
    "access_without_grant": f"personal AND known AND NOT service AND action NOT IN {NOT_ACCESS} "
                            "AND (left_on IS NULL OR oslo_day <= left_on)",  # and no grant that day
    "access_bulk_export": "personal AND NOT service AND action IN ('download', 'export')",
    "access_failed_signins": "action = 'signin_failed'",  # within a burst
    "access_out_of_hours": f"personal AND NOT service AND action NOT IN {NOT_ACCESS} AND night",
}.items()}
# A grant covers the day of an event: both dates count.
GRANTED = """g.person = e.actor AND g.system = e.system AND g.granted_on <= e.oslo_day
             AND (g.revoked_on IS NULL OR e.oslo_day <= g.revoked_on)"""
_SYSTEMS = "list_sort(list(DISTINCT system) FILTER (WHERE system IS NOT NULL))"
INBOX = "access-logs"  # data/inbox/access-logs/<format>/
INBOX_BATCH = 1000  # entries imported together; a refused batch is checked file by file, the good ones imported


def _systems(names: list[str] | None) -> str:
    return ", ".join(names) if names else "sign-in"


class AccessLogsCheck(Check):
    id = "access_logs"
    title = Text("Tilgang til personopplysninger", "Access to personal data")
    area = "access"
    # the audit logs of Microsoft 365, Google Workspace and AWS, and the people they are judged against
    sources = ("m365", "google", "s3", "entra_directory", "google_directory")
    area_rank = 20
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
                raise ValueError(Message("checks.setting.at_least_one", {"setting": key}))
        for key in ("night_from", "night_until"):
            if not 0 <= settings[key] <= 23:
                raise ValueError(Message("checks.setting.hour", {"setting": key}))

    def collect(self, ctx: CheckContext) -> int:
        failed = []
        for fmt in FORMATS:
            folder = ctx.inbox.parent / INBOX / fmt
            failed += _import_inbox(ctx, folder, fmt)
        access_logs.purge(ctx.store, ctx.today, ctx.settings["retention_months"], ctx.actor)
        if failed:
            raise VernError(Text("tilgangslogger avvist, flyttet til failed/: {files}",
                                 "access logs refused, moved to failed/: {files}"), files=joined(failed))
        return ctx.store.value("SELECT count(*) FROM access_events")

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        s = ctx.settings

        def rows(sql: str, params: dict) -> list[dict]:
            # Thousands of findings: their UTC times for the details are formatted by DuckDB.
            return ctx.store.rows(f"SELECT *, {_UTC} FROM ({sql})", params)

        night = {"night_from": s["night_from"], "night_until": s["night_until"]}
        for row in rows(PRESENCE, {}):
            if row["known"]:
                yield _finding("access_after_offboarding", row["actor"], row, left_on=row["left_on"])
            else:
                yield _finding("access_unknown_actor", row["actor"], row)
        for row in rows(UNGRANTED, {}):
            yield _finding("access_without_grant", f"{row['actor']} · {row['system']}", row, system=row["system"])
        for row in rows(BULK, {"days": s["baseline_days"], "floor": s["bulk_floor"],
                               "factor": s["bulk_factor"]}):
            yield _finding("access_bulk_export", f"{row['actor']} · {row['day']}", row, day=row["day"],
                           baseline=round(float(row["baseline"]), 1))
        for row in rows(BURSTS, {"minutes": s["failed_minutes"], "threshold": s["failed_signins"]}):
            yield _finding("access_failed_signins", f"{row['actor']} · {row['day']}", row,
                           minutes=s["failed_minutes"])
        for row in rows(OUT_OF_HOURS, night):
            yield _finding("access_out_of_hours", f"{row['actor']} · {row['day']}", row, day=row["day"])

    @classmethod
    def evidence(cls, store, settings: dict, finding: dict, limit: int = 500) -> list[dict]:
        """Exactly the events an access finding counted, newest first."""
        return _behind(store, settings, finding["rule"], finding["subject"], limit)


# Each rule is one query over the events; the filters come first, so ten million events
# are scanned, not grouped: only the few that break a rule are.
_SUMMARY = f"count(*) AS n, min(happened_at) AS first, max(happened_at) AS last, {_SYSTEMS} AS systems"
# Only accounts outside the directory, or of people who have left, can break these two.
_ABSENT = "(SELECT * FROM access_events WHERE actor NOT IN (SELECT person FROM people WHERE left_on IS NULL))"
PRESENCE = f"""
    SELECT actor, known, left_on, {_SUMMARY} FROM ({judged(events=_ABSENT)})
    WHERE ({COUNTS["access_unknown_actor"]}) OR ({COUNTS["access_after_offboarding"]})
    GROUP BY actor, known, left_on"""
UNGRANTED = f"""
    SELECT e.actor, e.system, {_SUMMARY} FROM ({judged(personal_only=True)}) e
    ANTI JOIN grants g ON {GRANTED}
    WHERE {COUNTS["access_without_grant"]} GROUP BY e.actor, e.system"""
BULK = f"""
    WITH daily AS MATERIALIZED (
        SELECT actor, oslo_day, sum(records) AS n FROM ({judged(personal_only=True, people=False)})
        WHERE {COUNTS["access_bulk_export"]} GROUP BY actor, oslo_day),
    unusual AS (
        SELECT d.actor, d.oslo_day, d.n, coalesce(sum(b.n), 0) / $days AS baseline
        FROM daily d LEFT JOIN daily b ON b.actor = d.actor
             AND b.oslo_day >= d.oslo_day - to_days($days) AND b.oslo_day < d.oslo_day
        WHERE d.n >= $floor GROUP BY d.actor, d.oslo_day, d.n HAVING d.n > $factor * baseline)
    SELECT e.actor, e.oslo_day AS day, any_value(u.n) AS n, any_value(u.baseline) AS baseline,
           min(happened_at) AS first, max(happened_at) AS last, {_SYSTEMS} AS systems
    FROM ({judged(personal_only=True, people=False)}) e JOIN unusual u USING (actor, oslo_day)
    WHERE {COUNTS["access_bulk_export"]} GROUP BY e.actor, e.oslo_day"""
BURSTS = f"""
    WITH failed AS (
        SELECT actor, oslo_day, happened_at, count(*) OVER burst AS n, min(happened_at) OVER burst AS started
        FROM access_events WHERE {COUNTS["access_failed_signins"]}
        WINDOW burst AS (PARTITION BY actor ORDER BY happened_at
                         RANGE BETWEEN to_minutes($minutes) PRECEDING AND CURRENT ROW))
    SELECT actor, oslo_day AS day, max(n) AS n, min(started) AS first, max(happened_at) AS last
    FROM failed WHERE n >= $threshold GROUP BY actor, oslo_day"""
OUT_OF_HOURS = f"""
    SELECT actor, oslo_day AS day, {_SUMMARY} FROM ({judged(personal_only=True, people=False, night=True)})
    WHERE {COUNTS["access_out_of_hours"]} GROUP BY actor, oslo_day"""


def _behind(store, settings: dict, rule: str, subject: str, limit: int) -> list[dict]:
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
        where.append(f"NOT EXISTS (SELECT 1 FROM grants g WHERE {GRANTED})")
    if rule == "access_failed_signins":
        burst = store.rows(f"SELECT * FROM ({BURSTS}) WHERE actor = $actor AND day = $day",
                           {"minutes": settings["failed_minutes"], "threshold": settings["failed_signins"],
                            "actor": actor, "day": params["day"]})
        if not burst:
            return []
        where.append("happened_at BETWEEN $first AND $last")
        params.update(first=burst[0]["first"], last=burst[0]["last"])
    events = store.rows(
        "SELECT happened_at, source, system, action, operation, object, source_ip, records "
        f"FROM ({judged(night=True)}) e WHERE {' AND '.join(where)} ORDER BY happened_at DESC LIMIT $limit",
        {**params, "limit": limit})
    objects = labels.texts(store, (e["object"] for e in events))  # file names often name people
    return [{**e, "object": objects.get(e["object"])} for e in events]


# As clock.iso_utc writes them.
_UTC = ", ".join(f"strftime(timezone('UTC', {end}), '%Y-%m-%dT%H:%M:%SZ') AS {end}_at" for end in ("first", "last"))


def _finding(rule: str, subject: str, row: dict, **values) -> Finding:
    names = row.get("systems") or ([row["system"]] if row.get("system") else [])
    return Finding(rule, subject, {
        "actor": row["actor"], "count": int(row["n"]), "first": row["first"], "last": row["last"],
        "systems": _systems(names), "system_list": names, "first_at": row["first_at"], "last_at": row["last_at"],
        **values}, systems=tuple(names))


def _import_inbox(ctx: CheckContext, folder: Path, fmt: str) -> list[Message]:
    """Import what was dropped, INBOX_BATCH entries at a time (an import takes at most
    10,000 files); a refused file goes to failed/ and the others still land. Links and
    special files go to failed/ unread."""
    stamp = inbox.stamp()
    refused = inbox.refused(folder)
    waiting = inbox.files(folder)
    done = []

    def importing(paths: list[Path]) -> None:
        access_logs.import_files(ctx.store, paths, fmt, ctx.actor)

    for start in range(0, len(waiting), INBOX_BATCH):
        batch = waiting[start:start + INBOX_BATCH]
        try:
            importing(batch)
            done += batch
        except VernError:  # find the bad ones, a file at a time, read and checked, not stored
            good = _each(batch, lambda one: access_logs.check_files(ctx.store, one, fmt), refused)
            done += _together_or_each(good, importing, refused)
    for path in done:
        inbox.move(path, folder / "imported", stamp)
    for path, _ in refused:
        inbox.move(path, folder / "failed", stamp)
    return [Message("inbox.refused", {"name": f"{fmt}/{path.name}", "why": why}) for path, why in refused]


def _together_or_each(paths: list[Path], attempt: Callable[[list[Path]], None], refused: list) -> list[Path]:
    """`attempt` on the paths together, else (refused together: too many events at once) on
    each alone; the paths it took."""
    if not paths:
        return []
    try:
        attempt(paths)
        return paths
    except VernError:
        return _each(paths, attempt, refused)


def _each(paths: list[Path], attempt: Callable[[list[Path]], None], refused: list) -> list[Path]:
    """`attempt` on each path alone; the paths it took, the others added to `refused` with why."""
    taken = []
    for path in paths:
        try:
            attempt([path])
            taken.append(path)
        except VernError as error:
            refused.append((path, inbox.reason_of(error)))
    return taken
