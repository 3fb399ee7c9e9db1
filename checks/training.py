"""Everyone who touches personal data is trained, and stays trained (GDPR Art. 39(1)(b),
32(4)) — from the LMS and the learning record store, against the people directory, with
the dangerous case checked against the access logs: a personal-data system used by
someone without a valid completion on that day."""

from collections.abc import Iterable
from datetime import date, datetime

from audits.access.directory import KINDS
from audits.access.events import NOT_ACCESS, judged
from audits.checking.api import Check, CheckContext, Finding, Rule, Severity
from audits.core import clock
from audits.core.errors import VernError
from audits.core.i18n import Message, Text, joined
from audits.io import inbox
from audits.training import register as training

DEFAULT_COURSE = "Personvern grunnkurs"

RULES = (
    Rule(
        "training_missing", Severity.medium, "Art. 39(1)(b), 32(4)",
        Text("Opplæring mangler", "Training missing"),
        Text("{person} ({kind}) har ikke fullført «{course}»; fristen var {due}.",
             "{person} ({kind}) has not completed “{course}”; it was due on {due}."),
        Text("Send påminnelse, og hold tilgangen til personopplysninger tilbake til kurset er tatt.",
             "Send a reminder, and hold back access to personal data until the course is done."),
    ),
    Rule(
        "training_expired", Severity.medium, "Art. 39(1)(b), 32(4)",
        Text("Opplæring utløpt", "Training expired"),
        Text("{person} ({kind}) fullførte «{course}» {completed}; gyldig til {valid_until}.",
             "{person} ({kind}) completed “{course}” on {completed}; valid until {valid_until}."),
        Text("Be personen ta kurset på nytt.", "Ask the person to take the course again."),
    ),
    Rule(
        "training_due_soon", Severity.low, "Art. 39(1)(b)",
        Text("Opplæring utløper snart", "Training expires soon"),
        Text("«{course}» for {person} ({kind}) er gyldig til {valid_until}.",
             "“{course}” for {person} ({kind}) is valid until {valid_until}."),
        Text("Send påminnelse i god tid.", "Send a reminder in good time."),
    ),
    Rule(
        "access_untrained", Severity.high, "Art. 32(4), 5(1)(f)",
        Text("Personopplysninger brukt uten opplæring", "Personal data used without training"),
        Text("{person} brukte {systems} {count} ganger fra {first} til {last} uten gyldig «{courses}».",
             "{person} used {systems} {count} times from {first} to {last} without a valid “{courses}”."),
        Text("Sørg for at personen tar kurset nå; vurder å stenge tilgangen til det er gjort.",
             "Have the person take the course now; consider closing the access until it is done."),
    ),
)

# (kind, course) pairs from the configuration, passed as two parallel lists.
NO_COURSE = Text("{setting}: må være navnet på et kurs", "{setting}: must be a course name")
PAIRS = "(SELECT unnest($kinds::VARCHAR[]) AS kind, unnest($courses::VARCHAR[]) AS course)"
VALID_UNTIL = "coalesce(c.expires_on, CAST(c.completed_on + to_months($validity) AS DATE))"
# Who needs which course: people who handle personal data and have not left, by kind.
REQUIRED = f"""
    SELECT p.person, p.kind, coalesce(p.district, '') AS district, p.started_on, r.course
    FROM people p JOIN {PAIRS} r ON r.kind = p.kind
    WHERE p.handles_personal_data AND (p.left_on IS NULL OR p.left_on >= $today)"""
LATEST = f"""
    SELECT c.person, c.course, max(c.completed_on) AS completed, max({VALID_UNTIL}) AS valid_until
    FROM training_completions c WHERE c.completed_on <= $today  -- a completion dated ahead counts from then
    GROUP BY c.person, c.course"""
STATUS = f"""
    SELECT q.*, l.completed, l.valid_until,
           CASE WHEN l.valid_until IS NULL THEN
                    CASE WHEN q.started_on + to_days($grace) < $today THEN 'missing' ELSE 'new' END
                WHEN l.valid_until < $today THEN 'expired'
                WHEN l.valid_until <= $today + to_days($soon) THEN 'due_soon'
                ELSE 'valid' END AS status,
           CAST(q.started_on + to_days($grace) AS DATE) AS due
    FROM ({REQUIRED}) q LEFT JOIN ({LATEST}) l USING (person, course)"""
# A course the kind of person `p` needs and `e.actor` holds no valid completion of on `e`'s day.
LACKING = f"""
    SELECT r.course FROM {PAIRS} r WHERE r.kind = p.kind
    AND NOT EXISTS (SELECT 1 FROM training_completions c WHERE c.person = e.actor AND c.course = r.course
                    AND c.completed_on <= e.oslo_day AND e.oslo_day <= {VALID_UNTIL})"""
# Events on personal-data systems by someone lacking, on that day, a course their kind needs.
UNTRAINED = f"""
    SELECT e.actor AS person, count(*) AS n, min(e.happened_at) AS first, max(e.happened_at) AS last,
           list_sort(list(DISTINCT e.system)) AS systems,
           any_value((SELECT list_sort(list(course)) FROM ({LACKING}))) AS courses
    FROM ({judged(personal_only=True, people=False)}) e JOIN people p ON p.person = e.actor
    WHERE NOT e.service AND e.action NOT IN {NOT_ACCESS} AND EXISTS ({LACKING})
    GROUP BY e.actor"""


class TrainingCheck(Check):
    id = "training"
    title = Text("Personvernopplæring", "Privacy training")
    area = "training"
    area_rank = 30
    # completions pulled from the learning platform; who must complete, from a directory
    sources = ("xapi", "entra_directory", "google_directory")
    schedule = "45 6 * * *"
    settings = {
        # Courses each kind of person needs (those who handle personal data).
        "courses": {kind: [DEFAULT_COURSE] for kind in KINDS},
        "validity_months": 12,  # when the LMS gives no expiry
        "grace_days": 30,  # after started_on
        "due_soon_days": 30,
        "xapi_courses": {},  # xAPI object id = course name
        "account_domain": "",  # xAPI account names without @ get @this domain
    }
    rules = RULES

    @classmethod
    def check_settings(cls, settings: dict) -> None:
        for key in ("validity_months", "grace_days", "due_soon_days"):
            if settings[key] < 1:
                raise ValueError(Message("checks.setting.at_least_one", {"setting": key}))
        for object_id, course in settings["xapi_courses"].items():
            if not isinstance(course, str) or not course.strip():
                raise ValueError(Message(NO_COURSE, {"setting": f"xapi_courses.{object_id}"}))

    def collect(self, ctx: CheckContext) -> int:
        failed = []
        for fmt, patterns in (("csv", ("*.csv",)), ("xapi", ("*.json", "*.jsonl", "*.ndjson"))):
            failed += inbox.import_each(
                ctx.inbox, lambda path, fmt=fmt: training.import_files(ctx.store, [path], fmt, ctx.settings, ctx.actor),
                *patterns)
        with ctx.store.transaction() as tx:
            tx.execute(COVERAGE, {**_params(ctx.settings, ctx.today), "now": ctx.now})
        if failed:
            raise VernError(Text("opplæringsfiler avvist, flyttet til failed/: {files}",
                                 "training files refused, moved to failed/: {files}"), files=joined(failed))
        return ctx.store.value("SELECT count(*) FROM training_completions")

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        params = _params(ctx.settings, ctx.today)
        for row in ctx.store.rows(f"SELECT * FROM ({STATUS}) WHERE status IN ('missing', 'expired', 'due_soon')",
                                  params):
            values = {"person": row["person"], "kind": row["kind"], "course": row["course"],
                      "due": row["due"], "completed": row["completed"] or "", "valid_until": row["valid_until"] or ""}
            yield Finding(f"training_{row['status']}", f"{row['person']} · {row['course']}", values)
        pairs = {k: params[k] for k in ("kinds", "courses", "validity")}
        for row in ctx.store.rows(UNTRAINED, pairs):
            yield Finding("access_untrained", row["person"], {
                "person": row["person"], "count": row["n"], "first": row["first"],
                "last": row["last"], "systems": ", ".join(row["systems"]),
                "courses": ", ".join(row["courses"] or []), "system_list": row["systems"],
                "first_at": clock.iso_utc(row["first"]), "last_at": clock.iso_utc(row["last"])},
                systems=tuple(row["systems"]))

    @classmethod
    def status(cls, store, settings: dict, today: date) -> list[dict]:
        """Every required course of everyone who needs training (person, kind, district,
        started_on, course, completed, valid_until, due) and its status: valid, due_soon,
        expired, missing, or new (still in the grace period)."""
        return store.rows(STATUS, _params(settings, today))

    @classmethod
    def coverage(cls, store, until: datetime | None = None) -> list[dict]:
        """People covered (every course their kind needs valid) of those who need training,
        at each run up to `until`: the snapshots COVERAGE keeps, summed over kind and district."""
        return store.rows("SELECT run_at, sum(required) AS required, sum(covered) AS covered "
                          "FROM training_coverage WHERE $until::TIMESTAMPTZ IS NULL OR run_at <= $until "
                          "GROUP BY run_at ORDER BY run_at", {"until": until})


def _params(settings: dict, today: date) -> dict:
    pairs = [(kind, course) for kind, courses in settings["courses"].items() for course in courses]
    return {"today": today, "validity": settings["validity_months"], "grace": settings["grace_days"],
            "soon": settings["due_soon_days"], "kinds": [k for k, _ in pairs], "courses": [c for _, c in pairs]}


# Coverage today by kind and district, kept for the trend (counts only).
COVERAGE = f"""
    INSERT INTO training_coverage
    SELECT $now, kind, district, count(*), count(*) FILTER (WHERE covered)
    FROM (SELECT person, kind, district, bool_and(status IN ('valid', 'due_soon')) AS covered
          FROM ({STATUS}) GROUP BY person, kind, district)
    GROUP BY kind, district"""
