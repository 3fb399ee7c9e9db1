"""The record of processing activities (GDPR Art. 30) is complete and lawful on its face:
every element Art. 30 asks for, a condition for special categories (Art. 9(2)), a DPIA
where WP248 screening calls for one (Art. 35), agreements with the processors it uses
(Art. 28(3)), a classification, and risk reviews held when they are due (Art. 24(1))."""

from collections.abc import Iterable

from audits.activities import register as activities
from audits.checking.api import Check, CheckContext, Finding, Rule, Severity
from audits.core.i18n import Text, t
from audits.processors.register import agreement_problem

RULES = (
    Rule(
        "ropa_incomplete", Severity.medium, "Art. 30(1)",
        Text("Protokollen er ufullstendig", "Record of processing incomplete"),
        Text("«{subject}» mangler: {missing_nb}.", "“{subject}” lacks: {missing_en}."),
        Text("Fyll ut det som mangler i protokollen.", "Fill in what the record lacks."),
    ),
    Rule(
        "dpia_required", Severity.high, "Art. 35(1), WP248",
        Text("DPIA kreves", "DPIA required"),
        Text("«{subject}» oppfyller {count} av WP248-kriteriene ({criteria_nb}); DPIA: {status_nb}.",
             "“{subject}” meets {count} of the WP248 criteria ({criteria_en}); DPIA: {status_en}."),
        Text("Gjennomfør og dokumenter en vurdering av personvernkonsekvenser før behandlingen fortsetter.",
             "Carry out and document a data protection impact assessment before the processing goes on."),
    ),
    Rule(
        "special_category_without_condition", Severity.high, "Art. 9(1)-(2)",
        Text("Særlige kategorier uten unntak", "Special categories without a condition"),
        Text("«{subject}» behandler {categories_nb} uten et vilkår i art. 9(2).",
             "“{subject}” processes {categories_en} without an Art. 9(2) condition."),
        Text("Angi vilkåret i art. 9(2), eller stans behandlingen av disse opplysningene.",
             "Name the Art. 9(2) condition, or stop processing these data."),
    ),
    Rule(
        "activity_processor_without_dpa", Severity.high, "Art. 28(3)",
        Text("Databehandler uten gyldig avtale", "Processor without a valid agreement"),
        Text("«{subject}» bruker {processors} uten gyldig databehandleravtale.",
             "“{subject}” uses {processors} without a valid processor agreement."),
        Text("Få avtalen på plass, eller flytt behandlingen.", "Put the agreement in place, or move the processing."),
    ),
    Rule(
        "classification_missing", Severity.low, "Art. 32(1)-(2)",
        Text("Klassifisering mangler", "Classification missing"),
        Text("«{subject}» er ikke klassifisert.", "“{subject}” has no classification."),
        Text("Klassifiser opplysningene (åpen, intern, fortrolig, strengt fortrolig).",
             "Classify the data (open, internal, confidential, strictly confidential)."),
    ),
    Rule(
        "risk_review_overdue", Severity.medium, "Art. 24(1), 32(1)",
        Text("Risikovurdering forfalt", "Risk review overdue"),
        Text("Risikoen i «{subject}» skulle vært vurdert {review_on}{owner}.",
             "The risk of “{subject}” was due for review on {review_on}{owner}."),
        Text("Gå gjennom risikoen og sett neste dato.", "Review the risk and set the next date."),
    ),
)

# What Art. 30(1) asks of a controller's record (with the Art. 6 basis), and Art. 30(2)
# of a processor's: element -> how it is named.
ELEMENTS = {
    "controller": {
        "purpose": Text("formål (art. 30(1)(b))", "purpose (Art. 30(1)(b))"),
        "legal_basis": Text("behandlingsgrunnlag (art. 6(1))", "legal basis (Art. 6(1))"),
        "data_subjects": Text("kategorier registrerte (art. 30(1)(c))", "categories of data subjects (Art. 30(1)(c))"),
        "data_categories": Text("kategorier personopplysninger (art. 30(1)(c))",
                                "categories of personal data (Art. 30(1)(c))"),
        "recipients": Text("mottakere (art. 30(1)(d))", "recipients (Art. 30(1)(d))"),
        "retention": Text("lagringstid (art. 30(1)(f))", "retention period (Art. 30(1)(f))"),
        "security_measures": Text("sikkerhetstiltak (art. 30(1)(g))", "security measures (Art. 30(1)(g))"),
    },
    "processor": {
        "purpose": Text("kategorier behandling (art. 30(2)(b))", "categories of processing (Art. 30(2)(b))"),
        "security_measures": Text("sikkerhetstiltak (art. 30(2)(d))", "security measures (Art. 30(2)(d))"),
    },
}
UNREGISTERED = Text("overføringer (art. 30(1)(e)): {names} finnes ikke i databehandlerregisteret",
                    "transfers (Art. 30(1)(e)): {names} not in the processor register")
DPIA_STATUS = {"not_started": Text("ikke påbegynt", "not started"), "in_progress": Text("pågår", "in progress")}


def missing(record: dict, processors: set[str]) -> list[Text]:
    """What the record lacks, each element named with its provision."""
    lacking = [named for field, named in ELEMENTS[record["role"]].items() if not record[field]]
    unknown = [name for name in record["processors"] if name not in processors]
    if unknown:
        names = ", ".join(unknown)
        lacking.append(Text(UNREGISTERED.nb.format(names=names), UNREGISTERED.en.format(names=names)))
    return lacking


def _both(key: str, texts: list[Text], between: str = "; ") -> dict[str, str]:
    """A value that reads in either language: {key}_nb and {key}_en."""
    return {f"{key}_nb": between.join(t.nb for t in texts), f"{key}_en": between.join(t.en for t in texts)}


def _named(prefix: str, ids: list[str]) -> list[Text]:
    """Ids (a WP248 criterion, a special category) by their names in the catalogue."""
    return [Text(t(f"{prefix}.{id_}", "nb"), t(f"{prefix}.{id_}", "en")) for id_ in ids]


class ActivitiesCheck(Check):
    id = "activities"
    title = Text("Behandlingsprotokoll og risiko", "Record of processing and risk")
    area = "activities"
    area_rank = 50
    schedule = "0 6 * * *"
    rules = RULES

    def collect(self, ctx: CheckContext) -> int:
        return ctx.store.value("SELECT count(*) FROM activities")

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        agreements: dict[str, list[str]] = {}
        for row in ctx.store.rows("SELECT name, dpa_signed_on, dpa_expires_on FROM processors"):
            problem = agreement_problem(row, ctx.today)
            agreements.setdefault(row["name"], [])
            if problem:
                agreements[row["name"]].append(problem)
        for record in activities.listing(ctx.store):
            name = record["name"]
            lacking = missing(record, set(agreements))
            if lacking:
                yield Finding("ropa_incomplete", name, _both("missing", lacking), activity=name)
            if activities.dpia_required(record) and record["dpia_status"] != "completed":
                yield Finding("dpia_required", name, {
                    "count": len(record["dpia_criteria"]), "criteria": ", ".join(record["dpia_criteria"]),
                    **_both("criteria", _named("activities.criterion", record["dpia_criteria"]), ", "),
                    **_both("status", [DPIA_STATUS[record["dpia_status"]]])}, activity=name)
            if record["special_categories"] and not record["art9_condition"]:
                yield Finding("special_category_without_condition", name,
                              {"categories": ", ".join(record["special_categories"]),
                               **_both("categories", _named("activities.special", record["special_categories"]),
                                       ", ")}, activity=name)
            lapsed = [p for p in record["processors"] if agreements.get(p)]
            if lapsed:
                yield Finding("activity_processor_without_dpa", name,
                              {"processors": ", ".join(lapsed), "processor_list": lapsed}, activity=name)
            if not record["classification"]:
                yield Finding("classification_missing", name, activity=name)
            if record["review_on"] and record["review_on"] < ctx.today:
                yield Finding("risk_review_overdue", name, {
                    "review_on": record["review_on"],
                    "owner": f" ({record['owner']})" if record["owner"] else ""}, activity=name)
