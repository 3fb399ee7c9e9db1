"""Deletion when the purpose ends (GDPR Art. 5(1)(e)): the records each system holds, from
its inventory, judged against the retention rules of the processing activities."""

from collections.abc import Iterable

from audits.checks import Check, CheckContext, Finding, Rule, Severity
from audits.i18n import Text

RULES = (
    Rule(
        "retention_overdue", Severity.high, "Art. 5(1)(e), 17(1)(a)",
        Text("Lagret for lenge", "Kept too long"),
        Text("{subject}: {count} poster er over lagringstiden; eldste frist {oldest}.",
             "{subject}: {count} records are past their retention; oldest due {oldest}."),
        Text("Slett postene og registrer slettingen.", "Delete the records and record the deletion."),
    ),
    Rule(
        "retention_rule_missing", Severity.medium, "Art. 5(1)(e), 30(1)(f)",
        Text("Lagringstid mangler", "Retention rule missing"),
        Text("{subject}: {count} poster i en kategori uten lagringsregel.",
             "{subject}: {count} records in a category with no retention rule."),
        Text("Knytt kategorien til en behandlingsaktivitet med lagringstid.",
             "Link the category to a processing activity with a retention period."),
    ),
)


class RetentionCheck(Check):
    id = "retention"
    title = Text("Lagringstid og sletting", "Retention and deletion")
    area = "retention"
    schedule = "0 7 * * *"
    rules = RULES

    def evaluate(self, ctx: CheckContext) -> Iterable[Finding]:
        return []
